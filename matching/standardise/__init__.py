"""Standardisers: turn identifiers, contact details, addresses, names, organisations and item
descriptions as sources send them into canonical forms that matching can compare.

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
from matching.standardise.items import (
    UNITS,
    clean_part_number,
    item_abbreviations,
    item_tokens,
    normalise_item_description,
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
from matching.standardise.nicknames import given_name_forms, nickname_table, same_given_name
from matching.standardise.organisations import (
    LEGAL_FORMS,
    MANUFACTURER_ALIASES,
    ORGANISATION_ABBREVIATIONS,
    manufacturer_key,
    organisation_key,
    split_dba,
)
from matching.standardise.phone import NANP_COUNTRIES, check_phone
from matching.standardise.phonetic import nysiis, soundex
from matching.standardise.text import collapse_whitespace, strip_accents

__all__ = [
    "CHECKERS",
    "CREDENTIALS",
    "DIRECTIONALS",
    "LEGAL_FORMS",
    "MANUFACTURER_ALIASES",
    "NANP_COUNTRIES",
    "ORGANISATION_ABBREVIATIONS",
    "PREFIXES",
    "STREET_SUFFIXES",
    "SUFFIXES",
    "UNITS",
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
    "clean_part_number",
    "collapse_whitespace",
    "given_name_forms",
    "gs1_check_digit",
    "item_abbreviations",
    "item_tokens",
    "manufacturer_key",
    "mask_ssn",
    "nickname_table",
    "normalise_credential",
    "normalise_item_description",
    "normalise_prefix",
    "normalise_state",
    "normalise_suffix",
    "npi_check_digit",
    "nysiis",
    "organisation_key",
    "parse_person_name",
    "same_given_name",
    "soundex",
    "split_dba",
    "standardise_city",
    "standardise_street",
    "strip_accents",
    "title_case_name",
]
