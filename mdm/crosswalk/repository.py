from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mdm.models import DownstreamKey, SourceRecord, SourceSystem


@dataclass(frozen=True, slots=True)
class KeyRow:
    system: str
    domain: str
    key: str
    golden_id: str
    kind: str  # "source_record" or "downstream"
    status: str


def source_record_golden(session: Session, *, system_id: int, domain: str, key: str) -> str | None:
    return session.scalar(
        select(SourceRecord.golden_id).where(
            SourceRecord.source_system_id == system_id,
            SourceRecord.domain == domain,
            SourceRecord.source_key == key,
        )
    )


def downstream_key(
    session: Session, *, system_id: int, domain: str, key: str
) -> DownstreamKey | None:
    return session.scalar(
        select(DownstreamKey).where(
            DownstreamKey.source_system_id == system_id,
            DownstreamKey.domain == domain,
            DownstreamKey.key == key,
        )
    )


def keys_for_goldens(session: Session, golden_ids: list[str]) -> list[KeyRow]:
    sent = session.execute(
        select(
            SourceSystem.code,
            SourceRecord.domain,
            SourceRecord.source_key,
            SourceRecord.golden_id,
            SourceRecord.status,
        )
        .join(SourceSystem, SourceSystem.id == SourceRecord.source_system_id)
        .where(SourceRecord.golden_id.in_(golden_ids))
    )
    registered = session.execute(
        select(SourceSystem.code, DownstreamKey.domain, DownstreamKey.key, DownstreamKey.golden_id)
        .join(SourceSystem, SourceSystem.id == DownstreamKey.source_system_id)
        .where(DownstreamKey.golden_id.in_(golden_ids))
    )
    rows = [KeyRow(r[0], r[1], r[2], r[3], "source_record", str(r[4])) for r in sent]
    rows += [KeyRow(r[0], r[1], r[2], r[3], "downstream", "active") for r in registered]
    return sorted(rows, key=lambda r: (r.system, r.kind, r.key))


def add_downstream_key(session: Session, key: DownstreamKey) -> None:
    session.add(key)
    session.flush()


def delete_downstream_key(session: Session, key: DownstreamKey) -> None:
    session.delete(key)
    session.flush()


def move_downstream_keys(session: Session, *, from_golden: str, to_golden: str) -> list[int]:
    """Move every key of ``from_golden`` to ``to_golden``; returns the IDs of the keys moved."""
    ids = sorted(
        session.scalars(select(DownstreamKey.id).where(DownstreamKey.golden_id == from_golden))
    )
    if ids:
        session.execute(
            update(DownstreamKey).where(DownstreamKey.id.in_(ids)).values(golden_id=to_golden)
        )
    return ids


def keys_by_id(session: Session, key_ids: Sequence[int]) -> list[DownstreamKey]:
    return list(
        session.scalars(
            select(DownstreamKey)
            .where(DownstreamKey.id.in_(list(key_ids)))
            .order_by(DownstreamKey.id)
        )
    )


def move_keys_by_id(session: Session, *, key_ids: Sequence[int], to_golden: str) -> list[int]:
    """Move the named keys (those that still exist and are elsewhere) to ``to_golden``."""
    ids = sorted(
        session.scalars(
            select(DownstreamKey.id).where(
                DownstreamKey.id.in_(list(key_ids)), DownstreamKey.golden_id != to_golden
            )
        )
    )
    if ids:
        session.execute(
            update(DownstreamKey).where(DownstreamKey.id.in_(ids)).values(golden_id=to_golden)
        )
    return ids
