"""Ticket inbox: first response time, reply authors, replies in the outbox.

Revision ID: 0004_inbox
Revises: 0003_users
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_inbox"
down_revision = "0003_users"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("update_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key("fk_outbox_update_id", "ticket_updates", ["update_id"],
                                    ["id"], ondelete="CASCADE")
    with op.batch_alter_table("ticket_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key("fk_ticket_updates_author_id", "users", ["author_id"],
                                    ["id"], ondelete="SET NULL")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_response_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("first_response_at")
    with op.batch_alter_table("ticket_updates", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ticket_updates_author_id", type_="foreignkey")
        batch_op.drop_column("author_id")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_update_id", type_="foreignkey")
        batch_op.drop_column("update_id")
