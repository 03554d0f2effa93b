"""The error of a value that may not be used, named by where it came in: one shape for pages and the API."""


class ParameterInvalid(ValueError):
    """A value that may not be used, with the parameter (or field path) it came in and why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
