from django.core.management.base import BaseCommand, CommandError

from accounts.lockout import account_unlock
from accounts.models import User


class Command(BaseCommand):
    help = "Unlock an account locked after too many failed sign-ins (and forget the failures behind the lock)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        account_unlock(user=user, via="command line")
        self.stdout.write(self.style.SUCCESS(f"{user.username} unlocked."))
