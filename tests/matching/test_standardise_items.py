"""Item descriptions and manufacturer part numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching.standardise import (
    UNITS,
    clean_part_number,
    item_abbreviations,
    item_tokens,
    normalise_item_description,
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("GLOVE EXAM NITRILE LG PF", "GLOVE EXAM NITRILE LARGE POWDERFREE"),
        ("Nitrile exam gloves, large, powder-free", "NITRILE EXAM GLOVE LARGE POWDERFREE"),
        ("Glove, Exam, Nitrile, LRG, Powder Free", "GLOVE EXAM NITRILE LARGE POWDERFREE"),
        ("GLOVE EXAM VINYL MED PF 100/BX", "GLOVE EXAM VINYL MEDIUM POWDERFREE 100 BOX"),
        ("Glove exam vinyl md 100 per box", "GLOVE EXAM VINYL MEDIUM 100 BOX"),
        ("GLOVE SURG LTX STER SZ 7.5", "GLOVE SURGICAL LATEX STERILE SIZE 7.5"),
        ("Gloves, Small", "GLOVE SMALL"),
        ("GLOVE SML", "GLOVE SMALL"),
        ("GLOVE SM", "GLOVE SMALL"),
        ("GLOVE XL", "GLOVE XLARGE"),
        ("Glove extra large", "GLOVE XLARGE"),
        ("GOWN ISOLATION X-LARGE", "GOWN ISOLATION XLARGE"),
        ("GOWN XX-LG", "GOWN XXLARGE"),
        ("GOWN XS", "GOWN XSMALL"),
        # Sterility.
        ("SPONGE GAUZE NS", "SPONGE GAUZE NONSTERILE"),
        ("Gauze sponges, non-sterile", "GAUZE SPONGE NONSTERILE"),
        ("GAUZE SPONGE NON STERILE", "GAUZE SPONGE NONSTERILE"),
        ("GAUZE SPONGE NON STER", "GAUZE SPONGE NONSTERILE"),
        ("DRAPE STRL DISP", "DRAPE STERILE DISPOSABLE"),
        ("Drape, sterile, disposable", "DRAPE STERILE DISPOSABLE"),
        ("CATH FOLEY LF", "CATHETER FOLEY LATEXFREE"),
        ("Foley catheter, latex-free", "FOLEY CATHETER LATEXFREE"),
        # Quantities and units.
        ("SYRINGE 10 ml", "SYRINGE 10ML"),
        ("SYRINGE 10mL", "SYRINGE 10ML"),
        ("SYRINGE 10 ML", "SYRINGE 10ML"),
        ("SYRINGE 10-ML", "SYRINGE 10ML"),
        ("SYR 10 MILLILITER", "SYRINGE 10ML"),
        ("SYR 3cc", "SYRINGE 3ML"),
        ("SYR 3 CC", "SYRINGE 3ML"),
        ("SYR 1.0 ML", "SYRINGE 1ML"),
        ("SYR .5 ML", "SYRINGE 0.5ML"),
        ("SYR 0.50ML", "SYRINGE 0.5ML"),
        ("NEEDLE 18 G", "NEEDLE 18GA"),
        ("NDL 18GA", "NEEDLE 18GA"),
        ("Needle, 18 gauge", "NEEDLE 18GA"),
        ("NEEDLE 18-GAUGE", "NEEDLE 18GA"),
        ("NEEDLE 18G X 1 1/2 IN", "NEEDLE 18GA 1.5IN"),
        ('Needle 18 ga 1-1/2"', "NEEDLE 18GA 1.5IN"),
        ("Needle 18 gauge 1.5 inch", "NEEDLE 18GA 1.5IN"),
        ("NEEDLE 25G 5/8IN", "NEEDLE 25GA 0.625IN"),
        ("1 1/2 in", "1.5IN"),
        ("18 G", "18GA"),
        ("CATH FOLEY 16 FR 5 CC", "CATHETER FOLEY 16FR 5ML"),
        ("SODIUM CHLORIDE 0.9 % 1000 ML", "SODIUM CHLORIDE 0.9% 1000ML"),
        ("BAG IV 1 LTR", "BAG IV 1L"),
        ('TAPE 1" X 10 YD', "TAPE 1IN 10YD"),
        ("GAUZE 4 X 4 12 PLY", "GAUZE 4X4 12PLY"),
        ("Gauze 4in x 4in", "GAUZE 4X4IN"),
        ("Gauze 4 x 4 in", "GAUZE 4X4IN"),
        ("CUP 8 OZ", "CUP 8OZ"),
        ("CUP 8 fl oz", "CUP 8OZ"),
        ("WEIGHT 5 LBS", "WEIGHT 5LB"),
        # A bare G: gauge for needle-like devices, grams for ointments, else by range.
        ("BACITRACIN OINTMENT 28 G TUBE", "BACITRACIN OINTMENT 28GM TUBE"),
        ("LUBRICATING JELLY 5 G PACKET", "LUBRICATING JELLY 5GM PACKET"),
        ("IV CATHETER 14 G", "IV CATHETER 14GA"),
        ("BONE MARROW NEEDLE 8 G", "BONE MARROW NEEDLE 8GA"),
        ("SALT 500 G", "SALT 500GM"),
        ("SALT 500 GRAMS", "SALT 500GM"),
        # With and without.
        ("SYR 3ML W/O NDL", "SYRINGE 3ML WITHOUT NEEDLE"),
        ("SYR 3ML W/ NDL 23G", "SYRINGE 3ML WITH NEEDLE 23GA"),
        ("MASK FACE W/EYESHIELD", "MASK FACE WITH EYESHIELD"),
        # Packaging.
        ("10 EA/PK 10 PK/CS", "10 EACH PACK CASE"),
        ("BX OF 100", "BOX 100"),
        # Luer lock.
        ("SYRINGE LUER-LOCK", "SYRINGE LUERLOCK"),
        ("SYRINGE LL", "SYRINGE LUERLOCK"),
        # Deduplicated, order kept; accents and stray punctuation gone.
        ("Glove glove GLOVES", "GLOVE"),
        ("Éponge, stérile.", "EPONGE STERILE"),
        ("**GLOVE** (NITRILE)", "GLOVE NITRILE"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_normalise_item_description(raw: str, normalised: str) -> None:
    assert normalise_item_description(raw) == normalised


def test_none_is_empty() -> None:
    assert normalise_item_description(None) == ""
    assert item_tokens(None) == frozenset()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GLOVE EXAM NITRILE LG PF", "Nitrile exam gloves, large, powder-free"),
        ("SYRINGE 10ML LUER LOCK STERILE", "Syringe, luer-lock, sterile, 10 mL"),
        ("NDL HYPO 18GA 1-1/2IN", 'Hypodermic needle 18 gauge 1 1/2"'),
        ("SYR 3CC", "syringes 3 ml"),
        ("GOWN ISOLATION XL", "Isolation gown, extra-large"),
    ],
)
def test_the_same_product_gives_the_same_tokens(a: str, b: str) -> None:
    assert item_tokens(a) == item_tokens(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("GLOVE EXAM NITRILE LG PF", "GLOVE EXAM NITRILE MED PF"),
        ("GLOVE EXAM NITRILE LG PF", "GLOVE EXAM LATEX LG PF"),
        ("SYRINGE 10ML", "SYRINGE 1ML"),
        ("NEEDLE 18GA", "NEEDLE 21GA"),
        ("DRAPE STERILE", "DRAPE NON-STERILE"),
        ("NEEDLE 18G 1IN", "NEEDLE 18G 1.5IN"),
    ],
)
def test_different_products_keep_different_tokens(a: str, b: str) -> None:
    assert item_tokens(a) != item_tokens(b)


def test_item_tokens() -> None:
    assert item_tokens("GLOVE EXAM NITRILE LG PF") == frozenset(
        {"GLOVE", "EXAM", "NITRILE", "LARGE", "POWDERFREE"}
    )


def test_abbreviation_table() -> None:
    table = item_abbreviations()
    assert len(table) >= 40
    for abbreviation, canonical in [
        ("LG", "LARGE"),
        ("LRG", "LARGE"),
        ("MED", "MEDIUM"),
        ("MD", "MEDIUM"),
        ("SM", "SMALL"),
        ("SML", "SMALL"),
        ("XL", "XLARGE"),
        ("PF", "POWDERFREE"),
        ("POWDER FREE", "POWDERFREE"),
        ("STER", "STERILE"),
        ("STRL", "STERILE"),
        ("NS", "NONSTERILE"),
        ("NON STERILE", "NONSTERILE"),
        ("DISP", "DISPOSABLE"),
        ("SYR", "SYRINGE"),
        ("NDL", "NEEDLE"),
        ("CATH", "CATHETER"),
        ("BX", "BOX"),
        ("CS", "CASE"),
        ("EA", "EACH"),
        ("PK", "PACK"),
        ("GA", "GAUGE"),
        ("GLOVES", "GLOVE"),
    ]:
        assert table[abbreviation] == canonical
    # Canonical tokens are fixed points: normalising a canonical token leaves it alone.
    for canonical in set(table.values()):
        assert normalise_item_description(canonical) == canonical
    assert item_abbreviations() is item_abbreviations()


def test_units_table() -> None:
    assert "CC" in UNITS["ML"]
    assert "GAUGE" in UNITS["GA"]
    assert '"' in UNITS["IN"]


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("N881-12 LG", "N88112LG"),
        ("N88112LG", "N88112LG"),
        ("n881-12 lg", "N88112LG"),
        ("N881.12/LG", "N88112LG"),
        ("#N881-12 LG", "N88112LG"),
        ("PN: N881-12 LG", "N88112LG"),
        ("PN N881-12 LG", "N88112LG"),
        ("PN#N881-12", "N88112"),
        ("P/N N881-12 LG", "N88112LG"),
        ("P/N: N881-12 LG", "N88112LG"),
        ("p/n n881-12", "N88112"),
        ("MPN: 305196", "305196"),
        ("MPN:305196", "305196"),
        ("Mfr PN: 305196", "305196"),
        ("Part No. 55-1", "551"),
        ("Cat # 8881-21", "888121"),
        ("REF 8881-21", "888121"),
        (" 00-123 ", "00123"),  # leading zeros are significant
        ("ABC_123 (rev)", "ABC123REV"),
        # A part number that merely starts with the letters of a label keeps them.
        ("PN1234", "PN1234"),
        ("REFILL-1", "REFILL1"),
        ("CATH-12", "CATH12"),
        ("", ""),
        (None, ""),
        ("---", ""),
    ],
)
def test_clean_part_number(raw: str | None, cleaned: str) -> None:
    assert clean_part_number(raw) == cleaned


@given(st.text(max_size=40))
def test_never_raises_and_is_idempotent(text: str) -> None:
    normalised = normalise_item_description(text)
    assert normalised == normalised.strip()
    assert "  " not in normalised
    tokens = normalised.split()
    assert len(tokens) == len(set(tokens))
    part = clean_part_number(text)
    assert part.isascii()
    assert part == "" or part.isalnum()
