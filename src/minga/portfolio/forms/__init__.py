"""The submission form's steps (``steps``, on the base ``step``), their table rows (``rows``), form fields
(``fields``), and the forms of documents and transitions (``workflow``)."""

from minga.portfolio.forms.fields import CurrencyField, ScalarsForm, scalar_formfield
from minga.portfolio.forms.rows import (
    BudgetYearRow,
    ContactRow,
    FundingRow,
    LocationRow,
    ParticipantFormSet,
    ParticipantRow,
    RowForm,
    RowFormSet,
    row_formset,
)
from minga.portfolio.forms.step import KEY, LAST_STEP, STEP_OF_FIELD, STEP_TITLES, Step, step_of
from minga.portfolio.forms.steps import (
    STEPS,
    BasicsForm,
    BasicsStep,
    MoneyForm,
    MoneyStep,
    ParticipantsStep,
    PeopleForm,
    PeopleStep,
    TerritoriesForm,
    TerritoriesStep,
    ThemesForm,
    ThemesStep,
)
from minga.portfolio.forms.workflow import DocumentUploadForm, TransitionForm

__all__ = [
    "KEY", "LAST_STEP", "STEPS", "STEP_OF_FIELD", "STEP_TITLES", "BasicsForm", "BasicsStep", "BudgetYearRow",
    "ContactRow", "CurrencyField", "DocumentUploadForm", "FundingRow", "LocationRow", "MoneyForm", "MoneyStep",
    "ParticipantFormSet", "ParticipantRow", "ParticipantsStep", "PeopleForm", "PeopleStep", "RowForm", "RowFormSet",
    "ScalarsForm", "Step", "TerritoriesForm", "TerritoriesStep", "ThemesForm", "ThemesStep", "TransitionForm",
    "row_formset", "scalar_formfield", "step_of",
]
