"""Timing a callable the way every bench script reports it: warmed once, then median and p95."""

from __future__ import annotations

import statistics
import time


def timed(fn, runs: int) -> list[float]:
    fn()  # warm the caches the way a running server has them warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return f"median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms"
