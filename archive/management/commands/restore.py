"""python manage.py restore FILE — load a `backup` file into an empty database, then rebuild the index."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from archive.backup import WARC_FILES, RestoreError, backup_restore


class Command(BaseCommand):
    help = "Load a backup written by `manage.py backup` into a freshly migrated database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--no-index", action="store_true", help="do not rebuild the search index")

    def handle(self, *args, file, no_index, verbosity, **options):
        if not file.exists():
            raise CommandError(f"no such file: {file}")
        try:
            counts = backup_restore(file)
        except RestoreError as err:
            raise CommandError(str(err)) from None
        warcs = counts.pop(WARC_FILES, 0)
        self.stdout.write(
            f"Restored {sum(counts.values())} rows: {counts.get('archive.Article', 0)} articles, "
            f"{warcs} WARC files."
        )
        if not no_index:
            call_command("rebuild_index", interactive=False, verbosity=verbosity, stdout=self.stdout)
