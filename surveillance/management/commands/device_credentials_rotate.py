"""manage.py device_credentials_rotate: re-encrypt every pulled device's password under the newest key."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from surveillance import credentials
from surveillance.models import PullDevice


class Command(BaseCommand):
    help = ("Re-encrypt pulled devices' passwords under the newest DEVICE_CREDENTIAL_KEYS key (prepend a new key, "
            "restart, run this, then drop the old key).")

    def handle(self, *args, **options):
        rotated, failed = 0, []
        with transaction.atomic():
            for device in PullDevice.objects.select_for_update().only("id", "name", "password_encrypted"):
                try:
                    token = credentials.rotate(device.password_encrypted)
                except credentials.CredentialError:
                    failed.append(f"{device.pk} {device.name}")
                    continue
                PullDevice.objects.filter(pk=device.pk).update(password_encrypted=token)
                rotated += 1
            if failed:
                # All or nothing: a half-rotated table would make "drop the old key now" unsafe to decide.
                transaction.set_rollback(True)
        if failed:
            raise CommandError("No configured key opens the password of: " + ", ".join(failed)
                               + ". Nothing was changed; add the key they were encrypted with and run again.")
        self.stdout.write(f"Re-encrypted {rotated} device passwords under the newest key.")
