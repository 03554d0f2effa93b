from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(*, using: str = "default", **_kwargs) -> None:
    """The database cache's table (minga.common.cache), made by every `migrate` as by `minga setup`; a no-op
    when it exists or when another backend is configured."""
    call_command("createcachetable", database=using, verbosity=0)


class SiteConfig(AppConfig):
    name = "minga.site"
    verbose_name = _("Platform shell")

    def ready(self):
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="minga.site.create_cache_table")
