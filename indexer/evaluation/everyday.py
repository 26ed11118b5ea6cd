"""Queries as people type them: does the careless form find what the careful one finds?

    python -m indexer.evaluation.everyday [--shared DIR] [--index DIR] [--reuse]

Reads `<shared>/eval/everyday-dev.tsv` (columns typed, proper: "ninos" beside "niños", "SENALA"
beside "señala", "covid19" beside "covid-19") and runs both forms. A pair agrees when the typed
query finds at least 90 % as many bulletins as the proper one, shares at least 7 of its first 10
(70 % of them when it has fewer), and shows no "not every word" notice that the proper one does not. Prints every pair that disagrees, and the agreement share.
"""
from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass
from pathlib import Path

EVERYDAY_FILE = Path("eval") / "everyday-dev.tsv"
TARGET = 0.98
MIN_SHARE_OF_TOTAL = 0.9
TOP = 10
MIN_SHARED_TOP = 0.7


@dataclass(frozen=True)
class Pair:
    typed: str
    proper: str


@dataclass
class Agreement:
    pair: Pair
    typed_total: int
    proper_total: int
    shared_top: int
    top_size: int
    notice_only_typed: bool

    @property
    def agrees(self) -> bool:
        return (self.typed_total >= MIN_SHARE_OF_TOTAL * self.proper_total
                and self.shared_top >= math.ceil(MIN_SHARED_TOP * self.top_size - 1e-9)
                and not self.notice_only_typed)

    def why(self) -> str:
        reasons = []
        if self.typed_total < MIN_SHARE_OF_TOTAL * self.proper_total:
            reasons.append(f"{self.typed_total} resultados frente a {self.proper_total}")
        if self.shared_top < math.ceil(MIN_SHARED_TOP * self.top_size - 1e-9):
            reasons.append(f"comparte {self.shared_top} de los {self.top_size} primeros")
        if self.notice_only_typed:
            reasons.append("aviso de palabras que faltan solo en la escrita a la ligera")
        return "; ".join(reasons)


def load_pairs(path: Path) -> list[Pair]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [Pair(row["typed"].strip(), row["proper"].strip()) for row in rows
                if (row.get("typed") or "").strip() and (row.get("proper") or "").strip()]


def compare(response_of, pair: Pair) -> Agreement:
    """`response_of(query)` → the search JSON contract (first page of 10)."""
    typed, proper = response_of(pair.typed), response_of(pair.proper)
    proper_top = [hit["id"] for hit in proper["hits"][:TOP]]
    typed_top = {hit["id"] for hit in typed["hits"][:TOP]}
    return Agreement(pair, typed["total"], proper["total"], len(typed_top.intersection(proper_top)),
                     len(proper_top), bool(typed.get("partial")) and not proper.get("partial"))


def evaluate(engine, pairs: list[Pair]) -> list[Agreement]:
    from indexer.search import SearchRequest

    return [compare(lambda query: engine.search(SearchRequest(query=query, limit=TOP)), pair) for pair in pairs]


def report(results: list[Agreement], out=sys.stdout) -> float:
    """Prints the pairs that disagree and the agreement share; returns the share."""
    share = sum(r.agrees for r in results) / len(results) if results else 0.0
    for r in results:
        if not r.agrees:
            out.write(f"  NO: {r.pair.typed!r} vs {r.pair.proper!r}: {r.why()}\n")
    out.write(f"Escritas a la ligera: {sum(r.agrees for r in results)} de {len(results)} pares coinciden "
              f"({share:.3f}; objetivo ≥ {TARGET})\n")
    return share


def main(argv: list[str] | None = None) -> int:
    from indexer.evaluation.search import DEFAULT_CACHE, DEFAULT_SHARED, prepare

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--index", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--reuse", action="store_true", help="use the cached index even if code changed since")
    args = parser.parse_args(argv)
    path = args.shared / EVERYDAY_FILE
    if not path.is_file():
        print(f"No encuentro {path}: indique --shared.", file=sys.stderr)
        return 2
    systems, _ = prepare(args.shared, args.index, False, False, reuse=args.reuse)
    share = report(evaluate(systems[0].engine, load_pairs(path)))
    return 0 if share >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
