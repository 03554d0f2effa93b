"""submission pages of the portfolio."""

urlpatterns = []
