"""Merging golden records and splitting source records out of them, exactly and reversibly."""
