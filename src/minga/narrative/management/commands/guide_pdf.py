"""``minga guide-pdf LANGUAGE OUT.pdf``: the printable guide of one language as a PDF, for training sessions.

The same file the site serves at /language/guide/<language>/guide.pdf (WeasyPrint, offline).
"""

from pathlib import Path

from django.core.management import BaseCommand

from minga.narrative import printing, selectors


class Command(BaseCommand):
    help = "Write the printable inclusive-language guide of one language (es, pt or en) as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("language", choices=selectors.LANGUAGE_CODES)
        parser.add_argument("output", help="Path of the PDF to write.")

    def handle(self, *args, language, output, **options):
        target = Path(output).resolve()
        target.write_bytes(printing.guide_pdf(None, language))
        self.stdout.write(f"{target}: {target.stat().st_size} bytes")
