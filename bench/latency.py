"""Timing the search job: latency samples, percentiles, and running a query set against a system.

Kept apart from `bench.run` (and free of engine imports) so that `bench.stock_whoosh` can time
default Whoosh in an interpreter where Boletines' engine was never imported.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from .queries import BenchQuery


@dataclass
class Latency:
    samples_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    mean_total: float = 0.0

    def add(self, wall_ms: float, cpu_ms: float, label: str) -> None:
        self.samples_ms.append(wall_ms)
        self.cpu_ms.append(cpu_ms)
        self.slowest.append((wall_ms, label))

    def summary(self) -> dict:
        data = {"n": len(self.samples_ms), **percentiles(self.samples_ms),
                "cpu_mean": statistics.fmean(self.cpu_ms) if self.cpu_ms else None,
                "mean_total": self.mean_total}
        data["slowest"] = [{"ms": round(ms, 2), "query": q} for ms, q in sorted(self.slowest, reverse=True)[:5]]
        return data


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "mean": None}
    if len(values) == 1:
        return {"p50": values[0], "p95": values[0], "p99": values[0], "mean": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "mean": statistics.fmean(values)}


def label(q: BenchQuery) -> str:
    extras = [f"agencia={'|'.join(q.agencies)}"] if q.agencies else []
    if q.from_text or q.to_text:
        extras.append(f"fechas={q.from_text}..{q.to_text}")
    return " ".join([q.query, *extras])


def time_calls(call, queries: list[BenchQuery], rounds: int, before=None) -> Latency:
    """Run `call(query)` for every query, `rounds` times round-robin; `before()` runs untimed first."""
    latency = Latency()
    totals = []
    for _ in range(rounds):
        for q in queries:
            if before is not None:
                before()
            wall, cpu = time.perf_counter(), time.process_time()
            answer = call(q)
            latency.add((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, label(q))
            totals.append(answer["total"])
    latency.mean_total = statistics.fmean(totals) if totals else 0.0
    return latency


def search_baseline(system, queries: list[BenchQuery], rounds: int, call=None) -> Latency:
    """Time `call(query)` (default `system.search`) after one untimed search opens `system`; closes it."""
    call = call or system.search
    call(queries[0])  # open it
    try:
        return time_calls(call, queries, rounds)
    finally:
        system.close()
