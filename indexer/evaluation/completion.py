"""Autocomplete and prefix-query evaluation on the real sample corpus.

    python -m indexer.evaluation.completion [--shared DIR] [--index DIR | --index-dir DIR] [--misses]

Success@5: for each prefix of `data/completion-prefixes.tsv` (what a person has typed so far, taken
from the dev queries by the rule written at the top of that file), whether the intended completion
is among the first five the engine offers (`SearchEngine.suggest`). A completion counts when its
words, accent-folded and lowercased, start with the intended words. Prints it with the p50/p95
time per prefix (after the generation's vocabulary is built, as a server builds it on start), and
the cold time of prefix queries (`co*`, `vac*`…): a freshly opened engine per query, nothing cached
but the vocabulary. `<shared>` defaults to the `shared` folder next to the repository.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis import fold

PREFIXES_FILE = Path(__file__).resolve().parent / "data" / "completion-prefixes.tsv"
TARGET = 0.90  # success@5
SHOWN = 5
COLD_PREFIX_QUERIES = ("co*", "in*", "ma*", "vac*", "sal*", "den*", "p*")
COLD_TARGET_MS = 300.0  # p95 of a prefix query on a freshly opened engine, dev corpus


@dataclass
class CompletionScore:
    total: int = 0
    found: int = 0
    times_ms: list[float] = field(default_factory=list)
    misses: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def success(self) -> float:
        return self.found / self.total if self.total else 0.0


def load_prefixes(path: Path = PREFIXES_FILE) -> list[tuple[str, str, str]]:
    """(prefix, intended, source) rows; lines starting with # are the file's notes."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [(row["prefix"], row["intended"], row["source"]) for row in csv.DictReader(lines, delimiter="\t")]


def _words(text: str) -> list[str]:
    return [fold(w) for w in text.replace("-", " ").split()]


def counts(completion: str, intended: str) -> bool:
    """The completion's words, folded, start with the intended words ("covid oaxaca" for "covid oax…")."""
    want, got = _words(intended), _words(completion)
    return got[:len(want)] == want


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))] if ordered else 0.0


def evaluate(engine, rows: list[tuple[str, str, str]] | None = None) -> CompletionScore:
    """Success@5 and time per prefix of `engine.suggest` (its vocabulary built first, untimed)."""
    rows = load_prefixes() if rows is None else rows
    engine.suggest("vacu")  # builds the generation's vocabulary, as a server does on start
    score = CompletionScore()
    for prefix, intended, _ in rows:
        started = time.perf_counter()
        offered = engine.suggest(prefix)
        score.times_ms.append((time.perf_counter() - started) * 1000)
        score.total += 1
        if any(counts(c, intended) for c in offered[:SHOWN]):
            score.found += 1
        else:
            score.misses.append((prefix, intended, offered[:SHOWN]))
    return score


def cold_prefix_latency(index_dir: Path, queries=COLD_PREFIX_QUERIES) -> dict[str, float]:
    """Milliseconds of each prefix query on a freshly opened engine (no answer, document-set, term or
    prefix cache), the generation's vocabulary already built as a server builds it on start."""
    from .. import prefixes, suggest
    from ..search import SearchEngine, SearchRequest

    times = {}
    for query in queries:
        engine = SearchEngine(Path(index_dir), warm=False)
        suggest.vocabulary(engine.generation().searcher())
        prefixes.forget()
        started = time.perf_counter()
        engine.search(SearchRequest(query=query))
        times[query] = (time.perf_counter() - started) * 1000
    return times


def cold_prefix_line(times: dict[str, float]) -> str:
    values = list(times.values())
    p95 = percentile(values, 0.95)
    each = ", ".join(f"{q} {ms:.0f}" for q, ms in times.items())
    return (f"Consultas por prefijo en frío: p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms "
            f"({'PASS' if p95 <= COLD_TARGET_MS else 'MISS'} vs {COLD_TARGET_MS:.0f} ms; {each})")


def report(engine, out=sys.stdout, misses: bool = False) -> CompletionScore:
    """Prints success@5 and latency of autocomplete, then cold prefix-query latency."""
    score = evaluate(engine)
    out.write(f"Autocompletado: éxito@{SHOWN} {score.success:.3f} ({score.found}/{score.total} prefijos de "
              f"{PREFIXES_FILE.name}; objetivo ≥ {TARGET:.2f}: {'cumplido' if score.success >= TARGET else 'NO cumplido'}), "
              f"p50 {statistics.median(score.times_ms):.1f} ms, p95 {percentile(score.times_ms, 0.95):.1f} ms\n")
    if misses:
        for prefix, intended, offered in score.misses:
            out.write(f"  FALLA {prefix!r} → {intended!r}: {offered}\n")
    out.write(cold_prefix_line(cold_prefix_latency(engine.index_dir)) + "\n")
    return score


def main(argv: list[str] | None = None) -> int:
    from ..search import SearchEngine
    from .search import DEFAULT_CACHE, DEFAULT_SHARED, prepare

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding corpus/ (default: ../shared)")
    parser.add_argument("--index", type=Path, default=DEFAULT_CACHE,
                        help="the known-item evaluation's cache folder, built when missing or stale (default: index-eval/)")
    parser.add_argument("--index-dir", type=Path, help="an index already built over the corpus, only read")
    parser.add_argument("--misses", action="store_true", help="list the prefixes whose completion was missed")
    args = parser.parse_args(argv)
    if args.index_dir is not None:
        engine = SearchEngine(args.index_dir, warm=False)
    else:
        if not (args.shared / "corpus").is_dir():
            print(f"No encuentro {args.shared / 'corpus'}: indique --shared.", file=sys.stderr)
            return 2
        systems, _ = prepare(args.shared, args.index, rebuild=False, with_baselines=False)
        engine = systems[0].engine
    report(engine, misses=args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
