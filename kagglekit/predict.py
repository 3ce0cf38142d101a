"""``kagglekit predict``: an exported image classifier's predictions for many files.

The images come from files, folders and globs, in the order given; they are
predicted in batched passes (one ``test_dl`` and one ``get_preds``, or ``tta``) on
the best device there is, never one ``learn.predict`` per image. Batches default to
four times the learner's training batch: prediction keeps no gradients.

The table has one row per readable image, in input order, with the columns
``file,label,confidence,unknown``:

- ``label`` is a class name, never an index. For a single-label model it is always
  the top class. For a multi-label model it is the labels whose probability reaches
  their threshold, space-separated in the model's label order; when none does, the
  most probable label alone.
- ``confidence`` is the top probability.
- ``unknown`` is true when ``confidence`` is below the threshold (multi-label: when
  no label reaches its threshold).

The threshold is the one given; else the one recorded beside the model by
``03_inference`` (``thresholds.json`` per label for multi-label models, ``threshold``
in ``metrics.json`` for single-label ones); else 0.5. Images that cannot be read are
skipped with a warning that names them. Regression and tabular learners are refused:
their notebooks predict them.
"""

from __future__ import annotations

import glob
import json
import logging
import math
import os
import pickle
import time
import types
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kagglekit import outputs
from kagglekit.environment import describe_device, safe_num_workers
from kagglekit.errors import DataError, KagglekitError, UsageError
from kagglekit.inference import check_probabilities, predict_items, warn_if_threshold_cannot_fire
from kagglekit.scan import IMAGE_EXTENSIONS
from kagglekit.wording import counted

logger = logging.getLogger(__name__)

COLUMNS = ["file", "label", "confidence", "unknown"]
CONFIDENCE_DECIMALS = 6
DEFAULT_THRESHOLD = 0.5
BATCH_SIZE_FACTOR = 4  # default batch size: this many times the learner's training batch
SINGLE_LABEL, MULTI_LABEL = "single-label", "multi-label"

_GLOB_CHARACTERS = frozenset("*?[")
_PROGRESS_EVERY_SECONDS = 5.0
_TTA_PASSES = 5  # fastai's tta: four augmented passes and a plain one
_SHOWN_NAMES = 5

Threshold = float | dict[str, float]


@dataclass
class Predictions:
    """What a batched prediction produced."""

    table: pd.DataFrame  # file, label, confidence, unknown: one row per readable image
    probabilities: np.ndarray  # one row per row of the table, one column per class
    vocab: list[str]
    threshold: Threshold
    skipped: list[str] = field(default_factory=list)  # images that could not be read


# Finding the images.


def find_images(paths: Sequence[str | Path]) -> list[str]:
    """Image files from files, folders and globs, in the order given.

    A folder gives the images directly inside it, sorted by name; a glob gives the
    images it matches, sorted (``**`` reaches into subfolders).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    found: list[str] = []
    for given in map(str, paths):
        found.extend(_images_of(given))
    if not found:
        raise UsageError("no images given: name image files, folders or globs")
    return found


def _images_of(given: str) -> list[str]:
    path = Path(given)
    if path.is_dir():
        names = sorted(entry.name for entry in os.scandir(path) if entry.is_file())
        images = [str(path / name) for name in names if _is_image(name)]
        if not images:
            raise DataError(f"no images in {given}{_subfolder_hint(path)}")
        return images
    if path.is_file():
        if not _is_image(path.name):
            raise UsageError(
                f"{given} is not an image file (expected one of "
                f"{', '.join(sorted(IMAGE_EXTENSIONS))})"
            )
        return [given]
    if _GLOB_CHARACTERS & set(given):
        matches = sorted(glob.glob(given, recursive=True))
        images = [match for match in matches if os.path.isfile(match) and _is_image(match)]
        if not images:
            raise DataError(f"no image file matches {given}")
        return images
    raise UsageError(f"{given}: no such file or folder")


def _is_image(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def _subfolder_hint(folder: Path) -> str:
    nested = next((p for p in folder.glob("*/*") if p.is_file() and _is_image(p.name)), None)
    if nested is None:
        return ""
    return f" (its subfolders hold some: use the glob '{folder}/**/*{nested.suffix}')"


# Loading the learner.


class _MissingName(Exception):
    """A name the exported learner refers to cannot be found while unpickling."""

    def __init__(self, module: str, name: str, cause: BaseException) -> None:
        super().__init__(f"{module}.{name}")
        self.module, self.name, self.cause = module, name, cause


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        try:
            return super().find_class(module, name)
        except (ImportError, AttributeError) as err:
            # fastai's load_learner swallows import errors; this one gets through.
            raise _MissingName(module, name, err) from err


_PICKLE = types.ModuleType("kagglekit_pickle")
_PICKLE.__dict__.update({k: v for k, v in vars(pickle).items() if not k.startswith("__")})
_PICKLE.Unpickler = _Unpickler  # type: ignore[attr-defined]


def load_model(model_path: str | Path):
    """The exported fastai learner at ``model_path``, on CUDA (or MPS) if there is one.

    A learner exported on a GPU loads on a machine without one.
    """
    path = Path(model_path)
    if not path.is_file():
        raise UsageError(
            f"{model_path}: no such model file; give an exported learner such as "
            "runs/<run-id>/model.pkl"
        )
    with _quiet_fastai():
        from fastai.learner import Learner, load_learner
        from fastai.torch_core import default_device

    device = default_device()
    try:
        with _quiet_fastai():
            learn = load_learner(path, cpu=device.type == "cpu", pickle_module=_PICKLE)
    except _MissingName as err:
        raise UsageError(_missing_name_message(path, err)) from err
    except KagglekitError:
        raise
    except Exception as err:  # torch.load fails in many ways on a file that is no export
        raise UsageError(
            f"{path} is not an exported fastai learner ({type(err).__name__}: "
            f"{_first_line(err)}); learn.export() writes one, learn.save() only weights"
        ) from err
    if not isinstance(learn, Learner):
        raise UsageError(
            f"{path} holds a {type(learn).__name__}, not a fastai learner; "
            "learn.save() writes weights only, learn.export() writes a learner"
        )
    learner_kind(learn, path)
    logger.info("predicting on %s", describe_device())
    return learn


@contextmanager
def _quiet_fastai() -> Iterator[None]:
    """Silence two warnings of fastai's that are no news to kagglekit's users."""
    with warnings.catch_warnings():
        # fastai's layers use torch.jit.script, which torch deprecates: fastai's to change.
        warnings.filterwarnings("ignore", message=".*torch.jit.script", category=FutureWarning)
        # load_learner's advice (load only files you trust) holds for runs' own models.
        warnings.filterwarnings("ignore", message=".*insecure pickle")
        yield


def _missing_name_message(path: Path, err: _MissingName) -> str:
    if err.module == "__main__":
        return (
            f"{path} needs {err.name!r}, which was defined in the notebook or script that "
            f"exported it; move {err.name} into an importable module (kagglekit keeps its "
            "own in kagglekit.learner), import it from there, train and export again"
        )
    return (
        f"{path} needs {err.module}.{err.name}, which cannot be imported here "
        f"({_first_line(err.cause)}); make {err.module!r} importable (install its package, "
        "or run from the folder that holds it) and try again"
    )


def learner_kind(learn, model_path: str | Path = "the model") -> str:
    """``single-label`` or ``multi-label``; anything but an image classifier is refused."""
    from fastai.data.transforms import Categorize, MultiCategorize

    datasets = learn.dls.valid_ds
    if not hasattr(datasets, "tls") or getattr(learn.dls, "n_inp", 1) != 1:
        raise UsageError(
            f"{model_path} is not an image learner (a tabular one?); kagglekit predict "
            "takes image classifiers, and 03_inference predicts the others"
        )
    target_tfms = datasets.tls[-1].tfms.fs
    if any(isinstance(tfm, MultiCategorize) for tfm in target_tfms):
        return MULTI_LABEL
    if any(isinstance(tfm, Categorize) for tfm in target_tfms):
        return SINGLE_LABEL
    raise UsageError(
        f"{model_path} is not a classifier (a regression model?); kagglekit predict writes "
        "labels, so it takes classifiers only: 03_inference predicts regression models"
    )


# Thresholds.


def check_threshold(value, source: str = "--threshold") -> float:
    """``value`` as a threshold in [0, 1], or a one-line error naming ``source``."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not 0 <= number <= 1:
        raise UsageError(f"{source} must be a number between 0 and 1, got {value!r}")
    return number


def recorded_threshold(model_path: str | Path, kind: str) -> tuple[Threshold, str]:
    """The threshold recorded beside the model by 03_inference, else the default.

    Returns the threshold and where it came from, in words.
    """
    folder = Path(model_path).parent
    if kind == MULTI_LABEL:
        per_label = _read_json(folder / outputs.THRESHOLDS)
        if isinstance(per_label, dict) and per_label:
            source = str(folder / outputs.THRESHOLDS)
            return {str(k): check_threshold(v, source) for k, v in per_label.items()}, source
    else:
        metrics = _read_json(folder / outputs.METRICS)
        if isinstance(metrics, dict) and metrics.get("threshold") is not None:
            source = str(folder / outputs.METRICS)
            return check_threshold(metrics["threshold"], source), source
    return DEFAULT_THRESHOLD, "the default"


def _read_json(path: Path):
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        logger.warning("ignoring %s: not readable JSON", path)
        return None


# Predicting.


def predict(
    model_path: str | Path,
    paths: Sequence[str | Path],
    threshold: float | None = None,
    tta: bool = False,
    batch_size: int | None = None,
    output: str | Path | None = None,
) -> Predictions:
    """Predict the images of ``paths`` with the learner exported to ``model_path``.

    ``output``, when given, is only checked here, so that a bad path fails at once.
    """
    # What the user typed is checked before the model takes seconds to load.
    files = find_images(paths)
    if output is not None:
        check_output_path(output, [model_path, *files])
    given = None if threshold is None else check_threshold(threshold)
    if batch_size is not None and batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {batch_size}")

    learn = load_model(model_path)
    kind = learner_kind(learn, model_path)
    if given is None:
        chosen, source = recorded_threshold(model_path, kind)
    else:
        chosen, source = given, "--threshold"
    logger.info("threshold %s (%s)", _describe(chosen), source)

    started = time.perf_counter()
    result = predict_files(learn, files, chosen, tta=tta, batch_size=batch_size)
    logger.info(
        "predicted %s in %.1f s: %d unknown",
        counted(len(result.table), "image"),
        time.perf_counter() - started,
        int(result.table["unknown"].sum()),
    )
    return result


def predict_files(
    learn,
    files: Sequence[str | Path],
    threshold: Threshold = DEFAULT_THRESHOLD,
    tta: bool = False,
    batch_size: int | None = None,
) -> Predictions:
    """Predict many image files with a loaded learner, in batched passes.

    Rows follow ``files``; images that cannot be read are skipped with a warning.
    """
    from kagglekit.learner import vocab_of

    if isinstance(files, (str, Path)):
        raise UsageError(
            "predict_files expects a list of image files, got one path; pass [path], "
            "or use predict_one for a single image"
        )
    files = [str(file) for file in files]
    kind = learner_kind(learn)
    vocab = vocab_of(learn.dls)
    if kind == SINGLE_LABEL and not isinstance(threshold, dict):
        warn_if_threshold_cannot_fire(threshold, len(vocab))

    # Unreadable headers are cheap to find up front; damage further in shows up only
    # when an image is decoded, and sends the pass back with those images left out.
    bad = {file for file in files if not _opens(file)}
    readable = _without(files, bad)
    try:
        probabilities = _batched(learn, readable, tta, batch_size)
    except KagglekitError:
        raise
    except Exception:
        logger.info("an image failed to decode; looking for the damaged ones")
        damaged = {file for file in readable if not _decodes(file)}
        if not damaged:
            raise
        bad |= damaged
        readable = _without(files, bad)
        probabilities = _batched(learn, readable, tta, batch_size)
    skipped = [file for file in files if file in bad]
    if skipped:
        logger.warning("skipped %s: %s", counted(len(skipped), "unreadable image"), _few(skipped))

    try:
        check_probabilities(probabilities, single_label=kind == SINGLE_LABEL)
    except ValueError as err:
        raise UsageError(f"cannot label the predictions: {err}") from err
    table = _labelled(readable, probabilities, vocab, kind, threshold)
    return Predictions(table, probabilities, vocab, threshold, skipped)


def predict_one(learn, item, threshold: Threshold = DEFAULT_THRESHOLD) -> dict:
    """Label, confidence and ``unknown`` of one image, through ``learn.predict``.

    For many images use ``predict_files``: one batched pass instead of one per image.
    """
    from kagglekit.learner import vocab_of

    if _is_collection(item):
        count = f" of {len(item)}" if hasattr(item, "__len__") else ""
        raise UsageError(
            f"predict_one expects one item, got a {type(item).__name__}{count}; "
            "use batch inference (predict_files) for many"
        )
    import fastai.callback.progress  # noqa: F401  (adds Learner.no_bar)

    with learn.no_bar():
        _, _, probabilities = learn.predict(item)
    row = probabilities.float().cpu().numpy()[None]
    table = _labelled([str(item)], row, vocab_of(learn.dls), learner_kind(learn), threshold)
    return table.iloc[0].to_dict()


def _is_collection(item) -> bool:
    from torch.utils.data import DataLoader

    if isinstance(item, (list, tuple, set, frozenset, pd.Series, pd.DataFrame, DataLoader)):
        return True
    return hasattr(item, "dataset") or isinstance(item, types.GeneratorType)


def _without(files: list[str], bad: set[str]) -> list[str]:
    kept = [file for file in files if file not in bad]
    if not kept:
        raise DataError(f"no image can be read among {counted(len(files), 'file')}: {_few(files)}")
    return kept


def _batched(learn, files: list[str], tta: bool, batch_size: int | None) -> np.ndarray:
    import fastai.callback.progress  # noqa: F401  (adds Learner.no_bar)

    # Prediction keeps no gradients: batches several times the training size fit, and
    # large batches use the CPU's vector units far better than small ones.
    batch_size = batch_size or BATCH_SIZE_FACTOR * (learn.dls.valid.bs or 16)
    # On the CPU the model needs every core; on a GPU, workers keep it fed.
    on_cpu = next(learn.model.parameters()).device.type == "cpu"
    workers = 0 if on_cpu else safe_num_workers(8)
    helper = _batch_helper(len(files) * (_TTA_PASSES if tta else 1))
    with learn.no_bar(), learn.added_cbs(helper):
        return predict_items(learn, files, tta=tta, batch_size=batch_size, num_workers=workers)


def _labelled(
    files: list[str], probabilities: np.ndarray, vocab: list[str], kind: str, threshold: Threshold
) -> pd.DataFrame:
    if probabilities.shape[1] != len(vocab):
        raise UsageError(
            f"the model gives {probabilities.shape[1]} outputs for {len(vocab)} classes; "
            "export it again from its notebook"
        )
    names = np.array(vocab, dtype=object)
    top = probabilities.argmax(axis=1)
    # Six decimals, as the CSV shows them: ``unknown`` agrees with the printed value.
    confidence = np.round(probabilities.max(axis=1).astype(np.float64), CONFIDENCE_DECIMALS)
    if kind == MULTI_LABEL:
        limits = _per_label(threshold, vocab)
        reached = probabilities >= limits
        unknown = ~reached.any(axis=1)
        labels = [" ".join(names[row]) for row in reached]
        labels = [names[t] if not text else text for text, t in zip(labels, top)]
    else:
        unknown = confidence < float(threshold)  # type: ignore[arg-type]
        labels = names[top].tolist()
    return pd.DataFrame(
        {"file": files, "label": labels, "confidence": confidence, "unknown": unknown},
        columns=COLUMNS,
    )


def _per_label(threshold: Threshold, vocab: list[str]) -> np.ndarray:
    if not isinstance(threshold, dict):
        return np.full(len(vocab), float(threshold))
    return np.array([threshold.get(label, DEFAULT_THRESHOLD) for label in vocab])


def _describe(threshold: Threshold) -> str:
    if isinstance(threshold, dict):
        return f"per label ({len(threshold)} labels)"
    return f"{threshold:.3f}"


def _opens(file: str) -> bool:
    from PIL import Image

    try:
        with Image.open(file):
            return True
    except Exception:  # PIL raises OSError, SyntaxError, ValueError and more on bad files
        return False


def _decodes(file: str) -> bool:
    from PIL import Image

    try:
        with Image.open(file) as image:
            image.load()
        return True
    except Exception:
        return False


def _batch_helper(total: int):
    """A fastai callback that feeds the model plain tensors and logs progress.

    fastai's image tensors are a subclass of ``torch.Tensor`` whose every operation
    is dispatched through Python; the model computes the same on plain tensors, faster.
    """
    import torch
    from fastai.callback.core import Callback

    class BatchHelper(Callback):
        order = 90

        def __init__(self) -> None:
            self.done, self.last = 0, time.monotonic()

        def before_batch(self) -> None:
            self.learn.xb = tuple(x.as_subclass(torch.Tensor) for x in self.learn.xb)

        def after_batch(self) -> None:
            self.done += len(self.learn.xb[0])
            now = time.monotonic()
            if now - self.last >= _PROGRESS_EVERY_SECONDS:
                self.last = now
                logger.info("predicted %d of %d images", min(self.done, total), total)

    return BatchHelper()


def check_output_path(path: str | Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Refuse an output path that cannot become a file, or would replace one it must not.

    An existing CSV may be replaced; any other existing file, and the inputs (the model
    and the images), never are.
    """
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{path} is a folder; give a file name such as {target / 'out.csv'}")
    blocking = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise UsageError(f"cannot write {path}: {blocking} is a file, not a folder")
    if target.exists() and target.resolve() in {Path(p).resolve() for p in inputs}:
        raise UsageError(f"-o {path} would overwrite one of the inputs: choose another name")
    if target.exists() and target.suffix.lower() != ".csv":
        raise UsageError(f"-o {path} exists and is not a CSV file: choose a name ending in .csv")
    return target


def save_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the predictions to ``path`` as CSV (its folder is created)."""
    target = check_output_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(target, index=False)
    return target


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _few(files: list[str]) -> str:
    shown = ", ".join(files[:_SHOWN_NAMES])
    more = f" and {len(files) - _SHOWN_NAMES} more" if len(files) > _SHOWN_NAMES else ""
    return shown + more
