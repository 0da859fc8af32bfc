"""US postal address standardisation (USPS Publication 28 abbreviations).

The goal is that two sources writing the same address differently produce the same string,
not a USPS-certified address: that needs CASS software and a reference database.
"""

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from matching.standardise.identifiers import IdentifierCheck
from matching.standardise.text import collapse_whitespace, strip_accents

__all__ = [
    "DIRECTIONALS",
    "STREET_SUFFIXES",
    "UNIT_DESIGNATORS",
    "US_STATES",
    "check_zip",
    "normalise_state",
    "standardise_city",
    "standardise_street",
]

US_STATES: Mapping[str, str] = MappingProxyType(
    {
        "AL": "Alabama",
        "AK": "Alaska",
        "AZ": "Arizona",
        "AR": "Arkansas",
        "CA": "California",
        "CO": "Colorado",
        "CT": "Connecticut",
        "DE": "Delaware",
        "FL": "Florida",
        "GA": "Georgia",
        "HI": "Hawaii",
        "ID": "Idaho",
        "IL": "Illinois",
        "IN": "Indiana",
        "IA": "Iowa",
        "KS": "Kansas",
        "KY": "Kentucky",
        "LA": "Louisiana",
        "ME": "Maine",
        "MD": "Maryland",
        "MA": "Massachusetts",
        "MI": "Michigan",
        "MN": "Minnesota",
        "MS": "Mississippi",
        "MO": "Missouri",
        "MT": "Montana",
        "NE": "Nebraska",
        "NV": "Nevada",
        "NH": "New Hampshire",
        "NJ": "New Jersey",
        "NM": "New Mexico",
        "NY": "New York",
        "NC": "North Carolina",
        "ND": "North Dakota",
        "OH": "Ohio",
        "OK": "Oklahoma",
        "OR": "Oregon",
        "PA": "Pennsylvania",
        "RI": "Rhode Island",
        "SC": "South Carolina",
        "SD": "South Dakota",
        "TN": "Tennessee",
        "TX": "Texas",
        "UT": "Utah",
        "VT": "Vermont",
        "VA": "Virginia",
        "WA": "Washington",
        "WV": "West Virginia",
        "WI": "Wisconsin",
        "WY": "Wyoming",
        "DC": "District of Columbia",
        "PR": "Puerto Rico",
        "VI": "U.S. Virgin Islands",
        "GU": "Guam",
        "AS": "American Samoa",
        "MP": "Northern Mariana Islands",
        "AA": "Armed Forces Americas",
        "AE": "Armed Forces Europe",
        "AP": "Armed Forces Pacific",
    }
)
"""USPS two-letter code to name: 50 states, DC, inhabited territories and military codes."""


def _state_key(raw: str) -> str:
    # Dots and commas vary freely ("D.C.", "Washington, D.C."); hyphens and spaces do not matter.
    text = strip_accents(raw).upper().replace(".", "").replace(",", " ").replace("-", " ")
    return collapse_whitespace(text)


_STATE_BY_NAME: Mapping[str, str] = MappingProxyType(
    {
        **{_state_key(name): code for code, name in US_STATES.items()},
        "WASHINGTON DC": "DC",
        "VIRGIN ISLANDS": "VI",
        "US VIRGIN ISLANDS": "VI",
    }
)


def normalise_state(raw: str | None) -> str | None:
    """Return the USPS code for a state code or name in any case, or None when unknown.

    >>> normalise_state("texas"), normalise_state(" tx "), normalise_state("D.C.")
    ('TX', 'TX', 'DC')
    >>> normalise_state("Ontario") is None
    True
    """
    if not raw:
        return None
    key = _state_key(raw)
    if key in US_STATES:
        return key
    return _STATE_BY_NAME.get(key)


_ZIP5 = re.compile(r"[0-9]{5}")
_ZIP9 = re.compile(r"([0-9]{5})-?([0-9]{4})")
_LOST_ZERO = re.compile(r"[0-9]{4}|[0-9]{4}-?[0-9]{4}")


def check_zip(raw: str | None) -> IdentifierCheck:
    """Check a US ZIP code and return "12345" or "12345-6789".

    Four-digit ZIPs are *not* repaired: a spreadsheet probably dropped a leading zero, but
    guessing would invent data, so the reason says so and a steward decides.

    >>> check_zip("787011234").value
    '78701-1234'
    >>> check_zip("2108").reason
    'ZIP code has 4 digits (looks like a lost leading zero: 02108?)'
    """
    value = re.sub(r"\s+", "", raw or "")
    if not value:
        return IdentifierCheck("zip", value, False, "ZIP code is empty")
    if _ZIP5.fullmatch(value):
        if value == "00000":
            return IdentifierCheck("zip", value, False, "ZIP code 00000 is a placeholder")
        return IdentifierCheck("zip", value, True, None)
    match = _ZIP9.fullmatch(value)
    if match:
        if match[1] == "00000":
            return IdentifierCheck("zip", value, False, "ZIP code 00000 is a placeholder")
        return IdentifierCheck("zip", f"{match[1]}-{match[2]}", True, None)
    if _LOST_ZERO.fullmatch(value):
        digits = value.replace("-", "")
        guess = f"0{digits}" if len(digits) == 4 else f"0{digits[:4]}-{digits[4:]}"
        reason = "ZIP code has 4 digits" if len(digits) == 4 else "ZIP+4 has 8 digits"
        return IdentifierCheck(
            "zip", value, False, f"{reason} (looks like a lost leading zero: {guess}?)"
        )
    return IdentifierCheck("zip", value, False, "ZIP code must be 5 digits or ZIP+4")


STREET_SUFFIXES: Mapping[str, str] = MappingProxyType(
    {
        "ALLEY": "ALY",
        "ANNEX": "ANX",
        "ARCADE": "ARC",
        "AVENUE": "AVE",
        "AV": "AVE",
        "AVEN": "AVE",
        "AVENU": "AVE",
        "AVN": "AVE",
        "AVNUE": "AVE",
        "BAYOU": "BYU",
        "BEACH": "BCH",
        "BEND": "BND",
        "BLUFF": "BLF",
        "BOTTOM": "BTM",
        "BOULEVARD": "BLVD",
        "BOUL": "BLVD",
        "BOULV": "BLVD",
        "BRANCH": "BR",
        "BRIDGE": "BRG",
        "BROOK": "BRK",
        "BYPASS": "BYP",
        "CANYON": "CYN",
        "CAUSEWAY": "CSWY",
        "CENTER": "CTR",
        "CENTRE": "CTR",
        "CENTR": "CTR",
        "CNTR": "CTR",
        "CIRCLE": "CIR",
        "CIRC": "CIR",
        "CRCL": "CIR",
        "CLIFF": "CLF",
        "COMMON": "CMN",
        "CORNER": "COR",
        "COURSE": "CRSE",
        "COURT": "CT",
        "CRT": "CT",
        "COVE": "CV",
        "CREEK": "CRK",
        "CRESCENT": "CRES",
        "CROSSING": "XING",
        "DRIVE": "DR",
        "DRV": "DR",
        "DRIV": "DR",
        "ESTATE": "EST",
        "ESTATES": "ESTS",
        "EXPRESSWAY": "EXPY",
        "EXPRESS": "EXPY",
        "EXPW": "EXPY",
        "EXTENSION": "EXT",
        "FALLS": "FLS",
        "FERRY": "FRY",
        "FIELD": "FLD",
        "FIELDS": "FLDS",
        "FOREST": "FRST",
        "FORK": "FRK",
        "FREEWAY": "FWY",
        "FRWY": "FWY",
        "GARDEN": "GDN",
        "GARDENS": "GDNS",
        "GATEWAY": "GTWY",
        "GLEN": "GLN",
        "GREEN": "GRN",
        "GROVE": "GRV",
        "HARBOR": "HBR",
        "HEIGHTS": "HTS",
        "HIGHWAY": "HWY",
        "HIWAY": "HWY",
        "HIGHWY": "HWY",
        "HILL": "HL",
        "HILLS": "HLS",
        "HOLLOW": "HOLW",
        "ISLAND": "IS",
        "JUNCTION": "JCT",
        "KNOLL": "KNL",
        "LAKE": "LK",
        "LAKES": "LKS",
        "LANDING": "LNDG",
        "LANE": "LN",
        "MANOR": "MNR",
        "MEADOW": "MDW",
        "MEADOWS": "MDWS",
        "MILL": "ML",
        "MISSION": "MSN",
        "MOTORWAY": "MTWY",
        "MOUNT": "MT",
        "MOUNTAIN": "MTN",
        "ORCHARD": "ORCH",
        "PARKWAY": "PKWY",
        "PARKWY": "PKWY",
        "PKY": "PKWY",
        "PLACE": "PL",
        "PLAIN": "PLN",
        "PLAINS": "PLNS",
        "PLAZA": "PLZ",
        "PLZA": "PLZ",
        "POINT": "PT",
        "PORT": "PRT",
        "PRAIRIE": "PR",
        "RANCH": "RNCH",
        "RIDGE": "RDG",
        "RIVER": "RIV",
        "ROAD": "RD",
        "ROUTE": "RTE",
        "SHORE": "SHR",
        "SKYWAY": "SKWY",
        "SPRING": "SPG",
        "SPRINGS": "SPGS",
        "SQUARE": "SQ",
        "SQR": "SQ",
        "STATION": "STA",
        "STREET": "ST",
        "STR": "ST",
        "STRT": "ST",
        "SUMMIT": "SMT",
        "TERRACE": "TER",
        "TERR": "TER",
        "TRACE": "TRCE",
        "TRAIL": "TRL",
        "TRAILS": "TRL",
        "TUNNEL": "TUNL",
        "TURNPIKE": "TPKE",
        "VALLEY": "VLY",
        "VIEW": "VW",
        "VILLAGE": "VLG",
        "VISTA": "VIS",
        "WAY": "WAY",
        "WELLS": "WLS",
    }
)
"""Street suffix spellings (full words and common variants) to USPS Publication 28 forms."""

DIRECTIONALS: Mapping[str, str] = MappingProxyType(
    {
        "NORTH": "N",
        "SOUTH": "S",
        "EAST": "E",
        "WEST": "W",
        "NORTHEAST": "NE",
        "NORTHWEST": "NW",
        "SOUTHEAST": "SE",
        "SOUTHWEST": "SW",
    }
)
"""Directional words to their USPS abbreviations."""

UNIT_DESIGNATORS: Mapping[str, str] = MappingProxyType(
    {
        "SUITE": "STE",
        "STE": "STE",
        "APARTMENT": "APT",
        "APT": "APT",
        "BUILDING": "BLDG",
        "BLDG": "BLDG",
        "FLOOR": "FL",
        "FLR": "FL",
        "FL": "FL",
        "ROOM": "RM",
        "RM": "RM",
        "UNIT": "UNIT",
        "DEPARTMENT": "DEPT",
        "DEPT": "DEPT",
        "BASEMENT": "BSMT",
        "OFFICE": "OFC",
        "PENTHOUSE": "PH",
        "TRAILER": "TRLR",
    }
)
"""Secondary unit designators to USPS abbreviations (identity entries mark the short form)."""

# SAINT is not a Publication 28 abbreviation, but "St John Pkwy" and "Saint John Pkwy" must
# converge, and standardise_city already treats it this way.
_WORD_MAP: Mapping[str, str] = MappingProxyType(
    {**STREET_SUFFIXES, **DIRECTIONALS, **UNIT_DESIGNATORS, "SAINT": "ST"}
)
_UNIT_FORMS = frozenset(UNIT_DESIGNATORS.values())

# Hyphens and slashes carry meaning between letters and digits ("123-B", "1/2"), so they are
# kept there and turned into spaces elsewhere. Apostrophes and dots join words ("O'Neil",
# "St.") and are deleted; every other punctuation mark separates words.
_LOOSE_JOINER = re.compile(r"(?<![^\W_])[-/]|[-/](?![^\W_])")
_PO_BOX = re.compile(r"\b(?:P\s*O|POST\s+OFFICE)\s+BOX\b")


def _clean_punctuation(text: str) -> str:
    text = text.replace("'", "").replace("\u2019", "").replace(".", "")
    text = text.replace("#", " # ")
    text = "".join(char if char.isalnum() or char in "#-/" else " " for char in text)
    return _LOOSE_JOINER.sub(" ", text)


@lru_cache(maxsize=1 << 16)  # names and streets repeat across a file
def standardise_street(line: str | None) -> str:
    """Standardise a street line: uppercase, no punctuation, USPS abbreviations.

    Whole tokens are abbreviated wherever they appear, so a suffix word used as the street
    name ("123 North Street", "Park Avenue") is abbreviated too ("N ST", "PARK AVE"). USPS
    would keep it spelled out; we accept the difference because both sides of a comparison
    get the same treatment, which is all matching needs.

    >>> standardise_street("123 North Main Street, Suite #200")
    '123 N MAIN ST STE 200'
    >>> standardise_street("P.O. Box 42")
    'PO BOX 42'
    """
    if not line:
        return ""
    text = _clean_punctuation(strip_accents(line).upper())
    text = _PO_BOX.sub("PO BOX", collapse_whitespace(text))
    tokens: list[str] = []
    for token in text.split(" "):
        # "STE # 200" says the same thing twice; USPS drops the # after a designator.
        if token == "#" and tokens and tokens[-1] in _UNIT_FORMS:
            continue
        tokens.append(_WORD_MAP.get(token, token))
    return " ".join(tokens)


_CITY_WORDS: Mapping[str, str] = MappingProxyType({"SAINT": "ST", "MOUNT": "MT"})


def standardise_city(raw: str | None) -> str:
    """Standardise a city name: uppercase, no punctuation, SAINT->ST and MOUNT->MT.

    >>> standardise_city("  Saint   Louis ")
    'ST LOUIS'
    >>> standardise_city("Mt. Pleasant"), standardise_city("Winston-Salem")
    ('MT PLEASANT', 'WINSTON SALEM')
    """
    if not raw:
        return ""
    text = strip_accents(raw).upper().replace("'", "").replace("\u2019", "").replace(".", "")
    text = "".join(char if char.isalnum() else " " for char in text)
    return " ".join(_CITY_WORDS.get(token, token) for token in text.split())
