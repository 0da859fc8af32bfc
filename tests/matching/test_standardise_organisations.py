"""Organisation keys for suppliers, payers and manufacturers; DBA splitting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.standardise import (
    LEGAL_FORMS,
    MANUFACTURER_ALIASES,
    ORGANISATION_ABBREVIATIONS,
    manufacturer_key,
    organisation_key,
    split_dba,
)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Acme Medical Supply, Inc.", "ACME MEDICAL SUPPLY"),
        ("ACME MED SUPPLY INC", "ACME MEDICAL SUPPLY"),
        ("Acme Med. Sply LLC", "ACME MEDICAL SUPPLY"),
        ("acme medical supplies, l.l.c.", "ACME MEDICAL SUPPLY"),
        ("ACME MEDICAL SUPPLY L L C", "ACME MEDICAL SUPPLY"),
        ("The Acme Medical Supply Company", "ACME MEDICAL SUPPLY"),
        ("Acme Medical Supply Co., The", "ACME MEDICAL SUPPLY"),
        ("Acme Medical Supply Corp.", "ACME MEDICAL SUPPLY"),
        ("Acme Medical Supply Corporation", "ACME MEDICAL SUPPLY"),
        ("Acme Medical Supply, Ltd", "ACME MEDICAL SUPPLY"),
        ("Acme Medical Supply Limited", "ACME MEDICAL SUPPLY"),
        ("Acme Medical Supply Incorporated", "ACME MEDICAL SUPPLY"),
        # Legal forms anywhere, and the "and" that introduced them.
        ("Acme Inc. Medical Supply", "ACME MEDICAL SUPPLY"),
        ("Becton, Dickinson and Company", "BECTON DICKINSON"),
        ("Smith & Co.", "SMITH"),
        ("Smith & Jones LLP", "SMITH AND JONES"),
        ("Medline Industries, LP", "MEDLINE INDUSTRIES"),
        ("Northside Family Medicine PLLC", "NORTHSIDE FAMILY MEDICINE"),
        ("Northside Family Medicine, P.C.", "NORTHSIDE FAMILY MEDICINE"),
        # PA only at the end; THE only at the start (or inverted at the end).
        ("Smith & Jones Orthopaedics, P.A.", "SMITH AND JONES ORTHOPAEDICS"),
        ("PA Medical Supply", "PA MEDICAL SUPPLY"),
        ("Pittsburgh PA Medical Supply Inc", "PITTSBURGH PA MEDICAL SUPPLY"),
        ("Over The Counter Supply", "OVER THE COUNTER SUPPLY"),
        # Ampersand, accents, apostrophes, initials.
        ("Johnson & Johnson", "JOHNSON AND JOHNSON"),
        ("Johnson and Johnson", "JOHNSON AND JOHNSON"),
        ("Peña Médical Supply", "PENA MEDICAL SUPPLY"),
        ("St. Mary's Hospital", "SAINT MARYS HOSPITAL"),
        ("Saint Marys Hosp", "SAINT MARYS HOSPITAL"),
        ("Mt. Sinai Hlth Sys", "MOUNT SINAI HEALTH SYSTEMS"),
        ("J.M. Smucker Co", "JM SMUCKER"),
        ("J M Smucker Company", "JM SMUCKER"),
        # Abbreviations.
        ("Acme Hlth Svcs", "ACME HEALTH SERVICES"),
        ("Acme Health Service", "ACME HEALTH SERVICE"),
        ("Acme Intl", "ACME INTERNATIONAL"),
        ("Acme Mfg Co", "ACME MANUFACTURING"),
        ("Acme Labs", "ACME LABORATORIES"),
        ("Acme Lab", "ACME LABORATORY"),
        ("Acme Pharm", "ACME PHARMACEUTICALS"),
        ("Acme Pharmaceutical Inc", "ACME PHARMACEUTICALS"),
        ("Acme Pharma", "ACME PHARMACEUTICALS"),
        ("Radiology Assoc of Texas", "RADIOLOGY ASSOCIATES OF TEXAS"),
        ("Acme Sys", "ACME SYSTEMS"),
        ("Acme Tech", "ACME TECHNOLOGIES"),
        ("Acme Technology", "ACME TECHNOLOGIES"),
        ("3M Health Care", "3M HEALTHCARE"),
        ("3M Healthcare", "3M HEALTHCARE"),
        ("Acme Surg Prods", "ACME SURGICAL PRODUCTS"),
        ("Acme Med Ctr", "ACME MEDICAL CENTER"),
        # Whitespace and stray punctuation.
        ("  ACME\tMEDICAL --  SUPPLY ", "ACME MEDICAL SUPPLY"),
        ("ACME (MEDICAL) SUPPLY, INC.", "ACME MEDICAL SUPPLY"),
        # Only noise: keep it rather than key to "".
        ("The Company", "THE COMPANY"),
        ("Inc.", "INC"),
    ],
)
def test_organisation_key(raw: str, key: str) -> None:
    assert organisation_key(raw) == key


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_organisation_key_of_nothing_is_empty(empty: str | None) -> None:
    assert organisation_key(empty) == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Co", "Acme Labs"),
        ("Acme Medical Supply", "Acme Surgical Supply"),
        ("Mercy Hospital", "Mercy Health"),
        ("Smith & Jones", "Smith Jones & Brown"),
    ],
)
def test_different_organisations_keep_different_keys(a: str, b: str) -> None:
    assert organisation_key(a) != organisation_key(b)


def test_tables() -> None:
    assert {"INC", "LLC", "LLP", "LP", "LTD", "CORP", "CO", "PC", "PLLC"} <= LEGAL_FORMS
    assert "PA" not in LEGAL_FORMS  # trailing only, handled separately
    assert ORGANISATION_ABBREVIATIONS["MED"] == "MEDICAL"
    assert ORGANISATION_ABBREVIATIONS["MFG"] == "MANUFACTURING"
    # Every expansion is itself stable: expanding twice changes nothing.
    for expansion in ORGANISATION_ABBREVIATIONS.values():
        assert organisation_key(expansion) == expansion


@pytest.mark.parametrize(
    ("raw", "legal", "dba"),
    [
        ("Smith Holdings LLC DBA Acme Medical", "Smith Holdings LLC", "Acme Medical"),
        ("Smith Holdings LLC dba Acme Medical", "Smith Holdings LLC", "Acme Medical"),
        ("Smith Holdings, LLC d/b/a Acme Medical", "Smith Holdings, LLC", "Acme Medical"),
        ("Smith Holdings LLC D / B / A Acme Medical", "Smith Holdings LLC", "Acme Medical"),
        ("Smith Holdings LLC D.B.A. Acme Medical", "Smith Holdings LLC", "Acme Medical"),
        (
            "Smith Holdings LLC, doing business as Acme Medical",
            "Smith Holdings LLC",
            "Acme Medical",
        ),
        ("Smith Holdings LLC - DBA: Acme Medical", "Smith Holdings LLC", "Acme Medical"),
        ("Smith Holdings LLC (DBA Acme Medical)", "Smith Holdings LLC", "Acme Medical"),
        ("Acme Medical Supply, Inc.", "Acme Medical Supply, Inc.", None),
        ("  Acme   Medical ", "Acme Medical", None),
        # "DBA" inside a word is not a marker.
        ("Dbaxter Supply", "Dbaxter Supply", None),
        ("Medical DBAS Inc", "Medical DBAS Inc", None),
        # No legal name before the marker: the trading name is the name.
        ("DBA Acme Medical", "Acme Medical", None),
        # A marker with nothing after it.
        ("Smith Holdings LLC DBA", "Smith Holdings LLC", None),
        ("", "", None),
        (None, "", None),
    ],
)
def test_split_dba(raw: str | None, legal: str, dba: str | None) -> None:
    assert split_dba(raw) == (legal, dba)


def test_dba_spellings_key_alike() -> None:
    keys = {organisation_key(n) for n in ["X d/b/a Y", "X DBA Y", "X D.B.A. Y", "X dba Y"]}
    assert keys == {"X DBA Y"}


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("BD", "BECTON DICKINSON"),
        ("B.D.", "BECTON DICKINSON"),
        ("Becton Dickinson", "BECTON DICKINSON"),
        ("Becton, Dickinson and Company", "BECTON DICKINSON"),
        ("BECTON DICKINSON & CO", "BECTON DICKINSON"),
        ("J&J", "JOHNSON AND JOHNSON"),
        ("J & J", "JOHNSON AND JOHNSON"),
        ("Johnson & Johnson", "JOHNSON AND JOHNSON"),
        ("JOHNSON AND JOHNSON", "JOHNSON AND JOHNSON"),
        ("3M", "3M"),
        ("3M Company", "3M"),
        ("3M Health Care", "3M"),
        ("3M HEALTHCARE", "3M"),
        ("Medline Industries, LP", "MEDLINE"),
        ("MEDLINE", "MEDLINE"),
        ("Medline Industries Inc.", "MEDLINE"),
        ("Cardinal Health 200 LLC", "CARDINAL HEALTH"),
        ("Cardinal Health 414, LLC", "CARDINAL HEALTH"),
        ("CARDINAL HEALTH 107", "CARDINAL HEALTH"),
        ("Cardinal", "CARDINAL HEALTH"),
        ("Owens & Minor", "OWENS AND MINOR"),
        ("Owens and Minor Inc", "OWENS AND MINOR"),
        ("O&M", "OWENS AND MINOR"),
        ("McKesson Medical-Surgical Inc.", "MCKESSON"),
        ("Baxter Healthcare Corporation", "BAXTER"),
        ("B. Braun Medical Inc.", "B BRAUN"),
        ("Stryker Corp", "STRYKER"),
        ("Medtronic USA, Inc.", "MEDTRONIC"),
        ("Abbott Labs", "ABBOTT"),
        ("GE Healthcare", "GE HEALTHCARE"),
        ("GE Medical Systems", "GE HEALTHCARE"),
        ("Philips Medical Systems", "PHILIPS"),
        ("Boston Scientific Corporation", "BOSTON SCIENTIFIC"),
        ("Henry Schein Inc", "HENRY SCHEIN"),
        ("Smith+Nephew", "SMITH AND NEPHEW"),
        ("Kimberly-Clark", "KIMBERLY CLARK"),
        ("Hill-Rom", "HILL ROM"),
        ("Hillrom", "HILL ROM"),
        ("Zimmer Biomet Holdings", "ZIMMER BIOMET"),
        ("Teleflex Medical", "TELEFLEX"),
        ("C.R. Bard, Inc.", "BARD"),
        # Not a known manufacturer: the organisation key.
        ("Acme Surgical Inc", "ACME SURGICAL"),
        # A short alias matches only exactly; a name that merely starts with it is not it.
        ("BD Smith Supply", "BD SMITH SUPPLY"),
        ("Cardinal Glennon Hospital", "CARDINAL GLENNON HOSPITAL"),
        ("Medline Smith", "MEDLINE SMITH"),
        ("", ""),
        (None, ""),
    ],
)
def test_manufacturer_key(raw: str | None, key: str) -> None:
    assert manufacturer_key(raw) == key


def test_manufacturer_aliases_cover_the_majors() -> None:
    assert len(MANUFACTURER_ALIASES) >= 15
    for canonical, aliases in MANUFACTURER_ALIASES.items():
        assert manufacturer_key(canonical) == canonical
        for alias in aliases:
            assert manufacturer_key(alias) == canonical, alias


def test_initials_a_legal_form_stood_between_key_as_one_initialism() -> None:
    # Found by the property below: keying "A:PC:A" gave "A A", and keying that gave "AA".
    assert organisation_key("A:PC:A") == "AA"


@given(st.text(max_size=40))
def test_keys_never_raise_and_are_stable(name: str) -> None:
    key = organisation_key(name)
    assert key == key.strip()
    assert "  " not in key
    assert organisation_key(key) == key or not key
    legal, dba = split_dba(name)
    assert dba is None or dba
    manufacturer_key(name)
