"""IMVO condition checks: the check, its due-diligence steps, sanctions hits and the audit log.

The audit log is append-only in the database too: triggers refuse UPDATE and DELETE, so only someone
editing the file by hand can change history, and ``postapp audit verify`` shows where.

Revision ID: 0004_condition_checks
Revises: 0003_sanctions
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_condition_checks"
down_revision = "0003_sanctions"
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
        "condition_check",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("support_kind", sa.String(length=30), nullable=False),
        sa.Column("host_country", sa.String(length=2), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("oecd_declared", sa.Boolean(), nullable=True),
        sa.Column("conflict_minerals", sa.Boolean(), nullable=True),
        sa.Column("minerals_from_cahra", sa.Boolean(), nullable=True),
        sa.Column("minerals", sa.JSON(), nullable=False),
        sa.Column("gender_answers", sa.JSON(), nullable=False),
        sa.Column("ncp_complaints", sa.Text(), nullable=False),
        sa.Column("screened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("risk_level", sa.String(length=10), nullable=True),
        sa.Column("risk_reasons", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=30), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_by", sa.String(length=200), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"],
                                name="fk_condition_check_organisation_id_organisation"),
        sa.ForeignKeyConstraint(["previous_id"], ["condition_check.id"],
                                name="fk_condition_check_previous_id_condition_check"),
        sa.PrimaryKeyConstraint("id", name="pk_condition_check"),
    )
    op.create_index("ix_condition_check_organisation_id", "condition_check", ["organisation_id"])
    op.create_index("ix_condition_check_status", "condition_check", ["status"])
    op.create_index("ix_condition_check_post_code", "condition_check", ["post_code"])
    op.create_table(
        "due_diligence_step",
        sa.Column("check_id", sa.Uuid(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=False),
        sa.Column("evidence_ref", sa.String(length=300), nullable=False),
        sa.Column("evidence_link", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(["check_id"], ["condition_check.id"], ondelete="CASCADE",
                                name="fk_due_diligence_step_check_id_condition_check"),
        sa.PrimaryKeyConstraint("id", name="pk_due_diligence_step"),
    )
    op.create_index("ix_due_diligence_step_check_id", "due_diligence_step", ["check_id"])
    op.create_index("ix_due_diligence_step_post_code", "due_diligence_step", ["post_code"])
    op.create_table(
        "screening_hit",
        sa.Column("check_id", sa.Uuid(), nullable=False),
        sa.Column("list_source", sa.String(length=20), nullable=False),
        sa.Column("list_published", sa.Date(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("matched_name", sa.String(length=500), nullable=False),
        sa.Column("primary_name", sa.String(length=500), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("schema", sa.String(length=20), nullable=False),
        sa.Column("countries", sa.String(length=200), nullable=False),
        sa.Column("programme", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("assessed_by", sa.String(length=200), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(["check_id"], ["condition_check.id"], ondelete="CASCADE",
                                name="fk_screening_hit_check_id_condition_check"),
        sa.PrimaryKeyConstraint("id", name="pk_screening_hit"),
    )
    op.create_index("ix_screening_hit_check_id", "screening_hit", ["check_id"])
    op.create_index("ix_screening_hit_post_code", "screening_hit", ["post_code"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("record_type", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_record_id", "audit_log", ["record_id"])
    op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    op.drop_table("audit_log")
    op.drop_table("screening_hit")
    op.drop_table("due_diligence_step")
    op.drop_table("condition_check")
