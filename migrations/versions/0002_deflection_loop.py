"""Help sessions, search/click columns on events, votes, tickets, ticket history, outbox.

Revision ID: 0002_deflection
Revises: 0001_events
Create Date: 2026-11-22 22:48:15.862539

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_deflection'
down_revision = '0001_events'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('help_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('tickets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('status_token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('order_reference', sa.String(length=100), nullable=True),
    sa.Column('priority', sa.String(length=2), nullable=False),
    sa.Column('priority_reason', sa.String(length=200), nullable=False),
    sa.Column('journey', sa.String(length=100), nullable=True),
    sa.Column('article_slug', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=True),
    sa.Column('client_hash', sa.String(length=64), nullable=True),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('reference')
    )
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tickets_client_hash'), ['client_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tickets_session_id'), ['session_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('article_slug', sa.String(length=200), nullable=False),
    sa.Column('journey', sa.String(length=100), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'article_slug', name='uq_votes_session_article')
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_article_slug'), ['article_slug'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('ticket_updates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('ticket_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ticket_updates_ticket_id'), ['ticket_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('visit', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('query', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('normalized_query', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('result_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('search_event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_normalized_query'), ['normalized_query'], unique=False)
        batch_op.create_index('ix_events_session_occurred_at', ['session_id', 'occurred_at'], unique=False)




def downgrade():

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_session_occurred_at')
        batch_op.drop_index(batch_op.f('ix_events_normalized_query'))
        batch_op.drop_column('source')
        batch_op.drop_column('search_event_id')
        batch_op.drop_column('position')
        batch_op.drop_column('result_count')
        batch_op.drop_column('normalized_query')
        batch_op.drop_column('query')
        batch_op.drop_column('visit')
        batch_op.drop_column('session_id')

    with op.batch_alter_table('ticket_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ticket_updates_ticket_id'))

    op.drop_table('ticket_updates')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_status'))

    op.drop_table('outbox')
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_article_slug'))

    op.drop_table('votes')
    with op.batch_alter_table('tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tickets_session_id'))
        batch_op.drop_index(batch_op.f('ix_tickets_created_at'))
        batch_op.drop_index(batch_op.f('ix_tickets_client_hash'))

    op.drop_table('tickets')
    op.drop_table('help_sessions')

