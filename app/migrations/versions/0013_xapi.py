"""xAPI: an opaque account name per person; actors by e-mail only where the organisation opts in

Revision ID: 0013_xapi
Revises: 0011_team
Create Date: 2026-12-02 06:00:00

"""
import uuid

from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0013_xapi'
down_revision = '0011_team'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('xapi_email_enabled', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('xapi_id', sa.String(length=36), nullable=True))
    # Everyone who exists gets their own random name, as a new person does at creation.
    connection = op.get_bind()
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('xapi_id', sa.String))
    ids = connection.scalars(sa.select(users.c.id)).all()
    for user_id in ids:
        connection.execute(
            users.update().where(users.c.id == user_id).values(xapi_id=str(uuid.uuid4()))
        )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('xapi_id', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_xapi_id'), ['xapi_id'])


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_xapi_id'), type_='unique')
        batch_op.drop_column('xapi_id')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('xapi_email_enabled')
