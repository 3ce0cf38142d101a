"""Miniature replicas of real Kaggle competitions, for detection and end-to-end tests.

``build_replica(slug, root)`` writes ``root/<slug>/`` as the competition looks once its
download is extracted: the exact file and folder names, CSV headers, id shapes, label
kinds and sample submission formats, with a few tiny images per class whose colour
depends on the class (so a model can learn something). The facts come from public
descriptions of each competition and are copied here: nothing is read from outside
``tests/``. Names starting with ``synthetic-`` stand for a supported family that none
of the described competitions shows; they say what they model.

``REPLICAS[slug].expected`` holds what a correct detector reports, with the string values
of ``kagglekit.spec``'s enums. Every replica has exactly the keys of ``EXPECTED_KEYS``:

- ``unsupported``: None, or a short keyword for why the layout is refused (``coco-json``,
  ``dicom``, ``bson``, ``npy``, ``multi-file``, ``segmentation``, ``text``, ``audio``,
  ``top-k``, ``json``, ``image-to-image``). Unsupported replicas fill only the submission
  facts, ``metric`` and the counts; their other keys are None or empty.
- ``task``, ``submission_kind``, ``layout``, ``label_kind``, ``test_source``: enum values.
- ``id_column``, ``target_columns``, ``submission_file``: the sample submission's id
  column, its target columns in order, and its file name.
- ``metric``: a name in ``kagglekit.metrics.METRICS`` (its table of well-known
  competitions, or the default for the task for synthetic replicas); None when the
  competition's metric is not supported.
- ``labels_file``, ``train_id_column``, ``label_columns``: the training CSV, its id column
  (None for pixel columns), its label column(s) ([] when labels come from folders or names).
- ``label_delimiter``: the tag separator for ``tags`` labels, else None.
- ``train_folder``, ``train_file_pattern``: the folder of training images, and the path of
  a labels-file row's image relative to the competition folder, with the CSV's column
  names in braces (``train_images/{id_code}.png``, ``train_images/{label}/{image_id}``).
- ``test_file``, ``test_id_column``: the test CSV and its id column when ``test_source``
  is ``csv`` (``test_id_column`` None: ids are 1-based row numbers, as in digit-recognizer).
- ``test_folders``, ``test_file_patterns``: the folders of test images and the path of
  each test item, one pattern per folder, the id column in braces.
- ``classes``, ``n_classes``, ``positive_class``: class names as text, in submission order
  where the submission has one column per class, else in natural order (numeric for
  integer codes, alphabetical for names); [] and 0 for regression; the positive class
  for ``positive_probability`` submissions.
- ``image_shape``: ``[height, width]`` for pixel columns, else None.
- ``n_train``, ``n_test``: training items and submission rows the replica holds.
- ``group_column``, ``group_pattern``: where the data shows groups (a column, or a regular
  expression whose first group is the group key of a training id); compare the groups a
  pattern yields, not its text.

Rules behind the values: ``test_source`` is ``csv`` when a test CSV lists the test ids,
else ``sample_submission``; integer labels are ``ordinal`` when the metric is quadratic
kappa, else ``code``; booleans are class names ``False``/``True``.
"""

from __future__ import annotations

import colorsys
import csv
import io
import json
import math
import struct
import wave
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

EXPECTED_KEYS = (
    "unsupported", "task", "id_column", "target_columns", "submission_file",
    "submission_kind", "metric", "layout", "labels_file", "train_id_column",
    "label_columns", "label_kind", "label_delimiter", "train_folder", "train_file_pattern",
    "test_source", "test_file", "test_id_column", "test_folders", "test_file_patterns",
    "classes", "n_classes", "positive_class", "image_shape", "n_train", "n_test",
    "group_column", "group_pattern",
)

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


@dataclass(frozen=True)
class ReplicaFacts:
    """One competition's replica: what it holds and what a detector must report."""

    slug: str
    family: str
    files: tuple[str, ...]  # paths that must exist; folders end in "/"
    headers: dict[str, list[str]]  # CSV file -> its exact header
    expected: dict[str, Any]
    notes: str  # the traps a detector must get right
    build: Callable[[_Maker], None] = field(repr=False)

    @property
    def supported(self) -> bool:
        return self.expected["unsupported"] is None

    @property
    def synthetic(self) -> bool:
        return self.slug.startswith("synthetic-")


def build_replica(slug: str, root: Path, seed: int = 0) -> Path:
    """Write the replica of ``slug`` into ``root/<slug>/`` and return that folder."""
    facts = REPLICAS[slug]
    folder = Path(root) / slug
    folder.mkdir(parents=True, exist_ok=True)
    facts.build(_Maker(folder, [seed, zlib.crc32(slug.encode())]))
    return folder


# ---------------------------------------------------------------------------------------
# Writing files
# ---------------------------------------------------------------------------------------


class _Maker:
    """Writes a replica's files under one folder, drawing ids and pixels from one seed."""

    def __init__(self, root: Path, seed: Sequence[int]) -> None:
        self.root = root
        self.rng = np.random.default_rng(seed)

    def path(self, relative: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def folder(self, relative: str) -> None:
        (self.root / relative).mkdir(parents=True, exist_ok=True)

    def csv(self, relative: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        with self.path(relative).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows([_cell(value) for value in row] for row in rows)

    def text(self, relative: str, text: str) -> None:
        self.path(relative).write_text(text, encoding="utf-8")

    def bytes(self, relative: str, data: bytes) -> None:
        self.path(relative).write_bytes(data)

    def json(self, relative: str, data: Any) -> None:
        self.path(relative).write_text(json.dumps(data, indent=1), encoding="utf-8")

    def image(self, relative: str, colour: Sequence[float], size: int | tuple[int, int] = 24,
              mode: str = "RGB") -> None:
        """A flat colour with noise; ``size`` is a side or ``(width, height)``."""
        Image.fromarray(self.pixels(colour, size)).convert(mode).save(self.path(relative))

    def pixels(self, colour: Sequence[float], size: int | tuple[int, int]) -> np.ndarray:
        width, height = (size, size) if isinstance(size, int) else size
        noise = self.rng.normal(0, 10, (height, width, 3))
        return np.clip(np.asarray(colour, dtype=float) + noise, 0, 255).astype(np.uint8)

    def size(self, low: int = 16, high: int = 32) -> tuple[int, int]:
        return int(self.rng.integers(low, high + 1)), int(self.rng.integers(low, high + 1))

    def hex(self, length: int) -> str:
        return "".join(self.rng.choice(list("0123456789abcdef"), length))

    def hexes(self, count: int, length: int) -> list[str]:
        found: list[str] = []
        while len(found) < count:
            candidate = self.hex(length)
            if candidate not in found:
                found.append(candidate)
        return found

    def numbers(self, count: int, low: int, high: int) -> list[int]:
        """``count`` distinct integers in ``[low, high)``, in increasing order."""
        found: set[int] = set()
        while len(found) < count:
            found.add(int(self.rng.integers(low, high)))
        return sorted(found)

    def labels(self, n_classes: int, per_class: int) -> list[int]:
        """Class indices, ``per_class`` of each, in a shuffled order."""
        return [int(i) for i in self.rng.permutation(np.repeat(np.arange(n_classes), per_class))]

    def choice(self, options: Sequence[Any]) -> Any:
        return options[int(self.rng.integers(len(options)))]

    def uniform(self, low: float, high: float, digits: int = 4) -> float:
        return round(float(self.rng.uniform(low, high)), digits)


def _cell(value: Any) -> str:
    """A CSV cell: None is an empty cell, floats keep their digits, the rest as written."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _colour(index: int) -> tuple[int, int, int]:
    """A colour far from its neighbours for class ``index``."""
    red, green, blue = colorsys.hsv_to_rgb((index * 0.618034) % 1.0, 0.85, 0.9)
    return int(red * 255), int(green * 255), int(blue * 255)


def _jpeg_bytes(maker: _Maker, colour: Sequence[float]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(maker.pixels(colour, 16)).save(buffer, "JPEG")
    return buffer.getvalue()


def _expect(**facts: Any) -> dict[str, Any]:
    """The expected detection, every key of ``EXPECTED_KEYS`` present."""
    unknown = set(facts) - set(EXPECTED_KEYS)
    if unknown:
        raise KeyError(f"not an expected key: {sorted(unknown)}")
    expected: dict[str, Any] = {key: None for key in EXPECTED_KEYS}
    for key in ("target_columns", "label_columns", "test_folders", "test_file_patterns",
                "classes"):
        expected[key] = []
    expected.update(submission_file="sample_submission.csv", n_classes=0, n_train=0, n_test=0)
    expected.update(facts)
    expected["n_classes"] = len(expected["classes"])
    return expected


def _unsupported(keyword: str, id_column: str, targets: list[str], n_train: int, n_test: int,
                 metric: str | None, submission_file: str = "sample_submission.csv"
                 ) -> dict[str, Any]:
    return _expect(unsupported=keyword, id_column=id_column, target_columns=targets,
                   submission_file=submission_file, metric=metric, n_train=n_train,
                   n_test=n_test)


# ---------------------------------------------------------------------------------------
# Single-label images: a CSV of ids plus flat folders
# ---------------------------------------------------------------------------------------

APTOS_TRAIN, APTOS_TEST = 20, 6


def _build_aptos(m: _Maker) -> None:
    ids = m.hexes(APTOS_TRAIN + APTOS_TEST, 12)
    grades = m.labels(5, APTOS_TRAIN // 5)
    for id_code, grade in zip(ids, grades):
        m.image(f"train_images/{id_code}.png", _colour(grade), m.size(20, 32))
    test_ids = ids[APTOS_TRAIN:]
    for id_code in test_ids:
        m.image(f"test_images/{id_code}.png", _colour(m.choice(range(5))), m.size(20, 32))
    m.csv("train.csv", ["id_code", "diagnosis"], zip(ids, grades))
    m.csv("test.csv", ["id_code"], [[i] for i in test_ids])
    m.csv("sample_submission.csv", ["id_code", "diagnosis"], [[i, 0] for i in test_ids])


DR_PATIENTS, DR_TEST_PATIENTS = 10, 4


def _build_diabetic_retinopathy(m: _Maker) -> None:
    patients = m.numbers(DR_PATIENTS, 10, 60)
    eyes = [f"{p}_{side}" for p in patients for side in ("left", "right")]
    grades = m.labels(5, len(eyes) // 5)
    for image, grade in zip(eyes, grades):
        m.image(f"train/{image}.jpeg", _colour(grade), m.size(24, 32))
    for image in eyes[:2]:  # sample.zip: a few training images again
        m.image(f"sample/{image}.jpeg", _colour(0), 24)
    test = [f"{p}_{side}" for p in (1, 2, 3, 5) for side in ("left", "right")]
    for image in test:
        m.image(f"test/{image}.jpeg", _colour(m.choice(range(5))), m.size(24, 32))
    m.csv("trainLabels.csv", ["image", "level"], zip(eyes, grades))
    m.csv("sampleSubmission.csv", ["image", "level"], [[i, 0] for i in test])


DOG_BREEDS = ["affenpinscher", "black-and-tan_coonhound", "boston_bull", "curly-coated_retriever"]


def _build_dog_breed(m: _Maker) -> None:
    ids = m.hexes(16 + 6, 32)
    labels = m.labels(len(DOG_BREEDS), 4)
    for image_id, label in zip(ids, labels):
        m.image(f"train/{image_id}.jpg", _colour(label), m.size())
    for image_id in ids[16:]:
        m.image(f"test/{image_id}.jpg", _colour(m.choice(range(4))), m.size())
    m.csv("labels.csv", ["id", "breed"], [[i, DOG_BREEDS[c]] for i, c in zip(ids, labels)])
    uniform = 1 / len(DOG_BREEDS)
    m.csv("sample_submission.csv", ["id", *DOG_BREEDS],
          [[i, *[uniform] * len(DOG_BREEDS)] for i in ids[16:]])


def _build_histopathologic(m: _Maker) -> None:
    ids = m.hexes(10 + 6, 40)
    labels = m.labels(2, 5)
    for image_id, label in zip(ids, labels):
        m.image(f"train/{image_id}.tif", _colour(label), 32)
    for image_id in ids[10:]:
        m.image(f"test/{image_id}.tif", _colour(m.choice(range(2))), 32)
    m.csv("train_labels.csv", ["id", "label"], zip(ids, labels))
    m.csv("sample_submission.csv", ["id", "label"], [[i, 0] for i in ids[10:]])


def _build_cassava(m: _Maker) -> None:
    ids = [f"{n}.jpg" for n in m.numbers(20, 100_000, 4_000_000_000)]
    labels = m.labels(5, 4)
    for image_id, label in zip(ids, labels):
        m.image(f"train_images/{image_id}", _colour(label), (32, 24))
    m.image("test_images/2216849948.jpg", _colour(4), (32, 24))
    m.csv("train.csv", ["image_id", "label"], zip(ids, labels))
    m.csv("sample_submission.csv", ["image_id", "label"], [["2216849948.jpg", 4]])
    names = ["Cassava Bacterial Blight (CBB)", "Cassava Brown Streak Disease (CBSD)",
             "Cassava Green Mottle (CGM)", "Cassava Mosaic Disease (CMD)", "Healthy"]
    m.json("label_num_to_disease_map.json", {str(i): name for i, name in enumerate(names)})
    m.bytes("train_tfrecords/ld_train00-1338.tfrec", m.rng.bytes(64))
    m.bytes("test_tfrecords/ld_test00-1.tfrec", m.rng.bytes(64))


LEAF_SPECIES = ["Acer_Capillipes", "Alnus_Rubra", "Quercus_Agrifolia", "Zelkova_Serrata"]
LEAF_FEATURES = [f"{kind}{n}" for kind in ("margin", "shape", "texture") for n in range(1, 65)]


def _build_leaf(m: _Maker) -> None:
    ids = [int(i) for i in m.rng.permutation(np.arange(1, 23))]
    train_ids, test_ids = sorted(ids[:16]), sorted(ids[16:])
    labels = dict(zip(train_ids, m.labels(len(LEAF_SPECIES), 4)))
    for image_id in ids:
        _leaf_silhouette(m, f"images/{image_id}.jpg", labels.get(image_id, 0))
    features = {i: [m.uniform(0, 0.05, 6) for _ in LEAF_FEATURES] for i in ids}
    m.csv("train.csv", ["id", "species", *LEAF_FEATURES],
          [[i, LEAF_SPECIES[labels[i]], *features[i]] for i in train_ids])
    m.csv("test.csv", ["id", *LEAF_FEATURES], [[i, *features[i]] for i in test_ids])
    uniform = 1 / len(LEAF_SPECIES)
    m.csv("sample_submission.csv", ["id", *LEAF_SPECIES],
          [[i, *[uniform] * len(LEAF_SPECIES)] for i in test_ids])


def _leaf_silhouette(m: _Maker, relative: str, species: int) -> None:
    """A black leaf on white, its aspect set by the species (grayscale, like the real ones)."""
    image = Image.new("L", (32, 32), 255)
    half_width = 4 + 3 * species
    ImageDraw.Draw(image).ellipse([16 - half_width, 2, 16 + half_width, 29], fill=0)
    image.save(m.path(relative))


SIIM_TRAIN_COLUMNS = ["image_name", "patient_id", "sex", "age_approx",
                      "anatom_site_general_challenge", "diagnosis", "benign_malignant", "target"]
SIIM_TEST_COLUMNS = SIIM_TRAIN_COLUMNS[:5]


def _build_siim(m: _Maker) -> None:
    names = [f"ISIC_{n:07d}" for n in m.numbers(12 + 6, 15_000, 9_999_999)]
    patients = [f"IP_{n:07d}" for n in m.numbers(8, 10_000, 9_999_999)]
    owners = [patients[k // 3] for k in range(12)] + [patients[5 + k // 3] for k in range(6)]
    targets = m.labels(2, 6)
    rows = []
    for k, (name, target) in enumerate(zip(names, targets)):
        sex, age, site = _siim_person(m, owners[k], k)
        diagnosis = "melanoma" if target else m.choice(["nevus", "unknown"])
        rows.append([name, owners[k], sex, age, site, diagnosis,
                     "malignant" if target else "benign", target])
        _siim_image(m, "train", name, _colour(target), owners[k])
    for k, name in enumerate(names[12:], start=12):
        _siim_image(m, "test", name, _colour(m.choice(range(2))), owners[k])
    test_rows = [[name, owners[k], *_siim_person(m, owners[k], k)]
                 for k, name in enumerate(names[12:], start=12)]
    m.csv("train.csv", SIIM_TRAIN_COLUMNS, rows)
    m.csv("test.csv", SIIM_TEST_COLUMNS, test_rows)
    m.csv("sample_submission.csv", ["image_name", "target"], [[n, 0] for n in names[12:]])
    m.bytes("tfrecords/train00-2071.tfrec", m.rng.bytes(64))
    m.bytes("tfrecords/test00-687.tfrec", m.rng.bytes(64))


def _siim_person(m: _Maker, patient: str, row: int) -> list[Any]:
    if row % 7 == 3:  # some rows lack sex, age and site
        return [None, None, None]
    sex = "female" if int(patient[-1]) % 2 else "male"
    return [sex, float(35 + 5 * (int(patient[-2]) % 8)), m.choice(["torso", "upper extremity",
                                                                    "lower extremity", None])]


def _siim_image(m: _Maker, split: str, name: str, colour: Sequence[float], patient: str) -> None:
    m.image(f"jpeg/{split}/{name}.jpg", colour, 32)
    gray = m.pixels(colour, 16).mean(axis=2).astype(np.uint8)
    m.bytes(f"{split}/{name}.dcm", _dicom_bytes(gray, patient))


# ---------------------------------------------------------------------------------------
# Single-label images: folders per class, the label in the file name
# ---------------------------------------------------------------------------------------

SEEDLINGS = ["Black-grass", "Common Chickweed", "Loose Silky-bent", "Sugar beet"]


def _build_plant_seedlings(m: _Maker) -> None:
    ids = m.hexes(16 + 6, 9)
    for file_id, label in zip(ids, m.labels(len(SEEDLINGS), 4)):
        mode = "RGBA" if SEEDLINGS[label] == "Common Chickweed" else "RGB"
        m.image(f"train/{SEEDLINGS[label]}/{file_id}.png", _colour(label), m.size(), mode)
    test = [f"{file_id}.png" for file_id in ids[16:]]
    for name in test:
        m.image(f"test/{name}", _colour(m.choice(range(4))), m.size())
    m.csv("sample_submission.csv", ["file", "species"], [[n, "Sugar beet"] for n in test])


PADDY_LABELS = ["bacterial_leaf_blight", "blast", "hispa", "normal"]


def _build_paddy(m: _Maker) -> None:
    ids = [f"{n}.jpg" for n in m.numbers(16, 100_000, 110_500)]
    labels = m.labels(len(PADDY_LABELS), 4)
    rows = []
    for image_id, label in zip(ids, labels):
        m.image(f"train_images/{PADDY_LABELS[label]}/{image_id}", _colour(label), (24, 32))
        rows.append([image_id, PADDY_LABELS[label], m.choice(["ADT45", "KarnatakaPonni",
                                                             "Ponni"]), m.choice([45, 50, 60])])
    test = [f"{200001 + k}.jpg" for k in range(6)]
    for image_id in test:
        m.image(f"test_images/{image_id}", _colour(m.choice(range(4))), (24, 32))
    m.csv("train.csv", ["image_id", "label", "variety", "age"], rows)
    m.csv("sample_submission.csv", ["image_id", "label"], [[i, None] for i in test])


def _build_dogs_vs_cats(m: _Maker) -> None:
    for label, animal in enumerate(("cat", "dog")):
        for n in range(5):
            m.image(f"train/{animal}.{n}.jpg", _colour(label), m.size())
    for n in range(1, 13):
        m.image(f"test/{n}.jpg", _colour(m.choice(range(2))), m.size())
    m.csv("sample_submission.csv", ["id", "label"], [[n, 0.5] for n in range(1, 13)])


# ---------------------------------------------------------------------------------------
# Multi-label images
# ---------------------------------------------------------------------------------------

PLANET_TAGS = ["agriculture", "clear", "cloudy", "haze", "primary", "water"]
PLANET_WEATHER = ["clear", "cloudy", "haze"]
PLANET_GROUND = ["agriculture", "primary", "water"]


def _build_planet(m: _Maker) -> None:
    rows = []
    for n in range(16):
        ground = {PLANET_GROUND[n % 3], *(t for t in PLANET_GROUND if m.rng.random() < 0.4)}
        tags = [PLANET_WEATHER[n % 3], *sorted(ground)]
        rows.append([f"train_{n}", " ".join(tags)])
        _tag_image(m, f"train-jpg/train_{n}.jpg", tags, PLANET_TAGS)
    test = [f"test_{n}" for n in range(4)] + [f"file_{n}" for n in range(3)]
    for image_name in test:
        folder = "test-jpg" if image_name.startswith("test_") else "test-jpg-additional"
        _tag_image(m, f"{folder}/{image_name}.jpg", ["clear", "primary"], PLANET_TAGS)
    m.csv("train_v2.csv", ["image_name", "tags"], rows)
    m.csv("sample_submission_v2.csv", ["image_name", "tags"], [[i, "clear primary"] for i in test])


def _tag_image(m: _Maker, relative: str, tags: Sequence[str], all_tags: Sequence[str]) -> None:
    """One horizontal band per possible tag: its colour when present, grey when not."""
    band = 4
    pixels = m.pixels((128, 128, 128), (24, band * len(all_tags)))
    for row, tag in enumerate(all_tags):
        if tag in tags:
            pixels[row * band:(row + 1) * band] = m.pixels(_colour(row), (24, band))
    Image.fromarray(pixels).save(m.path(relative))


IMET_ATTRIBUTES = [0, 1, 2, 448, 782, 2429]
IMET_NAMES = ["country::afghanistan", "country::alamania", "country::algeria",
              "culture::french", "medium::wood", "tags::flowers"]


def _build_imet(m: _Maker) -> None:
    ids = m.hexes(16 + 5, 32)
    rows = []
    for k, image_id in enumerate(ids[:16]):
        chosen = {IMET_ATTRIBUTES[k % 6], *(a for a in IMET_ATTRIBUTES if m.rng.random() < 0.3)}
        attributes = [str(a) for a in m.rng.permutation(sorted(chosen))]
        rows.append([image_id, " ".join(attributes)])
        _tag_image(m, f"train/{image_id}.png", attributes, [str(a) for a in IMET_ATTRIBUTES])
    for image_id in ids[16:]:
        _tag_image(m, f"test/{image_id}.png", ["0"], [str(a) for a in IMET_ATTRIBUTES])
    m.csv("train.csv", ["id", "attribute_ids"], rows)
    m.csv("labels.csv", ["attribute_id", "attribute_name"], zip(IMET_ATTRIBUTES, IMET_NAMES))
    m.csv("sample_submission.csv", ["id", "attribute_ids"], [[i, "0 1 2"] for i in ids[16:]])


# ---------------------------------------------------------------------------------------
# Synthetic image replicas: families no described competition shows
# ---------------------------------------------------------------------------------------

ONE_HOT_CLASSES = ["healthy", "multiple_diseases", "rust", "scab"]


def _build_one_hot(m: _Maker) -> None:
    labels = m.labels(len(ONE_HOT_CLASSES), 4)
    rows = []
    for n, label in enumerate(labels):
        m.image(f"images/Train_{n}.jpg", _colour(label), (32, 24))
        rows.append([f"Train_{n}", *(int(k == label) for k in range(len(ONE_HOT_CLASSES)))])
    test = [f"Test_{n}" for n in range(6)]
    for image_id in test:
        m.image(f"images/{image_id}.jpg", _colour(m.choice(range(4))), (32, 24))
    m.csv("train.csv", ["image_id", *ONE_HOT_CLASSES], rows)
    m.csv("test.csv", ["image_id"], [[i] for i in test])
    m.csv("sample_submission.csv", ["image_id", *ONE_HOT_CLASSES],
          [[i, *[0.25] * len(ONE_HOT_CLASSES)] for i in test])


INDICATOR_LABELS = ["sky", "tree", "water", "road"]


def _build_indicators(m: _Maker) -> None:
    rows = []
    for n in range(16):
        present = [INDICATOR_LABELS[n % 4]] + [t for t in INDICATOR_LABELS if m.rng.random() < 0.3]
        flags = [int(t in present) for t in INDICATOR_LABELS]
        rows.append([f"img_{n:04d}", *flags])
        _tag_image(m, f"train/img_{n:04d}.png", present, INDICATOR_LABELS)
    test = [f"img_{n:04d}" for n in range(16, 22)]
    for image_id in test:
        _tag_image(m, f"test/{image_id}.png", ["sky"], INDICATOR_LABELS)
    m.csv("train.csv", ["image_id", *INDICATOR_LABELS], rows)
    m.csv("sample_submission.csv", ["image_id", *INDICATOR_LABELS],
          [[i, *[0.5] * len(INDICATOR_LABELS)] for i in test])


DOTTED_CLASSES = ["bolt", "nut", "screw"]


def _build_dotted_ids(m: _Maker) -> None:
    ids = [f"cam{1 + n % 2}.2019.03.{n:03d}" for n in range(18)]
    labels = m.labels(len(DOTTED_CLASSES), 4)
    for image_id, label in zip(ids, labels):
        m.image(f"train/{image_id}.png", _colour(label), 20)
    for image_id in ids[12:]:
        m.image(f"test/{image_id}.png", _colour(m.choice(range(3))), 20)
    m.csv("train.csv", ["id", "label"], [[i, DOTTED_CLASSES[c]] for i, c in zip(ids, labels)])
    m.csv("test.csv", ["id"], [[i] for i in ids[12:]])
    m.csv("sample_submission.csv", ["id", "label"], [[i, "bolt"] for i in ids[12:]])


def _build_zero_padded_ids(m: _Maker) -> None:
    ids = [f"{n:06d}" for n in [0, 7, 42, *m.numbers(15, 100, 99_999)]]
    labels = m.labels(3, 4)
    for image_id, label in zip(ids, labels):
        m.image(f"train_images/{image_id}.jpg", _colour(label), 24)
    for image_id in ids[12:]:
        m.image(f"test_images/{image_id}.jpg", _colour(m.choice(range(3))), 24)
    m.csv("train.csv", ["image_id", "label"], zip(ids, labels))
    m.csv("sample_submission.csv", ["image_id", "label"], [[i, 0] for i in ids[12:]])


# ---------------------------------------------------------------------------------------
# Images as pixel columns
# ---------------------------------------------------------------------------------------

PIXELS = [f"pixel{n}" for n in range(784)]


def _build_digit_recognizer(m: _Maker) -> None:
    labels = m.labels(10, 3)
    m.csv("train.csv", ["label", *PIXELS], [[d, *_digit_pixels(m, d)] for d in labels])
    m.csv("test.csv", PIXELS, [_digit_pixels(m, m.choice(range(10))) for _ in range(10)])
    m.csv("sample_submission.csv", ["ImageId", "Label"], [[n, 0] for n in range(1, 11)])


def _digit_pixels(m: _Maker, digit: int) -> list[int]:
    """A dark 28x28 square with a bright bar whose place depends on the digit."""
    image = np.zeros((28, 28), dtype=int)
    image[4:24, 2 + 2 * digit:4 + 2 * digit] = m.rng.integers(180, 256, (20, 2))
    return image.ravel().tolist()


# ---------------------------------------------------------------------------------------
# Plain tables
# ---------------------------------------------------------------------------------------

TITANIC_COLUMNS = ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch",
                   "Ticket", "Fare", "Cabin", "Embarked"]
_TITANIC_PEOPLE = [
    ("Braund", "Mr.", "Owen Harris", "male"),
    ("Cumings", "Mrs.", "John Bradley (Florence Briggs Thayer)", "female"),
    ("Heikkinen", "Miss.", "Laina", "female"), ("Allen", "Mr.", "William Henry", "male"),
    ("Moran", "Mr.", "James", "male"), ("Palsson", "Master.", "Gosta Leonard", "male"),
    ("Johnson", "Mrs.", 'Oscar W (Elisabeth Vilhelmina "Lisa" Berg)', "female"),
    ("Nasser", "Mrs.", "Nicholas (Adele Achem)", "female"), ("Rice", "Master.", "Eugene", "male"),
    ("Sandstrom", "Miss.", "Marguerite Rut", "female"),
]


def _build_titanic(m: _Maker) -> None:
    train = [_titanic_row(m, n, survived=True) for n in range(1, 21)]
    test = [_titanic_row(m, n, survived=False) for n in range(892, 902)]
    test[3][TITANIC_COLUMNS.index("Fare") - 1] = None  # one test Fare is missing
    m.csv("train.csv", TITANIC_COLUMNS, train)
    m.csv("test.csv", [c for c in TITANIC_COLUMNS if c != "Survived"], test)
    m.csv("gender_submission.csv", ["PassengerId", "Survived"],
          [[row[0], int(row[3] == "female")] for row in test])


def _titanic_row(m: _Maker, passenger: int, survived: bool) -> list[Any]:
    last, title, first, sex = _TITANIC_PEOPLE[passenger % len(_TITANIC_PEOPLE)]
    age: float | None = None if passenger % 5 == 0 else int(m.rng.integers(1, 70))
    if age is not None and passenger % 3 == 0:
        age += 0.5  # a few estimated ages, as in the real file
    cabin = m.choice(["C85", "C123", "E46", "B96 B98"]) if passenger % 4 == 0 else None
    embarked = None if passenger in (4, 895) else m.choice(["S", "S", "C", "Q"])
    row = [passenger, int(m.rng.integers(1, 4)), f"{last}, {title} {first}", sex, age,
           int(m.rng.integers(0, 3)), int(m.rng.integers(0, 3)),
           m.choice(["A/5 21171", "PC 17599", "STON/O2. 3101282", "113803", "373450"]),
           m.uniform(5, 80, 4), cabin, embarked]
    if survived:
        alive = (sex == "female") != (passenger % 7 == 0)
        row.insert(1, int(alive))
    return row


HOUSE_COLUMNS = [
    "Id", "MSSubClass", "MSZoning", "LotFrontage", "LotArea", "Street", "Alley", "LotShape",
    "LandContour", "Utilities", "LotConfig", "LandSlope", "Neighborhood", "Condition1",
    "Condition2", "BldgType", "HouseStyle", "OverallQual", "OverallCond", "YearBuilt",
    "YearRemodAdd", "RoofStyle", "RoofMatl", "Exterior1st", "Exterior2nd", "MasVnrType",
    "MasVnrArea", "ExterQual", "ExterCond", "Foundation", "BsmtQual", "BsmtCond",
    "BsmtExposure", "BsmtFinType1", "BsmtFinSF1", "BsmtFinType2", "BsmtFinSF2", "BsmtUnfSF",
    "TotalBsmtSF", "Heating", "HeatingQC", "CentralAir", "Electrical", "1stFlrSF", "2ndFlrSF",
    "LowQualFinSF", "GrLivArea", "BsmtFullBath", "BsmtHalfBath", "FullBath", "HalfBath",
    "BedroomAbvGr", "KitchenAbvGr", "KitchenQual", "TotRmsAbvGrd", "Functional", "Fireplaces",
    "FireplaceQu", "GarageType", "GarageYrBlt", "GarageFinish", "GarageCars", "GarageArea",
    "GarageQual", "GarageCond", "PavedDrive", "WoodDeckSF", "OpenPorchSF", "EnclosedPorch",
    "3SsnPorch", "ScreenPorch", "PoolArea", "PoolQC", "Fence", "MiscFeature", "MiscVal",
    "MoSold", "YrSold", "SaleType", "SaleCondition", "SalePrice",
]
_QUALITY = ["Ex", "Gd", "TA", "Fa"]
# Categorical columns and their values; "NA" is a real category ("no alley", "no pool").
_HOUSE_CATEGORIES: dict[str, list[str]] = {
    "MSZoning": ["RL", "RM", "FV"], "Street": ["Pave", "Grvl"], "Alley": ["NA", "NA", "Grvl"],
    "LotShape": ["Reg", "IR1"], "LandContour": ["Lvl", "Bnk"], "Utilities": ["AllPub"],
    "LotConfig": ["Inside", "Corner", "FR2"], "LandSlope": ["Gtl", "Mod"],
    "Neighborhood": ["CollgCr", "Veenker", "Crawfor", "NoRidge"],
    "Condition1": ["Norm", "Feedr"], "Condition2": ["Norm"], "BldgType": ["1Fam", "TwnhsE"],
    "HouseStyle": ["2Story", "1Story", "1.5Fin"], "RoofStyle": ["Gable", "Hip"],
    "RoofMatl": ["CompShg"], "Exterior1st": ["VinylSd", "MetalSd", "Wd Sdng"],
    "Exterior2nd": ["VinylSd", "MetalSd", "Wd Shng"], "MasVnrType": ["BrkFace", "None"],
    "ExterQual": _QUALITY, "ExterCond": _QUALITY, "Foundation": ["PConc", "CBlock", "BrkTil"],
    "BsmtQual": [*_QUALITY, "NA"], "BsmtCond": [*_QUALITY, "NA"],
    "BsmtExposure": ["No", "Gd", "Mn", "NA"], "BsmtFinType1": ["GLQ", "ALQ", "Unf", "NA"],
    "BsmtFinType2": ["Unf", "BLQ", "NA"], "Heating": ["GasA"], "HeatingQC": _QUALITY,
    "CentralAir": ["Y", "N"], "Electrical": ["SBrkr", "FuseA"], "KitchenQual": _QUALITY,
    "Functional": ["Typ", "Min1"], "FireplaceQu": [*_QUALITY, "NA"],
    "GarageType": ["Attchd", "Detchd", "NA"], "GarageFinish": ["RFn", "Unf", "NA"],
    "GarageQual": [*_QUALITY, "NA"], "GarageCond": [*_QUALITY, "NA"],
    "PavedDrive": ["Y", "N"], "PoolQC": ["NA", "NA", "NA", "Gd"], "Fence": ["NA", "MnPrv"],
    "MiscFeature": ["NA", "NA", "Shed"], "SaleType": ["WD", "New", "COD"],
    "SaleCondition": ["Normal", "Abnorml", "Partial"],
}
# Numeric columns with real missing values, written NA as well.
_HOUSE_MISSING = {"LotFrontage", "MasVnrArea", "GarageYrBlt"}


def _build_house_prices(m: _Maker) -> None:
    train = [_house_row(m, n, with_price=True) for n in range(1, 21)]
    test = [_house_row(m, n, with_price=False) for n in range(1461, 1471)]
    m.csv("train.csv", HOUSE_COLUMNS, train)
    m.csv("test.csv", HOUSE_COLUMNS[:-1], test)
    m.csv("sample_submission.csv", ["Id", "SalePrice"],
          [[row[0], m.uniform(150_000, 200_000, 2)] for row in test])
    m.text("data_description.txt", "MSSubClass: Identifies the type of dwelling involved in "
           "the sale.\n\nAlley: Type of alley access to property\n\n       Grvl\tGravel\n"
           "       Pave\tPaved\n       NA \tNo alley access\n")


def _house_row(m: _Maker, house: int, with_price: bool) -> list[Any]:
    row: list[Any] = [house]
    for column in HOUSE_COLUMNS[1:-1]:
        if column in _HOUSE_CATEGORIES:
            row.append(m.choice(_HOUSE_CATEGORIES[column]))
        elif column in _HOUSE_MISSING and m.rng.random() < 0.2:
            row.append("NA")
        elif column.startswith(("Year", "GarageYr")) or column == "YrSold":
            row.append(int(m.rng.integers(1950, 2010)))
        elif column == "MSSubClass":
            row.append(m.choice([20, 60, 70, 120, 190]))
        else:
            row.append(int(m.rng.integers(0, 10 if column.endswith(("Qual", "Cond")) else 2000)))
    if with_price:
        quality = row[HOUSE_COLUMNS.index("OverallQual")]
        row.append(int(60_000 + 25_000 * quality + m.rng.integers(0, 20_000)))
    return row


TPS_FEATURES = [f"f_{n:02d}" for n in range(31)]


def _build_tps_may_2022(m: _Maker) -> None:
    train = [[n, *_tps_features(m), target] for n, target in enumerate(m.labels(2, 15))]
    test = [[n, *_tps_features(m)] for n in range(900_000, 900_010)]
    m.csv("train.csv", ["id", *TPS_FEATURES, "target"], train)
    m.csv("test.csv", ["id", *TPS_FEATURES], test)
    m.csv("sample_submission.csv", ["id", "target"], [[row[0], 0.5] for row in test])


def _tps_features(m: _Maker) -> list[Any]:
    values: list[Any] = []
    for n in range(31):
        if 7 <= n <= 18:
            values.append(int(m.rng.integers(0, 12)))
        elif n == 27:
            values.append("".join(m.rng.choice(list("ABCDEFGHIJKLMNOPQRST"), 10)))
        elif n in (29, 30):
            values.append(int(m.rng.integers(0, 2 if n == 29 else 3)))
        else:
            values.append(round(float(m.rng.normal(0, 1 if n != 28 else 200)), 6))
    return values


S3E18_DESCRIPTORS = [
    "BertzCT", "Chi1", "Chi1n", "Chi1v", "Chi2n", "Chi2v", "Chi3v", "Chi4n", "EState_VSA1",
    "EState_VSA2", "ExactMolWt", "FpDensityMorgan1", "FpDensityMorgan2", "FpDensityMorgan3",
    "HallKierAlpha", "HeavyAtomMolWt", "Kappa3", "MaxAbsEStateIndex", "MinEStateIndex",
    "NumHeteroatoms", "PEOE_VSA10", "PEOE_VSA14", "PEOE_VSA6", "PEOE_VSA7", "PEOE_VSA8",
    "SMR_VSA10", "SMR_VSA5", "SlogP_VSA3", "VSA_EState9", "fr_COO", "fr_COO2",
]
S3E18_TARGETS = [f"EC{n}" for n in range(1, 7)]


def _build_s3e18(m: _Maker) -> None:
    train = []
    for n in range(30):
        targets = [int(m.rng.random() < 0.6) for _ in S3E18_TARGETS]
        if n < 2:  # both values in each submitted target, whatever the seed
            targets[:2] = [n, 1 - n]
        train.append([n, *_descriptors(m), *targets])
    test = [[n, *_descriptors(m)] for n in range(14838, 14848)]
    m.csv("train.csv", ["id", *S3E18_DESCRIPTORS, *S3E18_TARGETS], train)
    m.csv("test.csv", ["id", *S3E18_DESCRIPTORS], test)
    m.csv("sample_submission.csv", ["id", "EC1", "EC2"], [[row[0], 0.5, 0.5] for row in test])


def _descriptors(m: _Maker) -> list[Any]:
    return [int(m.rng.integers(0, 3)) if name.startswith("fr_") or name == "NumHeteroatoms"
            else m.uniform(0, 300 if name == "BertzCT" else 20, 3) for name in S3E18_DESCRIPTORS]


NOMAD_FEATURES = [
    "spacegroup", "number_of_total_atoms", "percent_atom_al", "percent_atom_ga",
    "percent_atom_in", "lattice_vector_1_ang", "lattice_vector_2_ang", "lattice_vector_3_ang",
    "lattice_angle_alpha_degree", "lattice_angle_beta_degree", "lattice_angle_gamma_degree",
]
NOMAD_TARGETS = ["formation_energy_ev_natom", "bandgap_energy_ev"]


def _build_nomad(m: _Maker) -> None:
    train = [[n, *_nomad_features(m), m.uniform(0, 0.5), m.uniform(0.5, 5)] for n in range(1, 21)]
    test = [[n, *_nomad_features(m)] for n in range(1, 9)]  # ids start at 1 again
    for split, rows in (("train", train), ("test", test)):
        for row in rows:
            m.text(f"{split}/{row[0]}/geometry.xyz", _geometry(m))
    m.csv("train.csv", ["id", *NOMAD_FEATURES, *NOMAD_TARGETS], train)
    m.csv("test.csv", ["id", *NOMAD_FEATURES], test)
    m.csv("sample_submission.csv", ["id", *NOMAD_TARGETS], [[row[0], 0.1779, 1.8892]
                                                           for row in test])


def _nomad_features(m: _Maker) -> list[Any]:
    aluminium = m.uniform(0, 1, 4)
    gallium = round((1 - aluminium) * m.uniform(0, 1, 4), 4)
    return [m.choice([12, 33, 167, 194, 206, 227]), float(m.choice([10, 20, 40, 80])),
            aluminium, gallium, round(1 - aluminium - gallium, 4), m.uniform(3, 25),
            m.uniform(3, 10), m.uniform(5, 25), m.uniform(89, 91), m.uniform(89, 91),
            m.uniform(89, 121)]


def _geometry(m: _Maker) -> str:
    lines = ["#" + "=" * 55, "#Created using the Atomic Simulation Environment (ASE)",
             "#" + "=" * 55]
    lines += [f"lattice_vector {m.uniform(0, 10)} {m.uniform(0, 10)} {m.uniform(0, 10)} "
              for _ in range(3)]
    lines += [f"atom {m.uniform(0, 10)} {m.uniform(0, 10)} {m.uniform(0, 10)} {element}"
              for element in ("Ga", "Al", "O", "O")]
    return "\n".join(lines) + "\n"


TAXI_COLUMNS = ["key", "fare_amount", "pickup_datetime", "pickup_longitude", "pickup_latitude",
                "dropoff_longitude", "dropoff_latitude", "passenger_count"]


def _build_taxi(m: _Maker) -> None:
    train = []
    for n in range(20):
        when = f"2011-08-{10 + n % 18:02d} {n % 24:02d}:35:00"
        train.append([f"{when}.{n + 49:08d}", m.uniform(3, 40, 2), *_ride(m, when)])
    test = [[f"2015-01-27 13:08:24.{n:07d}", *_ride(m, "2015-01-27 13:08:24")]
            for n in range(2, 12)]
    m.csv("train.csv", TAXI_COLUMNS, train)
    m.csv("test.csv", [c for c in TAXI_COLUMNS if c != "fare_amount"], test)
    m.csv("sample_submission.csv", ["key", "fare_amount"], [[row[0], 11.35] for row in test])
    m.text("GCP-Coupons-Instructions.rtf", "{\\rtf1\\ansi Google Cloud coupons}\n")


def _ride(m: _Maker, when: str) -> list[Any]:
    return [f"{when} UTC", m.uniform(-74.02, -73.95, 6), m.uniform(40.70, 40.80, 6),
            m.uniform(-74.02, -73.95, 6), m.uniform(40.70, 40.80, 6), int(m.rng.integers(1, 7))]


BOOL_COLUMNS = ["customer_id", "plan", "churned", "region", "age", "monthly_fee",
                "tenure_months", "has_partner"]


def _build_bool_target(m: _Maker) -> None:
    train = [_customer(m, n, labelled=True) for n in range(1, 25)]
    test = [_customer(m, n, labelled=False) for n in range(25, 33)]
    m.csv("train.csv", BOOL_COLUMNS, train)
    m.csv("test.csv", [c for c in BOOL_COLUMNS if c != "churned"], test)
    m.csv("sample_submission.csv", ["customer_id", "churned"], [[row[0], False] for row in test])


def _customer(m: _Maker, number: int, labelled: bool) -> list[Any]:
    plan = m.choice(["basic", "premium", "NA"])  # NA: no plan at all, a real category
    row: list[Any] = [f"{number * 37:05d}", plan, m.choice(["north", "south", None]),
                      None if number % 6 == 0 else int(m.rng.integers(18, 80)),
                      m.uniform(5, 60, 2), int(m.rng.integers(0, 48)), m.rng.random() < 0.5]
    if labelled:
        row.insert(2, plan == "NA" or number % 5 == 0)
    return row


# ---------------------------------------------------------------------------------------
# Unsupported layouts
# ---------------------------------------------------------------------------------------


def _build_iwildcam_2020(m: _Maker) -> None:
    suffix = "-21bc-11ea-a13a-137349068a90"
    ids = [f"{m.hex(8)}{suffix}" for _ in range(10)]
    categories = [0, 8, 372]
    labels = [categories[k % 3] for k in range(6)]
    for image_id, category in zip(ids, labels):
        m.image(f"train/{image_id}.jpg", _colour(categories.index(category)), (32, 24))
    for image_id in ids[6:]:
        m.image(f"test/{image_id}.jpg", _colour(0), (32, 24))
    records = [{"id": i, "file_name": f"{i}.jpg", "location": 267, "seq_id": m.hex(8),
                "seq_num_frames": 1, "frame_num": 0, "datetime": "2013-06-05 05:44:19.000",
                "width": 32, "height": 24} for i in ids]
    names = [{"id": 0, "name": "empty", "count": 3}, {"id": 8, "name": "tayassu pecari",
             "count": 2}, {"id": 372, "name": "meleagris ocellata", "count": 1}]
    m.json("iwildcam2020_train_annotations.json", {
        "info": {"version": "1.0"}, "images": records[:6], "categories": names,
        "annotations": [{"id": m.hex(8), "image_id": i, "category_id": c}
                        for i, c in zip(ids, labels)]})
    m.json("iwildcam2020_test_information.json",
           {"info": {"version": "1.0"}, "images": records[6:], "categories": names})
    m.json("iwildcam2020_megadetector_results.json",
           {"images": [{"id": i, "detections": []} for i in ids], "detection_categories":
            {"1": "animal", "2": "person"}, "info": {"detector": "megadetector_v3"}})
    m.csv("sample_submission.csv", ["Id", "Category"], [[i, 0] for i in ids[6:]])


def _build_herbarium_2021(m: _Maker) -> None:
    images, annotations = [], []
    for k in range(6):
        category = (1, 102)[k % 2]
        image_id = 1104517 + k
        path = f"images/{category // 100:03d}/{category % 100:02d}/{image_id}.jpg"
        m.image(f"train/{path}", _colour(k % 2), (20, 30))
        images.append({"id": image_id, "file_name": path, "width": 20, "height": 30,
                       "license": 1})
        annotations.append({"id": image_id, "image_id": image_id, "category_id": category,
                            "institution_id": 0})
    categories = [{"id": 1, "name": "Abies amabilis", "family": "Pinaceae", "order": "Pinales"},
                  {"id": 102, "name": "Carex aquatilis", "family": "Cyperaceae",
                   "order": "Poales"}]
    m.json("train/metadata.json", {"annotations": annotations, "categories": categories,
                                   "images": images, "info": {"year": 2021},
                                   "institutions": [{"id": 0, "name": "NYBG"}],
                                   "licenses": [{"id": 1, "name": "CC BY 4.0"}]})
    tests = [{"id": n, "file_name": f"images/000/{n}.jpg", "width": 20, "height": 30,
              "license": 1} for n in range(4)]
    for record in tests:
        m.image(f"test/{record['file_name']}", _colour(0), (20, 30))
    m.json("test/metadata.json", {"images": tests, "info": {"year": 2021},
                                  "licenses": [{"id": 1, "name": "CC BY 4.0"}]})
    m.csv("sample_submission.csv", ["Id", "Predicted"], [[n, 0] for n in range(4)])


RSNA_TRAIN_COLUMNS = ["site_id", "patient_id", "image_id", "laterality", "view", "age",
                      "cancer", "biopsy", "invasive", "BIRADS", "implant", "density",
                      "machine_id", "difficult_negative_case"]
RSNA_TEST_COLUMNS = ["site_id", "patient_id", "image_id", "laterality", "view", "age",
                     "implant", "machine_id", "prediction_id"]


def _build_rsna(m: _Maker) -> None:
    train = []
    for patient in (10006, 10011):
        cancer = int(patient == 10011)
        for side, view in (("L", "CC"), ("L", "MLO"), ("R", "CC"), ("R", "MLO")):
            image_id = int(m.rng.integers(10**8, 2 * 10**9))
            gray = m.pixels(_colour(cancer), 16).mean(axis=2).astype(np.uint8)
            m.bytes(f"train_images/{patient}/{image_id}.dcm", _dicom_bytes(gray, str(patient)))
            train.append([2, patient, image_id, side, view, 61.0, cancer, cancer, cancer,
                          None if not cancer else 0, 0, m.choice(["B", None]), 29, False])
    test = []
    for side, view in (("L", "CC"), ("L", "MLO"), ("R", "CC"), ("R", "MLO")):
        image_id = int(m.rng.integers(10**8, 2 * 10**9))
        gray = m.pixels(_colour(0), 16).mean(axis=2).astype(np.uint8)
        m.bytes(f"test_images/10008/{image_id}.dcm", _dicom_bytes(gray, "10008"))
        test.append([1, 10008, image_id, side, view, 81, 0, 49, f"10008_{side}"])
    m.csv("train.csv", RSNA_TRAIN_COLUMNS, train)
    m.csv("test.csv", RSNA_TEST_COLUMNS, test)
    m.csv("sample_submission.csv", ["prediction_id", "cancer"],
          [["10008_L", 0.021], ["10008_R", 0.021]])


def _build_cdiscount(m: _Maker) -> None:
    categories = [1000010653, 1000010667]

    def products(ids: Sequence[int], labelled: bool) -> bytes:
        documents = []
        for k, product in enumerate(ids):
            pictures = [{"picture": _jpeg_bytes(m, _colour(k % 2))} for _ in range(1 + k % 2)]
            fields = {"_id": product, "imgs": pictures}
            if labelled:
                fields = {"_id": product, "category_id": categories[k % 2], "imgs": pictures}
            documents.append(_bson_document(fields))
        return b"".join(documents)

    m.bytes("train.bson", products([10, 14, 21, 24], labelled=True))
    m.bytes("train_example.bson", products([10, 14, 21, 24], labelled=True))
    m.bytes("test.bson", products([10, 14, 21], labelled=False))
    m.csv("category_names.csv", ["category_id", "category_level1", "category_level2",
                                 "category_level3"],
          [[categories[0], "ABONNEMENT / SERVICES", "CARTE PREPAYEE", "CARTE PREPAYEE MULTIMEDIA"],
           [categories[1], "AMENAGEMENT URBAIN - VOIRIE", "AMENAGEMENT URBAIN",
            "ABRI FUMEUR"]])
    m.csv("sample_submission.csv", ["_id", "category_id"],
          [[n, categories[0]] for n in (10, 14, 21)])


def _build_seti(m: _Maker) -> None:
    ids = m.hexes(10, 15)
    targets = m.labels(2, 3)
    for split, chosen in (("train", ids[:6]), ("test", ids[6:])):
        for k, cadence in enumerate(chosen):
            frames = m.rng.normal(0, 1, (6, 16, 16)).astype(np.float16)
            if split == "train" and targets[k]:
                frames[::2, :, 7] += 4  # a narrow-band signal in the on-target frames
            np.save(m.path(f"{split}/{cadence[0]}/{cadence}.npy"), frames)
    m.csv("train_labels.csv", ["id", "target"], zip(ids[:6], targets))
    m.csv("sample_submission.csv", ["id", "target"], [[i, 0.5] for i in ids[6:]])


PROTEIN_CHANNELS = ("red", "green", "blue", "yellow")


def _build_protein_atlas(m: _Maker) -> None:
    ids = [f"{m.hex(8)}-bbc1-11e8-b2bb-ac1f6b6435d0" for _ in range(8)]
    targets = ["16 0", "25", "0", "7 1 2", "5"]
    for split, chosen in (("train", ids[:5]), ("test", ids[5:])):
        for k, sample in enumerate(chosen):
            for channel in PROTEIN_CHANNELS:
                m.image(f"{split}/{sample}_{channel}.png", _colour(k), 16, "L")
    m.csv("train.csv", ["Id", "Target"], zip(ids[:5], targets))
    m.csv("sample_submission.csv", ["Id", "Predicted"], [[i, 0] for i in ids[5:]])


def _build_tgs_salt(m: _Maker) -> None:
    ids = m.hexes(10, 10)
    rows = []
    for sample in ids[:6]:
        mask = np.zeros((16, 16), dtype=np.uint8)
        depth = int(m.rng.integers(0, 12))
        mask[depth:, :] = 255 if depth < 10 else 0
        Image.fromarray(mask).save(m.path(f"train/masks/{sample}.png"))
        m.image(f"train/images/{sample}.png", (90, 90, 90), 16, "L")
        rows.append([sample, _rle(mask > 0)])
    for sample in ids[6:]:
        m.image(f"test/images/{sample}.png", (90, 90, 90), 16, "L")
    m.csv("train.csv", ["id", "rle_mask"], rows)
    m.csv("depths.csv", ["id", "z"], [[i, int(m.rng.integers(50, 950))] for i in ids])
    m.csv("sample_submission.csv", ["id", "rle_mask"], [[i, "1 1"] for i in ids[6:]])


def _rle(mask: np.ndarray) -> str:
    """Run-length encoding, 1-indexed, top to bottom then left to right; empty: ''."""
    pixels = np.concatenate([[0], mask.flatten(order="F").astype(int), [0]])
    runs = np.flatnonzero(pixels[1:] != pixels[:-1]) + 1
    runs[1::2] -= runs[::2]
    return " ".join(str(n) for n in runs)


SPOOKY_LINES = {
    "EAP": "This process, however, afforded me no means of ascertaining the dimensions of my "
           "dungeon.",
    "HPL": "It never once occurred to me that the fumbling might be a mere mistake.",
    "MWS": "How lovely is spring As we looked from Windsor Terrace on the sixteen fertile "
           "counties spread beneath, speckled by happy cottages and wealthier towns.",
}


def _build_spooky(m: _Maker) -> None:
    authors = list(SPOOKY_LINES)
    ids = [f"id{n:05d}" for n in m.numbers(12, 0, 27_971)]
    train = [[ids[k], SPOOKY_LINES[authors[k % 3]], authors[k % 3]] for k in range(9)]
    test = [[i, SPOOKY_LINES[authors[k]]] for k, i in enumerate(ids[9:])]
    m.csv("train.csv", ["id", "text", "author"], train)
    m.csv("test.csv", ["id", "text"], test)
    m.csv("sample_submission.csv", ["id", *authors],
          [[row[0], 0.403493538995863, 0.287808366106543, 0.308698094897594] for row in test])


JIGSAW_LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def _build_jigsaw(m: _Maker) -> None:
    ids = m.hexes(10, 16)
    texts = [
        "Thanks for the edit, looks fine. I have added the missing citation to the second "
        "paragraph and fixed the date in the infobox.",
        "you are an idiot and everyone on this talk page knows it, stop reverting my edits",
        '"Hello"\nI reverted your change because the source you cited does not say that. '
        "Please see the talk page before adding it again.",
        "Great article!! The section on the early history is especially well written and "
        "the photos are a nice touch.",
        "Stop it or else\n\nyou'll regret it, I know where to find you and I will make sure "
        "you never edit here again",
        'Nice "quote" there, "friend". Maybe read the policy on original research before you '
        "lecture other editors about it.",
    ]
    flags = [[0] * 6, [1, 0, 1, 0, 1, 0], [0] * 6, [0] * 6, [1, 0, 0, 1, 0, 0], [1, 0, 0, 0, 1, 1]]
    m.csv("train.csv", ["id", "comment_text", *JIGSAW_LABELS],
          [[i, t, *f] for i, t, f in zip(ids, texts, flags)])
    m.csv("test.csv", ["id", "comment_text"], [[i, "Yo bitch Ja Rule is more succesful"]
                                               for i in ids[6:]])
    m.csv("test_labels.csv", ["id", *JIGSAW_LABELS], [[i, *[-1] * 6] for i in ids[6:]])
    m.csv("sample_submission.csv", ["id", *JIGSAW_LABELS], [[i, *[0.5] * 6] for i in ids[6:]])


def _build_speech(m: _Maker) -> None:
    speakers = m.hexes(3, 8)
    for k, word in enumerate(("yes", "no", "bed")):
        for speaker in speakers[:2]:
            _wav(m, f"train/audio/{word}/{speaker}_nohash_0.wav", 300 + 200 * k)
    _wav(m, "train/audio/_background_noise_/white_noise.wav", 0)
    m.text("train/validation_list.txt", f"yes/{speakers[1]}_nohash_0.wav\n")
    m.text("train/testing_list.txt", f"no/{speakers[1]}_nohash_0.wav\n")
    m.text("train/LICENSE", "Creative Commons BY 4.0\n")
    m.text("train/README.md", "Speech Commands Data Set v0.01\n")
    clips = [f"clip_{m.hex(9)}.wav" for _ in range(4)]
    for clip in clips:
        _wav(m, f"test/audio/{clip}", 500)
    m.csv("sample_submission.csv", ["fname", "label"], [[c, "silence"] for c in clips])


def _wav(m: _Maker, relative: str, frequency: float) -> None:
    """A 50 ms, 16 kHz mono tone (noise when the frequency is 0)."""
    times = np.arange(800) / 16_000
    signal = np.sin(2 * math.pi * frequency * times) if frequency else m.rng.normal(0, 0.3, 800)
    with wave.open(str(m.path(relative)), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16_000)
        handle.writeframes((np.clip(signal, -1, 1) * 20_000).astype("<i2").tobytes())


def _build_whale(m: _Maker) -> None:
    images = [f"{h}.jpg" for h in m.hexes(10, 8)]
    whales = ["new_whale", "w_1287fbc", "w_98baff9", "new_whale", "w_1287fbc", "w_7554f44"]
    for k, image in enumerate(images[:6]):
        m.image(f"train/{image}", _colour(k % 3), (32, 16))
    for image in images[6:]:
        m.image(f"test/{image}", _colour(0), (32, 16))
    m.csv("train.csv", ["Image", "Id"], zip(images, whales))
    ranked = "new_whale w_1287fbc w_98baff9 w_7554f44 w_1eafe46"
    m.csv("sample_submission.csv", ["Image", "Id"], [[i, ranked] for i in images[6:]])


def _build_hotel_id(m: _Maker) -> None:
    images = [f"{h}.jpg" for h in m.hexes(9, 16)]
    rows = []
    for k, image in enumerate(images[:6]):
        chain, hotel = (5, 22408) if k % 2 else (0, 61340)
        m.image(f"train_images/{chain}/{image}", _colour(k % 2), (24, 32))
        rows.append([image, chain, hotel, f"2018-04-16 17:0{k}:49"])
    for image in images[6:]:
        m.image(f"test_images/{image}", _colour(0), (24, 32))
    m.csv("train.csv", ["image", "chain", "hotel_id", "timestamp"], rows)
    ranked = "36363 53586 18807 64314 60181"
    m.csv("sample_submission.csv", ["image", "hotel_id"], [[i, ranked] for i in images[6:]])


def _build_statoil(m: _Maker) -> None:
    def record(labelled: bool, k: int) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "id": m.hex(8),
            "band_1": [round(float(v), 2) for v in m.rng.normal(-25, 3, 64)],
            "band_2": [round(float(v), 2) for v in m.rng.normal(-30, 3, 64)],
            "inc_angle": "na" if k == 2 else m.uniform(30, 45),
        }
        if labelled:
            fields["is_iceberg"] = k % 2
        return fields

    train = [record(True, k) for k in range(6)]
    test = [record(False, k) for k in range(4)]
    m.text("data/processed/train.json", json.dumps(train))
    m.text("data/processed/test.json", json.dumps(test))
    m.csv("sample_submission.csv", ["id", "is_iceberg"], [[r["id"], 0.5] for r in test])


def _build_denoising(m: _Maker) -> None:
    for n in (101, 102, 104):
        m.image(f"train/{n}.png", (200, 200, 200), (12, 8), "L")
        m.image(f"train_cleaned/{n}.png", (255, 255, 255), (12, 8), "L")
    rows = []
    for n in (1, 3):
        m.image(f"test/{n}.png", (200, 200, 200), (12, 8), "L")
        rows += [[f"{n}_{r}_{c}", 1] for c in range(1, 13) for r in range(1, 9)]
    m.csv("sampleSubmission.csv", ["id", "value"], rows)


# ---------------------------------------------------------------------------------------
# Binary formats written by hand (no pydicom, no pymongo)
# ---------------------------------------------------------------------------------------


def _dicom_bytes(pixels: np.ndarray, patient_id: str) -> bytes:
    """A minimal DICOM Part 10 file: explicit VR little endian, 8-bit MONOCHROME2."""
    sop_class, sop_instance = b"1.2.840.10008.5.1.4.1.1.7", b"1.2.826.0.1.3680043.8.498.1"
    meta = (_dicom_element(0x0002, 0x0001, "OB", b"\x00\x01")
            + _dicom_element(0x0002, 0x0002, "UI", sop_class)
            + _dicom_element(0x0002, 0x0003, "UI", sop_instance)
            + _dicom_element(0x0002, 0x0010, "UI", b"1.2.840.10008.1.2.1"))
    rows, columns = pixels.shape

    def ushort(tag: int, value: int) -> bytes:
        return _dicom_element(0x0028, tag, "US", struct.pack("<H", value))

    dataset = (_dicom_element(0x0008, 0x0016, "UI", sop_class)
               + _dicom_element(0x0008, 0x0018, "UI", sop_instance)
               + _dicom_element(0x0010, 0x0020, "LO", patient_id.encode())
               + ushort(0x0002, 1) + _dicom_element(0x0028, 0x0004, "CS", b"MONOCHROME2")
               + ushort(0x0010, rows) + ushort(0x0011, columns) + ushort(0x0100, 8)
               + ushort(0x0101, 8) + ushort(0x0102, 7) + ushort(0x0103, 0)
               + _dicom_element(0x7FE0, 0x0010, "OB", pixels.astype(np.uint8).tobytes()))
    group_length = _dicom_element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta)))
    return b"\x00" * 128 + b"DICM" + group_length + meta + dataset


def _dicom_element(group: int, element: int, vr: str, value: bytes) -> bytes:
    if len(value) % 2:
        value += b"\x00" if vr in ("UI", "OB") else b" "
    head = struct.pack("<HH", group, element) + vr.encode()
    if vr in ("OB", "OW", "SQ", "UN", "UT"):
        return head + b"\x00\x00" + struct.pack("<I", len(value)) + value
    return head + struct.pack("<H", len(value)) + value


def _bson_document(fields: dict[str, Any]) -> bytes:
    """BSON of ints, binary data, lists and nested documents (all cdiscount needs)."""
    body = b""
    for key, value in fields.items():
        name = key.encode() + b"\x00"
        if isinstance(value, int) and -(2**31) <= value < 2**31:
            body += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, int):
            body += b"\x12" + name + struct.pack("<q", value)
        elif isinstance(value, bytes):
            body += b"\x05" + name + struct.pack("<i", len(value)) + b"\x00" + value
        elif isinstance(value, list):
            body += b"\x04" + name + _bson_document({str(i): v for i, v in enumerate(value)})
        else:
            body += b"\x03" + name + _bson_document(value)
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


# ---------------------------------------------------------------------------------------
# The facts
# ---------------------------------------------------------------------------------------

GRADES = ["0", "1", "2", "3", "4"]


def _image_csv_ids(**facts: Any) -> dict[str, Any]:
    """Expected values shared by images found through a CSV of ids."""
    facts.setdefault("layout", "csv_ids")
    facts.setdefault("task", "image_classification")
    return _expect(**facts)


_FACTS: list[ReplicaFacts] = [
    ReplicaFacts(
        "aptos2019-blindness-detection", "csv-ids + flat folders (.png, hex ids, ordinal)",
        ("train.csv", "test.csv", "sample_submission.csv", "train_images/", "test_images/"),
        {"train.csv": ["id_code", "diagnosis"], "test.csv": ["id_code"],
         "sample_submission.csv": ["id_code", "diagnosis"]},
        _image_csv_ids(
            id_column="id_code", target_columns=["diagnosis"], submission_kind="label",
            metric="quadratic_kappa", labels_file="train.csv", train_id_column="id_code",
            label_columns=["diagnosis"], label_kind="ordinal", train_folder="train_images",
            train_file_pattern="train_images/{id_code}.png", test_source="csv",
            test_file="test.csv", test_id_column="id_code", test_folders=["test_images"],
            test_file_patterns=["test_images/{id_code}.png"], classes=GRADES,
            n_train=APTOS_TRAIN, n_test=APTOS_TEST),
        "Integer grades 0-4 scored by quadratic kappa: the submission wants grades.",
        _build_aptos),
    ReplicaFacts(
        "diabetic-retinopathy-detection",
        "csv-ids + flat folders (.jpeg, camelCase files, patient_eye ids, no test.csv)",
        ("trainLabels.csv", "sampleSubmission.csv", "train/", "test/", "sample/"),
        {"trainLabels.csv": ["image", "level"], "sampleSubmission.csv": ["image", "level"]},
        _image_csv_ids(
            id_column="image", target_columns=["level"], submission_file="sampleSubmission.csv",
            submission_kind="label", metric="quadratic_kappa", labels_file="trainLabels.csv",
            train_id_column="image", label_columns=["level"], label_kind="ordinal",
            train_folder="train", train_file_pattern="train/{image}.jpeg",
            test_source="sample_submission", test_folders=["test"],
            test_file_patterns=["test/{image}.jpeg"], classes=GRADES, n_train=2 * DR_PATIENTS,
            n_test=2 * DR_TEST_PATIENTS, group_pattern=r"^(\d+)_(?:left|right)$"),
        "Two eyes per patient (10_left, 10_right): split by patient. sample/ holds a few "
        "training images again and is neither train nor test. Archives are multi-part zips "
        "in the real download; the replica is the extracted tree.",
        _build_diabetic_retinopathy),
    ReplicaFacts(
        "dog-breed-identification", "csv-ids + flat folders, one probability column per class",
        ("labels.csv", "sample_submission.csv", "train/", "test/"),
        {"labels.csv": ["id", "breed"], "sample_submission.csv": ["id", *DOG_BREEDS]},
        _image_csv_ids(
            id_column="id", target_columns=DOG_BREEDS, submission_kind="class_probabilities",
            metric="log_loss", labels_file="labels.csv", train_id_column="id",
            label_columns=["breed"], label_kind="name", train_folder="train",
            train_file_pattern="train/{id}.jpg", test_source="sample_submission",
            test_folders=["test"], test_file_patterns=["test/{id}.jpg"], classes=DOG_BREEDS,
            n_train=16, n_test=6),
        "Labels in labels.csv (not train.csv); breed names with hyphens are column names.",
        _build_dog_breed),
    ReplicaFacts(
        "histopathologic-cancer-detection", "csv-ids + flat folders (.tif, 40-hex ids)",
        ("train_labels.csv", "sample_submission.csv", "train/", "test/"),
        {"train_labels.csv": ["id", "label"], "sample_submission.csv": ["id", "label"]},
        _image_csv_ids(
            id_column="id", target_columns=["label"], submission_kind="positive_probability",
            metric="roc_auc", labels_file="train_labels.csv", train_id_column="id",
            label_columns=["label"], label_kind="code", train_folder="train",
            train_file_pattern="train/{id}.tif", test_source="sample_submission",
            test_folders=["test"], test_file_patterns=["test/{id}.tif"], classes=["0", "1"],
            positive_class="1", n_train=10, n_test=6),
        "The sample shows 0 under label, yet AUC scores P(label=1): submit probabilities.",
        _build_histopathologic),
    ReplicaFacts(
        "cassava-leaf-disease-classification",
        "csv-ids with the extension + flat folders, hidden test (one test image)",
        ("train.csv", "sample_submission.csv", "label_num_to_disease_map.json",
         "train_images/", "test_images/", "train_tfrecords/", "test_tfrecords/"),
        {"train.csv": ["image_id", "label"], "sample_submission.csv": ["image_id", "label"]},
        _image_csv_ids(
            id_column="image_id", target_columns=["label"], submission_kind="label",
            metric="accuracy", labels_file="train.csv", train_id_column="image_id",
            label_columns=["label"], label_kind="code", train_folder="train_images",
            train_file_pattern="train_images/{image_id}", test_source="sample_submission",
            test_folders=["test_images"], test_file_patterns=["test_images/{image_id}"],
            classes=GRADES, n_train=20, n_test=1),
        "Ids end in .jpg; integer codes named in label_num_to_disease_map.json; TFRecords "
        "duplicate the images and are ignored.",
        _build_cassava),
    ReplicaFacts(
        "leaf-classification",
        "train and test images in one shared folder (image+tabular), integer ids",
        ("train.csv", "test.csv", "sample_submission.csv", "images/"),
        {"train.csv": ["id", "species", *LEAF_FEATURES], "test.csv": ["id", *LEAF_FEATURES],
         "sample_submission.csv": ["id", *LEAF_SPECIES]},
        _image_csv_ids(
            id_column="id", target_columns=LEAF_SPECIES, submission_kind="class_probabilities",
            metric="log_loss", labels_file="train.csv", train_id_column="id",
            label_columns=["species"], label_kind="name", train_folder="images",
            train_file_pattern="images/{id}.jpg", test_source="csv", test_file="test.csv",
            test_id_column="id", test_folders=["images"], test_file_patterns=["images/{id}.jpg"],
            classes=LEAF_SPECIES, n_train=16, n_test=6),
        "Image+tabular, represented as image classification: each id names images/<id>.jpg "
        "(train and test interleaved in one folder, membership only through the CSVs). The "
        "192 margin/shape/texture columns are features, never labels. The real CSVs come "
        "as .csv.zip; the replica is the extracted tree.",
        _build_leaf),
    ReplicaFacts(
        "siim-isic-melanoma-classification",
        "csv-ids + flat folders, JPEG copies beside DICOM, a patient group column",
        ("train.csv", "test.csv", "sample_submission.csv", "train/", "test/", "jpeg/train/",
         "jpeg/test/", "tfrecords/"),
        {"train.csv": SIIM_TRAIN_COLUMNS, "test.csv": SIIM_TEST_COLUMNS,
         "sample_submission.csv": ["image_name", "target"]},
        _image_csv_ids(
            id_column="image_name", target_columns=["target"],
            submission_kind="positive_probability", metric="roc_auc", labels_file="train.csv",
            train_id_column="image_name", label_columns=["target"], label_kind="code",
            train_folder="jpeg/train", train_file_pattern="jpeg/train/{image_name}.jpg",
            test_source="csv", test_file="test.csv", test_id_column="image_name",
            test_folders=["jpeg/test"], test_file_patterns=["jpeg/test/{image_name}.jpg"],
            classes=["0", "1"], positive_class="1", n_train=12, n_test=6,
            group_column="patient_id"),
        "Supported through the JPEG copies in jpeg/; the .dcm trees hold the same images. "
        "diagnosis and benign_malignant repeat the target in words (train only). Sample "
        "shows 0 but AUC wants probabilities. Several images per patient_id.",
        _build_siim),
    ReplicaFacts(
        "plant-seedlings-classification", "folder per class, no label CSV (.png, RGBA too)",
        ("sample_submission.csv", "train/", "test/", "train/Common Chickweed/"),
        {"sample_submission.csv": ["file", "species"]},
        _expect(
            task="image_classification", id_column="file", target_columns=["species"],
            submission_kind="label", metric="micro_f1", layout="folder_per_class",
            label_kind="name", train_folder="train", test_source="sample_submission",
            test_folders=["test"], test_file_patterns=["test/{file}"], classes=SEEDLINGS,
            n_train=16, n_test=6),
        "Class folders have spaces and hyphens; the id column 'file' includes .png.",
        _build_plant_seedlings),
    ReplicaFacts(
        "paddy-disease-classification", "folder per class with a label CSV, flat test",
        ("train.csv", "sample_submission.csv", "train_images/", "test_images/"),
        {"train.csv": ["image_id", "label", "variety", "age"],
         "sample_submission.csv": ["image_id", "label"]},
        _expect(
            task="image_classification", id_column="image_id", target_columns=["label"],
            submission_kind="label", metric="accuracy", layout="csv_ids",
            labels_file="train.csv", train_id_column="image_id", label_columns=["label"],
            label_kind="name", train_folder="train_images",
            train_file_pattern="train_images/{label}/{image_id}",
            test_source="sample_submission", test_folders=["test_images"],
            test_file_patterns=["test_images/{image_id}"], classes=PADDY_LABELS, n_train=16,
            n_test=6),
        "Layout csv_ids: each train.csv row names train_images/<label>/<image_id>, the class "
        "folders repeating the label column. The sample's label column is empty (reads as "
        "NaN). variety and age are extra columns; ids end in .jpg.",
        _build_paddy),
    ReplicaFacts(
        "dogs-vs-cats-redux-kernels-edition", "label in the file name, integer test ids",
        ("sample_submission.csv", "train/", "test/", "train/cat.0.jpg", "test/12.jpg"),
        {"sample_submission.csv": ["id", "label"]},
        _expect(
            task="image_classification", id_column="id", target_columns=["label"],
            submission_kind="positive_probability", metric="log_loss", layout="label_in_name",
            label_kind="name", train_folder="train", test_source="sample_submission",
            test_folders=["test"], test_file_patterns=["test/{id}.jpg"],
            classes=["cat", "dog"], positive_class="dog", n_train=10, n_test=12),
        "label = P(dog). Test ids 1..12 sort numerically, not as text.",
        _build_dogs_vs_cats),
    ReplicaFacts(
        "planet-understanding-the-amazon-from-space",
        "csv-ids + flat folders, space-separated tags, two test folders",
        ("train_v2.csv", "sample_submission_v2.csv", "train-jpg/", "test-jpg/",
         "test-jpg-additional/"),
        {"train_v2.csv": ["image_name", "tags"],
         "sample_submission_v2.csv": ["image_name", "tags"]},
        _image_csv_ids(
            task="image_multilabel", id_column="image_name", target_columns=["tags"],
            submission_file="sample_submission_v2.csv", submission_kind="tags",
            metric="mean_f2", labels_file="train_v2.csv", train_id_column="image_name",
            label_columns=["tags"], label_kind="tags", label_delimiter=" ",
            train_folder="train-jpg", train_file_pattern="train-jpg/{image_name}.jpg",
            test_source="sample_submission", test_folders=["test-jpg", "test-jpg-additional"],
            test_file_patterns=["test-jpg/{image_name}.jpg",
                                "test-jpg-additional/{image_name}.jpg"],
            classes=PLANET_TAGS, n_train=16, n_test=7),
        "test_<n> ids live in test-jpg/, file_<n> ids in test-jpg-additional/.",
        _build_planet),
    ReplicaFacts(
        "imet-2020-fgvc7", "csv-ids + flat folders, tags of integer attribute ids",
        ("train.csv", "labels.csv", "sample_submission.csv", "train/", "test/"),
        {"train.csv": ["id", "attribute_ids"], "labels.csv": ["attribute_id", "attribute_name"],
         "sample_submission.csv": ["id", "attribute_ids"]},
        _image_csv_ids(
            task="image_multilabel", id_column="id", target_columns=["attribute_ids"],
            submission_kind="tags", metric="micro_f1", labels_file="train.csv",
            train_id_column="id", label_columns=["attribute_ids"], label_kind="tags",
            label_delimiter=" ", train_folder="train", train_file_pattern="train/{id}.png",
            test_source="sample_submission", test_folders=["test"],
            test_file_patterns=["test/{id}.png"], classes=[str(a) for a in IMET_ATTRIBUTES],
            n_train=16, n_test=5),
        "labels.csv is the attribute dictionary, not the training labels. Attribute ids "
        "sort numerically (448 before 2429).",
        _build_imet),
    ReplicaFacts(
        "synthetic-one-hot-labels",
        "single-label stored as one-hot columns, shared image folder (synthetic)",
        ("train.csv", "test.csv", "sample_submission.csv", "images/"),
        {"train.csv": ["image_id", *ONE_HOT_CLASSES], "test.csv": ["image_id"],
         "sample_submission.csv": ["image_id", *ONE_HOT_CLASSES]},
        _image_csv_ids(
            id_column="image_id", target_columns=ONE_HOT_CLASSES,
            submission_kind="class_probabilities", metric="log_loss", labels_file="train.csv",
            train_id_column="image_id", label_columns=ONE_HOT_CLASSES, label_kind="one_hot",
            train_folder="images", train_file_pattern="images/{image_id}.jpg",
            test_source="csv", test_file="test.csv", test_id_column="image_id",
            test_folders=["images"], test_file_patterns=["images/{image_id}.jpg"],
            classes=ONE_HOT_CLASSES, n_train=16, n_test=6),
        "Modelled on plant-pathology-2020 (Train_<n>/Test_<n> in images/); exactly one 1 "
        "per row. Synthetic: its metric is the default for the task.",
        _build_one_hot),
    ReplicaFacts(
        "synthetic-indicator-labels", "multi-label as 0/1 indicator columns (synthetic)",
        ("train.csv", "sample_submission.csv", "train/", "test/"),
        {"train.csv": ["image_id", *INDICATOR_LABELS],
         "sample_submission.csv": ["image_id", *INDICATOR_LABELS]},
        _image_csv_ids(
            task="image_multilabel", id_column="image_id", target_columns=INDICATOR_LABELS,
            submission_kind="class_probabilities", metric="roc_auc", labels_file="train.csv",
            train_id_column="image_id", label_columns=INDICATOR_LABELS,
            label_kind="indicators", train_folder="train",
            train_file_pattern="train/{image_id}.png", test_source="sample_submission",
            test_folders=["test"], test_file_patterns=["test/{image_id}.png"],
            classes=INDICATOR_LABELS, n_train=16, n_test=6),
        "Rows hold one to four 1s; a probability per label column is submitted.",
        _build_indicators),
    ReplicaFacts(
        "synthetic-dotted-ids", "csv-ids with dots in the ids, no extension (synthetic)",
        ("train.csv", "test.csv", "sample_submission.csv", "train/", "test/"),
        {"train.csv": ["id", "label"], "test.csv": ["id"], "sample_submission.csv": ["id",
                                                                                   "label"]},
        _image_csv_ids(
            id_column="id", target_columns=["label"], submission_kind="label",
            metric="accuracy", labels_file="train.csv", train_id_column="id",
            label_columns=["label"], label_kind="name", train_folder="train",
            train_file_pattern="train/{id}.png", test_source="csv", test_file="test.csv",
            test_id_column="id", test_folders=["test"], test_file_patterns=["test/{id}.png"],
            classes=DOTTED_CLASSES, n_train=12, n_test=6),
        "Ids like cam1.2019.03.004: the part after the last dot is not an extension.",
        _build_dotted_ids),
    ReplicaFacts(
        "synthetic-zero-padded-ids", "csv-ids that are zero-padded digits (synthetic)",
        ("train.csv", "sample_submission.csv", "train_images/", "test_images/"),
        {"train.csv": ["image_id", "label"], "sample_submission.csv": ["image_id", "label"]},
        _image_csv_ids(
            id_column="image_id", target_columns=["label"], submission_kind="label",
            metric="accuracy", labels_file="train.csv", train_id_column="image_id",
            label_columns=["label"], label_kind="code", train_folder="train_images",
            train_file_pattern="train_images/{image_id}.jpg", test_source="sample_submission",
            test_folders=["test_images"], test_file_patterns=["test_images/{image_id}.jpg"],
            classes=["0", "1", "2"], n_train=12, n_test=6),
        "Ids such as 000042 must stay text: read as numbers they name no file.",
        _build_zero_padded_ids),
    ReplicaFacts(
        "digit-recognizer", "images as pixel columns (28x28), ids are row numbers",
        ("train.csv", "test.csv", "sample_submission.csv"),
        {"train.csv": ["label", *PIXELS], "test.csv": PIXELS,
         "sample_submission.csv": ["ImageId", "Label"]},
        _expect(
            task="image_classification", id_column="ImageId", target_columns=["Label"],
            submission_kind="label", metric="accuracy", layout="pixel_columns",
            labels_file="train.csv", label_columns=["label"], label_kind="code",
            test_source="csv", test_file="test.csv",
            classes=[str(d) for d in range(10)], image_shape=[28, 28], n_train=30, n_test=10),
        "test.csv has no id column: ImageId is the 1-based row number. Label is first.",
        _build_digit_recognizer),
    ReplicaFacts(
        "titanic", "plain tabular classification, target second, sample not named sample",
        ("train.csv", "test.csv", "gender_submission.csv"),
        {"train.csv": TITANIC_COLUMNS, "test.csv": [c for c in TITANIC_COLUMNS if c !=
                                                    "Survived"],
         "gender_submission.csv": ["PassengerId", "Survived"]},
        _expect(
            task="tabular_classification", id_column="PassengerId", target_columns=["Survived"],
            submission_file="gender_submission.csv", submission_kind="label",
            metric="accuracy", layout="tabular", labels_file="train.csv",
            train_id_column="PassengerId", label_columns=["Survived"], label_kind="code",
            test_source="csv", test_file="test.csv", test_id_column="PassengerId",
            classes=["0", "1"], n_train=20, n_test=10),
        "Names hold commas and quotes; Age, Cabin, Embarked (and one test Fare) missing.",
        _build_titanic),
    ReplicaFacts(
        "house-prices-advanced-regression-techniques",
        "plain tabular regression, NA as a real category, digit-led column names",
        ("train.csv", "test.csv", "sample_submission.csv", "data_description.txt"),
        {"train.csv": HOUSE_COLUMNS, "test.csv": HOUSE_COLUMNS[:-1],
         "sample_submission.csv": ["Id", "SalePrice"]},
        _expect(
            task="tabular_regression", id_column="Id", target_columns=["SalePrice"],
            submission_kind="value", metric="rmsle", layout="tabular", labels_file="train.csv",
            train_id_column="Id", label_columns=["SalePrice"], label_kind="value",
            test_source="csv", test_file="test.csv", test_id_column="Id", n_train=20,
            n_test=10),
        "'NA' means none (no alley, no pool) in categorical columns but missing in "
        "LotFrontage/MasVnrArea/GarageYrBlt. Scored on log prices.",
        _build_house_prices),
    ReplicaFacts(
        "tabular-playground-series-may-2022",
        "plain tabular binary classification, a string feature, probability submission",
        ("train.csv", "test.csv", "sample_submission.csv"),
        {"train.csv": ["id", *TPS_FEATURES, "target"], "test.csv": ["id", *TPS_FEATURES],
         "sample_submission.csv": ["id", "target"]},
        _expect(
            task="tabular_classification", id_column="id", target_columns=["target"],
            submission_kind="positive_probability", metric="roc_auc", layout="tabular",
            labels_file="train.csv", train_id_column="id", label_columns=["target"],
            label_kind="code", test_source="csv", test_file="test.csv", test_id_column="id",
            classes=["0", "1"], positive_class="1", n_train=30, n_test=10),
        "f_27 is a 10-letter string; f_07..f_18, f_29, f_30 are small integers.",
        _build_tps_may_2022),
    ReplicaFacts(
        "playground-series-s3e18",
        "plain tabular, several binary targets, only some submitted",
        ("train.csv", "test.csv", "sample_submission.csv"),
        {"train.csv": ["id", *S3E18_DESCRIPTORS, *S3E18_TARGETS],
         "test.csv": ["id", *S3E18_DESCRIPTORS], "sample_submission.csv": ["id", "EC1", "EC2"]},
        _expect(
            task="tabular_classification", id_column="id", target_columns=["EC1", "EC2"],
            submission_kind="class_probabilities", metric="roc_auc", layout="tabular",
            labels_file="train.csv", train_id_column="id", label_columns=["EC1", "EC2"],
            label_kind="indicators", test_source="csv", test_file="test.csv",
            test_id_column="id", classes=["EC1", "EC2"], n_train=30, n_test=10),
        "Train has EC1..EC6; only EC1 and EC2 are submitted (one probability each). EC3..EC6 "
        "are neither labels nor features (absent from test).",
        _build_s3e18),
    ReplicaFacts(
        "nomad2018-predict-transparent-conductors",
        "plain tabular, two regression targets, per-id geometry files left out",
        ("train.csv", "test.csv", "sample_submission.csv", "train/1/geometry.xyz",
         "test/1/geometry.xyz"),
        {"train.csv": ["id", *NOMAD_FEATURES, *NOMAD_TARGETS],
         "test.csv": ["id", *NOMAD_FEATURES], "sample_submission.csv": ["id", *NOMAD_TARGETS]},
        _expect(
            task="tabular_regression", id_column="id", target_columns=NOMAD_TARGETS,
            submission_kind="value", metric="rmsle", layout="tabular", labels_file="train.csv",
            train_id_column="id", label_columns=NOMAD_TARGETS, label_kind="value",
            test_source="csv", test_file="test.csv", test_id_column="id", n_train=20,
            n_test=8),
        "Supported as plain tabular: the train/<id>/geometry.xyz files are present and left "
        "out (the CSV features stand alone). Train and test ids both start at 1.",
        _build_nomad),
    ReplicaFacts(
        "new-york-city-taxi-fare-prediction",
        "plain tabular regression, timestamp-like string ids, target second",
        ("train.csv", "test.csv", "sample_submission.csv", "GCP-Coupons-Instructions.rtf"),
        {"train.csv": TAXI_COLUMNS, "test.csv": [c for c in TAXI_COLUMNS if c != "fare_amount"],
         "sample_submission.csv": ["key", "fare_amount"]},
        _expect(
            task="tabular_regression", id_column="key", target_columns=["fare_amount"],
            submission_kind="value", metric="rmse", layout="tabular", labels_file="train.csv",
            train_id_column="key", label_columns=["fare_amount"], label_kind="value",
            test_source="csv", test_file="test.csv", test_id_column="key", n_train=20,
            n_test=10),
        "The id 'key' looks like a timestamp and must stay an exact string.",
        _build_taxi),
    ReplicaFacts(
        "synthetic-tabular-bool-target",
        "plain tabular, True/False target in the middle, NA category, zero-padded ids "
        "(synthetic)",
        ("train.csv", "test.csv", "sample_submission.csv"),
        {"train.csv": BOOL_COLUMNS, "test.csv": [c for c in BOOL_COLUMNS if c != "churned"],
         "sample_submission.csv": ["customer_id", "churned"]},
        _expect(
            task="tabular_classification", id_column="customer_id", target_columns=["churned"],
            submission_kind="label", metric="accuracy", layout="tabular",
            labels_file="train.csv", train_id_column="customer_id", label_columns=["churned"],
            label_kind="name", test_source="csv", test_file="test.csv",
            test_id_column="customer_id", classes=["False", "True"], n_train=24, n_test=8),
        "Ids like 00037 keep their zeros; plan 'NA' means no plan; the sample writes False.",
        _build_bool_target),
    # Unsupported layouts: a detector must refuse each one.
    ReplicaFacts(
        "iwildcam-2020-fgvc7", "COCO-style JSON labels + flat folders (unsupported)",
        ("iwildcam2020_train_annotations.json", "iwildcam2020_test_information.json",
         "iwildcam2020_megadetector_results.json", "sample_submission.csv", "train/", "test/"),
        {"sample_submission.csv": ["Id", "Category"]},
        _unsupported("coco-json", "Id", ["Category"], 6, 4, "accuracy"),
        "Labels only in annotations[] joined to images[]; sparse category ids.",
        _build_iwildcam_2020),
    ReplicaFacts(
        "herbarium-2021-fgvc8", "COCO-style JSON labels + nested image folders (unsupported)",
        ("train/metadata.json", "test/metadata.json", "sample_submission.csv",
         "train/images/000/01/", "train/images/001/02/", "test/images/000/"),
        {"sample_submission.csv": ["Id", "Predicted"]},
        _unsupported("coco-json", "Id", ["Predicted"], 6, 4, "macro_f1"),
        "Nested folders 000/01 look like classes but only metadata.json labels them.",
        _build_herbarium_2021),
    ReplicaFacts(
        "rsna-breast-cancer-detection", "DICOM nested by patient (unsupported)",
        ("train.csv", "test.csv", "sample_submission.csv", "train_images/10006/",
         "test_images/10008/"),
        {"train.csv": RSNA_TRAIN_COLUMNS, "test.csv": RSNA_TEST_COLUMNS,
         "sample_submission.csv": ["prediction_id", "cancer"]},
        _unsupported("dicom", "prediction_id", ["cancer"], 8, 2, None),
        "Only .dcm images; several images map to one prediction_id.",
        _build_rsna),
    ReplicaFacts(
        "cdiscount-image-classification-challenge", "images inside BSON (unsupported)",
        ("train.bson", "train_example.bson", "test.bson", "category_names.csv",
         "sample_submission.csv"),
        {"category_names.csv": ["category_id", "category_level1", "category_level2",
                                "category_level3"],
         "sample_submission.csv": ["_id", "category_id"]},
        _unsupported("bson", "_id", ["category_id"], 4, 3, "accuracy"),
        "JPEG bytes inside BSON documents, one or two pictures per product.",
        _build_cdiscount),
    ReplicaFacts(
        "seti-breakthrough-listen", ".npy arrays sharded by the id's first character "
        "(unsupported)",
        ("train_labels.csv", "sample_submission.csv", "train/", "test/"),
        {"train_labels.csv": ["id", "target"], "sample_submission.csv": ["id", "target"]},
        _unsupported("npy", "id", ["target"], 6, 4, "roc_auc"),
        "Shard folders 0-f look like class folders but are not.",
        _build_seti),
    ReplicaFacts(
        "human-protein-atlas-image-classification",
        "four single-channel files per sample (unsupported)",
        ("train.csv", "sample_submission.csv", "train/", "test/"),
        {"train.csv": ["Id", "Target"], "sample_submission.csv": ["Id", "Predicted"]},
        _unsupported("multi-file", "Id", ["Predicted"], 5, 3, "macro_f1"),
        "<Id>_red/green/blue/yellow.png make one sample.",
        _build_protein_atlas),
    ReplicaFacts(
        "tgs-salt-identification-challenge", "images + masks, RLE submission (unsupported)",
        ("train.csv", "depths.csv", "sample_submission.csv", "train/images/", "train/masks/",
         "test/images/"),
        {"train.csv": ["id", "rle_mask"], "depths.csv": ["id", "z"],
         "sample_submission.csv": ["id", "rle_mask"]},
        _unsupported("segmentation", "id", ["rle_mask"], 6, 4, None),
        "Column-major, 1-indexed RLE; an empty mask is an empty string.",
        _build_tgs_salt),
    ReplicaFacts(
        "spooky-author-identification", "text classification (unsupported)",
        ("train.csv", "test.csv", "sample_submission.csv"),
        {"train.csv": ["id", "text", "author"], "test.csv": ["id", "text"],
         "sample_submission.csv": ["id", "EAP", "HPL", "MWS"]},
        _unsupported("text", "id", ["EAP", "HPL", "MWS"], 9, 3, "log_loss"),
        "Free text; the submission is one probability column per author.",
        _build_spooky),
    ReplicaFacts(
        "jigsaw-toxic-comment-classification-challenge",
        "text multi-label with indicator columns (unsupported)",
        ("train.csv", "test.csv", "test_labels.csv", "sample_submission.csv"),
        {"train.csv": ["id", "comment_text", *JIGSAW_LABELS], "test.csv": ["id", "comment_text"],
         "test_labels.csv": ["id", *JIGSAW_LABELS],
         "sample_submission.csv": ["id", *JIGSAW_LABELS]},
        _unsupported("text", "id", JIGSAW_LABELS, 6, 4, "roc_auc"),
        "Comments hold newlines and quotes; test_labels.csv marks unscored rows with -1.",
        _build_jigsaw),
    ReplicaFacts(
        "tensorflow-speech-recognition-challenge", "audio in folders per word (unsupported)",
        ("sample_submission.csv", "train/audio/yes/", "train/audio/_background_noise_/",
         "train/validation_list.txt", "test/audio/"),
        {"sample_submission.csv": ["fname", "label"]},
        _unsupported("audio", "fname", ["label"], 6, 4, "accuracy"),
        ".wav clips; word folders map to 12 submission labels.",
        _build_speech),
    ReplicaFacts(
        "whale-categorization-playground", "ranked top-5 submission (unsupported)",
        ("train.csv", "sample_submission.csv", "train/", "test/"),
        {"train.csv": ["Image", "Id"], "sample_submission.csv": ["Image", "Id"]},
        _unsupported("top-k", "Image", ["Id"], 6, 4, None),
        "The column named Id is the label; five ranked labels per row (MAP@5).",
        _build_whale),
    ReplicaFacts(
        "hotel-id-2021-fgvc8", "ranked top-5 submission, folders by a non-target column "
        "(unsupported)",
        ("train.csv", "sample_submission.csv", "train_images/0/", "train_images/5/",
         "test_images/"),
        {"train.csv": ["image", "chain", "hotel_id", "timestamp"],
         "sample_submission.csv": ["image", "hotel_id"]},
        _unsupported("top-k", "image", ["hotel_id"], 6, 3, None),
        "Train folders are hotel chains, not the target hotel_id.",
        _build_hotel_id),
    ReplicaFacts(
        "statoil-iceberg-classifier-challenge", "images as arrays inside JSON (unsupported)",
        ("data/processed/train.json", "data/processed/test.json", "sample_submission.csv"),
        {"sample_submission.csv": ["id", "is_iceberg"]},
        _unsupported("json", "id", ["is_iceberg"], 6, 4, "log_loss"),
        "Bands are flat float lists (shortened to 8x8 here; 75x75 in the real data); "
        "inc_angle is 'na' in some rows.",
        _build_statoil),
    ReplicaFacts(
        "denoising-dirty-documents", "image-to-image, pixel-melted submission (unsupported)",
        ("train/", "train_cleaned/", "test/", "sampleSubmission.csv"),
        {"sampleSubmission.csv": ["id", "value"]},
        _unsupported("image-to-image", "id", ["value"], 3, 192, "rmse",
                     submission_file="sampleSubmission.csv"),
        "One submission row per test pixel, <image>_<row>_<col>.",
        _build_denoising),
]

REPLICAS: dict[str, ReplicaFacts] = {facts.slug: facts for facts in _FACTS}
