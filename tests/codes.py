"""Project codes carry the year the project was created in (PQ-COL-2026-0001): for the demo, this year."""

from django.utils import timezone

YEAR = timezone.localdate().year
