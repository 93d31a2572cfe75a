"""Grade passback: the score outbox (written with the learner's work) and its delivery to the platform."""
