"""Conference data as the sources give it, for databases loaded before (new ones get it from the demo loader).

- Notes write their amounts as placeholders, so each reader sees them in their own format
  ("almost EUR 810 M" becomes "almost {EUR 810000000}": "casi 810 millones de €" in Spanish).
- The 2021 total as later reported cites the 2023 Joint Declaration ("more than $2.35 billion"), and the
  US$1.4 billion in loans cites only its own source, the UN Network on Migration: the combined source they
  shared becomes the UN Network's.
"""

from django.db import migrations

NOTES = {"almost EUR 810 M": "almost {EUR 810000000}", "incl. EIB EUR 400 M": "including {EUR 400000000} from the EIB"}
UN_NETWORK = {
    "load_key": "source:un_network_2021", "publisher": "United Nations Network on Migration",
    "title": "2021 International Donors' Conference in Solidarity with Venezuelan Refugees and Migrants (Canada)",
    "url": "https://migrationnetwork.un.org/practice/2021-international-donors-conference-solidarity-venezuelan-"
           "refugees-and-migrants-canada",
    "published_on": None, "date_precision": "undated",
}


def forwards(apps, schema_editor):
    ConferenceFigure = apps.get_model("finance", "ConferenceFigure")
    Source = apps.get_model("reference", "Source")
    for old, new in NOTES.items():
        ConferenceFigure.objects.filter(note_en=old).update(note_en=new)
    combined = Source.objects.filter(load_key="source:conf_2021_later").first()
    declaration = Source.objects.filter(load_key="source:declaration_2023").first()
    if combined is None or Source.objects.filter(load_key=UN_NETWORK["load_key"]).exists():
        return
    if declaration is not None:
        ConferenceFigure.objects.filter(load_key="conference-figure:virtual-2021:total:later",
                                        source=combined).update(source=declaration)
    for name, value in UN_NETWORK.items():
        setattr(combined, name, value)
    combined.save()


class Migration(migrations.Migration):

    dependencies = [
        ("finance", "0002_conference_city_and_figure_note_per_language"),
        ("reference", "0004_figure_dates_notes_and_member_since_as_sourced"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
