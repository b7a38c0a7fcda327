"""Settings come from ANJU_* variables; a bad value stops the start and names the variable."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from anju import settings as s


def run_anju(*args, env=None, cwd=None, runner=("-m", "anju.cli")):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("ANJU_", "DJANGO_"))}
    base.update(env or {})
    return subprocess.run(
        [sys.executable, *runner, *args],
        capture_output=True,
        text=True,
        env=base,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("ANJU_LOCKOUT_ATTEMPTS", "five", "not a whole number"),
        ("ANJU_LOCKOUT_ATTEMPTS", "0", "at least 1"),
        ("ANJU_DEBUG", "maybe", "not a boolean"),
        ("ANJU_DATABASE_URL", "mysql://x/y", "only sqlite"),
        ("ANJU_DATABASE_URL", "postgres://host:port/anju", "port"),
        ("ANJU_SECRET_KEY", "short", "shorter than 32"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, variable, value, words):
    env = {"ANJU_SECRET_KEY": "k" * 40, "ANJU_VAR_DIR": str(tmp_path), variable: value}
    result = run_anju("check", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert variable in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr


def test_no_key_and_debug_off_refuses_to_start(tmp_path):
    result = run_anju("check", env={"ANJU_VAR_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 2 and "ANJU_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("runner", [("-m", "anju.cli"), ("-m", "django")])
def test_migrations_can_be_checked_on_a_fresh_clone_without_a_key(tmp_path, runner):
    # `python -m django` (and django-admin) read the settings without anju's own command in front.
    env = {"ANJU_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "anju.settings"}
    result = run_anju("makemigrations", "--check", "--dry-run", env=env, cwd=tmp_path, runner=runner)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
    assert not (tmp_path / "secret_key").exists()


def test_a_command_that_signs_still_needs_a_key(tmp_path):
    result = run_anju("migrate", "--check", env={"ANJU_VAR_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 2 and "ANJU_SECRET_KEY" in result.stderr


def test_debug_generates_a_key_into_var_once(tmp_path):
    env = {"ANJU_VAR_DIR": str(tmp_path), "ANJU_DEBUG": "true"}
    assert run_anju("check", env=env, cwd=tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    assert run_anju("check", env=env, cwd=tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_database_urls_parse():
    pg = s.database_from_url("X", "postgres://anju:p%40ss@db.local:5433/anju?sslmode=require")
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "anju",
        "p@ss",
        "db.local",
        "5433",
        "anju",
    )
    assert pg["OPTIONS"] == {"sslmode": "require", "server_side_binding": False, "prepare_threshold": 2}
    on = s.database_from_url("X", "postgres://db.local/anju?server_side_binding=on&prepared=off")
    assert on["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": None}
    with pytest.raises(ImproperlyConfigured, match="server_side_binding"):
        s.database_from_url("X", "postgres://db.local/anju?server_side_binding=perhaps")
    with pytest.raises(ImproperlyConfigured, match="prepared='sometimes'"):
        s.database_from_url("X", "postgres://db.local/anju?prepared=sometimes")
    lite = s.database_from_url("X", "sqlite:////tmp/anju-test/x.sqlite3")
    assert lite["NAME"] == "/tmp/anju-test/x.sqlite3"
    assert "journal_mode=WAL" in lite["OPTIONS"]["init_command"]
    with pytest.raises(ImproperlyConfigured, match="X="):
        s.database_from_url("X", "postgres://host/")


def test_defaults_are_the_documented_ones():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
    assert (
        settings.ANJU_LOCKOUT_ATTEMPTS,
        settings.ANJU_LOCKOUT_MINUTES,
        settings.ANJU_SESSION_IDLE_MINUTES,
    ) == (5, 15, 30)
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_new_sqlite_database_is_in_wal_mode(tmp_path):
    """The web process reads while the worker writes: the database file itself must be in WAL."""
    import sqlite3

    env = {
        "ANJU_SECRET_KEY": "k" * 40,
        "ANJU_VAR_DIR": str(tmp_path),
        "ANJU_FIELD_KEYS": os.environ["ANJU_FIELD_KEYS"],
    }
    result = run_anju("migrate", "-v", "0", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "anju.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_serve_refuses_nonsense_before_starting_anything():
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--workers"):
        call_command("serve", "--workers", "0")


def test_serve_command_starts_gunicorn_with_the_wsgi_app(monkeypatch):
    from django.core.management import call_command

    seen = {}
    monkeypatch.setattr(os, "execv", lambda path, argv: seen.update(argv=argv))
    call_command("serve", "--bind", "127.0.0.1:9999", "--workers", "3")
    argv = seen["argv"]
    assert argv[1:4] == ["-m", "gunicorn", "anju.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "3" and argv[argv.index("--bind") + 1] == "127.0.0.1:9999"


@pytest.mark.parametrize("timeout", ["0", "300", "900"])
def test_serve_refuses_a_timeout_a_stale_idempotency_claim_could_overtake(timeout):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--timeout must be between 1 and 299 seconds"):
        call_command("serve", "--timeout", timeout)


@pytest.mark.parametrize("arguments", [("--help",), (), ("migrate", "--help"), ("workflow-graph", "dispute")])
def test_help_and_code_only_commands_need_no_settings(tmp_path, arguments):
    result = run_anju(*arguments, env={"ANJU_VAR_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ANJU_SECRET_KEY" not in result.stderr and not (tmp_path / "secret_key").exists()
