"""Illustrative services for the demo, in several member states, every one flagged illustrative.

Names, addresses, telephones and hours are invented (the telephones use the countries' fictitious-looking
ranges and an "(ejemplo)" name); what a directory looks like once filled is shown on them. One entry
was last verified ten months before the load, to show how a stale entry looks.
"""

from datetime import timedelta

from django.utils import timezone

from minga.reference.loaders import create_missing
from minga.reference.models import Municipality
from minga.reference.selectors import organisation_loaded
from minga.services.inputs import ServiceInput, model_fields
from minga.services.models import Service

DEMO = "loaded with the demo data"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def _weekdays(opens: str, closes: str) -> list[dict]:
    return [{"day": day, "opens": opens, "closes": closes} for day in WEEKDAYS]


SERVICES = [
    {"key": "tulcan-casa-acogida", "provider": "demo-tulcan", "country": "ECU", "subdivision": "EC-C",
     "municipality": "EC0401", "lat": 0.8117, "lon": -77.7173, "types": ["shelter", "gbv", "psychosocial"],
     "populations": ["women", "girls", "adolescents"], "languages": ["es"], "open_always": True,
     "name_es": "Casa de acogida para mujeres y adolescentes de Tulcán (ejemplo)",
     "name_pt": "Casa de acolhida para mulheres e adolescentes de Tulcán (exemplo)",
     "name_en": "Tulcán shelter for women and adolescents (example)",
     "description_es": "Acogida temporal gratuita, orientación y apoyo psicosocial para mujeres, niñas y "
                       "adolescentes en tránsito o recién llegadas.",
     "description_en": "Free temporary shelter, orientation and psychosocial support for women, girls and "
                       "adolescents in transit or newly arrived.",
     "eligibility_es": "Mujeres, niñas y adolescentes refugiadas, migrantes o de la comunidad de acogida.",
     "documents_es": "No se pide ningún documento para ingresar.",
     "documents_en": "No document is needed to be received.",
     "address": "Calle Sucre y Ayacucho, Tulcán (ejemplo)", "phone": "+593 6 000 0000", "days_ago": 20},
    {"key": "ipiales-albergue-paso", "provider": "gov-col", "country": "COL", "subdivision": "CO-NAR",
     "lat": 0.8302, "lon": -77.6444, "types": ["shelter", "food", "wash"], "populations": ["everyone"],
     "languages": ["es"], "hours": _weekdays("07:00", "19:00"), "is_free": True,
     "name_es": "Albergue de paso de Ipiales (ejemplo)", "name_en": "Ipiales transit shelter (example)",
     "description_es": "Alojamiento de una a tres noches, alimentación e higiene para personas en tránsito.",
     "address": "Ipiales, Nariño (ejemplo)", "phone": "+57 602 000 0000", "days_ago": 45},
    {"key": "cucuta-espacio-apoyo", "provider": "demo-cucuta", "country": "COL", "subdivision": "CO-NSA",
     "municipality": "CO54001", "lat": 7.8939, "lon": -72.5078, "types": ["information", "legal", "regularization"],
     "populations": ["everyone"], "languages": ["es", "guc"], "hours": _weekdays("08:00", "17:00"),
     "name_es": "Espacio de Apoyo de Cúcuta (ejemplo)", "name_en": "Cúcuta Support Space (example)",
     "description_es": "Información, orientación jurídica y acompañamiento para el Permiso por Protección Temporal.",
     "documents_es": "Documento de identidad si lo tiene; se atiende también sin documentos.",
     "address": "Avenida 0 # 10-00, Cúcuta (ejemplo)", "phone": "+57 607 000 0000",
     "whatsapp": "+57 300 000 0000", "email": "apoyo@demo.minga.localhost", "days_ago": 10},
    {"key": "cucuta-salud-mujeres", "provider": "demo-cucuta", "country": "COL", "subdivision": "CO-NSA",
     "municipality": "CO54001", "lat": 7.8800, "lon": -72.4960, "types": ["srh", "health"],
     "populations": ["women", "adolescents"], "languages": ["es"], "hours": _weekdays("07:00", "13:00"),
     "name_es": "Consulta de salud sexual y reproductiva (ejemplo)",
     "name_en": "Sexual and reproductive health clinic (example)", "days_ago": 60},
    {"key": "lima-comedor", "provider": "demo-red-lima", "country": "PER", "subdivision": "PE-LMA",
     "lat": -12.0464, "lon": -77.0428, "types": ["food"], "populations": ["everyone"], "languages": ["es"],
     "hours": _weekdays("11:30", "14:30"), "is_free": False, "fees": "S/ 1 por menú (ejemplo)",
     "name_es": "Comedor comunitario de la Red de Acogida (ejemplo)", "days_ago": 30},
    {"key": "boa-vista-orientacao", "provider": "gov-bra", "country": "BRA", "subdivision": "BR-RR",
     "lat": 2.8235, "lon": -60.6758, "types": ["information", "regularization", "employment"],
     "populations": ["everyone"], "languages": ["pt", "es", "wba"], "hours": _weekdays("08:00", "18:00"),
     "time_zone": "America/Boa_Vista",
     "name_pt": "Posto de informação e orientação de Boa Vista (exemplo)",
     "name_es": "Puesto de información y orientación de Boa Vista (ejemplo)", "days_ago": 15},
    {"key": "panama-asesoria-legal", "provider": "gov-pan", "country": "PAN", "subdivision": "PA-8",
     "lat": 8.9824, "lon": -79.5199, "types": ["legal"], "populations": ["everyone", "lgbtiq"], "languages": ["es", "en"],
     "hours": _weekdays("09:00", "16:00"), "name_es": "Asesoría legal gratuita (ejemplo)",
     "name_en": "Free legal advice (example)", "days_ago": 300},
]


def load_demo_services() -> int:
    """Create the illustrative services that are missing; how many were."""
    today = timezone.localdate()
    created_count = 0
    for spec in SERVICES:
        municipality = spec.get("municipality")
        data = ServiceInput(
            provider_id=organisation_loaded(spec["provider"]).pk, latitude=spec["lat"], longitude=spec["lon"],
            country_id=spec["country"], subdivision_id=spec["subdivision"],
            municipality_id=Municipality.all_objects.get(pcode=municipality).pk if municipality else None,
            last_verified_on=today - timedelta(days=spec["days_ago"]), types=spec["types"],
            populations=spec["populations"], languages=spec.get("languages", []), hours=spec.get("hours", []),
            **{name: spec[name] for name in spec if name in (
                "open_always", "is_free", "fees", "address", "phone", "whatsapp", "email", "time_zone",
                *(f"{field}_{code}" for field in ("name", "description", "eligibility", "documents")
                  for code in ("es", "pt", "en")))})
        _, created = create_missing(Service, f"service:{spec['key']}", {**model_fields(data), "is_illustrative": True},
                                    reason=DEMO)
        created_count += created
    return created_count
