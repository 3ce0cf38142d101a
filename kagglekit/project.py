"""``kagglekit new``: from a competition name to a ready project.

The steps: find the competition's files (the demo builder, a folder or zip the user
has, or a download into the shared cache), detect their layout (or read a spec the
user wrote), then render the project. A new project is assembled in a staging folder
beside its destination and moved into place at the end, so a failure leaves nothing
half-made behind.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kagglekit import cache, demo, scaffold
from kagglekit.errors import ProjectExistsError, ProjectError
from kagglekit.params import PARAMS_FILE
from kagglekit.spec import SPEC_FILE, CompetitionSpec, load_spec

logger = logging.getLogger(__name__)

DATA_LINK = "data"
SOLUTION_FILE = ".kagglekit/solution.csv"


@dataclass
class CompetitionSource:
    """Where a competition's files are and what Kaggle says about it."""

    slug: str
    title: str
    data_dir: Path | None  # None for the demo, whose files are built in the project
    kaggle_metric: str | None = None
    kernels_only: bool = False


def create_project(
    name: str,
    directory: Path | None = None,
    data: Path | None = None,
    spec_file: Path | None = None,
    force: bool = False,
    keep_archives: bool = False,
) -> Path:
    """Create (or with ``force`` refresh) the project for competition ``name``."""
    if not name.strip():
        raise ProjectError("give a competition name or slug, e.g. `kagglekit new titanic`")
    if name == demo.SLUG and data is None:
        source = CompetitionSource(demo.SLUG, demo.TITLE, None, kaggle_metric="accuracy")
    else:
        source = _find_competition(name, data, keep_archives, directory, force)
    target = Path(directory or source.slug).resolve()
    _check_target(target, force)

    exists = target.exists()
    build_dir = target if exists else _staging_beside(target)
    try:
        _fill_project(build_dir, source, spec_file)
    except BaseException:
        if not exists:
            shutil.rmtree(build_dir, ignore_errors=True)
        raise
    if not exists:
        build_dir.rename(target)
        _give_usual_permissions(target)
    if source.data_dir is not None:
        cache.note_project(source.slug, source.data_dir, target)
    logger.info("project ready in %s", target)
    return target


def _find_competition(
    name: str, data: Path | None, keep_archives: bool, directory: Path | None, force: bool
) -> CompetitionSource:
    if data is not None:
        slug = _slug_from_name(name)
        return CompetitionSource(slug, slug, cache.use_local_data(Path(data), slug))

    from kagglekit.kaggle_client import connect

    connection = connect()
    info = connection.resolve(name)
    # Refuse before downloading, not after.
    _check_target(Path(directory or info.slug).resolve(), force)
    files = cache.fetch_competition(connection, info, keep_archives=keep_archives)
    return CompetitionSource(info.slug, info.title, files, info.metric, info.kernels_only)


def _check_target(target: Path, force: bool) -> None:
    if target.exists() and scaffold.is_project(target) and not force:
        raise ProjectExistsError(
            f"{target} is already a kagglekit project; use --force to refresh it "
            "(files you changed are kept and the new versions written as .new)"
        )
    if target.exists() and not target.is_dir():
        raise ProjectError(f"{target} exists and is not a folder; choose another folder")
    if target.exists() and any(target.iterdir()) and not scaffold.is_project(target) and not force:
        raise ProjectError(
            f"{target} exists and is not empty; choose another folder or use --force"
        )


def _fill_project(project_dir: Path, source: CompetitionSource, spec_file: Path | None) -> None:
    data_link = project_dir / DATA_LINK
    if source.data_dir is None:
        if not data_link.exists():
            demo.build_demo(data_link, project_dir / SOLUTION_FILE)
        data_in_spec = DATA_LINK
    else:
        data_in_spec = _link_data(data_link, source.data_dir)

    spec = _spec_for(project_dir, source, spec_file, data_in_spec)
    if source.data_dir is None:
        spec = spec.model_copy(update={"solution_file": SOLUTION_FILE})
    family = "image" if spec.task.is_image else "tabular"
    generated = {
        SPEC_FILE: spec.to_yaml(),
        PARAMS_FILE: default_params_text(family, demo_project=source.data_dir is None),
    }
    context = {
        "slug": spec.slug,
        "title": spec.title,
        "task": spec.task.value,
        "metric": spec.metric.name,
    }
    scaffold.render(project_dir, context, family, generated)
    (project_dir / "runs").mkdir(exist_ok=True)


def _spec_for(
    project_dir: Path, source: CompetitionSource, spec_file: Path | None, data_in_spec: str
) -> CompetitionSpec:
    if spec_file is not None:
        spec = load_spec(Path(spec_file))
        return spec.model_copy(update={"data_dir": data_in_spec})

    from kagglekit.detection import detect
    from kagglekit.detection.checks import check_detection

    data_path = project_dir / DATA_LINK if source.data_dir is None else source.data_dir
    detection = detect(
        data_path,
        slug=source.slug,
        title=source.title,
        kaggle_metric=source.kaggle_metric,
        data_dir_in_spec=data_in_spec,
    )
    # What `inspect` would warn about, said now: such a project may run but not submit.
    for warning in check_detection(detection, Path(data_path))[0]:
        logger.warning("%s (see `kagglekit inspect`)", warning)
    return detection.spec.model_copy(update={"kernels_only": source.kernels_only})


def _link_data(link: Path, data_dir: Path) -> str:
    """Point ``data`` at the competition's files; the spec's data_dir to use."""
    data_dir = data_dir.resolve()
    if link.is_symlink() or link.exists():
        return DATA_LINK if link.resolve() == data_dir else str(data_dir)
    try:
        link.symlink_to(data_dir, target_is_directory=True)
    except OSError:
        logger.info("cannot link %s here; the project reads the files from %s", link, data_dir)
        return str(data_dir)
    return DATA_LINK


def _staging_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))


def _give_usual_permissions(folder: Path) -> None:
    """A staging folder is private; the finished project gets the umask's permissions."""
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)


def _slug_from_name(name: str) -> str:
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.strip().lower())
    if not slug.strip("-_"):
        raise ProjectError(f"{name!r} is not a usable competition name; use letters and digits")
    return slug.strip("-")


def default_params_text(family: str, demo_project: bool = False) -> str:
    """The ``params.yaml`` of a new project: the knobs users turn most, commented."""
    workers = 0 if platform.system() in ("Windows", "Darwin") else min(8, os.cpu_count() or 1)
    if demo_project:
        return DEMO_PARAMS
    if family == "tabular":
        return TABULAR_PARAMS.format(num_workers=workers)
    return IMAGE_PARAMS.format(num_workers=workers)


IMAGE_PARAMS = """\
# Parameters for every run of this project; `kagglekit run -p key=value` overrides one run.
# A parameter can be any name declared in a notebook's `parameters` cell.
arch: resnet34          # torchvision or timm architecture, e.g. resnet18, convnext_tiny
pretrained: true        # start from ImageNet weights
size: 224               # image side in pixels
batch_size: 64
epochs: 5
lr: 0.002
valid_pct: 0.2
seed: 42
tta: false              # test-time augmentation in 03_inference
threshold: auto         # below this confidence a prediction is `unknown`
target_accuracy: 0.95   # the accuracy `threshold: auto` chooses the threshold for
num_workers: {num_workers}
"""

TABULAR_PARAMS = """\
# Parameters for every run of this project; `kagglekit run -p key=value` overrides one run.
# A parameter can be any name declared in a notebook's `parameters` cell.
batch_size: 256
epochs: 5
lr: 0.01
valid_pct: 0.2
seed: 42
threshold: auto         # below this confidence a prediction is `unknown`
target_accuracy: 0.95   # the accuracy `threshold: auto` chooses the threshold for
num_workers: {num_workers}
"""

DEMO_PARAMS = """\
# Parameters for every run of the demo; `kagglekit run -p key=value` overrides one run.
# The digits are tiny (8x8, grey): a small network trained from scratch on the CPU
# beats 0.97 accuracy in about a minute. ImageNet weights add nothing here.
arch: resnet18
pretrained: false
size: 32
batch_size: 64
epochs: 8
lr: 0.004
find_lr: false          # the learning-rate finder costs as much as training here
flip: false             # a mirrored 2 is not a 2
valid_pct: 0.2
seed: 42
tta: false
threshold: auto
target_accuracy: 0.99
num_workers: 0
"""
