import sys

from django.core.management.base import BaseCommand, CommandError

from transfers.backup import BackupRejected, import_year, read_document


class Command(BaseCommand):
    help = "Import a year backup written by export_year, all or nothing; see docs/backups.md."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON backup; - reads standard input")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                document = read_document(sys.stdin)
            else:
                with open(file, encoding="utf-8") as stream:
                    document = read_document(stream)
            counts = import_year(document=document)
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {file}: {error.strerror}.") from None
        except BackupRejected as error:
            raise CommandError("\n".join(["Không nhập tệp sao lưu:", *error.messages])) from None
        summary = ", ".join(f"{name} {n}" for name, n in counts.items() if n)
        self.stdout.write(f"Đã nhập năm {document['year']}: {summary or 'không có dòng mới'}.")
