"""Atom feeds of the catalogue, one per country and one per theme (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from minga.programmes import selectors
from minga.programmes.models import ProgrammeTheme
from minga.programmes.views import country_or_404, theme_or_404


class _ProgrammeFeed(Feed):
    feed_type = Atom1Feed

    def items(self, obj):
        return list(self._programmes(obj))

    def item_title(self, item):
        title = str(item)
        return _("%(title)s (illustrative)") % {"title": title} if item.is_illustrative else title

    def item_description(self, item):
        return item.text_in("summary")[0]

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return str(item.runner)

    def item_categories(self, item):
        return [item.get_theme_display()]


class CountryFeed(_ProgrammeFeed):
    def get_object(self, request, iso3):
        return country_or_404(iso3)

    def _programmes(self, country):
        return selectors.programmes(None, country=country.iso3)

    def title(self, country):
        return _("Integration programmes in %(country)s") % {"country": country.name}

    def link(self, country):
        return reverse("programmes:list") + f"?country={country.iso3}"

    def feed_url(self, country):
        return reverse("programmes:feed_country", args=[country.iso3])

    def subtitle(self, country):
        return _("Socio-economic integration programmes for refugees and migrants, from Minga.")


class ThemeFeed(_ProgrammeFeed):
    def get_object(self, request, theme):
        return theme_or_404(theme)

    def _programmes(self, theme):
        return selectors.programmes(None, theme=theme)

    def title(self, theme):
        return _("Integration programmes: %(theme)s") % {"theme": ProgrammeTheme(theme).label}

    def link(self, theme):
        return reverse("programmes:list") + f"?theme={theme}"

    def feed_url(self, theme):
        return reverse("programmes:feed_theme", args=[theme])

    def subtitle(self, theme):
        return _("Socio-economic integration programmes for refugees and migrants, from Minga.")
