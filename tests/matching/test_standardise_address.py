"""US address standardisation: states, ZIP codes, street lines and cities."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.standardise import (
    DIRECTIONALS,
    STREET_SUFFIXES,
    UNIT_DESIGNATORS,
    US_STATES,
    check_zip,
    normalise_state,
    standardise_city,
    standardise_street,
)


def test_us_states_covers_states_dc_territories_and_military() -> None:
    assert len(US_STATES) == 50 + 1 + 5 + 3
    for code in ("DC", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP"):
        assert code in US_STATES
    assert US_STATES["TX"] == "Texas"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("TX", "TX"),
        ("tx", "TX"),
        (" Tx ", "TX"),
        ("Texas", "TX"),
        ("texas", "TX"),
        ("TEXAS", "TX"),
        ("new   york", "NY"),
        ("North Carolina", "NC"),
        ("District of Columbia", "DC"),
        ("D.C.", "DC"),
        ("Washington, D.C.", "DC"),
        ("Washington", "WA"),
        ("Puerto Rico", "PR"),
        ("U.S. Virgin Islands", "VI"),
        ("Virgin Islands", "VI"),
        ("Armed Forces Europe", "AE"),
        ("ap", "AP"),
    ],
)
def test_normalise_state(raw: str, code: str) -> None:
    assert normalise_state(raw) == code


@pytest.mark.parametrize("raw", ["", None, "XX", "Ontario", "Tex", "T", "New", "USA"])
def test_normalise_state_unknown_is_none(raw: str | None) -> None:
    assert normalise_state(raw) is None


def test_every_state_name_round_trips_to_its_code() -> None:
    for code, name in US_STATES.items():
        assert normalise_state(name) == code
        assert normalise_state(name.upper()) == code
        assert normalise_state(code.lower()) == code


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("78701", "78701"),
        (" 78701 ", "78701"),
        ("02108", "02108"),
        ("78701-1234", "78701-1234"),
        ("787011234", "78701-1234"),
        ("78701 1234", "78701-1234"),
        ("00501", "00501"),
    ],
)
def test_valid_zip(raw: str, value: str) -> None:
    assert check_zip(raw) == check_zip(value)
    result = check_zip(raw)
    assert (result.scheme, result.value, result.valid, result.reason) == ("zip", value, True, None)


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("2108", "2108", "ZIP code has 4 digits (looks like a lost leading zero: 02108?)"),
        (
            "21081234",
            "21081234",
            "ZIP+4 has 8 digits (looks like a lost leading zero: 02108-1234?)",
        ),
        (
            "2108-1234",
            "2108-1234",
            "ZIP+4 has 8 digits (looks like a lost leading zero: 02108-1234?)",
        ),
        ("00000", "00000", "ZIP code 00000 is a placeholder"),
        ("00000-1234", "00000-1234", "ZIP code 00000 is a placeholder"),
        ("7870", "7870", "ZIP code has 4 digits (looks like a lost leading zero: 07870?)"),
        ("787", "787", "ZIP code must be 5 digits or ZIP+4"),
        ("787012", "787012", "ZIP code must be 5 digits or ZIP+4"),
        ("78701-", "78701-", "ZIP code must be 5 digits or ZIP+4"),
        ("78701-12", "78701-12", "ZIP code must be 5 digits or ZIP+4"),
        ("K1A 0B1", "K1A0B1", "ZIP code must be 5 digits or ZIP+4"),
        ("", "", "ZIP code is empty"),
    ],
)
def test_invalid_zip(raw: str, value: str, reason: str) -> None:
    result = check_zip(raw)
    assert (result.value, result.valid, result.reason) == (value, False, reason)


@pytest.mark.parametrize(
    ("raw", "standard"),
    [
        ("123 Main Street", "123 MAIN ST"),
        ("123 Main St.", "123 MAIN ST"),
        ("123 main st", "123 MAIN ST"),
        ("123   Main    Street  ", "123 MAIN ST"),
        ("456 Oak Avenue", "456 OAK AVE"),
        ("456 Oak Ave.", "456 OAK AVE"),
        ("456 Oak Av", "456 OAK AVE"),
        ("789 Sunset Boulevard", "789 SUNSET BLVD"),
        ("10 Downing Drive", "10 DOWNING DR"),
        ("1 Country Road", "1 COUNTRY RD"),
        ("22 Memory Lane", "22 MEMORY LN"),
        ("5 Royal Court", "5 ROYAL CT"),
        ("6 Elm Place", "6 ELM PL"),
        ("7 Blue Ridge Parkway", "7 BLUE RDG PKWY"),
        ("8 Pacific Coast Highway", "8 PACIFIC COAST HWY"),
        ("9 Maple Circle", "9 MAPLE CIR"),
        ("11 Garden Terrace", "11 GDN TER"),
        ("12 Town Square", "12 TOWN SQ"),
        ("13 Appalachian Trail", "13 APPALACHIAN TRL"),
        ("14 Abbey Way", "14 ABBEY WAY"),
        ("15 Katy Freeway", "15 KATY FWY"),
        ("16 Lodge Expressway", "16 LODGE EXPY"),
        ("17 Civic Plaza", "17 CIVIC PLZ"),
        ("18 Rocky Point", "18 ROCKY PT"),
        ("1 Medical Center Drive", "1 MEDICAL CTR DR"),
        ("1 Medical Centre Dr.", "1 MEDICAL CTR DR"),
        ("100 North Main Street", "100 N MAIN ST"),
        ("100 N. Main St.", "100 N MAIN ST"),
        ("200 Southwest Oak Street", "200 SW OAK ST"),
        ("300 Northeast 5th Ave", "300 NE 5TH AVE"),
        ("400 West 57th Street", "400 W 57TH ST"),
        ("123 Main St Suite 200", "123 MAIN ST STE 200"),
        ("123 Main St, Suite #200", "123 MAIN ST STE 200"),
        ("123 Main St Ste. 200", "123 MAIN ST STE 200"),
        ("123 Main St #200", "123 MAIN ST # 200"),
        ("123 Main St Apartment 4B", "123 MAIN ST APT 4B"),
        ("123 Main St Apt. 4-B", "123 MAIN ST APT 4-B"),
        ("1 Hospital Way Building C Floor 3 Room 301", "1 HOSPITAL WAY BLDG C FL 3 RM 301"),
        ("1 Hospital Way, Department of Radiology", "1 HOSPITAL WAY DEPT OF RADIOLOGY"),
        ("1 Hospital Way Unit 5", "1 HOSPITAL WAY UNIT 5"),
        ("P.O. Box 1234", "PO BOX 1234"),
        ("PO Box 1234", "PO BOX 1234"),
        ("Post Office Box 1234", "PO BOX 1234"),
        ("123 1/2 Elm St", "123 1/2 ELM ST"),
        ("12 O'Neil Blvd", "12 ONEIL BLVD"),
        ("500 Saint John Pkwy", "500 ST JOHN PKWY"),
        ("500 St. John Parkway", "500 ST JOHN PKWY"),
        ("77 Avenida José Martí", "77 AVENIDA JOSE MARTI"),
        ("- 123 Main St -", "123 MAIN ST"),
        ("Stree Street", "STREE ST"),
        ("", ""),
    ],
)
def test_standardise_street(raw: str, standard: str) -> None:
    assert standardise_street(raw) == standard


def test_street_abbreviates_whole_tokens_only() -> None:
    # STREET inside STREETSBORO and AVE inside AVERY must survive.
    assert standardise_street("10 Streetsboro Road") == "10 STREETSBORO RD"
    assert standardise_street("10 Avery Avenue") == "10 AVERY AVE"
    assert standardise_street("10 Westgate Drive") == "10 WESTGATE DR"


def test_abbreviation_tables_are_large_enough_and_stable() -> None:
    assert len(set(STREET_SUFFIXES)) >= 40
    assert set(DIRECTIONALS.values()) == {"N", "S", "E", "W", "NE", "NW", "SE", "SW"}
    assert {"SUITE", "APARTMENT", "BUILDING", "FLOOR", "ROOM", "UNIT", "DEPARTMENT"} <= set(
        UNIT_DESIGNATORS
    )
    # An abbreviation must never be re-abbreviated into something else on a second pass.
    for table in (STREET_SUFFIXES, DIRECTIONALS, UNIT_DESIGNATORS):
        for short in table.values():
            assert standardise_street(short) == short


@given(st.text())
def test_standardise_street_is_idempotent(raw: str) -> None:
    once = standardise_street(raw)
    assert standardise_street(once) == once
    assert once == once.strip()
    assert "  " not in once


@pytest.mark.parametrize(
    ("raw", "standard"),
    [
        ("Austin", "AUSTIN"),
        ("  san   antonio ", "SAN ANTONIO"),
        ("Saint Louis", "ST LOUIS"),
        ("St. Louis", "ST LOUIS"),
        ("ST LOUIS", "ST LOUIS"),
        ("Mount Pleasant", "MT PLEASANT"),
        ("Mt. Pleasant", "MT PLEASANT"),
        ("Winston-Salem", "WINSTON SALEM"),
        ("Coeur d'Alene", "COEUR DALENE"),
        ("Española", "ESPANOLA"),
        ("Fort Worth", "FORT WORTH"),
        ("Saintsbury", "SAINTSBURY"),
        ("", ""),
    ],
)
def test_standardise_city(raw: str, standard: str) -> None:
    assert standardise_city(raw) == standard


@given(st.text())
def test_standardise_city_is_idempotent(raw: str) -> None:
    once = standardise_city(raw)
    assert standardise_city(once) == once
