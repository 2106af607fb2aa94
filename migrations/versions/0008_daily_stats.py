"""Daily pre-aggregated figures for the dashboard, and article counter resets.

Revision ID: 0008_daily_stats
Revises: 0007_review_requests
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_daily_stats"
down_revision = "0007_review_requests"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_occurred_at", ["occurred_at"], unique=False)
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index("ix_votes_updated_at", ["updated_at"], unique=False)
    op.create_table(
        "daily_article_stats",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("article_slug", sa.String(length=200), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("tickets_after_view", sa.Integer(), nullable=False),
        sa.Column("helpful_yes", sa.Integer(), nullable=False),
        sa.Column("helpful_no", sa.Integer(), nullable=False),
        sa.Column("deflections", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "article_slug"),
    )
    op.create_table(
        "daily_site_stats",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lang", sa.String(length=10), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("deflected_sessions", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("day", "lang"),
    )
    op.create_table(
        "stats_watermarks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.BigInteger(), nullable=False),
        sa.Column("last_ticket_id", sa.BigInteger(), nullable=False),
        sa.Column("votes_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "counter_resets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("article_slug", sa.String(length=200), nullable=False),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_email", sa.String(length=254), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("counter_resets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_counter_resets_article_slug"), ["article_slug"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("counter_resets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counter_resets_article_slug"))
    op.drop_table("counter_resets")
    op.drop_table("stats_watermarks")
    op.drop_table("daily_site_stats")
    op.drop_table("daily_article_stats")
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index("ix_votes_updated_at")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_occurred_at")
