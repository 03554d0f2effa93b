from django.urls import path

from minga.programmes import feeds, views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("widget/", views.programme_widget, name="widget"),
    path("feeds/country/<str:iso3>.atom", feeds.CountryFeed(), name="feed_country"),
    path("feeds/theme/<slug:theme>.atom", feeds.ThemeFeed(), name="feed_theme"),
    path("<slug:code>/", views.programme_detail, name="detail"),
    path("<slug:code>/card.png", views.programme_card, name="card"),
]
