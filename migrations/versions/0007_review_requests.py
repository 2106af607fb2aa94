"""Review requests: an agent marks an article as the cause of a ticket.

Revision ID: 0007_review_requests
Revises: 0006_languages
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_review_requests"
down_revision = "0006_languages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_requests",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("article_slug", sa.String(length=200), nullable=False),
        sa.Column("ticket_reference", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_requests", schema=None) as batch_op:
        batch_op.create_index("ix_review_requests_article_slug", ["article_slug"], unique=False)
        batch_op.create_index("ix_review_requests_status", ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("review_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_review_requests_status")
        batch_op.drop_index("ix_review_requests_article_slug")
    op.drop_table("review_requests")
