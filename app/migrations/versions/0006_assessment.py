"""quiz answers keep the learner's sureness; refreshers after a pass

Revision ID: 0006_assessment
Revises: 0005_journal
Create Date: 2026-12-02 00:20:00

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0006_assessment'
down_revision = '0005_journal'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sure', sa.Boolean(), nullable=True))
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('refreshers_enabled', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        'refresher',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.String(length=64), nullable=False),
        sa.Column('module_version', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=36), nullable=False),
        sa.Column('question_ids', sa.JSON(), nullable=False),
        sa.Column('due_at', app.db.UTCDateTime(), nullable=False),
        sa.Column('mailed_at', app.db.UTCDateTime(), nullable=True),
        sa.Column('answered_at', app.db.UTCDateTime(), nullable=True),
        sa.Column('answers', sa.JSON(), nullable=True),
        sa.Column('score_raw', sa.Integer(), nullable=True),
        sa.Column('score_max', sa.Integer(), nullable=True),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_refresher_org_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_refresher_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refresher')),
        sa.UniqueConstraint('user_id', 'module_id', 'number', name=op.f('uq_refresher_user_id_module_id_number')),
    )
    with op.batch_alter_table('refresher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresher_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_refresher_org_id'), ['org_id'], unique=False)


def downgrade():
    with op.batch_alter_table('refresher', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresher_org_id'))
        batch_op.drop_index(batch_op.f('ix_refresher_due_at'))
    op.drop_table('refresher')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('refreshers_enabled')
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.drop_column('sure')
