"""Prometheus metrics, one registry per app (tests create many apps in one process)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.launches = Counter(
            "natalli_launches_total", "LTI launches by outcome", ["outcome"], registry=self.registry
        )
        self.launch_seconds = Histogram(
            "natalli_launch_seconds",
            "Server time to handle an LTI launch",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
            registry=self.registry,
        )

    def launch(self, outcome: str) -> None:
        self.launches.labels(outcome=outcome).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
