"""JSON arrays of objects (quality issues, refusal reasons) queried alike on SQLite and PostgreSQL.

Both keep ``[{"field", "code", "reason"}, ...]`` in a JSON column; finding or counting rows by an
element's ``code`` needs the array's elements as rows, which each database spells its own way
(``json_each`` on SQLite, ``jsonb_array_elements`` on PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

import orjson
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ColumnExpressionArgument,
    Integer,
    cast,
    exists,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.selectable import TableValuedAlias

_KEY = re.compile(r"[a-z_][a-z0-9_]*")


class ObjectArray:
    """The elements of the JSON array in ``column``, as rows, for one statement.

    Refused rows per refusal code::

        errors = ObjectArray(session, Reject.errors)
        code = errors.field("code")
        select(code, func.count(Reject.id.distinct())).join(errors.items, true()).group_by(code)
    """

    def __init__(self, session: Session, column: ColumnExpressionArgument[Any]) -> None:
        self._postgres = session.get_bind().dialect.name == "postgresql"
        function = func.jsonb_array_elements if self._postgres else func.json_each
        self.items: TableValuedAlias = function(column).table_valued("value")

    def field(self, key: str) -> ColumnElement[Any]:
        """An element's ``key`` as text.

        Written into the SQL rather than bound: PostgreSQL would not see two bound parameters of a
        SELECT and its GROUP BY as the same expression.
        """
        if not _KEY.fullmatch(key):
            raise ValueError(f"{key!r} is not a plain JSON key")
        if self._postgres:
            return self.items.c.value.op("->>")(literal_column(f"'{key}'"))
        return func.json_extract(self.items.c.value, literal_column(f"'$.{key}'"))

    def not_empty(self) -> ColumnElement[bool]:
        return exists(select(literal_column("1")).select_from(self.items))

    def has(self, key: str, value: str) -> ColumnElement[bool]:
        """Some element's ``key`` equals ``value``."""
        return exists(
            select(literal_column("1")).select_from(self.items).where(self.field(key) == value)
        )


def one_of(
    session: Session,
    column: ColumnElement[Any] | QueryableAttribute[Any],
    values: Collection[str] | Collection[int],
) -> ColumnElement[bool]:
    """``column IN values``, with the values (text or integers) bound as one JSON array rather
    than one parameter each.

    A file's chunk looks up tens of thousands of blocking keys, and thousands of records and
    golden records: SQLAlchemy's rendering and processing of a parameter per value cost more
    than the lookup itself, and a statement may bind at most 32,766 of them on SQLite. Both
    databases read the array as rows and probe the column's index with each (SQLite:
    ``SEARCH ... USING INDEX``).
    """
    given: list[Any] = list(values)
    if not given:
        return column.in_([])  # nothing to bind, and nothing for PostgreSQL to type
    if session.get_bind().dialect.name == "postgresql":
        array = literal(given, JSONB)  # written by the engine's JSON serialiser
        items = func.jsonb_array_elements_text(array).table_valued("value")
        value: ColumnElement[Any] = items.c.value
        if isinstance(column.expression.type, Integer):
            value = cast(value, BigInteger)  # the elements come out as text
        return column.in_(select(value))
    items = func.json_each(orjson.dumps(given).decode()).table_valued("value")
    return column.in_(select(items.c.value))
