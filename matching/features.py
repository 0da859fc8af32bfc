"""Match features: the values a record is blocked and compared on, derived by named transforms.

A feature value is always a tuple of strings: empty when the record has nothing to compare,
several when the attribute is multi-valued (licences) or the transform yields alternatives (the
formal names a nickname stands for). Comparisons take the best outcome over all value pairs.

>>> from matching.settings import FeatureSpec
>>> spec = FeatureSpec(name="first", attribute="first_name", transform="given_name")
>>> derive(spec, {"first_name": "Bill"}, frozenset())
('BILL', 'WILLIAM')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from types import MappingProxyType
from typing import Any

from matching.settings import FeatureSpec, MatchSettings
from matching.standardise.items import clean_part_number, normalise_item_description
from matching.standardise.nicknames import given_name_forms
from matching.standardise.organisations import manufacturer_key, organisation_key, payer_key
from matching.standardise.phonetic import nysiis
from matching.standardise.text import collapse_whitespace, strip_accents

FeatureValues = tuple[str, ...]
Transform = Callable[[Any], Iterable[str]]

_NON_DIGITS = re.compile(r"\D")
_NON_ALNUM = re.compile(r"[^0-9A-Z ]")


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A record as matching sees it: an opaque key and its feature values."""

    key: str
    features: Mapping[str, FeatureValues]

    def values(self, feature: str) -> FeatureValues:
        return self.features.get(feature, ())


def _text(value: Any) -> str:
    return collapse_whitespace(strip_accents(str(value))).upper()


def _upper(value: Any) -> Iterable[str]:
    text = _text(value)
    return (text,) if text else ()


def _alnum(value: Any) -> Iterable[str]:
    text = collapse_whitespace(_NON_ALNUM.sub(" ", _text(value).replace("'", "")))
    return (text,) if text else ()


def _digits(value: Any) -> Iterable[str]:
    digits = _NON_DIGITS.sub("", str(value))
    return (digits,) if digits else ()


def _given_name(value: Any) -> Iterable[str]:
    return sorted(given_name_forms(str(value)))


def _given_initials(value: Any) -> Iterable[str]:
    # "Liz" blocks with "Elizabeth": the initials of every formal form count.
    return sorted({form[0] for form in given_name_forms(str(value)) if form})


def _nysiis(value: Any) -> Iterable[str]:
    # Each word of a compound surname ("Garcia Lopez") gets its own key, so either can block.
    words = _alnum(value)
    return sorted({key for text in words for key in map(nysiis, text.split()) if key})


def _initial(value: Any) -> Iterable[str]:
    text = _text(value)
    return (text[0],) if text else ()


def _prefix4(value: Any) -> Iterable[str]:
    return tuple(text[:4] for text in _alnum(value))


def _date(value: Any) -> Iterable[str]:
    text = str(value)[:10]
    return (text,) if len(text) == 10 else ()


def _year(value: Any) -> Iterable[str]:
    return tuple(text[:4] for text in _date(value))


def _zip5(value: Any) -> Iterable[str]:
    digits = _NON_DIGITS.sub("", str(value))[:5]
    return (digits,) if len(digits) == 5 else ()


def _phone_local(value: Any) -> Iterable[str]:
    # E.164 "+15125550142" -> "5125550142": comparisons and blocking ignore the country code.
    digits = _NON_DIGITS.sub("", str(value))
    return (digits[-10:],) if len(digits) >= 10 else ()


def _email(value: Any) -> Iterable[str]:
    text = str(value).strip().lower()
    return (text,) if "@" in text else ()


def _email_local(value: Any) -> Iterable[str]:
    local = str(value).strip().lower().split("@")[0]
    local = re.sub(r"[^a-z0-9]", "", local.split("+")[0])
    return (local,) if local else ()


def _organisation(value: Any) -> Iterable[str]:
    key = organisation_key(str(value))
    return (key,) if key else ()


def _organisation_first_word(value: Any) -> Iterable[str]:
    key = organisation_key(str(value))
    return (key.split()[0],) if key else ()


def _payer(value: Any) -> Iterable[str]:
    key = payer_key(str(value))
    return (key,) if key else ()


def _manufacturer(value: Any) -> Iterable[str]:
    key = manufacturer_key(str(value))
    return (key,) if key else ()


def _item_description(value: Any) -> Iterable[str]:
    text = normalise_item_description(str(value))
    return (text,) if text else ()


def _part_number(value: Any) -> Iterable[str]:
    text = clean_part_number(str(value))
    return (text,) if text else ()


def _license(value: Any) -> Iterable[str]:
    if isinstance(value, Mapping):
        state = _text(value.get("state") or "")
        number = re.sub(r"[^0-9A-Z]", "", _text(value.get("number") or ""))
        return (f"{state}|{number}",) if state and number else ()
    return _upper(value)


def _street(value: Any) -> Iterable[str]:
    return _alnum(value)


_HOUSE_NUMBER = re.compile(r"^\s*([0-9]+[A-Z]?)\b")


def _house_number(value: Any) -> Iterable[str]:
    match = _HOUSE_NUMBER.match(_text(value))
    return (match.group(1),) if match else ()


# A secondary-unit line ("APT 5B", "SUITE 200", "VILLA 2", "# 12", "PO BOX 7", "REAR") names no
# street: two homes in different streets share "APT 5B" by chance. Only a whole line of a unit
# designator and its number (a digit in it, or one letter) counts, so "BOX ELDER ST", "LOT
# LINE RD", "SPACE CENTER BLVD" and "STE GENEVIEVE AVE" stay streets.
_SECONDARY_UNIT = re.compile(
    r"^(?:(?:APT|APARTMENT|UNIT|UNT|STE|SUITE|FL|FLOOR|LEVEL|LVL|BLDG|BUILDING|RM|ROOM|LOT|SPC|"
    r"SPACE|TRLR|FLT|FLAT|VILLA|SEC|LOCN|SHOP|DEPT|OFC|OFFICE|PH|SLIP|STOP|HNGR|PIER|KEY|"
    r"P\.?\s*O\.?\s*BOX|BOX)\s*#?\s*(?:[0-9A-Z-]*[0-9][0-9A-Z-]*|[A-Z])|#\s*[0-9A-Z-]+|"
    r"REAR|FRNT|FRONT|BSMT|BASEMENT|LOWR|UPPR|SIDE)$"
)


def _street_name(value: Any) -> Iterable[str]:
    # The street without its house number, so "12 GOODCHILD ST" and "21 GOODCHILD ST" agree on
    # the street while the number is compared on its own.
    text = _text(value)
    if _SECONDARY_UNIT.fullmatch(text):
        return ()
    return _alnum(_HOUSE_NUMBER.sub("", text))


def _street_word(value: Any) -> Iterable[str]:
    # The street name's first word ("STUDLEY" of "STUDLEY STEET"): for blocking, so a typo in
    # the street type, or a word run into the next, still meets the record's other copies.
    for name in _street_name(value):
        words = [w for w in name.split() if len(w) >= 3]
        return (words[0],) if words else ()
    return ()


TRANSFORMS: Mapping[str, Transform] = MappingProxyType(
    {
        "upper": _upper,
        "alnum": _alnum,
        "digits": _digits,
        "given_name": _given_name,
        "nysiis": _nysiis,
        "initial": _initial,
        "given_initials": _given_initials,
        "prefix4": _prefix4,
        "date": _date,
        "year": _year,
        "zip5": _zip5,
        "phone": _phone_local,
        "email": _email,
        "email_local": _email_local,
        "organisation": _organisation,
        "organisation_first_word": _organisation_first_word,
        "manufacturer": _manufacturer,
        "payer": _payer,
        "item_description": _item_description,
        "part_number": _part_number,
        "license": _license,
        "street": _street,
        "house_number": _house_number,
        "street_name": _street_name,
        "street_word": _street_word,
    }
)


def _reach(attributes: Mapping[str, Any], path: tuple[str, ...]) -> list[Any]:
    """The values at ``path``; lists (multi-valued attributes) are walked element by element."""
    if len(path) == 1:
        # The usual feature: one top-level attribute, without the walk below.
        child = attributes.get(path[0])
        if isinstance(child, (list, tuple)):
            return list(child)
        return [child] if child is not None and child != "" else []
    current: list[Any] = [attributes]
    for part in path:
        following: list[Any] = []
        for node in current:
            # A plain dict first: the ABC check alone was a fifth of deriving features.
            if isinstance(node, dict) or isinstance(node, Mapping):
                child = node.get(part)
                if isinstance(child, (list, tuple)):
                    following.extend(child)
                elif child is not None and child != "":
                    following.append(child)
        current = following
    return current


def _derive_one(
    path: tuple[str, ...],
    transform: Transform,
    attributes: Mapping[str, Any],
    valid_only: bool,
    invalid_attributes: frozenset[str],
) -> list[str]:
    if valid_only and path[0] in invalid_attributes:
        return []
    out: dict[str, None] = {}
    for value in _reach(attributes, path):
        for derived in transform(value):
            if derived:
                out[derived] = None
    return list(out)


@lru_cache(maxsize=1024)
def _paths(attribute: str) -> tuple[bool, tuple[tuple[str, ...], ...]]:
    """A feature's ``attribute`` read once: whether it names alternatives (``a|b``) rather than
    parts (``a+b``), and each path split at its dots (a record derives twenty features)."""
    alternatives = "|" in attribute
    paths = attribute.split("|" if alternatives else "+")
    return alternatives, tuple(tuple(path.split(".")) for path in paths)


def _memoised(transform: Transform) -> Transform:
    """``transform`` remembering its results for text values: surnames, streets and cities
    repeat across a file, and each record derives about twenty features from them."""

    @lru_cache(maxsize=1 << 16)
    def on_text(value: str) -> tuple[str, ...]:
        return tuple(transform(value))

    def memoised(value: Any) -> Iterable[str]:
        return on_text(value) if isinstance(value, str) else transform(value)

    return memoised


_MEMOISED: Mapping[str, Transform] = MappingProxyType(
    {name: _memoised(transform) for name, transform in TRANSFORMS.items()}
)


def derive(
    spec: FeatureSpec, attributes: Mapping[str, Any], invalid_attributes: frozenset[str]
) -> FeatureValues:
    # Sensitive values (an SSN) are derived afresh, never kept in the process-wide cache.
    transform = TRANSFORMS[spec.transform] if spec.sensitive else _MEMOISED[spec.transform]
    alternatives, paths = _paths(spec.attribute)
    if alternatives:
        # Alternatives: any of the attributes ("legal_name|dba_name": either name of a supplier).
        found: dict[str, None] = {}
        for path in paths:
            for value in _derive_one(
                path, transform, attributes, spec.valid_only, invalid_attributes
            ):
                found[value] = None
        return tuple(found)
    parts = [
        _derive_one(path, transform, attributes, spec.valid_only, invalid_attributes)
        for path in paths
    ]
    if len(parts) == 1:
        return tuple(parts[0])  # one part: its values, already distinct and in order
    if any(not values for values in parts):
        return ()
    if spec.combine == "sorted":
        return tuple(dict.fromkeys("|".join(sorted(combo)) for combo in product(*parts)))
    return tuple(dict.fromkeys("|".join(combo) for combo in product(*parts)))


def mask(value: str | None) -> str | None:
    """How a sensitive value appears in explanations: its last four characters."""
    if value is None:
        return None
    return "*" * max(len(value) - 4, 0) + value[-4:]


def match_record(
    settings: MatchSettings,
    key: str,
    attributes: Mapping[str, Any],
    invalid_attributes: Iterable[str] = (),
) -> MatchRecord:
    """Derive every feature the settings name from a record's standardised attributes.

    ``invalid_attributes`` names the attributes standardisation flagged (an NPI failing its check
    digit); features marked ``valid_only`` ignore them.
    """
    invalid = frozenset(invalid_attributes)
    return MatchRecord(
        key,
        MappingProxyType(
            {spec.name: derive(spec, attributes, invalid) for spec in settings.features}
        ),
    )


def unknown_transforms(specs: Sequence[FeatureSpec]) -> list[str]:
    return sorted({spec.transform for spec in specs if spec.transform not in TRANSFORMS})
