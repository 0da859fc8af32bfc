"""Given-name nicknames: forms, matching, and the shipped table."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.standardise import given_name_forms, nickname_table, same_given_name


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Bill", {"BILL", "WILLIAM"}),
        ("billy", {"BILLY", "WILLIAM"}),
        ("Billie", {"BILLIE", "WILLIAM", "WILHELMINA"}),
        ("William", {"WILLIAM"}),
        ("Bob", {"BOB", "ROBERT"}),
        ("Rob", {"ROB", "ROBERT"}),
        ("Bobby", {"BOBBY", "ROBERT"}),
        ("Dick", {"DICK", "RICHARD"}),
        ("Rick", {"RICK", "RICHARD", "ERIC", "FREDERICK", "RODERICK"}),
        ("Peggy", {"PEGGY", "MARGARET"}),
        ("Maggie", {"MAGGIE", "MARGARET", "MAGDALENA"}),
        ("Meg", {"MEG", "MARGARET"}),
        ("Liz", {"LIZ", "ELIZABETH"}),
        ("Beth", {"BETH", "ELIZABETH"}),
        ("Betsy", {"BETSY", "ELIZABETH"}),
        ("Eliza", {"ELIZA", "ELIZABETH"}),
        ("Kate", {"KATE", "KATHERINE", "CATHERINE", "KATHLEEN"}),
        ("Cathy", {"CATHY", "CATHERINE"}),
        ("Jim", {"JIM", "JAMES"}),
        ("Jimmy", {"JIMMY", "JAMES"}),
        ("Jon", {"JON", "JONATHAN"}),
        ("Jack", {"JACK", "JOHN"}),
        ("Johnny", {"JOHNNY", "JOHN"}),
        ("Mike", {"MIKE", "MICHAEL"}),
        ("Pat", {"PAT", "PATRICIA", "PATRICK"}),
        ("Patty", {"PATTY", "PATRICIA"}),
        ("Jen", {"JEN", "JENNIFER"}),
        ("Jenny", {"JENNY", "JENNIFER"}),
        ("Pepe", {"PEPE", "JOSE"}),
        ("Chuy", {"CHUY", "JESUS"}),
        # A name the table does not know is only itself.
        ("Xiomara", {"XIOMARA"}),
        # Uppercase, accents stripped, letters only.
        ("José", {"JOSE"}),
        ("  bill. ", {"BILL", "WILLIAM"}),
        ("Mary-Ann", {"MARYANN"}),
    ],
)
def test_given_name_forms(name: str, forms: set[str]) -> None:
    assert given_name_forms(name) == frozenset(forms)


@pytest.mark.parametrize(
    "formal",
    ["WILLIAM", "ROBERT", "RICHARD", "MARGARET", "ELIZABETH", "KATHERINE", "CATHERINE", "JAMES",
     "JONATHAN", "JOHN", "MICHAEL", "CHRISTOPHER", "PATRICIA", "PATRICK", "JENNIFER"],
)  # fmt: skip
def test_a_formal_name_is_only_itself(formal: str) -> None:
    assert given_name_forms(formal.title()) == frozenset({formal})


@pytest.mark.parametrize("empty", [None, "", "   ", "-", "123", "."])
def test_empty_gives_no_forms(empty: str | None) -> None:
    assert given_name_forms(empty) == frozenset()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bill", "William"),
        ("WILLIAM", "bill"),
        ("Bill", "Billy"),  # two nicknames of one formal name
        ("Bob", "Robbie"),
        ("Dick", "Rick"),
        ("Peggy", "Maggie"),
        ("Liz", "Betsy"),
        ("Kate", "Katherine"),
        ("Kate", "Catherine"),
        ("Cathy", "Catherine"),
        ("Chris", "Christopher"),
        ("Chris", "Christine"),
        ("Jim", "James"),
        ("Jack", "John"),
        ("Jon", "Jonathan"),
        ("Mike", "Michael"),
        ("Pat", "Patricia"),
        ("Pat", "Patrick"),
        ("Jen", "Jennifer"),
        ("Jenny", "Jen"),
        ("Peña", "PENA"),
        ("Smith", "smith"),
    ],
)
def test_same_given_name(a: str, b: str) -> None:
    assert same_given_name(a, b)
    assert same_given_name(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("William", "Robert"),
        ("Bill", "Bob"),
        # Formal names never match each other, even when they share a nickname or a sound.
        ("Patricia", "Patrick"),
        ("Katherine", "Catherine"),
        ("Christine", "Christopher"),
        ("Jon", "John"),  # Jon is Jonathan, not John
        ("Jonathan", "John"),
        ("Jack", "James"),
        ("Liz", "Lisa"),
        ("", ""),
        (None, None),
        ("Bill", None),
    ],
)
def test_different_given_names(a: str | None, b: str | None) -> None:
    assert not same_given_name(a, b)
    assert not same_given_name(b, a)


def test_table_covers_at_least_150_formal_names() -> None:
    table = nickname_table()
    assert len(table) >= 150
    for formal, nicknames in [
        ("ROBERT", {"BOB", "ROB", "BOBBY"}),
        ("RICHARD", {"DICK", "RICK"}),
        ("MARGARET", {"PEGGY", "MAGGIE", "MEG"}),
        ("ELIZABETH", {"LIZ", "BETH", "BETSY", "ELIZA"}),
        ("KATHERINE", {"KATE", "KATHY"}),
        ("CATHERINE", {"KATE", "CATHY"}),
        ("WILLIAM", {"BILL", "BILLY", "WILL", "WILLIE", "LIAM"}),
        ("JAMES", {"JIM", "JIMMY"}),
        ("JONATHAN", {"JON"}),
        ("JOHN", {"JACK", "JOHNNY"}),
        ("MICHAEL", {"MIKE"}),
        ("CHRISTOPHER", {"CHRIS"}),
        ("PATRICIA", {"PAT", "PATTY"}),
        ("JENNIFER", {"JEN", "JENNY"}),
    ]:
        assert nicknames <= set(table[formal]), formal


def test_table_is_canonical() -> None:
    table = nickname_table()
    nicknames = {nickname for values in table.values() for nickname in values}
    # A formal name is never someone's nickname: that keeps "formal gives only itself" true.
    assert not nicknames & set(table)
    for formal, values in table.items():
        assert formal.isalpha()
        assert formal.isupper()
        assert values, formal
        assert len(values) == len(set(values)), formal
        assert all(value.isalpha() and value.isupper() for value in values), formal


def test_table_is_loaded_once() -> None:
    assert nickname_table() is nickname_table()


@given(st.text(max_size=20))
def test_forms_contain_the_name_and_never_raise(name: str) -> None:
    forms = given_name_forms(name)
    assert all(form.isascii() and form.isalpha() and form.isupper() for form in forms)
    if forms:
        assert same_given_name(name, name)
