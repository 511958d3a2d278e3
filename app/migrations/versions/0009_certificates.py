"""certificates of course completion

Revision ID: 0009_certificates
Revises: 0010_onboarding
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.db  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0009_certificates'
down_revision = '0010_onboarding'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.String(length=64), nullable=False),
        sa.Column('course_version', sa.Integer(), nullable=False),
        sa.Column('course_title', sa.JSON(), nullable=False),
        sa.Column('modules', sa.JSON(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('issued_at', app.db.UTCDateTime(), nullable=False),
        sa.Column('revoked_at', app.db.UTCDateTime(), nullable=True),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], name=op.f('fk_certificate_org_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_certificate_user_id_user_account'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
        sa.UniqueConstraint('code', name=op.f('uq_certificate_code')),
        sa.UniqueConstraint('user_id', 'course_id', 'course_version', name=op.f('uq_certificate_user_id_course_id_course_version')),
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_org_id'), ['org_id'], unique=False)


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_org_id'))
    op.drop_table('certificate')
