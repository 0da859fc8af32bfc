"""Publishing canonical changes (CloudEvents envelope, Standard Webhooks signing, delivery).

Arrives with issue 5; this package must never import ``mdm``, SQLAlchemy or FastAPI.
"""
