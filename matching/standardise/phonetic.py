"""Phonetic keys for names: NYSIIS and American Soundex.

Both reduce a name to a key that sounds-alike spellings share ("Smith"/"Smyth",
"Catherine"/"Kathryn"), so that blocking and comparisons tolerate spelling variation.
Input is accent-stripped and uppercased and everything but the letters A-Z is dropped
("O'Brien" is OBRIEN, "Peña" is PENA); a name with no letters gives "".

>>> soundex("Robert"), soundex("Rupert"), nysiis("Macintosh")
('R163', 'R163', 'MCANT')
"""

from matching.standardise.text import strip_accents

__all__ = ["nysiis", "soundex"]

_SOUNDEX_CODES = {
    **dict.fromkeys("BFPV", "1"),
    **dict.fromkeys("CGJKQSXZ", "2"),
    **dict.fromkeys("DT", "3"),
    "L": "4",
    **dict.fromkeys("MN", "5"),
    "R": "6",
}
_VOWELS = frozenset("AEIOU")

# NYSIIS first-letter and last-letter rewrites, longest match first.
_NYSIIS_PREFIXES = (("MAC", "MCC"), ("SCH", "SSS"), ("KN", "NN"), ("PH", "FF"), ("PF", "FF"))
_NYSIIS_SUFFIXES = (
    ("EE", "Y"),
    ("IE", "Y"),
    ("DT", "D"),
    ("RT", "D"),
    ("RD", "D"),
    ("NT", "D"),
    ("ND", "D"),
)
_NYSIIS_LETTER = {"Q": "G", "Z": "S", "M": "N"}


def _letters(name: str | None) -> str:
    if not name:
        return ""
    return "".join(char for char in strip_accents(name).upper() if "A" <= char <= "Z")


def soundex(name: str | None) -> str:
    """American Soundex: first letter and three digits, padded with zeros.

    Letters coded the same are written once when adjacent, also across H and W (the H/W
    rule) and when the first letter shares their code; vowels and Y separate them.

    >>> soundex("Ashcraft"), soundex("Tymczak"), soundex("Pfister"), soundex("Lee")
    ('A261', 'T522', 'P236', 'L000')
    >>> soundex("O'Hara"), soundex("")
    ('O600', '')
    """
    letters = _letters(name)
    if not letters:
        return ""
    digits: list[str] = []
    previous = _SOUNDEX_CODES.get(letters[0], "")
    for char in letters[1:]:
        code = _SOUNDEX_CODES.get(char, "")
        if code:
            if code != previous:
                digits.append(code)
                if len(digits) == 3:
                    break
            previous = code
        elif char not in "HW":
            previous = ""  # a vowel (or Y) separates letters with the same code
    return (letters[0] + "".join(digits)).ljust(4, "0")


def _nysiis_rewrite(chars: list[str], index: int) -> None:
    """Apply the NYSIIS letter rules at ``index``, rewriting ``chars`` in place."""
    char = chars[index]
    following = chars[index + 1] if index + 1 < len(chars) else ""
    preceding = chars[index - 1]
    if char in _VOWELS:
        if char == "E" and following == "V":
            chars[index : index + 2] = ["A", "F"]
        else:
            chars[index] = "A"
    elif char in _NYSIIS_LETTER:
        chars[index] = _NYSIIS_LETTER[char]
    elif char == "K":
        chars[index] = "N" if following == "N" else "C"
    elif char == "S" and chars[index + 1 : index + 3] == ["C", "H"]:
        chars[index : index + 3] = ["S", "S", "S"]
    elif char == "P" and following == "H":
        chars[index : index + 2] = ["F", "F"]
    elif char == "H" and (preceding not in _VOWELS or following not in _VOWELS):
        chars[index] = preceding
    elif char == "W" and preceding in _VOWELS:
        chars[index] = preceding


def nysiis(name: str | None) -> str:
    """New York State Identification and Intelligence System key, full length.

    The original rules (Taft, 1970): first-letter rewrites (MAC, KN, K, PH, PF, SCH), last
    letters (EE, IE → Y; DT, RT, RD, NT, ND → D), then a left-to-right scan that rewrites
    letters in the name itself, so that later rules see earlier rewrites (vowels become A,
    EV becomes AF, Q → G, Z → S, M → N, K → C or N before N, SCH → SSS, PH → FF, H after or
    before a non-vowel and W after a vowel become the preceding letter), writing a letter
    only when it differs from the last one written. Finally a trailing S is dropped, a
    trailing AY becomes Y and a trailing A is dropped. The key is not truncated to six
    characters, and a one-letter key is never emptied by the final rules. Y is not a vowel.

    >>> nysiis("Knuth"), nysiis("Phillipson"), nysiis("Schoenhoeft"), nysiis("Carraway")
    ('NAT', 'FALAPSAN', 'SANAFT', 'CARY')
    >>> nysiis("Casstevens"), nysiis("Heitschmidt"), nysiis(None)
    ('CASTAFAN', 'HATSNAD', '')
    """
    letters = _letters(name)
    if not letters:
        return ""
    for old, new in _NYSIIS_PREFIXES:
        if letters.startswith(old):
            letters = new + letters[len(old) :]
            break
    else:
        if letters.startswith("K"):
            letters = "C" + letters[1:]
    for old, new in _NYSIIS_SUFFIXES:
        if len(letters) > len(old) and letters.endswith(old):
            letters = letters[: -len(old)] + new
            break

    chars = list(letters)
    key = [chars[0]]
    index = 1
    while index < len(chars):
        _nysiis_rewrite(chars, index)
        if chars[index] != key[-1]:
            key.append(chars[index])
        index += 1

    if len(key) > 1 and key[-1] == "S":
        key.pop()
    if len(key) > 1 and key[-2:] == ["A", "Y"]:
        key[-2:] = ["Y"]
    if len(key) > 1 and key[-1] == "A":
        key.pop()
    return "".join(key)
