"""Input errors that name the file, the row and the field."""

from __future__ import annotations

from pathlib import Path

from ..errors import SolventError
from ..printable import printable


class InputError(SolventError, ValueError):
    """Bad input: the run stops here and nothing already written is touched. The message
    shows invisible characters escaped (``printable``): a byte-order mark or a zero-width
    space in the file is named, not hidden."""

    def __init__(self, path: str | Path, message: str, row: int | None = None, field: str | None = None):
        self.path, self.row, self.field = str(path), row, field
        where = self.path
        if row is not None:
            where += f", row {row}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(printable(f"{where}: {message}"))
