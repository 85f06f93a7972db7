"""Initial schema: organisations, persons, tags, activities and follow-ups.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25 08:04:49.214769
"""
import sqlalchemy as sa
from alembic import op

revision = '0001_initial'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activity',
    sa.Column('core_task', sa.Enum('expertise', 'awareness', 'support', 'conditions', 'agenda', name='coretask', native_enum=False, length=20), nullable=False),
    sa.Column('kind', sa.Enum('meeting', 'visit', 'event', 'training', 'demarche', 'publication', 'referral', 'support_request', name='activitykind', native_enum=False, length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_core_task'), ['core_task'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_post_code'), ['post_code'], unique=False)

    op.create_table('organisation',
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('company', 'ngo', 'trade_union', 'authority', 'business_association', 'knowledge_institute', 'international_organisation', name='organisationkind', native_enum=False, length=40), nullable=False),
    sa.Column('sector', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('turnover_eur', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('assets_eur', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('dutch_affiliated', sa.Boolean(), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_post_code'), ['post_code'], unique=False)

    op.create_table('sector_agreement',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector_agreement')),
    sa.UniqueConstraint('name', name=op.f('uq_sector_agreement_name'))
    )
    with op.batch_alter_table('sector_agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sector_agreement_post_code'), ['post_code'], unique=False)

    op.create_table('tag',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_tag_name'))
    )
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tag_post_code'), ['post_code'], unique=False)

    op.create_table('activity_organisation',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_organisation_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_activity_organisation_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'organisation_id', name=op.f('pk_activity_organisation'))
    )
    with op.batch_alter_table('activity_organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_organisation_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('follow_up',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_follow_up_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_post_code'), ['post_code'], unique=False)

    op.create_table('organisation_agreement',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('agreement_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['sector_agreement.id'], name=op.f('fk_organisation_agreement_agreement_id_sector_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_agreement_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'agreement_id', name=op.f('pk_organisation_agreement'))
    )
    op.create_table('person',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=60), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_person_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_post_code'), ['post_code'], unique=False)

    op.create_table('activity_person',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_person_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_activity_person_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('activity_id', 'person_id', name=op.f('pk_activity_person'))
    )
    with op.batch_alter_table('activity_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_person_person_id'), ['person_id'], unique=False)

    op.create_table('person_tag',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('tag_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_tag_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_person_tag_tag_id_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'tag_id', name=op.f('pk_person_tag'))
    )


def downgrade() -> None:
    op.drop_table('person_tag')
    with op.batch_alter_table('activity_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_person_person_id'))

    op.drop_table('activity_person')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_post_code'))
        batch_op.drop_index(batch_op.f('ix_person_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_person_name'))

    op.drop_table('person')
    op.drop_table('organisation_agreement')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_post_code'))
        batch_op.drop_index(batch_op.f('ix_follow_up_due_date'))
        batch_op.drop_index(batch_op.f('ix_follow_up_activity_id'))

    op.drop_table('follow_up')
    with op.batch_alter_table('activity_organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_organisation_organisation_id'))

    op.drop_table('activity_organisation')
    with op.batch_alter_table('tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tag_post_code'))

    op.drop_table('tag')
    with op.batch_alter_table('sector_agreement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sector_agreement_post_code'))

    op.drop_table('sector_agreement')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_post_code'))
        batch_op.drop_index(batch_op.f('ix_organisation_name'))

    op.drop_table('organisation')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_post_code'))
        batch_op.drop_index(batch_op.f('ix_activity_date'))
        batch_op.drop_index(batch_op.f('ix_activity_core_task'))

    op.drop_table('activity')
