"""Events table: one row per recorded user action (article.viewed, ...).

Revision ID: 0001_events
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_events"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article_slug", sa.String(length=200), nullable=True),
        sa.Column("journey", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_events_article_slug", "events", ["article_slug"])
    op.create_index("ix_events_name_occurred_at", "events", ["name", "occurred_at"])


def downgrade():
    op.drop_index("ix_events_name_occurred_at", table_name="events")
    op.drop_index("ix_events_article_slug", table_name="events")
    op.drop_table("events")
