"""Measure reading and extraction per file format against the formats dev set.

    python -m indexer.evaluation.formats [--shared DIR] [--check]

Reads every file listed in `<shared>/eval/formats-dev.csv` (columns path, format, date, number,
title, scanned, note; paths relative to `<shared>/formats`) with the sources stage — whatever
reader handles the format, OCR included — extracts its metadata and compares: files read, text
length, date accuracy, number accuracy over rows with a gold number (numbers found where the
gold has none counted apart), title accuracy over rows with a gold title (compared without
case, accents kept, punctuation and spacing ignored), and OCR seconds per page over the pages
the OCR reader reports it recognised afresh (`meta["ocr"]`: `ocr_pages`, `seconds`; pages taken
from the OCR cache are not counted). Scores are printed per format and folder and overall, then
every miss.
`<shared>` defaults to the `shared` folder next to the repository.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexer.document import Metadata, SourceText, Unreadable
from indexer.evaluation import metadata as metadata_eval
from indexer.evaluation.metadata import DEFAULT_SHARED, Miss, check_date_and_number, group_of
from indexer.extract import extract_metadata, load_catalog
from indexer.sources import read_bulletin

GOLD_FILE = Path("eval") / "formats-dev.csv"
TARGETS = {"read": 1.0, "date": 0.97, "number": 0.97, "title": 0.9}


@dataclass(frozen=True)
class Gold:
    path: str
    format: str
    date: str
    number: str
    title: str


@dataclass
class Score(metadata_eval.Score):
    """The metadata evaluation's counts, plus reading, titles and OCR."""

    read: int = 0
    chars: int = 0
    titles_right: int = 0
    titles: int = 0
    ocr_seconds: float = 0.0
    ocr_pages: int = 0
    read_seconds: float = 0.0


@dataclass
class Report:
    groups: dict[str, Score] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)

    @property
    def overall(self) -> Score:
        return Score.total(self.groups.values())


def load_gold(csv_path: Path) -> list[Gold]:
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        return [
            Gold(*((row.get(name) or "").strip() for name in ("path", "format", "date", "number", "title")))
            for row in csv.DictReader(handle)
            if row.get("path")
        ]


def same_title(expected: str, got: str) -> bool:
    """Titles match when their words match: case, punctuation and spacing are layout, not wording."""
    words = lambda text: re.sub(r"[\W_]+", " ", text.casefold()).split()
    return words(expected) == words(got)


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.1f} %)" if total else "–"


def evaluate(
    corpus: Path,
    gold: list[Gold],
    reader: Callable[[Path], SourceText] = read_bulletin,
) -> Report:
    """Read every gold file, extract its metadata and score it against the gold row."""
    report = Report()
    catalog = load_catalog().compile()
    for row in gold:
        score = report.groups.setdefault(f"{row.format or '?'} {group_of(row.path)}", Score())
        score.files += 1
        path = corpus / row.path
        started = time.perf_counter()
        try:
            source = reader(path)
        except Unreadable as error:
            score.read_seconds += time.perf_counter() - started
            report.misses.append(Miss(row.path, "read", "texto", "ilegible", str(error)))
            metadata = Metadata()
        else:
            score.read_seconds += time.perf_counter() - started
            score.read += 1
            score.chars += len(source.text)
            ocr = source.meta.get("ocr")
            if isinstance(ocr, dict) and ocr.get("ocr_pages"):  # pages OCR'd now, not from the cache
                score.ocr_pages += int(ocr["ocr_pages"])
                score.ocr_seconds += float(ocr.get("seconds") or 0.0)
            metadata = extract_metadata(source, path, catalog)
        misses, false_number = check_date_and_number(row, metadata, score)
        report.misses.extend(misses)
        if false_number:
            report.misses.append(replace(false_number, field="number+"))
        if row.title:
            score.titles += 1
            if same_title(row.title, metadata.title or ""):
                score.titles_right += 1
            else:
                report.misses.append(Miss(row.path, "title", row.title, metadata.title or "–",
                                           metadata.sources.get("title") or "; ".join(metadata.warnings) or "–"))
    return report


def format_report(report: Report) -> str:
    width = max([len(g) for g in report.groups] + [7])
    header = (
        f"{'format folder':<{width}}  {'files':>5}  {'read':>5}  {'chars/file':>10}  {'date':>17}  "
        f"{'number':>17}  {'num +':>5}  {'title':>17}  {'OCR s/page':>10}  {'read s/file':>11}"
    )
    lines = [header]
    for name, score in sorted(report.groups.items()) + [("overall", report.overall)]:
        chars = f"{score.chars // score.read:,}" if score.read else "–"
        ocr = f"{score.ocr_seconds / score.ocr_pages:.2f}" if score.ocr_pages else "–"
        lines.append(
            f"{name:<{width}}  {score.files:>5}  {score.read:>5}  {chars:>10}  "
            f"{_ratio(score.dates_right, score.dates):>17}  {_ratio(score.numbers_right, score.numbers):>17}  "
            f"{score.false_numbers:>5}  {_ratio(score.titles_right, score.titles):>17}  {ocr:>10}  "
            f"{score.read_seconds / score.files:>11.2f}"
        )
    lines.append(f"\nmisses ({len(report.misses)}):")
    lines.extend(
        f"  {m.field:<7} {m.path}  expected {m.expected!r}  got {m.got!r}  [{m.source}]" for m in report.misses
    )
    return "\n".join(lines)


def below_targets(report: Report) -> list[str]:
    overall = report.overall
    failures = []
    for name, right, total in (
        ("read", overall.read, overall.files),
        ("date", overall.dates_right, overall.dates),
        ("number", overall.numbers_right, overall.numbers),
        ("title", overall.titles_right, overall.titles),
    ):
        if total and right / total < TARGETS[name]:
            failures.append(f"{name} {right / total:.2%} < target {TARGETS[name]:.0%}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="folder holding formats/ and eval/formats-dev.csv (default: ../shared)")
    parser.add_argument("--only", default="", help="evaluate only gold paths starting with this prefix")
    parser.add_argument("--check", action="store_true", help="exit 1 when below the targets")
    args = parser.parse_args(argv)
    gold_path = args.shared / GOLD_FILE
    if not gold_path.is_file():
        print(f"error: no evaluation set at {gold_path} (pass --shared DIR, the folder with "
              f"formats/ and eval/)", file=sys.stderr)
        return 2
    gold = [row for row in load_gold(gold_path) if row.path.startswith(args.only)]
    report = evaluate(args.shared / "formats", gold)
    print(format_report(report))
    failures = below_targets(report)
    for failure in failures:
        print(f"below target: {failure}", file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
