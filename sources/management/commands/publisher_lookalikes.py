"""Report the publishers stored more than once under names that look the same."""

from django.core.management.base import BaseCommand

from sources.identity import lookalike_groups
from sources.models import Publisher


class Command(BaseCommand):
    help = (
        "List the groups of publishers whose names have the same identity key (sources.identity): "
        "look-alikes stored before the key existed. Exits with status 1 when there are any."
    )

    def handle(self, *args, **options):
        names = dict(Publisher.objects.values_list("id", "name"))
        groups = lookalike_groups(names)
        for ids in groups:
            listed = ", ".join(f"{pk} {names[pk]!r}" for pk in ids)
            self.stdout.write(f"Look-alike publishers (the first keeps the name's key): {listed}")
        if groups:
            self.stderr.write(f"{len(groups)} group(s) of look-alike publishers; merge or rename them.")
            raise SystemExit(1)
        self.stdout.write("No look-alike publishers.")
