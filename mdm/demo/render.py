"""How each source system writes the same fact: names, addresses, phones, dates, credentials.

The generator keeps one canonical value per real-world thing and asks these helpers to write
it in a system's house style, which is where most of the demo's messiness comes from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Literal

from mdm.demo.data import (
    CREDENTIAL_SPELLINGS,
    DIRECTIONS,
    STATE_NAMES,
    STREET_TYPE_ABBREVIATIONS,
    UNIT_ABBREVIATIONS,
)

PhoneStyle = Literal["paren", "dots", "e164", "dash", "plain"]
AddressStyle = Literal["full", "usps", "mixed", "oneline"]
DateStyle = Literal["iso", "us"]


@dataclass(frozen=True)
class Phone:
    area: str
    line: str  # "0142": always a 555-01XX fictional number

    def render(self, style: PhoneStyle) -> str:
        if style == "paren":
            return f"({self.area}) 555-{self.line}"
        if style == "dots":
            return f"{self.area}.555.{self.line}"
        if style == "e164":
            return f"+1{self.area}555{self.line}"
        if style == "dash":
            return f"{self.area}-555-{self.line}"
        return f"{self.area}555{self.line}"


@dataclass(frozen=True)
class Address:
    number: str
    direction: str  # "North" or ""
    street: str  # "Lamar"
    street_type: str  # "Boulevard"
    unit_kind: str  # "Suite" or ""
    unit: str
    city: str
    state: str  # USPS code
    zip5: str
    zip4: str
    po_box: str = ""  # claims addresses are PO boxes

    def with_unit(self, kind: str, unit: str) -> Address:
        return Address(
            self.number,
            self.direction,
            self.street,
            self.street_type,
            kind,
            unit,
            self.city,
            self.state,
            self.zip5,
            self.zip4,
            self.po_box,
        )

    def render(self, style: AddressStyle) -> dict[str, str]:
        """The address as a source sends it: ``{"line1", "line2", "city", "state", "zip"}``."""
        if self.po_box:
            line1 = {
                "full": f"P.O. Box {self.po_box}",
                "usps": f"PO BOX {self.po_box}",
                "mixed": f"PO Box {self.po_box}",
                "oneline": f"P O Box {self.po_box}",
            }[style]
            line2 = ""
        elif style == "full":
            direction = f"{self.direction} " if self.direction else ""
            line1 = f"{self.number} {direction}{self.street} {self.street_type}"
            line2 = f"{self.unit_kind} {self.unit}" if self.unit_kind else ""
        elif style == "usps":
            direction = f"{DIRECTIONS[self.direction]} " if self.direction else ""
            street_type = STREET_TYPE_ABBREVIATIONS[self.street_type]
            line1 = f"{self.number} {direction}{self.street} {street_type}".upper()
            unit_kind = UNIT_ABBREVIATIONS.get(self.unit_kind, self.unit_kind)
            line2 = f"{unit_kind} {self.unit}".upper() if self.unit_kind else ""
        else:
            direction = f"{DIRECTIONS[self.direction]}. " if self.direction else ""
            street_type = STREET_TYPE_ABBREVIATIONS[self.street_type].capitalize()
            line1 = f"{self.number} {direction}{self.street} {street_type}."
            line2 = f"{self.unit_kind} {self.unit}" if self.unit_kind else ""
            if style == "oneline" and line2:
                # "123 N. Main St., Suite 200": the unit travels inside line 1.
                line1, line2 = f"{line1}, {line2}", ""
        out = {"line1": line1}
        if line2:
            out["line2"] = line2
        out["city"] = self.city.upper() if style == "usps" else self.city
        out["state"] = STATE_NAMES[self.state] if style == "full" else self.state
        out["zip"] = f"{self.zip5}-{self.zip4}" if style in ("full", "oneline") else self.zip5
        return out


def render_date(value: date, style: DateStyle) -> str:
    return value.isoformat() if style == "iso" else value.strftime("%m/%d/%Y")


def render_ssn(digits: str, style: Literal["dash", "plain", "space"]) -> str:
    if style == "dash":
        return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    if style == "space":
        return f"{digits[:3]} {digits[3:5]} {digits[5:]}"
    return digits


def render_ein(digits: str, dashed: bool) -> str:
    return f"{digits[:2]}-{digits[2:]}" if dashed else digits


def spell_credential(credential: str, rng: random.Random) -> str:
    """One of the spellings sources use for a canonical credential ("MD" or "M.D.")."""
    return rng.choice(CREDENTIAL_SPELLINGS.get(credential, (credential,)))


def name_last_first(
    first: str, middle: str, last: str, suffix: str = "", credentials: tuple[str, ...] = ()
) -> str:
    """ "SMITH JR, JOHN A MD": practice-management style, upper case, credentials glued on."""
    head = f"{last} {suffix}".strip()
    tail = f"{first} {middle[:1]}".strip()
    text = f"{head}, {tail}"
    if credentials:
        text = f"{text} {' '.join(credentials)}"
    return text.upper()


def name_natural(
    first: str, middle: str, last: str, suffix: str = "", credentials: tuple[str, ...] = ()
) -> str:
    """ "John A. Smith Jr., MD": how billing and credentialing write a clinician's name."""
    initial = f" {middle[:1]}." if middle else ""
    text = f"{first}{initial} {last}"
    if suffix:
        text = f"{text} {suffix.capitalize()}."
    if credentials:
        text = f"{text}, {', '.join(credentials)}"
    return text


def typo(word: str, rng: random.Random) -> str:
    """A plausible keying error: adjacent letters swapped, a letter doubled or dropped.

    Always returns something different from ``word`` when it has at least three letters.
    """
    if len(word) < 3:
        return word
    for _ in range(10):
        position = rng.randrange(1, len(word) - 1)
        kind = rng.choice(("swap", "double", "drop"))
        if kind == "swap":
            out = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
        elif kind == "double":
            out = word[:position] + word[position] + word[position:]
        else:
            out = word[:position] + word[position + 1 :]
        if out != word:
            return out
    return word[:-1]
