"""`python -m demo_platform serve --port 5001 [--host 127.0.0.1] [--tool-url URL] [--instance DIR]`
and `python -m demo_platform registration` (prints the registration JSON for the tool's CLI)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from demo_platform import create_platform_app, registration_json


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo_platform", description="NatAlli demo LTI 1.3 platform")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the platform (threaded development server)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5001)
    serve.add_argument("--base-url", help="public base URL = issuer (default http://HOST:PORT or $PLATFORM_BASE_URL)")
    serve.add_argument("--tool-url", help="the tool's base URL (default $TOOL_BASE_URL or http://127.0.0.1:5000)")
    serve.add_argument("--instance", help="folder for the key and state (default ./instance/demo_platform)")
    reg = sub.add_parser("registration", help="print the registration JSON the tool imports")
    reg.add_argument("--base-url", default=os.environ.get("PLATFORM_BASE_URL", "http://127.0.0.1:5001"))
    args = parser.parse_args(argv)

    if args.command == "registration":
        json.dump(registration_json(args.base_url), sys.stdout, indent=2)
        print()
        return 0
    config: dict[str, object] = {
        "PLATFORM_BASE_URL": args.base_url or os.environ.get("PLATFORM_BASE_URL") or f"http://{args.host}:{args.port}",
    }
    if args.tool_url:
        config["TOOL_BASE_URL"] = args.tool_url
    if args.instance:
        config["INSTANCE_PATH"] = args.instance
    app = create_platform_app(config)
    print(f"Demo platform at {app.config['PLATFORM_BASE_URL']} (tool: {app.config['TOOL_BASE_URL']})", flush=True)
    # Threaded: while the tool waits on /token, it may be asked for its JWKS, and vice versa.
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
