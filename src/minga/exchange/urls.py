"""The exchange's addresses: downloads of the portfolio in the sector's standards.

They live under /projects/ beside the catalogue whose query string they take, but belong here:
the exchange reads the domain apps, never the reverse.
"""

from django.urls import path, re_path

from minga.exchange import hxl_views, import_views, views

app_name = "exchange"
urlpatterns = [
    re_path(r"^export\.(?P<format>xlsx|csv|iati)$", views.export, name="project_export"),
    # One project's own downloads (its page links them): the code as the project page's address has it.
    re_path(r"^(?P<code>PQ-[A-Z]{3}-\d{4}-\d{4,})/export\.(?P<format>xlsx|iati)$", views.project_download,
            name="project_download"),
    path("import/hxl/", hxl_views.hxl_import, name="hxl_import"),  # the secretariat's HXL import (preview, confirm)
    # The secretariat's IATI uploads, imported by a background job, and each run's progress.
    path("import/iati/", import_views.iati_import, name="iati_import"),
    path("import/iati/<int:pk>/", import_views.iati_import_run, name="iati_import_run"),
    # The same for OCHA FTS files (a flow search page, a plan overview).
    path("import/fts/", import_views.fts_import, name="fts_import"),
    path("import/fts/<int:pk>/", import_views.fts_import_run, name="fts_import_run"),
]
