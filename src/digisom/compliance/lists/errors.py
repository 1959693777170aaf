"""The error a list loader raises when a file cannot be trusted as a whole."""

from pathlib import Path

from digisom.errors import InvalidInput


class ListFormatError(InvalidInput):
    """A list file is malformed; nothing from it was loaded.

    The message names the file and the line, so the operator can fix or replace the download
    instead of screening against a silently truncated list.
    """

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = str(path)
        self.line = line
        self.reason = reason
