"""Text normalised for matching: what people type against what is stored."""

import unicodedata


def normalise_text(text: str) -> str:
    """Lower case without accents, so that "integracion" finds "Integração" and "integración"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(text) -> str:
    """As ``normalise_text``, with runs of spaces made one: "Norte  de santander" matches "Norte de Santander"."""
    return " ".join(normalise_text(str(text)).split())
