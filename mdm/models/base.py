"""Declarative base and the column types shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Self, cast

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, TypeDecorator, inspect
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names, so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Row IDs of tables that grow with every change (events, deliveries): 64-bit on PostgreSQL;
# SQLite's rowid is 64-bit already, and only INTEGER PRIMARY KEY autoincrements there.
BigID = BigInteger().with_variant(Integer(), "sqlite")

# JSON attributes use JSONB on PostgreSQL (indexable, compact) and JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both databases (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    @classmethod
    def build(cls, **values: Any) -> Self:
        """A new object with ``values`` (attribute names), as ``cls(**values)`` makes it, less
        the per-column history an object not yet in a session has no use for: the constructor
        costs 11 to 17 us an object, and a file's chunk makes thousands of source and golden
        records (docs/benchmarks.md). Relationships are set as the constructor sets them (a
        flush copies their keys); a flush inserts the object as any new one, and later changes
        to it are tracked as usual.
        """
        mapper = inspect(cls)
        names = _COLUMN_NAMES.get(cls)
        if names is None:
            names = _COLUMN_NAMES[cls] = frozenset(p.key for p in mapper.column_attrs)
        obj = cast(Self, mapper.class_manager.new_instance())
        columns = {k: v for k, v in values.items() if k in names}
        obj.__dict__.update(columns)
        for key in values.keys() - columns.keys():
            if key not in mapper.relationships:
                raise TypeError(f"{key}: not an attribute of {cls.__name__}")
            setattr(obj, key, values[key])
        return obj


_COLUMN_NAMES: dict[type[Base], frozenset[str]] = {}
