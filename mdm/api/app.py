"""Application factory."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mdm import __version__
from mdm.api import meta
from mdm.audit.endpoints import router as audit_router
from mdm.config import Settings, get_settings
from mdm.crosswalk.endpoints import router as crosswalk_router
from mdm.db import bulk, create_engine_for_url, session_factory
from mdm.delivery.dispatcher import dispatcher_for, wake_after_commit
from mdm.errors import MDMError
from mdm.events.endpoints import router as events_router
from mdm.golden.endpoints import router as golden_router
from mdm.ingest.endpoints import files_router as ingest_files_router
from mdm.ingest.endpoints import router as ingest_router
from mdm.match.endpoints import router as match_router
from mdm.pins.endpoints import router as pins_router
from mdm.quality.endpoints import router as quality_router
from mdm.rejects.endpoints import router as rejects_router
from mdm.source_systems.endpoints import router as source_systems_router
from mdm.stewardship.endpoints import router as stewardship_router
from mdm.subscriptions.endpoints import router as subscriptions_router
from mdm.survivorship_policies.endpoints import router as survivorship_router


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = engine or create_engine_for_url(settings.database_url, echo=settings.sql_echo)
    factory = session_factory(engine)
    # Webhooks go out from this process (embedded default) or from `mdm worker` (Celery);
    # either way each commit that wrote events wakes the dispatcher.
    dispatcher = dispatcher_for(factory, settings)
    wake_after_commit(factory, dispatcher)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        dispatcher.start()
        try:
            with bulk.startup_objects_frozen():
                yield
        finally:
            dispatcher.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="MDM hub",
        version=__version__,
        description=(
            "Golden records for healthcare master data: providers, locations, cost centers, "
            "suppliers, items, payers and employees. Errors are JSON objects "
            '`{"error": {"code", "message", "fields": [{"field", "code", "reason"}]}}`.'
        ),
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.dispatcher = dispatcher
    for router in (
        meta.router,
        source_systems_router,
        ingest_router,
        ingest_files_router,
        golden_router,
        crosswalk_router,
        rejects_router,
        quality_router,
        audit_router,
        match_router,
        pins_router,
        stewardship_router,
        survivorship_router,
        subscriptions_router,
        events_router,
    ):
        app.include_router(router)
    app.add_exception_handler(MDMError, _mdm_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        max_file_bytes=settings.max_file_bytes,
    )
    return app


def _error(
    status: int, code: str, message: str, fields: list[dict[str, str]] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"error": {"code": code, "message": message, "fields": fields or []}},
    )


async def _mdm_error(_request: Request, exc: MDMError) -> JSONResponse:
    return _error(exc.status_code, exc.code, exc.message, [f.as_dict() for f in exc.fields])


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    fields = []
    malformed = False
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        if err.get("type") == "json_invalid":
            malformed = True
            ctx: dict[str, Any] = err.get("ctx") or {}
            fields.append(
                {
                    "field": "body",
                    "code": "malformed_json",
                    "reason": f"body is not valid JSON: {ctx.get('error', err.get('msg'))}",
                }
            )
            continue
        fields.append(
            {
                "field": ".".join(loc) or "body",
                "code": str(err.get("type", "invalid")),
                "reason": str(err.get("msg", "invalid")),
            }
        )
    if malformed:
        return _error(400, "malformed_json", "request body is not valid JSON", fields)
    return _error(422, "invalid_request", "the request does not match the API's schema", fields)


# Unanchored at the start: behind a proxy the path may begin with the app's root path.
_FILES = re.compile(r"/api/v1/sources/[^/]+/domains/[^/]+/files/?$")


class BodySizeLimit:
    """Refuse bodies larger than the configured limit with 413 before reading them whole."""

    def __init__(self, app: ASGIApp, max_bytes: int, max_file_bytes: int | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_file_bytes = max_bytes if max_file_bytes is None else max_file_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # A loaded file is read line by line as it arrives, never whole: it has its own limit.
        limit = self.max_file_bytes if _FILES.search(scope.get("path", "")) else self.max_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._too_large(scope, receive, send, limit)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = _error(
            413,
            "payload_too_large",
            f"request body is larger than {limit} bytes; send smaller batches or files",
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass
