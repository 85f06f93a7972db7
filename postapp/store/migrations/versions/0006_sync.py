"""Sync with headquarters: the enrolment, outgoing bundles and the outbox entries they carried, good examples.

Revision ID: 0006_sync
Revises: 0005_survey
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_sync"
down_revision = "0005_survey"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hq_id", sa.String(length=100), nullable=False),
        sa.Column("server_url", sa.String(length=500), nullable=False),
        sa.Column("hq_sign_key", sa.LargeBinary(), nullable=False),
        sa.Column("hq_box_key", sa.LargeBinary(), nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("enrolment_secret", sa.String(length=100), nullable=True),
        sa.Column("post_name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=10), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("last_applied_hq_seq", sa.Integer(), nullable=False),
        sa.Column("last_applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts_sent", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_state")),
    )

    op.create_table(
        "sync_bundle",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_sync_bundle")),
    )

    op.create_table(
        "sync_outbox_bundle",
        sa.Column("outbox_seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("bundle_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_seq"], ["sync_outbox.seq"],
                                name=op.f("fk_sync_outbox_bundle_outbox_seq_sync_outbox"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["bundle_seq"], ["sync_bundle.seq"],
                                name=op.f("fk_sync_outbox_bundle_bundle_seq_sync_bundle"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("outbox_seq", name=op.f("pk_sync_outbox_bundle")),
    )
    op.create_index(op.f("ix_sync_outbox_bundle_bundle_seq"), "sync_outbox_bundle", ["bundle_seq"], unique=False)

    op.create_table(
        "good_example",
        sa.Column("core_task", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("post_code", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_good_example")),
    )
    op.create_index(op.f("ix_good_example_post_code"), "good_example", ["post_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_good_example_post_code"), table_name="good_example")
    op.drop_table("good_example")
    op.drop_index(op.f("ix_sync_outbox_bundle_bundle_seq"), table_name="sync_outbox_bundle")
    op.drop_table("sync_outbox_bundle")
    op.drop_table("sync_bundle")
    op.drop_table("sync_state")
