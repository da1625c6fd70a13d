from django.core.management.base import BaseCommand
from django.utils import translation

from accounts.demo import demo_logins


class Command(BaseCommand):
    help = "Print the demo logins: username, role, scope and password (settings.DEMO_PASSWORD)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true",
                            help="also list the extra demo inspectors and social workers")
        parser.add_argument("--codes", action="store_true",
                            help="also print the current TOTP code of each two-factor demo user")

    def handle(self, *args, all, codes=False, **options):
        with translation.override("en"):
            rows = demo_logins()
        if not rows:
            self.stdout.write("No demo logins yet: run `manage.py load_demo` first.")
            return
        shown = [r for r in rows if all or r["main"]]
        columns = ("username", "role", "scope", "password")
        widths = {c: max(len(c), *(len(self._cell(r, c)) for r in shown)) for c in columns}
        line = "  ".join(c.ljust(widths[c]) for c in columns)
        self.stdout.write("Demo logins")
        self.stdout.write(line.upper().rstrip())
        self.stdout.write("  ".join("-" * widths[c] for c in columns))
        for row in shown:
            self.stdout.write("  ".join(self._cell(row, c).ljust(widths[c]) for c in columns).rstrip())
        hidden = len(rows) - len(shown)
        if hidden:
            self.stdout.write(f"... and {hidden} more demo field workers (same password): demo_logins --all")
        second_factor = [r for r in shown if r["two_factor"] and r["totp"]]
        if second_factor:
            self.stdout.write("")
            self.stdout.write("Second factor (TOTP): these roles also enter a 6-digit code after the password. "
                              "Add the key to any authenticator app, or run `manage.py demo_logins --codes`.")
            for row in second_factor:
                code = f"   code now: {row['totp']['code']}" if codes else ""
                self.stdout.write(f"  {row['username']:<16} key {row['totp']['secret']}{code}")

    @staticmethod
    def _cell(row, column, limit=60):
        text = str(row[column])
        return text if len(text) <= limit else text[:limit - 1] + "…"
