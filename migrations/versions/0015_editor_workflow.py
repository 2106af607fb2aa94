"""Editor workflow: scheduled publish and unpublish, and the optional review before publishing.

Revision ID: 0015_editor_workflow
Revises: 0012_entry_funnels
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_editor_workflow"
down_revision = "0012_entry_funnels"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "scheduled_changes",
        sa.Column("id", ID, nullable=False),
        sa.Column("article_slug", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("done_at", WHEN, nullable=True),
        sa.Column("outcome", sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scheduled_changes", schema=None) as batch_op:
        batch_op.create_index("ix_scheduled_changes_article_slug", ["article_slug"])
        batch_op.create_index("ix_scheduled_changes_due_at", ["due_at"])
        batch_op.create_index("ix_scheduled_changes_status", ["status"])
    op.create_table(
        "publish_reviews",
        sa.Column("id", ID, nullable=False),
        sa.Column("article_slug", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_email", sa.String(length=254), nullable=True),
        sa.Column("requested_at", WHEN, nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_email", sa.String(length=254), nullable=True),
        sa.Column("decided_at", WHEN, nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("publish_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_publish_reviews_article_slug", ["article_slug"])
        batch_op.create_index("ix_publish_reviews_status", ["status"])


def downgrade():
    with op.batch_alter_table("publish_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_publish_reviews_status")
        batch_op.drop_index("ix_publish_reviews_article_slug")
    op.drop_table("publish_reviews")
    with op.batch_alter_table("scheduled_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_changes_status")
        batch_op.drop_index("ix_scheduled_changes_due_at")
        batch_op.drop_index("ix_scheduled_changes_article_slug")
    op.drop_table("scheduled_changes")
