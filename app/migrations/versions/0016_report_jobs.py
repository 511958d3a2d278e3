"""Report exports made by the job queue, and dashboard snapshots

Revision ID: 0016_report_jobs
Revises: 0015_api_tokens
Create Date: 2026-12-02 09:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0016_report_jobs'
down_revision = '0015_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dashboard_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('computed_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('figures', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_dashboard_snapshot_org_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_snapshot')),
    sa.UniqueConstraint('org_id', name=op.f('uq_dashboard_snapshot_org_id'))
    )
    op.create_table('report_export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=8), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('delimiter', sa.String(length=1), nullable=True),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='exportstatus', native_enum=False, length=16), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_report_export_org_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_report_export_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_export'))
    )
    with op.batch_alter_table('report_export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_export_org_id'), ['org_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_export_org_id'))

    op.drop_table('report_export')
    op.drop_table('dashboard_snapshot')
