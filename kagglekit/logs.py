"""Logging set-up for the command line: the library logs, the CLI decides where it goes."""

from __future__ import annotations

import logging
import sys

_LEVEL_PREFIX = {logging.WARNING: "warning: ", logging.ERROR: "error: "}


class _LineFormatter(logging.Formatter):
    """Messages as plain lines; warnings and errors say so."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message.startswith("notice:"):  # a notice names itself
            return message
        return _LEVEL_PREFIX.get(record.levelno, "") + message


def line_formatter() -> logging.Formatter:
    """The formatter of every kagglekit log line, in the terminal and in notebooks."""
    return _LineFormatter()


def configure(verbose: bool = False, quiet: bool = False) -> None:
    """Send kagglekit's log records to stderr at the level the options ask for."""
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LineFormatter())
    logger = logging.getLogger("kagglekit")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def is_quiet() -> bool:
    """Whether the user asked for warnings and errors only."""
    return logging.getLogger("kagglekit").level > logging.INFO
