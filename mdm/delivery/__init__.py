"""Delivering outbox events to webhook subscribers: fan-out, claims, attempts, retries, replay.

The database holds the truth (a delivery row per event and endpoint); the embedded dispatcher
and Celery (``mdm worker``) only decide when the same :mod:`mdm.delivery.pump` code runs.
"""
