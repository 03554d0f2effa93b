"""The reasons of the projects' history, once stored worded in the writer's language ("creado", "status:
Published", "Paso “Dinero” guardado"), become codes that each reader reads in their own language
(minga.audit.reasons). Words that match no reason the platform gives (people's comments) stay as written.
Going back words the codes in Spanish, the site's default language."""

from django.db import migrations


def _to_codes(apps, schema_editor):
    from minga.portfolio.history import legacy_codes

    codes = legacy_codes()
    History = apps.get_model("portfolio", "HistoricalProject")
    for words, code in codes.items():
        History.objects.filter(history_change_reason=words).update(history_change_reason=code)


def _to_words(apps, schema_editor):
    from django.utils import translation

    from minga.audit.reasons import CODE_PREFIX, worded
    from minga.portfolio.history import register

    register()
    History = apps.get_model("portfolio", "HistoricalProject")
    with translation.override("es"):
        for stored in set(History.objects.filter(history_change_reason__startswith=CODE_PREFIX)
                          .values_list("history_change_reason", flat=True)):
            History.objects.filter(history_change_reason=stored).update(history_change_reason=worded(stored))


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_transition_fields_concerned")]

    operations = [migrations.RunPython(_to_codes, _to_words)]
