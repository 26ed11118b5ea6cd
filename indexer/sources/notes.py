"""What third-party libraries log while reading one file, collected instead of printed.

Libraries such as trafilatura log repairs and give-ups at WARNING/ERROR; during a build of thousands of
files those lines would interleave with the progress bar. Readers turn them into one
`SourceText.warnings` entry (or drop them when the file is refused anyway).
"""
from __future__ import annotations

import logging


class LibraryNotes(logging.Handler):
    """Context manager: `with LibraryNotes("trafilatura") as notes:` → `notes` is a list of messages."""

    def __init__(self, *logger_names: str):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self.loggers = [logging.getLogger(name) for name in logger_names]
        self.saved: list[bool] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except Exception:  # a badly formatted library message must not break the read
            self.messages.append(str(record.msg))

    def __enter__(self) -> list[str]:
        for logger in self.loggers:
            self.saved.append(logger.propagate)
            logger.addHandler(self)
            logger.propagate = False
        return self.messages

    def __exit__(self, *exc_info) -> None:
        for logger, propagate in zip(self.loggers, self.saved):
            logger.removeHandler(self)
            logger.propagate = propagate
