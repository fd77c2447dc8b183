"""The index package's domain errors: a stable code and a message naming the file, column or key."""

from __future__ import annotations


class IndexInputError(ValueError):
    """Input the index cannot use: a missing file or column, a bad value, a malformed model file."""

    code = "index.invalid_input"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ModelFileError(IndexInputError):
    """The model (YAML) file is missing, unreadable or malformed."""

    code = "index.model_file"


class PopulationError(IndexInputError):
    """A population (households and persons) is missing a file or a column, or has bad values."""

    code = "index.population"
