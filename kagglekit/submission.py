"""Building a submission in the sample's exact format, and checking one before upload.

A submission is built from a run's test outputs (one column per class, or per target)
and the spec: ids, their order, the header and the column order come from the sample
submission; class columns are matched by name, never by position. Every operation is
vectorised, so a million rows take seconds.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit.errors import SubmissionError
from kagglekit.items import read_csv_as_text
from kagglekit.spec import CompetitionSpec, SubmissionKind
from kagglekit.wording import counted

logger = logging.getLogger(__name__)

DEFAULT_LABEL_THRESHOLD = 0.5
_SHOWN_ROWS = 5


def build_submission(
    spec: CompetitionSpec,
    sample: pd.DataFrame,
    outputs: pd.DataFrame,
    thresholds: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The submission for ``outputs`` (an ``id`` column, then classes or targets)."""
    id_column = spec.submission.id_column
    ids = sample[id_column]
    aligned = _align(outputs, ids)
    kind = spec.submission.kind
    if kind is not SubmissionKind.VALUE:
        _check_classes(aligned, spec)
    targets = spec.submission.target_columns

    if kind is SubmissionKind.VALUE:
        values = aligned.drop(columns="id").to_numpy(dtype=float)
        body = pd.DataFrame(values[:, : len(targets)], columns=targets)
    elif kind is SubmissionKind.POSITIVE_PROBABILITY:
        body = pd.DataFrame({targets[0]: _class_column(aligned, spec.positive_class or "")})
    elif kind is SubmissionKind.LABEL:
        body = pd.DataFrame({targets[0]: _top_class(aligned, spec.classes)})
    elif kind is SubmissionKind.CLASS_PROBABILITIES:
        body = pd.DataFrame({column: _class_column(aligned, column) for column in targets})
    elif kind is SubmissionKind.ONE_HOT:
        body = _one_hot(aligned, spec, thresholds)
    else:
        body = pd.DataFrame({targets[0]: _tags(aligned, spec, thresholds)})

    body.insert(0, id_column, ids.to_numpy())
    return body[list(sample.columns)]


def _align(outputs: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Outputs in the order of ``ids``; every id must have exactly one row."""
    outputs = outputs.astype({"id": str})
    duplicated = outputs["id"][outputs["id"].duplicated()]
    if len(duplicated):
        raise SubmissionError(f"the run's predictions repeat ids: {_few(duplicated)}")
    indexed = outputs.set_index("id")
    missing = ids[~ids.isin(indexed.index)]
    if len(missing):
        raise SubmissionError(
            f"the run's predictions lack {len(missing)} of the sample's ids "
            f"({_few(missing)}); rerun 03_inference"
        )
    return indexed.loc[ids.to_numpy()].reset_index()


def _check_classes(aligned: pd.DataFrame, spec: CompetitionSpec) -> None:
    """Every output column must be a class of the spec, or a class would be dropped."""
    foreign = [column for column in aligned.columns[1:] if column not in set(spec.classes)]
    if foreign:
        raise SubmissionError(
            f"the run predicts classes that competition.yaml does not list ({_few(foreign)}); "
            "fix classes in competition.yaml, or run again after changing it"
        )


def _class_column(aligned: pd.DataFrame, name: str) -> np.ndarray:
    """The probability of one class; a class the model never learned gets 0."""
    if name in aligned.columns:
        return aligned[name].to_numpy(dtype=float)
    return np.zeros(len(aligned))


def _top_class(aligned: pd.DataFrame, classes: list[str]) -> np.ndarray:
    columns = [name for name in classes if name in aligned.columns]
    if not columns:
        raise SubmissionError("the run's predictions have no column for any class of the spec")
    values = aligned[columns].to_numpy(dtype=float)
    return np.array(columns, dtype=object)[values.argmax(axis=1)]


def _chosen_labels(
    aligned: pd.DataFrame, spec: CompetitionSpec, thresholds: dict[str, float] | None
) -> tuple[list[str], np.ndarray]:
    """Each row's labels above their thresholds; a row with none keeps its top label."""
    columns = [name for name in spec.classes if name in aligned.columns]
    values = aligned[columns].to_numpy(dtype=float)
    limits = np.array([(thresholds or {}).get(c, DEFAULT_LABEL_THRESHOLD) for c in columns])
    chosen = values >= limits
    empty = ~chosen.any(axis=1)
    chosen[empty, values[empty].argmax(axis=1)] = True
    return columns, chosen


def _one_hot(aligned, spec: CompetitionSpec, thresholds) -> pd.DataFrame:
    if spec.multilabel or thresholds:
        columns, chosen = _chosen_labels(aligned, spec, thresholds)
    else:
        columns = [name for name in spec.classes if name in aligned.columns]
        values = aligned[columns].to_numpy(dtype=float)
        chosen = values == values.max(axis=1, keepdims=True)
        chosen &= np.cumsum(chosen, axis=1) == 1  # one winner per row, even on ties
    picked = dict(zip(columns, chosen.T.astype(int)))
    zeros = np.zeros(len(aligned), dtype=int)
    return pd.DataFrame({c: picked.get(c, zeros) for c in spec.submission.target_columns})


def _tags(aligned, spec: CompetitionSpec, thresholds) -> list[str]:
    columns, chosen = _chosen_labels(aligned, spec, thresholds)
    names = np.array(columns, dtype=object)
    delimiter = spec.submission.delimiter
    return [delimiter.join(names[row]) for row in chosen]


def validate_submission(
    submission: pd.DataFrame, sample: pd.DataFrame, spec: CompetitionSpec
) -> list[str]:
    """Every problem that would make Kaggle reject the file, naming the rows at fault."""
    problems = []
    if list(submission.columns) != list(sample.columns):
        problems.append(
            f"header is {','.join(map(str, submission.columns))}; "
            f"expected {','.join(sample.columns)}"
        )
        return problems
    if len(submission) != len(sample):
        problems.append(f"{counted(len(submission), 'row')}; expected {len(sample):,}")

    id_column = spec.submission.id_column
    ids = submission[id_column].astype(str)
    expected = sample[id_column]
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        problems.append(f"duplicate ids on lines {_rows(duplicated.index)}: {_few(duplicated)}")
    # One hashing pass over the ids answers both: which are foreign, which are missing.
    found = pd.Index(expected.to_numpy()).get_indexer(ids.to_numpy())
    extra = ids[found < 0]
    seen = np.zeros(len(expected), dtype=bool)
    seen[found[found >= 0]] = True
    missing = expected[~seen]
    if len(missing):
        problems.append(f"{counted(len(missing), 'id')} of the sample missing: {_few(missing)}")
    if len(extra):
        problems.append(f"ids not in the sample on lines {_rows(extra.index)}: {_few(extra)}")

    for column in spec.submission.target_columns:
        problems.extend(_check_values(submission[column], column, spec))
    return problems


def _check_values(values: pd.Series, column: str, spec: CompetitionSpec) -> list[str]:
    kind = spec.submission.kind
    text = values.astype(str).str.strip()
    empty = values.isna() | text.isin(["", "nan", "NaN", "None"])
    if empty.any():
        return [f"{column}: empty or NaN on lines {_rows(values.index[empty])}"]
    if kind is SubmissionKind.LABEL:
        wrong = ~text.isin(spec.classes)
        if wrong.any():
            return [f"{column}: labels not among the classes on lines {_rows(values.index[wrong])}"
                    f" ({_few(text[wrong])})"]
        return []
    if kind is SubmissionKind.TAGS:
        tags = text.str.split(spec.submission.delimiter or None).explode()
        wrong = tags[~tags.isin(spec.classes)]
        if len(wrong):
            return [f"{column}: tags not among the classes on lines {_rows(wrong.index.unique())}"]
        return []
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().any():
        return [f"{column}: not a number on lines {_rows(values.index[numbers.isna()])}"]
    if kind is SubmissionKind.VALUE:
        bad = ~np.isfinite(numbers)
        return [f"{column}: infinite on lines {_rows(values.index[bad])}"] if bad.any() else []
    allowed = numbers.isin([0, 1]) if kind is SubmissionKind.ONE_HOT else numbers.between(0, 1)
    if not allowed.all():
        what = "0 or 1" if kind is SubmissionKind.ONE_HOT else "a probability in [0, 1]"
        return [f"{column}: not {what} on lines {_rows(values.index[~allowed])}"]
    return []


def read_sample(spec: CompetitionSpec, data_path: Path) -> pd.DataFrame:
    """The sample submission, every cell as text."""
    path = Path(data_path) / spec.submission.file
    if not path.exists():
        raise SubmissionError(f"sample submission {path} not found; check competition.yaml")
    try:
        sample = read_csv_as_text(path)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as err:
        raise SubmissionError(f"sample submission {path} cannot be read as CSV: {err}") from err
    expected = [spec.submission.id_column, *spec.submission.target_columns]
    if list(sample.columns) != expected:
        raise SubmissionError(
            f"{path.name} has the columns {','.join(sample.columns)}, but competition.yaml "
            f"expects {','.join(expected)}; restore the file or fix the submission fields"
        )
    repeated = sample[expected[0]][sample[expected[0]].duplicated()]
    if len(repeated):
        raise SubmissionError(f"{path.name} repeats ids ({_few(repeated)}); restore the file")
    return sample


def write_submission(submission: pd.DataFrame, path: Path) -> Path:
    """Write the submission as CSV; floats with enough digits for any metric and value."""
    submission.to_csv(path, index=False, float_format="%.10g")
    return path


def _rows(index) -> str:
    # Line numbers of the CSV file: line 1 is the header, data starts on line 2.
    rows = [str(int(i) + 2) for i in list(index)[:_SHOWN_ROWS]]
    more = f" and {len(index) - _SHOWN_ROWS} more" if len(index) > _SHOWN_ROWS else ""
    return ", ".join(rows) + more


def _few(values: pd.Series) -> str:
    shown = ", ".join(map(str, list(values)[:_SHOWN_ROWS]))
    return shown + (", ..." if len(values) > _SHOWN_ROWS else "")
