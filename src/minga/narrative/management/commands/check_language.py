"""``minga check-language FILE... [--lang es|pt|en|auto] [--format text|json]``: the checker for pipelines.

Prints ``file:line:col: message`` per finding (or JSON), exits 1 when something was found, 2 when a
file could not be read, 0 otherwise, so that a newsroom can put it in its own pipeline.
"""

import json
import sys
from pathlib import Path

from django.core.management import BaseCommand, CommandError
from django.utils.translation import gettext as _

from minga.narrative import selectors
from minga.narrative.documents import MAX_FILE_BYTES, DocumentRefused, extract_text


class Command(BaseCommand):
    help = "Check texts (.txt, .md, .html, .docx) against the inclusive-language guide."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--lang", choices=["auto", *selectors.LANGUAGE_CODES], default="auto",
                            help="Language of the texts (auto: detected per file).")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, files, lang, format, **options):
        found = unreadable = 0
        report = []
        for name in files:
            try:
                path = Path(name)
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise DocumentRefused(_("The file is larger than %(size)s MB.")
                                          % {"size": MAX_FILE_BYTES // (1024 * 1024)})
                text = extract_text(path.name if path.suffix else f"{path.name}.txt", path.read_bytes())
            except (OSError, DocumentRefused) as error:
                unreadable += 1
                self.stderr.write(f"{name}: {error}")
                continue
            language = selectors.resolve_language(text, lang, default="es")
            _checked, findings = selectors.check(text, language)
            found += len(findings)
            if format == "json":
                report.append({"file": name, "language": language,
                               "findings": [selectors.finding_as_dict(finding) for finding in findings]})
            for finding in findings if format == "text" else ():
                self.stdout.write(f"{name}:{finding.line}:{finding.column}: «{finding.text}» "
                                  f"({finding.entry.get_category_display()}): {_('write instead')}: "
                                  f"{' / '.join(finding.suggestions)}")
        if format == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if unreadable:
            raise CommandError(_("%(count)s file(s) could not be read.") % {"count": unreadable}, returncode=2)
        if found:
            sys.exit(1)
