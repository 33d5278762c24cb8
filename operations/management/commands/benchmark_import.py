import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations import import_benchmark
from operations.imports import FORMATS


class Command(BaseCommand):
    help = (
        "Write a synthetic file of N rows to a temporary directory, import it into the "
        "current database (it stays there) and print rows/s, operations/s and the memory "
        "used: RSS at the start, at 10% of the rows and at the end, and the peak."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000, help="Rows in the file.")
        parser.add_argument("--format", choices=sorted(FORMATS), default="opsdb")

    def handle(self, *args, rows, format, **options):
        if rows < 1:
            raise CommandError("Give at least one row.")
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"benchmark-{format}.csv"
            import_benchmark.write_file(path, format, rows)
            measured = import_benchmark.run(path, format, rows)
        if measured.errors:
            raise CommandError("The import failed:\n" + "\n".join(measured.errors[:20]))
        self.stdout.write(f"{format}: {measured}")
