from django.core.management.base import BaseCommand

from claims.management.commands.demo_accounts import demo_password


class Command(BaseCommand):
    help = "Print where the local demo is served and how to sign in."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, **options):
        base = f"http://{options['host']}:{options['port']}"
        password = demo_password()
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "Claimtrack local demo",
                    f"  API (browsable)   {base}/api/v1/",
                    f"  API docs          {base}/api/docs/   (Redoc: {base}/api/redoc/)",
                    f"  OpenAPI schema    {base}/api/schema/",
                    f"  Admin             {base}/admin/",
                    f"  Sign in as        researcher / {password}   or   reviewer / {password}",
                    "",
                ]
            )
        )
