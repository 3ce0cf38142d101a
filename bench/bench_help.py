"""`kagglekit --help` against `kaggle --help`, each as a whole process.

Baseline: the official client's help, in the same environment. Prints the best of several
runs of each and the ratio; the target is kagglekit faster than kaggle (ratio below 1).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

RUNS = 7


def best_time(command: list[str], env: dict) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as home:
        # A clean HOME with placeholder credentials: kaggle reads them at start-up and
        # sends nothing for --help.
        env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE_")}
        env.update(HOME=home, KAGGLE_USERNAME="bench", KAGGLE_KEY="0" * 32)
        bin_dir = os.path.dirname(sys.executable)
        kaggle = best_time([os.path.join(bin_dir, "kaggle"), "--help"], env)
        ours = best_time([os.path.join(bin_dir, "kagglekit"), "--help"], env)
    print(f"--help, best of {RUNS} runs")
    print(f"  baseline (kaggle --help):   {kaggle:5.2f} s")
    print(f"  kagglekit --help:           {ours:5.2f} s")
    print(f"  ratio: {ours / kaggle:.2f} (below 1 means kagglekit answers faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
