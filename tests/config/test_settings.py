import os
import subprocess
import sys

import pytest


def run_check(settings_module: str, **env) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": settings_module, **env}
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_prod_settings_pass_the_deployment_check():
    result = run_check(
        "pmo.config.settings.prod",
        SECRET_KEY="k" * 20 + "Zx9!q@w#e$r%t^y&u*i(o)p_a+s-d=f" + "m" * 20,
        ALLOWED_HOSTS="pmo.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_prod_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env={**env, "DJANGO_SETTINGS_MODULE": "pmo.config.settings.prod"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("raw", ["maybe", "2"])
def test_bad_boolean_in_environment_is_named(raw, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from pmo.config.settings.base import env_bool

    monkeypatch.setenv("DEBUG", raw)
    with pytest.raises(ImproperlyConfigured, match=f"DEBUG='{raw}' is not a boolean"):
        env_bool("DEBUG", False)


def test_database_url_selects_postgresql(monkeypatch):
    import dj_database_url

    parsed = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/pmo")
    assert parsed["ENGINE"] == "django.db.backends.postgresql"
    assert parsed["NAME"] == "pmo"


@pytest.mark.django_db
def test_migrations_match_the_models():
    from django.core.management import call_command

    # Fails (SystemExit) when a model change has no migration, or when a model's state is
    # not deterministic (a set turned into a list in a constraint, say).
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
