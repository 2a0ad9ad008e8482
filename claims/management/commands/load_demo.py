from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.demo.loader import load_demo
from core.errors import Forbidden


class Command(BaseCommand):
    help = (
        "Load the demo article (Shahriar Kia, 'Iran's Role in Attacking the U.S. Embassy in Iraq'), "
        "its sources and claims. Idempotent: only what is missing is created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user", default="researcher", help="Username recorded as the author of the demo records."
        )

    def handle(self, *args, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist as exc:
            raise CommandError(
                f"No user named {options['user']!r}: create one (a researcher) or pass --user."
            ) from exc
        try:
            created = load_demo(user=user)
        except Forbidden as exc:  # the services' policy: the demo is recorded by a researcher
            raise CommandError(f"--user {options['user']}: {exc.message}") from exc
        if any(created.values()):
            summary = ", ".join(f"{count} {name}" for name, count in created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write("Demo data already present; nothing to do.")
