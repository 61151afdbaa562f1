"""`python manage.py score_extraction FOLDER --gold GOLD.json`: extraction scored against a gold file."""

import json
import pathlib

from django.core.management.base import BaseCommand, CommandError

from archive.extract import iter_path
from archive.extract.score import score


class Command(BaseCommand):
    help = "Score extraction on a folder (or file) of articles against a gold JSON file; list each miss."

    def add_arguments(self, parser):
        parser.add_argument("path", help="folder or file of articles (.txt, .html, .jsonl[.gz])")
        parser.add_argument("--gold", required=True, help="gold JSON: {source name: expected fields}")

    def handle(self, *args, **options):
        gold_path = pathlib.Path(options["gold"])
        try:
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
        except OSError as err:
            raise CommandError(f"{gold_path}: cannot read the gold file ({err.strerror})") from None
        except ValueError as err:
            raise CommandError(f"{gold_path}: not valid JSON ({err})") from None
        if not isinstance(gold, dict):
            raise CommandError(f"{gold_path}: the gold file must be a JSON object keyed by file name")
        result = score(iter_path(pathlib.Path(options["path"])), gold)
        for line in result.lines():
            self.stdout.write(line)
