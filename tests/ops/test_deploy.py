"""deploy/: what an admin follows must match what the tool is.

No container engine runs here, so the image is checked the way it is built: the package `pip install .`
makes (the Dockerfile's step), run from a directory outside the repository, migrates a database with the
compose file's `migrate` command and serves /healthz and /readyz under deploy/gunicorn.conf.py, as the
image's CMD does. The compose file's commands and the settings in env.example are checked against the code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import requests
import yaml

from tests.support.platform import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def dockerfile_cmd() -> list[str]:
    line = next(x for x in (DEPLOY / "Dockerfile").read_text().splitlines() if x.startswith("CMD "))
    return yaml.safe_load(line.removeprefix("CMD "))


def test_compose_has_the_services_the_guide_names_and_their_commands_exist(app):
    services = compose()["services"]
    assert {"migrate", "web", "delivery", "db", "redis"} <= set(services)
    for name in ("migrate", "web", "delivery"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis:")
    # The web service runs the image's CMD; the others run Flask CLI commands that must exist as written.
    assert dockerfile_cmd() == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "lti_tool:create_app()"]
    runner = app.test_cli_runner()
    for name in ("migrate", "delivery"):
        command = services[name]["command"]
        assert command[:3] == ["flask", "--app", "lti_tool"]
        result = runner.invoke(args=[*command[3:], "--help"])
        assert result.exit_code == 0, f"{name}: {' '.join(command)} is not a command of the tool: {result.output}"
        for option in (x for x in command[3:] if x.startswith("--")):
            assert option in result.output, f"{name}: {option} is not an option of {' '.join(command[3:])}"


def test_systemd_units_run_commands_the_tool_has(app):
    runner = app.test_cli_runner()
    commands = [line.split("=", 1)[1].split() for unit in (DEPLOY / "systemd").glob("*.service")
                for line in unit.read_text().splitlines() if line.startswith(("ExecStart=", "ExecStartPre="))]
    flask_commands = [c for c in commands if c[0].endswith("/flask")]
    assert len(flask_commands) == 2  # migrate before the web service starts; the delivery worker
    for command in flask_commands:
        assert command[1:3] == ["--app", "lti_tool"]
        result = runner.invoke(args=[*command[3:], "--help"])
        assert result.exit_code == 0, f"{' '.join(command)}: {result.output}"
        assert all(o in result.output for o in command[3:] if o.startswith("--"))
    web = next(c for c in commands if c[0].endswith("/gunicorn"))
    assert web[1:] == ["-c", "deploy/gunicorn.conf.py", "'lti_tool:create_app()'"]


def test_every_setting_in_env_example_is_read_by_the_tool_or_its_deployment():
    """A mistyped or stale name in the example would be silently ignored in production."""
    names = re.findall(r"^([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), re.M)
    assert {"TOOL_BASE_URL", "SECRET_KEY", "TRUSTED_PROXIES"} <= set(names)
    sources = "\n".join(p.read_text() for p in (ROOT / "lti_tool").rglob("*.py"))
    sources += (DEPLOY / "gunicorn.conf.py").read_text() + (DEPLOY / "docker-compose.yml").read_text()
    for name in names:
        assert f'"{name}"' in sources or f"${{{name}}}" in sources, f"env.example sets {name}, which nothing reads"


@pytest.fixture(scope="module")
def installed_package(tmp_path_factory) -> Path:
    """The files `pip install .` puts in site-packages (the wheel, unpacked), outside the repository."""
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the sources: setuptools leaves a build/ directory in the tree it builds, and a
    # stale one would put deleted modules into later packages.
    source = out / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "var", "instance", "__pycache__", ".pytest_cache", "xblocks"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(source)],
                   check=True, cwd=out, timeout=600)
    wheel = next(out.glob("natalli_lti-*.whl"))
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_installed_package_migrates_and_serves_as_the_image_does(installed_package, tmp_path):
    workdir = tmp_path / "app"  # like the image's /app: gunicorn.conf.py under deploy/, no source tree
    (workdir / "deploy").mkdir(parents=True)
    (workdir / "deploy" / "gunicorn.conf.py").write_text((DEPLOY / "gunicorn.conf.py").read_text())
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(installed_package),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'natalli.db'}",
        "SECRET_KEY": "deploy-test-" + "x" * 40,
        "TOOL_BASE_URL": f"http://127.0.0.1:{port}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESSLOG": "/dev/null",
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0"),  # shared rate-limit counters
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    where = subprocess.run([sys.executable, "-c", "import lti_tool; print(lti_tool.__file__)"], env=env,
                           cwd=workdir, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(installed_package)), "the test must run the packaged copy"

    migrate = compose()["services"]["migrate"]["command"]
    done = subprocess.run([sys.executable, "-m", *migrate], env=env, cwd=workdir, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]

    cmd = dockerfile_cmd()
    server = subprocess.Popen([sys.executable, "-m", *cmd], env=env, cwd=workdir,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = requests.get(base + "/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert server.poll() is None, f"gunicorn exited: {server.stderr.read()[-2000:]}"
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)  # synchronisation: poll until the packaged CMD has bound its own port
        assert health.status_code == 200 and health.json() == {"status": "ok"}
        ready = requests.get(base + "/readyz", timeout=5)
        assert ready.status_code == 200 and ready.json()["checks"]["database"] == "ok"
        # Templates, translations and static files came with the package: a readable page, in German.
        missing = requests.get(base + "/no-such-page", headers={"Accept-Language": "de"}, timeout=5)
        assert missing.status_code == 404 and 'lang="de"' in missing.text
        assert requests.get(base + "/static/natalli.css", timeout=5).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_several_workers_without_redis_refuse_to_start(tmp_path):
    """Rate-limit counters in process memory would be per worker: gunicorn refuses, saying what to do."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "GUNICORN_WORKERS": "2",
           "GUNICORN_BIND": f"127.0.0.1:{free_port()}", "SECRET_KEY": "x" * 40}
    env.pop("REDIS_URL", None)
    env.pop("RATELIMIT_PER_WORKER_OK", None)
    done = subprocess.run([sys.executable, "-m", *dockerfile_cmd()], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "need REDIS_URL for shared rate-limit counters" in done.stderr + done.stdout
