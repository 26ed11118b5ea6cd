"""Measure how well the analyzer makes Spanish singulars and plurals meet.

    python -m indexer.evaluation.plurals [--shared DIR] [--index DIR] [--all-misses]

Collects the corpus vocabulary (the `exact` field of an evaluation index when one exists, else
the text of every file under `<shared>/corpus`), finds every pair of words where one is the
other plus "s", plus "es", or with a final "z" written "ces" (casa/casas, mujer/mujeres,
luz/luces), and reports the conflation rate: the share of pairs whose stemmed index terms are
equal. Misses are listed most frequent first; fix general rules in `analysis.singular` and
invariable singulars in `data/singular-s.txt`.

Not every pair is a real singular and plural ("da"/"das" are verb forms, "pase"/"pases" are
both); a few misses among proper names are expected, so the target is 98 %, not 100 %.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis import fold, index_term, stopwords

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_INDEX = REPO / "index-eval" / "boletines"
TARGET = 0.98
_LETTERS = re.compile(r"^[a-z]+$")


@dataclass
class PluralReport:
    pairs: int = 0
    conflated: int = 0
    misses: list[tuple[str, str, int]] = field(default_factory=list)  # (singular, plural, frequency)

    @property
    def rate(self) -> float:
        return self.conflated / self.pairs if self.pairs else 1.0


def plural_forms(word: str) -> list[str]:
    """Plural spellings of a folded singular that could occur: +s, +es, z→ces."""
    forms = [word + "s", word + "es"]
    if word.endswith("z"):
        forms.append(word[:-1] + "ces")
    return forms


def measure(vocabulary: Counter, min_length: int = 3) -> PluralReport:
    """Conflation over every singular/plural pair present in `vocabulary` (folded word → frequency)."""
    report = PluralReport()
    stops = stopwords()
    for word in sorted(vocabulary):
        if len(word) < min_length or not _LETTERS.match(word) or word in stops:
            continue
        for plural in plural_forms(word):
            if plural not in vocabulary or plural in stops:
                continue
            report.pairs += 1
            if index_term(word) == index_term(plural):
                report.conflated += 1
            else:
                report.misses.append((word, plural, min(vocabulary[word], vocabulary[plural])))
    report.misses.sort(key=lambda m: (-m[2], m[0]))
    return report


def vocabulary_from_index(index_dir: Path) -> Counter:
    """Folded word → number of bulletins, from the `exact` field of a built index."""
    from indexer import store

    _, ix = store.open_current(index_dir)
    counts: Counter = Counter()
    with ix.reader() as reader:
        for term, info in reader.iter_field("exact"):
            word = fold(term if isinstance(term, str) else term.decode("utf-8"))
            counts[word] += info.doc_frequency()
    return counts


def vocabulary_from_corpus(corpus: Path) -> Counter:
    """Folded word → occurrences, reading every file with the sources stage."""
    from indexer.analysis import word_spans
    from indexer.evaluation.baselines import read_corpus

    counts: Counter = Counter()
    for text in read_corpus(corpus).values():
        counts.update(fold(w) for _, _, w in word_spans(text))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding corpus/ (default: ../shared)")
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX,
                        help="read the vocabulary from this index instead of the corpus (default: the evaluation index)")
    parser.add_argument("--all-misses", action="store_true", help="list every miss, not only the 60 most frequent")
    args = parser.parse_args(argv)
    from indexer import store

    if store.current_generation(args.index):
        vocabulary = vocabulary_from_index(args.index)
        source = f"el índice {args.index}"
    elif (args.shared / "corpus").is_dir():
        vocabulary = vocabulary_from_corpus(args.shared / "corpus")
        source = str(args.shared / "corpus")
    else:
        print(f"No hay índice en {args.index} ni corpus en {args.shared / 'corpus'}.", file=sys.stderr)
        return 2
    report = measure(vocabulary)
    print(f"Vocabulario de {source}: {len(vocabulary)} palabras")
    print(f"Pares singular/plural: {report.pairs}; unidos: {report.conflated} "
          f"({report.rate:.2%}; objetivo ≥ {TARGET:.0%})")
    shown = report.misses if args.all_misses else report.misses[:60]
    if shown:
        print("\nNo unidos (singular, plural, términos, frecuencia):")
    for word, plural, freq in shown:
        print(f"  {word:<18} {plural:<20} {index_term(word)} ≠ {index_term(plural)}  ({freq})")
    if len(shown) < len(report.misses):
        print(f"  … y {len(report.misses) - len(shown)} más (--all-misses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
