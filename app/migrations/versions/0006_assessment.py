"""quiz answers keep the learner's sureness

Revision ID: 0006_assessment
Revises: 0004_login_limits
Create Date: 2026-12-02 00:20:00

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0006_assessment'
down_revision = '0004_login_limits'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sure', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.drop_column('sure')
