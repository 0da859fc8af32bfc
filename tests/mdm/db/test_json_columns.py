"""JSON columns read back what was written, whatever the codec (mdm/db/engine.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.audit import service as audit
from mdm.db.engine import dumps, loads
from mdm.db.json import one_of
from mdm.models import AuditEntry, BlockingKey
from tests.helpers import make_system, send

BIG = 123456789012345678901234  # an account number of 24 digits, sent as a JSON number


def test_an_integer_beyond_64_bits_comes_back_exact(client: TestClient) -> None:
    make_system(client, "clinic_a")
    send(
        client,
        "clinic_a",
        "provider",
        {"source_key": "P1", "attributes": {"last_name": "Lee"}, "references": {"employee": BIG}},
    )

    raw = client.get("/api/v1/sources/clinic_a/domains/provider/records/P1").json()["raw"]
    corrected = client.post(
        "/api/v1/quality/records/clinic_a/provider/P1/correct",
        json={"payload": {"attributes": {"last_name": "Leigh"}}, "reason": "typo"},
        headers={"X-MDM-Actor": "steward.ann"},
    )

    assert raw["references"]["employee"] == BIG
    assert isinstance(raw["references"]["employee"], int)
    # A correction rebuilds the row from what the source sent: the key is still a key.
    assert corrected.status_code == 200, corrected.text


@pytest.mark.parametrize(
    "value",
    [{"a": 1, "é": ["ü", None, 2.5]}, [1, 2**63 - 1, -(2**63)], {"n": 10**30}, "x", None],
)
def test_the_codec_round_trips(value: object) -> None:
    assert loads(dumps(value)) == value


def test_what_the_standard_library_refused_is_still_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"at": datetime(2026, 1, 1, tzinfo=UTC)})


def test_nan_and_infinity_are_refused_by_field_and_kept_by_name(client: TestClient) -> None:
    make_system(client, "clinic_a")
    response = client.post(
        "/api/v1/sources/clinic_a/domains/provider/records",
        content='{"records": [{"source_key": "P1", "attributes": {"last_name": "Lee", '
        '"specialty": NaN, "npi": Infinity}}]}',
        headers={"content-type": "application/json", "X-MDM-Actor": "t"},
    )

    row = response.json()["results"][0]
    assert row["outcome"] == "rejected"
    codes = {(e["field"], e["code"]) for e in row["errors"]}
    assert ("attributes.specialty", "not_finite") in codes
    assert ("attributes.npi", "not_finite") in codes
    kept = client.get(f"/api/v1/rejects/{row['reject_id']}").json()["payload"]
    assert kept["attributes"]["specialty"] == "NaN"
    assert kept["attributes"]["npi"] == "Infinity"


def test_one_of_finds_rows_among_more_values_than_a_statement_may_bind(session: Session) -> None:
    # 40,000 values: more than SQLite's 32,766 bound parameters, in one statement.
    odd = ['o"neil', "back\\slash", "José", "x" * 190]
    for entity_id in [*odd, "kept-1", "kept-2", "other"]:
        audit.record(session, actor="t", action="test.one_of", entity_type="t", entity_id=entity_id)
    session.flush()
    wanted = [f"missing-{i}" for i in range(40_000)] + odd + ["kept-1", "kept-2"]

    found = session.scalars(
        select(AuditEntry.entity_id).where(
            AuditEntry.action == "test.one_of", one_of(session, AuditEntry.entity_id, wanted)
        )
    ).all()

    assert sorted(found) == sorted([*odd, "kept-1", "kept-2"])
    assert (
        session.scalars(
            select(AuditEntry.entity_id).where(one_of(session, AuditEntry.entity_id, []))
        ).all()
        == []
    )


def test_one_of_takes_integers_too(session: Session) -> None:
    for entity_id in ("int-1", "int-2", "int-3"):
        audit.record(
            session, actor="t", action="test.one_of_int", entity_type="t", entity_id=entity_id
        )
    session.flush()
    ids = session.scalars(
        select(AuditEntry.id).where(AuditEntry.action == "test.one_of_int").order_by(AuditEntry.id)
    ).all()
    wanted = {ids[0], ids[2], *range(10**9, 10**9 + 40_000)}  # any collection

    found = session.scalars(
        select(AuditEntry.entity_id).where(one_of(session, AuditEntry.id, wanted))
    ).all()

    assert sorted(found) == ["int-1", "int-3"]


def test_one_of_an_empty_collection_matches_no_row_of_an_integer_column(session: Session) -> None:
    # A batch whose records have no blocking key looks up no block: PostgreSQL must not be left
    # comparing a BIGINT column with the untyped elements of an empty array.
    audit.record(session, actor="t", action="test.one_of_none", entity_type="t", entity_id="x")
    session.flush()

    found = session.scalars(
        select(AuditEntry.id).where(
            AuditEntry.action == "test.one_of_none", one_of(session, AuditEntry.id, set())
        )
    ).all()
    keys = session.scalars(
        select(BlockingKey.source_record_id).where(one_of(session, BlockingKey.key_hash, []))
    ).all()

    assert found == []
    assert keys == []
