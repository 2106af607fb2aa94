"""The user's answers on a ticket (status page or mail), and the outbox rows that tell the
support team about them.

Revision ID: 0016_ticket_messages
Revises: 0015_editor_workflow
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_ticket_messages"
down_revision = "0013_channels"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "ticket_messages",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("ticket_id", BIG_ID, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_messages_ticket_id", ["ticket_id"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key("fk_outbox_message_id", "ticket_messages", ["message_id"],
                                    ["id"], ondelete="CASCADE")


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outbox_message_id", type_="foreignkey")
        batch_op.drop_column("message_id")
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_messages_ticket_id")
    op.drop_table("ticket_messages")
