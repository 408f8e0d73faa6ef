from django.core.management.base import BaseCommand

from accounts.services import superuser_ensure


class Command(BaseCommand):
    help = "Create a first superuser if the site has none, and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        user, password = superuser_ensure(username=username)
        if password is None:
            self.stdout.write(
                f"Superuser “{user.username}” already exists "
                f"(reset its password with: manage.py changepassword {user.username})."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Created superuser for /admin/\n"
                f"    username: {user.username}\n"
                f"    password: {password}\n"
                "  (shown once; change it with: manage.py changepassword "
                f"{user.username})\n"
            )
        )
