from django.urls import register_converter


class ProjectCodeConverter:
    """PQ-COL-2026-0007: keeps project addresses apart from /projects/mine/, /projects/new/ …"""

    regex = r"PQ-[A-Z]{3}-\d{4}-\d{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ProjectCodeConverter, "project_code")

# Imported after the converter is registered: path() resolves "<project_code:…>" when the view modules load.
from minga.portfolio.views import bulk, catalogue, review, submission  # noqa: E402

app_name = "portfolio"
urlpatterns = catalogue.urlpatterns + submission.urlpatterns + review.urlpatterns + bulk.urlpatterns
