"""Reading the YAML files users edit by hand, where a repeated key is a mistake.

PyYAML keeps the last of two equal keys without a word, so an edit that adds
``epochs: 10`` below an older ``epochs: 3`` would silently win or lose depending on
its place. These files are small and hand-written: a repeated key is refused instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class YamlFileError(ValueError):
    """A YAML file that cannot be read, described in one line with its place."""


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a mapping with the same key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in seen
            except TypeError:
                continue
            if repeated:
                line = key_node.start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} appears twice (again on line {line})"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml_file(path: Path, unique_keys: bool = True) -> Any:
    """Read and parse a hand-written YAML file; any problem is a ``YamlFileError``.

    With ``unique_keys`` off, a repeated key keeps its last value, as PyYAML does: for
    salvaging what can be read of a file that is being replaced.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise YamlFileError(f"is not UTF-8 text (byte {err.start} cannot be decoded)") from err
    loader = _UniqueKeyLoader if unique_keys else yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - both are safe loaders
    except yaml.YAMLError as err:
        raise YamlFileError(f"is not valid YAML: {describe_yaml_error(err)}") from err


def describe_yaml_error(err: yaml.YAMLError) -> str:
    """What is wrong and where, in one line: ``... (line 3, column 8): use spaces, not tabs``."""
    if not isinstance(err, yaml.MarkedYAMLError):
        return str(err).strip().splitlines()[0]
    problem = err.problem or err.context or "cannot be parsed"
    mark = err.problem_mark or err.context_mark
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    hint = ": use spaces, not tabs" if "'\\t'" in problem else ""
    return problem + where + hint
