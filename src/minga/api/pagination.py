"""Paging of the API's lists: ``limit`` and ``offset`` bounded, so that no number reaches the database unchecked."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

from minga.common.numbers import MAX_COUNT

MAX_LIMIT = 100  # items per answer; more is a 422 naming ``limit``


class Paged(LimitOffsetPagination):
    """ninja's limit/offset paging with upper bounds: a 20-digit offset is a 422, not an overflow in SQL."""

    class Input(Schema):
        limit: int = Field(MAX_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per answer, 1 to {MAX_LIMIT}")
        offset: int = Field(0, ge=0, le=MAX_COUNT, description="Items to skip")
