"""Topical search, graded: does a ranking put first what a reader judges to be about the need?

    python -m indexer.evaluation.topical [--shared DIR] [--index DIR] [--reuse] [--pool FILE]

Reads the queries of `data/topical-queries.tsv` (id, query, need) and the grades of
`data/topical-judged.tsv` (id, path, grade: 2 about the need, 1 partly or a fact in passing, 0 a word
match only; paths relative to `<shared>/corpus`; how they were made is in `data/topical-README.md`).
Runs Boletines, SQLite FTS5 (bm25, title ×2, every word, else any word) and Whoosh's default Spanish
setup over the same files and prints, per bulletin (files of one bulletin count once, with the best
grade any of them has), nDCG@10 and P@10 (share of the first 10 graded 1 or 2) of each, the queries
where Boletines is furthest below FTS5, and judged@10 (share of each system's first 10 that is graded).

`--pool FILE` writes the bulletins still to grade (Boletines' first 20, the baselines' first 10) as
id, query, path rows, for graders to read.
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
QUERIES_FILE = DATA / "topical-queries.tsv"
JUDGED_FILE = DATA / "topical-judged.tsv"
K = 10
POOL_OURS, POOL_BASELINES = 20, 10
FTS5_TITLE_WEIGHT = 2.0


@dataclass(frozen=True)
class Topic:
    id: str
    query: str
    need: str


def load_topics(path: Path = QUERIES_FILE) -> list[Topic]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [Topic(row["id"].strip(), row["query"].strip(), (row.get("need") or "").strip())
                for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row.get("query")]


def load_grades(path: Path = JUDGED_FILE) -> dict[str, dict[str, int]]:
    """{topic id: {path: grade}}; an empty dict when nothing is graded yet."""
    if not path.is_file():
        return {}
    grades: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            grades.setdefault(row["id"].strip(), {})[row["path"].strip()] = int(row["grade"])
    return grades


# --- metrics ----------------------------------------------------------------------------------

def bulletin_grades(hits: list[list[str]], grades: dict[str, int], same: dict[str, str]) -> list[int | None]:
    """The grade of each hit counted once per bulletin: files `same` maps to one bulletin collapse to the
    first; a hit takes the best grade of its files (None when none of them is graded)."""
    seen, out = set(), []
    for paths in hits:
        key = same.get(paths[0], paths[0])
        if key in seen:
            continue
        seen.add(key)
        known = [grades[p] for p in paths if p in grades]
        out.append(max(known) if known else None)
    return out


def ideal(grades: dict[str, int], same: dict[str, str]) -> list[int]:
    best: dict[str, int] = {}
    for path, grade in grades.items():
        key = same.get(path, path)
        best[key] = max(grade, best.get(key, 0))
    return sorted(best.values(), reverse=True)


def dcg(gains: list[int | None], k: int = K) -> float:
    return sum((2 ** (g or 0) - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg(gains: list[int | None], ideal_gains: list[int], k: int = K) -> float:
    best = dcg(ideal_gains, k)
    return dcg(gains, k) / best if best else 0.0


def precision(gains: list[int | None], k: int = K) -> float:
    return sum(1 for g in gains[:k] if g) / k


def judged(gains: list[int | None], k: int = K) -> float:
    top = gains[:k]
    return sum(1 for g in top if g is not None) / len(top) if top else 1.0


# --- systems ----------------------------------------------------------------------------------

class Fts5TitleBoost:
    """The FTS5 baseline as a careful person sets it up: bm25 with the title ×2, every word, else any word."""

    name = "SQLite FTS5"

    def __init__(self, fts5):
        self.fts5 = fts5

    def search(self, query: str, limit: int = K) -> list[list[str]]:
        return self.fts5.search(query, limit, title_weight=FTS5_TITLE_WEIGHT, any_word_fallback=True)


def same_bulletin(engine) -> dict[str, str]:
    """Every file path of the index → the id of the bulletin it belongs to (near-identical files merge)."""
    searcher = engine.generation().searcher()
    out = {}
    for fields in searcher.all_stored_fields():
        for path in fields.get("paths") or [fields["path"]]:
            out[path] = fields["id"]
    return out


@dataclass
class Result:
    topic: Topic
    ndcg: dict[str, float]
    precision: dict[str, float]
    judged: dict[str, float]


def evaluate(systems, topics: list[Topic], grades: dict, same: dict[str, str]) -> list[Result]:
    results = []
    for topic in topics:
        mine = grades.get(topic.id, {})
        best = ideal(mine, same)
        r = Result(topic, {}, {}, {})
        for system in systems:
            gains = bulletin_grades(system.search(topic.query, K * 2), mine, same)
            r.ndcg[system.name] = ndcg(gains, best)
            r.precision[system.name] = precision(gains)
            r.judged[system.name] = judged(gains)
        results.append(r)
    return results


def pool(systems, topics: list[Topic], grades: dict, same: dict[str, str]) -> list[tuple[str, str, str]]:
    """(id, query, path) of every pooled bulletin not graded yet, one file per bulletin."""
    rows = []
    for topic in topics:
        mine = grades.get(topic.id, {})
        done = {same.get(p, p) for p in mine}
        for system in systems:
            depth = POOL_OURS if system.name == "Boletines" else POOL_BASELINES
            for paths in system.search(topic.query, depth):
                key = same.get(paths[0], paths[0])
                if key not in done:
                    done.add(key)
                    rows.append((topic.id, topic.query, paths[0]))
    return rows


def report(results: list[Result], names: list[str], out=sys.stdout, worst: int = 8) -> None:
    n = len(results)
    out.write(f"\nBúsquedas por tema (graduadas 0–2): {n} consultas de {QUERIES_FILE.name}\n\n")
    out.write(f"{'sistema':<22} nDCG@10  P@10   juzgados@10\n")
    for name in names:
        out.write(f"{name:<22} {sum(r.ndcg[name] for r in results) / n:6.3f}  "
                  f"{sum(r.precision[name] for r in results) / n:5.3f}  "
                  f"{sum(r.judged[name] for r in results) / n:5.3f}\n")
    if "SQLite FTS5" in names:
        gaps = sorted(results, key=lambda r: r.ndcg["Boletines"] - r.ndcg["SQLite FTS5"])[:worst]
        out.write("\nDonde Boletines queda más por debajo de FTS5 (nDCG@10):\n")
        for r in gaps:
            out.write(f"  {r.ndcg['Boletines']:.3f} vs {r.ndcg['SQLite FTS5']:.3f}  {r.topic.query}\n")


def systems_for(shared: Path, index: Path, reuse: bool):
    from indexer.evaluation.search import prepare

    systems, _ = prepare(shared, index, False, True, reuse=reuse)
    ours, whoosh, fts5 = systems
    return [ours, Fts5TitleBoost(fts5), whoosh]


def main(argv: list[str] | None = None) -> int:
    from indexer.evaluation.search import DEFAULT_CACHE, DEFAULT_SHARED

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--index", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--reuse", action="store_true", help="use the cached indexes even if code changed since")
    parser.add_argument("--pool", type=Path, help="write the bulletins still to grade to this TSV file")
    args = parser.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"No encuentro {args.shared / 'corpus'}: indique --shared.", file=sys.stderr)
        return 2
    topics, grades = load_topics(), load_grades()
    systems = systems_for(args.shared, args.index, args.reuse)
    same = same_bulletin(systems[0].engine)
    if args.pool:
        rows = pool(systems, topics, grades, same)
        with open(args.pool, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(["id", "query", "path"])
            writer.writerows(rows)
        print(f"{len(rows)} boletines por juzgar en {args.pool}")
        return 0
    report(evaluate(systems, topics, grades, same), [s.name for s in systems])
    return 0


if __name__ == "__main__":
    sys.exit(main())
