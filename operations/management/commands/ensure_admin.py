import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a local superuser 'admin' with a random password, unless a superuser exists."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already: none created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        # Shown once: it is stored only as a hash.
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the local admin account. User: admin  Password: {password}\n"
                "(shown only this once; sign in at /admin/ on the site)"
            )
        )
        if not settings.DEBUG:
            self.stdout.write("Change this password before the site is reachable by others.")
