"""The ``doctor`` and ``cache`` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from kagglekit.errors import ExitCode

_MARKS = {"ok": "ok  ", "warning": "warn", "problem": "FAIL"}


def doctor() -> None:
    """Check credentials, Jupyter kernel, device, cache and versions; say how to fix problems.

    Exits non-zero when something kagglekit needs is missing. The Kaggle key is never shown.
    """
    from kagglekit.doctor import has_problems, run_checks

    checks = run_checks()
    for check in checks:
        state = "problem" if not check.ok else "warning" if check.warning else "ok"
        typer.echo(f"{_MARKS[state]}  {check.name:<12} {check.detail}")
        if check.fix and state != "ok":
            typer.echo(f"      {'fix:':<12} {check.fix}")
    if has_problems(checks):
        raise typer.Exit(ExitCode.ERROR)


def cache(
    remove: Annotated[
        str | None,
        typer.Option("--remove", metavar="SLUG", help="Delete this competition from the cache."),
    ] = None,
) -> None:
    """List the competitions in the download cache with their sizes, or remove one.

    The cache is $KAGGLEKIT_CACHE, else the user's cache folder (~/.cache/kagglekit on Linux).

    Removing a competition breaks the data of projects made from it until it is fetched again.
    """
    from kagglekit import cache as download_cache
    from kagglekit.archives import format_size
    from kagglekit.wording import counted

    if remove is not None:
        freed = download_cache.remove_cached(remove)
        typer.echo(f"removed {remove} ({format_size(freed)} freed)")
        return

    cached = download_cache.list_cached()
    width = max((len(c.slug) for c in cached), default=0)
    for entry in cached:
        state = "complete" if entry.complete else "incomplete"
        typer.echo(f"{entry.slug:<{width}}  {format_size(entry.size_bytes):>9}  {state}")
    total = format_size(sum(c.size_bytes for c in cached))
    count = counted(len(cached), "competition")
    typer.echo(f"{count}, {total} in {download_cache.cache_root()}")
