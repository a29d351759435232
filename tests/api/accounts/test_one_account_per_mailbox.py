"""One account per mailbox: NFKC, the domain in IDNA 2008, lower case; mixed-script domains
refused; the stored address is the one mail goes to; old collisions reported, not merged."""

import importlib
import io

import pytest
from django.core.management import call_command

from mentorship.accounts.addresses import (
    EmailAddressError,
    address_report,
    email_address_normalise,
)
from mentorship.accounts.models import User
from tests.factories import MenteeFactory

URL = "/api/v1/auth/register"
PASSWORD = "a-long-and-unusual-passphrase"

pytestmark = pytest.mark.django_db


def _sign_up(api_client, email: str):
    return api_client.post(
        URL, {"email": email, "password": PASSWORD, "name": "Sam", "role": "mentee"}
    )


def test_a_fullwidth_letter_is_the_same_address(api_client):
    assert _sign_up(api_client, "mentee.a@probe.test").status_code == 201

    response = _sign_up(api_client, "mentee.a@\uff50robe.test")  # fullwidth p

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["email"]
    assert User.objects.count() == 1


def test_a_cyrillic_letter_in_a_latin_domain_is_refused(api_client):
    response = _sign_up(api_client, "sam@exampl\u043e.test")  # Cyrillic o

    assert response.status_code == 400
    assert "mixes alphabets" in response.json()["fields"]["email"][0]
    assert not User.objects.exists()


def test_a_domain_in_one_other_script_is_welcome_and_stored_as_mail_reaches_it(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(api_client, "Ivan@Пример.рф")

    assert response.status_code == 201
    assert response.json()["email"] == "ivan@xn--e1afmkfd.xn--p1ai"
    assert mailoutbox[0].to == ["ivan@xn--e1afmkfd.xn--p1ai"]


def test_strasse_and_strasse_with_sharp_s_are_two_mailboxes_each_reached_as_stored(
    api_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sharp = _sign_up(api_client, "sam@straße.test")
        plain = _sign_up(api_client, "sam@strasse.test")

    assert sharp.status_code == plain.status_code == 201
    assert sharp.json()["email"] == "sam@xn--strae-oqa.test"  # IDNA 2008: ß is kept
    assert plain.json()["email"] == "sam@strasse.test"
    # Each welcome email goes to the mailbox of its own account, not both to strasse.test.
    assert sorted(message.to[0] for message in mailoutbox) == [
        "sam@strasse.test",
        "sam@xn--strae-oqa.test",
    ]


def test_login_finds_the_account_under_any_spelling_of_its_address(api_client):
    _sign_up(api_client, "sam@straße.test")

    for spelling in ("SAM@STRASSE.test", "sam@xn--strae-oqa.test", "sam@straße.test"):
        response = api_client.post("/api/v1/auth/login", {"email": spelling, "password": PASSWORD})
        expected = 400 if spelling.startswith("SAM@STRASSE") else 200
        assert response.status_code == expected, spelling


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Ada@Example.ORG", "ada@example.org"),
        ("  ada@example.org. ", "ada@example.org"),
        ("x@bücher.de", "x@xn--bcher-kva.de"),
        ("x@日本語.jp", "x@xn--wgv71a119e.jp"),
        ("x@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff4f\uff52\uff47", "x@example.org"),
    ],
)
def test_the_normal_form(raw, normal):
    assert email_address_normalise(raw) == normal


@pytest.mark.parametrize(
    "raw", ["no-at-sign", "@example.org", "x@", "x@-bad-.test", "x@p\u0430ypal.com"]
)
def test_addresses_without_a_normal_form(raw):
    with pytest.raises(EmailAddressError):
        email_address_normalise(raw)


def test_old_collisions_are_reported_not_merged(capsys):
    first = MenteeFactory(email="mentee.a@probe.test")
    # Stored before normalisation existed (written past the manager, as old rows were).
    User.objects.filter(pk=MenteeFactory().pk).update(email="mentee.a@\uff50robe.test")
    User.objects.filter(pk=MenteeFactory().pk).update(email="Old.Style@Example.ORG")
    User.objects.filter(pk=MenteeFactory().pk).update(email="x@exampl\u043e.test")
    migration = importlib.import_module("mentorship.accounts.migrations.0003_email_normal_form")

    from django.apps import apps

    migration.normalise_addresses(apps, None)

    output = capsys.readouterr().out
    assert "one mailbox, mentee.a@probe.test: not merged" in output
    assert "has no normal form" in output
    assert User.objects.filter(email="mentee.a@\uff50robe.test").exists(), "left as it was"
    assert User.objects.filter(pk=first.pk, email="mentee.a@probe.test").exists()
    assert User.objects.filter(email="old.style@example.org").exists(), "a single one is renamed"
    listed = io.StringIO()
    call_command("email_collisions", stdout=listed)
    assert "mentee.a@probe.test: accounts" in listed.getvalue()
    report = address_report(User.objects.values_list("pk", "email"))
    assert list(report.collisions) == ["mentee.a@probe.test"]
