"""Timing a callable the way every bench script reports it: warmed once, then median and p95."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes, as /proc/loadavg gives it."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(fn, runs: int) -> list[float]:
    fn()  # warm the caches the way a running server has them warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def timed_together(fns, runs: int) -> list[list[float]]:
    """Time several callables in turns (each once a round, the order turning round by round), so a
    change in the machine's load falls on all of them alike: on a shared machine a figure and its
    floor timed one after the other can see different minutes."""
    for fn in fns:
        fn()
    samples: list[list[float]] = [[] for _ in fns]
    for round_ in range(runs):
        shift = round_ % len(fns)
        for index in [*range(shift, len(fns)), *range(shift)]:
            started = time.perf_counter()
            fns[index]()
            samples[index].append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms"


def seeded_runs(default_runs: int = 50, parser: argparse.ArgumentParser | None = None) -> int | None:
    """The --runs the script was given, after saying which database it reads; None (and a word on
    stderr) when the database has not been seeded with a county's cases. A script with options of
    its own passes its parser and reads them from it afterwards."""
    from django.db import connection

    from anju.disputes.models import Dispute

    parser = parser or argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=default_runs)
    args = parser.parse_args()
    total = Dispute.objects.count()
    print(f"database: {connection.vendor}, disputes: {total:,}")
    if total < 1000:
        print("seed first: anju seed --cases 1000000", file=sys.stderr)
        return None
    return args.runs
