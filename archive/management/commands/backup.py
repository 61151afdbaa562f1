"""python manage.py backup FILE — the whole archive in one JSON Lines file (.gz to compress)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.backup import backup_write


class Command(BaseCommand):
    help = "Write articles (with raw text), officials, events, history, users and the admin log to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.parent.exists():
            raise CommandError(f"no such folder: {file.parent}")
        counts = backup_write(file)
        self.stdout.write(
            f"Wrote {sum(counts.values())} rows to {file}: {counts['archive.Article']} articles."
        )
