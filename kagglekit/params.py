"""Notebook parameters: what each notebook declares, and typed values for a run.

Every notebook has exactly one cell tagged ``parameters`` whose assignments are the
parameters it takes and their defaults. A run's values come from those defaults,
then ``params.yaml``, then ``-p key=value`` options; each value is converted to the
type of its default where nothing is lost, and anything else is an error that names
the key, the value and the expected type.
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kagglekit.errors import ParameterError
from kagglekit.yamlfiles import YamlFileError, load_yaml_file

PARAMS_FILE = "params.yaml"

# Filled in by `kagglekit run` with absolute paths; never set by the user.
RESERVED = frozenset({"project_dir", "run_dir", "model_path"})

# Parameters that take a number or one word.
WORD_OR_NUMBER = {"threshold": "auto"}

_TYPE_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "text"}


@dataclass(frozen=True)
class _Range:
    low: float | None = None
    high: float | None = None
    low_allowed: bool = True
    high_allowed: bool = True

    def holds(self, value: float) -> bool:
        above = self.low is None or value > self.low or (self.low_allowed and value == self.low)
        below = self.high is None or value < self.high or (
            self.high_allowed and value == self.high)
        return above and below

    def describe(self) -> str:
        low, high = _plain(self.low), _plain(self.high)
        if self.high is None:
            return f"at least {low}" if self.low_allowed else f"above {low}"
        ends = "included" if self.low_allowed and self.high_allowed else "excluded" if not (
            self.low_allowed or self.high_allowed) else "one end included"
        return f"between {low} and {high} ({ends})"


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


# Values the standard parameters can take; anything else would run and mean nothing.
RANGES = {
    "epochs": _Range(1),
    "batch_size": _Range(1),
    "size": _Range(8),
    "num_workers": _Range(0),
    "lr": _Range(0, low_allowed=False),
    "valid_pct": _Range(0, 1, low_allowed=False, high_allowed=False),
    "threshold": _Range(0, 1),
    "target_accuracy": _Range(0, 1, low_allowed=False),
    "seed": _Range(0, 2**32 - 1),
    "top_losses": _Range(1),
    "scratch_size": _Range(4),
    "scratch_epochs": _Range(1),
    "scratch_lr": _Range(0, low_allowed=False),
    "scratch_batch_size": _Range(1),
    "scratch_max_items": _Range(1),
}

# Text parameters that take one of a few words.
CHOICES = {"balance": ("none", "weights")}


@dataclass
class NotebookParameters:
    """The parameters one notebook declares, with their defaults."""

    notebook: str
    defaults: dict[str, Any] = field(default_factory=dict)


def read_declared(notebook_path: Path) -> NotebookParameters:
    """Read the names and defaults of a notebook's one ``parameters`` cell."""
    path = Path(notebook_path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ParameterError(
            f"{path.name} is not a notebook (not valid JSON: {err}); restore it, e.g. from "
            "its .new twin after `kagglekit new --force`"
        ) from err
    cells = [
        cell
        for cell in notebook.get("cells", [])
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    ]
    if len(cells) != 1:
        raise ParameterError(
            f"{path.name}: needs exactly one cell tagged 'parameters', found {len(cells)}"
        )
    source = "".join(cells[0]["source"])
    return NotebookParameters(path.stem, _assignments(source, path.name))


def _assignments(source: str, where: str) -> dict[str, Any]:
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ParameterError(f"{where}: the parameters cell is not valid Python: {err}") from err
    defaults: dict[str, Any] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            continue
        try:
            defaults[target.id] = ast.literal_eval(node.value)
        except ValueError as err:
            raise ParameterError(
                f"{where}: parameter '{target.id}' needs a literal default"
            ) from err
    return defaults


def parse_overrides(options: list[str]) -> dict[str, tuple[Any, str]]:
    """Split ``key=value`` options into key -> (YAML value, raw text)."""
    parsed: dict[str, tuple[Any, str]] = {}
    for option in options:
        key, sep, text = option.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"-p {option!r} must look like key=value, e.g. -p epochs=3")
        try:
            value = yaml.safe_load(text) if text.strip() else ""
        except yaml.YAMLError:
            value = text
        parsed[key] = (value, text)
    return parsed


def coerce(
    key: str, value: Any, default: Any, raw: str | None = None, current: str | None = None
) -> Any:
    """Convert ``value`` to the type of ``default`` where nothing is lost, and check its range.

    ``current`` describes the value in effect without this one, for the error message
    (by default, the notebook's default).
    """
    converted = _typed(key, value, default, raw, current or f"its default is {default!r}")
    is_number = isinstance(converted, (int, float)) and not isinstance(converted, bool)
    if is_number and not math.isfinite(converted):
        raise ParameterError(f"parameter '{key}' must be a finite number, got {converted!r}")
    allowed = RANGES.get(key)
    if allowed and is_number and not allowed.holds(converted):
        raise ParameterError(f"parameter '{key}' must be {allowed.describe()}, got {converted!r}")
    choices = CHOICES.get(key)
    if choices and converted not in choices:
        listed = " or ".join(repr(choice) for choice in choices)
        raise ParameterError(f"parameter '{key}' must be {listed}, got {converted!r}")
    return converted


def _typed(key: str, value: Any, default: Any, raw: str | None, current: str) -> Any:
    if key in WORD_OR_NUMBER:
        return _word_or_number(key, value, WORD_OR_NUMBER[key])
    if default is None:
        return value
    expected = type(default)
    converted = _convert(value, expected, raw)
    if converted is _FAILED:
        shown = raw if raw is not None else value
        raise ParameterError(
            f"parameter '{key}' expects {_TYPE_NAMES.get(expected, expected.__name__)}, "
            f"got {shown!r} ({current})"
        )
    return converted


_FAILED = object()


def _convert(value: Any, expected: type, raw: str | None) -> Any:
    if expected is str:
        if isinstance(value, str):
            return value
        return raw.strip() if raw is not None else _FAILED
    if isinstance(value, bool) != (expected is bool):
        return _FAILED
    if expected is bool:
        return value
    if expected is int:
        if isinstance(value, int):
            return value
        return int(value) if isinstance(value, float) and value.is_integer() else _FAILED
    if expected is float:
        return float(value) if isinstance(value, (int, float)) else _parse_float(value)
    return value if isinstance(value, expected) else _FAILED


def _parse_float(value: Any) -> Any:
    if not isinstance(value, str):
        return _FAILED
    try:
        number = float(value)
    except ValueError:
        return _FAILED
    return number if math.isfinite(number) else _FAILED


def _word_or_number(key: str, value: Any, word: str) -> Any:
    if isinstance(value, str) and value.strip().lower() == word:
        return word
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    number = _parse_float(value)
    if number is _FAILED:
        raise ParameterError(f"parameter '{key}' expects a number or '{word}', got {value!r}")
    return number


def read_params_file(project_dir: Path) -> dict[str, Any]:
    """The user's parameter values from ``params.yaml`` (empty when absent)."""
    path = Path(project_dir) / PARAMS_FILE
    if not path.exists():
        return {}
    try:
        values = load_yaml_file(path) or {}
    except YamlFileError as err:
        raise ParameterError(f"{PARAMS_FILE} {err}") from err
    if not isinstance(values, dict):
        raise ParameterError(f"{PARAMS_FILE} must map parameter names to values")
    return values


def resolve(
    declared: list[NotebookParameters],
    file_values: dict[str, Any],
    overrides: dict[str, tuple[Any, str]],
    known_elsewhere: frozenset[str] = frozenset(),
) -> dict[str, dict[str, Any]]:
    """Each notebook's parameter values for a run, typed and checked.

    ``known_elsewhere`` names parameters that notebooks outside this run declare:
    ``params.yaml`` may set them, but ``-p`` may not.
    """
    defaults = _merged_defaults(declared)
    _check_keys(overrides, defaults, file_values, known_elsewhere)

    values: dict[str, Any] = {}
    for key, default in defaults.items():
        if key in overrides:
            value, raw = overrides[key]
            current = f"{PARAMS_FILE} sets {file_values[key]!r}" if key in file_values else None
            values[key] = coerce(key, value, default, raw, current)
        elif key in file_values:
            try:
                values[key] = coerce(key, file_values[key], default)
            except ParameterError as err:
                raise ParameterError(f"{PARAMS_FILE}: {err}") from err
        else:
            values[key] = default
    return {
        nb.notebook: {key: values[key] for key in nb.defaults if key not in RESERVED}
        for nb in declared
    }


def _merged_defaults(declared: list[NotebookParameters]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for nb in declared:
        for key, default in nb.defaults.items():
            if key not in RESERVED:
                merged.setdefault(key, default)
    return merged


def _check_keys(
    overrides: dict[str, tuple[Any, str]],
    defaults: dict[str, Any],
    file_values: dict[str, Any],
    known_elsewhere: frozenset[str],
) -> None:
    known = ", ".join(sorted(defaults))
    for key in overrides:
        if key in RESERVED:
            raise ParameterError(f"parameter '{key}' is set by kagglekit run and cannot be given")
        if key not in defaults:
            raise ParameterError(
                f"unknown parameter '{key}': no notebook of this run declares it (known: {known})"
            )
    for key in file_values:
        if key not in defaults and key not in known_elsewhere:
            raise ParameterError(
                f"{PARAMS_FILE}: unknown parameter '{key}': no notebook declares it "
                f"(known: {known})"
            )
