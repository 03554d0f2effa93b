"""``python -m tests.hardening.dump``: every row of the database as canonical JSON, to compare two databases.

Two databases that went through the same imports by different paths (one clean run; a run killed with
SIGKILL, then run again) hold different autoincrement ids (PostgreSQL's sequences skip what a rolled-back
transaction took) and different timestamps. The dump leaves both out: each row is its other values, and a
foreign key is the canonical form of the row it points at (so two rows equal where their references are
equal, whatever their ids; it is written as a digest of that row's canonical form, to keep the dump small).
History rows name their record the same way. Each table is a sorted list, so
the order of insertion does not count either; the number of equal rows does.
"""

import contextlib
import hashlib
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")


# Columns that hold another row's id as a plain integer (the kept totals' cells, written in bulk), read like
# foreign keys: PostgreSQL's sequences do not go back when a killed import's transaction is, so a re-run gives
# the same organisations other ids than one clean run did.
BARE_REFERENCES = {"finance.FundingTotal": {"donor_id": "reference.Organisation", "theme_id": "reference.Term",
                                            "conference_id": "finance.Conference"},
                    "finance.PledgeFirstDisbursement": {"pledge_id": "finance.TrackedPledge",
                                                        "donor_id": "reference.Organisation",
                                                        "theme_id": "reference.Term"}}


def canonical_dump() -> dict[str, list[str]]:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.db import models

    def kept(field) -> bool:
        if field.primary_key and isinstance(field, models.AutoField):
            return False
        return not isinstance(field, models.DateTimeField)  # timestamps: when, not what

    rows, memo, rows_out = {}, {}, {}
    every = [model for model in apps.get_models(include_auto_created=True) if not model._meta.proxy]
    for model in every:
        names = [field.attname for field in model._meta.concrete_fields]
        rows[model] = {values[names.index(model._meta.pk.attname)]: dict(zip(names, values, strict=True))
                       for values in model._base_manager.values_list(*names).iterator(chunk_size=5000)}
    content_types = {ct.pk: ct.model_class() for ct in ContentType.objects.all()}

    def canonical(model, pk, trail=()):
        key = (model, pk)
        if key in memo:
            return memo[key]
        row = rows.get(model, {}).get(pk)
        if row is None:
            return f"gone:{model._meta.label}"
        if key in trail:
            return f"cycle:{model._meta.label}"
        trail = (*trail, key)
        auto_pk = isinstance(model._meta.pk, models.AutoField)
        original = getattr(model, "instance_type", None)  # django-simple-history: the record this row is of
        out = []
        for field in model._meta.concrete_fields:
            if not kept(field):
                continue
            value = row[field.attname]
            bare = BARE_REFERENCES.get(model._meta.label, {}).get(field.attname)
            if bare and value:
                value = canonical(apps.get_model(bare), value, trail)
            elif field.is_relation and value is not None:
                target = field.related_model
                value = canonical(target, value, trail) if isinstance(target._meta.pk, models.AutoField) else value
            elif original is not None and field.name == original._meta.pk.name and auto_pk:
                value = canonical(original, value, trail) if isinstance(original._meta.pk, models.AutoField) \
                    else value
            elif field.name == "object_id" and "content_type_id" in row and row["content_type_id"] in content_types:
                target = content_types[row["content_type_id"]]
                if target is not None and isinstance(target._meta.pk, models.AutoField):
                    with contextlib.suppress(TypeError, ValueError):
                        value = canonical(target, int(value), trail)
            out.append([field.name, value if isinstance(value, (list, int, float, bool, type(None))) else str(value)])
        memo[key] = hashlib.sha1(json.dumps(out, default=str).encode()).hexdigest()[:16]  # noqa: S324 -- not security
        rows_out[key] = out
        return memo[key]

    dump = {}
    for model in every:
        for pk in rows[model]:
            canonical(model, pk)
        dump[model._meta.label] = sorted(json.dumps(rows_out[(model, pk)], default=str) for pk in rows[model]
                                         if (model, pk) in rows_out)
    return dump


if __name__ == "__main__":
    django.setup()
    json.dump(canonical_dump(), sys.stdout)
