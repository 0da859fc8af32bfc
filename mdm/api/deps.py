"""Request-scoped dependencies: the database session (one unit of work), the actor, settings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session, sessionmaker

from mdm.config import Settings


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A session per request. Write endpoints commit once; anything uncommitted is rolled back."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
    finally:
        session.close()


def get_actor(
    request: Request,
    x_mdm_actor: Annotated[
        str | None, Header(description="Who is acting; recorded in the audit log")
    ] = None,
) -> str:
    settings: Settings = request.app.state.settings
    return (x_mdm_actor or settings.default_actor)[:200]


SessionDep = Annotated[Session, Depends(get_session)]
ActorDep = Annotated[str, Depends(get_actor)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
