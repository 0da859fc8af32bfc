"""Organisation names for suppliers, payers and manufacturers.

"Acme Medical Supply, Inc." and "ACME MED SUPPLY INC" are one supplier; so are "BD" and
"Becton, Dickinson and Company" one manufacturer. :func:`organisation_key` turns a name into
a comparison key (not a display name): uppercase, no accents or punctuation, legal forms
dropped, common abbreviations expanded. :func:`split_dba` separates a legal name from its
trading name, which should be keyed separately. :func:`manufacturer_key` also folds the
well-known variants of major med-surg manufacturers and distributors onto one key.

Acquisitions and subsidiaries are deliberately not folded (C. R. Bard is not BD, Ethicon is
not Johnson & Johnson): which company made an item is information a steward may need.

>>> organisation_key("Acme Medical Supply, Inc.") == organisation_key("ACME MED SUPPLY INC")
True
>>> manufacturer_key("Becton, Dickinson and Company"), manufacturer_key("BD")
('BECTON DICKINSON', 'BECTON DICKINSON')
"""

import re
from collections.abc import Mapping
from types import MappingProxyType

from matching.standardise.address import US_STATES
from matching.standardise.text import collapse_whitespace, strip_accents

__all__ = [
    "LEGAL_FORMS",
    "MANUFACTURER_ALIASES",
    "ORGANISATION_ABBREVIATIONS",
    "manufacturer_key",
    "organisation_key",
    "split_dba",
]

LEGAL_FORMS = frozenset(
    {
        "INC",
        "INCORPORATED",
        "LLC",
        "LLP",
        "LP",
        "LTD",
        "LIMITED",
        "CORP",
        "CORPORATION",
        "CO",
        "COMPANY",
        "PC",
        "PLLC",
    }
)
"""Legal-form words dropped wherever they stand as whole tokens. "PA" (professional
association) is only dropped at the end of a name, where it cannot be a word of the name;
"L L C" and "L.L.C." are read as LLC."""

ORGANISATION_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        "MED": "MEDICAL",
        "MEDL": "MEDICAL",
        "SUPP": "SUPPLY",
        "SUPPL": "SUPPLY",
        "SPLY": "SUPPLY",
        "SUPPLIES": "SUPPLY",
        "SPLYS": "SUPPLY",
        "HLTH": "HEALTH",
        "HLTHCARE": "HEALTHCARE",
        "HLTHCR": "HEALTHCARE",
        "SVC": "SERVICE",
        "SVCS": "SERVICES",
        "SRVCS": "SERVICES",
        "INTL": "INTERNATIONAL",
        "INTERNATL": "INTERNATIONAL",
        "MFG": "MANUFACTURING",
        "MFRG": "MANUFACTURING",
        "LAB": "LABORATORY",
        "LABS": "LABORATORIES",
        "PHARM": "PHARMACEUTICALS",
        "PHARMA": "PHARMACEUTICALS",
        "PHARMS": "PHARMACEUTICALS",
        "PHARMACEUTICAL": "PHARMACEUTICALS",
        "ASSOC": "ASSOCIATES",
        "ASSOCS": "ASSOCIATES",
        "ASSN": "ASSOCIATION",
        "SYS": "SYSTEMS",
        "SYST": "SYSTEMS",
        "SYSTEM": "SYSTEMS",
        "TECH": "TECHNOLOGIES",
        "TECHS": "TECHNOLOGIES",
        "TECHNOLOGY": "TECHNOLOGIES",
        "HOSP": "HOSPITAL",
        "CTR": "CENTER",
        "CNTR": "CENTER",
        "CENTRE": "CENTER",
        "NATL": "NATIONAL",
        "AMER": "AMERICAN",
        "UNIV": "UNIVERSITY",
        "SURG": "SURGICAL",
        "EQUIP": "EQUIPMENT",
        "PROD": "PRODUCTS",
        "PRODS": "PRODUCTS",
        "INDS": "INDUSTRIES",
        "BROS": "BROTHERS",
        "MGMT": "MANAGEMENT",
        "GRP": "GROUP",
        "SOLNS": "SOLUTIONS",
        "DIAG": "DIAGNOSTICS",
        "INS": "INSURANCE",
    }
)
"""Abbreviation to the word it is keyed as.

Where an abbreviation cannot tell singular from plural, both full forms are folded onto one
so that the abbreviated and the written-out name agree: SUPP and SUPPLIES are SUPPLY, PHARM
and PHARMACEUTICAL are PHARMACEUTICALS, TECH and TECHNOLOGY are TECHNOLOGIES, SYS and
SYSTEM are SYSTEMS. LAB/LABS and SVC/SVCS carry their number and keep it. PHARM is read as
pharmaceuticals, not pharmacy (PHCY is not expanded). ST and MT are SAINT and MOUNT only as
the first word ("St. Jude Medical", "Mt Sinai")."""

_LEADING_ABBREVIATIONS = MappingProxyType({"ST": "SAINT", "MT": "MOUNT"})
# Two words written as one by some sources: "Health Care" and "Healthcare".
_COMPOUNDS = MappingProxyType({("HEALTH", "CARE"): "HEALTHCARE"})

_DBA = re.compile(
    r"(?<![A-Za-z0-9])(?:d\s*/\s*b\s*/\s*a|d\.\s*b\.\s*a\.?|d\s+b\s+a|dba|doing\s+business\s+as)"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_INITIAL_DOT = re.compile(r"(?<![A-Z0-9])([A-Z])\.")
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u02bc]")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def _strip_part(part: str) -> str:
    part = part.strip(" \t\r\n,;:-\u2013\u2014")
    # "Acme LLC (DBA Acme Med)": drop the bracket the split left unbalanced.
    if part.endswith(")") and part.count(")") > part.count("("):
        part = part[:-1]
    if part.endswith("(") or part.endswith("["):
        part = part[:-1]
    if part.startswith("(") and part.count("(") > part.count(")"):
        part = part[1:]
    return collapse_whitespace(part.strip(" \t\r\n,;:-\u2013\u2014"))


def split_dba(name: str | None) -> tuple[str, str | None]:
    """Split "X DBA Y" into the legal name X and the trading name Y (None when there is none).

    Recognises DBA, D/B/A, D.B.A. and "doing business as" in any case. The parts keep the
    source's spelling, trimmed; key each with :func:`organisation_key`. A name that starts with
    the marker has no legal name before it, so the trading name is returned as the name.

    >>> split_dba("Smith Holdings, LLC d/b/a Acme Medical Supply")
    ('Smith Holdings, LLC', 'Acme Medical Supply')
    >>> split_dba("Acme Medical Supply, Inc.")
    ('Acme Medical Supply, Inc.', None)
    """
    if not name:
        return "", None
    match = _DBA.search(name)
    if match is None:
        return collapse_whitespace(name), None
    legal = _strip_part(name[: match.start()])
    trading = _strip_part(name[match.end() :])
    if not legal:
        return trading, None
    return legal, trading or None


def _join_initials(tokens: list[str]) -> list[str]:
    # Runs of single letters are one initialism: "L L C" is LLC, "J M Smucker" is JM SMUCKER.
    out: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            out.append(run)
            run = ""
        out.append(token)
    if run:
        out.append(run)
    return out


def _tokens(name: str) -> list[str]:
    text = strip_accents(name).upper()
    text = _DBA.sub(" DBA ", text)
    text = text.replace("&", " AND ").replace("+", " AND ")
    text = _APOSTROPHES.sub("", text)
    text = _INITIAL_DOT.sub(r"\1", text)  # "L.L.C." is LLC, "B. Braun" is B BRAUN
    return _join_initials(_NOT_ALNUM.sub(" ", text).split())


def _expand(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for index, token in enumerate(tokens):
        if index == 0 and len(tokens) > 1 and token in _LEADING_ABBREVIATIONS:
            out.append(_LEADING_ABBREVIATIONS[token])
            continue
        token = ORGANISATION_ABBREVIATIONS.get(token, token)
        if out and (out[-1], token) in _COMPOUNDS:
            out[-1] = _COMPOUNDS[(out[-1], token)]
        else:
            out.append(token)
    return out


def _drop_legal_forms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        if token in LEGAL_FORMS:
            if out and out[-1] == "AND":  # "Becton, Dickinson and Company", "Smith & Co."
                out.pop()
            continue
        out.append(token)
    while out and out[0] == "THE":
        del out[0]
    # Trailing: "PA" (a professional association) and an inverted "Acme Company, The".
    while out and out[-1] in {"PA", "THE", "AND"}:
        out.pop()
    return out


def organisation_key(name: str | None) -> str:
    """Comparison key for an organisation name.

    Uppercase, accents stripped, ``&`` read as AND, punctuation removed (apostrophes and the
    dots of initials close up: "St. Mary's" is SAINT MARYS, "L.L.C." is LLC), legal forms
    (:data:`LEGAL_FORMS`) removed wherever they stand, a leading THE and a trailing PA removed,
    abbreviations expanded (:data:`ORGANISATION_ABBREVIATIONS`) and "HEALTH CARE" closed up to
    HEALTHCARE. A name made only of noise words keeps them rather than keying to "". Call
    :func:`split_dba` first: a DBA marker is kept here as the word DBA.

    >>> organisation_key("The Acme Med. Supply Co., L.L.C.")
    'ACME MEDICAL SUPPLY'
    >>> organisation_key("Smith & Jones Orthopaedic Assoc, P.A.")
    'SMITH AND JONES ORTHOPAEDIC ASSOCIATES'
    >>> organisation_key("St. Luke's Hlth Sys")
    'SAINT LUKES HEALTH SYSTEMS'
    """
    if not name:
        return ""
    tokens = _expand(_tokens(name))
    # Initials a dropped legal form stood between are one initialism too ("A PC A" is AA), as
    # they would be when the key itself is keyed again.
    return " ".join(_join_initials(_drop_legal_forms(tokens) or tokens))


MANUFACTURER_ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "3M": ("3M Company", "3M Health Care", "Minnesota Mining and Manufacturing", "MMM"),
        "ABBOTT": ("Abbott Laboratories", "Abbott Labs", "Abbott Diagnostics"),
        "B BRAUN": ("B. Braun", "B. Braun Medical", "BBraun", "B Braun Melsungen"),
        "BARD": ("C. R. Bard", "CR Bard", "Bard Medical", "Bard Access Systems"),
        "BAXTER": ("Baxter Healthcare", "Baxter International"),
        "BECTON DICKINSON": (
            "BD",
            "B-D",
            "Becton Dickinson",
            "Becton, Dickinson and Company",
            "BD Medical",
            "Becton Dickinson and Co",
        ),
        "BOSTON SCIENTIFIC": ("Boston Scientific Corporation", "Boston Sci", "BSC", "BSX"),
        "CARDINAL HEALTH": ("Cardinal", "Cardinal Health 200 LLC", "Cardinal Health 414"),
        "GE HEALTHCARE": ("GE", "GE Medical Systems", "General Electric Healthcare", "GEHC"),
        "HENRY SCHEIN": ("Schein", "Henry Schein Medical"),
        "HILL ROM": ("Hillrom", "Hill-Rom", "Hill-Rom Holdings"),
        "JOHNSON AND JOHNSON": ("J&J", "J & J", "JNJ", "Johnson & Johnson"),
        "KIMBERLY CLARK": ("Kimberly-Clark", "Kimberly Clark Professional", "K-C"),
        "MCKESSON": ("McKesson Medical-Surgical", "McKesson Med Surg", "McKesson Corporation"),
        "MEDLINE": ("Medline Industries", "Medline Industries, LP"),
        "MEDTRONIC": ("Medtronic USA", "Medtronic PLC", "Medtronic MiniMed"),
        "OWENS AND MINOR": ("Owens & Minor", "O&M", "Owens and Minor Distribution"),
        "PHILIPS": (
            "Philips Healthcare",
            "Philips Medical Systems",
            "Royal Philips",
            "Koninklijke Philips",
        ),
        "SIEMENS HEALTHINEERS": ("Siemens Healthcare", "Siemens Medical Solutions", "Siemens"),
        "SMITH AND NEPHEW": ("Smith & Nephew", "Smith+Nephew", "S&N"),
        "STRYKER": ("Stryker Corporation", "Stryker Instruments", "Stryker Medical"),
        "TELEFLEX": ("Teleflex Medical", "Teleflex Incorporated", "Arrow International"),
        "ZIMMER BIOMET": ("Zimmer", "Zimmer Inc", "Zimmer Biomet Holdings"),
    }
)
"""Canonical manufacturer key to the name variants seen in item masters.

Matched on :func:`organisation_key` of the variant, so punctuation, case and legal forms
need not be listed. Besides the listed variants, a name that is a canonical key followed
only by division words (HEALTHCARE, MEDICAL, USA, INDUSTRIES, a plant number such as
"Cardinal Health 200" ...) is that manufacturer. Short aliases ("BD", "GE", "Cardinal")
match only exactly. Arrow International has been a Teleflex brand since 2007 and is keyed
as Teleflex; other acquisitions keep their own key."""

_DIVISION_WORDS = frozenset(
    {
        "AMERICA",
        "AMERICAS",
        "DISTRIBUTION",
        "GLOBAL",
        "GROUP",
        "HEALTH",
        "HEALTHCARE",
        "HOLDINGS",
        "INDUSTRIES",
        "INTERNATIONAL",
        "MEDICAL",
        "NORTH",
        "PLC",
        "PRODUCTS",
        "SOLUTIONS",
        "SURGICAL",
        "SYSTEMS",
        "US",
        "USA",
    }
)


def _manufacturer_index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    for canonical, aliases in MANUFACTURER_ALIASES.items():
        for spelling in (canonical, *aliases):
            index[organisation_key(spelling)] = canonical
    return MappingProxyType(index)


_MANUFACTURER_BY_KEY = _manufacturer_index()
_CANONICAL_TOKENS = tuple(
    sorted(
        ((canonical, organisation_key(canonical).split()) for canonical in MANUFACTURER_ALIASES),
        key=lambda item: -len(item[1]),
    )
)


def manufacturer_key(name: str | None) -> str:
    """Key for a manufacturer or distributor name: the canonical name when it is a known
    variant (:data:`MANUFACTURER_ALIASES`), otherwise :func:`organisation_key`.

    >>> manufacturer_key("J&J"), manufacturer_key("3M Health Care")
    ('JOHNSON AND JOHNSON', '3M')
    >>> manufacturer_key("Cardinal Health 200, LLC"), manufacturer_key("Acme Surgical Inc")
    ('CARDINAL HEALTH', 'ACME SURGICAL')
    """
    key = organisation_key(name)
    if not key:
        return ""
    known = _MANUFACTURER_BY_KEY.get(key)
    if known is not None:
        return known
    tokens = key.split()
    for canonical, canonical_tokens in _CANONICAL_TOKENS:
        width = len(canonical_tokens)
        rest = tokens[width:]
        if (
            tokens[:width] == canonical_tokens
            and rest
            and all(token in _DIVISION_WORDS or token.isdigit() for token in rest)
        ):
            return canonical
    return key


# Payer names as billing and practice-management systems abbreviate them. Plan-type words
# (PPO, HMO...) name a product of the payer, not another payer.
PAYER_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        "BCBS": "BLUE CROSS BLUE SHIELD",
        "BC": "BLUE CROSS",
        "BS": "BLUE SHIELD",
        "UHC": "UNITEDHEALTHCARE",
        "UNITED HEALTHCARE": "UNITEDHEALTHCARE",
        "WC": "WORKERS COMPENSATION",
        "WORK COMP": "WORKERS COMPENSATION",
        "MCR": "MEDICARE",
        "MCD": "MEDICAID",
        "INS": "INSURANCE",
    }
)
_PLAN_WORDS = frozenset({"PPO", "HMO", "EPO", "POS", "HDHP", "PLAN", "OF", "INSURANCE"})
# State codes that are also words ("IN", "OR", "ME"...) are left as they are.
_AMBIGUOUS_STATE_CODES = frozenset(
    {"IN", "OR", "ME", "OK", "HI", "DE", "PA", "CO", "MA", "AS", "ID"}
)
US_STATE_NAMES: Mapping[str, str] = MappingProxyType(
    {code: name.upper() for code, name in US_STATES.items() if code not in _AMBIGUOUS_STATE_CODES}
)


def payer_key(name: str | None) -> str:
    """A payer name for matching: organisation key, payer abbreviations and states spelled out,
    plan-type words dropped.

    >>> payer_key("BCBS TX")
    'BLUE CROSS BLUE SHIELD TEXAS'
    >>> payer_key("Blue Cross Blue Shield of Texas")
    'BLUE CROSS BLUE SHIELD TEXAS'
    >>> payer_key("BCBSTX PPO")
    'BLUE CROSS BLUE SHIELD TEXAS'
    """
    key = organisation_key(name)
    # "BCBSTX": a glued state code after BCBS.
    key = re.sub(r"\bBCBS([A-Z]{2})\b", r"BCBS \1", key)
    text = f" {key} "
    for short, full in sorted(PAYER_ABBREVIATIONS.items(), key=lambda item: -len(item[0])):
        text = text.replace(f" {short} ", f" {full} ")
    tokens = []
    for token in text.split():
        state = US_STATE_NAMES.get(token)
        tokens.append(state if state else token)
    return " ".join(t for t in " ".join(tokens).split() if t not in _PLAN_WORDS)
