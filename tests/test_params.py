"""Notebook parameters: declared defaults, typed overrides, unknown keys."""

from __future__ import annotations

import json

import pytest

from kagglekit.errors import ParameterError
from kagglekit.params import (
    NotebookParameters,
    coerce,
    parse_overrides,
    read_declared,
    read_params_file,
    resolve,
)


def write_notebook(path, sources_and_tags):
    cells = [
        {"cell_type": "code", "metadata": {"tags": tags}, "source": source, "outputs": [],
         "execution_count": None}
        for source, tags in sources_and_tags
    ]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def test_defaults_come_from_the_one_parameters_cell(tmp_path):
    notebook = write_notebook(tmp_path / "01_baseline.ipynb", [
        ("import os", []),
        ("epochs = 5  # passes\nlr = 2e-3\narch = 'resnet34'\nthreshold = 'auto'", ["parameters"]),
    ])

    declared = read_declared(notebook)

    assert declared.notebook == "01_baseline"
    assert declared.defaults == {"epochs": 5, "lr": 0.002, "arch": "resnet34", "threshold": "auto"}


@pytest.mark.parametrize("tagged", [0, 2])
def test_a_notebook_needs_exactly_one_parameters_cell(tmp_path, tagged):
    cells = [("epochs = 1", ["parameters"])] * tagged + [("print(epochs)", [])]
    notebook = write_notebook(tmp_path / "baseline.ipynb", cells)

    expected = f"exactly one cell tagged 'parameters', found {tagged}"
    with pytest.raises(ParameterError, match=expected):
        read_declared(notebook)


@pytest.mark.parametrize(
    ("key", "text", "default", "expected"),
    [
        ("epochs", "3", 5, 3),
        ("epochs", "3.0", 5, 3),
        ("lr", "1", 0.002, 1.0),
        ("lr", "1e-3", 0.002, 0.001),
        ("lr", "0.5", 0.002, 0.5),
        ("tta", "false", True, False),
        ("tta", "yes", False, True),
        ("arch", "convnext_tiny", "resnet34", "convnext_tiny"),
        ("arch", "18", "resnet34", "18"),
        ("threshold", "auto", "auto", "auto"),
        ("threshold", "0.7", "auto", 0.7),
        ("threshold", "1", "auto", 1.0),
    ],
)
def test_values_take_the_type_of_the_default(key, text, default, expected):
    (value, raw), = parse_overrides([f"{key}={text}"]).values()

    converted = coerce(key, value, default, raw)

    assert converted == expected
    assert type(converted) is type(expected)


@pytest.mark.parametrize(
    ("key", "text", "default", "message"),
    [
        ("epochs", "oops", 5, "parameter 'epochs' expects an integer, got 'oops'"),
        ("epochs", "2.5", 5, "parameter 'epochs' expects an integer, got '2.5'"),
        ("epochs", "true", 5, "expects an integer"),
        ("lr", "fast", 0.002, "parameter 'lr' expects a number, got 'fast'"),
        ("tta", "1", False, "parameter 'tta' expects true or false, got '1'"),
        ("threshold", "high", "auto", "expects a number or 'auto'"),
    ],
)
def test_a_value_that_would_lose_information_is_an_error(key, text, default, message):
    (value, raw), = parse_overrides([f"{key}={text}"]).values()

    with pytest.raises(ParameterError, match=message.replace("(", r"\(")):
        coerce(key, value, default, raw)


def test_an_option_without_equals_sign_is_an_error():
    with pytest.raises(ParameterError, match="must look like key=value"):
        parse_overrides(["epochs"])


def baseline_and_inference():
    return [
        NotebookParameters("01_baseline", {"epochs": 5, "size": 224, "project_dir": ".."}),
        NotebookParameters("03_inference", {"size": 224, "threshold": "auto"}),
    ]


def test_each_notebook_gets_the_values_it_declares():
    values = resolve(baseline_and_inference(), {"epochs": 8}, parse_overrides(["size=32"]))

    assert values == {
        "01_baseline": {"epochs": 8, "size": 32},
        "03_inference": {"size": 32, "threshold": "auto"},
    }


def test_a_key_no_notebook_of_the_run_declares_is_an_error():
    with pytest.raises(ParameterError, match="unknown parameter 'nosuchparam': no notebook"):
        resolve(baseline_and_inference(), {}, parse_overrides(["nosuchparam=1"]))


def test_a_key_declared_only_outside_the_run_cannot_be_given_with_p():
    declared = baseline_and_inference()[1:]
    with pytest.raises(ParameterError, match="unknown parameter 'epochs'"):
        resolve(declared, {}, parse_overrides(["epochs=3"]), frozenset({"epochs"}))


def test_params_yaml_may_hold_keys_of_notebooks_outside_the_run():
    declared = baseline_and_inference()[1:]

    values = resolve(declared, {"epochs": 3}, {}, frozenset({"epochs"}))

    assert values == {"03_inference": {"size": 224, "threshold": "auto"}}


def test_a_misspelt_key_in_params_yaml_is_an_error():
    with pytest.raises(ParameterError, match="params.yaml: unknown parameter 'epoch'"):
        resolve(baseline_and_inference(), {"epoch": 3}, {})


def test_a_wrong_type_in_params_yaml_is_an_error_naming_the_file():
    with pytest.raises(ParameterError, match="params.yaml: parameter 'epochs' expects an integer"):
        resolve(baseline_and_inference(), {"epochs": "many"}, {})


def test_a_wrong_type_given_with_p_quotes_the_value_params_yaml_sets():
    with pytest.raises(ParameterError, match=r"got 'oops' \(params.yaml sets 8\)$"):
        resolve(baseline_and_inference(), {"epochs": 8}, parse_overrides(["epochs=oops"]))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"epochs: [3\n", r"not valid YAML: expected ',' or '\]', but got .* \(line 2, column 1"),
        (b"epochs:\t3\n", r"\(line 1, column 8\): use spaces, not tabs"),
        (b"epochs: 3\n\xff\xfe\n", r"params.yaml is not UTF-8 text \(byte 10 cannot be "),
    ],
)
def test_a_params_yaml_that_cannot_be_read_says_where(tmp_path, content, message):
    (tmp_path / "params.yaml").write_bytes(content)

    with pytest.raises(ParameterError, match=message):
        read_params_file(tmp_path)


def test_paths_set_by_run_cannot_be_given():
    with pytest.raises(ParameterError, match="set by kagglekit run"):
        resolve(baseline_and_inference(), {}, parse_overrides(["project_dir=/tmp"]))


@pytest.mark.parametrize(
    ("key", "text", "default", "message"),
    [
        ("epochs", "0", 5, "parameter 'epochs' must be at least 1, got 0"),
        ("batch_size", "-4", 64, "parameter 'batch_size' must be at least 1, got -4"),
        ("threshold", "2", "auto", "parameter 'threshold' must be between 0 and 1 (included)"),
        ("valid_pct", "1.5", 0.2, "must be between 0 and 1 (excluded), got 1.5"),
        ("target_accuracy", "0", 0.95, "must be between 0 and 1 (one end included), got 0.0"),
        ("lr", "0", 0.002, "parameter 'lr' must be above 0, got 0.0"),
        ("lr", ".inf", 0.002, "parameter 'lr' must be a finite number, got inf"),
        ("threshold", ".inf", "auto", "parameter 'threshold' must be a finite number"),
        ("seed", "-1", 42, "parameter 'seed' must be between 0 and 4294967295"),
        ("top_losses", "-1", 9, "parameter 'top_losses' must be at least 1, got -1"),
        ("balance", "weird", "none", "'balance' must be 'none' or 'weights', got 'weird'"),
    ],
)
def test_values_outside_their_range_are_refused(key, text, default, message):
    (value, raw), = parse_overrides([f"{key}={text}"]).values()

    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        coerce(key, value, default, raw)


def test_a_key_given_twice_in_params_yaml_is_an_error(tmp_path):
    (tmp_path / "params.yaml").write_text("epochs: 3\nsize: 32\nepochs: 5\n")

    with pytest.raises(ParameterError, match="key 'epochs' appears twice .again on line 3"):
        read_params_file(tmp_path)
