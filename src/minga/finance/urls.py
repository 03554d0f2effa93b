from django.urls import path

from minga.finance import dashboard_views, follow_up_views, pages_views, views

app_name = "finance"
urlpatterns = [
    path("conferences/", views.conference_list, name="conference_list"),
    path("funding/", dashboard_views.funding_dashboard, name="funding_dashboard"),
    path("funding/<slug:table>.csv", dashboard_views.funding_csv, name="funding_csv"),
    path("funding/conferences/<slug:code>/", pages_views.conference_funding, name="conference_funding"),
    path("funding/conferences/<slug:code>/report.<slug:fmt>", pages_views.conference_report,
         name="conference_report"),
    path("funding/donors/<int:pk>/", pages_views.donor_funding, name="donor_funding"),
    path("funding/countries/<str:iso3>/", pages_views.country_funding, name="country_funding"),
    path("funding/records/", pages_views.funding_records, name="funding_records"),
    path("pledges/<int:pk>/", pages_views.pledge_detail, name="pledge_detail"),
    path("pledges/<int:pk>/transition/", pages_views.pledge_transition, name="pledge_transition"),
    path("flows/<int:pk>/", pages_views.flow_detail, name="flow_detail"),
    path("flows/<int:pk>/transition/", pages_views.flow_transition, name="flow_transition"),
    path("mine/", follow_up_views.my_funding_page, name="my_funding"),
    path("pledges/new/", follow_up_views.pledge_new, name="pledge_new"),
    path("pledges/<int:pk>/edit/", follow_up_views.pledge_edit, name="pledge_edit"),
    path("flows/new/", follow_up_views.flow_new, name="flow_new"),
    path("flows/<int:pk>/edit/", follow_up_views.flow_edit, name="flow_edit"),
]
