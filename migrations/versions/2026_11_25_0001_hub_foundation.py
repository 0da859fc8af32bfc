"""create hub foundation: source systems, source records, golden records, crosswalk, audit, rejects

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 12:00:26.529875
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import mdm.models.base

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=64), nullable=False),
    sa.Column('entity_id', sa.String(length=200), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('golden_record',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('active', 'inactive', 'merged', name='goldenstatus', native_enum=False, length=16), nullable=False),
    sa.Column('merged_into_id', sa.String(length=40), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('lineage', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into_id'], ['golden_record.id'], name=op.f('fk_golden_record_merged_into_id_golden_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_record'))
    )
    with op.batch_alter_table('golden_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_golden_record_domain'), ['domain'], unique=False)
        batch_op.create_index('ix_golden_record_domain_status', ['domain', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_golden_record_merged_into_id'), ['merged_into_id'], unique=False)

    op.create_table('reject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_system_code', sa.String(length=64), nullable=False),
    sa.Column('domain', sa.String(length=64), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=True),
    sa.Column('batch_id', sa.String(length=64), nullable=True),
    sa.Column('row_index', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('errors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('open', 'resubmitted', 'dismissed', name='rejectstatus', native_enum=False, length=16), nullable=False),
    sa.Column('resolved_record_id', sa.Integer(), nullable=True),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('times_received', sa.Integer(), nullable=False),
    sa.Column('created_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_received_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reject'))
    )
    with op.batch_alter_table('reject', schema=None) as batch_op:
        batch_op.create_index('ix_reject_payload', ['source_system_code', 'domain', 'payload_hash'], unique=False)
        batch_op.create_index('ix_reject_queue', ['status', 'domain', 'source_system_code'], unique=False)

    op.create_table('source_system',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('sends_domains', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('receives_domains', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_system')),
    sa.UniqueConstraint('code', name=op.f('uq_source_system_code'))
    )
    op.create_table('downstream_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_system_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('golden_id', sa.String(length=40), nullable=False),
    sa.Column('registered_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_record.id'], name=op.f('fk_downstream_key_golden_id_golden_record')),
    sa.ForeignKeyConstraint(['source_system_id'], ['source_system.id'], name=op.f('fk_downstream_key_source_system_id_source_system')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_downstream_key')),
    sa.UniqueConstraint('source_system_id', 'domain', 'key', name=op.f('uq_downstream_key_source_system_id_domain_key'))
    )
    with op.batch_alter_table('downstream_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_downstream_key_golden_id'), ['golden_id'], unique=False)

    op.create_table('golden_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('golden_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('lineage', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('member_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('changed_attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('rule_set_version', sa.String(length=64), nullable=False),
    sa.Column('created_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_record.id'], name=op.f('fk_golden_version_golden_id_golden_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_golden_version')),
    sa.UniqueConstraint('golden_id', 'version', name=op.f('uq_golden_version_golden_id_version'))
    )
    op.create_table('source_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_system_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('source_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('active', 'inactive', 'deleted', name='sourcerecordstatus', native_enum=False, length=16), nullable=False),
    sa.Column('golden_id', sa.String(length=40), nullable=False),
    sa.Column('raw', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('attributes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('quality_issues', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('payload_hash', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', mdm.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['golden_id'], ['golden_record.id'], name=op.f('fk_source_record_golden_id_golden_record')),
    sa.ForeignKeyConstraint(['source_system_id'], ['source_system.id'], name=op.f('fk_source_record_source_system_id_source_system')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_record')),
    sa.UniqueConstraint('source_system_id', 'domain', 'source_key', name=op.f('uq_source_record_source_system_id_domain_source_key'))
    )
    with op.batch_alter_table('source_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_record_golden_id'), ['golden_id'], unique=False)

    op.create_table('record_identifier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('scheme', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_record_identifier_source_record_id_source_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_identifier'))
    )
    with op.batch_alter_table('record_identifier', schema=None) as batch_op:
        batch_op.create_index('ix_record_identifier_lookup', ['domain', 'scheme', 'value'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_identifier_source_record_id'), ['source_record_id'], unique=False)

    op.create_table('source_record_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_record_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('target_domain', sa.String(length=32), nullable=False),
    sa.Column('target_system_id', sa.Integer(), nullable=False),
    sa.Column('target_key', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['source_record_id'], ['source_record.id'], name=op.f('fk_source_record_reference_source_record_id_source_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_system_id'], ['source_system.id'], name=op.f('fk_source_record_reference_target_system_id_source_system')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_record_reference'))
    )
    with op.batch_alter_table('source_record_reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_record_reference_source_record_id'), ['source_record_id'], unique=False)
        batch_op.create_index('ix_source_record_reference_target', ['target_system_id', 'target_domain', 'target_key'], unique=False)
    _forbid_audit_changes()


# The audit log is append-only: the database itself refuses UPDATE and DELETE on it, so no code
# path (and no operator with a SQL prompt short of dropping the trigger) can rewrite history.
def _forbid_audit_changes() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only';
            END $$;
            """
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    
    with op.batch_alter_table('source_record_reference', schema=None) as batch_op:
        batch_op.drop_index('ix_source_record_reference_target')
        batch_op.drop_index(batch_op.f('ix_source_record_reference_source_record_id'))

    op.drop_table('source_record_reference')
    with op.batch_alter_table('record_identifier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_identifier_source_record_id'))
        batch_op.drop_index('ix_record_identifier_lookup')

    op.drop_table('record_identifier')
    with op.batch_alter_table('source_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_record_golden_id'))

    op.drop_table('source_record')
    op.drop_table('golden_version')
    with op.batch_alter_table('downstream_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_downstream_key_golden_id'))

    op.drop_table('downstream_key')
    op.drop_table('source_system')
    with op.batch_alter_table('reject', schema=None) as batch_op:
        batch_op.drop_index('ix_reject_queue')
        batch_op.drop_index('ix_reject_payload')

    op.drop_table('reject')
    with op.batch_alter_table('golden_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_golden_record_merged_into_id'))
        batch_op.drop_index('ix_golden_record_domain_status')
        batch_op.drop_index(batch_op.f('ix_golden_record_domain'))

    op.drop_table('golden_record')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_entity')

    op.drop_table('audit_log')
    
