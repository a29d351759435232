"""Stored addresses move to the normal form of `mentorship.accounts.addresses` (NFKC, IDNA 2008
domain, lower case). Accounts whose addresses now fall together are NOT merged or changed: they
are reported (on the migration's output and the `mentorship.accounts` log) for staff to resolve
in the admin; `manage.py email_collisions` lists them again at any time. Addresses without a
normal form (a domain mixing scripts, say) are reported and left as they are."""

import logging

from django.db import migrations

from mentorship.accounts.addresses import address_report

logger = logging.getLogger("mentorship.accounts")


def normalise_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    report = address_report(User.objects.values_list("pk", "email").order_by("pk"))
    for normal, accounts in report.collisions.items():
        listed = ", ".join(f"{account_id} <{stored}>" for account_id, stored in accounts)
        _report(f"accounts {listed} are one mailbox, {normal}: not merged, resolve them")
    for account_id, stored, reason in report.invalid:
        _report(f"account {account_id} <{stored}> has no normal form ({reason}): left as it is")
    for account_id, normal in report.renames.items():
        User.objects.filter(pk=account_id).update(email=normal)


def _report(line: str) -> None:
    logger.warning("email normal form: %s", line)
    print(f"\n  email normal form: {line}", end="")  # noqa: T201 (migrate's output)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_verification_lockout")]

    operations = [migrations.RunPython(normalise_addresses, migrations.RunPython.noop)]
