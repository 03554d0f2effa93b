"""The demo: the real figures of the process with their sources, plus illustrative records and accounts.

Loading it twice changes nothing: each record is created only when absent, and records already
there (perhaps edited since) are left as they are. Illustrative records are flagged as such.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources

from django.db import transaction

from minga.accounts.models import Role, User
from minga.accounts.services import role_grant
from minga.accounts.twofactor import demo_device
from minga.capacity.demo import load_demo_kit
from minga.common.cache import DOMAINS, invalidates
from minga.finance.loaders import load_demo_funding
from minga.finance.models import Conference, ConferenceFigure, Pledge
from minga.localgov.demo import load_demo_needs
from minga.narrative.loaders import load_guide
from minga.portfolio.demo import load_demo_projects
from minga.process.demo import load_demo_roadmap
from minga.process.loaders import load_process
from minga.programmes.demo import load_demo_programmes
from minga.reference.loaders import create_missing, load_reference, load_sources, per_language
from minga.reference.models import Country, Municipality, Organisation, PopulationFigure, RegionalFigure
from minga.reference.selectors import organisation_loaded
from minga.results.demo import load_demo_results
from minga.services.demo import load_demo_services

DEMO_PASSWORD = "minga-demo-2026"  # noqa: S105 -- the demo accounts' published password (README)
# The demo secretariat's authenticator-app secret, published like the password (README, `minga demo`):
# demo only. The secretariat must use two-factor authentication, so its demo account comes enrolled.
DEMO_TOTP_SECRET = "MINGADEMOMINGADEMOMINGADEMOMINGA"  # noqa: S105
DEMO = "loaded with the demo data"


@dataclass
class DemoReport:
    created: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)

    def add(self, kind: str, created: bool):
        self.created[kind] = self.created.get(kind, 0) + int(created)


def _spec() -> dict:
    return json.loads(resources.files("minga.site").joinpath("data", "demo.json").read_text(encoding="utf-8"))


@invalidates(*DOMAINS)
@transaction.atomic
def load_demo() -> DemoReport:
    load_reference()
    load_process()  # real records, as `minga setup` loads them: the demo starts from a set-up platform
    load_guide()
    spec = _spec()
    report = DemoReport()
    sources = load_sources(spec["sources"])

    for pcode, name, subdivision in spec["illustrative_municipalities"]:
        _, created = create_missing(Municipality, f"municipality:{pcode}",
                                    {"pcode": pcode, "name": name, "subdivision_id": subdivision}, reason=DEMO)
        report.add("municipalities", created)

    for row in spec["illustrative_organisations"]:
        municipality = (Municipality.all_objects.get(load_key=f"municipality:{row['municipality']}")
                        if row.get("municipality") else None)
        _, created = create_missing(Organisation, f"organisation:{row['key']}", {
            "name": row["name"], "name_es": row.get("name_es", ""), "country_id": row["country"], "organisation_type": row["type"], "subdivision_id": row.get("subdivision"),
            "municipality": municipality, "is_illustrative": True,
            "parent": organisation_loaded(row["parent"]) if row.get("parent") else None,
        }, reason=DEMO, fill=("name_es",))
        report.add("organisations", created)

    notes = per_language("note")
    for iso3, group, value, approximate, as_of, source_key, *note in spec["population_figures"]:
        _, created = create_missing(PopulationFigure, f"figure:{iso3}:{group}:{as_of}:{source_key}", {
            "country_id": iso3, "subdivision": None, "group": group, "as_of": date.fromisoformat(as_of),
            "source": sources[source_key], "value": value, "is_approximate": approximate, **dict(zip(notes, note, strict=True)),
            "is_published": True}, reason=DEMO, fill=notes)
        report.add("population figures", created)

    for iso3, subdivision, group, value, approximate, as_of, *note in spec["illustrative_population_figures"]:
        _, created = create_missing(PopulationFigure, f"figure:{subdivision}:{group}:{as_of}:illustrative", {
            "country_id": iso3, "subdivision_id": subdivision, "group": group,
            "as_of": date.fromisoformat(as_of), "source": sources["illustrative"], "value": value,
            "is_approximate": approximate, **dict(zip(notes, note, strict=True)), "is_published": False}, reason=DEMO, fill=notes)
        report.add("population figures", created)

    for region, group, value, approximate, as_of, source_key in spec["regional_figures"]:
        _, created = create_missing(RegionalFigure, f"regional-figure:{region}:{group}:{as_of}:{source_key}", {
            "region": region, "group": group, "value": value, "is_approximate": approximate,
            "as_of": date.fromisoformat(as_of), "source": sources[source_key]}, reason=DEMO)
        report.add("regional figures", created)

    for conference_spec in spec["conferences"]:
        conference, created = create_missing(Conference, f"conference:{conference_spec['code']}", {
            "code": conference_spec["code"], "label_es": conference_spec["label_es"], "label_pt": conference_spec["label_pt"],
            "label_en": conference_spec["label_en"],
            **{name: conference_spec[name] for name in per_language("city")},
            "host_country": Country.objects.get(iso3=conference_spec["host_country"])
            if conference_spec["host_country"] else None,
            "is_virtual": conference_spec["virtual"], "is_pledging": conference_spec["pledging"],
            "starts_on": date.fromisoformat(conference_spec["starts_on"]),
            "ends_on": date.fromisoformat(conference_spec["ends_on"]),
        }, reason=DEMO, fill=per_language("city"))
        report.add("conferences", created)
        if created:
            conference.organisers.set([organisation_loaded(name) for name in conference_spec["organisers"]])
        for kind, qualifier, amount, currency, amount_usd, source_key, *note in conference_spec["figures"]:
            _, created = create_missing(ConferenceFigure, f"conference-figure:{conference.code}:{kind}:{qualifier}", {
                "conference": conference, "kind": kind, "qualifier": qualifier, "amount": Decimal(amount),
                "currency": currency, "amount_usd": Decimal(amount_usd) if amount_usd else None,
                "source": sources[source_key], **dict(zip(notes, note, strict=True))}, reason=DEMO, fill=notes)
            report.add("conference figures", created)
        for donor, amount, currency, amount_usd, approximate, instrument, source_key in conference_spec["pledges"]:
            _, created = create_missing(Pledge, f"pledge:{conference.code}:{donor}", {
                "conference": conference, "donor": organisation_loaded(donor), "source": sources[source_key],
                "amount": Decimal(amount), "currency": currency,
                "amount_usd": Decimal(amount_usd) if amount_usd else None,
                "is_approximate_usd": approximate, "instrument": instrument}, reason=DEMO)
            report.add("pledges", created)

    for account in spec["accounts"]:
        user = User.objects.filter(username=account["username"]).first()
        if user is None:
            user = User(username=account["username"], first_name=account["first_name"],
                        last_name=account["last_name"], email=f"{account['username']}@demo.minga.localhost")
            user.set_password(DEMO_PASSWORD)
            user.save()
            organisation = organisation_loaded(account["organisation"]) if account.get("organisation") else None
            role_grant(user=user, role=Role(account["role"]), granted_by=None,
                       country=Country.objects.get(iso3=account["country"]) if account.get("country") else None,
                       organisation=organisation)
            report.add("accounts", True)
        if account["role"] == Role.SECRETARIAT:
            # Also for a demo database from before two-factor authentication; an app enrolled since stays.
            demo_device(user=user, secret_base32=DEMO_TOTP_SECRET)
        report.accounts.append((user.username, Role(account["role"]).label))
    report.created["projects"] = load_demo_projects(rates_source=sources["illustrative"])
    report.created["pledges and flows followed"] = load_demo_funding()
    report.created["roadmap actions"] = load_demo_roadmap(source=sources["illustrative"])
    report.created["needs statements"] = load_demo_needs()
    report.created["integration programmes"] = load_demo_programmes(sources=sources)
    report.created.update(load_demo_kit())
    report.created["services"] = load_demo_services()
    report.created["result reports"] = load_demo_results()
    return report
