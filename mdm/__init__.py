"""The MDM hub service: ingestion, golden records, crosswalk, history, and the REST API."""

__version__ = "0.1.0"
