"""bulk pages of the portfolio."""

urlpatterns = []
