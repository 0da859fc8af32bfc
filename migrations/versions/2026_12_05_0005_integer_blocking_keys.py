"""integer blocking keys: the blocking index's hashes as 64-bit integers, indexed alone

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 22:40:00.000000

A key was the hex of BLAKE2b-128 of ``domain|key`` (32 characters); it is now the digest's first
8 bytes as a signed big-endian integer (``mdm.match.repository.hash_key``), so every stored key
is converted in place, without the records: the first 16 hex digits are those 8 bytes. The
lookup index was (domain, key_hash); the hash names its domain, so it is now on key_hash alone.

Downgrade cannot give back the digests' last 8 bytes: it empties the index and restores the
text column. Run ``mdm match rematch --domain D`` for each domain afterwards, on the older
release, to rebuild it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HEX = "'0123456789abcdef'"


def _first_8_bytes_sqlite(column: str) -> str:
    """SQLite has no hex-to-integer function: each of the first 16 hex digits shifted into
    place and OR-ed together, two's complement as the integer's sign."""
    return " | ".join(
        f"((instr({_HEX}, substr(lower({column}), {i + 1}, 1)) - 1) << {4 * (15 - i)})"
        for i in range(16)
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_blocking_key_lookup', table_name='blocking_key')
        op.execute(
            "ALTER TABLE blocking_key ALTER COLUMN key_hash TYPE BIGINT "
            "USING ('x' || substr(key_hash, 1, 16))::bit(64)::bigint"
        )
        op.create_index('ix_blocking_key_lookup', 'blocking_key', ['key_hash'], unique=False)
        return
    # SQLite alters a column's type by copying the table; the copy converts each key.
    op.create_table(
        '_blocking_key_new',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=32), nullable=False),
        sa.Column('key_hash', sa.BigInteger(), nullable=False),
        sa.Column('source_record_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['source_record_id'],
            ['source_record.id'],
            name=op.f('fk_blocking_key_source_record_id_source_record'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_blocking_key')),
    )
    op.execute(
        "INSERT INTO _blocking_key_new (id, domain, key_hash, source_record_id) "
        f"SELECT id, domain, {_first_8_bytes_sqlite('key_hash')}, source_record_id "
        "FROM blocking_key"
    )
    op.drop_table('blocking_key')
    op.rename_table('_blocking_key_new', 'blocking_key')
    op.create_index('ix_blocking_key_lookup', 'blocking_key', ['key_hash'], unique=False)
    op.create_index(
        op.f('ix_blocking_key_source_record_id'), 'blocking_key', ['source_record_id'], unique=False
    )


def downgrade() -> None:
    op.execute("DELETE FROM blocking_key")
    with op.batch_alter_table('blocking_key', schema=None) as batch_op:
        batch_op.drop_index('ix_blocking_key_lookup')
        batch_op.alter_column(
            'key_hash',
            existing_type=sa.BigInteger(),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
        batch_op.create_index('ix_blocking_key_lookup', ['domain', 'key_hash'], unique=False)
