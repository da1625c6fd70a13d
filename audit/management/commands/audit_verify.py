"""Recompute the audit trail's hash chains and name the first broken row (see audit.chain).

Exit status 0 when both chains hold (and match `--expect-head` when given), 1 otherwise, so a cron job or a
monitoring check can alert on it. Prints each chain's head: keep it outside the database and pass it back
later to detect the removal of the newest rows or a rewrite of the whole chain.
"""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import TABLES, verify_table


class Command(BaseCommand):
    help = "Verify the audit trail's hash chains and report the first broken row."

    def add_arguments(self, parser):
        parser.add_argument("--expect-head", action="append", default=[], metavar="TABLE:SEQ:HASH",
                            help="A head printed by an earlier run: the chain must still contain it unchanged.")

    def handle(self, *args, expect_head, **options):
        expected = {}
        for item in expect_head:
            try:
                table, seq, digest = item.split(":")
                expected[table] = (int(seq), digest)
            except ValueError:
                raise CommandError(f"--expect-head: {item!r} is not TABLE:SEQ:HASH") from None
            if table not in TABLES:
                raise CommandError(f"--expect-head: unknown table {table!r}")
        broken = False
        for table in TABLES:
            first_break, head = verify_table(table)
            if first_break is not None:
                broken = True
                self.stdout.write(f"BROKEN {table} id={first_break.row_id} chain_seq={first_break.chain_seq}: "
                                  f"{first_break.reason}")
                continue
            if table in expected and not self._contains(table, *expected[table]):
                broken = True
                self.stdout.write(f"BROKEN {table}: the expected head {expected[table][0]} is gone or changed")
                continue
            shown = f"{table}:{head.chain_seq}:{head.row_hash}" if head else f"{table}: empty"
            self.stdout.write(f"OK {shown}")
        if broken:
            raise SystemExit(1)

    @staticmethod
    def _contains(table: str, seq: int, digest: str) -> bool:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE chain_seq = %s AND row_hash = %s", [seq, digest])  # noqa: S608
            return cursor.fetchone() is not None
