"""Identifier checks: formats, check digits, canonical values and reasons."""

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.standardise import (
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

Checker = Callable[[str], IdentifierCheck]

# (checker, raw, expected canonical value). Check digits here are published examples
# (CMS NPI example 1234567893, Wikipedia EAN-13/UPC-A/EAN-8, GS1 US GLN and GTIN-14
# examples, the textbook DEA numbers), not values produced by the code under test.
VALID = [
    (check_npi, "1234567893", "1234567893"),
    (check_npi, "1245319599", "1245319599"),
    (check_npi, "1003000126", "1003000126"),
    (check_npi, " 1234-567-893 ", "1234567893"),
    (check_npi, "1234.567.893", "1234567893"),
    (check_gtin, "4006381333931", "04006381333931"),
    (check_gtin, "036000291452", "00036000291452"),
    (check_gtin, "0 36000 29145 2", "00036000291452"),
    (check_gtin, "00036000291452", "00036000291452"),
    (check_gtin, "012345678905", "00012345678905"),
    (check_gtin, "96385074", "00000096385074"),
    (check_gtin, "00012345600012", "00012345600012"),
    (check_gln, "0614141000012", "0614141000012"),
    (check_gln, "5412345000013", "5412345000013"),
    (check_ein, "12-3456789", "12-3456789"),
    (check_ein, "123456789", "12-3456789"),
    (check_ein, "01 2345678", "01-2345678"),
    (check_ein, "99-0000001", "99-0000001"),
    (check_ssn, "123-45-6789", "123456789"),
    (check_ssn, "123 45 6789", "123456789"),
    (check_ssn, "899-99-9999", "899999999"),
    (check_unspsc, "42142201", "42142201"),
    (check_unspsc, "42-14-22-01", "42142201"),
    (check_unspsc, "10000000", "10000000"),
    (check_duns, "150483782", "150483782"),
    (check_duns, "15-048-3782", "150483782"),
    (check_uei, "ZQGGGJ6MB7X5", "ZQGGGJ6MB7X5"),
    (check_uei, " zqgg gj6m b7x5 ", "ZQGGGJ6MB7X5"),
    (check_ccn, "450001", "450001"),
    (check_ccn, "45t001", "45T001"),
    (check_ccn, "45-0001", "450001"),
    (check_naic, "60054", "60054"),
    (check_naic, "07-218", "07218"),
    (check_dea, "AP5836727", "AP5836727"),
    (check_dea, "ap5836727", "AP5836727"),
    (check_dea, "BJ6125341", "BJ6125341"),
    (check_dea, "AB1234563", "AB1234563"),
    (check_dea, "F91234563", "F91234563"),
    (check_dea, "F91234563-001AB", "F91234563-001AB"),
    (check_hcpcs, "J1100", "J1100"),
    (check_hcpcs, "e0114", "E0114"),
    (check_hcpcs, "V2020", "V2020"),
    (check_hcpcs, "99213", "99213"),
    (check_hcpcs, "0001F", "0001F"),
    (check_hcpcs, "0042t", "0042T"),
    (check_taxonomy, "207Q00000X", "207Q00000X"),
    (check_taxonomy, "363lf0000x", "363LF0000X"),
    (check_taxonomy, "261QM0801X", "261QM0801X"),
    (check_payer_id, "87726", "87726"),
    (check_payer_id, " bcbstx ", "BCBSTX"),
    (check_payer_id, "ABC", "ABC"),
    (check_payer_id, "ABCDE12345", "ABCDE12345"),
]


@pytest.mark.parametrize(("checker", "raw", "value"), VALID)
def test_valid_identifiers(checker: Checker, raw: str, value: str) -> None:
    result = checker(raw)
    assert result == IdentifierCheck(scheme=result.scheme, value=value, valid=True, reason=None)


# (checker, raw, expected value kept despite being invalid, expected reason)
INVALID = [
    (check_npi, "1234567890", "1234567890", "NPI check digit is 0, expected 3"),
    (check_npi, "1245319598", "1245319598", "NPI check digit is 8, expected 9"),
    (check_npi, "3234567893", "3234567893", "NPI must start with 1 or 2, got 3"),
    (check_npi, "123456789", "123456789", "NPI must be 10 digits, got 9"),
    (check_npi, "12345678931", "12345678931", "NPI must be 10 digits, got 11"),
    (check_npi, "12345678A3", "12345678A3", "NPI must contain only digits"),
    (check_npi, "", "", "NPI is empty"),
    (check_npi, "   ", "", "NPI is empty"),
    (check_npi, "123456789\u00b3", "123456789\u00b3", "NPI must contain only digits"),
    (check_gtin, "4006381333932", "04006381333932", "GTIN check digit is 2, expected 1"),
    (check_gtin, "036000291453", "00036000291453", "GTIN check digit is 3, expected 2"),
    (check_gtin, "36000291452", "36000291452", "GTIN must be 8, 12, 13 or 14 digits, got 11"),
    (check_gtin, "03600029145X", "03600029145X", "GTIN must contain only digits"),
    (check_gtin, "", "", "GTIN is empty"),
    (check_gln, "0614141000013", "0614141000013", "GLN check digit is 3, expected 2"),
    (
        check_gln,
        "614141000012",
        "614141000012",
        "GLN must be 13 digits, got 12 (looks like a lost leading zero)",
    ),
    (check_ein, "07-1234567", "07-1234567", "EIN prefix 07 is not an IRS campus prefix"),
    (check_ein, "00-1234567", "00-1234567", "EIN prefix 00 is not an IRS campus prefix"),
    (check_ein, "89-1234567", "89-1234567", "EIN prefix 89 is not an IRS campus prefix"),
    (check_ein, "97-1234567", "97-1234567", "EIN prefix 97 is not an IRS campus prefix"),
    (
        check_ein,
        "12345678",
        "12345678",
        "EIN must be 9 digits, got 8 (looks like a lost leading zero)",
    ),
    (check_ssn, "000-12-3456", "000123456", "SSN area number 000 is never issued"),
    (check_ssn, "666-12-3456", "666123456", "SSN area number 666 is never issued"),
    (check_ssn, "900-12-3456", "900123456", "SSN area number 900 is never issued"),
    (check_ssn, "999-12-3456", "999123456", "SSN area number 999 is never issued"),
    (check_ssn, "123-00-4567", "123004567", "SSN group number 00 is never issued"),
    (check_ssn, "123-45-0000", "123450000", "SSN serial number 0000 is never issued"),
    (check_ssn, "078-05-1120", "078051120", "SSN is a publicly known number voided by SSA"),
    (
        check_ssn,
        "12-345-678",
        "12345678",
        "SSN must be 9 digits, got 8 (looks like a lost leading zero)",
    ),
    (check_unspsc, "09123456", "09123456", "UNSPSC segment 09 is below 10"),
    (check_unspsc, "4214220", "4214220", "UNSPSC must be 8 digits, got 7"),
    (check_unspsc, "4214220101", "4214220101", "UNSPSC must be 8 digits, got 10"),
    (check_duns, "1504837820", "1504837820", "DUNS must be 9 digits, got 10"),
    (check_duns, "15048378A", "15048378A", "DUNS must contain only digits"),
    (check_uei, "ZQGGGJ6MB7X", "ZQGGGJ6MB7X", "UEI must be 12 characters, got 11"),
    (check_uei, "0QGGGJ6MB7X5", "0QGGGJ6MB7X5", "UEI must not start with 0"),
    (check_uei, "ZQGGGJ6MB7O5", "ZQGGGJ6MB7O5", "UEI must not contain the letters O or I"),
    (check_uei, "ZQGGGJ6MB7I5", "ZQGGGJ6MB7I5", "UEI must not contain the letters O or I"),
    (check_uei, "ZQGGGJ6MB7*5", "ZQGGGJ6MB7*5", "UEI must contain only letters and digits"),
    (
        check_ccn,
        "50001",
        "50001",
        "CCN must be 6 characters, got 5 (looks like a lost leading zero)",
    ),
    (check_ccn, "001234", "001234", "CCN must start with a state code 01-99, got 00"),
    (check_ccn, "AB1234", "AB1234", "CCN must start with a state code 01-99, got AB"),
    (check_ccn, "45*001", "45*001", "CCN must end with 4 letters or digits"),
    (
        check_naic,
        "6005",
        "6005",
        "NAIC code must be 5 digits, got 4 (looks like a lost leading zero)",
    ),
    (check_naic, "600544", "600544", "NAIC code must be 5 digits, got 6"),
    (check_dea, "AP5836728", "AP5836728", "DEA check digit is 8, expected 7"),
    (check_dea, "BJ6125342", "BJ6125342", "DEA check digit is 2, expected 1"),
    (check_dea, "ZP5836727", "ZP5836727", "DEA registrant type Z is not a known type"),
    (check_dea, "IP5836727", "IP5836727", "DEA registrant type I is not a known type"),
    (check_dea, "A15836727", "A15836727", "DEA number must be 2 letters followed by 7 digits"),
    (check_dea, "AP583672", "AP583672", "DEA number must be 2 letters followed by 7 digits"),
    (check_dea, "", "", "DEA number is empty"),
    (
        check_hcpcs,
        "W1234",
        "W1234",
        "HCPCS code must be a letter A-V plus 4 digits, or a 5-character CPT",
    ),
    (
        check_hcpcs,
        "J110",
        "J110",
        "HCPCS code must be a letter A-V plus 4 digits, or a 5-character CPT",
    ),
    (
        check_hcpcs,
        "992131",
        "992131",
        "HCPCS code must be a letter A-V plus 4 digits, or a 5-character CPT",
    ),
    (
        check_hcpcs,
        "0001X",
        "0001X",
        "HCPCS code must be a letter A-V plus 4 digits, or a 5-character CPT",
    ),
    (check_taxonomy, "207Q00000", "207Q00000", "taxonomy code must be 10 characters, got 9"),
    (
        check_taxonomy,
        "207Q00000Y",
        "207Q00000Y",
        "taxonomy code must be 3 digits, 6 letters or digits, then X",
    ),
    (
        check_taxonomy,
        "20AQ00000X",
        "20AQ00000X",
        "taxonomy code must be 3 digits, 6 letters or digits, then X",
    ),
    (check_payer_id, "AB", "AB", "payer ID must be 3 to 10 letters or digits"),
    (check_payer_id, "ABCDE123456", "ABCDE123456", "payer ID must be 3 to 10 letters or digits"),
    (check_payer_id, "AB-12", "AB-12", "payer ID must be 3 to 10 letters or digits"),
    (check_payer_id, "", "", "payer ID is empty"),
]


@pytest.mark.parametrize(("checker", "raw", "value", "reason"), INVALID)
def test_invalid_identifiers(checker: Checker, raw: str, value: str, reason: str) -> None:
    result = checker(raw)
    assert (result.value, result.valid, result.reason) == (value, False, reason)


def test_ssn_reasons_never_repeat_the_number() -> None:
    for raw in ("666-12-3456", "123-00-4567", "123-45-0000", "078-05-1120"):
        reason = check_ssn(raw).reason
        assert reason is not None
        assert "3456" not in reason
        assert "4567" not in reason
        assert "1120" not in reason


def test_upc_a_and_its_gtin_14_form_compare_equal() -> None:
    assert check_gtin("036000291452").value == check_gtin("00036000291452").value
    assert check_gtin("4006381333931").value == check_gtin("04006381333931").value


def test_checkers_registry_covers_every_scheme_and_names_match() -> None:
    expected = {
        "npi",
        "gtin",
        "gln",
        "ein",
        "ssn",
        "unspsc",
        "duns",
        "uei",
        "ccn",
        "naic",
        "dea",
        "hcpcs",
        "taxonomy",
        "payer_id",
    }
    assert set(CHECKERS) == expected
    for scheme, checker in CHECKERS.items():
        assert checker("").scheme == scheme


def test_checkers_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        CHECKERS["npi"] = check_gtin  # type: ignore[index]


def test_identifier_check_is_frozen() -> None:
    result = check_npi("1234567893")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.valid = False  # type: ignore[misc]


@pytest.mark.parametrize("checker", list(CHECKERS.values()))
def test_checkers_accept_none_from_sources(checker: Checker) -> None:
    result = checker(None)  # type: ignore[arg-type]
    assert (result.value, result.valid) == ("", False)


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("123-45-6789", "***-**-6789"),
        ("123456789", "***-**-6789"),
        (" 123 45 6789 ", "***-**-6789"),
        ("12345", "***-**-****"),
        ("1234567890", "***-**-****"),
        ("", "***-**-****"),
        (None, "***-**-****"),
    ],
)
def test_mask_ssn(raw: str | None, masked: str) -> None:
    assert mask_ssn(raw) == masked


@pytest.mark.parametrize(("first_nine", "digit"), [("123456789", 3), ("124531959", 9)])
def test_npi_check_digit_known_values(first_nine: str, digit: int) -> None:
    assert npi_check_digit(first_nine) == digit


@pytest.mark.parametrize("bad", ["12345678", "1234567890", "12345678X", ""])
def test_npi_check_digit_rejects_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError, match="nine digits"):
        npi_check_digit(bad)


@pytest.mark.parametrize(
    ("body", "digit"),
    [("400638133393", 1), ("03600029145", 2), ("9638507", 4), ("061414100001", 2)],
)
def test_gs1_check_digit_known_values(body: str, digit: int) -> None:
    assert gs1_check_digit(body) == digit


@pytest.mark.parametrize("bad", ["", "12A4", "\u0661\u0662"])
def test_gs1_check_digit_rejects_malformed_input(bad: str) -> None:
    with pytest.raises(ValueError, match="expected digits"):
        gs1_check_digit(bad)


# ---- properties -------------------------------------------------------------------------


@given(first=st.sampled_from("12"), body=st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_npi_with_computed_check_digit_is_valid(first: str, body: str) -> None:
    npi = first + body
    npi += str(npi_check_digit(npi))
    assert check_npi(npi) == IdentifierCheck("npi", npi, True, None)


def _single_digit_changes(value: str) -> st.SearchStrategy[str]:
    def change(position: int, delta: int) -> str:
        digit = (int(value[position]) + delta) % 10
        return value[:position] + str(digit) + value[position + 1 :]

    return st.builds(change, st.integers(0, len(value) - 1), st.integers(1, 9))


@given(
    data=st.data(),
    body=st.text(alphabet="0123456789", min_size=8, max_size=8),
    first=st.sampled_from("12"),
)
def test_npi_single_digit_error_is_always_caught(
    data: st.DataObject, body: str, first: str
) -> None:
    npi = first + body
    npi += str(npi_check_digit(npi))
    corrupted = data.draw(_single_digit_changes(npi))
    assert corrupted != npi
    assert check_npi(corrupted).valid is False


@given(data=st.data(), length=st.sampled_from([8, 12, 13, 14]))
def test_gtin_single_digit_error_is_always_caught(data: st.DataObject, length: int) -> None:
    body = data.draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    gtin = body + str(gs1_check_digit(body))
    assert check_gtin(gtin).valid
    corrupted = data.draw(_single_digit_changes(gtin))
    assert check_gtin(corrupted).valid is False


@given(body=st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_gtin_zero_padding_never_changes_validity_or_value(body: str) -> None:
    upc = body + str(gs1_check_digit(body))
    assert check_gtin(upc).valid
    assert check_gtin(upc) == check_gtin(upc.zfill(13)) == check_gtin(upc.zfill(14))


@given(body=st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_gln_with_computed_check_digit_is_valid(body: str) -> None:
    gln = body + str(gs1_check_digit(body))
    assert check_gln(gln) == IdentifierCheck("gln", gln, True, None)


@given(scheme=st.sampled_from(sorted(CHECKERS)), raw=st.text())
def test_checkers_never_raise_and_are_idempotent_on_valid_values(scheme: str, raw: str) -> None:
    checker = CHECKERS[scheme]
    result = checker(raw)
    assert result.scheme == scheme
    assert result.valid == (result.reason is None)
    if result.valid:
        assert checker(result.value) == result


@given(
    scheme=st.sampled_from(sorted(CHECKERS)),
    raw=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ- .", max_size=16),
)
def test_checkers_are_idempotent_on_identifier_like_text(scheme: str, raw: str) -> None:
    # Arbitrary text is almost never valid; this alphabet reaches the valid branches often.
    checker = CHECKERS[scheme]
    result = checker(raw)
    assert result.valid == (result.reason is None)
    if result.valid:
        assert checker(result.value) == result
