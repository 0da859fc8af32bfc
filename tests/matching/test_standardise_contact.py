"""Phone numbers to E.164 and e-mail address normalisation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.standardise import check_email, check_phone


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("(512) 555-0142", "+15125550142"),
        ("512.555.0142", "+15125550142"),
        ("512-555-0142", "+15125550142"),
        ("5125550142", "+15125550142"),
        ("1-512-555-0142", "+15125550142"),
        ("1 (512) 555-0142", "+15125550142"),
        ("+1 512 555 0142", "+15125550142"),
        ("+15125550142", "+15125550142"),
        ("512/555-0142", "+15125550142"),
        ("(512) 555-0142 x123", "+15125550142"),
        ("512-555-0142x123", "+15125550142"),
        ("512-555-0142 ext. 123", "+15125550142"),
        ("512-555-0142 EXT 9", "+15125550142"),
        ("512-555-0142, extension 45", "+15125550142"),
        ("512-555-0142 #7", "+15125550142"),
        ("  (212) 555 0100  ", "+12125550100"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+49 30 901820", "+4930901820"),
        ("011 44 20 7946 0958", "+442079460958"),
    ],
)
def test_valid_phones(raw: str, value: str) -> None:
    result = check_phone(raw)
    assert (result.scheme, result.value, result.valid, result.reason) == (
        "phone",
        value,
        True,
        None,
    )


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("(112) 555-0142", "1125550142", "area code 112 must start with 2-9"),
        ("012-555-0142", "0125550142", "area code 012 must start with 2-9"),
        ("911-555-0142", "9115550142", "area code 911 is a service code"),
        ("512-155-0142", "5121550142", "exchange code 155 must start with 2-9"),
        ("512-055-0142", "5120550142", "exchange code 055 must start with 2-9"),
        ("512-411-0142", "5124110142", "exchange code 411 is a service code"),
        ("555-0142", "5550142", "NANP number must have 10 digits, got 7"),
        ("2-512-555-0142", "25125550142", "NANP number must have 10 digits, got 11"),
        ("+1 512 555 014", "1512555014", "NANP number must have 10 digits, got 9"),
        ("+44 20 79", "442079", "international number must be 8-15 digits, got 6"),
        (
            "+44 1234 5678 9012 34",
            "4412345678901234",
            "international number must be 8-15 digits, got 16",
        ),
        ("1-800-FLOWERS", "1800", "phone number contains letters or unexpected symbols"),
        ("512+555-0142", "5125550142", "phone number contains letters or unexpected symbols"),
        ("", "", "phone number is empty"),
        ("   ", "", "phone number is empty"),
        ("ext. 12", "", "phone number is empty"),
    ],
)
def test_invalid_phones_keep_digits_as_sent(raw: str, value: str, reason: str) -> None:
    result = check_phone(raw)
    assert (result.value, result.valid, result.reason) == (value, False, reason)


def test_phone_accepts_other_nanp_default_country() -> None:
    assert check_phone("416-555-0142", default_country="CA").value == "+14165550142"
    assert check_phone("787-555-0142", default_country="pr").valid


def test_phone_rejects_non_nanp_default_country_as_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="not a NANP country"):
        check_phone("020 7946 0958", default_country="GB")


def test_phone_accepts_none_from_sources() -> None:
    assert check_phone(None).reason == "phone number is empty"


@given(
    area=st.integers(200, 999).filter(lambda n: n % 100 != 11),
    exchange=st.integers(200, 999).filter(lambda n: n % 100 != 11),
    line=st.integers(0, 9999),
    style=st.sampled_from(["({a}) {e}-{l}", "{a}.{e}.{l}", "1-{a}-{e}-{l}", "+1 {a} {e} {l}"]),
)
def test_any_valid_nanp_number_in_any_style_gives_the_same_e164(
    area: int, exchange: int, line: int, style: str
) -> None:
    raw = style.format(a=area, e=exchange, l=f"{line:04d}")
    assert check_phone(raw).value == f"+1{area}{exchange}{line:04d}"


@given(st.text())
def test_phone_never_raises_and_valid_values_are_e164(raw: str) -> None:
    result = check_phone(raw)
    assert result.valid == (result.reason is None)
    if result.valid:
        assert result.value.startswith("+")
        assert result.value[1:].isdigit()
        assert check_phone(result.value) == result


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("jane.doe@example.org", "jane.doe@example.org"),
        ("  Jane.Doe@Example.ORG  ", "jane.doe@example.org"),
        ("J.SMITH+billing@Mail.Hospital.COM", "j.smith+billing@mail.hospital.com"),
        ("o'brien@clinic.health", "o'brien@clinic.health"),
        ("a@b.co", "a@b.co"),
        ("first_last-1@sub-domain.example.com", "first_last-1@sub-domain.example.com"),
    ],
)
def test_valid_emails(raw: str, value: str) -> None:
    result = check_email(raw)
    assert (result.scheme, result.value, result.valid, result.reason) == (
        "email",
        value,
        True,
        None,
    )


@pytest.mark.parametrize(
    ("raw", "value", "reason"),
    [
        ("", "", "e-mail address is empty"),
        ("jane.doe", "jane.doe", "e-mail address must contain exactly one @"),
        (
            "jane@doe@example.org",
            "jane@doe@example.org",
            "e-mail address must contain exactly one @",
        ),
        ("@example.org", "@example.org", "local part is empty"),
        ("jane doe@example.org", "jane doe@example.org", "e-mail address contains whitespace"),
        ("jane.doe@example", "jane.doe@example", "domain has no dot"),
        ("jane.doe@example..org", "jane.doe@example..org", "domain has an empty label"),
        ("jane.doe@.example.org", "jane.doe@.example.org", "domain has an empty label"),
        ("jane.doe@example.org.", "jane.doe@example.org.", "domain has an empty label"),
        (
            "jane.doe@-example.org",
            "jane.doe@-example.org",
            "domain label starts or ends with a hyphen",
        ),
        ("jane..doe@example.org", "jane..doe@example.org", "local part has a misplaced dot"),
        (".jane@example.org", ".jane@example.org", "local part has a misplaced dot"),
        (
            "Jane <jane@example.org>",
            "jane <jane@example.org>",
            "e-mail address contains whitespace",
        ),
        (
            "<jane@example.org>",
            "<jane@example.org>",
            "e-mail address contains a forbidden character",
        ),
        ("jane@10.0.0.1", "jane@10.0.0.1", "top-level domain is numeric"),
        (
            "j" * 65 + "@example.org",
            "j" * 65 + "@example.org",
            "local part is longer than 64 characters",
        ),
    ],
)
def test_invalid_emails_keep_the_cleaned_value(raw: str, value: str, reason: str) -> None:
    result = check_email(raw)
    assert (result.value, result.valid, result.reason) == (value, False, reason)


@given(st.text())
def test_email_never_raises_and_is_idempotent(raw: str) -> None:
    result = check_email(raw)
    assert result.valid == (result.reason is None)
    assert check_email(result.value) == result
