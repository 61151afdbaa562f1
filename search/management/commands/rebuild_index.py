"""`rebuild_index`, replaced: the whole index rebuilt through the bulk path (forked segment writers),
not Haystack's one-document-at-a-time update (issue 6, finding 4)."""

from django.core.management.base import BaseCommand, CommandError

from search.management.commands.ensure_index import rebuild


class Command(BaseCommand):
    help = "Delete the search index and index every article again (bulk path)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="do not ask"
        )
        # Accepted for compatibility with Haystack's command; one index, one backend here.
        parser.add_argument("-u", "--using", action="append", default=[])
        parser.add_argument("-k", "--workers", type=int, default=0)
        parser.add_argument("-b", "--batch-size", type=int, default=None)
        parser.add_argument("--nocommit", "--no-commit", action="store_false", dest="commit")

    def handle(self, *args, interactive=True, verbosity=1, **options):
        if options.get("using") not in ([], ["default"], None):
            raise CommandError("only the 'default' search connection exists")
        if interactive:
            answer = input("This deletes the search index and rebuilds it from the database. Go on? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "c", "có"):
                self.stdout.write("Nothing done.")
                return
        stored = rebuild(stdout=self.stdout, verbosity=verbosity)
        if verbosity > 0:
            self.stdout.write(f"Indexed {stored} articles.")
