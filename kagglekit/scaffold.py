"""Rendering the project template, and refreshing a project without losing edits.

The template is rendered by cookiecutter, without prompts, into a staging folder;
its files are then merged into the project. A manifest records the hash of every file
as kagglekit wrote it, so a later ``new --force`` can tell the files the user changed
(kept, with the new version written beside them as ``<name>.new``) from the files
the user left alone (rendered anew). Data and runs are never touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from kagglekit import __version__
from kagglekit.errors import ProjectError

logger = logging.getLogger(__name__)

MANIFEST = Path(".kagglekit") / "manifest.json"
FAMILIES = ("image", "tabular")


def template_dir() -> Path:
    """The cookiecutter template shipped inside the package."""
    return Path(str(resources.files("kagglekit.templates") / "project"))


def template_variables() -> dict:
    """The variables the template declares, with their defaults."""
    return json.loads((template_dir() / "cookiecutter.json").read_text(encoding="utf-8"))


def render(target: Path, context: dict, family: str, generated: dict[str, str]) -> list[str]:
    """Render the template into ``target`` and return the files kept as ``.new``.

    ``generated`` maps project-relative paths to text written beside the template
    (such as ``competition.yaml``); they are merged by the same rules.
    """
    from cookiecutter.main import cookiecutter

    _check_context(context, family)
    with tempfile.TemporaryDirectory(prefix="kagglekit-render-") as staging:
        staging_path = Path(staging)
        config = {
            "replay_dir": str(staging_path / "replay"),
            "cookiecutters_dir": str(staging_path / "templates"),
        }
        rendered = Path(
            cookiecutter(
                str(template_dir()),
                no_input=True,
                extra_context={**context, "project_dir": "project", "family": family,
                               "kagglekit_version": __version__},
                output_dir=str(staging_path / "out"),
                default_config=config,  # type: ignore[arg-type]
                accept_hooks=False,
            )
        )
        _keep_family_notebooks(rendered, family)
        for relative, text in generated.items():
            (rendered / relative).parent.mkdir(parents=True, exist_ok=True)
            (rendered / relative).write_text(text, encoding="utf-8")
        return merge(rendered, target)


def merge(rendered: Path, target: Path) -> list[str]:
    """Copy rendered files into ``target``; files the user changed get a ``.new`` twin."""
    manifest_path = target / MANIFEST
    recorded = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    written: dict[str, str] = {}
    kept: list[str] = []

    for source in sorted(p for p in rendered.rglob("*") if p.is_file()):
        relative = source.relative_to(rendered).as_posix()
        destination = target / relative
        new_hash = _hash(source.read_bytes())
        if destination.exists() and not _is_untouched(destination, recorded.get(relative)):
            if _hash(destination.read_bytes()) != new_hash:
                shutil.copyfile(source, destination.with_name(destination.name + ".new"))
                kept.append(relative)
                logger.warning(
                    "kept your %s; the template's version is %s.new", relative, relative
                )
            written[relative] = recorded.get(relative, new_hash)
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written[relative] = new_hash

    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(written, indent=1, sort_keys=True) + "\n")
    return kept


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds a project that kagglekit made."""
    return (folder / MANIFEST).exists() or (folder / "competition.yaml").exists()


def require_project(folder: Path) -> Path:
    """``folder`` resolved, when it holds a project; else a ``ProjectError`` saying what to do."""
    project = Path(folder).resolve()
    if not (project / "competition.yaml").exists():
        raise ProjectError(
            f"{project} is not a kagglekit project (no competition.yaml): run this in a "
            "project folder or pass --project, or create one with `kagglekit new NAME`"
        )
    return project


def _is_untouched(path: Path, recorded_hash: str | None) -> bool:
    return recorded_hash is not None and _hash(path.read_bytes()) == recorded_hash


def _keep_family_notebooks(rendered: Path, family: str) -> None:
    """Move the family's notebooks up into ``notebooks/`` and drop the others."""
    notebooks = rendered / "notebooks"
    chosen = notebooks / family
    for notebook in sorted(chosen.glob("*.ipynb")):
        notebook.replace(notebooks / notebook.name)
    for name in FAMILIES:
        shutil.rmtree(notebooks / name, ignore_errors=True)


def _check_context(context: dict, family: str) -> None:
    known = set(template_variables())
    unknown = sorted(set(context) - known)
    if unknown:
        valid = ", ".join(sorted(key for key in known if not key.startswith("_")))
        raise ProjectError(f"unknown template variable {unknown[0]!r}; valid keys: {valid}")
    if family not in FAMILIES:
        raise ProjectError(f"unknown notebook family {family!r}; expected one of {FAMILIES}")


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
