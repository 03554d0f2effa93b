"""``minga guide-pdf LANGUAGE OUT.pdf``: the printable guide of one language as a PDF, for training sessions.

WeasyPrint is not among Minga's dependencies (it needs Pango and friends on the server); Chromium, which
the browser tests already use, prints the same page the site serves at /language/guide/<language>/print/.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from minga.narrative import selectors

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class Command(BaseCommand):
    help = "Write the printable inclusive-language guide of one language (es, pt or en) as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("language", choices=selectors.LANGUAGE_CODES)
        parser.add_argument("output", help="Path of the PDF to write.")
        parser.add_argument("--browser", default="", help="Chromium's executable (default: found on the PATH).")

    def handle(self, *args, language, output, browser, **options):
        executable = browser or next((found for name in BROWSERS if (found := shutil.which(name))), None)
        if not executable:
            raise CommandError("Chromium is needed to print the PDF (apt install chromium); "
                               f"or open /language/guide/{language}/print/ in a browser and print it.")
        with translation.override(language):  # the guide's headings in the language of its terms
            html = render_to_string("narrative/guide_print.html", {
                **selectors.printable_guide(None, language),
                "inline_css": Path(finders.find("minga/css/guide-print.css")).read_text(encoding="utf-8"),
            })
        target = Path(output).resolve()
        with tempfile.TemporaryDirectory(prefix="minga-guide-") as folder:
            page = Path(folder) / "guide.html"
            page.write_text(html, encoding="utf-8")
            try:
                result = subprocess.run([  # noqa: S603 -- our own page, a fixed command line
                    executable, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={folder}/profile",
                    "--no-pdf-header-footer", f"--print-to-pdf={target}", page.as_uri(),
                ], capture_output=True, text=True, timeout=120)
            except (OSError, subprocess.TimeoutExpired) as error:
                raise CommandError(f"Chromium could not print the guide: {error}") from error
        if result.returncode or not target.exists():
            raise CommandError(f"Chromium could not print the guide: {result.stderr.strip()[-300:]}")
        self.stdout.write(f"{target}: {target.stat().st_size} bytes")
