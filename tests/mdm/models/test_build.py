"""Model.build: a new object as the constructor makes it, without per-attribute history."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from mdm.models import GoldenRecord, GoldenStatus, SourceRecord, SourceRecordStatus, SourceSystem
from mdm.models.base import utcnow


def _values(golden_id: str) -> dict[str, object]:
    now = utcnow()
    return {
        "id": golden_id,
        "domain": "provider",
        "status": GoldenStatus.ACTIVE,
        "version": 1,
        "attributes": {"last_name": "Okafor"},
        "lineage": {},
        "created_at": now,
        "updated_at": now,
    }


def test_a_built_object_is_stored_as_a_constructed_one(session: Session) -> None:
    built = GoldenRecord.build(**_values("PRV-BUILT-1"))
    made = GoldenRecord(**_values("PRV-MADE-1"))
    assert (built.attributes, built.status, built.merged_into_id) == (
        made.attributes,
        made.status,
        made.merged_into_id,
    )
    session.add_all([built, made])
    session.flush()  # defaults (event_sequence) applied to both, as for any new object
    rows = session.execute(
        text(
            "SELECT id, status, version, event_sequence, CAST(attributes AS TEXT), merged_into_id "
            "FROM golden_record WHERE id IN ('PRV-BUILT-1', 'PRV-MADE-1') ORDER BY id"
        )
    ).all()
    built_row, made_row = rows
    assert tuple(built_row)[1:] == tuple(made_row)[1:]


def test_a_built_object_tracks_later_changes(session: Session) -> None:
    built = GoldenRecord.build(**_values("PRV-BUILT-2"))
    built.version = 3  # before it is added: still inserted with it
    session.add(built)
    session.flush()
    built.attributes = {"last_name": "Okafor-Reyes"}
    assert built in session.dirty
    session.flush()
    session.expire_all()
    stored = session.get(GoldenRecord, "PRV-BUILT-2")
    assert stored is not None
    assert (stored.version, stored.attributes) == (3, {"last_name": "Okafor-Reyes"})


def test_building_with_an_unknown_attribute_is_refused() -> None:
    with pytest.raises(TypeError, match="nmae: not an attribute of SourceSystem"):
        SourceSystem.build(code="x", nmae="typo")


def test_a_relationship_is_set_as_the_constructor_sets_it(session: Session) -> None:
    system = SourceSystem(code="build-rel", name="Build", sends_domains=["provider"])
    session.add(system)
    golden = GoldenRecord.build(**_values("PRV-BUILT-3"))
    session.add(golden)
    now = utcnow()
    record = SourceRecord.build(
        id=880_001,
        source_system=system,  # its key comes from the system at the flush (not yet flushed)
        domain="provider",
        source_key="B1",
        status=SourceRecordStatus.ACTIVE,
        golden_id="PRV-BUILT-3",
        raw={},
        attributes={},
        quality_issues=[],
        payload_hash="0" * 64,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(record)
    session.flush()
    assert record.source_system_id == system.id
    stored = session.execute(
        text("SELECT source_system_id FROM source_record WHERE id = 880001")
    ).scalar_one()
    assert stored == system.id
