"""One typed project input, and how the API, the bulk upload and the form steps build it.

- ``fields``: the field table, one row per scalar field (kind, languages, form step, template column, API);
- ``project_input``: ``ProjectInput`` (what the services take) and ``project_input_from(project)``;
- ``codes`` and ``lookups``: a payload in codes (API, XLSX) turned into a ``ProjectInput``, with errors by path;
- ``values``: numbers, dates and blanks as people write them.
"""

from minga.portfolio.inputs.codes import project_input, project_input_and_errors
from minga.portfolio.inputs.fields import (
    AMOUNT_FIELDS,
    COUNT_FIELDS,
    DATE_FIELDS,
    FIELD_OF_NAME,
    FIELDS,
    SCALAR_FIELDS,
    TEXT_FIELDS,
    Field,
    Kind,
)
from minga.portfolio.inputs.lookups import Lookups, currencies
from minga.portfolio.inputs.project_input import PART_KEYS, ProjectInput, input_prefetches, project_input_from
from minga.portfolio.inputs.values import (
    DISPLAY_SEPARATOR,
    is_blank,
    leading_code,
    to_count,
    to_date,
    to_decimal,
)

__all__ = [
    "AMOUNT_FIELDS", "COUNT_FIELDS", "DATE_FIELDS", "DISPLAY_SEPARATOR", "FIELDS", "FIELD_OF_NAME", "PART_KEYS",
    "SCALAR_FIELDS", "TEXT_FIELDS", "Field", "Kind", "Lookups", "ProjectInput", "currencies", "input_prefetches", "is_blank", "leading_code",
    "project_input", "project_input_and_errors", "project_input_from", "to_count", "to_date",
    "to_decimal",
]
