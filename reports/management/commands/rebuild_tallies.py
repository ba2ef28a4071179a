import time

from django.core.management.base import BaseCommand
from django.db import connection

from reports import tallies
from reports.models import Tally


class Command(BaseCommand):
    help = (
        "Count the figures of every year afresh from the records (the tally store). Needed after "
        "writing records outside the application, e.g. restoring a backup or loading data in bulk."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        years = tallies.rebuild_all()
        if connection.vendor == "postgresql":
            # Freshly written rows: without statistics the planner reads whole subtrees.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Tally._meta.db_table}")
        listed = ", ".join(map(str, years)) or "none"
        self.stdout.write(f"Counted years {listed} in {time.monotonic() - started:.1f} s.")
