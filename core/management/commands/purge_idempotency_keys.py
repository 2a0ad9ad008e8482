from django.core.management.base import BaseCommand
from django.utils import timezone

from core.idempotency import TTL
from core.models import IdempotencyRecord


class Command(BaseCommand):
    help = "Delete the stored answers of Idempotency-Keys older than 24 hours (they are ignored anyway)."

    def handle(self, *args, **options):
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - TTL).delete()
        self.stdout.write(f"Deleted {deleted} idempotency record(s) older than {TTL}.")
