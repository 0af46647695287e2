"""Time a full catalog check: ``check_all()`` over every entry, parameter set and dtype.

Run from the repository root with the project's interpreter:

    .venv/bin/python code/benchmarks/bench_catalog.py

Prints the seconds of a cold run (sympy expressions built and lambdified for the first time)
and of warm runs (compiled functions cached), and exits with status 1 if any check fails.
"""

from __future__ import annotations

import statistics
import sys
import time


def main() -> int:
    start = time.perf_counter()
    import torchcourse as tc  # imported here: the import is part of what a notebook pays

    import_seconds = time.perf_counter() - start

    start = time.perf_counter()
    results = tc.check_all()
    cold = time.perf_counter() - start

    warm = []
    for _ in range(5):
        start = time.perf_counter()
        tc.check_all()
        warm.append(time.perf_counter() - start)

    failures = [r for r in results if not r.ok]
    points = sum(r.n_points for r in results)
    print(f"import torchcourse: {import_seconds:.2f} s")
    print(f"check_all(): {len(results)} checks, {points} points, "
          f"{len(failures)} failures")
    print(f"check_all() cold: {cold:.2f} s")
    print(f"check_all() warm: {statistics.median(warm):.2f} s (median of {len(warm)})")
    for result in failures:
        print(f"  FAILED {result}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
