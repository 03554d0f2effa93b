"""The platform's three languages, in the order a translated text falls back through them."""

LANGUAGES = ("es", "pt", "en")
