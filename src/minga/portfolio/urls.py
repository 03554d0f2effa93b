from minga.portfolio.views import bulk, catalogue, exports, review, submission

app_name = "portfolio"
urlpatterns = catalogue.urlpatterns + exports.urlpatterns + submission.urlpatterns + review.urlpatterns + bulk.urlpatterns
