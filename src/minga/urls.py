from django.contrib import admin
from django.urls import include, path

from minga.api.urls import api

urlpatterns = [
    path("", include("minga.site.urls")),
    path("", include("minga.reference.urls")),
    path("", include("minga.finance.urls")),
    path("language/", include("minga.narrative.urls")),
    path("projects/", include("minga.portfolio.urls")),
    path("projects/", include("minga.exchange.urls")),
    path("history/", include("minga.audit.urls")),
    path("accounts/", include("minga.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
