from django.contrib import admin
from django.urls import include, path

from minga.api.urls import api
from minga.reference import urls as reference_urls
from minga.site import pages

urlpatterns = [
    path("", include("minga.site.urls")),
    # The country and organisation pages combine domains: served by the site floor, named in "reference".
    path("", include((pages.reference_urlpatterns + reference_urls.urlpatterns, reference_urls.app_name))),
    path("", include("minga.finance.urls")),
    path("process/", include("minga.process.urls")),
    path("capacity/", include("minga.capacity.urls")),
    path("results/", include("minga.results.urls")),
    path("language/", include("minga.narrative.urls")),
    path("services/", include("minga.services.urls")),
    path("projects/", include("minga.portfolio.urls")),
    path("projects/", include("minga.exchange.urls")),
    path("local-governments/", include("minga.localgov.urls")),
    path("programmes/", include("minga.programmes.urls")),
    path("history/", include("minga.audit.urls")),
    path("accounts/", include("minga.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
