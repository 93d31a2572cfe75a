"""join the pair space and the pilot feedback migrations into one head

Revision ID: 0007_merge
Revises: 0006_pair_space, 0006_pilot_feedback
"""

revision = "0007_merge"
down_revision = ("0006_pair_space", "0006_pilot_feedback")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
