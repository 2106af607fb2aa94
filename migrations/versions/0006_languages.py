"""The interface language of each event and ticket.

Revision ID: 0006_languages
Revises: 0005_revisions
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_languages"
down_revision = "0005_revisions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lang", sa.String(length=10), nullable=True))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lang", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("lang")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("lang")
