"""Rows by primary key, taking first what the session already holds.

A query for rows the session has read before still makes every row anew (its JSON columns
decoded) only for the identity map to hand back the same objects. A file's chunk asks for its
thousands of neighbours' records several times (the neighbourhood, then the members of every
golden record it touched): asking for their primary keys first and loading only those the session
does not hold saves that work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import inspect, select
from sqlalchemy.orm import DeclarativeBase, Session

from mdm.db.json import one_of

Model = TypeVar("Model", bound=DeclarativeBase)


def by_keys(session: Session, model: type[Model], keys: Sequence[Any]) -> list[Model]:
    """The rows of ``model`` (a single-column primary key) with ``keys``, in that order;
    each one the session holds with nothing expired is taken as it is, the others are read
    in one query. A key with no row is left out."""
    mapper = inspect(model)
    held = session.identity_map
    found: dict[Any, Model] = {}
    missing: list[Any] = []
    for key in keys:
        obj = cast("Model | None", held.get(mapper.identity_key_from_primary_key((key,))))
        # Expired attributes (after a commit or a refresh) would each be read on access: such
        # an object is read again, as the query would have refreshed it.
        if obj is None or inspect(obj).expired_attributes:
            missing.append(key)
        else:
            found[key] = obj
    if missing:
        (column,) = mapper.primary_key
        name = mapper.get_property_by_column(column).key
        attribute = getattr(model, name)
        for obj in session.scalars(select(model).where(one_of(session, attribute, missing))):
            found[getattr(obj, name)] = obj
    return [found[key] for key in keys if key in found]
