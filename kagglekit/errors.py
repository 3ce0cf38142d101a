"""Errors a user can cause, each with the exit code the CLI ends with.

Every error here is raised with a message written for the person who must act:
what went wrong, the value at fault, and what to do next. The CLI prints the
message as one line and exits with the class's ``exit_code``.
"""

from __future__ import annotations


class ExitCode:
    """The exit codes of the ``kagglekit`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    CREDENTIALS = 3
    NETWORK = 4
    DATA = 5
    RUN_FAILED = 6
    SUBMISSION = 7


class KagglekitError(Exception):
    """Base class of every error that ends a command with one clear line."""

    exit_code = ExitCode.ERROR


class UsageError(KagglekitError):
    """A command line, parameter or option that cannot be used as given."""

    exit_code = ExitCode.USAGE


class ParameterError(UsageError):
    """A notebook parameter that is unknown or has a value of the wrong type."""


class ProjectError(KagglekitError):
    """The folder is not a kagglekit project, or the project is incomplete."""


class ProjectExistsError(ProjectError):
    """``new`` was pointed at an existing project without ``--force``."""


class SpecError(KagglekitError):
    """``competition.yaml`` is missing a field or holds a value that is wrong."""

    exit_code = ExitCode.DATA


class LayoutError(KagglekitError):
    """The competition's files do not form a layout that kagglekit supports."""

    exit_code = ExitCode.DATA


class DataError(KagglekitError):
    """The competition's data cannot be used as it is (missing or unreadable files)."""

    exit_code = ExitCode.DATA


class CredentialsError(KagglekitError):
    """Kaggle credentials are missing or were rejected."""

    exit_code = ExitCode.CREDENTIALS


class KaggleError(KagglekitError):
    """Kaggle refused a request or could not be reached."""

    exit_code = ExitCode.NETWORK


class ArchiveError(KagglekitError):
    """A downloaded archive is corrupt or holds entries that would escape its folder."""

    exit_code = ExitCode.DATA


class RunError(KagglekitError):
    """A notebook failed during ``run``, or a run cannot be used."""

    exit_code = ExitCode.RUN_FAILED


class RunInterrupted(RunError):
    """A run was stopped by Ctrl-C or a signal; what it produced is kept."""

    exit_code = 130


class SubmissionError(KagglekitError):
    """A submission is invalid, or Kaggle rejected or failed to score it."""

    exit_code = ExitCode.SUBMISSION
