"""Measure metadata extraction against the hand-checked dev set.

    python -m indexer.evaluation.metadata [--shared DIR] [--false-positives] [--check]

Reads every file listed in `<shared>/eval/metadata-dev.csv` (columns path,date,number; paths
relative to `<shared>/corpus`) with the sources stage, extracts its metadata and compares:
date accuracy over all rows, number accuracy over rows whose gold number is not empty, and
numbers found where the gold has none (false positives, counted apart: the gold leaves some
real numbers out). Scores are printed per collection folder and overall, followed by every
miss with what was expected, what came out and where it came from.
`<shared>` defaults to the `shared` folder next to the repository.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.document import Metadata, SourceText, Unreadable
from indexer.extract import extract_metadata, load_catalog
from indexer.sources import read_bulletin

DEFAULT_SHARED = Path(__file__).resolve().parents[2].parent / "shared"
GOLD_FILE = Path("eval") / "metadata-dev.csv"
TARGETS = {"date": 0.99, "number": 0.97}

# Folders that only partition a collection by time ("2019", "abril") do not start a new group.
_DATE_FOLDER = re.compile(
    r"^(?:(?:19|20)\d{2}|\d{1,2}|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre"
    r"|setiembre|octubre|noviembre|diciembre)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Gold:
    path: str
    date: str
    number: str


@dataclass
class Miss:
    path: str
    field: str
    expected: str
    got: str
    source: str


@dataclass
class Score:
    files: int = 0
    dates_right: int = 0
    dates: int = 0
    numbers_right: int = 0
    numbers: int = 0
    false_numbers: int = 0

    def add(self, other: "Score") -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @classmethod
    def total(cls, scores) -> "Score":
        """The sum of several groups' scores (of this class, or a subclass with more counts)."""
        out = cls()
        for score in scores:
            out.add(score)
        return out


@dataclass
class Report:
    groups: dict[str, Score] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    false_positives: list[Miss] = field(default_factory=list)
    catalog_seconds: float = 0.0
    read_seconds: float = 0.0
    extract_seconds: float = 0.0
    extract_times: list[float] = field(default_factory=list)

    @property
    def overall(self) -> Score:
        return Score.total(self.groups.values())


def group_of(relative: str) -> str:
    """The collection a file belongs to: its folders up to two levels, minus date partitions."""
    folders = Path(relative).parts[:-1]
    kept: list[str] = []
    for folder in folders[:2]:
        if kept and _DATE_FOLDER.match(folder):
            break
        kept.append(folder)
    return "/".join(kept) or "."


def load_gold(csv_path: Path) -> list[Gold]:
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        return [
            Gold(row["path"].strip(), (row.get("date") or "").strip(), (row.get("number") or "").strip())
            for row in csv.DictReader(handle)
            if row.get("path")
        ]


def _ratio(right: int, total: int) -> str:
    return f"{right}/{total} ({100 * right / total:.2f} %)" if total else "–"


def check_date_and_number(row, metadata: Metadata, score) -> tuple[list[Miss], Miss | None]:
    """Score one file's date and number against its gold row (anything with `path`, `date`, `number`).

    Returns the misses and, apart, a number found where the gold has none: each evaluation files
    that one where its report keeps it.
    """
    origin = lambda name: metadata.sources.get(name) or "; ".join(metadata.warnings) or "–"
    misses: list[Miss] = []
    if row.date:
        got = metadata.date.isoformat() if metadata.date else ""
        score.dates += 1
        if got == row.date:
            score.dates_right += 1
        else:
            misses.append(Miss(row.path, "date", row.date, got or "–", origin("date")))
    got_number = metadata.number or ""
    if row.number:
        score.numbers += 1
        if got_number == row.number:
            score.numbers_right += 1
        else:
            misses.append(Miss(row.path, "number", row.number, got_number or "–", origin("number")))
    elif got_number:
        score.false_numbers += 1
        return misses, Miss(row.path, "number", "–", got_number, origin("number"))
    return misses, None


def evaluate(
    corpus: Path,
    gold: list[Gold],
    reader: Callable[[Path], SourceText] = read_bulletin,
) -> Report:
    """Extract every gold file's metadata and score date and number."""
    report = Report()
    started = time.perf_counter()
    catalog = load_catalog().compile()  # paid once per process; kept out of the per-file times
    report.catalog_seconds = time.perf_counter() - started
    for row in gold:
        score = report.groups.setdefault(group_of(row.path), Score())
        score.files += 1
        path = corpus / row.path
        started = time.perf_counter()
        try:
            source = reader(path)
        except Unreadable as error:
            source, metadata = None, Metadata(warnings=[f"ilegible: {error}"])
        read_done = time.perf_counter()
        if source is not None:
            metadata = extract_metadata(source, path, catalog)
            elapsed = time.perf_counter() - read_done
            report.extract_seconds += elapsed
            report.extract_times.append(elapsed)
        report.read_seconds += read_done - started
        misses, false_number = check_date_and_number(row, metadata, score)
        report.misses.extend(misses)
        if false_number:
            report.false_positives.append(false_number)
    return report


def format_report(report: Report, show_false_positives: bool = False) -> str:
    width = max([len(g) for g in report.groups] + [7])
    lines = [f"{'folder':<{width}}  {'files':>5}  {'date':>22}  {'number':>22}  {'number false +':>14}"]
    rows = sorted(report.groups.items()) + [("overall", report.overall)]
    for name, score in rows:
        lines.append(
            f"{name:<{width}}  {score.files:>5}  {_ratio(score.dates_right, score.dates):>22}  "
            f"{_ratio(score.numbers_right, score.numbers):>22}  {score.false_numbers:>14}"
        )
    times = sorted(report.extract_times)
    if times:
        mean = 1000 * report.extract_seconds / len(times)
        p95 = 1000 * times[min(len(times) - 1, int(0.95 * len(times)))]
        read = 1000 * report.read_seconds / report.overall.files
        lines.append(
            f"\nextraction: {mean:.2f} ms/file mean, {p95:.2f} ms p95, {1000 * times[-1]:.1f} ms max "
            f"(reading the files: {read:.2f} ms/file; loading the agency catalog once: "
            f"{1000 * report.catalog_seconds:.0f} ms)"
        )
    lines.append(f"\nmisses ({len(report.misses)}):")
    lines.extend(f"  {m.field:<6} {m.path}  expected {m.expected}  got {m.got}  [{m.source}]" for m in report.misses)
    if show_false_positives:
        lines.append(f"\nnumbers found where the gold has none ({len(report.false_positives)}):")
        lines.extend(f"  {m.path}  got {m.got}  [{m.source}]" for m in report.false_positives)
    return "\n".join(lines)


def below_targets(report: Report) -> list[str]:
    overall = report.overall
    failures = []
    for name, right, total in (("date", overall.dates_right, overall.dates), ("number", overall.numbers_right, overall.numbers)):
        if total and right / total < TARGETS[name]:
            failures.append(f"{name} accuracy {right / total:.2%} < target {TARGETS[name]:.0%}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="folder holding corpus/ and eval/metadata-dev.csv (default: ../shared)")
    parser.add_argument("--false-positives", action="store_true",
                        help="also list numbers found where the gold has none")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 when below the targets (date {TARGETS['date']:.0%}, number {TARGETS['number']:.0%})")
    args = parser.parse_args(argv)
    gold_path = args.shared / GOLD_FILE
    if not gold_path.is_file():
        print(f"error: no evaluation set at {gold_path} (pass --shared DIR, the folder with "
              f"corpus/ and eval/)", file=sys.stderr)
        return 2
    report = evaluate(args.shared / "corpus", load_gold(gold_path))
    print(format_report(report, args.false_positives))
    failures = below_targets(report)
    for failure in failures:
        print(f"below target: {failure}", file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
