"""Given-name nicknames: "Bill" and "William" are the same first name.

Sources disagree on given names far more often than on surnames: a registration desk types
what the patient says ("Bob"), a credentialing file has what the licence says ("Robert").
This module canonicalises a given name to the formal names it can stand for, from a table
shipped as package data (``matching/data/nicknames.csv``, columns ``formal,nicknames`` with
the nicknames ``|``-separated).

Only nickname → formal links are followed. Two formal names never match each other, even
when they share nicknames ("Patricia" and "Patrick" share "Pat") or are spelling variants
("Katherine" and "Catherine"): spelling is the job of the phonetic and fuzzy comparisons.

>>> sorted(given_name_forms("Bill"))
['BILL', 'WILLIAM']
>>> same_given_name("Peggy", "MARGARET")
True
"""

import csv
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from matching.standardise.text import strip_accents

__all__ = ["given_name_forms", "nickname_table", "same_given_name"]

_DATA_PACKAGE = "matching"
_DATA_FILE = ("data", "nicknames.csv")


def _name_key(name: str) -> str:
    # Letters only: "Mary-Ann", "Mary Ann" and "MARYANN" are one key, "Zoë" is ZOE.
    return "".join(char for char in strip_accents(name).upper() if "A" <= char <= "Z")


@cache
def nickname_table() -> Mapping[str, tuple[str, ...]]:
    """The shipped table: formal given name to its nicknames, all uppercase.

    Loaded from package data on first use and cached.

    >>> nickname_table()["ROBERT"][:3]
    ('BOB', 'BOBBY', 'BOBBIE')
    >>> len(nickname_table()) >= 150
    True
    """
    resource = files(_DATA_PACKAGE).joinpath(*_DATA_FILE)
    table: dict[str, tuple[str, ...]] = {}
    for row in csv.DictReader(resource.read_text(encoding="utf-8").splitlines()):
        formal = _name_key(row["formal"])
        nicknames = (_name_key(part) for part in row["nicknames"].split("|"))
        if formal:
            known = table.get(formal, ())
            extra = tuple(n for n in nicknames if n and n != formal and n not in known)
            table[formal] = known + extra
    return MappingProxyType(table)


@cache
def _formals_by_nickname() -> Mapping[str, frozenset[str]]:
    index: dict[str, set[str]] = {}
    for formal, nicknames in nickname_table().items():
        for nickname in nicknames:
            index.setdefault(nickname, set()).add(formal)
    return MappingProxyType({nickname: frozenset(formals) for nickname, formals in index.items()})


def given_name_forms(name: str | None) -> frozenset[str]:
    """The name itself plus every formal name it can be a nickname of.

    Uppercase, accents stripped, letters only. A formal name (or a name the table does not
    know) gives only itself; empty input gives the empty set.

    >>> given_name_forms("William")
    frozenset({'WILLIAM'})
    >>> sorted(given_name_forms("pat"))
    ['PAT', 'PATRICIA', 'PATRICK']
    >>> given_name_forms("  ")
    frozenset()
    """
    if not name:
        return frozenset()
    key = _name_key(name)
    if not key:
        return frozenset()
    return frozenset({key}) | _formals_by_nickname().get(key, frozenset())


def same_given_name(a: str | None, b: str | None) -> bool:
    """True when two given names can be the same name: their forms intersect.

    >>> same_given_name("Bob", "Robert"), same_given_name("Bob", "Bobby")
    (True, True)
    >>> same_given_name("Patricia", "Patrick"), same_given_name("", "")
    (False, False)
    """
    return not given_name_forms(a).isdisjoint(given_name_forms(b))
