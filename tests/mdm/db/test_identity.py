"""Rows by primary key: what the session holds is taken as it is, the rest is read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from mdm.db import identity
from mdm.models import SourceSystem


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def _systems(session: Session, n: int) -> list[SourceSystem]:
    systems = [SourceSystem(code=f"id-{i}", name=f"System {i}") for i in range(n)]
    session.add_all(systems)
    session.flush()
    return systems


def test_held_rows_are_taken_without_a_query(session: Session, statements: list[str]) -> None:
    systems = _systems(session, 3)
    statements.clear()
    keys = [s.id for s in reversed(systems)]
    assert identity.by_keys(session, SourceSystem, keys) == list(reversed(systems))
    assert statements == []


def test_rows_not_held_are_read_in_one_query_and_absent_keys_left_out(
    session: Session, statements: list[str]
) -> None:
    systems = _systems(session, 3)
    ids = [s.id for s in systems]
    session.expunge(systems[0])
    session.expunge(systems[2])
    statements.clear()
    found = identity.by_keys(session, SourceSystem, [ids[2], 999_999, ids[1], ids[0]])
    assert [s.code for s in found] == ["id-2", "id-1", "id-0"]
    assert found[1] is systems[1]  # the held one, as it is
    assert len(statements) == 1


def test_an_expired_row_is_read_again(session: Session) -> None:
    (system,) = _systems(session, 1)
    session.execute(
        update(SourceSystem).where(SourceSystem.id == system.id).values(name="Renamed"),
        execution_options={"synchronize_session": False},
    )
    assert system.name == "System 0"  # the session still holds the old value
    session.expire(system)
    (again,) = identity.by_keys(session, SourceSystem, [system.id])
    assert again is system
    assert again.name == "Renamed"


def test_what_the_session_changed_is_kept(session: Session) -> None:
    (system,) = _systems(session, 1)
    system.name = "Changed, not flushed"
    with session.no_autoflush:
        (again,) = identity.by_keys(session, SourceSystem, [system.id])
    assert again is system
    assert again.name == "Changed, not flushed"
