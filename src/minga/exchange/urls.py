"""The exchange's addresses: downloads of the portfolio in the sector's standards.

They live under /projects/ beside the catalogue whose query string they take, but belong here:
the exchange reads the domain apps, never the reverse.
"""

from django.urls import re_path

from minga.exchange import views

app_name = "exchange"
urlpatterns = [
    re_path(r"^export\.(?P<format>xlsx|csv|iati)$", views.export, name="project_export"),
]
