"""join the parts' migrations into one head

Revision ID: 0004_merge
Revises: 0003_services, 0003_activities, 0003_pairing, 0003_privacy
"""

revision = "0004_merge"
down_revision = ("0003_services", "0003_activities", "0003_pairing", "0003_privacy")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
