"""Standardisers: turn identifiers, contact details, addresses and names as sources send them
into canonical forms that matching can compare.

Pure functions over strings, standard library only. Checks never raise on bad data; they
return an :class:`IdentifierCheck` saying why a value is invalid.

>>> from matching.standardise import check_npi, parse_person_name
>>> check_npi("1234567893").valid
True
>>> parse_person_name("SMITH, JOHN A MD").credentials
('MD',)
"""

from matching.standardise.address import (
    DIRECTIONALS,
    STREET_SUFFIXES,
    UNIT_DESIGNATORS,
    US_STATES,
    check_zip,
    normalise_state,
    standardise_city,
    standardise_street,
)
from matching.standardise.email import check_email
from matching.standardise.identifiers import (
    CHECKERS,
    IdentifierCheck,
    check_ccn,
    check_dea,
    check_duns,
    check_ein,
    check_gln,
    check_gtin,
    check_hcpcs,
    check_naic,
    check_npi,
    check_payer_id,
    check_ssn,
    check_taxonomy,
    check_uei,
    check_unspsc,
    gs1_check_digit,
    mask_ssn,
    npi_check_digit,
)
from matching.standardise.names import (
    CREDENTIALS,
    PREFIXES,
    SUFFIXES,
    PersonName,
    clean_name_parts,
    normalise_credential,
    normalise_prefix,
    normalise_suffix,
    parse_person_name,
    title_case_name,
)
from matching.standardise.phone import NANP_COUNTRIES, check_phone
from matching.standardise.text import collapse_whitespace, strip_accents

__all__ = [
    "CHECKERS",
    "CREDENTIALS",
    "DIRECTIONALS",
    "NANP_COUNTRIES",
    "PREFIXES",
    "STREET_SUFFIXES",
    "SUFFIXES",
    "UNIT_DESIGNATORS",
    "US_STATES",
    "IdentifierCheck",
    "PersonName",
    "check_ccn",
    "check_dea",
    "check_duns",
    "check_ein",
    "check_email",
    "check_gln",
    "check_gtin",
    "check_hcpcs",
    "check_naic",
    "check_npi",
    "check_payer_id",
    "check_phone",
    "check_ssn",
    "check_taxonomy",
    "check_uei",
    "check_unspsc",
    "check_zip",
    "clean_name_parts",
    "collapse_whitespace",
    "gs1_check_digit",
    "mask_ssn",
    "normalise_credential",
    "normalise_prefix",
    "normalise_state",
    "normalise_suffix",
    "npi_check_digit",
    "parse_person_name",
    "standardise_city",
    "standardise_street",
    "strip_accents",
    "title_case_name",
]
