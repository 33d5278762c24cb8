from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from operations.imports import FORMATS, ImportFileError, import_operations


class Command(BaseCommand):
    help = (
        "Import operations from a CSV file, all or nothing: one bad row and nothing is "
        "written. Records are created as drafts; rows whose event is already recorded are "
        "reported and left out. Rows are numbered from 1, the first row after the header."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--format",
            choices=sorted(FORMATS),
            default="opsdb",
            help="The layout of the file: opsdb (the default), OpsDB's own CSV as "
            "export_operations writes it, or ucdp-ged, the UCDP GED CSV columns.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report what would be created; write nothing.",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="Create rows that match operations already recorded, too.",
        )
        parser.add_argument("--user", help="The username recorded in the history.")

    def handle(self, *args, file, format, dry_run, allow_duplicates, user, **options):
        if user is not None:
            try:
                user = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"There is no user {user!r}.") from None
        try:
            with open(file, encoding="utf-8-sig", newline="") as stream:
                result = import_operations(
                    stream,
                    format=format,
                    user=user,
                    dry_run=dry_run,
                    allow_duplicates=allow_duplicates,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}") from None

        for line in result.match_lines():
            self.stdout.write(line)
        if result.errors:
            for line in result.error_lines():
                self.stderr.write(line)
            bad, more = result.bad_rows
            # Beyond the errors kept, rows are not told apart: at least this many.
            bad = f"{bad} or more" if more else bad
            raise CommandError(
                f"{bad} row(s) of {file} have errors: nothing was imported. "
                "Correct them and import the file again."
            )
        created, matched = len(result.created), len(result.matched)
        records = ", ".join(f"{count} {name}" for name, count in result.new_records.items())
        new = f" (new records: {records})" if records else ""
        if dry_run:
            self.stdout.write(
                f"Dry run: {created} row(s) would be created as draft operations{new}, "
                f"{matched} row(s) match existing operations. Nothing was written."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {created} draft operation(s){new}; "
                    f"{matched} row(s) matched existing operations and were left out."
                )
            )
