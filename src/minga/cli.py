"""The ``minga`` command: Django's management commands with Minga's settings, and clear errors.

    minga setup           migrate, compile translations, collect static files, load reference data
    minga demo            load the demo data and accounts (idempotent)
    minga demo_code       the demo secretariat's current two-factor code (not in production)
    minga serve           serve with gunicorn on 127.0.0.1:8000 (static files by whitenoise)
    minga load_reference  (re)load countries, subdivisions, taxonomies, organisations
    minga load_codelist   load names of an IATI codelist (e.g. DAC sectors)
    minga create_token    make an API token for a user
    minga import iati FILE_OR_URL... [--strict] [--only-member-states]
                          import IATI activity files (report of what was created, updated, refused)
    minga check-language FILE... [--lang es|pt|en|auto] [--format text|json]
                          check texts against the inclusive-language guide (exit 1 when something is found)
    minga guide-pdf LANGUAGE OUT.pdf  the printable inclusive-language guide as a PDF (printed by Chromium)
    minga import territories FILE.csv --user NAME
                          municipalities and lower levels by p-code (all rows or none)
    minga <django command> anything else Django offers (createsuperuser, shell, …)
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"minga: configuration error: {error}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    if len(argv) > 1 and argv[1] in ("check-language", "guide-pdf"):  # the documented names; Django's modules use _
        argv[1] = argv[1].replace("-", "_")
    if argv[1:3] == ["import", "territories"]:  # the documented name of the command import_territories
        argv[1:3] = ["import_territories"]
    if len(argv) < 2:
        print(__doc__)
        argv.append("help")
    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
