"""Literal tables the demo generator draws from: names, places, and the reference catalogues.

Every person, phone number and e-mail domain here is fictional. Phone numbers use the 555-01XX
lines reserved for fiction; e-mail domains use the reserved ``.example`` top-level domain.
Manufacturer names are real companies so that item descriptions read naturally, but every
identifier attached to them (GTIN, EIN, DUNS) is made up by the generator.
"""

from __future__ import annotations

from typing import NamedTuple

# --- people -----------------------------------------------------------------------------------

#: Formal given name -> the short forms one system or another uses for the same person.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will"),
    "Robert": ("Bob", "Rob"),
    "Elizabeth": ("Liz", "Beth"),
    "Katherine": ("Kate", "Kathy"),
    "James": ("Jim", "Jimmy"),
    "Margaret": ("Peggy", "Maggie"),
    "Richard": ("Dick", "Rick"),
    "Michael": ("Mike",),
    "Jennifer": ("Jenny", "Jen"),
    "Christopher": ("Chris",),
    "Thomas": ("Tom",),
    "Joseph": ("Joe",),
    "Patricia": ("Patty", "Trish"),
    "Jonathan": ("Jon",),
    "Daniel": ("Dan",),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Steven": ("Steve",),
    "Edward": ("Ted", "Ed"),
    "Rebecca": ("Becky",),
    "Susan": ("Sue",),
    "Deborah": ("Debbie",),
    "Samuel": ("Sam",),
    "Charles": ("Chuck", "Charlie"),
    "Kimberly": ("Kim",),
    "Benjamin": ("Ben",),
    "Andrew": ("Andy", "Drew"),
    "Nicholas": ("Nick",),
    "Timothy": ("Tim",),
    "Gregory": ("Greg",),
    "Cynthia": ("Cindy",),
    "Pamela": ("Pam",),
    "Victoria": ("Vicky", "Tori"),
    "Alexander": ("Alex",),
    "Francisco": ("Frank", "Paco"),
}

FEMALE_FORMAL = (
    "Elizabeth", "Katherine", "Margaret", "Jennifer", "Patricia", "Rebecca", "Susan", "Deborah",
    "Kimberly", "Cynthia", "Pamela", "Victoria",
)
MALE_FORMAL = (
    "William", "Robert", "James", "Richard", "Michael", "Christopher", "Thomas", "Joseph",
    "Jonathan", "Daniel", "Matthew", "Anthony", "Steven", "Edward", "Samuel", "Charles",
    "Benjamin", "Andrew", "Nicholas", "Timothy", "Gregory", "Alexander", "Francisco",
)
FEMALE_OTHER = (
    "Maria", "Priya", "Aisha", "Olivia", "Emily", "Sarah", "Laura", "Angela", "Rosa", "Carmen",
    "Ana", "Lucia", "Sofia", "Hannah", "Grace", "Mei", "Linh", "Fatima", "Nadia", "Amanda",
    "Megan", "Rachel", "Lauren", "Heather", "Melissa", "Nicole", "Erin", "Kelly", "Diane",
    "Janet", "Gloria", "Teresa", "Monica", "Veronica", "Yolanda", "Keisha", "Latoya", "Denise",
    "Brenda", "Tamara", "Julia", "Claire", "Naomi", "Ingrid", "Leticia", "Guadalupe",
)
MALE_OTHER = (
    "David", "John", "Luis", "Carlos", "Juan", "Diego", "Miguel", "Ethan", "Noah", "Kevin",
    "Brian", "Jason", "Eric", "Ryan", "Adam", "Jared", "Tyler", "Brandon", "Marcus", "Darnell",
    "Andre", "Ravi", "Arjun", "Tuan", "Hiroshi", "Omar", "Paul", "Mark", "George", "Scott",
    "Raymond", "Victor", "Hector", "Jorge", "Raul", "Kwame", "Samir", "Wei", "Minh", "Dennis",
)
#: Middle names; most systems send only the initial.
MIDDLE_NAMES = (
    "Ann", "Marie", "Lynn", "Grace", "Rose", "Jean", "Louise", "Elena", "Kay", "Renee",
    "Alan", "Lee", "Wayne", "Ray", "James", "Edward", "Joseph", "Allen", "Dean", "Scott",
    "Paul", "Andres", "Luis", "Thomas", "Michael", "Nicole", "Beth", "Hope", "Quinn", "Dale",
)
SURNAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans",
    "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris",
    "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson",
    "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson",
    "Brooks", "Chavez", "Wood", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price",
    "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
    "Tran", "Pham", "Shah", "Chen", "Wang", "Okafor", "Adeyemi", "O'Brien", "McAllister",
    "DeLeon", "Vasquez", "Schmidt", "Novak", "Lindqvist", "Kowalski", "Haddad", "Nakamura",
)
#: Surnames a woman might take on marriage (the maiden -> married name-change case).
MARRIED_SURNAMES = (
    "Whitaker", "Callahan", "Brennan", "Holloway", "Fitzgerald", "Delgado", "Sorensen", "Abbott",
)
#: Common name pairs used for the same-city namesake case.
COMMON_NAMES = (
    ("John", "Smith"), ("Maria", "Garcia"), ("Michael", "Nguyen"), ("David", "Lee"),
    ("Jennifer", "Martinez"), ("James", "Johnson"), ("Sarah", "Miller"), ("Jose", "Hernandez"),
    ("Robert", "Brown"), ("Linh", "Tran"),
)

# --- places -----------------------------------------------------------------------------------


class City(NamedTuple):
    name: str
    zips: tuple[str, ...]
    area_code: str


CITIES: dict[str, City] = {
    c.name: c
    for c in (
        City("Austin", ("78701", "78702", "78704", "78705", "78731", "78745", "78751", "78756",
                        "78757", "78758", "78759"), "512"),
        City("Round Rock", ("78664", "78665", "78681"), "512"),
        City("Pflugerville", ("78660",), "512"),
        City("Cedar Park", ("78613",), "512"),
        City("Georgetown", ("78626", "78628", "78633"), "512"),
        City("Lakeway", ("78734", "78738"), "512"),
        City("Leander", ("78641",), "512"),
        City("Kyle", ("78640",), "512"),
        City("San Marcos", ("78666",), "512"),
        City("Bastrop", ("78602",), "512"),
        City("Temple", ("76502", "76504"), "254"),
        City("Dallas", ("75201", "75266", "75284"), "214"),
        City("Houston", ("77002", "77210"), "713"),
        City("San Antonio", ("78205", "78265"), "210"),
        City("Irving", ("75039",), "972"),
    )
}

#: Out-of-state cities for national distributors: (city, state, zip5, area code).
OUT_OF_STATE = (
    ("Northfield", "IL", "60093", "847"),
    ("Dublin", "OH", "43017", "614"),
    ("Mechanicsville", "VA", "23116", "804"),
    ("Melville", "NY", "11747", "631"),
    ("Atlanta", "GA", "30353", "404"),
    ("Chicago", "IL", "60693", "312"),
    ("Pittsburgh", "PA", "15264", "412"),
)

STATE_NAMES = {
    "TX": "Texas", "IL": "Illinois", "OH": "Ohio", "VA": "Virginia", "NY": "New York",
    "GA": "Georgia", "PA": "Pennsylvania", "OK": "Oklahoma", "LA": "Louisiana",
    "NM": "New Mexico",
}

#: Street names with their usual type; the type is abbreviated by USPS-style systems.
STREETS = (
    ("Lamar", "Boulevard"), ("Congress", "Avenue"), ("Riverside", "Drive"), ("Main", "Street"),
    ("Oak", "Street"), ("Cedar", "Lane"), ("Mesa", "Drive"), ("Parmer", "Lane"),
    ("Research", "Boulevard"), ("Williams", "Drive"), ("University", "Boulevard"),
    ("Palm Valley", "Boulevard"), ("Lakeway", "Drive"), ("Pecan", "Street"),
    ("Bluebonnet", "Trail"), ("Hill Country", "Parkway"), ("Medical", "Parkway"),
    ("Red River", "Street"), ("Brushy Creek", "Road"), ("Ranch", "Road"),
    ("Whitestone", "Boulevard"), ("Wonder World", "Drive"), ("Industrial", "Boulevard"),
    ("Commerce", "Circle"), ("Mockingbird", "Lane"), ("Live Oak", "Court"), ("Sunset", "Way"),
    ("Shoal Creek", "Boulevard"),
)
STREET_TYPE_ABBREVIATIONS = {
    "Street": "ST", "Avenue": "AVE", "Boulevard": "BLVD", "Drive": "DR", "Lane": "LN",
    "Road": "RD", "Parkway": "PKWY", "Trail": "TRL", "Circle": "CIR", "Court": "CT", "Way": "WAY",
}
DIRECTIONS = {"North": "N", "South": "S", "East": "E", "West": "W"}
UNIT_ABBREVIATIONS = {"Suite": "STE", "Building": "BLDG", "Floor": "FL", "Unit": "UNIT"}

# --- health system ----------------------------------------------------------------------------

SYSTEM_NAME = "Hill Country Health System"
PHYSICIAN_GROUP = "Hill Country Physician Group"
EMAIL_DOMAINS = {
    "erp": "hillcountryhealth.example",
    "clinic_a": "riversidefp.example",
    "clinic_b": "lakesideortho.example",
}


class CostCenterRow(NamedTuple):
    legal_entity: str
    code: str
    name: str
    department: str
    parent: str | None  # parent code in the same legal entity
    active: bool = True


#: The ERP's cost-center hierarchy for the two legal entities. HS01 is the hospital company,
#: HS02 the physician group that owns the acquired clinics.
COST_CENTERS = (
    CostCenterRow("HS01", "1000", "Administration", "Administration", None),
    CostCenterRow("HS01", "1100", "Finance", "Administration", "1000"),
    CostCenterRow("HS01", "1200", "Human Resources", "Administration", "1000"),
    CostCenterRow("HS01", "1300", "Information Technology", "Administration", "1000"),
    CostCenterRow("HS01", "1400", "Supply Chain", "Administration", "1000"),
    CostCenterRow("HS01", "2000", "Nursing Services", "Nursing", None),
    CostCenterRow("HS01", "2100", "Medical/Surgical Unit", "Nursing", "2000"),
    CostCenterRow("HS01", "2200", "Intensive Care Unit", "Nursing", "2000"),
    CostCenterRow("HS01", "2300", "Emergency Department", "Nursing", "2000"),
    CostCenterRow("HS01", "2400", "Labor & Delivery", "Nursing", "2000"),
    CostCenterRow("HS01", "3000", "Ancillary Services", "Ancillary", None),
    CostCenterRow("HS01", "3100", "Laboratory", "Ancillary", "3000"),
    CostCenterRow("HS01", "3200", "Radiology", "Ancillary", "3000"),
    CostCenterRow("HS01", "3300", "Pharmacy", "Ancillary", "3000"),
    CostCenterRow("HS01", "3400", "Surgical Services", "Ancillary", "3000"),
    CostCenterRow("HS01", "3500", "Rehabilitation Services", "Ancillary", "3000"),
    CostCenterRow("HS01", "4000", "Support Services", "Support", None),
    CostCenterRow("HS01", "4100", "Environmental Services", "Support", "4000"),
    CostCenterRow("HS01", "4150", "Patient Transport", "Support", "4000", active=False),
    CostCenterRow("HS01", "4200", "Food & Nutrition", "Support", "4000"),
    CostCenterRow("HS01", "4300", "Facilities", "Support", "4000"),
    # Same code as HS01's Administration, different legal entity: a different cost center.
    CostCenterRow("HS02", "1000", "Physician Group Administration", "Administration", None),
    CostCenterRow("HS02", "7000", "Primary Care", "Primary Care", None),
    CostCenterRow("HS02", "7100", "Riverside Family Practice - Main", "Primary Care", "7000"),
    CostCenterRow("HS02", "7110", "Riverside Family Practice - North", "Primary Care", "7000"),
    CostCenterRow("HS02", "7120", "Riverside Family Practice - Cedar Park", "Primary Care", "7000"),
    CostCenterRow("HS02", "7130", "Riverside Family Practice - Bastrop", "Primary Care", "7000",
                  active=False),
    CostCenterRow("HS02", "7200", "Orthopedics", "Orthopedics", None),
    CostCenterRow("HS02", "7210", "Lakeside Orthopedics - Lakeway", "Orthopedics", "7200"),
    CostCenterRow("HS02", "7220", "Lakeside Orthopedics - Georgetown", "Orthopedics", "7200"),
    CostCenterRow("HS02", "7230", "Lakeside Surgery Center", "Orthopedics", "7200"),
    CostCenterRow("HS02", "7240", "Lakeside Physical Therapy", "Orthopedics", "7200"),
    CostCenterRow("HS02", "7300", "Urgent Care", "Urgent Care", None),
    CostCenterRow("HS02", "7310", "Urgent Care - Round Rock", "Urgent Care", "7300"),
    CostCenterRow("HS02", "7320", "Urgent Care - Kyle", "Urgent Care", "7300"),
    CostCenterRow("HS02", "7900", "Practice Billing Office", "Revenue Cycle", "1000"),
)


class SiteRow(NamedTuple):
    code: str            # internal handle, used to wire parents, rosters and systems together
    name: str
    billing_name: str    # how the billing system spells it
    location_type: str
    city: str
    parent: str | None   # parent site code
    cost_center: tuple[str, str]  # (legal entity, code)
    npi: bool            # has its own type-2 NPI
    ccn: bool            # CMS-certified hospital
    gln: bool


#: About 25 real-world sites. Departments refer to their hospital as the parent location.
SITES = (
    SiteRow("HCMC", "Hill Country Medical Center", "HILL COUNTRY MED CTR", "hospital", "Austin",
            None, ("HS01", "1000"), True, True, True),
    SiteRow("HCMC-ED", "HCMC Emergency Department", "HCMC EMERGENCY DEPT", "department",
            "Austin", "HCMC", ("HS01", "2300"), False, False, False),
    SiteRow("HCMC-LAB", "HCMC Laboratory", "HCMC LAB", "lab", "Austin", "HCMC",
            ("HS01", "3100"), True, False, False),
    SiteRow("HCMC-IMG", "HCMC Imaging Center", "HCMC IMAGING", "imaging", "Austin", "HCMC",
            ("HS01", "3200"), True, False, False),
    SiteRow("HCMC-RX", "HCMC Inpatient Pharmacy", "HCMC INPT PHARMACY", "pharmacy", "Austin",
            "HCMC", ("HS01", "3300"), False, False, False),
    SiteRow("HCMC-OR", "HCMC Surgical Services", "HCMC SURGERY", "department", "Austin",
            "HCMC", ("HS01", "3400"), False, False, False),
    SiteRow("HCMC-LD", "HCMC Labor & Delivery", "HCMC L&D", "department", "Austin", "HCMC",
            ("HS01", "2400"), False, False, False),
    SiteRow("HCMC-REHAB", "HCMC Rehabilitation", "HCMC REHAB SVCS", "department", "Austin",
            "HCMC", ("HS01", "3500"), False, False, False),
    SiteRow("HCRR", "Hill Country Medical Center - Round Rock", "HILL COUNTRY MC ROUND ROCK",
            "hospital", "Round Rock", None, ("HS01", "1000"), True, True, True),
    SiteRow("HCRR-ED", "HCMC Round Rock Emergency Department", "HCMC RR EMERGENCY",
            "department", "Round Rock", "HCRR", ("HS01", "2300"), False, False, False),
    SiteRow("RFP-MAIN", "Riverside Family Practice - Main", "RIVERSIDE FAMILY PRACTICE",
            "clinic", "Austin", None, ("HS02", "7100"), True, False, False),
    SiteRow("RFP-NORTH", "Riverside Family Practice - North", "RIVERSIDE FP NORTH", "clinic",
            "Pflugerville", None, ("HS02", "7110"), True, False, False),
    SiteRow("RFP-CP", "Riverside Family Practice - Cedar Park", "RIVERSIDE FP CEDAR PARK",
            "clinic", "Cedar Park", None, ("HS02", "7120"), False, False, False),
    SiteRow("LO-LAKEWAY", "Lakeside Orthopedics - Lakeway", "LAKESIDE ORTHOPEDICS", "clinic",
            "Lakeway", None, ("HS02", "7210"), True, False, False),
    SiteRow("LO-GTWN", "Lakeside Orthopedics - Georgetown", "LAKESIDE ORTHO GEORGETOWN",
            "clinic", "Georgetown", None, ("HS02", "7220"), True, False, False),
    SiteRow("LO-ASC", "Lakeside Surgery Center", "LAKESIDE SURGERY CTR", "ambulatory_surgery",
            "Lakeway", None, ("HS02", "7230"), True, False, True),
    SiteRow("LO-PT", "Lakeside Physical Therapy", "LAKESIDE PT", "clinic", "Lakeway",
            "LO-LAKEWAY", ("HS02", "7240"), False, False, False),
    SiteRow("UC-RR", "Hill Country Urgent Care - Round Rock", "HC URGENT CARE ROUND ROCK",
            "urgent_care", "Round Rock", None, ("HS02", "7310"), True, False, False),
    SiteRow("UC-KYLE", "Hill Country Urgent Care - Kyle", "HC URGENT CARE KYLE", "urgent_care",
            "Kyle", None, ("HS02", "7320"), True, False, False),
    SiteRow("LAB-GTWN", "HCMC Outpatient Lab - Georgetown", "HCMC OP LAB GEORGETOWN", "lab",
            "Georgetown", None, ("HS01", "3100"), True, False, False),
    SiteRow("IMG-CP", "Hill Country Imaging - Cedar Park", "HC IMAGING CEDAR PARK", "imaging",
            "Cedar Park", None, ("HS01", "3200"), True, False, False),
    SiteRow("RX-RETAIL", "HCMC Outpatient Pharmacy", "HCMC OUTPT PHARMACY", "pharmacy",
            "Austin", None, ("HS01", "3300"), True, False, False),
    SiteRow("DC", "Central Distribution Center", "CENTRAL DISTRIBUTION", "warehouse",
            "Round Rock", None, ("HS01", "1400"), False, False, True),
    SiteRow("CORP", "Corporate Office", "CORPORATE OFFICE", "office", "Austin", None,
            ("HS01", "1000"), False, False, False),
    SiteRow("PBO", "Practice Billing Office", "PRACTICE BILLING OFFICE", "office", "Austin",
            None, ("HS02", "7900"), False, False, False),
)

# --- providers --------------------------------------------------------------------------------


class Specialty(NamedTuple):
    name: str
    short: str              # how the acquired clinics abbreviate it
    taxonomy: str           # NUCC taxonomy code
    credentials: tuple[tuple[str, ...], ...]  # credential sets to choose from
    weight: int


CLINIC_A_SPECIALTIES = (
    Specialty("Family Medicine", "FAMILY MED", "207Q00000X", (("MD",), ("DO",)), 10),
    Specialty("Internal Medicine", "INT MED", "207R00000X", (("MD",), ("DO",)), 5),
    Specialty("Pediatrics", "PEDS", "208000000X", (("MD",),), 4),
    Specialty("Obstetrics & Gynecology", "OB/GYN", "207V00000X", (("MD", "FACOG"),), 2),
    Specialty("Nurse Practitioner - Family", "FNP", "363LF0000X", (("NP",), ("APRN", "FNP-C")), 5),
    Specialty("Physician Assistant", "PA", "363A00000X", (("PA-C",),), 4),
)
CLINIC_B_SPECIALTIES = (
    Specialty("Orthopaedic Surgery", "ORTHO", "207X00000X", (("MD",), ("MD", "FACS")), 7),
    Specialty("Orthopaedic Sports Medicine", "SPORTS MED", "207XX0801X", (("MD",), ("DO",)), 3),
    Specialty("Hand Surgery", "HAND", "207XS0106X", (("MD",),), 2),
    Specialty("Orthopaedic Spine Surgery", "SPINE", "207XS0117X", (("MD", "FACS"),), 2),
    Specialty("Foot and Ankle Surgery", "FOOT/ANKLE", "207XX0004X", (("DO",), ("MD",)), 2),
    Specialty("Physician Assistant", "PA", "363A00000X", (("PA-C",),), 4),
    Specialty("Physical Therapist", "PT", "225100000X", (("DPT",), ("PT",)), 3),
    Specialty("Physical Medicine & Rehabilitation", "PM&R", "208100000X", (("MD",), ("DO",)), 1),
)
HOSPITAL_SPECIALTIES = (
    Specialty("Hospitalist", "HOSP", "208M00001X", (("MD",), ("DO",)), 6),
    Specialty("Emergency Medicine", "EM", "207P00000X", (("MD",), ("DO",)), 6),
    Specialty("Diagnostic Radiology", "RAD", "2085R0202X", (("MD",),), 3),
    Specialty("Anesthesiology", "ANES", "207L00000X", (("MD",), ("DO",)), 3),
    Specialty("General Surgery", "SURG", "208600000X", (("MD", "FACS"),), 3),
    Specialty("Cardiovascular Disease", "CARDS", "207RC0000X", (("MD",),), 2),
    Specialty("Nurse Anesthetist", "CRNA", "367500000X", (("CRNA",),), 2),
    Specialty("Neurology", "NEURO", "2084N0400X", (("MD",),), 1),
)

#: How each canonical credential may be spelled by a source.
CREDENTIAL_SPELLINGS: dict[str, tuple[str, ...]] = {
    "MD": ("MD", "M.D."),
    "DO": ("DO", "D.O."),
    "PA-C": ("PA-C", "P.A.", "PA"),
    "NP": ("NP", "N.P."),
    "APRN": ("APRN",),
    "FNP-C": ("FNP-C", "FNP"),
    "DPT": ("DPT", "D.P.T."),
    "PT": ("PT", "P.T."),
    "FACS": ("FACS", "F.A.C.S."),
    "FACOG": ("FACOG",),
    "CRNA": ("CRNA",),
}
#: Credentials that prescribe controlled substances, so carry a DEA number; mid-levels get "M".
DEA_PRACTITIONER = frozenset({"MD", "DO"})
DEA_MIDLEVEL = frozenset({"NP", "PA-C", "APRN", "CRNA"})
#: States where some providers hold a second licence.
NEIGHBOUR_STATES = ("OK", "LA", "NM")

# --- employees --------------------------------------------------------------------------------


class Job(NamedTuple):
    title: str
    cost_center: str   # code in the employing legal entity
    site: str          # site code
    weight: int


HOSPITAL_JOBS = (
    Job("Registered Nurse", "2100", "HCMC", 12),
    Job("Registered Nurse - ICU", "2200", "HCMC", 5),
    Job("Registered Nurse - ED", "2300", "HCMC-ED", 5),
    Job("Registered Nurse - L&D", "2400", "HCMC-LD", 3),
    Job("Patient Care Technician", "2100", "HCMC", 6),
    Job("Unit Secretary", "2100", "HCMC", 2),
    Job("Nurse Manager", "2000", "HCMC", 2),
    Job("Medical Laboratory Scientist", "3100", "HCMC-LAB", 3),
    Job("Radiologic Technologist", "3200", "HCMC-IMG", 3),
    Job("Pharmacist", "3300", "HCMC-RX", 2),
    Job("Pharmacy Technician", "3300", "HCMC-RX", 2),
    Job("Surgical Technologist", "3400", "HCMC-OR", 3),
    Job("Physical Therapist", "3500", "HCMC-REHAB", 2),
    Job("Respiratory Therapist", "2200", "HCMC", 2),
    Job("Environmental Services Aide", "4100", "HCMC", 4),
    Job("Cook", "4200", "HCMC", 2),
    Job("Facilities Technician", "4300", "HCMC", 2),
    Job("Financial Analyst", "1100", "CORP", 2),
    Job("Payroll Specialist", "1100", "CORP", 1),
    Job("HR Generalist", "1200", "CORP", 2),
    Job("Systems Analyst", "1300", "CORP", 2),
    Job("Buyer", "1400", "DC", 2),
    Job("Supply Chain Technician", "1400", "DC", 3),
    Job("Registered Nurse", "2300", "HCRR-ED", 3),
    Job("Case Manager", "2100", "HCRR", 2),
)
CLINIC_A_JOBS = (
    Job("Medical Assistant", "7100", "RFP-MAIN", 6),
    Job("Licensed Vocational Nurse", "7100", "RFP-MAIN", 3),
    Job("Front Desk Receptionist", "7100", "RFP-MAIN", 3),
    Job("Medical Assistant", "7110", "RFP-NORTH", 3),
    Job("Medical Assistant", "7120", "RFP-CP", 2),
    Job("Practice Manager", "7100", "RFP-MAIN", 1),
    Job("Referral Coordinator", "7100", "RFP-MAIN", 1),
    Job("Billing Specialist", "7900", "PBO", 2),
)
CLINIC_B_JOBS = (
    Job("Medical Assistant", "7210", "LO-LAKEWAY", 4),
    Job("Radiologic Technologist", "7210", "LO-LAKEWAY", 2),
    Job("Surgical Technologist", "7230", "LO-ASC", 2),
    Job("Athletic Trainer", "7240", "LO-PT", 2),
    Job("Physical Therapist Assistant", "7240", "LO-PT", 2),
    Job("Scheduler", "7220", "LO-GTWN", 2),
    Job("Practice Administrator", "7200", "LO-LAKEWAY", 1),
    Job("Medical Assistant", "7220", "LO-GTWN", 2),
)
PROVIDER_JOB_TITLES = {"MD": "Physician", "DO": "Physician", "NP": "Nurse Practitioner",
                       "APRN": "Nurse Practitioner", "PA-C": "Physician Assistant",
                       "DPT": "Physical Therapist", "PT": "Physical Therapist",
                       "CRNA": "Nurse Anesthetist"}

# --- suppliers --------------------------------------------------------------------------------


class SupplierRow(NamedTuple):
    code: str          # internal handle
    legal_name: str
    short_name: str    # how the supply system keys it in
    dba_name: str | None
    city: str          # a CITIES key, or an OUT_OF_STATE city
    erp: bool          # sent by the ERP
    supply: bool       # sent by the supply-chain system


SUPPLIERS = (
    SupplierRow("ACME", "Acme Medical Supply, Inc.", "ACME MED SUPPLY INC", "Acme Surgical Direct",
                "Austin", True, True),
    SupplierRow("MEDLINE", "Medline Industries, LP", "MEDLINE INDUSTRIES LP", None, "Northfield",
                True, True),
    SupplierRow("CARDINAL", "Cardinal Health 200, LLC", "CARDINAL HEALTH", None, "Dublin", True,
                True),
    SupplierRow("OWENS", "Owens & Minor Distribution, Inc.", "OWENS AND MINOR DIST", None,
                "Mechanicsville", True, True),
    SupplierRow("MCKESSON", "McKesson Medical-Surgical Inc.", "MCKESSON MED-SURG", None,
                "Irving", True, True),
    SupplierRow("SCHEIN", "Henry Schein, Inc.", "HENRY SCHEIN INC", None, "Melville", True, True),
    SupplierRow("LONESTAR", "Lone Star Surgical Distributors, LLC", "LONE STAR SURGICAL DIST",
                None, "Round Rock", True, True),
    SupplierRow("BLUEBONNET", "Bluebonnet Orthopedic Supply Co.", "BLUEBONNET ORTHO SUPPLY", None,
                "Georgetown", True, True),
    SupplierRow("TOS", "Texas Orthotic Solutions, LLC", "TEXAS ORTHOTIC SOLUTIONS",
                "TOS Bracing", "San Antonio", True, True),
    # Two different companies with nearly the same name: different EINs, never merge them.
    SupplierRow("PREMIER-S", "Premier Surgical Supply, Inc.", "PREMIER SURGICAL SUPPLY", None,
                "Houston", True, True),
    SupplierRow("PREMIER-M", "Premier Medical Supply, LLC", "PREMIER MEDICAL SUPPLY", None,
                "Dallas", True, True),
    SupplierRow("CAPBIO", "Capital City Biomedical, LLC", "CAPITAL CITY BIOMED", None, "Austin",
                True, True),
    SupplierRow("GULF", "Gulf Coast Sterilization, Inc.", "GULF COAST STERILIZATION", None,
                "Houston", True, True),
    SupplierRow("MESA", "Mesa Diagnostics, LLC", "MESA DIAGNOSTICS", None, "Temple", True, True),
    SupplierRow("CENTEX", "Central Texas Medical Gases, Inc.", "CENTRAL TX MED GASES",
                "CenTex Oxygen", "Temple", True, True),
    SupplierRow("TRINITY", "Trinity Lab Supply, Inc.", "TRINITY LAB SUPPLY", None, "Dallas",
                True, True),
    SupplierRow("STERLING", "Sterling Surgical Instruments, Inc.", "STERLING SURGICAL INSTR",
                None, "San Antonio", True, True),
    SupplierRow("CAPROCK", "Caprock Imaging Supplies, LLC", "CAPROCK IMAGING", None, "Dallas",
                True, False),
    SupplierRow("LINEN", "Hill Country Linen Services, Inc.", "HILL COUNTRY LINEN", "HC Linen",
                "Austin", True, False),
    SupplierRow("PECAN", "Pecan Street Office Products, Inc.", "PECAN STREET OFFICE", None,
                "Austin", True, False),
    SupplierRow("BRAZOS", "Brazos Valley Janitorial Supply Co.", "BRAZOS VALLEY JANITORIAL",
                None, "Temple", True, False),
    SupplierRow("FRONTIER", "Frontier Food Service, Inc.", "FRONTIER FOOD SERVICE", None,
                "San Antonio", True, False),
    SupplierRow("GUADALUPE", "Guadalupe Pharmacy Services, LLC", "GUADALUPE PHARMACY SVCS",
                None, "San Marcos", False, True),
    SupplierRow("REDRIVER", "Red River Biologics, Inc.", "RED RIVER BIOLOGICS", None,
                "Austin", False, True),
    SupplierRow("BALCONES", "Balcones Bracing & Casting Co.", "BALCONES BRACING AND CASTING",
                None, "Leander", True, True),
)

# --- items ------------------------------------------------------------------------------------

#: Manufacturer spellings: (full legal name, ERP short form, another variant).
MANUFACTURERS: dict[str, tuple[str, str, str]] = {
    "MEDLINE": ("Medline Industries, Inc.", "MEDLINE", "Medline Industries LP"),
    "CARDINAL": ("Cardinal Health, Inc.", "CARDINAL HEALTH", "Cardinal"),
    "BD": ("Becton, Dickinson and Company", "BD", "BECTON DICKINSON"),
    "3M": ("3M Company", "3M", "3M Health Care"),
    "HALYARD": ("Halyard Health, Inc.", "HALYARD", "O&M Halyard"),
    "COVIDIEN": ("Covidien LP", "COVIDIEN", "Medtronic (Covidien)"),
    "SN": ("Smith & Nephew, Inc.", "SMITH NEPHEW", "S&N"),
    "DEROYAL": ("DeRoyal Industries, Inc.", "DEROYAL", "De Royal"),
    "ANSELL": ("Ansell Healthcare Products LLC", "ANSELL", "Ansell"),
    "DJO": ("DJO, LLC", "DJO GLOBAL", "DonJoy (DJO)"),
    "MCKESSON": ("McKesson Medical-Surgical Inc.", "MCKESSON", "McKesson"),
    "DYNAREX": ("Dynarex Corporation", "DYNAREX", "Dynarex Corp."),
}


class Level(NamedTuple):
    unit_of_measure: str   # catalog choice
    per: int               # how many of the level below it holds (1 for the base level)
    erp_packaging: str
    supply_packaging: str


class Product(NamedTuple):
    erp_description: str
    supply_description: str
    manufacturer: str      # MANUFACTURERS key
    part_number: str
    unspsc: str
    hcpcs: str | None
    chargeable: bool
    device: bool           # carries a UDI-DI
    distributors: tuple[str, ...]  # SUPPLIERS codes it is bought from
    levels: tuple[Level, ...]  # packaging levels, smallest first: each is a different item


def _box_case(per_box: int, boxes: int, noun: str = "BX") -> tuple[Level, ...]:
    box_word = {"BX": "box", "PK": "pack", "RL": "roll", "BT": "bottle", "TB": "tub"}[noun]
    return (
        Level(noun, per_box, f"{per_box}/{noun}", f"{box_word.capitalize()} of {per_box}"),
        Level("CS", boxes, f"{boxes} {noun}/CS", f"Case of {boxes} {box_word}es"
              if box_word == "box" else f"Case of {boxes} {box_word}s"),
    )


_EACH = (Level("EA", 1, "1/EA", "Each"),)


def _each_box(per_box: int) -> tuple[Level, ...]:
    return (Level("EA", 1, "1/EA", "Each"),
            Level("BX", per_box, f"{per_box}/BX", f"Box of {per_box}"))


PRODUCTS = (
    Product("GLOVE EXAM NITRILE SM PF", "Nitrile exam gloves, small, powder-free", "MEDLINE",
            "MDS195084", "42132203", "A4927", False, False, ("MEDLINE", "ACME"),
            _box_case(100, 10)),
    Product("GLOVE EXAM NITRILE MED PF", "Nitrile exam gloves, medium, powder-free", "MEDLINE",
            "MDS195085", "42132203", "A4927", False, False, ("MEDLINE", "ACME"),
            _box_case(100, 10)),
    Product("GLOVE EXAM NITRILE LG PF", "Nitrile exam gloves, large, powder-free", "MEDLINE",
            "MDS195086", "42132203", "A4927", False, False, ("MEDLINE", "ACME"),
            _box_case(100, 10)),
    Product("GLOVE EXAM NITRILE XL PF", "Nitrile exam gloves, extra large, powder-free",
            "MEDLINE", "MDS195087", "42132203", "A4927", False, False, ("MEDLINE", "ACME"),
            _box_case(90, 10)),
    Product("GLOVE SURG STRL LTX FREE SZ 7", "Surgical gloves, sterile, latex-free, size 7",
            "ANSELL", "20685970", "42132205", "A4930", True, False, ("OWENS", "LONESTAR"),
            (Level("PR", 1, "1/PR", "Pair"), Level("BX", 50, "50 PR/BX", "Box of 50 pairs"))),
    Product("GLOVE SURG STRL LTX FREE SZ 7.5", "Surgical gloves, sterile, latex-free, size 7.5",
            "ANSELL", "20685975", "42132205", "A4930", True, False, ("OWENS", "LONESTAR"),
            (Level("PR", 1, "1/PR", "Pair"), Level("BX", 50, "50 PR/BX", "Box of 50 pairs"))),
    Product("SYRINGE 3ML LUER LOCK", "Syringe, 3 mL, Luer-Lok tip, sterile", "BD", "309657",
            "42142609", "A4206", True, True, ("CARDINAL", "MCKESSON"), _box_case(100, 8)),
    Product("SYRINGE 10ML LUER LOCK", "Syringe, 10 mL, Luer-Lok tip, sterile", "BD", "302995",
            "42142609", None, True, True, ("CARDINAL", "MCKESSON"), _box_case(100, 4)),
    Product("NEEDLE HYPO 25G X 1IN", "Hypodermic needle, 25 gauge x 1 inch", "BD", "305125",
            "42142523", "A4215", True, True, ("CARDINAL", "MCKESSON"), _box_case(100, 10)),
    Product("NEEDLE SAFETY 22G X 1.5IN", "Safety hypodermic needle, 22G x 1-1/2 in", "BD",
            "305783", "42142523", "A4215", True, True, ("CARDINAL",), _box_case(50, 10)),
    Product("SPONGE GAUZE 4X4 12PLY STRL", "Gauze sponge, 4 x 4 in, 12-ply, sterile",
            "MEDLINE", "PRM21412", "42311512", "A6402", True, False, ("MEDLINE", "ACME"),
            (Level("PK", 2, "2/PK", "Pack of 2"), Level("BX", 25, "25 PK/BX", "Box of 25 packs"),
             Level("CS", 24, "24 BX/CS", "Case of 24 boxes"))),
    Product("SPONGE GAUZE 2X2 8PLY NS", "Gauze sponge, 2 x 2 in, 8-ply, non-sterile",
            "DYNAREX", "3242", "42311512", "A6216", False, False, ("ACME", "MCKESSON"),
            _box_case(200, 40, "PK")),
    Product("PAD PREP ALCOHOL MED", "Alcohol prep pads, medium, sterile", "COVIDIEN", "6818",
            "42141501", "A4245", False, False, ("CARDINAL", "MEDLINE"), _box_case(200, 20)),
    Product("PAPER EXAM TABLE 18IN CREPE", "Exam table paper, crepe, 18 in x 125 ft",
            "MEDLINE", "NON23326", "42191811", None, False, False, ("MEDLINE", "PECAN"),
            (Level("RL", 1, "1/RL", "Roll"), Level("CS", 12, "12 RL/CS", "Case of 12 rolls"))),
    Product("MASK PROCEDURE EARLOOP BLUE", "Procedure face mask, ear loops, blue", "HALYARD",
            "47107", "42131713", None, False, False, ("OWENS", "ACME"), _box_case(50, 10)),
    Product("MASK SURGICAL TIE-ON", "Surgical mask with ties, fluid-resistant", "HALYARD",
            "48201", "42131713", None, False, False, ("OWENS",), _box_case(50, 6)),
    Product("IMMOBILIZER KNEE UNIV 20IN", "Knee immobilizer, universal, 20 inch", "DJO",
            "11-0466", "42241704", "L1830", True, True, ("BLUEBONNET", "TOS"), _EACH),
    Product("BRACE WRIST RT M", "Wrist brace, right, medium", "DJO", "79-87215", "42241705",
            "L3908", True, True, ("BLUEBONNET", "TOS"), _EACH),
    Product("BRACE WRIST LT M", "Wrist brace, left, medium", "DJO", "79-87225", "42241705",
            "L3908", True, True, ("BLUEBONNET", "TOS"), _EACH),
    Product("WALKER BOOT PNEUMATIC TALL LG", "Pneumatic walking boot, tall, large", "DJO",
            "79-95465", "42241707", "L4361", True, True, ("BLUEBONNET", "TOS", "BALCONES"), _EACH),
    Product("SPLINT FINGER ALUM FOAM", "Finger splint, aluminum with foam", "DEROYAL",
            "9106-2", "42241502", "Q4049", True, False, ("BALCONES", "BLUEBONNET"),
            _each_box(12)),
    Product("SLING ARM UNIV", "Arm sling, universal", "DEROYAL", "8002-04", "42241507", "A4565",
            True, False, ("BALCONES", "BLUEBONNET"), _each_box(12)),
    Product("PADDING CAST 4IN SYN", "Cast padding, synthetic, 4 in", "3M", "CMW04", "42241603",
            None, False, False, ("BALCONES", "LONESTAR"),
            (Level("RL", 1, "1/RL", "Roll"), Level("BG", 12, "12 RL/BG", "Bag of 12 rolls"))),
    Product("TAPE CASTING FIBERGLASS 3IN", "Fiberglass casting tape, 3 in x 4 yd", "3M", "82003",
            "42241603", "A4590", True, False, ("BALCONES", "LONESTAR"),
            (Level("RL", 1, "1/RL", "Roll"), Level("BX", 10, "10 RL/BX", "Box of 10 rolls"))),
    Product("BANDAGE ELASTIC 4IN", "Elastic bandage, 4 in, with clips", "MEDLINE", "MDS046004",
            "42311506", "A6449", True, False, ("MEDLINE", "ACME"), _each_box(10)),
    Product("CRUTCH ALUM ADULT", "Crutches, aluminum, adult", "DEROYAL", "2008", "42211506",
            "E0114", True, True, ("BLUEBONNET",), (Level("PR", 1, "1/PR", "Pair"),)),
    Product("STRIP TEST GLUCOSE", "Blood glucose test strips", "MCKESSON", "TRU-50",
            "41116144", "A4253", True, False, ("MCKESSON", "CAPBIO"), _box_case(50, 12)),
    Product("LANCET SAFETY 28G", "Safety lancets, 28G", "MCKESSON", "LAN-28", "41104102",
            "A4259", True, False, ("MCKESSON", "CAPBIO"), _box_case(100, 10)),
    Product("CUP SPECIMEN 4OZ STRL", "Specimen container, 4 oz, sterile, screw cap", "CARDINAL",
            "2007SA", "41121807", None, False, False, ("CARDINAL", "TRINITY"),
            (Level("EA", 1, "1/EA", "Each"), Level("CS", 100, "100/CS", "Case of 100"))),
    Product("DEPRESSOR TONGUE WOOD NS", "Tongue depressors, wood, non-sterile", "DYNAREX",
            "4311", "42281911", None, False, False, ("ACME",), _box_case(500, 10)),
    Product("APPLICATOR COTTON TIP 6IN NS", "Cotton-tipped applicators, 6 in, non-sterile",
            "DYNAREX", "4300", "42141502", None, False, False, ("ACME", "MCKESSON"),
            _box_case(100, 10, "PK")),
    Product("BANDAGE ADH 1X3 FABRIC", "Adhesive bandages, fabric, 1 x 3 in", "MEDLINE",
            "NON25650", "42311500", None, False, False, ("MEDLINE", "ACME"), _box_case(100, 12)),
    Product("TAPE MEDICAL PAPER 1IN", "Paper surgical tape, 1 in x 10 yd", "3M", "1530-1",
            "42311600", "A4450", False, False, ("CARDINAL", "ACME"),
            (Level("RL", 1, "1/RL", "Roll"), Level("BX", 12, "12 RL/BX", "Box of 12 rolls"))),
    Product("CONTAINER SHARPS 1QT RED", "Sharps container, 1 quart, red", "COVIDIEN", "8900SA",
            "42142913", None, False, True, ("CARDINAL", "PREMIER-S"),
            (Level("EA", 1, "1/EA", "Each"), Level("CS", 100, "100/CS", "Case of 100"))),
    Product("SANITIZER HAND GEL 16OZ", "Hand sanitizer gel, 16 oz pump bottle", "MEDLINE",
            "HH16OZ", "53131626", None, False, False, ("MEDLINE", "BRAZOS", "PREMIER-M"),
            (Level("BT", 1, "1/BT", "Bottle"), Level("CS", 12, "12 BT/CS", "Case of 12"))),
    Product("WIPE DISINFECTANT GERMICIDAL", "Germicidal disposable wipes, large canister",
            "MEDLINE", "MSC351160", "47131502", None, False, False, ("MEDLINE", "PREMIER-M"),
            (Level("TB", 1, "160/TB", "Tub of 160"), Level("CS", 6, "6 TB/CS", "Case of 6 tubs"))),
    Product("GOWN PATIENT EXAM DISP", "Patient exam gown, disposable, blue", "MEDLINE",
            "NON24270", "42131601", None, False, False, ("MEDLINE",),
            (Level("CS", 50, "50/CS", "Case of 50"),)),
    Product("SUTURE NYLON 4-0 PS-2", "Nylon suture, 4-0, 18 in, reverse cutting PS-2",
            "COVIDIEN", "SN-1667G", "42312201", None, True, True, ("STERLING", "OWENS"),
            (Level("DZ", 12, "12/DZ", "Box of 1 dozen"), Level("BX", 3, "3 DZ/BX",
                                                                  "Box of 3 dozen"))),
    Product("KIT IV START", "IV start kit with Tegaderm dressing", "MEDLINE", "DYND74000",
            "42221600", None, False, True, ("MEDLINE", "OWENS"),
            (Level("KT", 1, "1/KT", "Kit"), Level("CS", 100, "100 KT/CS", "Case of 100 kits"))),
    Product("FLUSH SALINE 10ML PREFILL", "Saline flush syringe, 10 mL prefilled", "BD", "306500",
            "42221502", None, True, True, ("CARDINAL", "GUADALUPE"), _box_case(30, 20)),
    Product("LIDOCAINE 1% 20ML VIAL", "Lidocaine HCl 1%, 20 mL multi-dose vial", "MCKESSON",
            "LID-1-20", "51142001", "J2001", True, False, ("GUADALUPE", "MCKESSON"),
            (Level("VL", 1, "1/VL", "Vial"), Level("BX", 25, "25 VL/BX", "Box of 25 vials"))),
    Product("DRESSING TRANSPARENT 4X4.75", "Transparent film dressing, 4 x 4-3/4 in", "3M",
            "1626W", "42311512", "A6258", True, False, ("CARDINAL", "MEDLINE"), _box_case(50, 4)),
    Product("TUBE BLOOD EDTA 4ML LAVENDER", "Blood collection tube, K2 EDTA, 4 mL, lavender",
            "BD", "367861", "41104118", None, False, True, ("TRINITY", "MESA"),
            _box_case(100, 10, "PK")),
    Product("PAD UNDERPAD 23X36 HVY", "Underpads, heavy absorbency, 23 x 36 in", "MEDLINE",
            "MSC281240", "42131704", None, False, False, ("MEDLINE",),
            (Level("BG", 10, "10/BG", "Bag of 10"), Level("CS", 15, "15 BG/CS",
                                                           "Case of 15 bags"))),
    Product("SWABSTICK PVP IODINE", "Povidone-iodine swabsticks, 3 per packet", "DYNAREX",
            "1203", "42141504", None, False, False, ("ACME", "MCKESSON"), _box_case(50, 10)),
)

# --- payers -----------------------------------------------------------------------------------


class PayerRow(NamedTuple):
    code: str
    name: str
    variants: tuple[str, ...]  # how the clinics spell it
    payer_type: str
    payer_id: str | None
    naic: str | None
    parent: str | None         # parent payer code
    city: str                  # claims address city


PAYERS = (
    PayerRow("MCR", "Medicare Part B - Texas (Novitas)", ("MEDICARE", "Medicare B TX"),
             "medicare", "04412", None, None, "Dallas"),
    PayerRow("MCD", "Texas Medicaid (TMHP)", ("TX MEDICAID", "Medicaid Texas"), "medicaid",
             "TXMCD", None, None, "Austin"),
    PayerRow("BCBS", "Blue Cross Blue Shield of Texas", ("BCBS TX", "BCBSTX"), "commercial",
             "84980", "70670", None, "Dallas"),
    PayerRow("BCBS-HMO", "BCBS TX Blue Advantage HMO", ("BLUE ADVANTAGE HMO",
                                                       "BCBS Blue Advantage"),
             "commercial", None, None, "BCBS", "Dallas"),
    PayerRow("BCBS-MA", "Blue Cross Medicare Advantage (TX)", ("BCBS MEDICARE ADV",
                                                              "BCBS TX MA"),
             "medicare_advantage", "66006", None, "BCBS", "Dallas"),
    PayerRow("AETNA", "Aetna", ("AETNA", "Aetna Health Inc."), "commercial", "60054", "60054",
             None, "Houston"),
    PayerRow("AETNA-MA", "Aetna Medicare Advantage", ("AETNA MEDICARE", "Aetna MA"),
             "medicare_advantage", "AETMA", None, "AETNA", "Houston"),
    PayerRow("UHC", "UnitedHealthcare", ("UNITED HEALTHCARE", "UHC"), "commercial", "87726",
             "79413", None, "San Antonio"),
    PayerRow("UHC-CP", "UnitedHealthcare Community Plan of Texas", ("UHC COMMUNITY PLAN TX",
                                                                   "UHC Comm Plan"),
             "managed_medicaid", "UHCTX", None, "UHC", "Houston"),
    PayerRow("CIGNA", "Cigna", ("CIGNA", "Cigna Healthcare"), "commercial", "62308", "67369",
             None, "Dallas"),
    PayerRow("HUMANA", "Humana", ("HUMANA", "Humana Inc"), "commercial", "61101", "73288", None,
             "San Antonio"),
    PayerRow("HUMANA-MA", "Humana Gold Plus (Medicare Advantage)", ("HUMANA GOLD PLUS",
                                                                   "Humana Medicare"),
             "medicare_advantage", "HUMMA", None, "HUMANA", "San Antonio"),
    PayerRow("SUPERIOR", "Superior HealthPlan", ("SUPERIOR HEALTH PLAN", "Superior HP"),
             "managed_medicaid", "68069", "95647", None, "Austin"),
    PayerRow("AMERIGROUP", "Amerigroup Texas", ("AMERIGROUP", "Amerigroup TX"),
             "managed_medicaid", "26375", "95314", None, "Houston"),
    PayerRow("MOLINA", "Molina Healthcare of Texas", ("MOLINA TX", "Molina Healthcare"),
             "managed_medicaid", "20554", "10757", None, "Irving"),
    PayerRow("TRICARE", "TRICARE West Region", ("TRICARE", "Tricare West"), "tricare", "99726",
             None, None, "San Antonio"),
    PayerRow("TXMUTUAL", "Texas Mutual Insurance Company", ("TEXAS MUTUAL", "TX Mutual WC"),
             "workers_comp", "TXMUT", "22945", None, "Austin"),
    PayerRow("SWHP", "Scott and White Health Plan", ("SCOTT & WHITE HP", "SWHP"), "commercial",
             "88030", "95099", None, "Temple"),
    PayerRow("OSCAR", "Oscar Health Plan of Texas", ("OSCAR", "Oscar Health"), "commercial",
             "OSCAR", "16439", None, "Dallas"),
    PayerRow("SELF", "Self Pay", ("SELF PAY", "Self-Pay"), "self_pay", None, None, None,
             "Austin"),
)
