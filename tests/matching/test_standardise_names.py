"""Person-name parsing, casing, credentials, suffixes and separately-sent name parts."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from matching.standardise import (
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


def name(
    first: str | None = None,
    middle: str | None = None,
    last: str | None = None,
    suffix: str | None = None,
    credentials: tuple[str, ...] = (),
    prefix: str | None = None,
) -> PersonName:
    return PersonName(first, middle, last, suffix, credentials, prefix)


PARSE_CASES = [
    # LAST, FIRST M
    ("SMITH, JOHN A", name("John", "A", "Smith")),
    ("Smith, John A.", name("John", "A", "Smith")),
    ("SMITH,JOHN", name("John", None, "Smith")),
    # LAST, FIRST MIDDLE, MD
    ("SMITH, JOHN MICHAEL, MD", name("John", "Michael", "Smith", credentials=("MD",))),
    ("Smith, John A., M.D., F.A.C.S.", name("John", "A", "Smith", credentials=("MD", "FACS"))),
    # Last Jr, First
    ("Smith Jr, John", name("John", None, "Smith", "JR")),
    ("SMITH III, JOHN A", name("John", "A", "Smith", "III")),
    ("Smith, Jr., John", name("John", None, "Smith", "JR")),
    ("Smith, John, Jr.", name("John", None, "Smith", "JR")),
    # First M. Last, MD
    ("John A. Smith, MD", name("John", "A", "Smith", credentials=("MD",))),
    ("John A Smith, M.D.", name("John", "A", "Smith", credentials=("MD",))),
    # Dr. First Last MD FACS
    (
        "Dr. John Smith MD FACS",
        name("John", None, "Smith", credentials=("MD", "FACS"), prefix="DR"),
    ),
    ("DR JOHN SMITH", name("John", None, "Smith", prefix="DR")),
    # First Last, M.D., Ph.D.
    ("John Smith, M.D., Ph.D.", name("John", None, "Smith", credentials=("MD", "PHD"))),
    ("John Smith MD, PhD", name("John", None, "Smith", credentials=("MD", "PHD"))),
    ("Jane Doe MD/PhD", name("Jane", None, "Doe", credentials=("MD", "PHD"))),
    ("John Smith Ph. D.", name("John", None, "Smith", credentials=("PHD",))),
    ("Jane Doe, M D", name("Jane", None, "Doe", credentials=("MD",))),
    ("Smith, M D", name("M", "D", "Smith")),
    ("Jane Doe, FNP BC", name("Jane", None, "Doe", credentials=("FNP-BC",))),
    ("Aa, Lp N, MD", name("Lp", "N", "Aa", credentials=("MD",))),
    ("Smith, M.D.", name(None, None, "Smith", credentials=("MD",))),
    # FIRST LAST JR
    ("JOHN SMITH JR", name("John", None, "Smith", "JR")),
    ("John Smith Jr.", name("John", None, "Smith", "JR")),
    ("JOHN SMITH 3RD", name("John", None, "Smith", "III")),
    ("JOHN A SMITH-JONES III, M.D.", name("John", "A", "Smith-Jones", "III", ("MD",))),
    # Apostrophes, hyphens, Mc
    ("O'Brien, Mary-Kate", name("Mary-Kate", None, "O'Brien")),
    ("O'BRIEN, MARY-KATE", name("Mary-Kate", None, "O'Brien")),
    ("O\u2019Brien, Mary", name("Mary", None, "O'Brien")),
    ("D'ANGELO, ANTHONY J.", name("Anthony", "J", "D'Angelo")),
    ("mcdonald, ronald", name("Ronald", None, "McDonald")),
    ("McDONALD, RONALD", name("Ronald", None, "McDonald")),
    ("DeVito, Danny", name("Danny", None, "DeVito")),
    # Particles stay with (and lowercase in) the last name
    ("de la Cruz, Juan", name("Juan", None, "de la Cruz")),
    ("DE LA CRUZ, JUAN", name("Juan", None, "de la Cruz")),
    ("Juan de la Cruz", name("Juan", None, "de la Cruz")),
    ("Dr. Juan de la Cruz MD FACS", name("Juan", None, "de la Cruz", None, ("MD", "FACS"), "DR")),
    ("Ludwig van Beethoven", name("Ludwig", None, "van Beethoven")),
    ("Hans van der Berg", name("Hans", None, "van der Berg")),
    ("Maria da Silva", name("Maria", None, "da Silva")),
    ("Ursula von der Leyen", name("Ursula", None, "von der Leyen")),
    ("Mary St. John", name("Mary", None, "St John")),
    # Credentials glued on, with or without commas
    ("Smith, John MD", name("John", None, "Smith", credentials=("MD",))),
    ("John Smith MD", name("John", None, "Smith", credentials=("MD",))),
    ("Jane Doe, PA-C", name("Jane", None, "Doe", credentials=("PA-C",))),
    ("Jane Doe PA-C, FNP-BC", name("Jane", None, "Doe", credentials=("PA-C", "FNP-BC"))),
    ("Jane Doe, APRN, FNP-BC", name("Jane", None, "Doe", credentials=("APRN", "FNP-BC"))),
    ("Jane Doe RN BSN", name("Jane", None, "Doe", credentials=("RN", "BSN"))),
    ("Ms. Jane Doe, MS", name("Jane", None, "Doe", credentials=("MS",), prefix="MS")),
    ("Prof. Dr. Hans von Trapp", name("Hans", None, "von Trapp", prefix="PROF")),
    ("Smith, Dr. John", name("John", None, "Smith", prefix="DR")),
    # Names that look like credentials or suffixes
    ("Minh Do", name("Minh", None, "Do")),
    ("Nguyen, Do", name("Do", None, "Nguyen")),
    ("van Nguyen, Ma", name("Ma", None, "van Nguyen")),
    ("Nguyen Jr, Do", name("Do", None, "Nguyen", "JR")),
    ("Anh Nguyen, DO", name("Anh", None, "Nguyen", credentials=("DO",))),
    ("John Smith DO", name("John", None, "Smith", credentials=("DO",))),
    ("Minh Do MD", name("Minh", None, "Do", credentials=("MD",))),
    ("Wei Ma", name("Wei", None, "Ma")),
    ("SMITH, JOHN V", name("John", "V", "Smith")),
    ("JOHN V SMITH", name("John", "V", "Smith")),
    ("JOHN SMITH V", name("John", None, "Smith", "V")),
    # Middles, nicknames, single names
    ("John Paul Andrew Smith", name("John", "Paul Andrew", "Smith")),
    ("Smith, John (Jack) A.", name("John", "A", "Smith")),
    ('Robert "Bob" Smith', name("Robert", None, "Smith")),
    ("Madonna", name(None, None, "Madonna")),
    ("Smith MD", name(None, None, "Smith", credentials=("MD",))),
    ("  jane    DOE  ", name("Jane", None, "Doe")),
    ("José Peña", name("José", None, "Peña")),
    # Nothing to parse
    ("MD, PhD", name(credentials=("MD", "PHD"))),
    ("", name()),
    ("   ", name()),
    (",,, ;", name()),
    ("!!! ---", name()),
]


@pytest.mark.parametrize(("raw", "expected"), PARSE_CASES)
def test_parse_person_name(raw: str, expected: PersonName) -> None:
    assert parse_person_name(raw) == expected


def test_parse_person_name_accepts_none() -> None:
    assert parse_person_name(None) == PersonName()


@pytest.mark.parametrize(
    ("raw", "cased"),
    [
        ("o'brien", "O'Brien"),
        ("O'BRIEN", "O'Brien"),
        ("mcdonald", "McDonald"),
        ("MCDONALD", "McDonald"),
        ("MARY-KATE", "Mary-Kate"),
        ("mary-kate o'brien", "Mary-Kate O'Brien"),
        ("d'angelo", "D'Angelo"),
        ("DE LA CRUZ", "de la Cruz"),
        ("De La Cruz", "de la Cruz"),
        ("VAN DER BERG", "van der Berg"),
        ("le", "Le"),
        ("Van", "Van"),
        ("ST JOHN", "St John"),
        ("DeVito", "DeVito"),
        ("MacArthur", "MacArthur"),
        ("MACARTHUR", "Macarthur"),
        ("JOHN SMITH III", "John Smith III"),
        ("ÉMILE ZOLA", "Émile Zola"),
        ("  jane   doe ", "Jane Doe"),
        ("", ""),
    ],
)
def test_title_case_name(raw: str, cased: str) -> None:
    assert title_case_name(raw) == cased


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("MD", "MD"),
        ("M.D.", "MD"),
        ("md", "MD"),
        ("M D", "MD"),
        ("D.O.", "DO"),
        ("FNP-BC", "FNP-BC"),
        ("fnp bc", "FNP-BC"),
        ("FNP", "FNP"),
        ("APRN", "APRN"),
        ("CRNP", "CRNP"),
        ("ANP", "ANP"),
        ("NP", "NP"),
        ("PA-C", "PA-C"),
        ("P.A.-C.", "PA-C"),
        ("P.A.", "PA"),
        ("Ph.D.", "PHD"),
        ("PsyD", "PSYD"),
        ("Pharm.D.", "PHARMD"),
        ("MBBS", "MBBS"),
        ("F.A.C.S.", "FACS"),
        ("MSc", "MS"),
        ("LCSW", "LCSW"),
    ],
)
def test_normalise_credential(raw: str, canonical: str) -> None:
    assert normalise_credential(raw) == canonical


@pytest.mark.parametrize("raw", ["Smith", "John", "", None, "Jr", "Dr", "MDX", "M.D.D."])
def test_normalise_credential_rejects_non_credentials(raw: str | None) -> None:
    assert normalise_credential(raw) is None


def test_credential_table_spellings_map_back_to_their_canonical() -> None:
    required = {
        "MD",
        "DO",
        "NP",
        "FNP",
        "APRN",
        "CRNP",
        "FNP-BC",
        "ANP",
        "PA",
        "PA-C",
        "RN",
        "LPN",
        "CRNA",
        "CNM",
        "DPM",
        "DDS",
        "DMD",
        "OD",
        "PHD",
        "PSYD",
        "PHARMD",
        "DC",
        "DPT",
        "PT",
        "OT",
        "LCSW",
        "LPC",
        "MBBS",
        "FACS",
        "FACP",
        "FAAP",
        "MPH",
        "MS",
        "MBA",
    }
    assert required <= set(CREDENTIALS)
    for canonical, spellings in CREDENTIALS.items():
        assert normalise_credential(canonical) == canonical
        for spelling in spellings:
            assert normalise_credential(spelling) == canonical, spelling


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Jr.", "JR"),
        ("jr", "JR"),
        ("junior", "JR"),
        ("Sr.", "SR"),
        ("SENIOR", "SR"),
        ("II", "II"),
        ("2nd", "II"),
        ("III", "III"),
        ("3RD", "III"),
        ("iv", "IV"),
        ("4th", "IV"),
        ("V", "V"),
    ],
)
def test_normalise_suffix(raw: str, canonical: str) -> None:
    assert normalise_suffix(raw) == canonical


@pytest.mark.parametrize("raw", ["MD", "Smith", "VI", "1st", "", None])
def test_normalise_suffix_rejects_non_suffixes(raw: str | None) -> None:
    assert normalise_suffix(raw) is None


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Dr.", "DR"),
        ("doctor", "DR"),
        ("Mr", "MR"),
        ("MRS.", "MRS"),
        ("Ms.", "MS"),
        ("Miss", "MS"),
        ("Mx", "MX"),
        ("Prof.", "PROF"),
        ("Professor", "PROF"),
    ],
)
def test_normalise_prefix(raw: str, canonical: str) -> None:
    assert normalise_prefix(raw) == canonical


def test_suffix_and_prefix_tables() -> None:
    assert set(SUFFIXES) == {"JR", "SR", "II", "III", "IV", "V"}
    assert set(PREFIXES) == {"DR", "MR", "MRS", "MS", "MX", "PROF"}


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("JOHN", "A", "SMITH", None), name("John", "A", "Smith")),
        (("JOHN", "A.", "SMITH MD", None), name("John", "A", "Smith", credentials=("MD",))),
        (("JOHN", None, "SMITH JR", None), name("John", None, "Smith", "JR")),
        (("JOHN", None, "SMITH JR MD", None), name("John", None, "Smith", "JR", ("MD",))),
        (("JOHN", None, "SMITH, M.D.", None), name("John", None, "Smith", credentials=("MD",))),
        (("JOHN A", None, "SMITH", None), name("John", "A", "Smith")),
        (("MARY KATE", None, "SMITH", None), name("Mary Kate", None, "Smith")),
        (
            ("DR JANE", "Q", "VAN DER BERG", "III"),
            name("Jane", "Q", "van der Berg", "III", prefix="DR"),
        ),
        (("JANE", None, "DOE", "MD"), name("Jane", None, "Doe", credentials=("MD",))),
        (("JANE", None, "DOE", "Jr."), name("Jane", None, "Doe", "JR")),
        (("JANE", None, "DOE", "ESQ."), name("Jane", None, "Doe", "ESQ")),
        (("JANE", None, "DOE JR", "MD"), name("Jane", None, "Doe", "JR", ("MD",))),
        (("MINH", None, "DO", None), name("Minh", None, "Do")),
        (("ANH", None, "NGUYEN DO", None), name("Anh", None, "Nguyen Do")),
        (("JOHN", None, "SMITH V", None), name("John", None, "Smith", "V")),
        (("mary-kate", None, "o'brien", None), name("Mary-Kate", None, "O'Brien")),
        (("  ", "", None, None), name()),
        ((None, None, None, None), name()),
    ],
)
def test_clean_name_parts(
    parts: tuple[str | None, str | None, str | None, str | None], expected: PersonName
) -> None:
    assert clean_name_parts(*parts) == expected


# ---- properties -------------------------------------------------------------------------

_RESERVED = {
    "".join(char for char in spelling.upper() if char.isalnum())
    for table in (CREDENTIALS, SUFFIXES, PREFIXES)
    for canonical, spellings in table.items()
    for spelling in (canonical, *spellings)
} | {
    "DE",
    "DEL",
    "DELLA",
    "DER",
    "DEN",
    "DA",
    "DAS",
    "DOS",
    "DU",
    "DI",
    "DES",
    "LA",
    "LE",
    "VAN",
    "VON",
    "TER",
    "TEN",
    "ST",
    "MC",
    "MAC",
}
plain_names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12).filter(
    lambda s: s.upper() not in _RESERVED and not s.startswith("mc")
)


@given(st.text())
def test_parse_person_name_never_raises(raw: str) -> None:
    parsed = parse_person_name(raw)
    assert set(parsed.credentials) <= set(CREDENTIALS)
    assert len(set(parsed.credentials)) == len(parsed.credentials)
    assert parsed.suffix is None or parsed.suffix in SUFFIXES
    assert parsed.prefix is None or parsed.prefix in PREFIXES
    for part in (parsed.first, parsed.middle, parsed.last):
        assert part is None or (part and part == part.strip())


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.text(max_size=20),
    st.text(max_size=40),
    st.text(max_size=10),
)
def test_clean_name_parts_never_raises(first: str, middle: str, last: str, suffix: str) -> None:
    cleaned = clean_name_parts(first, middle, last, suffix)
    assert set(cleaned.credentials) <= set(CREDENTIALS)


@given(
    first=plain_names,
    middle=st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
    last=plain_names,
    credential=st.sampled_from(["MD", "M.D.", "DO", "PhD", "NP", "PA-C"]),
)
def test_all_supported_layouts_agree(first: str, middle: str, last: str, credential: str) -> None:
    assume(first != last)
    layouts = [
        f"{last}, {first} {middle}, {credential}",
        f"{last.upper()}, {first.upper()} {middle.upper()}. {credential}",
        f"{first} {middle}. {last}, {credential}",
        f"{first.upper()} {middle.upper()} {last.upper()} {credential}",
        f"Dr. {first} {middle} {last} {credential}",
    ]
    parsed = [parse_person_name(layout) for layout in layouts]
    expected = (
        first.capitalize(),
        middle.upper(),
        last.capitalize(),
        (normalise_credential(credential),),
    )
    for result in parsed:
        assert (result.first, result.middle, result.last, result.credentials) == expected


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'- ", max_size=30))
def test_title_case_name_is_idempotent(raw: str) -> None:
    once = title_case_name(raw)
    assert title_case_name(once) == once
