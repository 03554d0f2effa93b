"""review pages of the portfolio."""

urlpatterns = []
