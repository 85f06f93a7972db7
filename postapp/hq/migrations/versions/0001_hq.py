"""HQ's schema: posts, bundles received and to send, uploads, nonces, activity counts, good examples,
and the survey tables it shares with the posts (the same columns as the post's 0005_survey).

Revision ID: 0001_hq
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_hq"
down_revision = None
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


def _survey_tables() -> None:
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


def upgrade() -> None:
    op.create_table(
        "hq_setting",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_hq_setting")),
    )
    op.create_table(
        "hq_post",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("sign_key", sa.LargeBinary(), nullable=True),
        sa.Column("box_key", sa.LargeBinary(), nullable=True),
        sa.Column("enrolment_secret_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("out_seq", sa.Integer(), nullable=False),
        sa.Column("out_upto", sa.Integer(), nullable=False),
        sa.Column("out_acked", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_hq_post")),
    )
    op.create_table(
        "hq_bundle",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["post_code"], ["hq_post.code"], name=op.f("fk_hq_bundle_post_code_hq_post")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_bundle")),
        sa.UniqueConstraint("post_code", "seq", name="uq_hq_bundle_post_seq"),
    )
    op.create_table(
        "hq_nonce",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_nonce")),
        sa.UniqueConstraint("post_code", "nonce", name="uq_hq_nonce_post_nonce"),
    )
    op.create_index(op.f("ix_hq_nonce_seen_at"), "hq_nonce", ["seen_at"], unique=False)
    op.create_table(
        "hq_upload",
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_code"], ["hq_post.code"], name=op.f("fk_hq_upload_post_code_hq_post")),
        sa.PrimaryKeyConstraint("post_code", "seq", name=op.f("pk_hq_upload")),
    )
    op.create_table(
        "hq_upload_chunk",
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("post_code", "seq", "offset", name=op.f("pk_hq_upload_chunk")),
    )
    op.create_table(
        "hq_outgoing",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_hq_outgoing")),
    )
    op.create_index(op.f("ix_hq_outgoing_post_code"), "hq_outgoing", ["post_code"], unique=False)
    op.create_table(
        "hq_post_bundle",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("upto", sa.Integer(), nullable=False),
        sa.Column("ack", sa.Integer(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["post_code"], ["hq_post.code"], name=op.f("fk_hq_post_bundle_post_code_hq_post")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_post_bundle")),
        sa.UniqueConstraint("post_code", "seq", name="uq_hq_post_bundle_post_seq"),
    )
    op.create_table(
        "hq_activity_count",
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("core_task", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("post_code", "month", "core_task", name=op.f("pk_hq_activity_count")),
    )
    op.create_table(
        "hq_good_example",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("core_task", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hq_good_example")),
    )
    op.create_index(op.f("ix_hq_good_example_post_code"), "hq_good_example", ["post_code"], unique=False)
    _survey_tables()


def downgrade() -> None:
    for table in ("interview_note", "survey_response", "survey_form", "hq_good_example", "hq_activity_count",
                  "hq_post_bundle", "hq_outgoing", "hq_upload_chunk", "hq_upload", "hq_nonce", "hq_bundle",
                  "hq_post", "hq_setting"):
        op.drop_table(table)
