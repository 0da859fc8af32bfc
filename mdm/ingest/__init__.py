"""Ingestion: upsert, deactivate and delete source records, one at a time or in batches."""
