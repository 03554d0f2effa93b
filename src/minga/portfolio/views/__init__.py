"""Portfolio pages, one module per concern; each module lists its own ``urlpatterns``."""
