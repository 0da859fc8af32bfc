"""The FastAPI application: routers of every feature, error rendering, request limits."""
