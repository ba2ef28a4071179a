import logging
import os
import tempfile

from django.core.management.base import BaseCommand, CommandError

from committees.models import Organization
from transfers.backup import BackupRejected, export_year

logger = logging.getLogger(__name__)


class _Stdout:
    """The command's standard output as a plain text stream (no line endings added)."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")


class Command(BaseCommand):
    help = "Write one year of an organization's subtree (tree, people, records) to a JSON backup; see docs/backups.md."

    def add_arguments(self, parser):
        parser.add_argument("--organization", type=int, required=True, help="id of the organization")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", help="file to write; standard output when omitted")

    def handle(self, *args, organization, year, output, **options):
        org = Organization.objects.filter(pk=organization).first()
        if org is None:
            raise CommandError(f"Không có tổ chức mã {organization}.")
        try:
            counts = (
                self._write_file(org, year, output)
                if output
                else export_year(organization=org, year=year, out=_Stdout(self.stdout))
            )
        except BackupRejected as error:
            raise CommandError("\n".join(error.messages)) from None
        # Personal data left the application: say so in the log.
        logger.info("Year backup of organization %s, year %s written to %s", org.pk, year, output or "stdout")
        summary = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
        (self.stdout if output else self.stderr).write(f"Đã sao lưu năm {year} của “{org.name}”: {summary}.")

    def _write_file(self, organization: Organization, year: int, output: str) -> dict[str, int]:
        # Written beside the target and renamed at the end: a failed export leaves no half file.
        directory = os.path.dirname(os.path.abspath(output))
        handle, partial = tempfile.mkstemp(dir=directory, prefix=".export_year-", suffix=".part")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                counts = export_year(organization=organization, year=year, out=out)
            os.replace(partial, output)
        except BaseException:
            os.unlink(partial)
            raise
        return counts
