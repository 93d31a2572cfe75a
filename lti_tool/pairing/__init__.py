"""Mentor–mentee pairing: capacity self-assessments, the facilitator's matching and the published pairs."""
