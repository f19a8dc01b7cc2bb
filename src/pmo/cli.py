"""The ``pmo`` command: ``pmo demo``, ``pmo serve``, ``pmo worker`` and Django's commands.

Every command honours ``DATABASE_URL`` (SQLite in ./var by default) and
``DJANGO_SETTINGS_MODULE`` (``pmo.config.settings.dev`` unless set).
"""

import argparse
import os
import signal
import subprocess
import sys

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "pmo-demo"


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.config.settings.dev")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _worker_command() -> list[str]:
    return [sys.executable, "-m", "pmo.cli", "worker"]


def _serve(host: str, port: int, workers: int) -> int:
    """Serve with gunicorn (static files through WhiteNoise), or Ctrl-C to stop."""
    _call("collectstatic", "--noinput", "--verbosity", "0")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "pmo.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "5",
    ]
    server = subprocess.Popen(command, env=os.environ.copy())

    # A SIGTERM to `pmo serve` (a service manager, a benchmark) must stop gunicorn
    # too, not leave it serving as an orphan.
    def stop(signum, _frame):
        server.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return server.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)


def cmd_demo(args) -> int:
    _setup_django()
    from django.contrib.auth import get_user_model

    from pmo.demo import build_demo
    from pmo.demo.context import OFFICE_TIMEZONE

    _call("migrate", "--noinput", "--verbosity", "0")
    user_model = get_user_model()
    from pmo.portfolios.models import Project

    if not Project.objects.exists():
        print(f"Building the demo portfolio (scale {args.scale}, seed {args.seed}) ...")
        summary = build_demo(seed=args.seed, projects=args.scale, progress=print)
        print(summary)
    if not user_model.objects.filter(username=DEMO_USERNAME).exists():
        user_model.objects.create_superuser(
            DEMO_USERNAME,
            "admin@example.org",
            DEMO_PASSWORD,
            first_name="Demo",
            last_name="Admin",
            timezone=OFFICE_TIMEZONE,
        )
    worker = subprocess.Popen(_worker_command(), env=os.environ.copy())
    url = f"http://{args.host}:{args.port}/"
    print(
        "\n"
        f"  pmo is running at {url}\n"
        f"  Log in as {DEMO_USERNAME} / {DEMO_PASSWORD} (PMO admin), or as a demo person\n"
        f"  with password 'demo': {_demo_logins()}\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )
    try:
        return _serve(args.host, args.port, args.workers)
    except KeyboardInterrupt:
        return 0
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def _demo_logins() -> str:
    """One username per role, read from the database so the hint is always true."""
    from pmo.accounts.models import Membership

    seen: dict[str, str] = {}
    for role, username in Membership.objects.order_by("user__username").values_list(
        "role", "user__username"
    ):
        seen.setdefault(role, username)
    return ", ".join(f"{username} ({role.replace('_', ' ')})" for role, username in seen.items())


def cmd_serve(args) -> int:
    _setup_django()
    _call("migrate", "--noinput", "--verbosity", "0")
    try:
        return _serve(args.host, args.port, args.workers)
    except KeyboardInterrupt:
        return 0


def cmd_worker(args) -> int:
    _setup_django()
    from django.core.management import call_command

    options = ["db_worker", "--queue-name", "*", "--no-reload"]
    if args.batch:
        options.append("--batch")
    call_command(*options)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmo",
        description="pmo: run the PMO app. Any other command is passed to Django "
        "(e.g. 'pmo migrate', 'pmo createsuperuser', 'pmo shell').",
    )
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="migrate, build the demo portfolio if empty, run it all")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--scale", type=int, default=24, help="number of demo projects")
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--workers", type=int, default=2, help="web server processes")
    demo.set_defaults(func=cmd_demo)
    serve = sub.add_parser("serve", help="serve the web app (gunicorn + WhiteNoise)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="run background tasks (database backend)")
    worker.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    worker.set_defaults(func=cmd_worker)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in {"demo", "serve", "worker", "-h", "--help"}:
        args = build_parser().parse_args(argv)
        return args.func(args) or 0
    if not argv:
        build_parser().print_help()
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pmo", *argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
