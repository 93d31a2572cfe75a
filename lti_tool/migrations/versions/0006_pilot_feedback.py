"""pilot feedback: anonymous responses and receipts (no person, no link between the two)

Revision ID: 0006_pilot_feedback
Revises: 0005_signed_state

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_pilot_feedback'
down_revision = '0005_signed_state'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_response',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=100), nullable=False),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.Column('context_pk', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('free_text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['context_pk'], ['lti_context.id'], name=op.f('fk_feedback_response_context_pk_lti_context'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_response'))
    )
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_response_context_pk'), ['context_pk'], unique=False)

    op.create_table('feedback_receipt',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_feedback_receipt')),
    sqlite_with_rowid=False
    )


def downgrade():
    op.drop_table('feedback_receipt')
    with op.batch_alter_table('feedback_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_response_context_pk'))

    op.drop_table('feedback_response')
