"""Channel (site, widget, api) and help context on help sessions, events, votes and tickets:
existing rows read ``site`` through the server default, their page context is empty.

Revision ID: 0013_channels
Revises: 0012_entry_funnels
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_channels"
down_revision = "0014_api_tokens"
branch_labels = None
depends_on = None

TABLES = ("help_sessions", "events", "votes", "tickets")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("channel", sa.String(10), nullable=False,
                                       server_default="site"))
            batch.add_column(sa.Column("page_context", sa.String(60), nullable=True))
    op.create_index("ix_events_channel_context", "events", ["channel", "page_context"])


def downgrade():
    op.drop_index("ix_events_channel_context", table_name="events")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("page_context")
            batch.drop_column("channel")
