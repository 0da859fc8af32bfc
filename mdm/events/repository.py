"""Queries of the outbox and of what an event says about the crosswalk."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mdm.db import bulk
from mdm.models import DownstreamKey, GoldenRecord, OutboxEvent, SourceRecord, SourceSystem


def add(session: Session, values: dict[str, Any]) -> None:
    bulk.add(session, OutboxEvent, values)


def system_codes(session: Session) -> dict[int, str]:
    return {row.id: row.code for row in session.execute(select(SourceSystem.id, SourceSystem.code))}


def downstream_keys(session: Session, golden_id: str) -> list[tuple[int, str]]:
    """(source system ID, key) of every key registered for the golden record."""
    rows = session.execute(
        select(DownstreamKey.source_system_id, DownstreamKey.key)
        .where(DownstreamKey.golden_id == golden_id)
        .order_by(DownstreamKey.id)
    )
    return [(r[0], r[1]) for r in rows]


def downstream_keys_of(
    session: Session, golden_ids: Collection[str]
) -> dict[str, list[tuple[int, str]]]:
    """:func:`downstream_keys` for many golden records in one query per 500."""
    out: dict[str, list[tuple[int, str]]] = {g: [] for g in golden_ids}
    wanted = sorted(out)
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(DownstreamKey.golden_id, DownstreamKey.source_system_id, DownstreamKey.key)
            .where(DownstreamKey.golden_id.in_(wanted[start : start + 500]))
            .order_by(DownstreamKey.id)
        )
        for golden_id, system_id, key in rows:
            out[golden_id].append((system_id, key))
    return out


def source_keys(session: Session, record_ids: Collection[int]) -> list[tuple[int, str, str]]:
    """(source system ID, key, status) of the given source records."""
    if not record_ids:
        return []
    rows = session.execute(
        select(SourceRecord.source_system_id, SourceRecord.source_key, SourceRecord.status)
        .where(SourceRecord.id.in_(sorted(record_ids)))
        .order_by(SourceRecord.id)
    )
    return [(r[0], r[1], str(r[2])) for r in rows]


def golden(session: Session, golden_id: str) -> GoldenRecord | None:
    return session.get(GoldenRecord, golden_id)


def get(session: Session, event_id: str) -> OutboxEvent | None:
    return session.scalar(select(OutboxEvent).where(OutboxEvent.event_id == event_id))


def by_ids(session: Session, ids: Collection[int]) -> dict[int, OutboxEvent]:
    if not ids:
        return {}
    return {e.id: e for e in session.scalars(select(OutboxEvent).where(OutboxEvent.id.in_(ids)))}


def unpositioned(session: Session, *, limit: int) -> list[OutboxEvent]:
    """Committed events still without a feed position, oldest first."""
    return list(
        session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.position.is_(None))
            .order_by(OutboxEvent.id)
            .limit(limit)
        )
    )


def last_position(session: Session) -> int:
    return int(session.scalar(select(func.coalesce(func.max(OutboxEvent.position), 0))) or 0)


def set_positions(session: Session, event_ids: Sequence[int], *, after: int) -> int:
    """Give the events positions after ``after`` in the order of their IDs, in one statement;
    returns the last position given. Positions may skip numbers; they only ever grow."""
    if not event_ids:
        return after
    first = min(event_ids)
    session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(list(event_ids)))
        .values(position=after + 1 + OutboxEvent.id - first)
        .execution_options(synchronize_session=False)
    )
    return after + 1 + max(event_ids) - first


def feed(
    session: Session,
    *,
    after: int,
    limit: int,
    domains: Collection[str],
    kinds: Collection[str],
) -> list[OutboxEvent]:
    query = select(OutboxEvent).where(
        OutboxEvent.position.is_not(None), OutboxEvent.position > after
    )
    if domains:
        query = query.where(OutboxEvent.domain.in_(sorted(domains)))
    if kinds:
        query = query.where(OutboxEvent.kind.in_(sorted(kinds)))
    return list(session.scalars(query.order_by(OutboxEvent.position).limit(limit)))


def positioned_between(
    session: Session,
    *,
    since: datetime | None,
    until: datetime | None,
    from_position: int | None,
    subject: str | None,
    from_sequence: int | None,
    limit: int,
    after_id: int,
) -> list[OutboxEvent]:
    """Events a replay covers, in feed order, a page at a time (``after_id`` is the last seen)."""
    query = select(OutboxEvent).where(OutboxEvent.position.is_not(None), OutboxEvent.id > after_id)
    if since is not None:
        query = query.where(OutboxEvent.occurred_at >= since)
    if until is not None:
        query = query.where(OutboxEvent.occurred_at < until)
    if from_position is not None:
        query = query.where(OutboxEvent.position >= from_position)
    if subject is not None:
        query = query.where(OutboxEvent.subject == subject)
    if from_sequence is not None:
        query = query.where(OutboxEvent.sequence >= from_sequence)
    return list(session.scalars(query.order_by(OutboxEvent.id).limit(limit)))
