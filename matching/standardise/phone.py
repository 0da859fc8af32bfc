"""Phone numbers to E.164, with North American Numbering Plan (NANP) validation."""

import re

from matching.standardise.identifiers import IdentifierCheck

__all__ = ["NANP_COUNTRIES", "check_phone"]

NANP_COUNTRIES = frozenset(
    {
        "US",
        "CA",
        "PR",
        "VI",
        "GU",
        "AS",
        "MP",
        "AG",
        "AI",
        "BB",
        "BM",
        "BS",
        "DM",
        "DO",
        "GD",
        "JM",
        "KN",
        "KY",
        "LC",
        "MS",
        "SX",
        "TC",
        "TT",
        "VC",
        "VG",
    }
)
"""ISO country codes that share country calling code +1 and so the same national format."""

# An extension is only recognised at the end, after a marker, so that digits in the middle of
# a number are never mistaken for one.
_EXTENSION = re.compile(r"\s*[,;]?\s*(?:extension|extn|ext|x|#)\.?\s*:?\s*[0-9]+\s*$", re.I)
_ALLOWED = re.compile(r"\+?[0-9\s().\-\u2010-\u2015/]*")


def _nanp_problem(national: str) -> str | None:
    area, exchange = national[:3], national[3:6]
    if area[0] in "01":
        return f"area code {area} must start with 2-9"
    # N11 codes (411, 911, ...) are service codes and are never assigned as an area code or
    # as an exchange, so a number using one is a typo.
    if area[1:] == "11":
        return f"area code {area} is a service code"
    if exchange[0] in "01":
        return f"exchange code {exchange} must start with 2-9"
    if exchange[1:] == "11":
        return f"exchange code {exchange} is a service code"
    return None


def _international(digits: str) -> IdentifierCheck:
    if 8 <= len(digits) <= 15:
        return IdentifierCheck("phone", f"+{digits}", True, None)
    return IdentifierCheck(
        "phone", digits, False, f"international number must be 8-15 digits, got {len(digits)}"
    )


def check_phone(raw: str | None, default_country: str = "US") -> IdentifierCheck:
    """Normalise a phone number to E.164 ("+15125550142").

    Numbers without a "+" are read as North American (``default_country`` must be a NANP
    country; anything else raises ValueError because it is a configuration error, not bad
    data). Extensions are recognised and left out of the value. Numbers with "+" and another
    country code are accepted as E.164 when they have 8-15 digits; only their length is checked.
    When invalid, ``value`` holds the digits as sent.

    >>> check_phone("(512) 555-0142 ext. 12").value
    '+15125550142'
    >>> check_phone("512-155-0142").reason
    'exchange code 155 must start with 2-9'
    """
    if default_country.upper() not in NANP_COUNTRIES:
        raise ValueError(f"default_country {default_country!r} is not a NANP country")
    text = (raw or "").strip()
    text = _EXTENSION.sub("", text).strip()
    digits = "".join(char for char in text if char.isascii() and char.isdigit())
    if not text:
        return IdentifierCheck("phone", "", False, "phone number is empty")
    if not _ALLOWED.fullmatch(text):
        return IdentifierCheck(
            "phone", digits, False, "phone number contains letters or unexpected symbols"
        )
    if text.startswith("+"):
        if not digits.startswith("1"):
            return _international(digits)
        national = digits[1:]
    elif digits.startswith("011") and len(digits) > 11:
        # 011 is the NANP international dialling prefix: "011 44 20..." means "+44 20...".
        return _international(digits[3:])
    elif len(digits) == 11 and digits.startswith("1"):
        national = digits[1:]
    else:
        national = digits
    if len(national) != 10:
        return IdentifierCheck(
            "phone", digits, False, f"NANP number must have 10 digits, got {len(national)}"
        )
    problem = _nanp_problem(national)
    if problem:
        return IdentifierCheck("phone", digits, False, problem)
    return IdentifierCheck("phone", f"+1{national}", True, None)
