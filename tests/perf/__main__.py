"""Run every benchmark in tests/perf and write one JSON report (``make bench``).

A benchmark is a module ``tests/perf/bench_*.py``. Each runs in a process of
its own (benchmarks build their own Qt application and measure memory): one
that defines ``run() -> dict[str, object]`` is called through
``python -m tests.perf --one NAME``; one without is run as
``python -m tests.perf.NAME --out FILE`` and the JSON it writes is read. The
report (machine, time, each benchmark's figures and wall time, or its error)
goes to bench-report.json at the repo root, and a short table is printed.

    python -m tests.perf [--only bench_cache ...] [--out bench-report.json] [--timeout 900]
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PERF_DIR = Path(__file__).resolve().parent
REPO_ROOT = PERF_DIR.parents[1]
PACKAGE = "tests.perf"


@dataclass(frozen=True)
class Benchmark:
    """One benchmark module and whether it offers ``run()``."""

    name: str
    has_run: bool


@dataclass(frozen=True)
class Outcome:
    """What one benchmark produced: its figures, or why it has none; its wall time."""

    figures: dict[str, object] | None
    error: str | None
    seconds: float


def discover(directory: Path = PERF_DIR) -> list[Benchmark]:
    """The ``bench_*.py`` modules of ``directory``, by name (read, not imported)."""
    found = []
    for path in sorted(directory.glob("bench_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        has_run = any(
            isinstance(node, ast.FunctionDef) and node.name == "run" for node in tree.body
        )
        found.append(Benchmark(name=path.stem, has_run=has_run))
    return found


def command(benchmark: Benchmark, out: Path) -> list[str]:
    """The command line that runs ``benchmark`` and leaves its figures (JSON) in ``out``."""
    if benchmark.has_run:
        return [sys.executable, "-m", PACKAGE, "--one", benchmark.name, "--out", str(out)]
    return [sys.executable, "-m", f"{PACKAGE}.{benchmark.name}", "--out", str(out)]


def execute(benchmark: Benchmark, timeout_s: float) -> Outcome:
    """Run ``benchmark`` in a child process and read its figures."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="atp-bench-") as tmp:
        out = Path(tmp) / "figures.json"
        try:
            done = subprocess.run(
                command(benchmark, out),
                cwd=REPO_ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Outcome(
                None, f"timed out after {timeout_s:.0f} s", time.perf_counter() - started
            )
        seconds = time.perf_counter() - started
        if done.returncode != 0 or not out.exists():
            tail = " | ".join(done.stderr.strip().splitlines()[-5:])
            return Outcome(None, f"exit status {done.returncode}: {tail}", seconds)
        figures = json.loads(out.read_text(encoding="utf-8"))
    if not isinstance(figures, dict):
        return Outcome(None, "its report is not a JSON object", seconds)
    return Outcome(figures, None, seconds)


def run_one(name: str, out: Path) -> int:
    """In the child: import ``tests.perf.<name>``, call its ``run()``, write the figures."""
    module = importlib.import_module(f"{PACKAGE}.{name}")
    figures = module.run()
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


def machine() -> dict[str, object]:
    """What the figures were measured on."""
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def rows(prefix: str, value: object) -> list[tuple[str, str]]:
    """Flatten nested figures into (dotted name, value) rows of the numbers and flags."""
    if isinstance(value, dict):
        return [row for key, item in value.items() for row in rows(f"{prefix}.{key}", item)]
    if isinstance(value, bool | int | float):
        return [(prefix, str(value))]
    return []


def table(results: dict[str, Outcome]) -> str:
    """The printed summary: one line per figure, one per failed benchmark."""
    lines: list[tuple[str, str]] = []
    for name, outcome in results.items():
        lines.append((name, f"{outcome.seconds:.1f} s wall"))
        if outcome.figures is None:
            lines.append((f"{name}.error", str(outcome.error)))
        else:
            lines += rows(name, outcome.figures)
    width = max(len(label) for label, _ in lines)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, write the report, print the table; non-zero if one failed."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench-report.json")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per benchmark")
    parser.add_argument("--one", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        return run_one(args.one, args.out)
    benchmarks = [b for b in discover() if not args.only or b.name in args.only]
    unknown = set(args.only) - {b.name for b in benchmarks}
    if unknown:
        parser.error(f"no such benchmark: {', '.join(sorted(unknown))}")
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results: dict[str, Outcome] = {}
    for benchmark in benchmarks:
        print(f"running {benchmark.name} ...", file=sys.stderr, flush=True)
        results[benchmark.name] = execute(benchmark, args.timeout)
    report = {
        "time": started_at,
        "machine": machine(),
        "benchmarks": {
            name: {"seconds": round(outcome.seconds, 1), "figures": outcome.figures}
            if outcome.error is None
            else {"seconds": round(outcome.seconds, 1), "error": outcome.error}
            for name, outcome in results.items()
        },
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    print(f"report written to {args.out}")
    return 0 if all(outcome.error is None for outcome in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
