import argparse

from django.core.management.base import BaseCommand, CommandError

from operations.synthetic import BATCH_SIZE, generate_operations


def share(value):
    """--drafts: a number from 0 to 1."""
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"give a share from 0 to 1, such as 0.2 (not {value})")
    return number


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic operations, their forces, targets and claims, and "
        "pools of places, organisations, persons and sources, for tests and benchmarks. "
        "The same seed and count give the same records on an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Operations to write.")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the generator.")
        parser.add_argument(
            "--drafts",
            type=share,
            default=0.0,
            help="Share of operations left as drafts, from 0 to 1 (default 0: all published).",
        )
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="Operations per write."
        )

    def handle(self, *args, count, seed, drafts, batch_size, **options):
        if count < 0 or batch_size < 1:
            raise CommandError("--count must be 0 or more and --batch-size at least 1.")
        result = generate_operations(count, seed, drafts=drafts, batch_size=batch_size)
        self.stdout.write(self.style.SUCCESS(str(result)))
