"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL with TEST_DATABASE_URL), the tool
served over real HTTP in a thread, and a scriptable test platform that signs id_tokens.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from tests.support.platform import TestPlatform, free_port


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def tool_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def app(database_url: str, tool_port: int, tmp_path_factory: pytest.TempPathFactory):
    from flask_migrate import upgrade

    from lti_tool import create_app
    from lti_tool.extensions import db

    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TOOL_BASE_URL": f"http://127.0.0.1:{tool_port}",
            # The whole suite launches from 127.0.0.1; rate limits have their own tests with low limits.
            "RATELIMIT_PER_IP": "100000/minute",
            "RATELIMIT_FAILURES_PER_IP": "100000/minute",
            "RATELIMIT_PER_PLATFORM": "100000/minute",
        }
    )
    with application.app_context():
        # A clean schema, built by the migrations exactly as an operator would.
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
    return application


@pytest.fixture(autouse=True)
def clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after a test that used the app (keeps the schema; fast on both databases)."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    from lti_tool.extensions import db

    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_tool(app, tool_port: int) -> Iterator[str]:
    """The tool on a real socket, threaded like production, so tests speak HTTP to it."""
    server = make_server("127.0.0.1", tool_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{tool_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def platform_server() -> Iterator[TestPlatform]:
    platform = TestPlatform()
    platform.start()
    yield platform
    platform.stop()


@pytest.fixture
def platform(app, platform_server: TestPlatform) -> TestPlatform:
    """A registered test platform (fresh registration for each test)."""
    platform_server.reset()
    with app.app_context():
        from lti_tool.cli import import_registration

        import_registration(platform_server.registration())
    return platform_server
