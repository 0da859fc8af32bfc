"""Loading a source system's whole file, as an onboarding team does: over REST and with
``mdm load``, against a real database of its own (each chunk commits)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from mdm.api.app import create_app
from mdm.cli import app as cli
from mdm.config import Settings, get_settings
from mdm.db import create_engine_for_url, session_factory
from mdm.errors import MDMError
from mdm.ingest import file_load, service
from mdm.models import AuditEntry, Reject, SourceRecord, SourceSystem
from tests.helpers import make_system

HEADERS = {"X-MDM-Actor": "onboarding", "Content-Type": "application/x-ndjson"}
FILES = "/api/v1/sources/{source}/domains/employee/files"


def employee(key: str, first: str, last: str, born: str, ssn: str, **extra: Any) -> dict[str, Any]:
    return {
        "source_key": key,
        "attributes": {
            "first_name": first,
            "last_name": last,
            "birth_date": born,
            "ssn": ssn,
            "home_address": {"line1": "58 ANDREA PL", "city": "SEVEN HILLS", "zip": "5045"},
            **extra,
        },
    }


# Two HR systems' files for five people; the B file holds copies of three A records, one of
# them mistyped, and two people of its own.
FILE_A = [
    employee("A1", "AMBER", "PAMPLIN", "1937-04-07", "101824555"),
    employee("A2", "JOHN", "WEBB", "1961-11-02", "102938475"),
    employee("A3", "LAURA", "DYER", "1974-05-19", "103847261"),
]
FILE_B = [
    employee("B1", "AMBER", "PAMPLIN", "1937-04-07", "101824555"),
    employee("B2", "JON", "WEBB", "1961-11-02", "102938475"),
    employee("B3", "LAURA", "DYER", "1974-05-19", "103847261"),
    employee("B4", "PETER", "NGUYEN", "1980-01-30", "104756382"),
    employee("B5", "SARAH", "OKAFOR", "1992-08-14", "105647293"),
]


def ndjson(rows: list[Any]) -> str:
    return "".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows)


@pytest.fixture
def hub(fresh_database_url: str) -> Iterator[tuple[TestClient, Settings]]:
    settings = Settings(
        database_url=fresh_database_url,
        delivery_mode="off",
        file_chunk_records=2,
        max_request_bytes=2048,
        max_file_bytes=64 * 1024,
    )
    with TestClient(create_app(settings)) as client:
        make_system(client, "hr_a", sends=["employee"])
        make_system(client, "hr_b", sends=["employee"])
        yield client, settings


def _post(client: TestClient, source: str, body: str | bytes, **headers: str) -> Any:
    return client.post(FILES.format(source=source), content=body, headers={**HEADERS, **headers})


def _goldens(url: str) -> dict[str, str]:
    engine = create_engine_for_url(url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(SourceSystem.code, SourceRecord.source_key, SourceRecord.golden_id).join(
                    SourceSystem, SourceSystem.id == SourceRecord.source_system_id
                )
            ).all()
    finally:
        engine.dispose()
    return {f"{code}:{key}": golden for code, key, golden in rows}


def _groups(goldens: dict[str, str]) -> set[frozenset[str]]:
    by_golden: dict[str, set[str]] = {}
    for key, golden in goldens.items():
        by_golden.setdefault(golden, set()).add(key)
    return {frozenset(keys) for keys in by_golden.values()}


def test_a_file_lands_in_chunks_and_links_to_what_the_hub_already_holds(
    hub: tuple[TestClient, Settings],
) -> None:
    client, settings = hub

    first = _post(client, "hr_a", ndjson(FILE_A), **{"X-MDM-File-Name": "hr_a.ndjson"})
    second = _post(client, "hr_b", ndjson(FILE_B))

    assert first.status_code == 200, first.text
    assert first.json()["counts"] == {
        "records": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    # Chunks of two: three batches for five records, each committed in turn.
    assert len(second.json()["batch_ids"]) == 3
    groups = _groups(_goldens(settings.database_url))
    assert {"hr_a:A1", "hr_b:B1"} in groups
    assert {"hr_a:A2", "hr_b:B2"} in groups  # JON against JOHN, in another chunk
    assert {"hr_a:A3", "hr_b:B3"} in groups
    assert {"hr_b:B4"} in groups
    assert {"hr_b:B5"} in groups


def test_a_file_gives_the_golden_records_batches_give(
    hub: tuple[TestClient, Settings], database_factory: Any
) -> None:
    client, settings = hub
    _post(client, "hr_a", ndjson(FILE_A))
    _post(client, "hr_b", ndjson(FILE_B))

    other = Settings(database_url=database_factory(), delivery_mode="off")
    with TestClient(create_app(other)) as batches:
        make_system(batches, "hr_a", sends=["employee"])
        make_system(batches, "hr_b", sends=["employee"])
        for source, rows in (("hr_a", FILE_A), ("hr_b", FILE_B)):
            for row in rows:  # one record per request, the other extreme
                sent = batches.post(
                    f"/api/v1/sources/{source}/domains/employee/records",
                    json={"records": [row]},
                    headers={"X-MDM-Actor": "onboarding"},
                )
                assert sent.status_code == 200, sent.text

    assert _groups(_goldens(settings.database_url)) == _groups(_goldens(other.database_url))


def test_every_bad_line_is_refused_with_its_line_number_and_kept(
    hub: tuple[TestClient, Settings],
) -> None:
    client, settings = hub
    lines = [
        FILE_A[0],
        "",  # blank: skipped, but still a line
        '{"source_key": "A9", "attributes": {"first_name": "X"',
        employee("A2", "JOHN", "WEBB", "1961-13-45", "102938475"),
        {"source_key": "A3", "attributes": {"first_name": "LAURA"}, "colour": "red"},
    ]

    response = _post(client, "hr_a", ndjson(lines))

    body = response.json()
    assert response.status_code == 200, response.text
    assert body["counts"]["records"] == 4
    assert body["counts"]["created"] == 1
    assert body["counts"]["rejected"] == 3
    refused = {row["index"]: row for row in body["refused"]}
    assert set(refused) == {3, 4, 5}
    assert refused[3]["errors"][0]["code"] == "malformed_json"
    assert "column" in refused[3]["errors"][0]["reason"]
    assert {e["field"] for e in refused[4]["errors"]} == {"attributes.birth_date"}
    assert {e["field"] for e in refused[5]["errors"]} >= {"colour", "attributes.last_name"}
    engine = create_engine_for_url(settings.database_url)
    try:
        with Session(engine) as session:
            kept = {r.row_index: r for r in session.scalars(select(Reject))}
            # The unreadable line is kept as the text it was: nothing the source sent is lost.
            assert kept[3].payload == lines[2]
            assert kept[4].source_key == "A2"
            assert kept[3].batch_id in body["batch_ids"]
            entry = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "ingest.file")
            ).one()
            assert entry.entity_id == body["load_id"]
            assert entry.detail["rejected"] == 3
    finally:
        engine.dispose()


def test_a_key_twice_in_a_file_is_an_update_in_line_order(
    hub: tuple[TestClient, Settings],
) -> None:
    client, settings = hub
    moved = employee("A1", "AMBER", "PAMPLIN", "1937-04-07", "101824555", home_phone="0298765432")

    body = _post(client, "hr_a", ndjson([FILE_A[0], FILE_A[1], FILE_A[2], moved])).json()

    assert body["counts"]["created"] == 3
    assert body["counts"]["updated"] == 1
    record = client.get("/api/v1/sources/hr_a/domains/employee/records/A1").json()
    assert record["version"] == 2
    assert record["attributes"]["home_phone"]


def test_an_unknown_source_or_domain_is_refused_before_any_line_is_read(
    hub: tuple[TestClient, Settings],
) -> None:
    client, settings = hub

    unknown = _post(client, "nobody", ndjson(FILE_A))
    undeclared = client.post(
        "/api/v1/sources/hr_a/domains/provider/files", content=ndjson(FILE_A), headers=HEADERS
    )

    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "unknown_source_system"
    assert undeclared.status_code == 403
    assert undeclared.json()["error"]["code"] == "domain_not_allowed"
    assert "provider" in undeclared.json()["error"]["message"]
    assert _goldens(settings.database_url) == {}


def test_a_file_has_its_own_size_limit(hub: tuple[TestClient, Settings]) -> None:
    client, _ = hub
    rows = [employee(f"A{i}", "AMBER", "PAMPLIN", "1937-04-07", f"1018{i:05d}") for i in range(20)]
    body = ndjson(rows)
    assert 2048 < len(body) < 64 * 1024  # above the batch limit, below the file limit

    accepted = _post(client, "hr_a", body)
    too_large = _post(client, "hr_a", "\n" * (64 * 1024 + 1))
    batch = client.post(
        "/api/v1/sources/hr_a/domains/employee/records",
        json={"records": rows},
        headers={"X-MDM-Actor": "x"},
    )

    assert accepted.status_code == 200, accepted.text
    assert too_large.status_code == 413
    assert batch.status_code == 413


def _fail_second_chunk(
    url: str, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> Callable[[], Any]:
    settings = Settings(database_url=url, delivery_mode="off")
    with TestClient(create_app(settings)) as client:
        make_system(client, "hr_b", sends=["employee"])
    real = service.ingest_batch
    calls: list[int] = []

    def failing_second_chunk(session: Session, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise error
        return real(session, **kwargs)

    # Fault injection: the second chunk fails.
    monkeypatch.setattr(service, "ingest_batch", failing_second_chunk)
    sessions = session_factory(create_engine_for_url(url))
    return lambda: file_load.load_file(
        sessions,
        source="hr_b",
        domain="employee",
        pieces=[ndjson(FILE_B).encode()],
        actor="onboarding",
        chunk_records=2,
    )


def _stops(url: str) -> list[dict[str, Any]]:
    engine = create_engine_for_url(url)
    try:
        with Session(engine) as session:
            return [
                e.detail
                for e in session.scalars(
                    select(AuditEntry).where(AuditEntry.action == "ingest.file")
                )
            ]
    finally:
        engine.dispose()


def test_a_failed_chunk_names_its_first_line_and_earlier_chunks_stay(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    load = _fail_second_chunk(fresh_database_url, monkeypatch, RuntimeError("disk full"))

    with pytest.raises(file_load.FileLoadFailed) as failed:
        load()

    assert failed.value.first_line == 3
    assert "line 3" in str(failed.value)
    # The database's own message quotes the chunk's values: logged, never shown.
    assert "disk full" not in str(failed.value)
    assert "RuntimeError" in str(failed.value)
    assert set(_goldens(fresh_database_url)) == {"hr_b:B1", "hr_b:B2"}
    (stop,) = _stops(fresh_database_url)
    assert stop["complete"] is False
    assert stop["not_loaded_from_line"] == 3
    assert stop["created"] == 2


def test_a_refusal_by_the_hub_mid_file_stops_the_load_and_is_audited(
    fresh_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusal = MDMError("hr_b may no longer send employee records", 403, "domain_not_allowed")
    load = _fail_second_chunk(fresh_database_url, monkeypatch, refusal)

    with pytest.raises(MDMError) as stopped:
        load()

    assert stopped.value.status_code == 403
    (stop,) = _stops(fresh_database_url)
    assert stop["stopped"] == "hr_b may no longer send employee records"
    assert stop["not_loaded_from_line"] == 3


@pytest.fixture
def runner(fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("MDM_DATABASE_URL", fresh_database_url)
    monkeypatch.setenv("MDM_DELIVERY_MODE", "off")
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_mdm_load_reports_counts_and_refused_lines(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(cli, ["source", "add", "hr_b", "--name", "HR B", "--sends", "employee"])
    path = tmp_path / "hr_b.ndjson"
    path.write_bytes(ndjson(FILE_B).encode() + b"\xff\xfe not text\n")

    result = runner.invoke(
        cli, ["load", str(path), "--source", "hr_b", "--domain", "employee", "--chunk", "2"]
    )

    assert result.exit_code == 0, result.output
    assert "loaded 6 records" in result.output
    assert "5 created" in result.output
    assert "1 refused" in result.output
    assert "line 6: refused" in result.output
    assert "not valid UTF-8" in result.output


def test_mdm_load_fails_clearly_on_an_unknown_source(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_text(ndjson(FILE_A))

    result = runner.invoke(cli, ["load", str(path), "--source", "nobody", "--domain", "employee"])
    missing = runner.invoke(
        cli, ["load", str(tmp_path / "absent.ndjson"), "--source", "x", "--domain", "employee"]
    )

    assert result.exit_code == 1
    assert "nobody" in result.output
    assert missing.exit_code == 1
    assert "cannot read" in missing.output


def test_a_refused_line_shows_no_sensitive_value_in_the_rejects_queue(
    hub: tuple[TestClient, Settings],
) -> None:
    client, _ = hub
    broken = '{"source_key": "A2", "attributes": {"ssn": "123-45-6789", "first_name": "JOHN",}}'

    body = _post(client, "hr_a", ndjson([FILE_A[0], broken])).json()

    reject_id = body["refused"][0]["reject_id"]
    shown = client.get(f"/api/v1/rejects/{reject_id}").json()
    assert "123-45-6789" not in json.dumps(shown)
    assert "***-**-6789" in shown["payload"]


def test_nul_characters_are_refused_by_field_and_the_line_still_kept(
    hub: tuple[TestClient, Settings],
) -> None:
    client, settings = hub
    with_nul = employee("A2", "JO\u0000HN", "WEBB", "1961-11-02", "102938475")
    unreadable = '{"source_key": "A3", "attributes": {"first_name": "LA\x00URA"'

    response = _post(client, "hr_a", ndjson([FILE_A[0], with_nul, unreadable]))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"]["created"] == 1
    refused = {row["index"]: row for row in body["refused"]}
    assert refused[2]["errors"][0] == {
        "field": "attributes.first_name",
        "code": "nul",
        "reason": "contains a NUL character (U+0000), which cannot be stored",
    }
    assert refused[3]["errors"][0]["code"] == "malformed_json"
    engine = create_engine_for_url(settings.database_url)
    try:
        with Session(engine) as session:
            kept = {r.row_index: r for r in session.scalars(select(Reject))}
            # Kept as sent, as far as the database can hold it: the NUL written out.
            assert kept[2].payload["attributes"]["first_name"] == "JO\\u0000HN"
            assert "LA\\u0000URA" in kept[3].payload
    finally:
        engine.dispose()


def test_a_file_must_say_its_length_and_be_ndjson(hub: tuple[TestClient, Settings]) -> None:
    client, settings = hub

    def streamed() -> Iterator[bytes]:
        yield ndjson(FILE_A).encode()

    chunked = client.post(FILES.format(source="hr_a"), content=streamed(), headers=HEADERS)
    as_json = client.post(
        FILES.format(source="hr_a"),
        content=json.dumps({"records": FILE_A}),
        headers={**HEADERS, "Content-Type": "application/json"},
    )

    assert chunked.status_code == 411
    assert as_json.status_code == 415
    assert "/records" in as_json.json()["error"]["message"]
    assert _goldens(settings.database_url) == {}


def test_an_overlong_line_is_refused_and_its_beginning_kept(
    hub: tuple[TestClient, Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = hub
    monkeypatch.setattr(file_load, "MAX_LINE_BYTES", 400)
    long_row = employee("A9", "AMBER", "PAMPLIN", "1937-04-07", "101824555", notes="x" * 500)

    body = _post(client, "hr_a", "\ufeff" + ndjson([FILE_A[1], long_row, FILE_A[2]])).json()

    assert body["counts"]["created"] == 2  # line 1 read despite its byte-order mark
    (refused,) = body["refused"]
    assert refused["index"] == 2
    assert "longer than the 400" in refused["errors"][0]["reason"]


@given(
    text=st.lists(st.text(alphabet="ab\n", max_size=12), max_size=8).map("".join),
    cuts=st.lists(st.integers(min_value=0, max_value=100), max_size=6),
)
def test_lines_are_the_same_however_the_file_arrives(text: str, cuts: list[int]) -> None:
    data = text.encode()
    bounds = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    splitter = file_load.LineSplitter(max_line=5)
    lines: list[Any] = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        lines += splitter.feed(data[start:end])
    lines += splitter.close()

    expected = data.split(b"\n")
    if expected and expected[-1] == b"":
        expected.pop()
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        if len(want) > 5:
            assert line == file_load.LongLine(want[:5], len(want))
        else:
            assert line == want


def _people(count: int) -> list[dict[str, Any]]:
    """``count`` unrelated employees (no two of them match), keys A0, A1, ..."""

    def word(i: int, salt: str) -> str:
        digest = hashlib.sha256(f"{salt}{i}".encode()).digest()
        return "".join(chr(65 + b % 26) for b in digest[:7])

    return [
        employee(
            f"A{i}",
            word(i, "first"),
            word(i, "last"),
            f"19{i + 30}-0{i % 9 + 1}-1{i % 9}",
            f"10{i + 1:03d}1234",
        )
        for i in range(count)
    ]


def _load_watching(
    client: TestClient, rows: list[Any], watched: Callable[[str], bool]
) -> tuple[dict[str, Any], list[str]]:
    """Load ``rows`` as hr_a's file; the response and every statement ``watched`` picks."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if watched(statement):
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        loaded = _post(client, "hr_a", ndjson(rows)).json()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    return loaded, statements


def test_a_chunk_of_new_records_goes_in_with_one_insert_numbered_after_the_records_there(
    fresh_database_url: str,
) -> None:
    # One INSERT per chunk, not one per record: on SQLite, whose many-row INSERT cannot say
    # which new row ID went to which row, the hub numbers the records itself.
    settings = Settings(database_url=fresh_database_url, delivery_mode="off", file_chunk_records=40)
    with TestClient(create_app(settings)) as client:
        make_system(client, "hr_a", sends=["employee"])
        loaded, inserted = _load_watching(
            client, _people(60), lambda sql: sql.startswith("INSERT INTO source_record ")
        )

    assert loaded["counts"]["created"] == 60
    assert len(loaded["batch_ids"]) == 2
    assert len(inserted) == 2
    engine = create_engine_for_url(fresh_database_url)
    try:
        with Session(engine) as session:
            # .all(): a Result has keys(), which dict() would take for a mapping's.
            ids = dict(session.execute(select(SourceRecord.source_key, SourceRecord.id)).all())
    finally:
        engine.dispose()
    assert sorted(ids.values()) == list(range(1, 61))
    assert max(ids[f"A{i}"] for i in range(40)) < min(ids[f"A{i}"] for i in range(40, 60))


def test_golden_records_founded_by_a_file_are_written_once_built(fresh_database_url: str) -> None:
    # Inserted with their content and version 1, not inserted empty and then updated.
    settings = Settings(database_url=fresh_database_url, delivery_mode="off", file_chunk_records=40)
    people = _people(60)
    with TestClient(create_app(settings)) as client:
        make_system(client, "hr_a", sends=["employee"])
        loaded, written = _load_watching(
            client,
            people,
            lambda sql: "golden_record" in sql.split("(")[0] and not sql.startswith("SELECT"),
        )
        golden_id = client.get(
            "/api/v1/sources/hr_a/domains/employee/records/A7", headers=HEADERS
        ).json()["golden_id"]
        shown = client.get(f"/api/v1/golden/employee/{golden_id}", headers=HEADERS).json()

    assert loaded["counts"]["created"] == 60
    assert [sql.split()[0] for sql in written] == ["INSERT", "INSERT"]  # one per chunk, no UPDATE
    assert shown["version"] == 1
    assert shown["attributes"]["last_name"] == people[7]["attributes"]["last_name"].capitalize()


@pytest.mark.parametrize(
    "line",
    [
        '{"source_key": "A1", "attributes": {"account": 123456789012345678901234}}',
        '{"source_key": "A1", "attributes": {"ratio": NaN, "big": 1e400, "neg": -Infinity}}',
        '{"source_key": "A1", "attributes": {"name": "\\ud800 lone", "k": -0.0}}',
        '{"source_key": "A1", "source_key": "A2", "attributes": {"x": [1.5, 2e-3, 1E5]}}',
        '{"source_key": "A1", "attributes": {"x": 1}} trailing',
        '{"source_key": "A1", "attributes": {"x": 12345678901234567890123, "y": "é"}}',
    ],
)
def test_a_line_reads_as_the_standard_library_reads_it(line: str) -> None:
    expected: Any
    try:
        expected = json.loads(line)
    except json.JSONDecodeError as exc:
        expected = service.UnreadableRow(line, f"{exc.msg} at column {exc.colno}")
    # repr: NaN equals nothing, and 1 == 1.0; the same types and values, exact big integers.
    assert repr(file_load.read_line(1, line.encode())) == repr(expected)


def test_lines_nested_too_deep_are_refused_and_kept_as_sent(
    hub: tuple[TestClient, Settings],
) -> None:
    client, settings = hub
    deep = employee("A2", "JOHN", "WEBB", "1961-11-02", "102938475")
    deep["attributes"]["notes"] = json.loads("[" * 40 + "]" * 40)  # parses, too deep to take
    deeper = '{"source_key": "A3", "attributes": {"notes": ' + "[" * 3000 + "]" * 3000 + "}}"

    response = _post(client, "hr_a", ndjson([FILE_A[0], deep, deeper]))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["counts"]["created"] == 1
    refused = {row["index"]: row["errors"] for row in body["refused"]}
    too_deep = [{"field": "", "code": "too_deep", "reason": "is nested more than 32 levels deep"}]
    assert refused == {2: too_deep, 3: too_deep}
    engine = create_engine_for_url(settings.database_url)
    try:
        with Session(engine) as session:
            kept = {r.row_index: r.payload for r in session.scalars(select(Reject))}
        assert json.loads(kept[2]) == deep  # its JSON text: nothing it sent is lost
        assert kept[3] == deeper
    finally:
        engine.dispose()


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(_JSON_VALUES)
def test_a_refused_row_is_kept_as_the_standard_librarys_json(value: Any) -> None:
    assert service._json_text(value) == json.dumps(value, separators=(",", ":"))
