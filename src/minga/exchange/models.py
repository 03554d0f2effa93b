"""The exchange's own records: what each import read, keyed as its source keys it (``fts_models``)."""

from minga.exchange.fts_models import FtsFlow

__all__ = ["FtsFlow"]
