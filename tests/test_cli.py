import pytest

from pmo import cli


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "serve", "worker"):
        assert command in out


def test_demo_options():
    args = cli.build_parser().parse_args(["demo", "--port", "9000", "--scale", "200"])
    assert (args.port, args.scale, args.host) == (9000, 200, "127.0.0.1")


def test_django_commands_pass_through(capsys, db):
    assert cli.main(["check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out


def test_a_sigterm_to_serve_stops_gunicorn_too(tmp_path):
    """A service manager or a script that stops `pmo serve` must not leave gunicorn
    serving on its port as an orphan."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "pmo.config.settings.dev")
    server = subprocess.Popen(
        [sys.executable, "-m", "pmo.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/login/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "pmo serve did not start"
                time.sleep(0.3)
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        time.sleep(0.5)
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=2)
    finally:
        if server.poll() is None:
            server.kill()
