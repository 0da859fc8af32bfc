"""Item (supply and device) descriptions and manufacturer part numbers.

Two item masters describe one product as "GLOVE EXAM NITRILE LG PF" and "Nitrile exam gloves,
large, powder-free". :func:`normalise_item_description` rewrites both into the same canonical
tokens (GLOVE, EXAM, NITRILE, LARGE, POWDERFREE), in the order the source wrote them, so that
token-set comparisons see the agreement. Abbreviations, plurals and two-word terms come from
a table shipped as package data (``matching/data/item_abbreviations.csv``, columns
``abbreviation,canonical``); quantities are joined to canonical units ("10 ml" is 10ML, "3cc"
is 3ML, "1 1/2 in" is 1.5IN).

>>> normalise_item_description("GLOVE EXAM NITRILE LG PF")
'GLOVE EXAM NITRILE LARGE POWDERFREE'
>>> normalise_item_description("Nitrile exam gloves, large, powder-free")
'NITRILE EXAM GLOVE LARGE POWDERFREE'
>>> clean_part_number("P/N: N881-12 LG") == clean_part_number("n88112lg")
True
"""

import csv
import re
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from matching.standardise.text import strip_accents

__all__ = [
    "UNITS",
    "clean_part_number",
    "item_abbreviations",
    "item_tokens",
    "normalise_item_description",
]

UNITS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "ML": ("ML", "MLS", "MILLILITER", "MILLILITERS", "MILLILITRE", "MILLILITRES", "CC", "CCS"),
        "L": ("L", "LTR", "LITER", "LITERS", "LITRE", "LITRES"),
        "MG": ("MG", "MGS", "MILLIGRAM", "MILLIGRAMS"),
        "MCG": ("MCG", "UG", "MICROGRAM", "MICROGRAMS"),
        "GM": ("GM", "GMS", "GRAM", "GRAMS"),
        "KG": ("KG", "KGS", "KILOGRAM", "KILOGRAMS"),
        "GA": ("GA", "GAUGE"),
        "IN": ("IN", "INCH", "INCHES", '"'),
        "FT": ("FT", "FOOT", "FEET"),
        "YD": ("YD", "YDS", "YARD", "YARDS"),
        "CM": ("CM", "CENTIMETER", "CENTIMETERS", "CENTIMETRE", "CENTIMETRES"),
        "MM": ("MM", "MILLIMETER", "MILLIMETERS", "MILLIMETRE", "MILLIMETRES"),
        "FR": ("FR", "FRENCH"),
        "OZ": ("OZ", "OUNCE", "OUNCES", "FL OZ", "FLOZ"),
        "LB": ("LB", "LBS", "POUND", "POUNDS"),
        "MEQ": ("MEQ",),
        "UNIT": ("UNIT", "UNITS"),
        "CT": ("CT", "COUNT"),
        "PLY": ("PLY",),
        "%": ("%", "PCT", "PERCENT"),
    }
)
"""Canonical unit to the spellings joined to a preceding number ("10 ml", "10-mL", "10ML").

CC is ML. Fluid and weight ounces are both OZ. A bare G is ambiguous between gauge and grams
and is not listed here: see :func:`normalise_item_description`."""

# Words that are only noise between tokens: "100 per box", "4 x 4", "box of 100".
_STOPWORDS = frozenset({"PER", "OF", "THE", "FOR", "X"})
# Context for a bare "G" after a number: needle-like devices are sized in gauge, ointments
# and gels come in grams.
_GAUGE_CONTEXT = re.compile(
    r"\b(?:NEEDLES?|NDL|CATHETERS?|CATH|CANNULA|IV|SPINAL|HYPO|HYPODERMIC|INTRODUCER|BIOPSY"
    r"|SYRINGES?|SYR|LANCETS?|BUTTERFLY|HUBER|ANGIOCATH)\b"
)
_MASS_CONTEXT = re.compile(
    r"\b(?:OINT|OINTMENT|CREAM|GEL|JELLY|LUBRICANT|LUBE|PASTE|POWDER|GRANULES|PACKETS?|JAR)\b"
)
_GAUGE_RANGE = range(7, 35)
_FRACTION_DENOMINATORS = frozenset({2, 4, 8, 16, 32, 64})

_NUMBER = r"\d+(?:\.\d+)?"
_MIXED_FRACTION = re.compile(r"(?<![\d./])(\d+)(?:\s+|-)(\d+)/(\d+)(?![\d/])")
_FRACTION = re.compile(r"(?<![\d./])(\d+)/(\d+)(?![\d/])")
_BARE_DECIMAL = re.compile(r"(?<![\d.])\.(\d)")
_WITHOUT = re.compile(r"\bW/O\b")
_WITH = re.compile(r"\bW/(?=[\sA-Z]|$)")
_INCH_MARKS = re.compile(r"\u201d|\u2033|''")


def _unit_alternatives() -> str:
    spellings = sorted(
        (spelling for options in UNITS.values() for spelling in options), key=len, reverse=True
    )
    return "|".join(re.escape(spelling).replace(r"\ ", r"\s*") for spelling in spellings)


_UNIT_BY_SPELLING = MappingProxyType(
    {spelling.replace(" ", ""): unit for unit, spellings in UNITS.items() for spelling in spellings}
)
_QUANTITY = re.compile(
    rf"(?<![A-Z0-9.])({_NUMBER})\s*-?\s*({_unit_alternatives()}|G)(?![A-Z0-9])",
)
# "4IN X 4IN" (one unit on both sides) and "4 X 4IN" (the unit written once) are both 4X4IN.
_DIMENSIONS = re.compile(
    rf"(?<![A-Z0-9.])({_NUMBER})(?:([A-Z]+)\s*X\s*({_NUMBER})\2|\s*X\s*({_NUMBER}[A-Z]*))"
    r"(?![A-Z0-9.])"
)
_SPLIT = re.compile(r"[^A-Z0-9.%]+")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_STRAY_PERCENT = re.compile(r"(?<!\d)%")


@cache
def item_abbreviations() -> Mapping[str, str]:
    """The shipped table: abbreviation, plural or two-word term to its canonical token.

    Keys with a space are multi-word terms, matched on tokens after the one-word entries
    have been applied ("NON STER" becomes NON STERILE, then NONSTERILE).

    >>> item_abbreviations()["PF"], item_abbreviations()["POWDER FREE"]
    ('POWDERFREE', 'POWDERFREE')
    """
    resource = files("matching").joinpath("data", "item_abbreviations.csv")
    table: dict[str, str] = {}
    for row in csv.DictReader(resource.read_text(encoding="utf-8").splitlines()):
        abbreviation = " ".join(row["abbreviation"].upper().split())
        canonical = row["canonical"].strip().upper()
        if abbreviation and canonical:
            table[abbreviation] = canonical
    return MappingProxyType(table)


@cache
def _phrases() -> Mapping[tuple[str, ...], str]:
    words = item_abbreviations()
    return MappingProxyType(
        {
            tuple(words.get(token, token) for token in key.split()): canonical
            for key, canonical in words.items()
            if " " in key
        }
    )


def _format_number(number: Decimal) -> str:
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _fraction(whole: str, numerator: str, denominator: str, original: str) -> str:
    top, bottom = int(numerator), int(denominator)
    if bottom not in _FRACTION_DENOMINATORS or not 0 < top < bottom:
        return original
    return _format_number(Decimal(whole) + Decimal(top) / Decimal(bottom))


def _bare_g_unit(number: str, text: str) -> str:
    if _GAUGE_CONTEXT.search(text):
        return "GA"
    if _MASS_CONTEXT.search(text):
        return "GM"
    if "." not in number and int(number) in _GAUGE_RANGE:
        return "GA"
    return "GM"


def _join_quantities(text: str) -> str:
    def quantity(match: re.Match[str]) -> str:
        number, spelling = match.group(1), re.sub(r"\s+", "", match.group(2))
        unit = _bare_g_unit(number, text) if spelling == "G" else _UNIT_BY_SPELLING[spelling]
        return f" {_format_number(Decimal(number))}{unit} "

    return _QUANTITY.sub(quantity, text)


def _prepare(text: str) -> str:
    text = strip_accents(text).upper()
    text = _INCH_MARKS.sub('"', text)
    text = _WITHOUT.sub(" WITHOUT ", text)
    text = _WITH.sub(" WITH ", text)
    text = _MIXED_FRACTION.sub(lambda m: _fraction(m[1], m[2], m[3], m[0]), text)
    text = _FRACTION.sub(lambda m: _fraction("0", m[1], m[2], m[0]), text)
    text = _BARE_DECIMAL.sub(r"0.\1", text)
    text = _join_quantities(text)
    return _DIMENSIONS.sub(lambda m: f"{m[1]}X{m[3]}{m[2]}" if m[2] else f"{m[1]}X{m[4]}", text)


def _raw_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for piece in _SPLIT.split(text):
        token = _STRAY_PERCENT.sub("", _STRAY_DOT.sub("", piece))
        if token:
            tokens.append(token)
    return tokens


def _apply_phrases(tokens: list[str]) -> list[str]:
    phrases = _phrases()
    widths = sorted({len(key) for key in phrases}, reverse=True)
    out: list[str] = []
    index = 0
    while index < len(tokens):
        for width in widths:
            canonical = phrases.get(tuple(tokens[index : index + width]))
            if canonical is not None:
                out.append(canonical)
                index += width
                break
        else:
            out.append(tokens[index])
            index += 1
    return out


def normalise_item_description(text: str | None) -> str:
    """Canonical uppercase tokens of an item description, in source order, each once.

    - abbreviations, plurals and two-word terms from :func:`item_abbreviations` ("LG" and
      "LRG" are LARGE, "MED" and "MD" MEDIUM, "PF" and "POWDER-FREE" POWDERFREE, "NS" and
      "NON-STERILE" NONSTERILE, "SYR" SYRINGE, "GLOVES" GLOVE, ...);
    - quantities joined to a canonical unit (:data:`UNITS`): "10 ml", "10mL" and "10-ML" are
      10ML, "3cc" is 3ML, "18 gauge" and "18GA" are 18GA, '2"' is 2IN, "70 %" is 70%;
      numbers are written without trailing zeros ("1.0 mL" is 1ML, ".5 ml" is 0.5ML);
    - fractions with a denominator of 2, 4, 8, 16, 32 or 64 become decimals ("1 1/2 in",
      "1-1/2 IN" are 1.5IN); "100/BX" is 100 BOX; "4 x 4" is 4X4 and "4in x 4in" 4X4IN;
    - "W/" is WITH and "W/O" WITHOUT; PER, OF, THE, FOR and a lone X are dropped.

    A bare G after a number is gauge (GA) when the description names a needle-like device
    (needle, catheter, cannula, syringe, lancet, IV ...), grams (GM) when it names an
    ointment, cream, gel, powder, packet ..., and otherwise gauge for a whole number from 7
    to 34 and grams for anything else. "MED" is always MEDIUM and "NS" always NONSTERILE,
    never "medical" or "normal saline": in size and sterility positions they are far more
    common in item masters. A standalone IN is left alone (it is also a preposition).

    >>> normalise_item_description("SYRINGE 10 ml LUER-LOCK STRL")
    'SYRINGE 10ML LUERLOCK STERILE'
    >>> normalise_item_description("Needle Hypo 18 G x 1 1/2 in, 100/BX")
    'NEEDLE HYPODERMIC 18GA 1.5IN 100 BOX'
    >>> normalise_item_description("SYR 3cc W/O NDL")
    'SYRINGE 3ML WITHOUT NEEDLE'
    """
    if not text:
        return ""
    words = item_abbreviations()
    tokens = [words.get(token, token) for token in _raw_tokens(_prepare(text))]
    seen: set[str] = set()
    out: list[str] = []
    for token in _apply_phrases(tokens):
        if token not in _STOPWORDS and token not in seen:
            seen.add(token)
            out.append(token)
    return " ".join(out)


def item_tokens(text: str | None) -> frozenset[str]:
    """The set of canonical tokens of a description, for token-set comparisons.

    >>> item_tokens("GLOVE EXAM NITRILE LG PF") == item_tokens("Nitrile exam gloves, large, PF")
    True
    """
    return frozenset(normalise_item_description(text).split())


_PART_NUMBER_PREFIX = re.compile(
    r"^\s*(?:"
    r"P\s*/\s*N\.?\s*[:#]?"  # P/N, with or without a separator after it
    r"|(?:(?:MFR|MFG)\s*)?(?:MPN|PN|PART\s*(?:NO|NUMBER)?|CAT(?:ALOG)?\s*(?:NO|NUMBER)?|REF)"
    r"\.?(?:\s*[:#]|\s+)"  # a word prefix only before ":", "#" or a space: PN1234 is kept
    r")"
)
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def clean_part_number(mpn: str | None) -> str:
    """Manufacturer part number as a comparison key: uppercase letters and digits only.

    A leading "#" and a label such as "PN:", "P/N", "MPN:", "Part No.", "Cat #" or "REF " is
    dropped; spaces, hyphens, dots, slashes and other punctuation are removed. Leading zeros
    and the letter O are kept as sent: they differ between real part numbers.

    >>> clean_part_number("N881-12 LG"), clean_part_number("#N881.12/LG")
    ('N88112LG', 'N88112LG')
    >>> clean_part_number("MPN: 305196"), clean_part_number("PN1234")
    ('305196', 'PN1234')
    """
    if not mpn:
        return ""
    text = strip_accents(mpn).upper()
    text = _PART_NUMBER_PREFIX.sub("", text, count=1).lstrip(" #")
    return _NOT_ALNUM.sub("", text)
