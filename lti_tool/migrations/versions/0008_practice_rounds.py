"""practice rounds of the Train-the-Trainer course: rounds and the peers' feedback

Revision ID: 0008_practice_rounds
Revises: 0007_merge
Create Date: 2026-12-02

"""
import sqlalchemy as sa
from alembic import op

revision = "0008_practice_rounds"
down_revision = "0007_merge"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("context_pk", sa.Integer(), nullable=False),
        sa.Column("presenter_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.String(length=100), nullable=False),
        sa.Column("step_id", sa.String(length=100), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["context_pk"], ["lti_context.id"],
                                name=op.f("fk_practice_round_context_pk_lti_context"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["presenter_id"], ["lti_user.id"],
                                name=op.f("fk_practice_round_presenter_id_lti_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_round")),
        sa.UniqueConstraint("context_pk", "presenter_id", "unit_id", "step_id",
                            name=op.f("uq_practice_round_context_pk_presenter_id_unit_id_step_id")),
    )
    with op.batch_alter_table("practice_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_round_context_pk"), ["context_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_round_presenter_id"), ["presenter_id"], unique=False)

    op.create_table(
        "practice_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("answers_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["giver_id"], ["lti_user.id"],
                                name=op.f("fk_practice_feedback_giver_id_lti_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["practice_round.id"],
                                name=op.f("fk_practice_feedback_round_id_practice_round"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice_feedback")),
        sa.UniqueConstraint("round_id", "giver_id", name=op.f("uq_practice_feedback_round_id_giver_id")),
    )
    with op.batch_alter_table("practice_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practice_feedback_giver_id"), ["giver_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_practice_feedback_round_id"), ["round_id"], unique=False)


def downgrade():
    with op.batch_alter_table("practice_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_feedback_round_id"))
        batch_op.drop_index(batch_op.f("ix_practice_feedback_giver_id"))
    op.drop_table("practice_feedback")
    with op.batch_alter_table("practice_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practice_round_presenter_id"))
        batch_op.drop_index(batch_op.f("ix_practice_round_context_pk"))
    op.drop_table("practice_round")
