"""`make run`: the tool and the demo platform together, on the embedded SQLite default.

Creates the database with the migrations, registers the demo platform with the tool (idempotent), starts
both servers (threaded, as the platform calls back to the tool while the tool waits on it) and the grade
delivery worker, and tells the newcomer where to click.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
import time

from werkzeug.serving import make_server

log = logging.getLogger("demo")


def _serve(app, host: str, port: int, name: str) -> threading.Thread:
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return thread


def _delivery_loop(tool_app, stop: threading.Event) -> None:
    """Send pending grades to the platform every couple of seconds (what `grades deliver --loop` does)."""
    try:
        from lti_tool.services.delivery import deliver_pending
    except ImportError:  # pragma: no cover - delivery not installed
        log.warning("grade delivery is not available in this build")
        return
    while not stop.is_set():
        try:
            deliver_pending(tool_app, limit=100)
        except Exception:  # keep the demo running; the worker logs its own errors
            log.exception("grade delivery pass failed")
        stop.wait(2.0)


def seed_pair(registration: dict) -> bool:
    """One mentoring pair already under way in the demo course (the tool's side; the platform seeds the
    "Your mentoring pair" link). Runs inside the tool's app context; idempotent."""
    from demo_platform.roster import COURSE, PEOPLE
    from demo_platform.seed import DEMO_PAIR
    from lti_tool.pairing.demo import DemoPerson, seed_demo_pair

    people = {p.sub: DemoPerson(p.sub, p.name, p.locale) for p in PEOPLE}
    return seed_demo_pair(registration["issuer"], registration["deployment_ids"][0], COURSE["id"], COURSE["title"],
                          mentee=people[DEMO_PAIR["mentee"]], mentor=people[DEMO_PAIR["mentor"]])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_platform.run_all")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--tool-port", type=int, default=int(os.environ.get("TOOL_PORT", 5000)))
    parser.add_argument("--platform-port", type=int, default=int(os.environ.get("PLATFORM_PORT", 5001)))
    args = parser.parse_args(argv)

    tool_url = f"http://{args.host}:{args.tool_port}"
    platform_url = f"http://{args.host}:{args.platform_port}"
    os.environ.setdefault("TOOL_BASE_URL", tool_url)
    os.environ.setdefault("PLATFORM_BASE_URL", platform_url)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from flask_migrate import upgrade

    from demo_platform import create_platform_app, registration_json
    from lti_tool import create_app
    from lti_tool.cli import import_registration
    from lti_tool.programme.demo import seed_pilot_activity

    tool_app = create_app()
    with tool_app.app_context():
        upgrade(revision="heads")
        registration = registration_json(os.environ["PLATFORM_BASE_URL"])
        import_registration(registration)
        seed_pair(registration)
        # Made-up pilot activity in a few more courses, so the programme report has something to show.
        seed_pilot_activity(registration["issuer"], registration["deployment_ids"][0])
    platform_app = create_platform_app()

    _serve(tool_app, args.host, args.tool_port, "tool")
    _serve(platform_app, args.host, args.platform_port, "demo-platform")
    stop = threading.Event()
    threading.Thread(target=_delivery_loop, args=(tool_app, stop), daemon=True, name="delivery").start()

    print(
        f"""
  NatAlli Mentoring is running.

    Demo platform (start here):  {os.environ['PLATFORM_BASE_URL']}/
      - "Launch as learner" / "Launch as instructor" on any activity
      - "Add activities (Deep Linking)" to place the whole programme in the demo course
      - the gradebook shows the scores and completion the tool sends back
      - "Programme report" (as the LMS administrator) shows the pilot figures across the platform's courses
    The tool:                    {os.environ['TOOL_BASE_URL']}/   (registration help: /lti/setup)

  Data lives in ./instance (SQLite). Press Ctrl+C to stop.
""",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stop.set()


if __name__ == "__main__":
    main()
