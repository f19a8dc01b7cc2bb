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
