from django.core.management.base import BaseCommand

from operations.demo import load_demo
from operations.models import Operation


class Command(BaseCommand):
    help = "Load the worked example of DESIGN.md (published). Loading twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database that has no operations yet (used by `make run`).",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Operation.objects.exists():
            self.stdout.write("The database already holds operations: demo data not loaded.")
            return
        operations = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data in place: {len(operations)} operations and their claims."
            )
        )
