"""Data as the sources give it, for databases loaded before (new ones get it from the loaders).

- Peru's CPP 2023 figure was dated 31 December 2023, a date no source gives: the window closed on
  10 November 2023 (El Comercio), which becomes its date.
- Notes that only repeated a rounded figure in English ("~2.89 M") go: the figure is shown rounded in
  the reader's own format.
- "Member since 2018" was given to all 13 member states, citing the 2023 declaration, which gives no
  year: the year goes (the loader gives it back, citing the Declaration of Quito, to the 11 signatories).
"""

import datetime

from django.db import migrations

OLD_CPP_KEY = "figure:PER:regularization_applications:2023-12-31:per_cpp_2023"
NEW_CPP_KEY = "figure:PER:regularization_applications:2023-11-10:per_cpp_2023"
NUMERIC_NOTES = {"~2.89 M", "1.54 M", "477 k", "474 k", "444 k", "220 k", "124 k", "113 k", "2.86 M", "568.1 k",
                 "444.8 k", "532.7 k", "164.0 k", "124.1 k", "113.1 k", "58.2 k", "39.7 k", "29.0 k", "21.7 k", "5.3 k"}


def forwards(apps, schema_editor):
    PopulationFigure = apps.get_model("reference", "PopulationFigure")
    OrganisationRole = apps.get_model("reference", "OrganisationRole")
    cpp = PopulationFigure.objects.filter(load_key=OLD_CPP_KEY, as_of=datetime.date(2023, 12, 31)).first()
    if cpp is not None and not PopulationFigure.objects.filter(load_key=NEW_CPP_KEY).exists():
        cpp.as_of, cpp.load_key = datetime.date(2023, 11, 10), NEW_CPP_KEY
        cpp.save(update_fields=["as_of", "load_key"])
    PopulationFigure.objects.filter(load_key__startswith="figure:", is_approximate=True,
                                    note_en__in=NUMERIC_NOTES).update(note_en="")
    OrganisationRole.objects.filter(role="member_state", since_year=2018,
                                    source__load_key="source:declaration_2023").update(since_year=None)


class Migration(migrations.Migration):

    dependencies = [
        ("reference", "0003_per_language_names_notes_titles_and_regional_figures"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
