"""API tokens for the HR pull API

Revision ID: 0015_api_tokens
Revises: 0014_xapi_outbox
Create Date: 2026-12-02 06:40:00

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0015_api_tokens'
down_revision = '0014_xapi_outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_api_token_created_by_id_user_account'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_api_token_org_id_organisation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash')),
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_org_id'), ['org_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_org_id'))
    op.drop_table('api_token')
