from django.core.management.base import BaseCommand, CommandError

from accounts.lockout import account_unlock
from accounts.models import User


class Command(BaseCommand):
    help = "Unlock an account locked after too many failed sign-ins."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        from audit.changes import diff, snapshot
        from audit.services import audit_record

        before = snapshot(user, ["locked_at"])
        account_unlock(user=user)
        audit_record(action="account_unlocked", obj=user, details={"via": "command line"},
                     changes=diff(before, snapshot(user, ["locked_at"])))
        self.stdout.write(self.style.SUCCESS(f"{user.username} unlocked."))
