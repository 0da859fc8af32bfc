"""The ``mdm`` command: serve the API, migrate the database, run the demo, manage source systems."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mdm.config import Settings, get_settings

app = typer.Typer(help="MDM hub: golden records for healthcare master data.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
source_app = typer.Typer(help="Source systems registry.", no_args_is_help=True)
match_app = typer.Typer(
    help="Match rule sets: train, preview in shadow, activate.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(source_app, name="source")
survivorship_app = typer.Typer(
    help="Survivorship policies: store, preview in shadow, activate.", no_args_is_help=True
)
app.add_typer(match_app, name="match")
app.add_typer(survivorship_app, name="survivorship")


def _settings() -> Settings:
    return get_settings()


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or upgrade the schema of MDM_DATABASE_URL."""
    from mdm.db.migrate import upgrade

    upgrade(_settings().database_url, revision)
    typer.echo(f"database at {revision}: {_safe_url(_settings().database_url)}")


@db_app.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    from mdm.db.migrate import check

    check(_settings().database_url)
    typer.echo("models and migrations agree")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    migrate: Annotated[
        bool | None,
        typer.Option(
            help="Upgrade the schema first (default: only on the embedded SQLite database)"
        ),
    ] = None,
) -> None:
    """Serve the REST API (OpenAPI docs at /docs)."""
    import uvicorn

    from mdm.api.app import create_app

    settings = _settings()
    if migrate if migrate is not None else settings.database_url.startswith("sqlite"):
        from mdm.db.migrate import upgrade

        upgrade(settings.database_url)
    uvicorn.run(create_app(settings), host=host, port=port)


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Seed of the deterministic generator")] = 7,
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API afterwards")
    ] = True,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Load a realistic demo (ERP, two acquired clinics, billing, supply) and serve the API."""
    from mdm.demo.loader import load_demo

    settings = _settings()
    typer.echo(f"loading the demo into {_safe_url(settings.database_url)} ...")
    summary = load_demo(settings, seed=seed)
    typer.echo(summary.render())
    if serve_after:
        typer.echo(f"serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
        serve(host=host, port=port, migrate=False)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def worker(
    ctx: typer.Context,
    concurrency: Annotated[int, typer.Option(help="Worker processes")] = 1,
    beat: Annotated[
        bool,
        typer.Option(
            "--beat/--no-beat",
            help="Also run the beat that finds due retries (run it in one worker only)",
        ),
    ] = True,
) -> None:
    """Deliver webhooks with Celery (needs MDM_BROKER_URL, e.g. redis://127.0.0.1:6379/0).

    Extra arguments go to `celery worker` as they are (e.g. --loglevel debug).
    """
    from mdm.delivery.worker import main

    if not _settings().broker_url:
        typer.echo("MDM_BROKER_URL is not set; without a broker the API delivers in-process")
        raise typer.Exit(2)
    argv = ["worker", "--concurrency", str(concurrency), "--loglevel", "INFO"]
    if beat:
        argv.append("--beat")
    main([*argv, *ctx.args])


@app.command()
def load(
    path: Annotated[
        str, typer.Argument(help="NDJSON file, one record per line ('-' reads standard input)")
    ],
    source: Annotated[str, typer.Option(help="Source system that sent the file, e.g. hr_a")],
    domain: Annotated[str, typer.Option(help="Domain of its records, e.g. employee")],
    chunk: Annotated[
        int | None,
        typer.Option(min=1, help="Records matched and committed together (MDM_FILE_CHUNK_RECORDS)"),
    ] = None,
    actor: Annotated[str, typer.Option(help="Actor recorded in the audit log")] = "cli",
) -> None:
    """Load a source system's whole file (onboarding): every line lands or is refused.

    Records are matched chunk by chunk against the hub and against each other, and each chunk
    is committed. Refused lines are listed with their line number and kept in the rejects
    queue. Exits 1 if a chunk could not be loaded (the chunks before it stay loaded).
    """
    import sys
    from pathlib import Path

    from sqlalchemy.exc import OperationalError

    from mdm.db import create_engine_for_url, session_factory
    from mdm.ingest.file_load import FileLoadFailed, load_file, pieces_of

    settings = _settings()
    sessions = session_factory(create_engine_for_url(settings.database_url))
    try:
        stream = sys.stdin.buffer if path == "-" else Path(path).open("rb")
    except OSError as exc:
        typer.echo(f"error: cannot read {path}: {exc.strerror}", err=True)
        raise typer.Exit(1) from None
    with stream:
        try:
            result = _or_exit(
                lambda: load_file(
                    sessions,
                    source=source,
                    domain=domain,
                    pieces=pieces_of(stream),
                    actor=actor,
                    chunk_records=chunk or settings.file_chunk_records,
                    name=path,
                )
            )
        except FileLoadFailed as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except OperationalError as exc:
            # Before any chunk landed (the database is unreachable or not migrated).
            typer.echo(
                f"error: cannot use the database {_safe_url(settings.database_url)}: "
                f"{str(exc.orig).strip().splitlines()[0]} (run `mdm db upgrade` for a new one)",
                err=True,
            )
            raise typer.Exit(1) from None
    counts = result.counts
    typer.echo(
        f"loaded {result.lines} records from {path} as {source}/{domain} in "
        f"{result.seconds:.1f} s ({len(result.batch_ids)} chunks): {counts['created']} created, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged, "
        f"{counts['rejected']} refused (load {result.load_id})"
    )
    for row in result.refused:
        reasons = "; ".join(f"{e.field or 'record'}: {e.reason}" for e in row.errors)
        typer.echo(f"  line {row.index}: refused (reject {row.reject_id}): {reasons}")
    if counts["rejected"] > len(result.refused):
        typer.echo(
            f"  ... and {counts['rejected'] - len(result.refused)} more, in the rejects queue"
        )


@source_app.command("add")
def source_add(
    code: str,
    name: Annotated[str, typer.Option(help="Display name")],
    sends: Annotated[str, typer.Option(help="Comma-separated domains it sends")] = "",
    receives: Annotated[str, typer.Option(help="Comma-separated domains it receives")] = "",
    description: str = "",
) -> None:
    """Register a source system."""
    from pydantic import ValidationError

    from mdm.errors import MDMError
    from mdm.source_systems import service
    from mdm.source_systems.schemas import SourceSystemCreate

    try:
        data = SourceSystemCreate(
            code=code,
            name=name,
            description=description,
            sends=_split(sends),
            receives=_split(receives),
        )
    except ValidationError as exc:
        for err in exc.errors():
            typer.echo(f"error: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}", err=True)
        raise typer.Exit(2) from None
    with _session() as session:
        try:
            service.create(session, data=data, actor="cli")
        except MDMError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(1) from None
        session.commit()
    typer.echo(f"registered {code}")


@source_app.command("list")
def source_list() -> None:
    """List source systems."""
    from mdm.source_systems import service

    with _session() as session:
        for system in service.list_all(session):
            typer.echo(
                f"{system.code:<16} {system.name:<40} "
                f"sends: {','.join(system.sends_domains) or '-'}"
                f"  receives: {','.join(system.receives_domains) or '-'}"
            )


@match_app.command("train")
def match_train(
    domain: Annotated[str, typer.Option(help="Domain to train, e.g. provider")],
    version: Annotated[str | None, typer.Option(help="Version name of the new rule set")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the random-pair sample")] = 0,
    random_pairs: Annotated[int, typer.Option(help="Random pairs for estimating u")] = 20_000,
    activate: Annotated[bool, typer.Option(help="Activate it (and re-match) at once")] = False,
) -> None:
    """Estimate m, u, prior and term frequencies from the hub's records; store a new version."""
    from mdm.match import rule_sets

    with _session() as session:
        row = _or_exit(
            lambda: rule_sets.train_version(
                session,
                domain=domain,
                actor="cli",
                version=version,
                seed=seed,
                random_pairs=random_pairs,
            )
        )
        training = row.settings.get("training") or {}
        typer.echo(
            f"stored {row.version} (draft): {training.get('records')} records, "
            f"{training.get('blocked_pairs')} blocked pairs, EM "
            f"{'converged' if training.get('converged') else 'did not converge'} in "
            f"{training.get('em_iterations')} iterations, prior {row.settings['prior']:.3g}"
        )
        if activate:
            result = rule_sets.activate(session, version=row.version, actor="cli")
            typer.echo(_rematch_line(result))
        session.commit()


@match_app.command("preview")
def match_preview(
    domain: Annotated[str, typer.Option(help="Domain, e.g. provider")],
    version: Annotated[
        str | None, typer.Option(help="Rule set to preview (default: active)")
    ] = None,
    show: Annotated[int, typer.Option(help="How many merges and splits to list")] = 20,
) -> None:
    """Run a rule set in shadow: which golden records would merge or split. Changes nothing."""
    from mdm.match import rule_sets

    with _session() as session:
        report = _or_exit(lambda: rule_sets.preview(session, domain=domain, version=version))
        session.rollback()
    typer.echo(
        f"{report.version} (active: {report.active_version}) over {report.records} records, "
        f"{report.compared_pairs} compared pairs: {report.golden_records_now} golden records now, "
        f"{report.clusters_after} after; {len(report.merges)} would merge, "
        f"{len(report.splits)} would split; {report.candidates} candidates for review"
    )
    for goldens in report.merges[:show]:
        typer.echo("merge: " + " + ".join(goldens))
    for golden_id, groups in report.splits[:show]:
        typer.echo(f"split: {golden_id} -> " + " | ".join(str(g) for g in groups))


@match_app.command("activate")
def match_activate(version: str) -> None:
    """Activate a rule set and re-match its whole domain with it."""
    from mdm.match import rule_sets

    with _session() as session:
        result = _or_exit(lambda: rule_sets.activate(session, version=version, actor="cli"))
        session.commit()
    typer.echo(f"activated {version}: " + _rematch_line(result))


@match_app.command("rematch")
def match_rematch(
    domain: Annotated[str, typer.Option(help="Domain to re-match, e.g. employee")],
) -> None:
    """Re-match a domain with the settings in force and rebuild its blocking index (after an
    upgrade that changed the shipped default settings)."""
    from mdm.match import rule_sets

    with _session() as session:
        result = _or_exit(lambda: rule_sets.rematch(session, domain=domain, actor="cli"))
        session.commit()
    typer.echo(f"{domain}: " + _rematch_line(result))


@match_app.command("list")
def match_list(domain: Annotated[str | None, typer.Option(help="Only this domain")] = None) -> None:
    """List rule-set versions (the shipped defaults are used while none is active)."""
    from mdm.match import rule_sets

    with _session() as session:
        rows = _or_exit(lambda: rule_sets.list_versions(session, domain))
        for row in rows:
            typer.echo(f"{row.domain:<12} {row.version:<40} {row.status.value:<8} {row.note}")


@survivorship_app.command("show")
def survivorship_show(domain: Annotated[str, typer.Option(help="Domain, e.g. provider")]) -> None:
    """Print the domain's policy in force (JSON): the active version, or the shipped default."""
    import json

    from mdm.survivorship_policies import service

    with _session() as session:
        policy = _or_exit(lambda: service.active(session, domain))
    typer.echo(json.dumps(policy.model_dump(mode="json"), indent=2))


@survivorship_app.command("add")
def survivorship_add(
    path: Annotated[str, typer.Argument(help="A policy JSON file (see docs/survivorship.md)")],
    note: Annotated[str, typer.Option(help="Why this version")] = "",
) -> None:
    """Store a policy version as a draft (it does nothing until activated)."""
    import json
    from pathlib import Path

    from pydantic import ValidationError

    from mdm.survivorship_policies import service
    from survivorship import SurvivorshipPolicy

    try:
        policy = SurvivorshipPolicy.model_validate(json.loads(Path(path).read_text()))
    except (OSError, ValueError, ValidationError) as exc:
        typer.echo(f"error: {path}: {exc}", err=True)
        raise typer.Exit(1) from None
    with _session() as session:
        row = _or_exit(lambda: service.create(session, policy=policy, actor="cli", note=note))
        session.commit()
        typer.echo(f"stored {row.version} for {row.domain} as a draft")


@survivorship_app.command("preview")
def survivorship_preview(
    version: str, show: Annotated[int, typer.Option(help="How many changes to list")] = 20
) -> None:
    """Which golden records a policy version would change. Changes nothing."""
    from mdm.survivorship_policies import service

    with _session() as session:
        row, report = _or_exit(lambda: service.preview(session, version=version))
        session.rollback()
    typer.echo(
        f"{row.version} ({row.domain}): {report.changed} of {report.golden_records} golden "
        f"records would change values, {report.lineage_only} only lineage; by attribute: "
        + (", ".join(f"{k} {v}" for k, v in sorted(report.by_attribute.items())) or "none")
    )
    for golden_id, attribute, before, after in report.examples[:show]:
        typer.echo(f"{golden_id} {attribute}: {before!r} -> {after!r}")


@survivorship_app.command("activate")
def survivorship_activate(version: str) -> None:
    """Activate a policy version and rebuild its domain's golden records with it."""
    from mdm.survivorship_policies import service

    with _session() as session:
        result = _or_exit(lambda: service.activate(session, version=version, actor="cli"))
        session.commit()
    typer.echo(
        f"activated {version} for {result.domain} (was {result.previous}): "
        f"{result.golden_records_changed} golden records got a new version"
    )


@survivorship_app.command("list")
def survivorship_list(
    domain: Annotated[str | None, typer.Option(help="Only this domain")] = None,
) -> None:
    """List stored policy versions (the shipped defaults are used while none is active)."""
    from mdm.survivorship_policies import service

    with _session() as session:
        rows = _or_exit(lambda: service.list_versions(session, domain))
        for row in rows:
            typer.echo(f"{row.domain:<12} {row.version:<40} {row.status.value:<8} {row.note}")


def _rematch_line(result: Any) -> str:
    return (
        f"re-matched {result.records} records ({result.compared_pairs} pairs): "
        f"{result.clusters} golden records, {result.moved} records moved, "
        f"{result.founded} golden records founded, {result.candidates} candidates"
    )


def _or_exit(action: Any) -> Any:
    from mdm.errors import MDMError

    try:
        return action()
    except MDMError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _session() -> Any:
    from mdm.db import create_engine_for_url, session_factory

    return session_factory(create_engine_for_url(_settings().database_url))()


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
