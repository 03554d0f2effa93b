"""How a Minga service is written in HSDS 3.0, and read back.

- One HSDS service, one location (the service's point, address and territory), one service_at_location.
- Types and populations are attributes linking the service to terms of two Minga taxonomies
  (``minga-service-types``, ``minga-populations``); cost, "open 24 hours" and the texts in each language
  (HSDS holds one language per text) are attributes too, of the taxonomy ``minga-extension``.
- The primary texts (name, description, eligibility, the required document) are in Spanish when there
  is Spanish, else the first language there is.
- Territory: the address's country (ISO 3166-1 alpha-2) and state_province (ISO 3166-2 code); the
  municipality's p-code as the location's external identifier.
- Opening hours: one weekly schedule per day and slot (``byday`` MO…SU, ``opens_at``/``closes_at``).
- The linked portfolio project: a funding record whose source is the project's code.
"""

import uuid

NAMESPACE = uuid.UUID("6f1c1d0e-7a5b-4e55-9a42-6d696e676131")  # Minga's namespace for derived identifiers
TYPES_TAXONOMY, POPULATIONS_TAXONOMY, EXTENSION_TAXONOMY = "minga-service-types", "minga-populations", "minga-extension"
TEXT_FIELDS = ("name", "description", "eligibility", "documents")
BYDAY = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR", "saturday": "SA",
         "sunday": "SU"}
DAY_OF = {code: day for day, code in BYDAY.items()}
WHATSAPP = "WhatsApp"


def derived(*parts) -> str:
    """A stable identifier derived from Minga's own keys: the same record gets the same id in every export."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def term_id(taxonomy: str, code: str) -> str:
    return derived("term", taxonomy, code)


def taxonomy_id(taxonomy: str) -> str:
    return derived("taxonomy", taxonomy)


def organisation_id(organisation) -> str:
    return derived("organisation", organisation.load_key or organisation.pk)
