"""Format and check-digit validation for the identifiers healthcare sources send us.

Every ``check_*`` function takes the raw string exactly as a source sent it and returns an
:class:`IdentifierCheck`. They never raise on bad input: an ingest run must be able to record
*why* a value is wrong rather than crash, and the cleaned value is kept even when invalid so
that nothing a source sent is silently dropped.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "CHECKERS",
    "IdentifierCheck",
    "check_ccn",
    "check_dea",
    "check_duns",
    "check_ein",
    "check_gln",
    "check_gtin",
    "check_hcpcs",
    "check_naic",
    "check_npi",
    "check_payer_id",
    "check_ssn",
    "check_taxonomy",
    "check_uei",
    "check_unspsc",
    "gs1_check_digit",
    "mask_ssn",
    "npi_check_digit",
]


@dataclass(frozen=True, slots=True)
class IdentifierCheck:
    """Outcome of checking one identifier.

    ``value`` is the cleaned canonical form, kept even when ``valid`` is False.
    ``reason`` says in plain words why the value is invalid and is None when it is valid.
    """

    scheme: str
    value: str
    valid: bool
    reason: str | None


# Separators people type inside identifiers. Unicode dashes are included because values
# pasted from Word or PDFs carry them, and they look identical to an ASCII hyphen.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u2212]+")
_WHITESPACE_AND_DASHES = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_WHITESPACE = re.compile(r"\s+")


def _ok(scheme: str, value: str) -> IdentifierCheck:
    return IdentifierCheck(scheme=scheme, value=value, valid=True, reason=None)


def _bad(scheme: str, value: str, reason: str) -> IdentifierCheck:
    return IdentifierCheck(scheme=scheme, value=value, valid=False, reason=reason)


def _clean(raw: str | None, separators: re.Pattern[str] = _SEPARATORS) -> str:
    # None is accepted because sources send nulls; typing it keeps callers honest elsewhere.
    if raw is None:
        return ""
    return separators.sub("", str(raw)).upper()


def _is_digits(s: str) -> bool:
    # str.isdigit() alone accepts superscripts and Arabic-Indic digits, which int() rejects.
    return s.isascii() and s.isdigit()


def _is_alnum(s: str) -> bool:
    return s.isascii() and s.isalnum()


def _digits_problem(label: str, value: str, length: int, *, zero_hint: bool = True) -> str | None:
    """Return why ``value`` is not ``length`` ASCII digits, or None when it is."""
    if not value:
        return f"{label} is empty"
    if not _is_digits(value):
        return f"{label} must contain only digits"
    if len(value) != length:
        reason = f"{label} must be {length} digits, got {len(value)}"
        # Spreadsheets store identifiers as numbers and drop leading zeros; saying so tells a
        # data steward how to fix the source instead of just that it is wrong.
        if zero_hint and len(value) == length - 1:
            reason += " (looks like a lost leading zero)"
        return reason
    return None


def _luhn_check_digit(payload: str) -> int:
    total = 0
    # The digit next to the (missing) check digit is doubled, then every second one leftwards.
    for position, char in enumerate(reversed(payload)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_check_digit(first_nine: str) -> int:
    """Return the NPI check digit for the first nine digits of an NPI.

    CMS computes a Luhn digit over the card-issuer prefix "80840" followed by the nine digits.
    Raises ValueError unless ``first_nine`` is exactly nine ASCII digits.

    >>> npi_check_digit("123456789")
    3
    """
    if len(first_nine) != 9 or not _is_digits(first_nine):
        raise ValueError(f"expected nine digits, got {first_nine!r}")
    return _luhn_check_digit("80840" + first_nine)


def gs1_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for ``body`` (every digit but the check digit).

    Used by GTIN-8/12/13/14, GLN and SSCC. Weights alternate 3,1,3,... starting from the
    rightmost body digit, so left zero-padding never changes the result.
    Raises ValueError unless ``body`` is one or more ASCII digits.

    >>> gs1_check_digit("400638133393")
    1
    """
    if not body or not _is_digits(body):
        raise ValueError(f"expected digits, got {body!r}")
    total = sum(
        int(char) * (3 if position % 2 == 0 else 1) for position, char in enumerate(reversed(body))
    )
    return (10 - total % 10) % 10


def check_npi(raw: str | None) -> IdentifierCheck:
    """Check a National Provider Identifier: 10 digits, starts with 1 or 2, Luhn check digit.

    >>> check_npi("1234-567-893")
    IdentifierCheck(scheme='npi', value='1234567893', valid=True, reason=None)
    >>> check_npi("1234567890").reason
    'NPI check digit is 0, expected 3'
    """
    value = _clean(raw)
    problem = _digits_problem("NPI", value, 10, zero_hint=False)
    if problem:
        return _bad("npi", value, problem)
    if value[0] not in "12":
        return _bad("npi", value, f"NPI must start with 1 or 2, got {value[0]}")
    expected = npi_check_digit(value[:9])
    if int(value[9]) != expected:
        return _bad("npi", value, f"NPI check digit is {value[9]}, expected {expected}")
    return _ok("npi", value)


_GTIN_LENGTHS = (8, 12, 13, 14)


def check_gtin(raw: str | None) -> IdentifierCheck:
    """Check a GTIN-8, -12 (UPC-A), -13 (EAN) or -14 and return it as 14 digits.

    The canonical value is always the zero-padded GTIN-14 form, so a UPC-A and the same
    product's GTIN-14 compare equal.

    >>> check_gtin("0 36000 29145 2").value
    '00036000291452'
    """
    cleaned = _clean(raw)
    if not cleaned:
        return _bad("gtin", cleaned, "GTIN is empty")
    if not _is_digits(cleaned):
        return _bad("gtin", cleaned, "GTIN must contain only digits")
    if len(cleaned) not in _GTIN_LENGTHS:
        return _bad("gtin", cleaned, f"GTIN must be 8, 12, 13 or 14 digits, got {len(cleaned)}")
    value = cleaned.zfill(14)
    expected = gs1_check_digit(value[:-1])
    if int(value[-1]) != expected:
        return _bad("gtin", value, f"GTIN check digit is {value[-1]}, expected {expected}")
    return _ok("gtin", value)


def check_gln(raw: str | None) -> IdentifierCheck:
    """Check a GS1 Global Location Number: 13 digits with a GS1 mod-10 check digit.

    >>> check_gln("0614141000012").valid
    True
    """
    value = _clean(raw)
    problem = _digits_problem("GLN", value, 13)
    if problem:
        return _bad("gln", value, problem)
    expected = gs1_check_digit(value[:-1])
    if int(value[-1]) != expected:
        return _bad("gln", value, f"GLN check digit is {value[-1]}, expected {expected}")
    return _ok("gln", value)


# IRS campus prefixes that have ever been assigned; anything else cannot be a real EIN.
_EIN_PREFIXES = frozenset(
    f"{n:02d}"
    for n in (
        *range(1, 7),
        *range(10, 17),
        *range(20, 28),
        *range(30, 49),
        *range(50, 69),
        *range(71, 78),
        *range(80, 89),
        *range(90, 96),
        98,
        99,
    )
)


def check_ein(raw: str | None) -> IdentifierCheck:
    """Check an IRS Employer Identification Number and format it as "NN-NNNNNNN".

    >>> check_ein("123456789").value
    '12-3456789'
    >>> check_ein("07-1234567").reason
    'EIN prefix 07 is not an IRS campus prefix'
    """
    digits = _clean(raw)
    problem = _digits_problem("EIN", digits, 9)
    if problem:
        return _bad("ein", digits, problem)
    value = f"{digits[:2]}-{digits[2:]}"
    if digits[:2] not in _EIN_PREFIXES:
        return _bad("ein", value, f"EIN prefix {digits[:2]} is not an IRS campus prefix")
    return _ok("ein", value)


# Published in advertising (the Woolworth wallet card, a Social Security pamphlet) and voided
# by SSA; they still turn up in source data as placeholders.
_VOIDED_SSNS = frozenset({"078051120", "219099999"})


def check_ssn(raw: str | None) -> IdentifierCheck:
    """Check a Social Security Number against SSA's never-issued ranges; value is 9 digits.

    Reasons never repeat the number, because they end up in logs and reject queues.

    >>> check_ssn("123-45-6789").value
    '123456789'
    >>> check_ssn("666-12-3456").reason
    'SSN area number 666 is never issued'
    """
    value = _clean(raw)
    problem = _digits_problem("SSN", value, 9)
    if problem:
        return _bad("ssn", value, problem)
    area, group, serial = value[:3], value[3:5], value[5:]
    if area == "000" or area == "666" or area[0] == "9":
        return _bad("ssn", value, f"SSN area number {area} is never issued")
    if group == "00":
        return _bad("ssn", value, "SSN group number 00 is never issued")
    if serial == "0000":
        return _bad("ssn", value, "SSN serial number 0000 is never issued")
    if value in _VOIDED_SSNS:
        return _bad("ssn", value, "SSN is a publicly known number voided by SSA")
    return _ok("ssn", value)


def mask_ssn(value: str | None) -> str:
    """Mask an SSN for API output and audit logs, keeping only the last four digits.

    Anything that is not nine digits is masked completely, since we cannot tell which part
    of it would be safe to show.

    >>> mask_ssn("123-45-6789")
    '***-**-6789'
    >>> mask_ssn("12345")
    '***-**-****'
    """
    digits = _clean(value)
    if len(digits) == 9 and _is_digits(digits):
        return f"***-**-{digits[5:]}"
    return "***-**-****"


def check_unspsc(raw: str | None) -> IdentifierCheck:
    """Check a UNSPSC commodity code: 8 digits (segment, family, class, commodity pairs).

    >>> check_unspsc("42-14-22-01").value
    '42142201'
    """
    value = _clean(raw)
    problem = _digits_problem("UNSPSC", value, 8, zero_hint=False)
    if problem:
        return _bad("unspsc", value, problem)
    if int(value[:2]) < 10:
        return _bad("unspsc", value, f"UNSPSC segment {value[:2]} is below 10")
    return _ok("unspsc", value)


def check_duns(raw: str | None) -> IdentifierCheck:
    """Check a D-U-N-S number: 9 digits (no public check digit).

    >>> check_duns("15-048-3782").value
    '150483782'
    """
    value = _clean(raw)
    problem = _digits_problem("DUNS", value, 9)
    if problem:
        return _bad("duns", value, problem)
    return _ok("duns", value)


def check_uei(raw: str | None) -> IdentifierCheck:
    """Check a SAM.gov Unique Entity ID: 12 uppercase alphanumerics, no O or I, no leading 0.

    Only the format is checked: SAM does not publish its check-character algorithm.

    >>> check_uei("zqgggj6mb7x5").value
    'ZQGGGJ6MB7X5'
    """
    value = _clean(raw, _WHITESPACE_AND_DASHES)
    if not value:
        return _bad("uei", value, "UEI is empty")
    if len(value) != 12:
        return _bad("uei", value, f"UEI must be 12 characters, got {len(value)}")
    if not _is_alnum(value):
        return _bad("uei", value, "UEI must contain only letters and digits")
    if value[0] == "0":
        return _bad("uei", value, "UEI must not start with 0")
    if "O" in value or "I" in value:
        return _bad("uei", value, "UEI must not contain the letters O or I")
    return _ok("uei", value)


def check_ccn(raw: str | None) -> IdentifierCheck:
    """Check a CMS Certification Number: 2-digit state code then 4 letters/digits.

    >>> check_ccn("45t001").value
    '45T001'
    """
    value = _clean(raw, _WHITESPACE_AND_DASHES)
    if not value:
        return _bad("ccn", value, "CCN is empty")
    if len(value) != 6:
        reason = f"CCN must be 6 characters, got {len(value)}"
        if len(value) == 5 and _is_digits(value):
            reason += " (looks like a lost leading zero)"
        return _bad("ccn", value, reason)
    if not _is_digits(value[:2]) or value[:2] == "00":
        return _bad("ccn", value, f"CCN must start with a state code 01-99, got {value[:2]}")
    if not _is_alnum(value[2:]):
        return _bad("ccn", value, "CCN must end with 4 letters or digits")
    return _ok("ccn", value)


def check_naic(raw: str | None) -> IdentifierCheck:
    """Check an NAIC insurance company code: 5 digits.

    >>> check_naic("60054").valid
    True
    """
    value = _clean(raw)
    problem = _digits_problem("NAIC code", value, 5)
    if problem:
        return _bad("naic", value, problem)
    return _ok("naic", value)


_DEA_REGISTRANT_TYPES = frozenset("ABCDEFGHJKLMPRSTUX")
# The second character is the registrant's last-name initial, or 9 when the registration is
# under a business name. A "-suffix" identifies a supervised prescriber under an institution.
_DEA = re.compile(r"(?P<base>[A-Z][A-Z9][0-9]{7})(?:-(?P<suffix>[A-Z0-9]+))?")


def check_dea(raw: str | None) -> IdentifierCheck:
    """Check a DEA registration number: type letter, name letter, 6 digits and a check digit.

    The check digit is the last digit of (d1+d3+d5) + 2*(d2+d4+d6). An institutional suffix
    ("F91234563-001AB") is kept in the value because it identifies a different prescriber.

    >>> check_dea("ap5836727").value
    'AP5836727'
    >>> check_dea("AP5836728").reason
    'DEA check digit is 8, expected 7'
    """
    value = _clean(raw, _WHITESPACE)
    if not value:
        return _bad("dea", value, "DEA number is empty")
    match = _DEA.fullmatch(value)
    if match is None:
        return _bad("dea", value, "DEA number must be 2 letters followed by 7 digits")
    base = match["base"]
    if base[0] not in _DEA_REGISTRANT_TYPES:
        return _bad("dea", value, f"DEA registrant type {base[0]} is not a known type")
    d = [int(char) for char in base[2:]]
    expected = (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10
    if d[6] != expected:
        return _bad("dea", value, f"DEA check digit is {d[6]}, expected {expected}")
    return _ok("dea", value)


# Level II: letter A-V + 4 digits. Level I (CPT): 5 digits, or 4 digits + F (Category II
# performance codes) / + T (Category III emerging technology); both appear on real claims.
_HCPCS = re.compile(r"[A-V][0-9]{4}|[0-9]{5}|[0-9]{4}[FT]")


def check_hcpcs(raw: str | None) -> IdentifierCheck:
    """Check a HCPCS Level II code or a CPT (Level I) code.

    >>> check_hcpcs("j1100").value
    'J1100'
    >>> check_hcpcs("99213").valid
    True
    """
    value = _clean(raw, _WHITESPACE)
    if not value:
        return _bad("hcpcs", value, "HCPCS code is empty")
    if not _HCPCS.fullmatch(value):
        return _bad(
            "hcpcs", value, "HCPCS code must be a letter A-V plus 4 digits, or a 5-character CPT"
        )
    return _ok("hcpcs", value)


_TAXONOMY = re.compile(r"[0-9]{3}[0-9A-Z]{6}X")


def check_taxonomy(raw: str | None) -> IdentifierCheck:
    """Check a NUCC Health Care Provider Taxonomy code such as "207Q00000X".

    >>> check_taxonomy("207q00000x").value
    '207Q00000X'
    """
    value = _clean(raw, _WHITESPACE)
    if not value:
        return _bad("taxonomy", value, "taxonomy code is empty")
    if len(value) != 10:
        return _bad("taxonomy", value, f"taxonomy code must be 10 characters, got {len(value)}")
    if not _TAXONOMY.fullmatch(value):
        return _bad(
            "taxonomy", value, "taxonomy code must be 3 digits, 6 letters or digits, then X"
        )
    return _ok("taxonomy", value)


_PAYER_ID = re.compile(r"[0-9A-Z]{3,10}")


def check_payer_id(raw: str | None) -> IdentifierCheck:
    """Check a clearinghouse payer ID: 3 to 10 letters or digits, uppercased.

    >>> check_payer_id(" 87726 ").value
    '87726'
    """
    value = _clean(raw, _WHITESPACE)
    if not value:
        return _bad("payer_id", value, "payer ID is empty")
    if not _PAYER_ID.fullmatch(value):
        return _bad("payer_id", value, "payer ID must be 3 to 10 letters or digits")
    return _ok("payer_id", value)


CHECKERS: Mapping[str, Callable[[str], IdentifierCheck]] = MappingProxyType(
    {
        "npi": check_npi,
        "gtin": check_gtin,
        "gln": check_gln,
        "ein": check_ein,
        "ssn": check_ssn,
        "unspsc": check_unspsc,
        "duns": check_duns,
        "uei": check_uei,
        "ccn": check_ccn,
        "naic": check_naic,
        "dea": check_dea,
        "hcpcs": check_hcpcs,
        "taxonomy": check_taxonomy,
        "payer_id": check_payer_id,
    }
)
"""Checker per scheme name, so ingest can validate a column by its configured scheme."""
