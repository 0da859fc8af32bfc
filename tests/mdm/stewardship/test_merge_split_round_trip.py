"""Property: splitting a merged golden record's records back out restores exactly the state
before the merge — attributes, lineage, crosswalk (sent and registered keys), pins and
relationships of both golden records — whichever order the merge named them in."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from mdm.crosswalk import service as crosswalk
from mdm.golden import service as golden
from mdm.ingest import service as ingest
from mdm.merges import service as merges
from mdm.pins import service as pins
from mdm.source_systems import service as source_systems
from mdm.source_systems.schemas import SourceSystemCreate

SYSTEMS = ["erp", "clinic_a", "billing", "supply"]
PEOPLE = [
    {"name": "Okafor, Grace A", "birth_date": "1975-02-14", "phone": "(512) 555-0142"},
    {"name": "Lindqvist, Marta", "birth_date": "1981-09-03", "phone": "(737) 555-0199"},
    {"name": "Abernathy, Paul", "birth_date": "1962-11-30", "phone": "(210) 555-0123"},
    {"name": "Castellanos, Rosa", "birth_date": "1990-06-07", "phone": "(915) 555-0188"},
]
PIN_VALUES = {"specialty": "Pinned Specialty", "email": "pinned@hub.example"}
EXTRAS = {
    "email": st.sampled_from(["a@clinic.example", "b@clinic.example"]),
    "specialty": st.sampled_from(["Cardiology", "Family Medicine", "Oncology"]),
    "credentials": st.sampled_from([["MD"], ["DO"], ["MD", "FACC"]]),
}


@st.composite
def person_records(draw: st.DrawFn, person: int, tag: str) -> list[dict[str, Any]]:
    """1-3 records of one person from different systems, each with some optional extras."""
    systems = draw(st.lists(st.sampled_from(SYSTEMS[:3]), min_size=1, max_size=3, unique=True))
    out = []
    for system in systems:
        extras = draw(st.fixed_dictionaries({}, optional=EXTRAS))
        references = {"practice_locations": [f"L{person}"]} if draw(st.booleans()) else {}
        out.append(
            {
                "system": system,
                "row": {
                    "source_key": f"{tag}-{system}",
                    "attributes": {**PEOPLE[person], **extras},
                    "references": references,
                },
            }
        )
    return out


@st.composite
def scenarios(draw: st.DrawFn, sides: tuple[str, ...] = ("a", "b")) -> dict[str, Any]:
    people = draw(
        st.lists(
            st.integers(0, len(PEOPLE) - 1),
            min_size=len(sides),
            max_size=len(sides),
            unique=True,
        )
    )
    return {
        "sides": sides,
        **{
            side: draw(person_records(p, side.upper()))
            for side, p in zip(sides, people, strict=True)
        },
        "keys": {
            side: draw(st.lists(st.sampled_from(["supply", "billing"]), unique=True, max_size=2))
            for side in sides
        },
        "pins": {
            side: {
                attribute: PIN_VALUES[attribute]
                for attribute in draw(
                    st.lists(st.sampled_from(sorted(PIN_VALUES)), unique=True, max_size=2)
                )
            }
            for side in sides
        },
        "merge_order": draw(st.booleans()),
        "undo_order": draw(st.permutations(range(len(sides) - 1))),
    }


def _state(session: Session, golden_id: str) -> dict[str, Any]:
    view = golden.view(session, domain="provider", golden_id=golden_id)
    keys = crosswalk.for_golden(session, domain="provider", golden_id=golden_id)
    _, pinned = pins.pins(session, domain="provider", golden_id=golden_id)
    return {
        "id": view.record.id,
        "status": view.record.status.value,
        "attributes": view.record.attributes,
        "lineage": view.record.lineage,
        "members": sorted((code, m.source_key) for m, code in view.members),
        "crosswalk": sorted((k.system, k.key, k.kind) for k in keys.keys),
        "pins": {p.attribute: p.value for p in pinned},
        "relationships": sorted(
            (r.name, r.target_key, r.golden_id or "") for r in view.relationships
        ),
    }


def _load(session: Session, scenario: dict[str, Any]) -> dict[str, str]:
    for code in SYSTEMS:
        source_systems.create(
            session,
            data=SourceSystemCreate(
                code=code, name=code, sends=["provider", "location"], receives=["provider"]
            ),
            actor="test",
        )
    for person in range(len(PEOPLE)):
        ingest.ingest_batch(
            session,
            source_code="erp",
            domain="location",
            rows=[{"source_key": f"L{person}", "attributes": {"name": f"Clinic {person}"}}],
            actor="test",
            max_rows=10,
        )
    ids = {}
    for side in scenario["sides"]:
        for item in scenario[side]:
            ingest.ingest_batch(
                session,
                source_code=item["system"],
                domain="provider",
                rows=[item["row"]],
                actor="test",
                max_rows=10,
            )
        first = scenario[side][0]
        ids[side] = crosswalk.lookup(
            session, source_code=first["system"], domain="provider", key=first["row"]["source_key"]
        ).golden_id
        for index, system in enumerate(scenario["keys"][side]):
            crosswalk.register_key(
                session,
                source_code=system,
                domain="provider",
                key=f"{side}-{index}",
                golden_id=ids[side],
                actor="test",
            )
        for attribute, value in scenario["pins"][side].items():
            pins.pin(
                session,
                domain="provider",
                golden_id=ids[side],
                attribute=attribute,
                value=value,
                reason="test",
                actor="steward",
            )
    return ids


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_split_after_merge_restores_both_golden_records_exactly(
    session: Session, scenario: dict[str, Any]
) -> None:
    savepoint = session.begin_nested()
    try:
        ids = _load(session, scenario)
        a, b = ids["a"], ids["b"]
        # Each person's records are one golden record, the two people two.
        assert a != b
        before = {g: _state(session, g) for g in (a, b)}
        pair = (a, b) if scenario["merge_order"] else (b, a)

        merged = merges.merge_goldens(
            session, domain="provider", golden_ids=pair, actor="steward", reason="test"
        )
        absorbed_state = before[merged.absorbed_id]
        assert golden.resolve(session, merged.absorbed_id).id == merged.survivor_id
        split = merges.split_records(
            session,
            domain="provider",
            golden_id=merged.survivor_id,
            records=[merges.RecordRef(s, k) for s, k in absorbed_state["members"]],
            actor="steward",
            reason="test",
        )

        assert split.restored == [merged.absorbed_id]
        assert {g: _state(session, g) for g in (a, b)} == before
    finally:
        savepoint.rollback()
        # Rows rolled back here are gone; so must their objects be, or SQLite's reused IDs
        # collide with them in the next example.
        session.expunge_all()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios(sides=("a", "b", "c")))
def test_a_chain_of_merges_undone_in_any_order_restores_every_golden_record(
    session: Session, scenario: dict[str, Any]
) -> None:
    """A absorbs B (or B absorbs A), the survivor and C merge; then each merge is undone by
    splitting one person's records out, in any order: all three come back as they were."""
    savepoint = session.begin_nested()
    try:
        ids = _load(session, scenario)
        assert len(set(ids.values())) == 3
        before = {g: _state(session, g) for g in ids.values()}
        first = (ids["a"], ids["b"]) if scenario["merge_order"] else (ids["b"], ids["a"])
        merged = merges.merge_goldens(
            session, domain="provider", golden_ids=first, actor="steward", reason="test"
        )
        merges.merge_goldens(
            session,
            domain="provider",
            golden_ids=(merged.survivor_id, ids["c"]),
            actor="steward",
            reason="test",
        )
        # Undo by splitting people out: one of the two people that are not the final root,
        # in the drawn order; each time out of wherever their records are now.
        root = golden.resolve(session, ids["a"]).id
        others = [side for side in ("a", "b", "c") if ids[side] != root]
        for index in scenario["undo_order"]:
            side = others[index]
            holder = golden.resolve(session, ids[side]).id
            merges.split_records(
                session,
                domain="provider",
                golden_id=holder,
                records=[merges.RecordRef(s, k) for s, k in before[ids[side]]["members"]],
                actor="steward",
                reason="test",
            )

        assert {g: _state(session, g) for g in ids.values()} == before
    finally:
        savepoint.rollback()
        session.expunge_all()
