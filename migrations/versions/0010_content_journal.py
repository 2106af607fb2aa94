"""Content kept in the database for several nodes (KB_CONTENT_SOURCE=database).

Revision ID: 0010_content_journal
Revises: 0009_hardening
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_content_journal"
down_revision = "0009_hardening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "content_files",
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("path"),
    )
    with op.batch_alter_table("content_files", schema=None) as batch_op:
        batch_op.create_index("ix_content_files_change_id", ["change_id"], unique=False)
    op.create_table(
        "content_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("content_changes")
    with op.batch_alter_table("content_files", schema=None) as batch_op:
        batch_op.drop_index("ix_content_files_change_id")
    op.drop_table("content_files")
