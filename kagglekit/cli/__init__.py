"""The ``kagglekit`` command: a thin layer over the library.

Each command lives in a small module of this package and imports the library only
when it runs, so ``kagglekit --help`` stays fast. Errors a user can cause reach
``main`` as ``KagglekitError`` and end as one line on stderr with a named exit code.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer

from kagglekit import __version__, logs
from kagglekit.cli import (
    kaggle_commands,
    project_commands,
    run_commands,
    submit_commands,
    tool_commands,
)
from kagglekit.errors import ExitCode, KagglekitError

try:  # typer 0.26 and later bundle their own click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover - older typer uses the click package
    from click.exceptions import ClickException, NoArgsIsHelpError

app = typer.Typer(
    name="kagglekit",
    help="Turn a Kaggle competition into a fastai practice project: "
    "notebooks, runs and submissions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"kagglekit {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say more, and show tracebacks.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    logs.configure(verbose=verbose, quiet=quiet)


GLOBAL_FLAGS = ("-q", "--quiet", "-v", "--verbose")

app.command("new")(project_commands.new)
app.command("inspect")(project_commands.inspect)
app.command("run")(run_commands.run)
app.command("runs")(run_commands.runs)
app.command("submit")(submit_commands.submit)
app.command("predict")(tool_commands.predict)
app.command("report")(tool_commands.report)
app.command("doctor")(kaggle_commands.doctor)
app.command("cache")(kaggle_commands.cache)


def main() -> None:
    """Run the command line and turn errors into one line and an exit code."""
    logs.configure()
    try:
        code = app(
            args=_global_flags_first(sys.argv[1:]), prog_name="kagglekit", standalone_mode=False
        )
    except NoArgsIsHelpError as err:
        print(err.ctx.get_help() if err.ctx else err.format_message())
        raise SystemExit(0) from None
    except ClickException as err:  # a usage mistake: one line, as for every other error
        hint = f" (see `{err.ctx.command_path} --help`)" if getattr(err, "ctx", None) else ""
        _fail(err.format_message() + hint, err.exit_code, None)
    except typer.Abort:
        _fail("aborted", 130, None)
    except KagglekitError as err:
        _fail(str(err), err.exit_code, err)
    except KeyboardInterrupt:
        _fail("interrupted", 130, None)
    except Exception as err:  # a bug in kagglekit: still one line unless --verbose
        _fail(
            f"unexpected {type(err).__name__}: {err} (rerun with --verbose for details, "
            "and please report it)",
            ExitCode.ERROR,
            err,
        )
    raise SystemExit(code if isinstance(code, int) else 0)


def _global_flags_first(args: list[str]) -> list[str]:
    """Accept ``-q`` and ``-v`` after the command too: ``run -q`` means ``-q run``."""
    if not any(arg in GLOBAL_FLAGS for arg in args[1:]):
        return args
    takes_value = _options_taking_values()
    moved, rest = [], []
    for position, arg in enumerate(args):
        after_option = position > 0 and args[position - 1] in takes_value
        if arg == "--":
            rest += args[position:]
            break
        if arg in GLOBAL_FLAGS and not after_option:
            moved.append(arg)
        else:
            rest.append(arg)
    return moved + rest


def _options_taking_values() -> set[str]:
    names: set[str] = set()
    for command in typer.main.get_command(app).commands.values():  # type: ignore[attr-defined]
        for param in command.params:
            if param.param_type_name == "option" and not getattr(param, "is_flag", False):
                names.update(param.opts)
    return names


def _fail(message: str, code: int, err: BaseException | None) -> None:
    verbose = logging.getLogger("kagglekit").level <= logging.DEBUG
    if verbose and err is not None:
        import traceback

        traceback.print_exception(err, file=sys.stderr)
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(code)
