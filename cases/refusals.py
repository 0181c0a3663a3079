"""Why an uploaded file is refused: raised by the cleaners, turned into a sentence by the form."""

from enum import StrEnum


class Refused(StrEnum):
    """Why a file cannot be accepted; the form turns each into a sentence."""

    TYPE = "type"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    MACROS = "macros"
    TOO_BIG = "too_large_to_process"
    EMPTY = "empty"
    UNCLEANABLE = "uncleanable"  # holds pictures whose metadata cannot be removed


class FileRefused(Exception):
    def __init__(self, reason: Refused) -> None:
        super().__init__(reason.value)
        self.reason = reason
