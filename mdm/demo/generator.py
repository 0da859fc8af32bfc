"""Generate the demo health system: five source systems sending all seven domains, with truth.

The generator first builds the real world (sites, suppliers, payers, products, clinicians and
staff, each with one canonical set of facts), then lets every source system write what it
knows of that world in its own house style. The hard cases that make matching difficult are
planted on purpose; each is introduced by a ``# Case:`` comment naming it, so a reader can
find where a benchmark's hardest pairs come from.

Everything is drawn from one ``random.Random(seed)``: the same seed gives the same dataset,
byte for byte, on every machine and every day.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypeVar

from matching.standardise.identifiers import gs1_check_digit, npi_check_digit
from mdm.demo import data as d
from mdm.demo.model import DOMAIN_ORDER, DemoBatch, DemoDataset, DemoFlaw, DemoRecord, DemoSystem
from mdm.demo.render import (
    Address,
    AddressStyle,
    Phone,
    PhoneStyle,
    name_last_first,
    name_natural,
    render_date,
    render_ein,
    render_ssn,
    spell_credential,
    typo,
)

__all__ = ["SYSTEMS", "generate_demo"]

SYSTEMS = (
    DemoSystem(
        code="erp",
        name="Enterprise ERP",
        description="Finance, HR and purchasing for the whole health system: the cost-center "
        "hierarchy, vendor master, item master, site list and every employee.",
        sends=("cost_center", "location", "supplier", "item", "employee"),
        receives=("provider", "payer"),
    ),
    DemoSystem(
        code="clinic_a",
        name="Riverside Family Practice PM",
        description="Practice management of Riverside Family Practice, an acquired primary-care "
        "group: its clinicians, sites, payers and staff, in its own conventions.",
        sends=("location", "payer", "provider", "employee"),
        receives=(),
    ),
    DemoSystem(
        code="clinic_b",
        name="Lakeside Orthopedics PM",
        description="Practice management of Lakeside Orthopedics, an acquired orthopaedic group "
        "that also keeps its own cost centers; many of its clinicians lack an NPI.",
        sends=("cost_center", "location", "payer", "provider", "employee"),
        receives=(),
    ),
    DemoSystem(
        code="billing",
        name="Revenue cycle / billing",
        description="Claims and enrolment for every billing site and clinician, with NPIs, "
        "CCNs and clearinghouse payer IDs.",
        sends=("location", "payer", "provider"),
        receives=("location",),
    ),
    DemoSystem(
        code="supply",
        name="Supply chain",
        description="Supply-chain catalogue: items with GTINs and UNSPSC codes, and the "
        "suppliers they are ordered from.",
        sends=("supplier", "item"),
        receives=("location", "cost_center"),
    ),
)

_SYSTEM_ORDER = tuple(system.code for system in SYSTEMS)
_DIGITS = "0123456789"
# Letters a SAM UEI may use: no O or I, which read as digits.
_UEI_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_EIN_PREFIXES = (
    "10",
    "20",
    "26",
    "27",
    "36",
    "41",
    "45",
    "46",
    "47",
    "52",
    "56",
    "61",
    "74",
    "75",
    "76",
    "81",
    "82",
    "84",
    "85",
    "87",
    "88",
    "91",
    "92",
    "93",
)
_TOLL_FREE = ("800", "888", "877", "866")
# HR dates of the acquisitions: the ERP re-hires clinic staff on these days.
_ACQUIRED = {"clinic_a": date(2021, 7, 1), "clinic_b": date(2022, 10, 1)}
# Keys deliberately referenced but never sent (documented dangling references).
_DANGLING_COST_CENTER = "CB-9999"
_DANGLING_SUPPLIER = "SUP-9999"

_T = TypeVar("_T")


def generate_demo(seed: int = 7) -> DemoDataset:
    """Generate the demo dataset for ``seed``; the same seed always gives the same dataset.

    >>> demo = generate_demo()
    >>> sorted({domain for _, domain, _ in demo.records()})[:3]
    ['cost_center', 'employee', 'item']
    """
    return _Generator(seed).run()


# --- the real world ---------------------------------------------------------------------------


@dataclass
class _Person:
    first: str
    middle: str
    last: str
    suffix: str
    birth: date
    female: bool


@dataclass
class _Site:
    row: d.SiteRow
    entity: str
    address: Address
    phone: Phone
    npi: str | None
    ccn: str | None
    gln: str | None


@dataclass
class _Provider:
    entity: str
    person: _Person
    home: str  # clinic_a, clinic_b or hospital
    specialty: d.Specialty
    credentials: tuple[str, ...]
    npi: str
    sites: list[str]  # site codes, primary first
    phone: Phone
    systems: list[str]
    licenses: list[tuple[str, str]] = field(default_factory=list)
    dea: str | None = None
    first_by_system: dict[str, str] = field(default_factory=dict)
    last_by_system: dict[str, str] = field(default_factory=dict)
    drop_suffix: list[str] = field(default_factory=list)
    npi_by_system: dict[str, str | None] = field(default_factory=dict)
    billing_duplicate: bool = False


@dataclass
class _Employee:
    entity: str
    person: _Person
    job: str
    legal_entity: str
    cost_center: str
    site: str
    hire: date
    ssn: str
    home: str  # erp, clinic_a or clinic_b: the HR system that hired them
    systems: list[str]
    provider: str | None = None  # the provider entity, for clinicians who are employees
    first_by_system: dict[str, str] = field(default_factory=dict)
    last_by_system: dict[str, str] = field(default_factory=dict)
    ssn_by_system: dict[str, str | None] = field(default_factory=dict)
    dangling_cost_center: bool = False


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.records: dict[tuple[str, str], list[DemoRecord]] = defaultdict(list)
        self.flaws: list[DemoFlaw] = []
        self.counters: dict[str, int] = defaultdict(int)
        # Source keys per (system, domain), by the generator's own handle for the thing.
        self.keys: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        self.serials: dict[str, int] = {}
        self.npis: set[str] = set()
        self.ssns: set[str] = set()
        self.eins: set[str] = set()
        self.lines: dict[str, list[str]] = {}
        self.street_numbers: set[tuple[str, str, str]] = set()
        self.emails: set[str] = set()
        self.sites: dict[str, _Site] = {}
        self.providers: list[_Provider] = []

    def run(self) -> DemoDataset:
        self.cost_centers()
        self.locations()
        self.suppliers()
        self.payers()
        self.items()
        self.build_providers()
        self.emit_providers()
        self.employees()
        batches = tuple(
            DemoBatch(source, domain, tuple(self.records[(source, domain)]))
            for domain in DOMAIN_ORDER
            for source in _SYSTEM_ORDER
            if self.records.get((source, domain))
        )
        return DemoDataset(systems=SYSTEMS, batches=batches, flaws=tuple(self.flaws))

    # --- plumbing -----------------------------------------------------------------------------

    def entity(self, domain: str) -> str:
        self.counters[domain] += 1
        return f"{domain}:{self.counters[domain]}"

    def emit(
        self,
        source: str,
        domain: str,
        key: str,
        attributes: dict[str, Any],
        entity: str,
        references: dict[str, Any] | None = None,
        handle: str | None = None,
    ) -> None:
        """Append one record; ``handle`` remembers its key for records that refer to it."""
        existing = self.keys[(source, domain)]
        assert key not in existing.values(), f"duplicate key {source}/{domain}/{key}"
        attrs = {k: v for k, v in attributes.items() if v is not None and v != "" and v != []}
        refs = {k: v for k, v in (references or {}).items() if v}
        self.records[(source, domain)].append(DemoRecord(key, attrs, refs, entity))
        existing[handle if handle is not None else f"#{key}"] = key

    def key(self, source: str, domain: str, handle: str) -> str:
        return self.keys[(source, domain)][handle]

    def has(self, source: str, domain: str, handle: str) -> bool:
        return handle in self.keys[(source, domain)]

    def serial(self, name: str, fmt: str, start: tuple[int, int], gap: int = 1) -> str:
        """The next key of a numbered series: random start, small random gaps like real IDs."""
        if name not in self.serials:
            self.serials[name] = self.rng.randrange(*start)
        else:
            self.serials[name] += self.rng.randint(1, gap)
        return fmt.format(self.serials[name])

    def flaw(
        self, source: str, domain: str, key: str, kind: str, name: str, note: str, target: str = ""
    ) -> None:
        self.flaws.append(DemoFlaw(source, domain, key, kind, name, note, target))

    def email(self, local: str, domain: str) -> str:
        """A mailbox not yet given to anyone: "jsmith", then "jsmith2", like real HR systems."""
        number = 1
        address = f"{local}@{domain}"
        while address in self.emails:
            number += 1
            address = f"{local}{number}@{domain}"
        self.emails.add(address)
        return address

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice(_DIGITS) for _ in range(count))

    def weighted(self, options: Sequence[_T], weights: Sequence[int]) -> _T:
        return self.rng.choices(options, weights=weights)[0]

    def pick(
        self,
        pool: Sequence[_T],
        used: set[str],
        count: int,
        entity_of: Callable[[_T], str],
        cond: Callable[[_T], bool] = lambda _: True,
    ) -> list[_T]:
        """``count`` members of ``pool`` not yet given a hard case, marked as used."""
        candidates = [x for x in pool if entity_of(x) not in used and cond(x)]
        chosen = self.rng.sample(candidates, count)
        used.update(entity_of(x) for x in chosen)
        return chosen

    # --- identifiers and contact details ------------------------------------------------------

    def npi(self, first_digit: str) -> str:
        while True:
            body = first_digit + self.digits(8)
            value = body + str(npi_check_digit(body))
            if value not in self.npis:
                self.npis.add(value)
                return value

    def mistyped_npi(self, npi: str) -> str:
        """One digit keyed wrong: the Luhn check digit no longer matches."""
        while True:
            position = self.rng.randrange(1, 9)
            wrong = str((int(npi[position]) + self.rng.randint(1, 9)) % 10)
            body = npi[:position] + wrong + npi[position + 1 : 9]
            if npi_check_digit(body) != int(npi[9]):
                return body + npi[9]

    def gln(self) -> str:
        body = "086000" + self.digits(6)
        return body + str(gs1_check_digit(body))

    def ssn(self) -> str:
        while True:
            area = self.rng.choice([n for n in range(1, 900) if n != 666])
            value = f"{area:03d}{self.rng.randint(1, 99):02d}{self.rng.randint(1, 9999):04d}"
            if value not in self.ssns:
                self.ssns.add(value)
                return value

    def ssn_typo(self, ssn: str) -> str:
        """The same SSN with one digit keyed wrong, still in a range SSA issues."""
        while True:
            position = self.rng.randrange(3, 9)
            wrong = str((int(ssn[position]) + self.rng.randint(1, 9)) % 10)
            value = ssn[:position] + wrong + ssn[position + 1 :]
            if value[3:5] != "00" and value[5:] != "0000" and value not in self.ssns:
                return value

    def ein(self) -> str:
        while True:
            value = self.rng.choice(_EIN_PREFIXES) + self.digits(7)
            if value not in self.eins:
                self.eins.add(value)
                return value

    def dea(self, credentials: tuple[str, ...], last: str) -> str | None:
        if d.DEA_PRACTITIONER & set(credentials):
            if self.rng.random() > 0.85:
                return None
            registrant = self.rng.choice("ABF")
        elif d.DEA_MIDLEVEL & set(credentials):
            if self.rng.random() > 0.6:
                return None
            registrant = "M"
        else:
            return None
        body = [self.rng.randrange(10) for _ in range(6)]
        check = (body[0] + body[2] + body[4] + 2 * (body[1] + body[3] + body[5])) % 10
        return f"{registrant}{last[0].upper()}{''.join(map(str, body))}{check}"

    def phone(self, area: str) -> Phone:
        pool = self.lines.get(area)
        if pool is None:
            pool = [f"{n:04d}" for n in range(100, 200)]
            self.rng.shuffle(pool)
            self.lines[area] = pool
        return Phone(area, pool.pop())

    def address(self, city: str, unit_kind: str = "", unit: str = "") -> Address:
        if city in d.CITIES:
            state, zips = "TX", d.CITIES[city].zips
        else:
            _, state, zip5, _ = next(c for c in d.OUT_OF_STATE if c[0] == city)
            zips = (zip5,)
        while True:
            street, street_type = self.rng.choice(d.STREETS)
            number = str(self.rng.randrange(100, 9900))
            if (number, street, city) not in self.street_numbers:
                self.street_numbers.add((number, street, city))
                break
        direction = self.rng.choice(list(d.DIRECTIONS)) if self.rng.random() < 0.3 else ""
        return Address(
            number,
            direction,
            street,
            street_type,
            unit_kind,
            unit,
            city,
            state,
            self.rng.choice(zips),
            f"{self.rng.randint(1, 9999):04d}",
        )

    def po_box(self, city: str) -> Address:
        if city in d.CITIES:
            state, zip5 = "TX", self.rng.choice(d.CITIES[city].zips)
        else:
            _, state, zip5, _ = next(c for c in d.OUT_OF_STATE if c[0] == city)
        return Address(
            "",
            "",
            "",
            "",
            "",
            "",
            city,
            state,
            zip5,
            f"{self.rng.randint(1, 9999):04d}",
            po_box=str(self.rng.randrange(1000, 99999)),
        )

    def area_code(self, city: str) -> str:
        if city in d.CITIES:
            return d.CITIES[city].area_code
        return next(c[3] for c in d.OUT_OF_STATE if c[0] == city)

    def person(
        self, female: bool | None = None, born: tuple[int, int] = (1955, 1992), formal: bool = False
    ) -> _Person:
        if female is None:
            female = self.rng.random() < 0.55
        pool: tuple[str, ...]
        if female:
            pool = d.FEMALE_FORMAL if formal else d.FEMALE_FORMAL + d.FEMALE_OTHER
        else:
            pool = d.MALE_FORMAL if formal else d.MALE_FORMAL + d.MALE_OTHER
        middle = self.rng.choice(d.MIDDLE_NAMES) if self.rng.random() < 0.8 else ""
        return _Person(
            self.rng.choice(pool),
            middle,
            self.rng.choice(d.SURNAMES),
            "",
            self.birth(*born),
            female,
        )

    def birth(self, first_year: int, last_year: int) -> date:
        return date(
            self.rng.randint(first_year, last_year),
            self.rng.randint(1, 12),
            self.rng.randint(1, 28),
        )

    # --- cost centers -------------------------------------------------------------------------

    def cost_centers(self) -> None:
        entities: dict[tuple[str, str], str] = {}
        for row in d.COST_CENTERS:  # parents come before their children in the table
            entity = entities[(row.legal_entity, row.code)] = self.entity("cost_center")
            parent = f"CC-{row.legal_entity}-{row.parent}" if row.parent else None
            self.emit(
                "erp",
                "cost_center",
                f"CC-{row.legal_entity}-{row.code}",
                {
                    "code": row.code,
                    "name": row.name,
                    "legal_entity": row.legal_entity,
                    "department": row.department,
                    "status": "active" if row.active else "inactive",
                },
                entity,
                {"parent_cost_center": parent},
                handle=f"{row.legal_entity}-{row.code}",
            )

        # The orthopaedic group still runs its own cost centers after the acquisition.
        clinic_b = (
            # Case: the same cost center in two systems (same legal entity and code).
            ("7200", "ORTHOPEDICS", None, entities[("HS02", "7200")]),
            ("7210", "ORTHO CLINIC - LAKEWAY", "7200", entities[("HS02", "7210")]),
            ("7220", "ORTHO CLINIC - GEORGETOWN", "7200", entities[("HS02", "7220")]),
            ("7230", "SURGERY CENTER", "7200", entities[("HS02", "7230")]),
            ("7240", "PHYSICAL THERAPY", "7200", entities[("HS02", "7240")]),
            # Case: same code as the ERP's HS01 3500, but in HS02: a different cost center.
            ("3500", "REHAB SERVICES", "7200", self.entity("cost_center")),
            ("7250", "SPORTS MEDICINE PROGRAM", "7200", self.entity("cost_center")),
        )
        for code, name, parent_code, entity in clinic_b:
            self.emit(
                "clinic_b",
                "cost_center",
                f"CB-{code}",
                {
                    "code": code,
                    "name": name,
                    "legal_entity": "HS02",
                    "department": "ORTHOPEDICS",
                    "status": "ACTIVE",
                },
                entity,
                {"parent_cost_center": f"CB-{parent_code}" if parent_code else None},
                handle=f"HS02-{code}",
            )
        # Reject: a cost center without its required name.
        self.emit(
            "clinic_b",
            "cost_center",
            "CB-7260",
            {"code": "7260", "legal_entity": "HS02", "status": "ACTIVE"},
            "reject:missing_required",
        )

    # --- locations ----------------------------------------------------------------------------

    _CLINIC_A_SITES = {
        "RFP-MAIN": "Riverside Family Practice",
        "RFP-NORTH": "Riverside FP North (Pflugerville)",
        "RFP-CP": "Riverside Cedar Park Clinic",
        "HCMC": "Hill Country Med Center",
    }
    _CLINIC_B_SITES = {
        "LO-LAKEWAY": "LAKESIDE ORTHO LAKEWAY",
        "LO-GTWN": "LAKESIDE ORTHO GEORGETOWN",
        "LO-ASC": "LAKESIDE ASC",
        "LO-PT": "LAKESIDE PT",
        "HCMC": "HCMC",
    }
    _BILLING_SITES = (
        "HCMC",
        "HCMC-ED",
        "HCMC-LAB",
        "HCMC-IMG",
        "HCMC-OR",
        "HCRR",
        "HCRR-ED",
        "RFP-MAIN",
        "RFP-NORTH",
        "RFP-CP",
        "LO-LAKEWAY",
        "LO-GTWN",
        "LO-ASC",
        "LO-PT",
        "UC-RR",
        "UC-KYLE",
        "LAB-GTWN",
        "IMG-CP",
        "RX-RETAIL",
        "PBO",
    )

    def locations(self) -> None:
        hospital_number = self.rng.sample(range(10, 880), 2)
        for row in d.SITES:
            if row.parent is not None:
                # Case: departments share their hospital's street address (another floor).
                building = self.sites[row.parent].address
                address = building.with_unit(
                    self.rng.choice(("Floor", "Building")), str(self.rng.randint(1, 6))
                )
                if row.code == "LO-PT":
                    address = building.with_unit("Suite", "110")
            else:
                unit = (
                    ("Suite", str(self.rng.choice((100, 120, 200, 210, 300))))
                    if row.location_type not in ("hospital", "warehouse")
                    else ("", "")
                )
                address = self.address(row.city, *unit)
            ccn = f"450{hospital_number.pop():03d}" if row.ccn else None
            self.sites[row.code] = _Site(
                row,
                self.entity("location"),
                address,
                self.phone(d.CITIES[row.city].area_code),
                self.npi(self.rng.choice("12")) if row.npi else None,
                ccn,
                self.gln() if row.gln else None,
            )

        # The ERP's site list: every site, long-form addresses, ZIP+4, state spelled out.
        for row in d.SITES:
            site = self.sites[row.code]
            le, code = row.cost_center
            self.emit(
                "erp",
                "location",
                self.serial("erp-loc", "L{:04d}", (1000, 1100), 7),
                {
                    "name": row.name,
                    "location_type": row.location_type,
                    "address": site.address.render("full"),
                    "phone": site.phone.render("dash"),
                    "npi": site.npi,
                    "ccn": site.ccn,
                    "gln": site.gln,
                    "parent_organization": d.SYSTEM_NAME if le == "HS01" else d.PHYSICIAN_GROUP,
                },
                site.entity,
                {
                    "cost_center": self.key("erp", "cost_center", f"{le}-{code}"),
                    "parent_location": self.key("erp", "location", row.parent)
                    if row.parent
                    else None,
                },
                handle=row.code,
            )

        # Case: the same clinic in several systems, its address spelled differently in each.
        for number, (code, name) in enumerate(self._CLINIC_A_SITES.items(), start=1):
            site = self.sites[code]
            own = code.startswith("RFP")
            le, cc = site.row.cost_center
            self.emit(
                "clinic_a",
                "location",
                f"RFP-LOC-{number}",
                {
                    "name": name,
                    "location_type": site.row.location_type,
                    "address": site.address.render("mixed"),
                    "phone": site.phone.render("paren"),
                    "npi": site.npi if own else None,
                },
                site.entity,
                # clinic_a keeps no cost centers: it points at the ERP's.
                {
                    "cost_center": {
                        "source": "erp",
                        "key": self.key("erp", "cost_center", f"{le}-{cc}"),
                    }
                    if own
                    else None
                },
                handle=code,
            )

        for code, name in self._CLINIC_B_SITES.items():
            site = self.sites[code]
            le, cc = site.row.cost_center
            own = code.startswith("LO")
            parent = site.row.parent
            self.emit(
                "clinic_b",
                "location",
                self.serial("cb-loc", "SITE-{:02d}", (1, 5), 3),
                {
                    "name": name,
                    "location_type": site.row.location_type,
                    "address": site.address.render("oneline"),
                    "phone": site.phone.render("dots"),
                    "npi": site.npi if own and self.rng.random() < 0.7 else None,
                },
                site.entity,
                {
                    "cost_center": self.key("clinic_b", "cost_center", f"{le}-{cc}")
                    if self.has("clinic_b", "cost_center", f"{le}-{cc}")
                    else None,
                    "parent_location": self.key("clinic_b", "location", parent) if parent else None,
                },
                handle=code,
            )

        for code in self._BILLING_SITES:
            site = self.sites[code]
            parent = site.row.parent
            le, cc = site.row.cost_center
            self.emit(
                "billing",
                "location",
                self.serial("bill-loc", "FAC{:03d}", (100, 200), 4),
                {
                    "name": site.row.billing_name,
                    "location_type": site.row.location_type,
                    "address": site.address.render("usps"),
                    "phone": site.phone.render("e164"),
                    "npi": site.npi,
                    "ccn": site.ccn,
                },
                site.entity,
                {
                    "parent_location": self.key("billing", "location", parent)
                    if parent and self.has("billing", "location", parent)
                    else None,
                    "cost_center": {
                        "source": "erp",
                        "key": self.key("erp", "cost_center", f"{le}-{cc}"),
                    },
                },
                handle=code,
            )
        # Case: one system holds the same site twice (re-enrolled campus, same NPI and CCN).
        hcmc = self.sites["HCMC"]
        self.emit(
            "billing",
            "location",
            self.serial("bill-loc", "FAC{:03d}", (100, 200), 4),
            {
                "name": "HCMC MAIN CAMPUS",
                "location_type": "hospital",
                "address": hcmc.address.render("mixed"),
                "phone": hcmc.phone.render("dash"),
                "npi": hcmc.npi,
                "ccn": hcmc.ccn,
            },
            hcmc.entity,
        )
        # Reject: an address in a state that does not exist.
        leander = self.address("Leander", "Suite", "100")
        bad = leander.render("usps") | {"state": "XX"}
        self.emit(
            "billing",
            "location",
            self.serial("bill-loc", "FAC{:03d}", (100, 200), 4),
            {
                "name": "HC URGENT CARE LEANDER",
                "location_type": "urgent_care",
                "address": bad,
                "phone": self.phone("512").render("e164"),
            },
            "reject:invalid_state",
        )

    # --- suppliers ----------------------------------------------------------------------------

    def suppliers(self) -> None:
        no_ein_in_supply = {
            row.code
            for row in self.rng.sample(
                [
                    r
                    for r in d.SUPPLIERS
                    if r.supply and r.code not in ("ACME", "PREMIER-S", "PREMIER-M")
                ],
                3,
            )
        }
        for row in d.SUPPLIERS:
            entity = self.entity("supplier")
            ein = self.ein()
            duns = self.digits(9) if self.rng.random() < 0.7 else None
            gln = self.gln() if self.rng.random() < 0.25 else None
            uei = (
                (
                    "".join(self.rng.choice(_UEI_CHARS[:-10]) for _ in range(1))
                    + "".join(self.rng.choice(_UEI_CHARS) for _ in range(11))
                )
                if self.rng.random() < 0.2
                else None
            )
            head_office = self.address(
                row.city,
                *(
                    ("Suite", str(self.rng.randint(100, 400)))
                    if self.rng.random() < 0.4
                    else ("", "")
                ),
            )
            phone = self.phone(self.area_code(row.city))
            slug = re.sub(r"[^a-z]", "", "".join(row.legal_name.lower().split()[:2]))
            mailbox = self.rng.choice(("ar", "orders", "sales", "customerservice"))
            email = f"{mailbox}@{slug}.example"
            if row.code in ("MEDLINE", "CARDINAL"):
                # Case: one EIN with several remit-to addresses (regional lockboxes).
                remits = [self.po_box(city) for city in ("Atlanta", "Chicago", "Pittsburgh")]
            elif row.code == "ACME":
                remits = [self.po_box("Austin"), self.po_box("San Antonio")]
            else:
                remits = [self.po_box(row.city)]

            if row.erp:
                if row.code == "ACME":
                    # Case: the ERP holds Acme twice, once per remit-to site, under one EIN,
                    # the second time with its DBA.
                    for index, remit in enumerate(remits):
                        self.emit(
                            "erp",
                            "supplier",
                            self.serial("vendor", "V{:05d}", (10001, 10100), 40),
                            {
                                "legal_name": row.legal_name,
                                "dba_name": row.dba_name if index else None,
                                "ein": render_ein(ein, dashed=True),
                                "duns": duns,
                                "remit_to_addresses": [remit.render("full")],
                                "order_from_addresses": [head_office.render("full")],
                                "phone": phone.render("dash"),
                                "email": email,
                            },
                            entity,
                            handle=row.code if index == 0 else f"{row.code}#{index}",
                        )
                else:
                    self.emit(
                        "erp",
                        "supplier",
                        self.serial("vendor", "V{:05d}", (10001, 10100), 40),
                        {
                            "legal_name": row.legal_name,
                            "dba_name": row.dba_name,
                            "ein": render_ein(ein, dashed=True),
                            "duns": duns,
                            "uei": uei,
                            "remit_to_addresses": [r.render("full") for r in remits],
                            "order_from_addresses": [head_office.render("full")],
                            "phone": phone.render("dash"),
                            "email": email,
                        },
                        entity,
                        handle=row.code,
                    )
            if row.supply:
                # Case: "Acme Medical Supply, Inc." vs "ACME MED SUPPLY INC": name variants.
                # Case: supplier without its EIN in one system.
                self.emit(
                    "supply",
                    "supplier",
                    self.serial("sup", "SUP-{:04d}", (100, 400), 25),
                    {
                        "legal_name": row.short_name,
                        "ein": None if row.code in no_ein_in_supply else render_ein(ein, False),
                        "gln": gln,
                        "order_from_addresses": [head_office.render("usps")],
                        "remit_to_addresses": [remits[0].render("usps")]
                        if self.rng.random() < 0.5
                        else None,
                        "phone": phone.render("plain"),
                    },
                    entity,
                    handle=row.code,
                )
                if row.code == "ACME" and row.dba_name:
                    # Case: the same supplier keyed under its DBA, without an EIN.
                    branch = self.address("San Antonio")
                    self.emit(
                        "supply",
                        "supplier",
                        self.serial("sup", "SUP-{:04d}", (100, 400), 25),
                        {
                            "legal_name": row.dba_name,
                            "order_from_addresses": [branch.render("usps")],
                            "phone": self.phone("210").render("plain"),
                        },
                        entity,
                        handle=f"{row.code}#dba",
                    )

    # --- payers -------------------------------------------------------------------------------

    _CLINIC_A_PAYERS = (
        "MCR",
        "MCD",
        "BCBS",
        "BCBS-HMO",
        "AETNA",
        "UHC",
        "CIGNA",
        "HUMANA",
        "HUMANA-MA",
        "SUPERIOR",
        "SWHP",
        "TRICARE",
        "SELF",
    )
    _CLINIC_B_PAYERS = (
        "MCR",
        "MCD",
        "BCBS",
        "BCBS-MA",
        "AETNA",
        "AETNA-MA",
        "UHC",
        "UHC-CP",
        "CIGNA",
        "HUMANA",
        "TXMUTUAL",
        "TRICARE",
        "AMERIGROUP",
        "SELF",
    )

    def payers(self) -> None:
        world: dict[str, tuple[str, Address, Phone]] = {}
        for row in d.PAYERS:
            world[row.code] = (
                self.entity("payer"),
                self.po_box(row.city),
                self.phone(self.rng.choice(_TOLL_FREE)),
            )
        # Case: payer names spelled three ways ("Blue Cross Blue Shield of Texas" / "BCBS TX"),
        # clearinghouse payer IDs and NAIC codes only where a system bothers to keep them.
        for row in d.PAYERS:
            entity, address, phone = world[row.code]
            self.emit(
                "billing",
                "payer",
                self.serial("bill-pay", "PYR{:04d}", (1000, 1300), 9),
                {
                    "name": row.name,
                    "payer_type": row.payer_type,
                    "address": address.render("usps"),
                    "phone": phone.render("e164"),
                    "payer_id": row.payer_id,
                    "naic_code": row.naic,
                },
                entity,
                {"parent_payer": self.key("billing", "payer", row.parent) if row.parent else None},
                handle=row.code,
            )
        # Reject: a payer type the catalog does not know.
        self.emit(
            "billing",
            "payer",
            self.serial("bill-pay", "PYR{:04d}", (1000, 1300), 9),
            {"name": "Lone Star Preferred HMO", "payer_type": "hmo", "payer_id": "LSPH1"},
            "reject:unknown_enum",
        )

        rows = {row.code: row for row in d.PAYERS}
        clinics: tuple[tuple[str, tuple[str, ...], AddressStyle, PhoneStyle, int], ...] = (
            ("clinic_a", self._CLINIC_A_PAYERS, "mixed", "paren", 0),
            ("clinic_b", self._CLINIC_B_PAYERS, "oneline", "dots", 1),
        )
        for system, codes, style, phone_style, variant in clinics:
            for code in codes:
                row = rows[code]
                entity, address, phone = world[code]
                keep_id = self.rng.random() < (0.75 if system == "clinic_a" else 0.6)
                key = (
                    self.serial("a-pay", "INS{:03d}", (1, 20), 3)
                    if system == "clinic_a"
                    else self.serial("b-pay", "{:d}", (200, 220), 5)
                )
                parent = (
                    row.parent if row.parent and self.has(system, "payer", row.parent) else None
                )
                self.emit(
                    system,
                    "payer",
                    key,
                    {
                        "name": row.variants[variant],
                        "payer_type": row.payer_type,
                        "address": address.render(style) if self.rng.random() < 0.7 else None,
                        "phone": phone.render(phone_style),
                        "payer_id": row.payer_id if keep_id else None,
                    },
                    entity,
                    {"parent_payer": self.key(system, "payer", parent) if parent else None},
                    handle=code,
                )
        # Case: the clinic keyed one payer twice, the second time under its product name.
        entity, _, phone = world["BCBS"]
        self.emit(
            "clinic_b",
            "payer",
            self.serial("b-pay", "{:d}", (200, 220), 5),
            {
                "name": "BLUE CROSS TX PPO",
                "payer_type": "commercial",
                "phone": phone.render("dash"),
            },
            entity,
        )

    # --- items --------------------------------------------------------------------------------

    def items(self) -> None:
        # GS1 company prefixes: US makers get UPC-compatible ones (GTIN-12 starting 0, 6, 7 or
        # 8, never the restricted 2 or 4); Ansell a non-US one, so only a GTIN-13 form exists.
        prefixes = {
            code: "95" + self.digits(5)
            if code == "ANSELL"
            else "0" + self.rng.choice("0678") + self.digits(5)
            for code in d.MANUFACTURERS
        }
        refs = self.rng.sample(range(10000, 99999), len(d.PRODUCTS))
        # (product, level index, entity, GTIN-14)
        world: list[tuple[d.Product, int, str, str]] = []
        for product, ref in zip(d.PRODUCTS, refs, strict=True):
            # Case: packaging levels (each / box / case) are different items with different
            # GTINs, even though they share a description and a part number.
            for index, _level in enumerate(product.levels):
                body = f"{index}{prefixes[product.manufacturer]}{ref:05d}"
                world.append(
                    (product, index, self.entity("item"), body + str(gs1_check_digit(body)))
                )

        in_erp: list[tuple[d.Product, int, str, str]] = []
        in_supply: list[tuple[d.Product, int, str, str]] = []
        for item in world:
            erp, supply = self.rng.random() < 0.85, self.rng.random() < 0.8
            if erp or not supply:
                in_erp.append(item)
            if supply:
                in_supply.append(item)

        for product, index, entity, gtin in in_erp:
            level = product.levels[index]
            self.emit(
                "erp",
                "item",
                self.serial("erp-item", "{:06d}", (100000, 120000), 60),
                {
                    "description": product.erp_description,
                    "manufacturer": d.MANUFACTURERS[product.manufacturer][1],
                    "manufacturer_part_number": product.part_number,
                    "unit_of_measure": level.unit_of_measure,
                    "packaging": level.erp_packaging,
                    "chargeable": "Y" if product.chargeable else "N",
                    "hcpcs": product.hcpcs if product.chargeable else None,
                    "gtin": gtin if self.rng.random() < 0.9 else None,
                    "unspsc": product.unspsc if self.rng.random() < 0.85 else None,
                },
                entity,
                {"supplier": self.item_supplier("erp", product)},
            )
        # Reject: a chargeable flag that is not a boolean.
        product = self.rng.choice(d.PRODUCTS)
        self.emit(
            "erp",
            "item",
            self.serial("erp-item", "{:06d}", (100000, 120000), 60),
            {
                "description": product.erp_description,
                "unit_of_measure": product.levels[0].unit_of_measure,
                "chargeable": "maybe",
            },
            "reject:invalid_bool",
        )

        bases = [
            item
            for item in in_supply
            if item[1] == 0 and not prefixes[item[0].manufacturer].startswith("9")
        ]
        twice = self.rng.sample(bases, 2)
        bad_gtin = self.rng.choice([item for item in in_supply if item not in twice])
        dangling = self.rng.choice(
            [item for item in in_supply if item not in twice and item is not bad_gtin]
        )
        for item in in_supply:
            product, index, entity, gtin = item
            # Case: GTIN-12 (UPC) form in the supply system, GTIN-14 in the ERP.
            short = (
                gtin[2:] if gtin.startswith("00") else gtin[1:] if gtin.startswith("0") else gtin
            )
            sent = short if index == 0 else gtin
            key = self.serial("sku", "SKU-{:05d}", (20000, 30000), 30)
            if item is bad_gtin:
                # Case: GTIN with a bad check digit (still sent; the hub flags it).
                sent = sent[:-1] + str((int(sent[-1]) + self.rng.randint(1, 9)) % 10)
                self.flaw(
                    "supply", "item", key, "bad_check_digit", "gtin", "last GTIN digit keyed wrong"
                )
            supplier: Any = self.item_supplier("supply", product)
            if item is dangling:
                # Dangling reference 1 of 2: a supplier key the supply system never sent.
                supplier = _DANGLING_SUPPLIER
                self.flaw(
                    "supply",
                    "item",
                    key,
                    "dangling_reference",
                    "supplier",
                    "supplier record was deleted in the source",
                    _DANGLING_SUPPLIER,
                )
            self.emit(
                "supply",
                "item",
                key,
                self.supply_item(product, index, sent),
                entity,
                {"supplier": supplier},
            )
            if item in twice:
                # Case: the same GTIN sent again in its GTIN-14 form, under another SKU.
                self.emit(
                    "supply",
                    "item",
                    self.serial("sku", "SKU-{:05d}", (20000, 30000), 30),
                    self.supply_item(product, index, gtin)
                    | {"description": product.erp_description.replace(" ", ",")},
                    entity,
                    {"supplier": self.item_supplier("supply", product)},
                )
        # Reject: a unit of measure that is not one of the catalog's choices.
        product = self.rng.choice(d.PRODUCTS)
        self.emit(
            "supply",
            "item",
            self.serial("sku", "SKU-{:05d}", (20000, 30000), 30),
            {"description": product.supply_description, "unit_of_measure": "BOXES"},
            "reject:unknown_enum",
        )

    def supply_item(self, product: d.Product, index: int, gtin: str) -> dict[str, Any]:
        level = product.levels[index]
        names = d.MANUFACTURERS[product.manufacturer]
        part = product.part_number
        if self.rng.random() < 0.3:
            # "MDS195086" vs "MDS-195086": part numbers keyed with or without their dashes.
            part = part.replace("-", "") if "-" in part else re.sub(r"^([A-Z]+)", r"\1-", part)
        return {
            # Case: the same product described differently ("GLOVE EXAM NITRILE LG PF" vs
            # "Nitrile exam gloves, large, powder-free") and its manufacturer spelled another way.
            "description": f"{product.supply_description}, {level.supply_packaging.lower()}",
            "manufacturer": names[0] if self.rng.random() < 0.7 else names[2],
            "manufacturer_part_number": part,
            "unit_of_measure": level.unit_of_measure,
            "packaging": level.supply_packaging,
            "chargeable": product.chargeable,
            "hcpcs": product.hcpcs if self.rng.random() < 0.5 else None,
            "gtin": gtin,
            "udi_di": f"(01){gtin.zfill(14)}" if product.device else None,
            "unspsc": product.unspsc,
        }

    def item_supplier(self, system: str, product: d.Product) -> str:
        carried = [code for code in product.distributors if self.has(system, "supplier", code)]
        return self.key(system, "supplier", self.rng.choice(carried or ["ACME"]))

    # --- providers ----------------------------------------------------------------------------

    def build_providers(self) -> None:
        roster: list[_Provider] = []
        for home, count, specialties in (
            ("clinic_a", 38, d.CLINIC_A_SPECIALTIES),
            ("clinic_b", 24, d.CLINIC_B_SPECIALTIES),
            ("hospital", 28, d.HOSPITAL_SPECIALTIES),
        ):
            for _ in range(count):
                roster.append(self.new_provider(home, specialties))
        self.providers = roster
        clinic_a = [p for p in roster if p.home == "clinic_a"]
        clinic_b = [p for p in roster if p.home == "clinic_b"]
        hospital = [p for p in roster if p.home == "hospital"]
        used: set[str] = set()

        def pick(
            pool: list[_Provider], count: int, cond: Callable[[_Provider], bool] = lambda _: True
        ) -> list[_Provider]:
            return self.pick(pool, used, count, lambda p: p.entity, cond)

        def billed(p: _Provider) -> bool:
            return "billing" in p.systems

        def at(site: str) -> Callable[[_Provider], bool]:
            return lambda p: p.sites[0] == site

        def bill(p: _Provider) -> None:
            if "billing" not in p.systems:
                p.systems.append("billing")

        # Case: the same provider in three systems (a Lakeside surgeon who also sees patients
        # at Riverside), with the same valid NPI everywhere.
        for p in pick(clinic_b, 2, lambda p: p.credentials[0] in ("MD", "DO")):
            p.systems = ["clinic_a", "clinic_b", "billing"]
            p.sites.append("RFP-MAIN")
            p.npi_by_system["clinic_b"] = p.npi

        # Case: namesakes in the same city: same first and last name, different NPIs.
        for first, last in self.rng.sample(d.COMMON_NAMES, 3):
            [x] = pick(clinic_a, 1, at("RFP-MAIN"))
            [y] = pick(hospital, 1, lambda p: self.sites[p.sites[0]].row.city == "Austin")
            for p in (x, y):
                p.person.first, p.person.last = first, last
                bill(p)
            y.person.middle = self.rng.choice(
                [m for m in d.MIDDLE_NAMES if m[0] != x.person.middle[:1]]
            )

        def move(p: _Provider, site: str) -> None:
            p.sites[0] = site
            p.phone = self.sites[site].phone

        def physician(p: _Provider) -> bool:
            return p.credentials[0] in ("MD", "DO")

        # Case: relatives at one practice: same surname, address and phone; different NPIs.
        for pool, site in ((clinic_a, "RFP-MAIN"), (clinic_b, "LO-LAKEWAY")):
            group = pick(pool, 2, physician)
            surname = self.rng.choice(d.SURNAMES)
            for p in group:
                p.person.last = surname
                move(p, site)
                bill(p)
            while group[1].person.first == group[0].person.first:
                group[1].person.first = self.person(group[1].person.female).first

        # Case: Jr and Sr at the same address; billing drops the suffix on one of them.
        for pool, site, dropped in ((clinic_a, "RFP-MAIN", 1), (clinic_b, "LO-LAKEWAY", 0)):
            pair = pick(pool, 2, physician)
            father = self.person(female=False)
            for p, suffix, born in zip(
                pair, ("SR", "JR"), ((1946, 1955), (1978, 1987)), strict=True
            ):
                p.person = replace(father, suffix=suffix, birth=self.birth(*born))
                move(p, site)
                bill(p)
            pair[dropped].drop_suffix.append("billing")

        # Case: nickname in the clinic's system, formal given name in billing.
        for p in pick(clinic_a + clinic_b, 6, billed):
            formal = self.rng.choice(d.FEMALE_FORMAL if p.person.female else d.MALE_FORMAL)
            p.person.first = formal
            p.first_by_system[p.home] = self.rng.choice(d.NICKNAMES[formal])

        # Case: a typo in the first or last name in one of the systems.
        for p in pick(roster, 5, lambda p: len(p.systems) >= 2):
            system = self.rng.choice(p.systems)
            if self.rng.random() < 0.6:
                p.last_by_system[system] = typo(p.person.last, self.rng)
            else:
                p.first_by_system[system] = typo(p.person.first, self.rng)

        # Case: maiden name in the acquired clinic, married name in billing, same NPI.
        for p in pick(clinic_a, 2, billed) + pick(clinic_b, 1, billed):
            p.person.female = True
            p.person.first = self.rng.choice(d.FEMALE_OTHER)
            p.last_by_system[p.home] = p.person.last
            p.person.last = self.rng.choice([s for s in d.MARRIED_SURNAMES if s != p.person.last])

        # Case: a mistyped NPI that fails its check digit (one in billing, one in clinic_a).
        [p] = pick(clinic_a, 1, billed)
        p.npi_by_system["billing"] = self.mistyped_npi(p.npi)
        [p] = pick(clinic_a, 1)
        p.npi_by_system["clinic_a"] = self.mistyped_npi(p.npi)

        # Case: billing holds one clinician twice (re-enrolled under a new key, same NPI).
        [p] = pick(hospital, 1)
        p.billing_duplicate = True

        # Case: the acquired orthopaedic clinic never captured NPIs for about a third of its
        # clinicians, and Riverside is missing a few for new hires.
        for p in roster:
            if (
                "clinic_b" in p.systems
                and "clinic_b" not in p.npi_by_system
                and self.rng.random() < 0.35
            ):
                p.npi_by_system["clinic_b"] = None
        for p in pick(clinic_a, 2):
            p.npi_by_system["clinic_a"] = None

        for p in roster:  # licences and DEA numbers follow the final legal name
            p.licenses = [("TX", self.license_number(p.credentials))]
            if self.rng.random() < 0.15:
                p.licenses.append(
                    (
                        self.rng.choice(d.NEIGHBOUR_STATES),
                        self.rng.choice("ABCDEFGH") + self.digits(5),
                    )
                )
            p.dea = self.dea(p.credentials, p.last_by_system.get(p.home, p.person.last))

    def new_provider(self, home: str, specialties: Sequence[d.Specialty]) -> _Provider:
        specialty = self.weighted(specialties, [s.weight for s in specialties])
        credentials = self.rng.choice(specialty.credentials)
        sites = self.provider_sites(home, specialty)
        site = self.sites[sites[0]]
        # Case: group practice: most clinicians give their site's address and main number.
        phone = site.phone if self.rng.random() < 0.8 else self.phone(site.phone.area)
        systems = {"clinic_a": ["clinic_a"], "clinic_b": ["clinic_b"], "hospital": []}[home]
        if home == "hospital" or self.rng.random() < 0.8:
            systems = [*systems, "billing"]
        return _Provider(
            self.entity("provider"),
            self.person(),
            home,
            specialty,
            credentials,
            self.npi("1"),
            sites,
            phone,
            systems,
        )

    def provider_sites(self, home: str, specialty: d.Specialty) -> list[str]:
        rng = self.rng
        if home == "clinic_a":
            sites = [self.weighted(("RFP-MAIN", "RFP-NORTH", "RFP-CP"), (60, 25, 15))]
            if rng.random() < 0.2:
                sites.append(
                    rng.choice([s for s in ("RFP-MAIN", "RFP-NORTH", "RFP-CP") if s != sites[0]])
                )
        elif home == "clinic_b":
            if specialty.taxonomy == "225100000X":
                return ["LO-PT"]
            sites = [self.weighted(("LO-LAKEWAY", "LO-GTWN"), (55, 45))]
            if specialty.taxonomy.startswith("207X"):
                sites.append("LO-ASC")
        else:
            by_specialty = {
                "Hospitalist": ("HCMC", "HCRR"),
                "Emergency Medicine": ("HCMC-ED", "HCRR-ED"),
                "Diagnostic Radiology": ("HCMC-IMG", "IMG-CP"),
            }
            return [
                rng.choice(
                    by_specialty.get(
                        specialty.name,
                        ("HCMC-OR",)
                        if specialty.name
                        in ("Anesthesiology", "General Surgery", "Nurse Anesthetist")
                        else ("HCMC",),
                    )
                )
            ]
        if specialty.credentials[0][0] in ("MD", "DO") and rng.random() < 0.3:
            sites.append("HCMC")
        return sites

    def license_number(self, credentials: tuple[str, ...]) -> str:
        main = credentials[0]
        if main in ("MD", "DO"):
            return self.rng.choice("DEFGHJKLMNPQ") + self.digits(4)
        if main == "PA-C":
            return "PA" + self.digits(5)
        if main in ("DPT", "PT"):
            return "1" + self.digits(6)
        return "AP" + self.digits(6)

    def emit_providers(self) -> None:
        for system in ("clinic_a", "clinic_b", "billing"):
            roster = [p for p in self.providers if system in p.systems]
            self.rng.shuffle(roster)
            for p in roster:
                self.emit_provider(system, p)
                if system == "billing" and p.billing_duplicate:
                    key = self.serial("bill-prv", "PRV{:05d}", (20000, 30000), 90)
                    self.emit(
                        "billing",
                        "provider",
                        key,
                        {
                            "name": f"{p.person.first} {p.person.last}",
                            "credentials": list(p.credentials),
                            "npi": p.npi,
                            "specialty": p.specialty.name.upper(),
                        },
                        p.entity,
                    )
            if system == "clinic_a":
                # Reject: a provider with neither a last name nor a whole name.
                self.emit(
                    "clinic_a",
                    "provider",
                    self.serial("a-prv", "P{:04d}", (100, 200), 6),
                    {
                        "first_name": "Jordan",
                        "specialty": "FAMILY MED",
                        "phone": self.sites["RFP-MAIN"].phone.render("paren"),
                    },
                    "reject:missing_name",
                )
            if system == "billing":
                # Reject: an attribute the provider domain does not have.
                p = self.rng.choice(roster)
                self.emit(
                    "billing",
                    "provider",
                    self.serial("bill-prv", "PRV{:05d}", (20000, 30000), 90),
                    {
                        "name": "Casey R. Morgan, NP",
                        "npi": self.npi("1"),
                        "favourite_color": "teal",
                        "phone": p.phone.render("e164"),
                    },
                    "reject:unknown_attribute",
                )

    def emit_provider(self, system: str, p: _Provider) -> None:
        rng = self.rng
        first = p.first_by_system.get(system, p.person.first)
        last = p.last_by_system.get(system, p.person.last)
        middle = p.person.middle
        suffix = "" if system in p.drop_suffix else p.person.suffix
        npi = p.npi_by_system.get(system, p.npi)
        credentials = tuple(spell_credential(c, rng) for c in p.credentials)
        sites = [
            self.key(system, "location", s) for s in p.sites if self.has(system, "location", s)
        ]
        local = re.sub(r"[^a-z]", "", f"{first[0]}{last}".lower())
        if system == "clinic_a":
            key = self.serial("a-prv", "P{:04d}", (100, 200), 6)
            attributes: dict[str, Any] = {
                # Case: "LAST, FIRST M" with the credentials glued on ("SMITH, JOHN A MD").
                "name": name_last_first(first, middle, last, suffix, credentials),
                "npi": npi,
                "specialty": p.specialty.short,
                "phone": p.phone.render("paren"),
                "birth_date": render_date(p.person.birth, "us"),
                "licenses": [{"state": s, "number": n} for s, n in p.licenses[:1]],
                "email": f"{local}@{d.EMAIL_DOMAINS['clinic_a']}" if rng.random() < 0.6 else None,
                "taxonomy_codes": p.specialty.taxonomy if rng.random() < 0.4 else None,
            }
        elif system == "clinic_b":
            key = self.serial("b-prv", "{:d}", (10200, 10400), 7)
            attributes = {
                "first_name": first,
                "middle_name": middle,
                "last_name": last,
                "name_suffix": {"SR": "Sr.", "JR": "Jr."}.get(suffix, suffix),
                # "M.D., FACS" as one string, or a list.
                "credentials": ", ".join(credentials) if rng.random() < 0.5 else list(credentials),
                "npi": npi,
                "specialty": p.specialty.name,
                "phone": p.phone.render("dots"),
                "birth_date": render_date(p.person.birth, "iso"),
                "email": re.sub(r"[^a-z.@]", "", f"{first}.{last}@".lower())
                + d.EMAIL_DOMAINS["clinic_b"],
                "dea_number": p.dea if rng.random() < 0.7 else None,
            }
        else:
            key = self.serial("bill-prv", "PRV{:05d}", (20000, 30000), 90)
            attributes = {
                # "First M. Last, MD" the way credentialing writes it.
                "name": name_natural(first, middle, last, suffix, credentials),
                "npi": npi,
                "taxonomy_codes": [p.specialty.taxonomy],
                "specialty": p.specialty.name,
                "phone": p.phone.render("e164"),
                "licenses": [{"state": s, "number": n} for s, n in p.licenses],
                "dea_number": p.dea,
            }
        if npi is not None and npi != p.npi:
            self.flaw(
                system, "provider", key, "bad_check_digit", "npi", "one NPI digit keyed wrong"
            )
        self.emit(system, "provider", key, attributes, p.entity, {"practice_locations": sites})

    # --- employees ----------------------------------------------------------------------------

    def employees(self) -> None:
        rng = self.rng
        staff: list[_Employee] = []

        def hire(
            person: _Person,
            job: str,
            legal_entity: str,
            cost_center: str,
            site: str,
            home: str,
            provider: str | None = None,
        ) -> _Employee:
            # Clinic staff were hired by the clinic before it was acquired.
            last_year = _ACQUIRED[home].year - 1 if home in _ACQUIRED else 2024
            first_year = min(max(person.birth.year + 20, 1995), last_year)
            hired = date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))
            return _Employee(
                self.entity("employee"),
                person,
                job,
                legal_entity,
                cost_center,
                site,
                hired,
                self.ssn(),
                home,
                [home],
                provider,
            )

        for _ in range(72):
            job = self.weighted(d.HOSPITAL_JOBS, [j.weight for j in d.HOSPITAL_JOBS])
            staff.append(
                hire(
                    self.person(born=(1960, 2002)),
                    job.title,
                    "HS01",
                    job.cost_center,
                    job.site,
                    "erp",
                )
            )
        # Case: providers who are also employees (same person, a different domain).
        hospital_cc = {
            "HCMC": "2100",
            "HCRR": "2100",
            "HCMC-ED": "2300",
            "HCRR-ED": "2300",
            "HCMC-OR": "3400",
            "HCMC-IMG": "3200",
            "IMG-CP": "3200",
        }
        employed = [p for p in self.providers if p.home == "hospital"]
        for p in rng.sample(employed, 8):
            staff.append(
                hire(
                    replace(p.person),
                    d.PROVIDER_JOB_TITLES[p.credentials[0]],
                    "HS01",
                    hospital_cc[p.sites[0]],
                    p.sites[0],
                    "erp",
                    p.entity,
                )
            )
        for home, jobs, count, site_cc in (
            (
                "clinic_a",
                d.CLINIC_A_JOBS,
                18,
                {"RFP-MAIN": "7100", "RFP-NORTH": "7110", "RFP-CP": "7120"},
            ),
            (
                "clinic_b",
                d.CLINIC_B_JOBS,
                14,
                {"LO-LAKEWAY": "7210", "LO-GTWN": "7220", "LO-PT": "7240"},
            ),
        ):
            for _ in range(count):
                job = self.weighted(jobs, [j.weight for j in jobs])
                staff.append(
                    hire(
                        self.person(born=(1965, 2003)),
                        job.title,
                        "HS02",
                        job.cost_center,
                        job.site,
                        home,
                    )
                )
            clinicians = [p for p in self.providers if p.home == home]
            for p in rng.sample(clinicians, 12 if home == "clinic_a" else 10):
                staff.append(
                    hire(
                        replace(p.person),
                        d.PROVIDER_JOB_TITLES[p.credentials[0]],
                        "HS02",
                        site_cc[p.sites[0]],
                        p.sites[0],
                        home,
                        p.entity,
                    )
                )

        # Case: the same person in two HR systems with different employee numbers: clinic staff
        # re-hired into the ERP at the acquisition.
        for home, staff_count, clinician_count in (("clinic_a", 9, 3), ("clinic_b", 6, 2)):
            for e in rng.sample(
                [e for e in staff if e.home == home and not e.provider], staff_count
            ) + rng.sample([e for e in staff if e.home == home and e.provider], clinician_count):
                e.systems.append("erp")

        used: set[str] = set()

        def pick(count: int, cond: Callable[[_Employee], bool]) -> list[_Employee]:
            return self.pick(staff, used, count, lambda e: e.entity, cond)

        def migrated(e: _Employee) -> bool:
            return len(e.systems) == 2 and e.provider is None

        def only(system: str) -> Callable[[_Employee], bool]:
            return lambda e: e.systems == [system] and e.provider is None

        # Case: nickname in one HR system, formal given name in the other.
        for e in pick(3, migrated):
            formal = rng.choice(d.FEMALE_FORMAL if e.person.female else d.MALE_FORMAL)
            e.person.first = formal
            e.first_by_system[e.home] = rng.choice(d.NICKNAMES[formal])
        # Case: a typo in the surname in one HR system.
        for e in pick(2, migrated):
            e.last_by_system[e.home] = typo(e.person.last, rng)
        # Case: SSN one digit off between the two HR systems (a typo, same person).
        for e in pick(2, lambda e: len(e.systems) == 2):
            e.ssn_by_system[e.home] = self.ssn_typo(e.ssn)
        # Case: married name hyphenated in the ERP, maiden name in the clinic.
        for e in pick(1, migrated):
            e.person.female, e.person.first = True, rng.choice(d.FEMALE_OTHER)
            e.last_by_system["erp"] = f"{e.person.last}-{rng.choice(d.MARRIED_SURNAMES)}"

        # Case: households: same surname, different first names and birth dates.
        households = [
            pick(1, only("erp")) + pick(1, only("erp")),
            pick(1, only("erp")) + pick(1, only("clinic_a")),
            pick(1, only("erp")) + pick(1, only("clinic_b")),
        ]
        for x, y in households:
            y.person.last = x.person.last
            while y.person.first == x.person.first:
                y.person.first = self.person(y.person.female).first
            while y.person.birth == x.person.birth:
                y.person.birth = self.birth(1960, 2002)
        # The third household: Christopher and Christine, both "Chris" to colleagues.
        x, y = households[2]
        x.person.female, x.person.first = False, "Christopher"
        y.person.female, y.person.first = True, "Christine"
        # Case: a relative's SSN copied onto a form: identical SSN, two different people.
        for x, y in households[:2]:
            y.ssn_by_system[y.home] = x.ssn

        # Case: Jr and Sr in the same HR system, told apart only by suffix and birth date.
        sr, jr = pick(2, only("erp"))
        father = self.person(female=False)
        sr.person = replace(father, suffix="SR", birth=self.birth(1950, 1958))
        jr.person = replace(father, suffix="JR", birth=self.birth(1980, 1990))

        # Contractors at the orthopaedic clinic have no SSN on file.
        for e in staff:
            if e.systems == ["clinic_b"] and e.entity not in used and rng.random() < 0.15:
                e.ssn_by_system["clinic_b"] = None
        # Dangling reference 2 of 2: a home cost center clinic_b never sent.
        [e] = pick(1, only("clinic_b"))
        e.dangling_cost_center = True

        for system in ("erp", "clinic_a", "clinic_b"):
            members = [e for e in staff if system in e.systems]
            rng.shuffle(members)
            for e in members:
                self.emit_employee(system, e)
            if system == "clinic_b":
                # Reject: a birth date that does not exist.
                person = self.person()
                self.emit(
                    "clinic_b",
                    "employee",
                    self.serial("b-emp", "{:d}", (4000, 4100), 9),
                    {
                        "employee_number": "NEW-HIRE",
                        "name": f"{person.first} {person.last}",
                        "birth_date": "1975-02-30",
                        "job_title": "Medical Assistant",
                    },
                    "reject:invalid_date",
                )

    def emit_employee(self, system: str, e: _Employee) -> None:
        first = e.first_by_system.get(system, e.person.first)
        last = e.last_by_system.get(system, e.person.last)
        middle, suffix = e.person.middle, e.person.suffix
        ssn = e.ssn_by_system.get(system, e.ssn)
        erp_cc = self.key("erp", "cost_center", f"{e.legal_entity}-{e.cost_center}")
        references: dict[str, Any]
        if system == "erp":
            key = self.serial("erp-emp", "E{:06d}", (100000, 110000), 40)
            local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
            attributes: dict[str, Any] = {
                "first_name": first,
                "middle_name": middle,
                "last_name": last,
                "name_suffix": suffix,
                "birth_date": render_date(e.person.birth, "iso"),
                "hire_date": render_date(e.hire if e.home == "erp" else _ACQUIRED[e.home], "iso"),
                "work_email": self.email(local, d.EMAIL_DOMAINS["erp"]),
                "ssn": render_ssn(ssn, "dash") if ssn else None,
            }
            references = {"cost_center": erp_cc, "location": self.key("erp", "location", e.site)}
        elif system == "clinic_a":
            key = self.serial("a-emp", "RFP{:04d}", (1000, 1100), 5)
            local = re.sub(r"[^a-z]", "", f"{first[0]}{last}".lower())
            attributes = {
                "name": name_last_first(first, middle, last, suffix),
                "birth_date": render_date(e.person.birth, "us"),
                "hire_date": render_date(e.hire, "us"),
                "work_email": self.email(local, d.EMAIL_DOMAINS["clinic_a"]),
                "ssn": render_ssn(ssn, "plain") if ssn else None,
            }
            location: Any = (
                self.key("clinic_a", "location", e.site)
                if self.has("clinic_a", "location", e.site)
                else {"source": "erp", "key": self.key("erp", "location", e.site)}
            )
            references = {"cost_center": {"source": "erp", "key": erp_cc}, "location": location}
        else:
            key = self.serial("b-emp", "{:d}", (4000, 4100), 9)
            local = re.sub(r"[^a-z.]", "", f"{first}.{last}".lower())
            # "SMITH JR, JOHN" or "John Smith Jr".
            name = (
                name_last_first(first, "", last, suffix)
                if self.rng.random() < 0.5
                else f"{first} {last} {suffix.capitalize()}".strip()
            )
            attributes = {
                "name": name,
                "birth_date": render_date(e.person.birth, "iso"),
                "hire_date": render_date(e.hire, "iso"),
                "work_email": self.email(local, d.EMAIL_DOMAINS["clinic_b"]),
                "ssn": render_ssn(ssn, "space") if ssn else None,
            }
            handle = f"{e.legal_entity}-{e.cost_center}"
            cost_center: Any = (
                self.key("clinic_b", "cost_center", handle)
                if self.has("clinic_b", "cost_center", handle)
                else {"source": "erp", "key": erp_cc}
            )
            if e.dangling_cost_center:
                cost_center = _DANGLING_COST_CENTER
                self.flaw(
                    "clinic_b",
                    "employee",
                    key,
                    "dangling_reference",
                    "cost_center",
                    "cost center closed and purged in the source",
                    _DANGLING_COST_CENTER,
                )
            references = {
                "cost_center": cost_center,
                "location": self.key("clinic_b", "location", e.site),
            }
        attributes["employee_number"] = key
        attributes["job_title"] = e.job
        self.emit(system, "employee", key, attributes, e.entity, references)
