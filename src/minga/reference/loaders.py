"""Loading the reference data from the standards (pycountry, CLDR) and the files shipped beside this module.

Every loader is idempotent and never deletes. Records that follow a standard (countries,
subdivisions, vocabularies, markers) are updated when the standard changed; records people edit
in the platform (organisations, terms, sources) are only created when missing, so edits survive.
"""

import csv
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources

import pycountry
from babel import Locale
from django.db import transaction

from minga.common.cache import DOMAINS, invalidates
from minga.common.languages import LANGUAGES
from minga.reference.models import (
    Country,
    Marker,
    Organisation,
    OrganisationRole,
    ProcessRole,
    Source,
    Subdivision,
    Term,
    Vocabulary,
)

MEMBER_STATES = ("ARG", "BRA", "CHL", "COL", "CRI", "DOM", "ECU", "GUY", "MEX", "PAN", "PRY", "PER", "URY")
ORIGIN = "VEN"
GROUP_OF_FRIENDS_COUNTRIES = ("DEU", "CAN", "USA", "ESP", "FRA", "GBR", "ITA")
# Countries whose ISO 3166-2 tree starts with groupings that are not the first administrative level.
ADMIN1_BELOW_TOP = {"DOM"}

LOADED = "loaded from the reference data"
SECTOR_NAMES = "name from the IATI Sector codelist"
DAC_SECTORS = "dac-5"

CLDR_LOCALES = {"es": Locale.parse("es"), "pt": Locale.parse("pt"), "en": Locale.parse("en")}


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, created: bool, changed: bool):
        if created:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _upsert(model, lookup: dict, values: dict) -> tuple[object, bool, bool]:
    """For records that follow a standard (ISO, CLDR): create, or update what the standard changed."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, True, False
    changed = {name: value for name, value in values.items() if getattr(instance, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance.save()
    return instance, False, bool(changed)


def create_missing(model, key: str, values: dict, *, reason: str, fill: tuple[str, ...] = ()
                   ) -> tuple[object, bool]:
    """For records people edit: create when absent, never overwrite what is there (their edits win).

    ``key`` identifies the loaded record for good (``load_key``), whatever is edited later; a record
    people deleted stays deleted. The fields named in ``fill`` are filled on a record already there where
    they are still empty (a language added since, a source's address): filling a blank overwrites nothing.
    """
    instance = model.all_objects.filter(load_key=key).first()
    if instance is not None:
        _fill_blanks(instance, {name: values[name] for name in fill if name in values}, reason=reason)
        return instance, False
    instance = model(load_key=key, **values)
    instance.full_clean()
    instance._change_reason = reason
    instance.save()
    return instance, True


def _fill_blanks(instance, values: dict, *, reason: str) -> None:
    blanks = {name: value for name, value in values.items()
              if value not in ("", None) and getattr(instance, name) in ("", None)}
    if blanks:
        for name, value in blanks.items():
            setattr(instance, name, value)
        instance.full_clean()
        instance._change_reason = reason
        instance.save()


# Per-language texts a loader adds to records loaded before they had them.
def per_language(*fields: str) -> tuple[str, ...]:
    return tuple(f"{field}_{code}" for field in fields for code in LANGUAGES)


# An address Minga once shipped for two dated R4V rounds: R4V's live page, whose figures have changed since.
# A source still pointing there is given its dated publication instead (any other address is someone's edit).
LIVE_PAGE_SHIPPED_BEFORE = "https://www.r4v.info/en/refugeeandmigrants"


def _data_file(name: str):
    return resources.files("minga.reference").joinpath("data", name)


@transaction.atomic
def load_countries() -> LoadReport:
    report = LoadReport()
    for entry in pycountry.countries:
        names = {
            code: locale.territories.get(entry.alpha_2) or getattr(entry, "common_name", None) or entry.name
            for code, locale in CLDR_LOCALES.items()
        }
        _, created, changed = _upsert(Country, {"iso3": entry.alpha_3}, {
            "iso2": entry.alpha_2,
            "numeric": entry.numeric,
            "name_es": names["es"],
            "name_pt": names["pt"],
            "name_en": names["en"],
            "is_member_state": entry.alpha_3 in MEMBER_STATES,
            "is_origin": entry.alpha_3 == ORIGIN,
            "is_group_of_friends": entry.alpha_3 in GROUP_OF_FRIENDS_COUNTRIES,
        })
        report.count(created, changed)
    return report


def _codes_with_geometry() -> set[str]:
    path = _data_file("admin1_crosswalk.csv")
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8") as handle:
        return {row["iso_3166_2"] for row in csv.DictReader(handle) if row.get("iso_3166_2")}


@transaction.atomic
def load_subdivisions(countries=(*MEMBER_STATES, ORIGIN)) -> LoadReport:
    report = LoadReport()
    with_geometry = _codes_with_geometry()
    for iso3 in countries:
        country = Country.objects.get(iso3=iso3)
        units = sorted(pycountry.subdivisions.get(country_code=country.iso2) or [],
                       key=lambda unit: (unit.parent_code is not None, unit.code))
        for unit in units:  # parents first, so children can point to them
            if iso3 in ADMIN1_BELOW_TOP:
                is_admin1 = unit.parent_code is not None
            else:
                is_admin1 = unit.parent_code is None
            _, created, changed = _upsert(Subdivision, {"code": unit.code}, {
                "country": country,
                "parent_id": unit.parent_code,
                "name": unit.name,
                "category": unit.type,
                "is_admin1": is_admin1,
                "has_geometry": unit.code in with_geometry,
            })
            report.count(created, changed)
    return report


def load_sources(spec: dict) -> dict[str, Source]:
    """Each source with its address, its date as precise as the source gives it, its title per language, and
    "secondary" where it is a press copy. A source loaded before it had an address or a date gets them."""
    sources = {}
    for key, fields in spec.items():
        published_on = date.fromisoformat(fields["published_on"]) if fields.get("published_on") else None
        values = {"publisher": fields["publisher"], "title": fields["title"],
                  **{name: fields.get(name, "") for name in per_language("title")},
                  "url": fields.get("url", ""), "published_on": published_on,
                  "date_precision": fields.get("date_precision", "day"),
                  "is_secondary": fields.get("secondary", False),
                  "is_illustrative": fields.get("illustrative", False)}
        existing = Source.all_objects.filter(load_key=f"source:{key}").first()
        if existing is not None:
            sources[key] = _complete_source(existing, values)
            continue
        sources[key], _ = create_missing(Source, f"source:{key}", values, reason=LOADED)
    return sources


def _complete_source(source: Source, values: dict) -> Source:
    """A source loaded before sources had addresses (or still pointing at the live page shipped before)
    becomes the dated publication shipped now: publisher, title, address, date and its precision, the
    press-copy mark. An undated one gets its precision; titles fill the languages still empty. A source
    people gave an address keeps everything they edited."""
    changes = {}
    if not source.url or source.url == LIVE_PAGE_SHIPPED_BEFORE != values["url"]:
        changes = {name: values[name] for name in ("publisher", "title", "url", "published_on", "date_precision",
                                                    "is_secondary")}
    elif source.published_on is None and values["published_on"] is None:
        changes["date_precision"] = values["date_precision"]
    changes.update({name: values[name] for name in per_language("title")
                    if values[name] and not getattr(source, name)})
    changes = {name: value for name, value in changes.items() if getattr(source, name) != value}
    if changes:
        for name, value in changes.items():
            setattr(source, name, value)
        source.full_clean()
        source._change_reason = LOADED
        source.save()
    return source


@transaction.atomic
def load_taxonomies() -> LoadReport:
    report = LoadReport()
    spec = json.loads(_data_file("vocabularies.json").read_text(encoding="utf-8"))
    sources = load_sources(spec["sources"])
    for vocabulary_spec in spec["vocabularies"]:
        vocabulary, created, changed = _upsert(Vocabulary, {"code": vocabulary_spec["code"]}, {
            "label_es": vocabulary_spec["label_es"], "label_pt": vocabulary_spec["label_pt"],
            "label_en": vocabulary_spec["label_en"], "is_external": vocabulary_spec.get("external", False),
            "iati_vocabulary": vocabulary_spec.get("iati_vocabulary", ""),
            "source": sources[vocabulary_spec["source"]],
        })
        report.count(created, changed)
        for position, row in enumerate(vocabulary_spec.get("terms", []), start=1):
            code, label_es, label_pt, label_en, *parent = row
            parent_term = Term.all_objects.get(vocabulary=vocabulary, code=parent[0]) if parent else None
            _, created = create_missing(Term, f"term:{vocabulary.code}:{code}", {
                "vocabulary": vocabulary, "code": code, "label_es": label_es, "label_pt": label_pt, "label_en": label_en,
                "parent": parent_term, "position": position,
            }, reason=LOADED)
            report.count(created, False)
        for position, code in enumerate(vocabulary_spec.get("codes", []), start=1):
            # External codes: their names arrive with load_sector_names (the shipped codelist names).
            _, created = create_missing(Term, f"term:{vocabulary.code}:{code}",
                                        {"vocabulary": vocabulary, "code": code, "position": position},
                                        reason=LOADED)
            report.count(created, False)
    for position, (code, iati_marker, label_es, label_pt, label_en) in enumerate(spec["markers"], start=1):
        _, created, changed = _upsert(Marker, {"code": code}, {
            "iati_policy_marker": iati_marker, "label_es": label_es, "label_pt": label_pt,
            "label_en": label_en, "position": position,
        })
        report.count(created, changed)
    return report


@transaction.atomic
def load_organisations() -> LoadReport:
    """The process's real participants: member-state governments, the secretariat, the Group of Friends."""
    report = LoadReport()
    spec = json.loads(_data_file("organisations.json").read_text(encoding="utf-8"))
    sources = load_sources(spec["sources"])
    by_key = {}
    for row in spec["organisations"]:
        organisation, created = create_missing(Organisation, f"organisation:{row['key']}", {
            "iati_identifier": row.get("iati_identifier"), "name": row["name"], "acronym": row.get("acronym", ""),
            **{name: row.get(name, "") for name in per_language("name", "acronym")},
            "organisation_type": row["type"], "country_id": row.get("country"),
            "parent": by_key.get(row.get("parent")),
        }, reason=LOADED, fill=per_language("name", "acronym"))
        report.count(created, False)
        by_key[row["key"]] = organisation
        for role in row.get("roles", []):
            role_name, since, source_key = (role + [None, None])[:3] if isinstance(role, list) else (role, None, None)
            loaded, role_created = OrganisationRole.objects.get_or_create(
                organisation=organisation, role=ProcessRole(role_name),
                defaults={"since_year": since, "source": sources.get(source_key)})
            source = sources.get(source_key)
            if not role_created and ((loaded.since_year is None and since is not None)
                                     or (loaded.source_id and not loaded.source.url and source and source.url)):
                # A year once dropped for want of a source comes back with the source that gives it; a role
                # citing a source without an address cites the addressed one.
                loaded.since_year, loaded.source = since, source
                loaded.save(update_fields=["since_year", "source"])
    return report


@transaction.atomic
def load_sector_names() -> LoadReport:
    """Names for the DAC 5-digit codes of the ``dac-5`` vocabulary, from ``data/dac_sectors.json`` (derived
    from IATI's Sector codelist by scripts/build_dac_sectors.py; see data/README.md).

    A name fills a language only where the term has none: a label people gave stays. ``minga load_codelist``
    (a newer Sector.xml) still adds the codes the vocabulary does not list and refreshes English names.
    """
    report = LoadReport()
    sectors = json.loads(_data_file("dac_sectors.json").read_text(encoding="utf-8"))["sectors"]
    for term in Term.all_objects.filter(vocabulary_id=DAC_SECTORS).order_by("code"):
        names = sectors.get(term.code, {})
        missing = {f"label_{code}": names[code] for code in LANGUAGES
                   if names.get(code) and not getattr(term, f"label_{code}")}
        if missing:
            for name, value in missing.items():
                setattr(term, name, value)
            term._change_reason = SECTOR_NAMES
            term.save()
        report.count(False, bool(missing))
    return report


@invalidates(*DOMAINS)
def load_reference() -> dict[str, LoadReport]:
    return {
        "countries": load_countries(),
        "subdivisions": load_subdivisions(),
        "taxonomies": load_taxonomies(),
        "sector names": load_sector_names(),
        "organisations": load_organisations(),
    }
