"""Prometheus metrics, one registry per app (tests create many apps in one process).

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR: counters and histograms are then written to
that directory by every worker and summed at scrape time (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.multiprocess = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        self.launches = Counter(
            "natalli_launches_total", "LTI launches by outcome", ["outcome"], registry=self.registry
        )
        self.launch_seconds = Histogram(
            "natalli_launch_seconds",
            "Server time to handle an LTI launch",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )
        self.errors = Counter(
            "natalli_unexpected_errors_total", "Requests answered with the error page for unexpected errors",
            ["status"], registry=self.registry,
        )
        self.scores = Gauge(
            "natalli_scores", "Scores in the outbox by status", ["status"], registry=self.registry,
            multiprocess_mode="liveall",
        )

    def launch(self, outcome: str) -> None:
        self.launches.labels(outcome=outcome).inc()

    def error(self, status: int) -> None:
        self.errors.labels(status=str(status)).inc()

    def set_scores(self, counts: dict[str, int]) -> None:
        for status in ("pending", "delivered", "failed"):
            self.scores.labels(status=status).set(counts.get(status, 0))

    def render(self) -> bytes:
        if self.multiprocess:
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)
