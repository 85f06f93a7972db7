"""Survey module: questionnaires, responses with their answers, interview notes, and the sync outbox.

Revision ID: 0005_survey
Revises: 0004_condition_checks
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_survey"
down_revision = "0004_condition_checks"
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "survey_form",
        sa.Column("form_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("source", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_form")),
        sa.UniqueConstraint("form_id", "version", name="uq_survey_form_version"),
    )
    op.create_index(op.f("ix_survey_form_form_id"), "survey_form", ["form_id"], unique=False)
    op.create_index(op.f("ix_survey_form_post_code"), "survey_form", ["post_code"], unique=False)

    op.create_table(
        "survey_response",
        sa.Column("form_id", sa.String(length=100), nullable=False),
        sa.Column("form_version", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("set_aside_reason", sa.Text(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
    )
    op.create_index("ix_survey_response_form", "survey_response", ["form_id", "status"], unique=False)
    op.create_index(op.f("ix_survey_response_post_code"), "survey_response", ["post_code"], unique=False)

    op.create_table(
        "interview_note",
        sa.Column("guide_id", sa.String(length=100), nullable=False),
        sa.Column("guide_version", sa.String(length=50), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("interviewee_role", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=50), nullable=False),
        sa.Column("business_activity", sa.String(length=20), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("quotes", sa.JSON(), nullable=False),
        sa.Column("follow_ups", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        *_synced(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_note")),
    )
    op.create_index(op.f("ix_interview_note_post_code"), "interview_note", ["post_code"], unique=False)

    op.create_table(
        "sync_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_outbox")),
        sa.UniqueConstraint("record_type", "record_id", name="uq_sync_outbox_record"),
    )


def downgrade() -> None:
    op.drop_table("sync_outbox")
    op.drop_index(op.f("ix_interview_note_post_code"), table_name="interview_note")
    op.drop_table("interview_note")
    op.drop_index(op.f("ix_survey_response_post_code"), table_name="survey_response")
    op.drop_index("ix_survey_response_form", table_name="survey_response")
    op.drop_table("survey_response")
    op.drop_index(op.f("ix_survey_form_post_code"), table_name="survey_form")
    op.drop_index(op.f("ix_survey_form_form_id"), table_name="survey_form")
    op.drop_table("survey_form")
