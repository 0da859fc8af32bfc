"""The data steward's data-quality queue: refused rows and records that landed with issues."""
