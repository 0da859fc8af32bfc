"""The crosswalk: every system's key for a golden record, both the keys sources sent and the
keys downstream systems registered back."""
