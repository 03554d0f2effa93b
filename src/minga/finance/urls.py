from django.urls import path

from minga.finance import dashboard_views, follow_up_views, views

app_name = "finance"
urlpatterns = [
    path("conferences/", views.conference_list, name="conference_list"),
    path("funding/", dashboard_views.funding_dashboard, name="funding_dashboard"),
    path("funding/<slug:table>.csv", dashboard_views.funding_csv, name="funding_csv"),
    path("mine/", follow_up_views.my_funding_page, name="my_funding"),
    path("pledges/new/", follow_up_views.pledge_new, name="pledge_new"),
    path("pledges/<int:pk>/edit/", follow_up_views.pledge_edit, name="pledge_edit"),
    path("flows/new/", follow_up_views.flow_new, name="flow_new"),
    path("flows/<int:pk>/edit/", follow_up_views.flow_edit, name="flow_edit"),
]
