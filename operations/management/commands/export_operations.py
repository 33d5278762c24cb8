from django.core.management.base import BaseCommand, CommandError

from operations.interchange import export_operations


class Command(BaseCommand):
    help = (
        "Write every operation (drafts included; not those deleted or merged into another) "
        "with its forces, targets, claims, sources, and the persons, organisations and "
        "places they name, as OpsDB's CSV format, which import_operations reads."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="The CSV file to write (UTF-8), or - for standard output."
        )

    def handle(self, *args, file, **options):
        if file == "-":
            rows = export_operations(self.stdout)
        else:
            try:
                with open(file, "w", encoding="utf-8", newline="") as stream:
                    rows = export_operations(stream)
            except OSError as error:
                raise CommandError(f"Cannot write {file}: {error.strerror}.") from None
        self.stderr.write(f"Exported {rows} row(s).")
