"""`EMAIL_URL=filemail:///some/dir`: every email is a file, so a client drives each flow end to
end without a mail server. Here, through the API only: sign up, read the verification email's
file, verify; ask for a reset, read its file, confirm."""

import email
import json
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from tests.api.accounts.links import emailed_token
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_email_url_filemail_is_an_absolute_directory():
    environment = {**os.environ, "EMAIL_URL": "filemail:///srv/mentorship/mail"}
    printed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_FILE_PATH]))",
        ],
        env={**environment, "DJANGO_SETTINGS_MODULE": "mentorship.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(printed.stdout) == [
        "django.core.mail.backends.filebased.EmailBackend",
        "/srv/mentorship/mail",
    ]


def _mails(directory: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(directory.iterdir(), key=lambda path: path.stat().st_mtime_ns)
    ]


def _latest_to(directory: Path, address: str) -> str:
    bodies = [mail.get_content() for mail in _mails(directory) if mail["To"] == address]
    assert bodies, f"no email to {address} in {directory}"
    return bodies[-1]


def test_sign_up_verify_and_reset_with_the_emails_as_files(
    api_client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    address, password = "lin@example.org", "a-long-and-unusual-passphrase"

    with django_capture_on_commit_callbacks(execute=True):
        signed_up = api_client.post(
            "/api/v1/auth/register",
            {"email": address, "password": password, "name": "Lin", "role": "mentee"},
        )
    assert signed_up.status_code == 201
    token = emailed_token(_latest_to(tmp_path, address), "verify-email")
    verified = api_client.post("/api/v1/auth/verify-email", {"token": token})
    assert verified.status_code == 200
    assert verified.json()["email_verified"] is True

    with django_capture_on_commit_callbacks(execute=True):
        asked = api_client.post("/api/v1/auth/password-reset", {"email": address})
    assert asked.status_code == 202
    token = emailed_token(_latest_to(tmp_path, address), "reset-password")
    new_password = "a-second-unusual-passphrase"
    confirmed = api_client.post(
        "/api/v1/auth/password-reset/confirm", {"token": token, "new_password": new_password}
    )
    assert confirmed.status_code == 204
    login = api_client.post("/api/v1/auth/login", {"email": address, "password": new_password})
    assert login.status_code == 200
