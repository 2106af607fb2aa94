"""Articles offered to a user after writing, and which one answered their question.

Revision ID: 0011_self_service
Revises: 0010_content_journal
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_self_service"
down_revision = "0010_content_journal"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ticket_suggestions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("article_slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("article_url", sa.Text(), nullable=False),
        sa.Column("answer_url", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "article_slug"),
    )
    with op.batch_alter_table("ticket_suggestions", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_suggestions_ticket_id", ["ticket_id"], unique=False)
        batch_op.create_index("ix_ticket_suggestions_article_slug", ["article_slug"],
                              unique=False)
        batch_op.create_index("ix_ticket_suggestions_answered_at", ["answered_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("ticket_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_suggestions_answered_at")
        batch_op.drop_index("ix_ticket_suggestions_article_slug")
        batch_op.drop_index("ix_ticket_suggestions_ticket_id")
    op.drop_table("ticket_suggestions")
