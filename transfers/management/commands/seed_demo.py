import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from committees.demo import province
from committees.demo.timeline import timeline
from committees.demo.users import DEMO_PASSWORD, ensure_demo_users
from pledges import demo as demo_records
from reports import tallies


class Command(BaseCommand):
    help = (
        "Build the demo province (idempotent): this year under way and the two years before it closed, "
        "dated from today; and the demo users (DEBUG or --allow-demo-users only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=600, help="number of people (about 20 per chi bộ)")
        parser.add_argument("--allow-demo-users", action="store_true", help="create demo users even without DEBUG")
        parser.add_argument("--no-users", action="store_true", help="build the data only, no demo users")
        parser.add_argument("--seed", type=int, default=2023, help="random seed")

    def handle(self, *args, members, allow_demo_users, no_users, seed, **options):
        if members < 1:
            raise CommandError("--members must be at least 1")
        if not no_users and not (settings.DEBUG or allow_demo_users):
            raise CommandError(
                "Refusing to create demo users with a known password while DEBUG is off. "
                "Use --allow-demo-users on a test machine, or --no-users for data only."
            )
        # One day for both parts: the years of the tree and of the records must agree.
        when = timeline()
        built = False
        if province.province_exists():
            self.stdout.write("Demo province already present: nothing to build.")
        else:
            self._step("Building the demo province (first run only: a few seconds to a minute)...")
            started = time.monotonic()
            province.build_province(members=members, seed=seed, when=when)
            self.stdout.write(f"Built the demo province with {members} people in {time.monotonic() - started:.1f} s.")
            built = True
        if not demo_records.records_exist():
            self._step("Adding the demo records (pledges, sessions, exemplars, commendations)...")
            started = time.monotonic()
            demo_records.build_records(seed=seed, when=when)
            self.stdout.write(
                f"Added the records of {', '.join(map(str, when.years))} up to {when.today:%d/%m/%Y} "
                f"in {time.monotonic() - started:.1f} s."
            )
            built = True
        started = time.monotonic()
        if built:
            self._analyze()
            # Demo data is written in bulk, which the derived figures do not see: count afresh.
            self._step("Counting the figures of every year...")
            call_command("rebuild_tallies", verbosity=0)
            self.stdout.write(f"Counted the figures of every year in {time.monotonic() - started:.1f} s.")
        else:
            # The demo was there: its figures are stored; recount only what changed since
            # (organizations marked by edits made in the pages, a year never counted).
            tallies.bring_all_up_to_date()
            self.stdout.write(f"Figures up to date (recounted what changed) in {time.monotonic() - started:.1f} s.")
        if not no_users:
            summary = ensure_demo_users()
            self.stdout.write(f"Demo users (password: {DEMO_PASSWORD}):")
            for username, role, organization in summary:
                self.stdout.write(f"  {username:<11} {role}{' – ' + organization if organization else ''}")

    def _step(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def _analyze(self) -> None:
        # Bulk inserts leave PostgreSQL without statistics until autovacuum comes by; queries
        # planned blind can be a hundred times slower.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
