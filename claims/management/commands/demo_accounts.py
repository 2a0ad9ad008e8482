import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core.roles import RESEARCHERS, REVIEWERS

PASSWORD_FILE = settings.BASE_DIR / "var" / "demo-password"
ACCOUNTS = {"researcher": (RESEARCHERS, False), "reviewer": (REVIEWERS, True)}


def demo_password() -> str:
    """DEMO_PASSWORD if set, else one generated on first use and kept in var/ (git-ignored)."""
    if os.environ.get("DEMO_PASSWORD"):
        return os.environ["DEMO_PASSWORD"]
    if PASSWORD_FILE.exists():
        return PASSWORD_FILE.read_text().strip()
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    PASSWORD_FILE.write_text(password + "\n")
    PASSWORD_FILE.chmod(0o600)
    return password


class Command(BaseCommand):
    help = "Create the local demo accounts 'researcher' and 'reviewer'. Refused unless DEBUG is on."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts exist only in the local demo: set DEBUG=1.")
        password = demo_password()
        User = get_user_model()
        for username, (group_name, staff) in ACCOUNTS.items():
            user, _ = User.objects.get_or_create(username=username)
            user.set_password(password)
            user.is_staff = staff  # reviewers settle verdicts in the admin
            user.is_active = True
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
        self.stdout.write(f"Demo accounts: researcher, reviewer (password: {password})")
