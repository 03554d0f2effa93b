from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.db import transaction

from minga.exchange.iati.codelists import CodelistError, read_codelist
from minga.reference.models import Term, Vocabulary

# Which Minga vocabulary an IATI codelist feeds.
VOCABULARY_FOR_CODELIST = {"Sector": "dac-5"}


class Command(BaseCommand):
    help = ("Load the names of an IATI codelist into its vocabulary, e.g. "
            "minga load_codelist ../shared/data/iati/codelists/Sector.xml (DAC 5-digit sectors). "
            "Adds missing codes; fills English names; keeps labels already given in Spanish or Portuguese.")

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            name, items = read_codelist(path)
        except CodelistError as error:
            raise CommandError(str(error)) from None
        vocabulary_code = VOCABULARY_FOR_CODELIST.get(name)
        if vocabulary_code is None:
            raise CommandError(f"{path}: codelist {name!r} is not one Minga keeps "
                               f"(known: {', '.join(sorted(VOCABULARY_FOR_CODELIST))}).")
        vocabulary = Vocabulary.objects.get(code=vocabulary_code)
        created = updated = 0
        with transaction.atomic():
            existing = {term.code: term for term in Term.all_objects.filter(vocabulary=vocabulary)}
            for position, item in enumerate(items, start=1):
                term = existing.get(item.code)
                english = item.names.get("en", "")
                if term is None:
                    term = Term(vocabulary=vocabulary, code=item.code, label_en=english, position=position)
                    term._change_reason = f"loaded from IATI codelist {name}"
                    term.full_clean()
                    term.save()
                    created += 1
                elif english and term.label_en != english:
                    term.label_en = english
                    term._change_reason = f"name from IATI codelist {name}"
                    term.save()
                    updated += 1
        self.stdout.write(f"{vocabulary_code}: {created} codes added, {updated} names updated, {len(items)} in the codelist")
