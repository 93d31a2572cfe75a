"""`python -m lti_tool serve --port N`: run the tool alone (development server, threaded)."""

from __future__ import annotations

import argparse

from lti_tool import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lti_tool")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the tool with the development server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument("--no-upgrade", action="store_true", help="do not apply database migrations first")
    args = parser.parse_args(argv)

    app = create_app()
    if not args.no_upgrade:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade(revision="heads")
    # Threaded: while the tool waits on a platform's token endpoint, the platform calls back for our JWKS.
    app.run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
