"""Journey funnels count sessions that entered by searching: stored daily figures are dropped
and recomputed on the next dashboard request (they are derived from the events).

Revision ID: 0012_entry_funnels
Revises: 0011_self_service
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_entry_funnels"
down_revision = "0011_self_service"
branch_labels = None
depends_on = None


def _forget_stored_days():
    # Without a watermark the next refresh stores every day from the first event again.
    for table in ("daily_article_stats", "daily_site_stats", "stats_watermarks"):
        op.execute(sa.text(f"DELETE FROM {table}"))


def upgrade():
    _forget_stored_days()


def downgrade():
    _forget_stored_days()
