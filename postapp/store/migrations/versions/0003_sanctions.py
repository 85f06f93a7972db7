"""Sanctions screening: imported lists, their entries and the names to match against.

Revision ID: 0003_sanctions
Revises: 0002_contact_search
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_sanctions'
down_revision = '0002_contact_search'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sanctions_list',
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('normalised_with', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions_list'))
    )
    with op.batch_alter_table('sanctions_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanctions_list_post_code'), ['post_code'], unique=False)
        # One active list per source: screening never mixes two EU lists.
        batch_op.create_index('uq_sanctions_list_active_source', ['source'], unique=True,
                              sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    op.create_table('sanctions_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Uuid(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=False),
    sa.Column('schema', sa.String(length=20), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('countries', sa.Text(), nullable=False),
    sa.Column('programme', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['list_id'], ['sanctions_list.id'], name=op.f('fk_sanctions_entry_list_id_sanctions_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions_entry'))
    )
    with op.batch_alter_table('sanctions_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanctions_entry_list_id'), ['list_id'], unique=False)

    op.create_table('sanctions_name',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('normalised', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['sanctions_entry.id'], name=op.f('fk_sanctions_name_entry_id_sanctions_entry'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions_name'))
    )
    with op.batch_alter_table('sanctions_name', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanctions_name_entry_id'), ['entry_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sanctions_name', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanctions_name_entry_id'))

    op.drop_table('sanctions_name')
    with op.batch_alter_table('sanctions_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanctions_entry_list_id'))

    op.drop_table('sanctions_entry')
    with op.batch_alter_table('sanctions_list', schema=None) as batch_op:
        batch_op.drop_index('uq_sanctions_list_active_source')
        batch_op.drop_index(batch_op.f('ix_sanctions_list_post_code'))

    op.drop_table('sanctions_list')
