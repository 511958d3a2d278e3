"""xAPI: an organisation's LRS, and the outbox of statements waiting to be pushed to it

Revision ID: 0014_xapi_outbox
Revises: 0013_xapi
Create Date: 2026-12-02 06:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0014_xapi_outbox'
down_revision = '0013_xapi'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'xapi_lrs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint', sa.String(length=255), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('secret', sa.String(length=255), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_xapi_lrs_org_id_organisation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_lrs')),
        sa.UniqueConstraint('org_id', name=op.f('uq_xapi_lrs_org_id')),
    )
    with op.batch_alter_table('xapi_lrs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_lrs_org_id'), ['org_id'], unique=False)
    op.create_table(
        'xapi_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('statement', sa.JSON(), nullable=True),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_xapi_outbox_org_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_xapi_outbox_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_xapi_outbox')),
        sa.UniqueConstraint('statement_id', name=op.f('uq_xapi_outbox_statement_id')),
    )
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_outbox_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_outbox_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_xapi_outbox_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('xapi_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_outbox_user_id'))
        batch_op.drop_index(batch_op.f('ix_xapi_outbox_sent_at'))
        batch_op.drop_index(batch_op.f('ix_xapi_outbox_org_id'))
    op.drop_table('xapi_outbox')
    with op.batch_alter_table('xapi_lrs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_lrs_org_id'))
    op.drop_table('xapi_lrs')
