"""Matching inside the hub: the blocking index, re-clustering a record's neighbourhood, match
decisions and candidates, rule-set versions. The algorithms live in the pure ``matching``
library; this package feeds it from the database and applies its clusters to golden records.
"""
