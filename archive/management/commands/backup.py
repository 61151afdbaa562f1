"""python manage.py backup FILE — the whole archive in one JSON Lines file (.gz to compress)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive.backup import WARC_FILES, WARC_MISSING, backup_write


class Command(BaseCommand):
    help = "Write articles (with raw text), officials, events, history, users and the admin log to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.parent.exists():
            raise CommandError(f"no such folder: {file.parent}")
        counts = backup_write(file)
        warcs, missing = counts.pop(WARC_FILES), counts.pop(WARC_MISSING)
        self.stdout.write(
            f"Wrote {sum(counts.values())} rows to {file}: {counts['archive.Article']} articles, "
            f"{warcs} WARC files."
        )
        if missing:
            self.stderr.write(
                f"{missing} WARC files the captures point into are missing from {settings.HARVEST['WARC_DIR']}: "
                "their captures are in the backup, their pages are not."
            )
