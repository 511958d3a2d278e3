"""Quiz attempts keep the language their questions were shown in

Revision ID: 0017_attempt_locale
Revises: 0016_report_jobs
Create Date: 2026-12-02 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_attempt_locale'
down_revision = '0016_report_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('locale')
