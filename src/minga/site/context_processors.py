from django.conf import settings

from minga.accounts.permissions import actor_for


def shell(request):
    """What the layout needs on every page: the languages and who is signed in, with which roles."""
    actor = actor_for(getattr(request, "user", None))
    return {
        "minga_languages": settings.LANGUAGES,
        "minga_actor": actor,
        "minga_roles": sorted({scope.role.label for scope in actor.scopes}),
    }
