"""catalogue pages of the portfolio."""

urlpatterns = []
