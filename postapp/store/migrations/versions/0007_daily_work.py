"""Daily work: events and participants, company support cases, the agenda-setting log, knowledge notes,
annotations of the risk profile, GDPR fields on persons and the erasure log.

Revision ID: 0007_daily_work
Revises: 0006_sync
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_daily_work"
down_revision = "0006_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('erasure_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('record_kind', sa.String(length=30), nullable=False),
    sa.Column('record_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('erased_by', sa.String(length=200), nullable=False),
    sa.Column('links_removed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_log'))
    )
    op.create_table('knowledge_note',
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('sector', sa.String(length=120), nullable=False),
    sa.Column('theme', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sources', sa.Text(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_note'))
    )
    with op.batch_alter_table('knowledge_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knowledge_note_post_code'), ['post_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_note_review_on'), ['review_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_note_sector'), ['sector'], unique=False)
        batch_op.create_index(batch_op.f('ix_knowledge_note_theme'), ['theme'], unique=False)

    op.create_table('risk_annotation',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('sector', sa.String(length=120), nullable=False),
    sa.Column('theme', sa.String(length=120), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_annotation')),
    sa.UniqueConstraint('country', 'sector', 'theme', name='uq_risk_annotation_cell')
    )
    with op.batch_alter_table('risk_annotation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_annotation_post_code'), ['post_code'], unique=False)

    op.create_table('agenda_entry',
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('topic', sa.Enum('child_labour', 'living_wage', 'gender', 'conflict_minerals', 'deforestation', 'freedom_of_association', 'forced_labour', 'land_rights', 'environment', 'other', name='agendatopic', native_enum=False, length=30), nullable=False),
    sa.Column('topic_detail', sa.String(length=200), nullable=False),
    sa.Column('counterpart', sa.Enum('host_government', 'eu_delegation', 'member_state_post', 'business_association', 'civil_society', 'multilateral', 'other', name='counterpart', native_enum=False, length=30), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('activity_id', sa.Uuid(), nullable=True),
    sa.Column('position', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('next_step', sa.Text(), nullable=False),
    sa.Column('next_step_due', sa.Date(), nullable=True),
    sa.Column('next_step_done', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_agenda_entry_activity_id_activity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_agenda_entry_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_entry'))
    )
    with op.batch_alter_table('agenda_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_entry_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_entry_date'), ['date'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_entry_next_step_due'), ['next_step_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_entry_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_entry_post_code'), ['post_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_entry_topic'), ['topic'], unique=False)

    op.create_table('event',
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.Column('format', sa.Enum('awareness_session', 'roundtable', 'training', 'other', name='eventformat', native_enum=False, length=30), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('evaluation', sa.Text(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_event_activity_id_activity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_event_activity_id'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_post_code'), ['post_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_starts_at'), ['starts_at'], unique=False)

    op.create_table('event_participant',
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.Enum('invited', 'registered', 'attended', 'declined', 'no_show', name='participantstatus', native_enum=False, length=20), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_participant_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_event_participant_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_participant')),
    sa.UniqueConstraint('event_id', 'person_id', name='uq_event_participant_person')
    )
    with op.batch_alter_table('event_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_participant_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_participant_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_participant_post_code'), ['post_code'], unique=False)

    op.create_table('support_case',
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Enum('new', 'in_progress', 'referred', 'closed', name='casestatus', native_enum=False, length=20), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('referral', sa.Enum('', 'rvo', 'imvo_steunpunt', 'ncp', 'mvo_nederland', 'ser_agreements', 'invest_international', name='referraltarget', native_enum=False, length=30), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('condition_check_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('post_code', sa.String(length=16), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['condition_check_id'], ['condition_check.id'], name=op.f('fk_support_case_condition_check_id_condition_check'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_support_case_organisation_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_case'))
    )
    with op.batch_alter_table('support_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_case_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_opened_on'), ['opened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_post_code'), ['post_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_case_status'), ['status'], unique=False)

    op.create_table('case_activity',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('activity_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_case_activity_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_case_activity_case_id_support_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'activity_id', name=op.f('pk_case_activity'))
    )
    with op.batch_alter_table('case_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_activity_activity_id'), ['activity_id'], unique=False)

    op.create_table('case_person',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['support_case.id'], name=op.f('fk_case_person_case_id_support_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_case_person_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'person_id', name=op.f('pk_case_person'))
    )
    with op.batch_alter_table('case_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_person_person_id'), ['person_id'], unique=False)

    # Plain ADD COLUMN, not a batch rebuild: rebuilding ``person`` would drop its search triggers.
    op.add_column("person", sa.Column("gender", sa.Enum("", "female", "male", "other", name="gender",
                                                        native_enum=False, length=10),
                                      nullable=False, server_default=""))
    op.add_column("person", sa.Column("lawful_basis", sa.Enum("", "consent", "legitimate_interest", "public_task",
                                                              "contract", name="lawfulbasis", native_enum=False,
                                                              length=30),
                                      nullable=False, server_default=""))
    op.add_column("person", sa.Column("consent_date", sa.Date(), nullable=True))


def downgrade() -> None:
    for column in ("consent_date", "lawful_basis", "gender"):
        op.drop_column("person", column)  # SQLite >= 3.35 drops a column in place, triggers kept
    for table in ("case_person", "case_activity", "support_case", "event_participant", "event", "agenda_entry",
                  "risk_annotation", "knowledge_note", "erasure_log"):
        op.drop_table(table)
