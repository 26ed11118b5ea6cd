"""The corpora the benchmark measures: a generated scale corpus and a copy of the dev corpus.

The scale corpus is made of real Spanish government prose (the Presidencia texts of the shared
corpus) cut at paragraph boundaries into bulletin-sized Markdown files (≈3 KB) with YAML front
matter (title, date, agencies), so the index sees realistic vocabulary, lengths and facet
values. Each bulletin joins two or three runs of paragraphs taken from different places, so no
two bulletins are near-duplicates (the build would merge those). Everything is drawn from one
seeded random generator: the same seed and sources give the same files.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.extract.agencies import load_catalog

MIN_PARAGRAPH = 40  # shorter lines are speaker labels and list debris, not paragraphs
MAX_PARAGRAPH = 1200  # longer ones are cut at a sentence end, as a press office would
TARGET_CHARS = (1800, 3800)  # body length range of one bulletin (≈3 KB with front matter)
FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2023, 12, 31)
TITLE_CHARS = 110

# Agency kinds a health-bulletin collection is mostly made of, with their relative weight.
KIND_WEIGHTS = {
    "federal health": 6.0,
    "state health services": 4.0,
    "national institute of health": 2.0,
    "federal hospital": 1.5,
    "federal government": 1.5,
    "state government": 1.0,
    "state DIF": 0.5,
    "national DIF": 0.5,
}

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[¿¡«\"A-ZÁÉÍÓÚÑ])")


@dataclass
class ScaleCorpus:
    root: Path
    documents: int
    bytes: int
    agencies: list[str]  # canonical names used, most frequent first


def find_shared(repo: Path, given: str | Path | None = None) -> Path | None:
    """The shared folder (given, or the `shared` folder beside the repository) when it has a corpus."""
    shared = Path(given) if given else Path(repo).resolve().parent / "shared"
    return shared if (shared / "corpus").is_dir() else None


def source_paragraphs(folder: Path) -> list[list[str]]:
    """Paragraphs of every .txt under `folder`, one list per file, header lines dropped.

    The Presidencia files open with title, agency and date lines ended by a `---` line; a
    bulletin made from them gets its own front matter instead.
    """
    files = []
    for path in sorted(Path(folder).rglob("*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        head = [i for i, line in enumerate(lines[:8]) if line.strip() == "---"]
        if head:
            lines = lines[head[0] + 1:]
        paragraphs = []
        for line in lines:
            line = " ".join(line.split())
            if len(line) >= MIN_PARAGRAPH:
                paragraphs.extend(_cut(line))
        if paragraphs:
            files.append(paragraphs)
    return files


def _cut(paragraph: str) -> list[str]:
    """A long paragraph as pieces of at most MAX_PARAGRAPH characters, cut after sentences."""
    paragraph = paragraph.strip()
    if len(paragraph) <= MAX_PARAGRAPH:
        return [paragraph]
    pieces, current = [], ""
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(current) + len(sentence) + 1 > MAX_PARAGRAPH:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return [p.strip()[:MAX_PARAGRAPH * 2] for p in pieces]


class AgencyPicker:
    """Agencies for a bulletin: a few are common, most are rare (Zipf-like), health ones dominate.

    Within a kind the catalog order is kept, so its first, best-known agencies are the common ones.
    """

    def __init__(self, rng: random.Random, catalog_path: Path | None = None):
        agencies = [a for a in load_catalog(catalog_path) if a.kind in KIND_WEIGHTS]
        agencies.sort(key=lambda a: -KIND_WEIGHTS[a.kind])  # stable: the catalog lists big ones first
        self.names = [a.name for a in agencies]
        self.weights = [KIND_WEIGHTS[a.kind] / (rank + 1) ** 0.9 for rank, a in enumerate(agencies)]
        self.rng = rng

    def pick(self) -> list[str]:
        count = self.rng.choices((1, 2, 3), weights=(75, 20, 5))[0]
        chosen: list[str] = []
        while len(chosen) < count:
            name = self.rng.choices(self.names, weights=self.weights)[0]
            if name not in chosen:
                chosen.append(name)
        return chosen


def compose(rng: random.Random, sources: list[list[str]]) -> list[str]:
    """Paragraphs of one bulletin: two or three runs of consecutive paragraphs from different texts."""
    target = rng.randint(*TARGET_CHARS)
    runs = rng.choice((2, 2, 3))
    paragraphs: list[str] = []
    size = 0
    for run in range(runs):
        source = rng.choice(sources)
        start = rng.randrange(len(source))
        share = target * (run + 1) // runs
        for paragraph in source[start:]:
            if size >= share:
                break
            paragraphs.append(paragraph)
            size += len(paragraph) + 2
    return paragraphs


def title_of(paragraph: str) -> str:
    """A headline from the lead: its first sentence, cut at a word boundary."""
    first = _SENTENCE_END.split(paragraph, maxsplit=1)[0].rstrip(".")
    if len(first) <= TITLE_CHARS:
        return first
    return first[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def bulletin_markdown(title: str, day: dt.date, agencies: list[str], paragraphs: list[str]) -> str:
    # JSON strings are valid YAML double-quoted scalars, so any title is safe in the front matter.
    front = ["---", f"title: {json.dumps(title, ensure_ascii=False)}", f"date: {day.isoformat()}", "agencies:"]
    front += [f"  - {json.dumps(name, ensure_ascii=False)}" for name in agencies]
    front.append("---")
    return "\n".join(front) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def make_scale_corpus(sources: list[list[str]], root: Path, documents: int, seed: int = 2024,
                      catalog_path: Path | None = None) -> ScaleCorpus:
    """Write `documents` bulletins under `root` (emptied first) as YYYY/MM/boletin-NNNNNN.md."""
    if not sources:
        raise ValueError("no source paragraphs to cut bulletins from")
    root = Path(root)
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    picker = AgencyPicker(random.Random(seed + 1), catalog_path)
    span = (LAST_DAY - FIRST_DAY).days
    total = 0
    used: dict[str, int] = {}
    made_dirs: set[Path] = set()
    for number in range(1, documents + 1):
        paragraphs = compose(rng, sources)
        day = FIRST_DAY + dt.timedelta(days=rng.randint(0, span))
        agencies = picker.pick()
        for name in agencies:
            used[name] = used.get(name, 0) + 1
        folder = root / f"{day.year:04d}" / f"{day.month:02d}"
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        text = bulletin_markdown(title_of(paragraphs[0]), day, agencies, paragraphs)
        data = text.encode("utf-8")
        (folder / f"boletin-{number:06d}.md").write_bytes(data)
        total += len(data)
    return ScaleCorpus(root, documents, total, sorted(used, key=lambda n: -used[n]))


def copy_corpus(source: Path, target: Path) -> Path:
    """A private copy of a read-only corpus, so the update benchmark may change one of its files."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)
    return target


def corpus_bytes(root: Path) -> tuple[int, int]:
    """(files, bytes) under `root`."""
    files = size = 0
    for path in Path(root).rglob("*"):
        if path.is_file() and not path.is_symlink():
            files += 1
            size += path.stat().st_size
    return files, size


def change_one_bulletin(root: Path, seed: int = 2024) -> Path:
    """Edit one bulletin the way a press office corrects one: a paragraph added at the end.

    The file is chosen by `seed`; the added text differs on every call, so the change is real.
    """
    candidates = sorted(p for p in Path(root).rglob("*") if p.suffix.lower() in (".md", ".txt") and p.is_file())
    if not candidates:
        raise ValueError(f"no .md or .txt bulletin to change under {root}")
    rng = random.Random(seed)
    for _ in range(20):  # appending UTF-8 to a Latin-1 file would change more than one paragraph
        path = candidates[rng.randrange(len(candidates))]
        try:
            path.read_bytes().decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")  # a new text each run, even when a kept corpus is reused
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"\n\nFe de erratas ({stamp}, {time.time_ns() % 10**9}): se corrige la cifra de unidades "
                     "médicas y de personal de salud participante en la jornada de vacunación.\n")
    return path
