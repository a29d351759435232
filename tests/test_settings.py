"""Production mode refuses to start without real secrets, and passes Django's deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ALLOWED_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"ALLOWED_HOSTS": "api.example.org"},
        {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)},
        {"DJANGO_SECRET_KEY": "short", "ALLOWED_HOSTS": "api.example.org"},
        {"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60, "ALLOWED_HOSTS": "api.example.org"},
    ],
    ids=["no-secret", "no-hosts", "short-secret", "insecure-secret"],
)
def test_production_refuses_to_start_without_a_real_secret_and_hosts(env):
    result = manage("check", DJANGO_ENV="production", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_passes_the_deploy_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="api.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
