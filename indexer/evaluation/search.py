"""Measure known-item search against the hand-written dev queries, beside two baselines.

    python -m indexer.evaluation.search [--shared DIR] [--index DIR] [--rebuild | --reuse] [--check]
                                        [--set NAME=VALUE]... [--bm25 B=..,K1=..] [--only-ours] [--no-extras]

Runs every query of `<shared>/eval/known-item-dev.tsv` (columns query, target, note; a target may
list two files of the same bulletin separated by "|", either counts) against Boletines and two
setups a person might choose instead (see `baselines`), all over the same files of
`<shared>/corpus`. Prints the rank of the target per query and system ("—" when not in the top
10), then success@1, success@10 and MRR@10 side by side, with build times.

Indexes are cached in `--index` (default `index-eval/` in the repository) and rebuilt only when
the corpus or the code that shapes them is newer (or with `--rebuild`), so query-side changes
are measured in seconds (`--reuse` keeps an index even when code changed since). `--set TITLE_BOOST=3` overrides a ranking constant of `indexer.query.knobs`
for one run, to compare variants without editing code.

Then the same for the typo set (`<shared>/eval/known-item-dev-typos.tsv`, targets s@10 ≥ 0.97 and
MRR@10 ≥ 0.92) and the acronym/synonym set written for this project
(`indexer/evaluation/data/known-item-synonyms.tsv`), Boletines only, and a summary of the three.

Then the everyday set (`<shared>/eval/everyday-dev.tsv`, see `everyday`): queries typed without ñ
or accents, in capitals, joined or split, against their careful spelling.

Extras (skipped with `--no-extras`): accent invariance (every query without accents, and with
accents restored from the index vocabulary, must match the same bulletins), and autocomplete
latency (p50/p95 of `complete.completions` over prefixes of the dev queries' words).
`<shared>` defaults to the `shared` folder next to the repository.
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from indexer.query import knobs as query_module
from indexer import complete, store, suggest
from indexer.analysis import word_spans
from indexer.build import build, is_stale
from indexer.evaluation import everyday
from indexer.evaluation import completion
from indexer.evaluation.baselines import SqliteFts5, WhooshDefault, read_corpus
from indexer.search import SearchEngine, SearchRequest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_CACHE = REPO / "index-eval"
QUERIES_FILE = Path("eval") / "known-item-dev.tsv"
TYPOS_FILE = Path("eval") / "known-item-dev-typos.tsv"  # the same queries with one or two typos each
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "known-item-synonyms.tsv"  # written for this project
RELATED_FILE = Path(__file__).resolve().parent / "data" / "related-judged.tsv"  # bulletin, related, relevant (judged)
K = 10
TARGETS = {"success@10": 0.95, "mrr@10": 0.85}
TYPO_TARGETS = {"success@10": 0.97, "mrr@10": 0.92}

# What shapes the index (reading, extraction, analysis, writing): a change here needs a rebuild of
# the cached index; query-time modules (query, search, suggest, ranking…) never do.
_INDEX_CODE = ("analysis.py", "schema.py", "build.py", "document.py", "duplicates.py", "store.py",
               "sources", "extract", "data")
_QUERY_DATA = ("synonyms.toml",)  # data files read only when searching


@dataclass(frozen=True)
class KnownItem:
    query: str
    targets: tuple[str, ...]
    note: str = ""


def load_known_items(path: Path) -> list[KnownItem]:
    """Rows of a known-item TSV (CSV-style quoting, so a query may hold "phrases")."""
    items = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            query = (row.get("query") or "").strip()
            targets = tuple(t.strip() for t in (row.get("target") or "").split("|") if t.strip())
            if query and targets:
                items.append(KnownItem(query, targets, (row.get("note") or "").strip()))
    return items


# --- scoring ---------------------------------------------------------------------------------

def rank_of(hits: list[list[str]], targets) -> int | None:
    """1-based rank of the first hit holding any target path (a hit lists all its files), else None."""
    wanted = set(targets)
    for rank, paths in enumerate(hits, 1):
        if wanted.intersection(paths):
            return rank
    return None


def success_at(ranks: list[int | None], k: int) -> float:
    """Share of queries whose target is within the top k."""
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr_at(ranks: list[int | None], k: int) -> float:
    """Mean reciprocal rank, counting a target below k (or missing) as 0."""
    return sum(1 / r for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


@dataclass
class Scores:
    ranks: list[int | None]

    @property
    def s1(self) -> float:
        return success_at(self.ranks, 1)

    @property
    def s10(self) -> float:
        return success_at(self.ranks, K)

    @property
    def mrr(self) -> float:
        return mrr_at(self.ranks, K)


def evaluate(search, items: list[KnownItem], k: int = K) -> Scores:
    """`search(query, limit)` → list of hits, each a list of paths."""
    return Scores([rank_of(search(item.query, k), item.targets) for item in items])


def strip_accents(text: str) -> str:
    """"vacunación niñas" → "vacunacion ninas", case and punctuation kept."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


# --- systems ---------------------------------------------------------------------------------

class Boletines:
    name = "Boletines"

    def __init__(self, index_dir: Path):
        self.engine = SearchEngine(index_dir)

    def search(self, query: str, limit: int = K) -> list[list[str]]:
        return [hit["paths"] for hit in self.response(query, limit)["hits"]]

    def response(self, query: str, limit: int = K) -> dict:
        return self.engine.search(SearchRequest(query=query, limit=limit))


def _newest_mtime(paths) -> int:
    return max((p.stat().st_mtime_ns for p in paths if p.is_file()), default=0)


def index_code_mtime() -> int:
    """Newest change to code or data that shapes the index (query-time modules excluded)."""
    package = REPO / "indexer"
    files = [p for p in package.rglob("*") if p.suffix in (".py", ".txt", ".toml")
             and p.relative_to(package).parts[0] in _INDEX_CODE and p.name not in _QUERY_DATA]
    return _newest_mtime(files)


def _baseline_code_mtime() -> int:
    package = REPO / "indexer"
    return _newest_mtime([*(package / "sources").rglob("*"), package / "document.py",
                          package / "evaluation" / "baselines.py"])


def ours_is_stale(corpus: Path, index_dir: Path) -> bool:
    if is_stale(corpus, index_dir):
        return True
    return (index_dir / store.CURRENT).stat().st_mtime_ns < index_code_mtime()


def _stamp_is_stale(stamp: Path, corpus: Path) -> bool:
    if not stamp.is_file():
        return True
    built = stamp.stat().st_mtime_ns
    if _baseline_code_mtime() > built:
        return True
    for path in corpus.rglob("*"):
        if path.stat().st_mtime_ns > built:
            return True
    return False


def prepare(shared: Path, cache: Path, rebuild: bool, with_baselines: bool, log=print, reuse: bool = False):
    """The three systems, (re)building what is missing or stale; returns (systems, build seconds).

    `reuse` keeps any existing index even if code changed since (for query-side experiments).
    """
    corpus = shared / "corpus"
    seconds: dict[str, float | None] = {}
    ours_dir = cache / "boletines"
    missing = store.current_generation(ours_dir) is None
    seconds["Boletines"] = None
    if rebuild or missing or (not reuse and ours_is_stale(corpus, ours_dir)):
        log(f"Construyendo el índice de Boletines en {ours_dir} …")
        try:
            report = build(corpus, ours_dir)
        except store.IndexBusy:  # another evaluation is building the same cache: wait for it, then use it
            log("  otro proceso lo está construyendo; espero a que termine …")
            with _locked(ours_dir):
                pass
        else:
            seconds["Boletines"] = report.seconds
            log(f"  {report.documents} boletines de {report.files} archivos en {report.seconds:.0f} s")
    systems = [Boletines(ours_dir)]
    if with_baselines:
        whoosh = WhooshDefault(cache / "whoosh-es")
        fts = SqliteFts5(cache / "fts5.sqlite")
        stamp = cache / "baselines.stamp"
        seconds[whoosh.name] = seconds[fts.name] = None
        with _locked(cache):  # two evaluations at once build the baselines once
            missing = not (stamp.is_file() and whoosh.exists() and fts.exists())
            if rebuild or missing or (not reuse and _stamp_is_stale(stamp, corpus)):
                log("Leyendo el corpus para las líneas base …")
                started = time.perf_counter()
                texts = read_corpus(corpus)
                read_s = time.perf_counter() - started
                log(f"  {len(texts)} archivos leídos en {read_s:.0f} s")
                stamp.unlink(missing_ok=True)
                seconds[whoosh.name] = read_s + whoosh.build(texts)
                seconds[fts.name] = read_s + fts.build(texts)
                stamp.write_text("baselines built\n", encoding="utf-8")
        systems += [whoosh, fts]
    return systems, seconds


def _locked(directory: Path, timeout: float = 3600) -> contextlib.ExitStack:
    """Hold `directory`'s writer lock, waiting (up to `timeout` s) while another evaluation holds it."""
    deadline = time.monotonic() + timeout
    while True:
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(store.writer_lock(directory))
            return stack
        except store.IndexBusy:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


# --- extras ----------------------------------------------------------------------------------

def extra_sets(shared: Path) -> list[tuple[str, Path, dict | None]]:
    """(label, file, targets) of the other known-item sets present: typos, acronyms and synonyms."""
    sets = [("Con errores de escritura (dev)", shared / TYPOS_FILE, TYPO_TARGETS),
            ("Siglas y sinónimos", SYNONYMS_FILE, None)]
    return [(label, path, targets) for label, path, targets in sets if path.is_file()]


def restore_accents(searcher, text: str) -> str:
    """Each unaccented word written as the index most often writes it ("vacunacion" → "vacunación")."""
    out, last = [], 0
    for start, end, word in word_spans(text):
        out.append(text[last:start])
        out.append(suggest.surface_form(searcher, word.lower()) if word.islower() else word)
        last = end
    out.append(text[last:])
    return "".join(out)


def _hit_ids(system: Boletines, query: str) -> tuple[int, list[str]]:
    response = system.response(query, K)
    return response["total"], [hit["id"] for hit in response["hits"]]


@dataclass
class AccentCheck:
    query: str
    variant: str
    same_matches: bool  # the same bulletins match (the promise: accents never change what is found)
    same_top: bool  # the same ten come first (exact forms may reorder: "año" before "ano")
    detail: str = ""


def accent_invariance(system: Boletines, items: list[KnownItem]) -> list[AccentCheck]:
    """Each query against its form without accents (ñ included) and with accents restored from the index."""
    searcher = system.engine.generation().searcher()
    checks = []
    for item in items:
        base_total, base_top = _hit_ids(system, item.query)
        for variant in sorted({strip_accents(item.query), restore_accents(searcher, strip_accents(item.query))}):
            if variant == item.query:
                continue
            total, top = _hit_ids(system, variant)
            checks.append(AccentCheck(item.query, variant, total == base_total, set(top) == set(base_top),
                                      f"{base_total} → {total} resultados"))
    return checks


def related_precision(system: Boletines, path: Path = RELATED_FILE, k: int = 5) -> tuple[float, int, int, int]:
    """(precision@k over judged pairs, relevant, judged, unjudged) of the related lists of the judged bulletins.

    The file lists, per bulletin (path under corpus/), related bulletins someone judged on topic (1)
    or not (0); a related bulletin shown now but never judged is counted apart, not guessed.
    """
    judged: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            judged.setdefault(row["bulletin"], {})[row["related"]] = int(row["relevant"])
    engine = system.engine
    searcher = engine.generation().searcher()
    relevant = total = unjudged = 0
    for bulletin, marks in judged.items():
        docnum = searcher.document_number(path=bulletin)
        if docnum is None:
            continue
        for hit in engine.related(searcher.stored_fields(docnum)["id"], limit=k):
            paths = searcher.document(id=hit["id"])["paths"] or []
            mark = next((marks[p] for p in paths if p in marks), None)
            if mark is None:
                unjudged += 1
            else:
                relevant += mark
                total += 1
    return (relevant / total if total else 0.0), relevant, total, unjudged


def completion_latency(system: Boletines, items: list[KnownItem]) -> tuple[float, float, float, int]:
    """(first call ms, p50 ms, p95 ms, prefixes) of autocomplete (what the engine serves) over prefixes of the dev words."""
    searcher = system.engine.generation().searcher()
    prefixes = []
    for item in items:
        typed = ""
        for _, _, word in word_spans(item.query.replace('"', "")):
            prefixes += [typed + word[:n] for n in range(2, len(word) + 1)]
            typed += word + " "
    suggest._vocabularies.clear()  # time the first call of a generation too
    complete._counts.clear()
    started = time.perf_counter()
    complete.completions(searcher, prefixes[0])
    first = (time.perf_counter() - started) * 1000
    times = []
    for prefix in prefixes:
        started = time.perf_counter()
        complete.completions(searcher, prefix)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return first, statistics.median(times), times[int(0.95 * (len(times) - 1))], len(times)


# --- report ----------------------------------------------------------------------------------

def _rank_cell(rank: int | None) -> str:
    return "—" if rank is None else str(rank)


def print_report(items, names, scores: dict[str, Scores], seconds, out=sys.stdout) -> None:
    width = max(len(n) for n in names)
    out.write("  ".join(f"{n[:11]:>11}" for n in names) + "  consulta\n")
    for i, item in enumerate(items):
        out.write("  ".join(f"{_rank_cell(scores[n].ranks[i]):>11}" for n in names) + f"  {item.query}\n")
    out.write(f"\n{'sistema':<{width}}   s@1    s@10   MRR@10  construcción\n")
    for n in names:
        s = scores[n]
        built = "en caché" if seconds.get(n) is None else f"{seconds[n]:.0f} s"
        out.write(f"{n:<{width}}  {s.s1:5.3f}  {s.s10:5.3f}  {s.mrr:6.3f}   {built}\n")


def _apply_overrides(pairs: list[str]) -> None:
    for pair in pairs:
        name, _, value = pair.partition("=")
        if not hasattr(query_module, name):
            raise SystemExit(f"indexer.query.knobs no tiene {name!r}")
        current = getattr(query_module, name)
        if isinstance(current, bool):
            new = value.lower() in ("1", "true", "yes", "si", "sí")
        elif current is None or value.lower() == "none":
            new = None if value.lower() == "none" else float(value)
        elif isinstance(current, float):
            new = float(value)
        else:
            new = type(current)(value)
        setattr(query_module, name, new)


def _use_bm25(spec: str) -> None:
    """Evaluation only: make the engine's searchers score with BM25F(**spec), e.g. "B=0.5,K1=1.2".

    The engine itself uses Whoosh's default BM25F; this answers "would other parameters help?".
    """
    from whoosh import scoring

    from indexer import search as search_module

    params = {k.strip(): float(v) for k, v in (item.split("=") for item in spec.split(",") if item.strip())}
    weighting = scoring.BM25F(**params)

    def searcher(generation):
        current = getattr(generation.local, "searcher", None)
        if current is None:
            current = generation.local.searcher = generation.index.searcher(weighting=weighting)
        return current

    search_module._Generation.searcher = searcher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED,
                        help="folder holding corpus/ and eval/known-item-dev.tsv (default: ../shared)")
    parser.add_argument("--index", type=Path, default=DEFAULT_CACHE,
                        help="cache folder for the evaluation indexes (default: index-eval/)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild every index even if it is fresh")
    parser.add_argument("--reuse", action="store_true",
                        help="use the cached indexes even if code changed since they were built")
    parser.add_argument("--only-ours", action="store_true", help="skip the baselines")
    parser.add_argument("--no-extras", action="store_true", help="skip accent invariance and autocomplete timing")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a ranking constant of indexer.query.knobs for this run")
    parser.add_argument("--bm25", metavar="B=..,K1=..",
                        help="score Boletines with other BM25F parameters for this run (e.g. B=0.5,K1=1.2)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when Boletines misses a target or does not beat both baselines")
    args = parser.parse_args(argv)
    queries_path = args.shared / QUERIES_FILE
    if not queries_path.is_file() or not (args.shared / "corpus").is_dir():
        print(f"No encuentro {queries_path} o {args.shared / 'corpus'}: indique --shared.", file=sys.stderr)
        return 2
    _apply_overrides(args.set)
    if args.bm25:
        _use_bm25(args.bm25)
    items = load_known_items(queries_path)
    systems, seconds = prepare(args.shared, args.index, args.rebuild, not args.only_ours, reuse=args.reuse)
    scores = {}
    query_ms = {}
    for system in systems:
        started = time.perf_counter()
        scores[system.name] = evaluate(system.search, items)
        query_ms[system.name] = (time.perf_counter() - started) * 1000 / len(items)
    names = [s.name for s in systems]
    changed = args.set + ([f"BM25F {args.bm25}"] if args.bm25 else [])
    print(f"\nBúsqueda de un boletín conocido: {len(items)} consultas de {queries_path.name}"
          + (f" ({', '.join(changed)})" if changed else "") + "\n")
    print_report(items, names, scores, seconds)
    print("\nms por consulta: " + ", ".join(f"{n} {query_ms[n]:.1f}" for n in names))

    ours = scores["Boletines"]
    summary = [("Conocidos (dev)", ours)]
    ok = ours.s10 >= TARGETS["success@10"] and ours.mrr >= TARGETS["mrr@10"]
    ahead = all(ours.mrr > s.mrr and ours.s10 >= s.s10 for n, s in scores.items() if n != "Boletines")
    print(f"\nObjetivos: s@10 ≥ {TARGETS['success@10']}, MRR@10 ≥ {TARGETS['mrr@10']}: "
          f"{'cumplidos' if ok else 'NO cumplidos'}"
          + ("" if args.only_ours else f"; por delante de ambas líneas base: {'sí' if ahead else 'NO'}"))
    extra_ok = True
    for label, path, targets in extra_sets(args.shared):
        extra = load_known_items(path)
        started = time.perf_counter()
        got = evaluate(systems[0].search, extra)
        ms = (time.perf_counter() - started) * 1000 / len(extra)
        print(f"\n{label}: {len(extra)} consultas de {path.name}\n")
        print_report(extra, ["Boletines"], {"Boletines": got}, {"Boletines": None})
        print(f"ms por consulta: {ms:.1f}")
        if targets:
            met = got.s10 >= targets["success@10"] and got.mrr >= targets["mrr@10"]
            extra_ok = extra_ok and met
            print(f"Objetivos: s@10 ≥ {targets['success@10']}, MRR@10 ≥ {targets['mrr@10']}: "
                  f"{'cumplidos' if met else 'NO cumplidos'}")
        summary.append((label, got))
    print("\nResumen (Boletines)\n\nconjunto" + " " * 30 + "s@1    s@10   MRR@10")
    for label, got in summary:
        print(f"{label:<38}{got.s1:5.3f}  {got.s10:5.3f}  {got.mrr:6.3f}")
    everyday_file = args.shared / everyday.EVERYDAY_FILE
    if everyday_file.is_file():
        print(f"\nComo se escribe en el teléfono: {everyday_file.name}")
        everyday.report(everyday.evaluate(systems[0].engine, everyday.load_pairs(everyday_file)))
    if RELATED_FILE.is_file():
        precision, hits, judged, unjudged = related_precision(systems[0])
        print(f"\nBoletines relacionados: precisión@5 {precision:.3f} ({hits} de {judged} juzgados como del mismo tema; "
              f"{unjudged} sin juzgar) en {RELATED_FILE.name}")
    if not args.no_extras:
        checks = accent_invariance(systems[0], items)
        print(f"\nAcentos: {len(checks)} variantes (sin acentos / con acentos restaurados) de {len(items)} consultas; "
              f"mismos boletines encontrados: {sum(c.same_matches for c in checks)}/{len(checks)}; "
              f"mismos 10 primeros: {sum(c.same_top for c in checks)}/{len(checks)}")
        for check in checks:
            if not check.same_matches:
                print(f"  DISTINTOS: {check.query!r} vs {check.variant!r}: {check.detail}")
            elif not check.same_top:
                print(f"  otro orden: {check.query!r} vs {check.variant!r} (la forma exacta sube)")
        first, p50, p95, n = completion_latency(systems[0], items)
        print(f"Autocompletado: {n} prefijos, p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"(primera llamada de la generación, con el vocabulario: {first:.0f} ms)")
        completion.report(systems[0].engine)
    for system in systems[1:]:
        system.close()
    return 0 if (ok and extra_ok and (ahead or args.only_ours)) or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
