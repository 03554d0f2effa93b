"""A step of the submission form: its forms and tables, its part of the services' input, where its errors go.

A project is entered in six steps plus a last one for documents and submission. Each step holds
plain forms and formsets (no ModelForm: nothing here saves a model) and knows

- ``service_input()``: its part of the ``ProjectInput`` that ``services.project_create/project_update``
  take, built from the fields that passed their own checks (a part whose rows have errors is left out,
  so the cross-part checks run on the stored part instead of on half-read rows);
- where each error goes: ``slot_for(key)`` maps a key of ``validation.check``/``ProjectInvalid``
  (``locations``, ``locations[2].percentage``, ``themes[quito-axes]``…) to the place on the page
  next to the field, row or table it is about. Keys that belong to another step are listed at the
  top of the page with a link to their step.

The scalar fields of a step are those the field table (``portfolio.inputs.fields``) puts on it.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy

from minga.portfolio.forms.fields import capitalise_labels
from minga.portfolio.forms.rows import RowFormSet
from minga.portfolio.inputs import ProjectInput, project_input_from
from minga.portfolio.inputs.concerns import PART_STEPS
from minga.portfolio.inputs.fields import fields_of_step, step_of_scalars
from minga.portfolio.models import Project

LAST_STEP = 7
STEP_TITLES = {
    1: gettext_lazy("Basics"),
    2: gettext_lazy("Territories"),
    3: gettext_lazy("Themes and markers"),
    4: gettext_lazy("People"),
    5: gettext_lazy("Money"),
    6: gettext_lazy("Participants and contacts"),
    7: gettext_lazy("Documents and submission"),
}
# The step on which each top-level key of the service input (and of its errors) is entered.
STEP_OF_FIELD = {
    **step_of_scalars(),
    **PART_STEPS,
    "document": 7, "comment": 7,
}
KEY = re.compile(r"^(?P<root>[a-z_]+)(?:\[(?P<index>[^\]]+)\])?(?:\.(?P<field>\w+))?$")


def step_of(key: str) -> int:
    match = KEY.match(key)
    return STEP_OF_FIELD.get(match.group("root") if match else key, 1)


class Step:
    """One page of the submission form. Subclasses build ``self.form`` and/or named formsets."""

    number = 0
    template = ""
    PARTS: tuple[str, ...] = ()  # the parts of the input this step edits
    # The scalar fields its template lays out by hand; any other of the step's scalars is shown after them.
    LAID_OUT: tuple[str, ...] = ()

    def __init__(self, *, user, project: Project | None = None, data=None):
        self.user, self.project, self.data = user, project, data
        self.formsets: dict[str, RowFormSet] = {}
        self.form: forms.Form | None = None
        self.saved = project_input_from(project, parts=self.PARTS) if project is not None else None
        self.build()

    @property
    def title(self):
        return STEP_TITLES[self.number]

    def build(self):
        raise NotImplementedError

    def _form(self, form_class, initial=None, **kwargs):
        form = form_class(self.data, initial=None if self.data is not None else initial, label_suffix="", **kwargs)
        capitalise_labels(form)
        return form

    def scalars(self) -> tuple[str, ...]:
        return fields_of_step(self.number)

    def saved_scalars(self) -> dict | None:
        """The saved values of this step's scalar fields, as the form's initial values."""
        return {name: self.saved[name] for name in self.scalars()} if self.saved is not None else None

    def more_fields(self) -> list:
        """The step's scalar fields its template does not lay out (a field added to the table), in table order."""
        if self.form is None:
            return []
        return [self.form[name] for name in self.scalars() if name not in self.LAID_OUT and name in self.form.fields]

    def _formset(self, prefix, formset_class, rows, **form_kwargs):
        formset = formset_class(self.data, prefix=prefix, initial=None if self.data is not None else rows,
                                form_kwargs={"label_suffix": "", **form_kwargs})
        for index, form in enumerate(formset.forms):
            form.slot_id = f"{prefix}-row-{index}"
        self.formsets[prefix] = formset
        return formset

    def is_valid(self) -> bool:
        results = [self.form.is_valid()] if self.form is not None else []
        results += [formset.is_valid() for formset in self.formsets.values()]
        return all(results)

    # What the services receive -------------------------------------------------------------------
    def service_input(self) -> ProjectInput:
        """This step's part of the input, from what passed its own checks (call ``is_valid`` first)."""
        return ProjectInput(**self.service_data())

    def service_data(self) -> dict:
        """This step's fields and parts by name; the step's scalars, and what ``part_data`` adds."""
        cleaned = self.form.cleaned_data if self.form is not None else {}
        return {**{name: cleaned[name] for name in self.scalars() if name in cleaned}, **self.part_data()}

    def part_data(self) -> dict:
        return {}

    def _rows(self, prefix) -> list[dict] | None:
        """The filled rows as part dicts, or None when any row (or the table) has an error."""
        formset = self.formsets[prefix]
        if not formset.is_valid():
            return None
        return [form.as_part() for _index, form in formset.filled()]

    def _positions(self, prefix) -> dict[int, int]:
        """Row number in the service input (1-based, filled rows only) → row index on the page."""
        return {position: index for position, (index, _form) in enumerate(self.formsets[prefix].filled(), start=1)}

    # Where errors go -----------------------------------------------------------------------------
    def slot_ids(self) -> list[str]:
        ids = list(self.form.fields) if self.form is not None else []
        ids += self.extra_slots()
        for prefix, formset in self.formsets.items():
            ids.append(prefix)
            ids += [form.slot_id for form in formset.forms]
        return ids

    def extra_slots(self) -> list[str]:
        return []

    def slot_for(self, key: str) -> str | None:
        """The place on this page for an error keyed ``key``; None when it belongs to another step."""
        if self.form is not None and key in self.form.fields:
            return key
        match = KEY.match(key)
        if not match or step_of(key) != self.number:
            return None
        return self.slot_for_part(match.group("root"), match.group("index"), match.group("field"))

    def slot_for_part(self, root, index, field) -> str | None:
        if root in self.formsets:
            if index and index.isdigit():
                row = self._positions(root).get(int(index))
                if row is not None:
                    return self.formsets[root].forms[row].slot_id
            return root
        return None

    def form_errors(self) -> dict[str, list[str]]:
        """The errors of the fields themselves (a date that is no date…), by slot."""
        slots: dict[str, list[str]] = {}
        if self.form is not None and self.form.is_bound:
            for name, messages in self.form.errors.items():
                slots.setdefault(name if name in self.form.fields else (self.extra_slots() or [name])[0],
                                 []).extend(messages)
        for prefix, formset in self.formsets.items():
            if not formset.is_bound:
                continue
            if formset.non_form_errors():
                slots.setdefault(prefix, []).extend(formset.non_form_errors())
            for form in formset.forms:
                for name, messages in form.errors.items():
                    label = form.fields[name].label if name in form.fields else None
                    slots.setdefault(form.slot_id, []).extend(
                        f"{label}: {message}" if label else message for message in messages)
        return slots

    def place(self, service_errors: dict[str, list[str]]) -> tuple[dict[str, list[str]], list[dict]]:
        """Slots with their messages (this step's field errors first), and the errors of other steps."""
        slots = self.form_errors()
        elsewhere = []
        for key, messages in service_errors.items():
            slot = self.slot_for(key)
            if slot is None:
                for message in messages:  # another step's: named at the top of the page, with a link
                    elsewhere.append({"key": key, "message": message, "step": step_of(key),
                                      "step_title": STEP_TITLES[step_of(key)]})
                continue
            known = slots.setdefault(slot, [])
            known.extend(message for message in messages if message not in known)
        return slots, elsewhere
