"""Person-name parsing and cleaning for provider and patient records.

Sources send names either as one string ("SMITH, JOHN A MD", "Dr. John A. Smith Jr.") or as
separate fields that still carry credentials and suffixes glued on ("SMITH MD" in the last
name column). Both paths produce the same :class:`PersonName`, so that matching compares
like with like.

Known limitations, accepted because no rule can resolve them from the string alone:
"SMITH JOHN" without a comma is read as first name SMITH; Vietnamese middle names "Van" and
"Le" are read as surname particles; "Mac" prefixes are not re-capitalised ("Mack" exists).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from types import MappingProxyType

from matching.standardise.text import collapse_whitespace

__all__ = [
    "CREDENTIALS",
    "PREFIXES",
    "SUFFIXES",
    "PersonName",
    "clean_name_parts",
    "normalise_credential",
    "normalise_prefix",
    "normalise_suffix",
    "parse_person_name",
    "title_case_name",
]

CREDENTIALS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "MD": ("MD", "M.D.", "M D"),
        "DO": ("DO", "D.O."),
        "MBBS": ("MBBS", "M.B.B.S.", "MB BS"),
        "NP": ("NP", "N.P."),
        "FNP": ("FNP", "F.N.P."),
        "FNP-BC": ("FNP-BC", "FNP BC"),
        "FNP-C": ("FNP-C",),
        "ANP": ("ANP", "A.N.P."),
        "APRN": ("APRN", "A.P.R.N."),
        "CRNP": ("CRNP",),
        "DNP": ("DNP",),
        "PA": ("PA", "P.A."),
        "PA-C": ("PA-C", "P.A.-C.", "PAC"),
        "RN": ("RN", "R.N."),
        "BSN": ("BSN",),
        "MSN": ("MSN",),
        "LPN": ("LPN", "L.P.N."),
        "CRNA": ("CRNA",),
        "CNM": ("CNM",),
        "DPM": ("DPM", "D.P.M."),
        "DDS": ("DDS", "D.D.S."),
        "DMD": ("DMD", "D.M.D."),
        "OD": ("OD", "O.D."),
        "PHD": ("PhD", "Ph.D."),
        "PSYD": ("PsyD", "Psy.D."),
        "PHARMD": ("PharmD", "Pharm.D."),
        "RPH": ("RPh", "R.Ph."),
        "DC": ("DC", "D.C."),
        "DPT": ("DPT",),
        "PT": ("PT", "P.T."),
        "OT": ("OT", "O.T."),
        "OTR": ("OTR", "OTR/L"),
        "LCSW": ("LCSW",),
        "LPC": ("LPC",),
        "LMFT": ("LMFT",),
        "FACS": ("FACS", "F.A.C.S."),
        "FACP": ("FACP", "F.A.C.P."),
        "FAAP": ("FAAP", "F.A.A.P."),
        "FAAFP": ("FAAFP",),
        "FACC": ("FACC",),
        "FACOG": ("FACOG",),
        "FACEP": ("FACEP",),
        "MPH": ("MPH", "M.P.H."),
        "MS": ("MS", "M.S.", "MSc", "M.Sc."),
        "MA": ("MA", "M.A."),
        "MBA": ("MBA", "M.B.A."),
        "MHA": ("MHA",),
    }
)
"""Canonical credential to the spellings seen in source data.

Related credentials stay distinct ("PA-C" is not folded into "PA", "FNP-BC" not into "NP"):
the certification is information a steward may need, and folding is easy later but
impossible to undo. Lookup ignores case, dots, spaces and hyphens, so "m.d.", "M D" and
"MD" are all MD.
"""

SUFFIXES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "JR": ("Jr", "Jr.", "Junior", "Jnr"),
        "SR": ("Sr", "Sr.", "Senior", "Snr"),
        "II": ("II", "2nd"),
        "III": ("III", "3rd"),
        "IV": ("IV", "4th"),
        "V": ("V", "5th"),
    }
)
"""Canonical generational suffix to its spellings."""

PREFIXES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "DR": ("Dr", "Dr.", "Doctor"),
        "MR": ("Mr", "Mr.", "Mister"),
        "MRS": ("Mrs", "Mrs."),
        "MS": ("Ms", "Ms.", "Miss"),
        "MX": ("Mx", "Mx."),
        "PROF": ("Prof", "Prof.", "Professor"),
    }
)
"""Canonical name prefix (honorific) to its spellings."""


def _key(text: str) -> str:
    return "".join(char for char in text.upper() if char.isascii() and char.isalnum())


def _index(table: Mapping[str, tuple[str, ...]]) -> Mapping[str, str]:
    return MappingProxyType(
        {
            _key(spelling): canonical
            for canonical, spellings in table.items()
            for spelling in (canonical, *spellings)
        }
    )


_CREDENTIAL_BY_KEY = _index(CREDENTIALS)
_SUFFIX_BY_KEY = _index(SUFFIXES)
_PREFIX_BY_KEY = _index(PREFIXES)

# Surname particles: they belong to the last name ("de la Cruz", "van der Berg").
_PARTICLES = frozenset(
    {
        "de",
        "del",
        "della",
        "der",
        "den",
        "da",
        "das",
        "dos",
        "du",
        "di",
        "des",
        "la",
        "le",
        "van",
        "von",
        "ter",
        "ten",
        "st",
    }
)
# "St" is a particle but is written capitalised ("St John"), unlike the others.
_LOWERCASE_PARTICLES = _PARTICLES - {"st"}
_ROMAN_NUMERALS = frozenset({"II", "III", "IV"})

# Designations that are also common names or initials: DO and MA are surnames ("Minh Do",
# "Wei Ma") and V is a middle initial. Each context says how many name tokens must remain
# before one of them is taken as a designation; None means never in that context.
_NATURAL_ORDER = MappingProxyType({"DO": 2, "MA": 2, "V": 2})
_GIVEN_NAMES = MappingProxyType({"DO": 1, "MA": 1, "V": None})
_SURNAME = MappingProxyType({"DO": None, "MA": None, "V": 1})

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'"})
# Nicknames in brackets or quotes ('Robert "Bob" Smith') have no field of their own and would
# otherwise be read as a middle name.
_NICKNAME = re.compile(r"\([^)]*\)|\[[^\]]*\]|\"[^\"]*\"")
_HYPHEN_OR_APOSTROPHE = re.compile(r"([-'])")


@dataclass(frozen=True, slots=True)
class PersonName:
    """A parsed person name. Parts are title-cased; suffix, prefix and credentials canonical."""

    first: str | None = None
    middle: str | None = None
    last: str | None = None
    suffix: str | None = None
    credentials: tuple[str, ...] = ()
    prefix: str | None = None


def normalise_credential(raw: str | None) -> str | None:
    """Return the canonical credential for a spelling, or None when it is not one.

    >>> normalise_credential("M.D."), normalise_credential("p.a.-c"), normalise_credential("Ph.D.")
    ('MD', 'PA-C', 'PHD')
    >>> normalise_credential("Smith") is None
    True
    """
    return _CREDENTIAL_BY_KEY.get(_key(raw)) if raw else None


def normalise_suffix(raw: str | None) -> str | None:
    """Return the canonical generational suffix, or None when it is not one.

    >>> normalise_suffix("Jr."), normalise_suffix("junior"), normalise_suffix("3RD")
    ('JR', 'JR', 'III')
    """
    return _SUFFIX_BY_KEY.get(_key(raw)) if raw else None


def normalise_prefix(raw: str | None) -> str | None:
    """Return the canonical prefix (DR, MR, MRS, MS, MX, PROF), or None when it is not one.

    >>> normalise_prefix("Dr."), normalise_prefix("professor")
    ('DR', 'PROF')
    """
    return _PREFIX_BY_KEY.get(_key(raw)) if raw else None


def _deliberately_cased(word: str) -> bool:
    # "McDonald", "DeVito", "MacArthur": a source that wrote an internal capital knew better
    # than any rule. Mostly-uppercase words ("McDONALD") are shouting, not deliberate.
    if not word[:1].isupper():
        return False
    uppers = sum(char.isupper() for char in word)
    lowers = sum(char.islower() for char in word)
    if lowers == 0 or uppers > lowers:
        return False
    return any(char.isupper() and prev.isalpha() for prev, char in pairwise(word))


def _case_piece(piece: str, capitalise: bool) -> str:
    lower = piece.lower()
    if not capitalise:
        return lower
    if lower.startswith("mc") and len(lower) > 2:
        return "Mc" + lower[2].upper() + lower[3:]
    return lower[:1].upper() + lower[1:]


def _case_word(word: str) -> str:
    if word.upper() in _ROMAN_NUMERALS:
        return word.upper()
    if _deliberately_cased(word):
        return word
    pieces = _HYPHEN_OR_APOSTROPHE.split(word)
    out: list[str] = []
    for index, piece in enumerate(pieces):
        if index % 2 == 1:  # re.split puts the captured separators at odd indexes
            out.append(piece)
            continue
        # After an apostrophe only a one-letter prefix is a name prefix: O'Brien, D'Angelo.
        after_apostrophe = index >= 2 and pieces[index - 1] == "'"
        capitalise = not after_apostrophe or len(pieces[index - 2]) == 1
        out.append(_case_piece(piece, capitalise))
    return "".join(out)


@lru_cache(maxsize=1 << 16)  # names and streets repeat across a file
def title_case_name(raw: str | None) -> str:
    """Title-case a name the way people write them.

    Handles O'Brien, McDonald, hyphenated names and lowercase particles ("de la Cruz"). A
    word the source already wrote with an internal capital ("DeVito") is kept as sent.

    >>> title_case_name("MARY-KATE O'BRIEN"), title_case_name("mcdonald")
    ("Mary-Kate O'Brien", 'McDonald')
    >>> title_case_name("DE LA CRUZ")
    'de la Cruz'
    """
    if not raw:
        return ""
    words = collapse_whitespace(raw.translate(_APOSTROPHES)).split(" ")
    out: list[str] = []
    for index, word in enumerate(words):
        # A particle is only a particle in front of another word; alone it is a name ("Le").
        if index < len(words) - 1 and word.lower().rstrip(".") in _LOWERCASE_PARTICLES:
            out.append(word.lower())
        else:
            out.append(_case_word(word))
    return " ".join(out)


# A designation is ("credential", canonical) or ("suffix", canonical).
_Designation = tuple[str, str]


def _designations(text: str) -> list[_Designation] | None:
    credential = normalise_credential(text)
    if credential:
        return [("credential", credential)]
    suffix = normalise_suffix(text)
    if suffix:
        return [("suffix", suffix)]
    if "/" in text:  # "MD/PhD"
        parts = [normalise_credential(part) for part in text.split("/") if part]
        if parts and all(parts):
            return [("credential", part) for part in parts if part]
    return None


def _is_particle(token: str) -> bool:
    return token.lower().rstrip(".") in _PARTICLES


def _is_initial(token: str) -> bool:
    bare = token.rstrip(".")
    return len(bare) == 1 and bare.isalpha()


def _peel_tail(
    tokens: list[str], ambiguous: Mapping[str, int | None]
) -> tuple[list[str], list[_Designation]]:
    """Take credentials and suffixes off the end of ``tokens``, keeping at least one name."""
    tokens = list(tokens)
    found: list[_Designation] = []
    while len(tokens) > 1:
        width, designations = 1, _designations(tokens[-1])
        # "Ph. D." or "M D" typed with spaces: try the last two tokens as one credential.
        if (
            designations is None
            and len(tokens) > 2
            and all(_is_abbreviation_piece(t) for t in tokens[-2:])
        ):
            width, designations = 2, _designations(tokens[-2] + tokens[-1])
        if designations is None:
            break
        if width == 1 and _key(tokens[-1]) in ambiguous:
            needed = ambiguous[_key(tokens[-1])]
            if needed is None or len(tokens) - 1 < needed or _is_particle(tokens[-2]):
                break
        found[:0] = designations
        del tokens[-width:]
    return tokens, found


def _peel_prefix(tokens: list[str]) -> tuple[str | None, list[str]]:
    tokens = list(tokens)
    prefix: str | None = None
    while len(tokens) > 1:
        candidate = normalise_prefix(tokens[0])
        if candidate is None:
            break
        prefix = prefix or candidate  # "Prof. Dr." keeps the first
        del tokens[0]
    return prefix, tokens


def _trim(token: str) -> str:
    # Stray punctuation around a token ("(John", "Smith*") is noise; a trailing dot is kept
    # because it marks an initial or an abbreviation.
    start, end = 0, len(token)
    while start < end and not token[start].isalnum():
        start += 1
    while end > start and not (token[end - 1].isalnum() or token[end - 1] == "."):
        end -= 1
    return token[start:end]


def _split_tokens(text: str) -> list[str]:
    tokens = (_trim(token) for token in text.split())
    return [token for token in tokens if any(char.isalnum() for char in token)]


def _tokens(text: str | None) -> list[str]:
    if not text:
        return []
    return _split_tokens(text.translate(_APOSTROPHES).replace(",", " ").replace(";", " "))


def _middle(tokens: Iterable[str]) -> str | None:
    parts = [token.rstrip(".") for token in tokens]
    cased = [part.upper() if _is_initial(part) else title_case_name(part) for part in parts]
    return " ".join(cased) or None


def _name(tokens: Iterable[str]) -> str | None:
    return title_case_name(" ".join(token.rstrip(".") for token in tokens)) or None


def _build(
    prefix: str | None,
    first: list[str],
    middle: list[str],
    last: list[str],
    found: Iterable[_Designation],
    suffix: str | None = None,
) -> PersonName:
    credentials: list[str] = []
    for kind, canonical in found:
        if kind == "suffix":
            suffix = suffix or canonical
        elif canonical not in credentials:
            credentials.append(canonical)
    return PersonName(
        first=_name(first),
        middle=_middle(middle),
        last=_name(last),
        suffix=suffix,
        credentials=tuple(credentials),
        prefix=prefix,
    )


def _is_abbreviation_piece(token: str) -> bool:
    return _is_initial(token) or (token.endswith(".") and len(token) <= 4)


def _segment_designations(tokens: list[str]) -> list[_Designation] | None:
    # Read the segment as one spaced-out credential ("M D", "Ph. D.", "FNP BC") only when it
    # looks like one; otherwise given names such as "Lp N" would join into "LPN".
    if all(_is_abbreviation_piece(t) for t in tokens) or any(_designations(t) for t in tokens):
        whole = _designations(" ".join(tokens))
        if whole is not None:
            return whole
    found: list[_Designation] = []
    for token in tokens:
        designations = _designations(token)
        if designations is None:
            return None
        found.extend(designations)
    return found


def _is_bare_surname(tokens: list[str]) -> bool:
    surname, _ = _peel_tail(tokens, _SURNAME)
    while len(surname) > 1 and _is_particle(surname[0]):
        del surname[0]
    return len(surname) == 1


def _parse_natural(tokens: list[str], found: list[_Designation]) -> PersonName:
    if all(_key(t) not in _NATURAL_ORDER and _designations(t) for t in tokens):
        # Only credentials ("MD, PhD"): keep them, there is no name to parse.
        own = [d for token in tokens for d in _designations(token) or []]
        return _build(None, [], [], [], [*own, *found])
    prefix, tokens = _peel_prefix(tokens)
    tokens, tail = _peel_tail(tokens, _NATURAL_ORDER)
    found[:0] = tail  # the tail came before any comma-separated credentials
    if len(tokens) == 1:
        # A lone name is more useful as a surname: it is what blocking keys are built from.
        return _build(prefix, [], [], tokens, found)
    start = len(tokens) - 1
    while start > 1 and _is_particle(tokens[start - 1]):
        start -= 1
    return _build(prefix, tokens[:1], tokens[1:start], tokens[start:], found)


def parse_person_name(raw: str | None) -> PersonName:
    """Parse a full name string in "Last, First" or "First Last" order.

    Credentials and suffixes are recognised after commas or glued on the end, a leading
    honorific becomes ``prefix``, surname particles stay with the last name, and a single
    name is taken as the last name. Never raises: unparseable input gives an empty name.

    >>> name = parse_person_name("SMITH JR, JOHN A, MD")
    >>> name.first, name.middle, name.last, name.suffix, name.credentials
    ('John', 'A', 'Smith', 'JR', ('MD',))
    >>> parse_person_name("Dr. Juan de la Cruz MD FACS").last
    'de la Cruz'
    """
    if not raw:
        return PersonName()
    text = _NICKNAME.sub(" ", raw.translate(_APOSTROPHES)).replace(";", ",")
    segments = [tokens for tokens in map(_split_tokens, text.split(",")) if tokens]
    if not segments:
        return PersonName()

    names: list[list[str]] = [segments[0]]
    trailing: list[_Designation] = []  # credentials/suffixes given as their own segments
    for tokens in segments[1:]:
        designations = _segment_designations(tokens)
        # "Nguyen, Do" is a surname and a first name, but "Anh Nguyen, DO" is a name and a
        # credential; likewise "Smith, M D" is two initials but "Jane Doe, M D" is an MD. So
        # after a bare surname, a segment that could be a given name is one.
        names_a_given_name = (
            len(names) == 1
            and _is_bare_surname(names[0])
            and (
                all(_key(t) in _GIVEN_NAMES for t in tokens)
                or (len(tokens) > 1 and all(_is_initial(t) for t in tokens))
            )
        )
        if designations is None or names_a_given_name:
            names.append(tokens)
        else:
            trailing.extend(designations)

    if len(names) == 1:
        return _parse_natural(names[0], trailing)

    prefix, surname = _peel_prefix(names[0])
    surname, surname_tail = _peel_tail(surname, _SURNAME)
    given_prefix, given = _peel_prefix([token for tokens in names[1:] for token in tokens])
    given, given_tail = _peel_tail(given, _GIVEN_NAMES)
    return _build(
        prefix or given_prefix,
        given[:1],
        given[1:],
        surname,
        [*surname_tail, *given_tail, *trailing],
    )


def clean_name_parts(
    first: str | None,
    middle: str | None,
    last: str | None,
    suffix: str | None = None,
) -> PersonName:
    """Clean name parts a source sent in separate fields.

    Credentials and suffixes glued to the last name are moved to their own fields, a prefix
    glued to the first name is taken off, a middle initial glued to the first name moves to
    ``middle`` when no middle was sent, and a credential sent in the suffix field is treated
    as a credential. An unrecognised suffix is kept, uppercased, rather than dropped.

    >>> name = clean_name_parts("JOHN A", None, "SMITH JR MD", None)
    >>> name.first, name.middle, name.last, name.suffix, name.credentials
    ('John', 'A', 'Smith', 'JR', ('MD',))
    """
    surname, found = _peel_tail(_tokens(last), _SURNAME)
    prefix, given = _peel_prefix(_tokens(first))
    given, given_tail = _peel_tail(given, _GIVEN_NAMES)
    found = [*found, *given_tail]
    middles = _tokens(middle)
    if not middles and len(given) > 1 and _is_initial(given[-1]):
        middles = [given.pop()]

    explicit_suffix: str | None = None
    suffix_tokens = _tokens(suffix)
    if suffix_tokens:
        designations = _segment_designations(suffix_tokens)
        if designations is None:
            explicit_suffix = " ".join(token.rstrip(".") for token in suffix_tokens).upper()
        else:
            suffixes = [canonical for kind, canonical in designations if kind == "suffix"]
            explicit_suffix = suffixes[0] if suffixes else None
            found.extend(d for d in designations if d[0] == "credential")
    return _build(prefix, given, middles, surname, found, explicit_suffix)
