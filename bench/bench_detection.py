"""Layout detection on a competition of 200,000 files, against one plain walk of its tree.

The design's target: ``kagglekit inspect --json DIR`` as a whole process (start-up,
imports, the walk, the tables, the checks and the images it opens) within 5 times a
process that imports pandas and walks the same tree once with ``os.scandir``.

The competition is written once into a folder that later runs reuse: minimal PNG files
in ``train_images/`` and ``test_images/``, a ``train.csv`` of ids and labels and a
``sample_submission.csv``. Both commands run a few times, alternating, after one
warm-up each (so both read a warm file-system cache); the medians are compared.

    python bench/bench_detection.py [--files 200000] [--repeat 5] [--folder PATH]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

TARGET_RATIO = 5.0
TEST_SHARE = 0.1
CLASSES = ["cat", "dog", "fox", "owl", "elk", "yak", "emu", "bat", "ant", "bee"]

WALK = """
import os
import pandas

def walk(path):
    count = 0
    with os.scandir(path) as entries:
        for entry in entries:
            if entry.is_dir():
                count += walk(entry.path)
            else:
                count += 1
    return count

print(walk({folder!r}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200_000, help="image files to write")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--folder", type=Path, default=None, help="where to build it")
    args = parser.parse_args()

    folder = args.folder or Path(tempfile.gettempdir()) / f"kagglekit-bench-{args.files}"
    build_competition(folder, args.files)
    baseline = [sys.executable, "-c", WALK.format(folder=str(folder))]
    inspect = [sys.executable, "-m", "kagglekit", "inspect", "--json", str(folder)]

    for command in (baseline, inspect):
        run(command)  # warm-up: the file-system cache and the byte-code caches
    walks, inspections = [], []
    for _ in range(args.repeat):
        walks.append(run(baseline))
        inspections.append(run(inspect))

    walk_time, inspect_time = statistics.median(walks), statistics.median(inspections)
    ratio = inspect_time / walk_time
    print(f"competition: {folder} ({args.files:,} image files)")
    print(f"baseline (import pandas + one os.scandir walk): median {walk_time:.2f} s "
          f"(runs: {_seconds(walks)})")
    print(f"kagglekit inspect --json: median {inspect_time:.2f} s "
          f"(runs: {_seconds(inspections)})")
    verdict = "meets" if ratio < TARGET_RATIO else "misses"
    print(f"ratio: {ratio:.2f} ({verdict} the target of under {TARGET_RATIO:g})")
    return 0


def run(command: list[str]) -> float:
    """Seconds one command takes as a whole process; a failure ends the bench."""
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.exit(f"{command[1:4]} failed: {completed.stderr.strip()[-2000:]}")
    return elapsed


def build_competition(folder: Path, files: int) -> None:
    """Write the competition once; a finished one is reused."""
    marker = folder / ".complete"
    if marker.exists():
        return
    test_count = int(files * TEST_SHARE)
    train_count = files - test_count
    png = _minimal_png()
    print(f"writing {files:,} image files into {folder} (once)...", file=sys.stderr)
    for split, count, offset in (("train", train_count, 0), ("test", test_count, train_count)):
        images = folder / f"{split}_images"
        images.mkdir(parents=True, exist_ok=True)
        for n in range(offset, offset + count):
            with open(images / f"{n:08x}.png", "wb") as handle:
                handle.write(png)
    with open(folder / "train.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["image_id", "label"])
        writer.writerows([f"{n:08x}", CLASSES[n % len(CLASSES)]] for n in range(train_count))
    with open(folder / "sample_submission.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["image_id", "label"])
        writer.writerows([f"{n:08x}", CLASSES[0]] for n in range(train_count, files))
    marker.touch()


def _minimal_png() -> bytes:
    """A valid 1x1 grey PNG, written by hand (67 bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x80")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(
        b"IEND", b""
    )


def _seconds(times: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in times)


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main())
