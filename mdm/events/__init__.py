"""The outbox: every canonical change becomes an event in the change's own transaction."""
