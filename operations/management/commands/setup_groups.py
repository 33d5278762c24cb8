from django.core.management.base import BaseCommand

from operations.groups import setup_groups


class Command(BaseCommand):
    help = "Create or update the Analyst and Reviewer groups. Running it twice changes nothing."

    def handle(self, *args, **options):
        for name, group in setup_groups().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
