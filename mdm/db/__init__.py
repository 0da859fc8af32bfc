"""Engine and session construction, shared by the API, the CLI and background jobs."""

from mdm.db.engine import create_engine_for_url, session_factory

__all__ = ["create_engine_for_url", "session_factory"]
