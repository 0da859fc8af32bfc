"""The seven master-data domains, each declared once. Everything else reads these declarations."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from mdm.domains.spec import AttributeSpec as A
from mdm.domains.spec import DomainSpec, Kind
from mdm.domains.spec import ReferenceSpec as R

PHONE = A("phone", Kind.PHONE, "Main phone number, stored as E.164", scheme="phone")
EMAIL = A("email", Kind.EMAIL, "Email address", scheme="email")
ADDRESS = A("address", Kind.ADDRESS, "Postal address (line1, line2, city, state, zip)")


def _person_name_parts() -> tuple[A, ...]:
    return (
        A("first_name", Kind.NAME_PART, "Given name"),
        A("middle_name", Kind.NAME_PART, "Middle name or initial"),
        A("last_name", Kind.NAME_PART, "Family name", required=True),
        A("name_suffix", Kind.SUFFIX, "Generational suffix (JR, SR, II, III)"),
    )


PROVIDER = DomainSpec(
    name="provider",
    label="Provider",
    id_prefix="PRV",
    description="A clinician (individual, NPI type 1).",
    person_name=True,
    attributes=(
        A(
            "npi",
            Kind.IDENTIFIER,
            "National Provider Identifier (type 1)",
            scheme="npi",
            strong=True,
        ),
        *_person_name_parts(),
        A("credentials", Kind.CREDENTIAL, "Credentials such as MD, DO, NP, PA-C", multi=True),
        A(
            "taxonomy_codes",
            Kind.CODE,
            "NUCC provider taxonomy codes",
            scheme="taxonomy",
            multi=True,
        ),
        A("specialty", Kind.TEXT, "Primary specialty as the source names it"),
        A("licenses", Kind.LICENSE, "State licences (state + number)", multi=True),
        A("dea_number", Kind.IDENTIFIER, "DEA registration number", scheme="dea"),
        PHONE,
        EMAIL,
        A("birth_date", Kind.DATE, "Date of birth"),
    ),
    references=(
        R("practice_locations", "location", "Locations the provider practises at", multi=True),
        R("employee", "employee", "The provider's employee record, when employed"),
    ),
    identity=(("npi",),),
)

LOCATION = DomainSpec(
    name="location",
    label="Location",
    id_prefix="LOC",
    description="A facility, clinic or department site.",
    attributes=(
        A("name", Kind.TEXT, "Location name", required=True),
        A(
            "location_type",
            Kind.ENUM,
            "Kind of site",
            choices=(
                "hospital",
                "clinic",
                "department",
                "ambulatory_surgery",
                "lab",
                "imaging",
                "pharmacy",
                "urgent_care",
                "office",
                "warehouse",
                "other",
            ),
        ),
        ADDRESS,
        PHONE,
        A("npi", Kind.IDENTIFIER, "Organisational NPI (type 2)", scheme="npi", strong=True),
        A("ccn", Kind.IDENTIFIER, "CMS Certification Number", scheme="ccn", strong=True),
        A("gln", Kind.IDENTIFIER, "GS1 Global Location Number", scheme="gln", strong=True),
        A("parent_organization", Kind.TEXT, "Name of the owning organisation"),
    ),
    references=(
        R("cost_center", "cost_center", "Cost center the location belongs to"),
        R("parent_location", "location", "Parent location (hospital of a department)"),
    ),
    identity=(("npi",), ("ccn",), ("gln",)),
)

COST_CENTER = DomainSpec(
    name="cost_center",
    label="Cost center",
    id_prefix="CC",
    description="A cost center, identified by its code within a legal entity.",
    attributes=(
        A(
            "code",
            Kind.TEXT,
            "Cost center code, unique within the legal entity",
            required=True,
            max_length=64,
        ),
        A("name", Kind.TEXT, "Cost center name", required=True),
        A(
            "legal_entity",
            Kind.TEXT,
            "Legal entity (company code) the code belongs to",
            required=True,
            max_length=64,
        ),
        A("department", Kind.TEXT, "Department"),
        A("status", Kind.ENUM, "Whether postings are allowed", choices=("active", "inactive")),
    ),
    references=(
        R("parent_cost_center", "cost_center", "Parent in the cost-center hierarchy"),
        R("location", "location", "Location the cost center serves"),
    ),
    identity=(("legal_entity", "code"),),
)

SUPPLIER = DomainSpec(
    name="supplier",
    label="Supplier",
    id_prefix="SUP",
    description="A vendor of goods or services.",
    attributes=(
        A("legal_name", Kind.TEXT, "Legal name", required=True),
        A("dba_name", Kind.TEXT, "Doing-business-as name"),
        A(
            "ein",
            Kind.IDENTIFIER,
            "Employer Identification Number (TIN)",
            scheme="ein",
            strong=True,
        ),
        A("duns", Kind.IDENTIFIER, "D-U-N-S number", scheme="duns"),
        A("uei", Kind.IDENTIFIER, "SAM Unique Entity ID", scheme="uei"),
        A("gln", Kind.IDENTIFIER, "GS1 Global Location Number", scheme="gln"),
        A("remit_to_addresses", Kind.ADDRESS, "Remit-to addresses", multi=True),
        A("order_from_addresses", Kind.ADDRESS, "Order-from addresses", multi=True),
        PHONE,
        EMAIL,
    ),
    identity=(("ein",),),
)

ITEM = DomainSpec(
    name="item",
    label="Item",
    id_prefix="ITM",
    description="A supply, device or drug-adjacent item.",
    attributes=(
        A("description", Kind.TEXT, "Item description", required=True),
        A("manufacturer", Kind.TEXT, "Manufacturer name"),
        A("manufacturer_part_number", Kind.TEXT, "Manufacturer part number", max_length=100),
        A(
            "unit_of_measure",
            Kind.ENUM,
            "Unit of measure",
            choices=("EA", "BX", "CS", "PK", "CT", "DZ", "PR", "RL", "BG", "BT", "KT", "TB", "VL"),
        ),
        A("packaging", Kind.TEXT, "Packaging string, e.g. 100/BX, 10 BX/CS", max_length=100),
        A("chargeable", Kind.BOOL, "Whether the item is billed to the patient"),
        A("hcpcs", Kind.CODE, "HCPCS / CPT code", scheme="hcpcs"),
        A(
            "gtin",
            Kind.IDENTIFIER,
            "GS1 GTIN-8/12/13/14 (stored as GTIN-14)",
            scheme="gtin",
            strong=True,
        ),
        A("udi_di", Kind.TEXT, "UDI device identifier", max_length=100),
        A("unspsc", Kind.CODE, "UNSPSC commodity code (8 digits)", scheme="unspsc"),
    ),
    references=(R("supplier", "supplier", "Supplier the item is bought from"),),
    identity=(("gtin",),),
)

PAYER = DomainSpec(
    name="payer",
    label="Payer",
    id_prefix="PAY",
    description="A health plan or payer.",
    attributes=(
        A("name", Kind.TEXT, "Payer name", required=True),
        A(
            "payer_type",
            Kind.ENUM,
            "Kind of payer",
            choices=(
                "commercial",
                "medicare",
                "medicare_advantage",
                "medicaid",
                "managed_medicaid",
                "tricare",
                "workers_comp",
                "self_pay",
                "other",
            ),
        ),
        ADDRESS,
        PHONE,
        A("payer_id", Kind.IDENTIFIER, "Clearinghouse payer ID", scheme="payer_id", strong=True),
        A("naic_code", Kind.IDENTIFIER, "NAIC company code", scheme="naic"),
    ),
    references=(R("parent_payer", "payer", "Parent payer of a plan"),),
    identity=(("payer_id",),),
)

EMPLOYEE = DomainSpec(
    name="employee",
    label="Employee",
    id_prefix="EMP",
    description="A person employed by the health system. Employee numbers are per HR system.",
    person_name=True,
    attributes=(
        A("employee_number", Kind.TEXT, "Employee number in the sending HR system", max_length=64),
        *_person_name_parts(),
        A("birth_date", Kind.DATE, "Date of birth"),
        A("job_title", Kind.TEXT, "Job title"),
        A("hire_date", Kind.DATE, "Hire date"),
        A("work_email", Kind.EMAIL, "Work email", scheme="email"),
        A("home_address", Kind.ADDRESS, "Home address (line1, line2, city, state, zip, country)"),
        A("home_phone", Kind.PHONE, "Home or mobile phone, stored as E.164", scheme="phone"),
        A("ssn", Kind.IDENTIFIER, "Social Security number", scheme="ssn", sensitive=True),
    ),
    references=(
        R("cost_center", "cost_center", "Home cost center"),
        R("location", "location", "Work location"),
    ),
    # No identity rule: employee numbers are per HR system and an SSN can be a relative's.
    identity=(),
)

DOMAINS: Mapping[str, DomainSpec] = MappingProxyType(
    {d.name: d for d in (PROVIDER, LOCATION, COST_CENTER, SUPPLIER, ITEM, PAYER, EMPLOYEE)}
)
