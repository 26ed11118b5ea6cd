"""Scale benchmark: Boletines beside SQLite FTS5 and default Whoosh on the same files and the same job.

    python -m bench.run [--docs N] [--shared DIR] [--workdir DIR] [--keep] [--reuse-indexes]
                        [--corpora dev,scale] [--systems ours,fts5,whoosh] [--rounds R]
                        [--common N] [--common-rounds R] [--known-items TSV] [--oneshot N]
                        [--web-seconds S] [--clients C] [--workers W] [--no-cold-web] ...

For the dev corpus (a private copy of `<shared>/corpus`) and a generated scale corpus of N
bulletin-sized files (see `bench.corpus`), measures in one run:

* full build time, CPU and peak memory (each build runs in a child process), index size, and the
  update after one bulletin changes;
* in-process search latency and CPU of the page's whole job (hits + snippets + agency/year/month
  facets), our answer cache cleared before every request, over three query sets (`bench.sets`):
  the page set (`--queries`, `--rounds` passes; also with the cache warm, and default Whoosh),
  `--common` distinct common-word queries (`--common-rounds` passes, 1 by default) and, on the
  dev corpus, the known-item queries of `<shared>/eval/known-item-dev.tsv` (FTS5: all words,
  else any word);
* web throughput/latency of `boletines serve` (`--workers`, `--clients` threads): a cold phase,
  each common-word URL sent exactly once, then a warm one over the page set (`bench.web`);
* the one-shot CLI: `--oneshot` distinct common queries, each `search` a fresh process, wall
  time with process start (`bench.oneshot`).

Prints markdown tables with ratios and PASS/MISS per target (`bench.report`), and writes them with
the raw numbers (JSON) to `--out`. `<shared>` defaults to the `shared` folder next to the
repository; without it the benchmark says so and exits 0.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from indexer import store
from indexer.build import build, update
from indexer.evaluation.completion import cold_prefix_latency

from . import corpus as corpora
from .baselines import Fts5Bench, WhooshBench
from .latency import percentiles
from .oneshot import run_oneshot
from .queries import QUERIES_FILE, BenchQuery, common_queries, known_item_queries, load_queries
from .report import LABELS, SYSTEMS, markdown
from .sets import run_sets
from .web import run_web

REPO = Path(__file__).resolve().parents[1]


# --- measuring a child process -----------------------------------------------------------------

@dataclass
class ChildRun:
    """Wall and CPU time of a call made in a fresh process, and its memory high-water marks."""

    value: object = None
    wall: float = 0.0
    cpu: float = 0.0  # user + system of the child and of every process it waited for
    peak_tree: int = 0  # bytes: highest sampled sum of RSS over the child and its descendants (psutil)
    peak_largest: int = 0  # bytes: ru_maxrss of the largest single process


def _child_main(conn, target, args) -> None:
    try:
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        value = target(*args)
        wall = time.perf_counter() - started
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (own.ru_utime - before.ru_utime + own.ru_stime - before.ru_stime
               + kids.ru_utime + kids.ru_stime)
        conn.send({"ok": True, "value": value, "wall": wall, "cpu": cpu,
                   "largest": max(own.ru_maxrss, kids.ru_maxrss) * 1024})
    except BaseException:
        conn.send({"ok": False, "error": traceback.format_exc()})
    finally:
        conn.close()


def _tree_rss(pid: int) -> int:
    try:
        import psutil
    except ImportError:  # optional: without it only the largest process's peak is known
        return 0
    try:
        parent = psutil.Process(pid)
        processes = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_child(target, *args, sample_every: float = 0.25) -> ChildRun:
    """Call `target(*args)` in a spawned process; its own rusage gives time, CPU and peak memory."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, target, args))
    process.start()
    sender.close()
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(sample_every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        while not receiver.poll(0.5):
            if not process.is_alive():
                raise RuntimeError(f"benchmark child died with status {process.exitcode}")
        message = receiver.recv()
    finally:
        done.set()
        sampler.join()
        process.join()
    if not message["ok"]:
        raise RuntimeError("benchmark child failed:\n" + message["error"])
    # Sampling can miss a short-lived peak that the kernel's high-water mark caught.
    return ChildRun(message["value"], message["wall"], message["cpu"], max(peak, message["largest"]),
                    message["largest"])


# Targets of run_child: module-level so a spawned process can import them.

def build_ours(corpus: Path, index_dir: Path, jobs: int | None) -> dict:
    return build(corpus, index_dir, jobs=jobs).as_json()


def update_ours(corpus: Path, index_dir: Path, jobs: int | None) -> dict:
    return update(corpus, index_dir, jobs=jobs).as_json()


def build_fts5(corpus: Path, path: Path, jobs: int | None) -> dict:
    return Fts5Bench(path).build(corpus, jobs)


def build_whoosh(corpus: Path, path: Path, jobs: int | None) -> dict:
    return WhooshBench(path).build(corpus, jobs)


# --- one corpus --------------------------------------------------------------------------------

def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _index_size(index_dir: Path) -> int:
    generation = store.current_generation(index_dir)
    return _dir_size(Path(index_dir) / generation) if generation else 0


def _child_summary(run: ChildRun) -> dict:
    return {"wall": run.wall, "cpu": run.cpu, "peak_tree": run.peak_tree, "peak_largest": run.peak_largest}


def bench_corpus(name: str, corpus: Path, work: Path, sets: dict[str, list[BenchQuery] | str], args,
                 kind: str = "scale") -> dict:
    """Build (or reuse), update, then search, serve and run the CLI over one corpus. `sets` maps
    "page" / "common" / "known" to their queries, or to why that set is skipped."""
    systems = args.systems
    files, size = corpora.corpus_bytes(corpus)
    result: dict = {"corpus": name, "kind": kind, "files": files, "bytes": size, "queries": len(sets["page"]),
                    "rounds": args.rounds, "build": {}, "search": {}, "sets": {}, "web": None, "update": None,
                    "oneshot": None}
    say = lambda text: print(f"[{name}] {text}", file=sys.stderr, flush=True)  # noqa: E731
    index_dir = work / "index"
    if args.reuse_indexes and store.current_generation(index_dir):
        say(f"reusing the index in {index_dir} (build not measured)")
    else:
        shutil.rmtree(index_dir, ignore_errors=True)
        say(f"building Boletines over {files} files …")
        run = run_child(build_ours, corpus, index_dir, args.jobs)
        result["build"]["ours"] = dict(_child_summary(run), size=_index_size(index_dir),
                                       documents=run.value["documents"], skipped=len(run.value["skipped"]))
        say(f"  {run.wall:.1f} s")

    changed = corpora.change_one_bulletin(corpus, args.seed)
    say(f"updating after a change to {changed.relative_to(corpus)} …")
    run = run_child(update_ours, corpus, index_dir, args.jobs)
    report = run.value
    result["update"] = dict(_child_summary(run), inside=report["seconds"], mode=report["mode"],
                            updated=report["updated"], added=report["added"], removed=report["removed"])
    say(f"  {run.wall:.2f} s ({report['mode']}, updated {report['updated']})")

    baselines = {}
    for key, system, builder in (("fts5", Fts5Bench(work / "fts5.sqlite"), build_fts5),
                                 ("whoosh", WhooshBench(work / "whoosh"), build_whoosh)):
        if key not in systems:
            continue
        baselines[key] = system
        if args.reuse_indexes and system.exists():
            say(f"reusing the {LABELS[key]} index (build not measured)")
            continue
        say(f"building {LABELS[key]} …")
        path = system.db_path if key == "fts5" else system.index_dir
        run = run_child(builder, corpus, path, args.jobs)
        result["build"][key] = dict(_child_summary(run), size=system.size(), **run.value)
        say(f"  {run.wall:.1f} s")

    rounds = {"page": args.rounds, "common": args.common_rounds, "known": args.rounds}
    runnable = {n: (qs, rounds[n]) for n, qs in sets.items() if not isinstance(qs, str)}
    measured = run_sets(index_dir, baselines, runnable, args.whoosh_rounds, say)
    result["search"] = measured.pop("page")
    result["sets"] = {n: ({"skipped": qs} if isinstance(qs, str) else measured[n])
                      for n, qs in sets.items() if n != "page"}
    if kind == "dev":
        say("cold prefix queries, a fresh engine each …")
        result["cold_prefix"] = cold_prefix_latency(index_dir)

    page, common = sets["page"], sets.get("common")
    if args.web_seconds > 0:
        cold = [q.url() for q in common] if args.cold_web and not isinstance(common, str) and common else None
        first = f"{len(cold)} cold URLs once each, then " if cold else ""
        say(f"web: {args.clients} clients, {first}warm for up to {args.web_seconds:g} s / {args.web_requests} "
            "requests …")
        web = run_web(index_dir, corpus, [q.url() for q in page], args.clients, args.web_seconds,
                      args.web_requests, log=work / "server.log", cold_paths=cold, workers=args.workers)
        result["web"] = {"clients": args.clients, "workers": web.workers, "threads": web.threads,
                         "cold": _web_summary(web.cold) if web.cold else None, "warm": _web_summary(web.warm)}
        if web.cold:
            result["web"]["cold"]["distinct"] = len(set(web.cold.sent))
    if args.oneshot > 0 and not isinstance(common, str) and common:
        say(f"one-shot CLI: {args.oneshot} fresh `search` processes …")
        result["oneshot"] = run_oneshot(index_dir, common[:args.oneshot])
    return result


def _web_summary(web) -> dict:
    return {"requests": web.requests, "errors": web.errors, "seconds": web.seconds, "rps": web.throughput,
            "server_cpu": web.server_cpu_seconds, "first_error": web.first_error, **percentiles(web.latencies_ms)}


# --- report (bench/report.py) ----------------------------------------------------------------

def machine_line() -> str:
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


# --- command line ------------------------------------------------------------------------------

def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="bulletins in the scale corpus [100000]")
    parser.add_argument("--shared", default=None, help="the shared folder [../shared beside the repository]")
    parser.add_argument("--workdir", default=None, help="where corpora and indexes go [a temporary folder]")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (and reuse a generated corpus)")
    parser.add_argument("--reuse-indexes", action="store_true",
                        help="search the indexes a --keep run left in --workdir instead of building them "
                             "(re-measures update, search and web after a query-side change)")
    parser.add_argument("--corpora", default="dev,scale", help="which corpora: dev, scale or both [dev,scale]")
    parser.add_argument("--systems", default="ours,fts5,whoosh", help="baselines to include besides ours")
    parser.add_argument("--queries", type=Path, default=QUERIES_FILE, help="query set TSV")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the query set per system [3]")
    parser.add_argument("--whoosh-rounds", type=int, default=1, help="passes for default Whoosh [1]")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for builds [all cores]")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--web-seconds", type=float, default=10.0, help="0 skips the web test [10]")
    parser.add_argument("--web-requests", type=int, default=2000, help="at most this many warm web requests [2000]")
    parser.add_argument("--common", type=int, default=800,
                        help="distinct common-word queries: searched in process, sent once each by the cold "
                             "web phase, the first --oneshot of them run by the CLI; 0 skips them [800]")
    parser.add_argument("--common-rounds", type=int, default=1, help="passes over the common-word set [1]")
    parser.add_argument("--known-items", type=Path, default=None,
                        help="known-item queries for the dev corpus [<shared>/eval/known-item-dev.tsv]")
    parser.add_argument("--cold-web", action=argparse.BooleanOptionalAction, default=True,
                        help="the cold web phase before the warm one [on]")
    parser.add_argument("--workers", type=int, default=None,
                        help="`serve --workers` for the web phases [what `boletines serve` starts by default]")
    parser.add_argument("--oneshot", type=int, default=20,
                        help="one-shot CLI searches, a fresh process each; 0 skips them [20]")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out", help="where results are written")
    args = parser.parse_args(argv)
    args.keep = args.keep or args.reuse_indexes  # never delete the indexes being reused
    args.systems = {s.strip() for s in args.systems.split(",") if s.strip()} | {"ours"}
    unknown = args.systems - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown system(s): {', '.join(sorted(unknown))}")
    args.corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    if set(args.corpora) - {"dev", "scale"}:
        parser.error("--corpora takes dev, scale or dev,scale")
    return args


def _scale_corpus(shared: Path, work: Path, args) -> Path:
    root = work / "corpus"
    stamp = work / "corpus.json"
    wanted = {"docs": args.docs, "seed": args.seed}
    if args.keep and root.is_dir() and stamp.exists() and json.loads(stamp.read_text()).get("made") == wanted:
        print(f"[scale] reusing {root}", file=sys.stderr)
        return root
    print(f"[scale] cutting {args.docs:,} bulletins from {shared / 'corpus' / 'presidencia'} …", file=sys.stderr)
    sources = corpora.source_paragraphs(shared / "corpus" / "presidencia")
    made = corpora.make_scale_corpus(sources, root, args.docs, args.seed)
    stamp.write_text(json.dumps({"made": wanted, "bytes": made.bytes, "agencies": made.agencies[:20]},
                                ensure_ascii=False))
    return root


def main(argv=None) -> int:
    args = parse_args(argv)
    shared = corpora.find_shared(REPO, args.shared)
    if shared is None:
        where = args.shared or REPO.parent / "shared"
        print(f"Benchmark skipped: no shared corpus at {where} (pass --shared DIR).", file=sys.stderr)
        return 0
    queries = load_queries(args.queries)
    common = common_queries(args.common, args.seed) if args.common > 0 else "--common 0"
    known_file = args.known_items or shared / "eval" / "known-item-dev.tsv"
    known = known_item_queries(known_file) if known_file.is_file() else f"no {known_file}"
    made_temp = args.workdir is None
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="boletines-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for name in args.corpora:
            if name == "dev":
                work = workdir / "dev"
                work.mkdir(exist_ok=True)
                corpus = corpora.copy_corpus(shared / "corpus", work / "corpus")
                label = "dev corpus"
                sets = {"page": queries, "common": common, "known": known}
            else:
                work = workdir / f"scale-{args.docs}"
                work.mkdir(exist_ok=True)
                corpus = _scale_corpus(shared, work, args)
                label = f"scale corpus ({args.docs:,} generated bulletins)"
                sets = {"page": queries, "common": common, "known": "its queries name dev-corpus bulletins"}
            result = bench_corpus(label, corpus, work, sets, args, kind=name)
            results.append(result)
            print(markdown(result, machine_line()), flush=True)
    finally:
        if args.keep:
            print(f"Work folder kept: {workdir}", file=sys.stderr)
        elif made_temp:
            shutil.rmtree(workdir, ignore_errors=True)
        else:  # a folder the caller named: remove only what this run put there
            for name in ("dev", f"scale-{args.docs}"):
                shutil.rmtree(workdir / name, ignore_errors=True)
    if results:
        args.out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (args.out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
        (args.out / f"bench-{stamp}.md").write_text("\n".join(markdown(r, machine_line()) for r in results))
        print(f"Results written to {args.out / f'bench-{stamp}'}.{{md,json}}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
