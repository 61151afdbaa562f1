"""`update_index`, replaced: index what is queued, then verify every document against the database
and repair what differs (the same work as `ensure_index`, through the bulk path; issue 6)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Bring the search index in step with the database (queued articles, then a full check)."

    def add_arguments(self, parser):
        # Haystack's options, accepted so scripts keep working: removal is always done here.
        parser.add_argument("app_label", nargs="*")
        parser.add_argument("-r", "--remove", action="store_true")
        parser.add_argument("-a", "--age", type=int, default=None)
        parser.add_argument("-s", "--start", dest="start_date")
        parser.add_argument("-e", "--end", dest="end_date")
        parser.add_argument("-u", "--using", action="append", default=[])
        parser.add_argument("-k", "--workers", type=int, default=0)
        parser.add_argument("-b", "--batch-size", type=int, default=None)
        parser.add_argument("--nocommit", "--no-commit", action="store_false", dest="commit")

    def handle(self, *args, verbosity=1, **options):
        call_command("ensure_index", verbosity=verbosity, stdout=self.stdout, stderr=self.stderr)
