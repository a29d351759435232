"""`manage.py email_collisions`: accounts whose addresses are one mailbox under the normal form
(left apart by migration accounts 0003, for staff to resolve), and addresses without one."""

from django.core.management.base import BaseCommand

from mentorship.accounts.addresses import address_report
from mentorship.accounts.models import User


class Command(BaseCommand):
    help = "List accounts whose email addresses collide under the normal form."

    def handle(self, *args, **options) -> None:
        report = address_report(User.objects.values_list("pk", "email").order_by("pk"))
        for normal, accounts in report.collisions.items():
            listed = ", ".join(f"{account_id} <{stored}>" for account_id, stored in accounts)
            self.stdout.write(f"{normal}: accounts {listed}")
        for account_id, stored, reason in report.invalid:
            self.stdout.write(f"{stored}: account {account_id} has no normal form ({reason})")
        if not report.collisions and not report.invalid:
            self.stdout.write("No collisions.")
