"""Reading the Vega-Lite specs of ``common.charts`` and ``finance.charts`` in tests."""


def map_rows(spec: dict) -> list[dict]:
    """The rows a map joins to its units (its lookup transform's data): one per unit, with its value or status."""
    return next(step for step in spec["transform"] if "lookup" in step)["from"]["data"]["values"]
