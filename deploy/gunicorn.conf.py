"""gunicorn settings for the NatAlli LTI tool: `gunicorn -c deploy/gunicorn.conf.py 'lti_tool:create_app()'`.

Every value can be overridden from the environment (GUNICORN_*), so the same file serves a laptop, a VM and
a container.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: the launch path is short and CPU-bound; 2 × cores + 1 is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 2000))
# X-Forwarded-* are honoured by the app only from TRUSTED_PROXIES; gunicorn itself trusts only this list.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":%(B)s,"ms":%(M)s,"request_id":"%({x-request-id}o)s"}'
errorlog = "-"
# Launch tokens are credentials: the access log writes /s/<redacted>/… (lti_tool/web/gunicorn_logging.py).
logger_class = "lti_tool.web.gunicorn_logging.RedactingLogger"
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"


def child_exit(server, worker):  # noqa: ARG001 - gunicorn hook signature
    """Let prometheus_client drop a dead worker's live gauges in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def on_starting(server):
    """Refuse several workers with rate-limit counters in process memory: each worker would count alone, so
    the limits would be as many times looser as there are workers (and the failure budget inconsistent).
    Set REDIS_URL (shared counters), run one worker, or say RATELIMIT_PER_WORKER_OK=1 for a trial."""
    limits_on = os.environ.get("RATELIMIT_ENABLED", "true").lower() != "false"
    if (server.cfg.workers > 1 and limits_on and not os.environ.get("REDIS_URL")
            and os.environ.get("RATELIMIT_PER_WORKER_OK") != "1"):
        raise SystemExit(
            f"NatAlli: {server.cfg.workers} workers need REDIS_URL for shared rate-limit counters "
            "(or GUNICORN_WORKERS=1, or RATELIMIT_PER_WORKER_OK=1 to accept per-worker limits). "
            "See deploy/OPERATIONS.md, 'Rate limits'."
        )
