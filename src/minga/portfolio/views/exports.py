"""exports pages of the portfolio."""

urlpatterns = []
