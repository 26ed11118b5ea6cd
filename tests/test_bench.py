"""Smoke tests of the benchmark code on a tiny generated corpus (no timing assertions)."""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `bench` is run from the checkout, not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import corpus as corpora
from bench import report
from bench import run as bench_run
from bench import web
from bench.baselines import Fts5Bench, WhooshBench
from bench.oneshot import run_oneshot
from bench.queries import BenchQuery, common_queries, known_item_queries, load_queries
from bench.sets import run_sets
from bench.web import run_web
from indexer.build import build
from indexer.extract import extract_metadata
from indexer.extract.agencies import load_catalog
from indexer.search import SearchEngine
from indexer.sources import read_bulletin

SUBJECTS = ["La Secretaría de Salud", "El personal de salud", "La brigada de vacunación", "El hospital general",
            "La jurisdicción sanitaria", "El centro de salud"]
ACTIONS = ["aplicó {n} dosis de vacuna contra la influenza", "atendió {n} casos de dengue",
           "entregó {n} piezas de medicamentos", "realizó {n} consultas de salud mental",
           "detectó {n} casos de diabetes y obesidad", "capacitó a {n} enfermeras"]
PLACES = ["en Oaxaca", "en la región de la Costa", "en la Mixteca", "en el Istmo", "en la Sierra Sur"]


def _paragraph(rng: random.Random) -> str:
    sentences = [f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS).format(n=rng.randint(10, 9999))} "
                 f"{rng.choice(PLACES)} durante la semana {rng.randint(1, 52)}." for _ in range(rng.randint(2, 5))]
    return " ".join(sentences)


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    """A stand-in for the shared folder: Presidencia-style texts (title, agency, date, ---, lines)."""
    root = tmp_path_factory.mktemp("shared")
    folder = root / "corpus" / "presidencia" / "2021"
    folder.mkdir(parents=True)
    rng = random.Random(7)
    for number in range(6):
        lines = [f"Informe de salud número {number}", "Presidencia de la República", "5 de mayo de 2021", "---",
                 "MODERADORA"]
        lines += [_paragraph(rng) for _ in range(40)]
        (folder / f"informe-{number}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def scale(shared, tmp_path_factory):
    sources = corpora.source_paragraphs(shared / "corpus" / "presidencia")
    root = tmp_path_factory.mktemp("scale") / "corpus"
    return corpora.make_scale_corpus(sources, root, 40, seed=3)


@pytest.fixture(scope="module")
def built(scale, tmp_path_factory):
    """Our index and both baselines over the scale corpus."""
    work = tmp_path_factory.mktemp("indexes")
    build(scale.root, work / "index", jobs=1)
    fts5, whoosh = Fts5Bench(work / "fts5.sqlite"), WhooshBench(work / "whoosh")
    fts5.build(scale.root, jobs=1)
    whoosh.build(scale.root, jobs=1)
    yield {"index": work / "index", "fts5": fts5, "whoosh": whoosh}
    fts5.close()


def test_source_paragraphs_drop_header_and_short_lines(shared):
    sources = corpora.source_paragraphs(shared / "corpus" / "presidencia")
    assert len(sources) == 6
    flat = [p for paragraphs in sources for p in paragraphs]
    assert all(len(p) >= corpora.MIN_PARAGRAPH for p in flat)
    assert not any(p.startswith("Informe de salud número") or p == "MODERADORA" for p in flat)


def test_long_paragraphs_are_cut_after_a_sentence():
    sentence = "El personal de salud aplicó vacunas contra el sarampión en la región. "
    pieces = corpora._cut(sentence * 60)
    assert len(pieces) > 1
    assert all(len(p) <= corpora.MAX_PARAGRAPH for p in pieces)
    assert all(p.endswith(".") for p in pieces)


def test_scale_corpus_files_carry_front_matter_the_extractor_reads(scale):
    files = sorted(scale.root.rglob("*.md"))
    assert len(files) == scale.documents == 40
    catalog_names = {a.display for a in load_catalog()}
    for path in files[:10]:
        metadata = extract_metadata(read_bulletin(path), path.relative_to(scale.root).as_posix())
        assert metadata.sources.get("title") == metadata.sources.get("date") == "front matter"
        assert corpora.FIRST_DAY <= metadata.date <= corpora.LAST_DAY
        assert path.parent.name == f"{metadata.date.month:02d}"
        assert metadata.agencies and set(metadata.agencies) <= catalog_names
    sizes = [p.stat().st_size for p in files]
    assert 1000 < sum(sizes) / len(sizes) < 6000


def test_scale_corpus_is_deterministic_and_has_no_duplicates(shared, scale, tmp_path):
    sources = corpora.source_paragraphs(shared / "corpus" / "presidencia")
    again = corpora.make_scale_corpus(sources, tmp_path / "again", 40, seed=3)
    first = {p.relative_to(scale.root): p.read_bytes() for p in scale.root.rglob("*.md")}
    second = {p.relative_to(again.root): p.read_bytes() for p in again.root.rglob("*.md")}
    assert first == second
    other = corpora.make_scale_corpus(sources, tmp_path / "other", 40, seed=4)
    assert {p.read_bytes() for p in other.root.rglob("*.md")} != set(first.values())
    assert len(set(first.values())) == 40


def test_change_one_bulletin_appends_to_exactly_one_file(scale, tmp_path):
    copy = corpora.copy_corpus(scale.root, tmp_path / "copy")
    before = {p: p.read_bytes() for p in copy.rglob("*.md")}
    changed = corpora.change_one_bulletin(copy, seed=1)
    after = {p: p.read_bytes() for p in copy.rglob("*.md")}
    assert [p for p in before if before[p] != after[p]] == [changed]
    assert after[changed].startswith(before[changed])


def test_find_shared_needs_a_corpus_folder(shared, tmp_path):
    assert corpora.find_shared(tmp_path, shared) == shared
    assert corpora.find_shared(tmp_path, tmp_path / "nowhere") is None


def test_query_set_is_varied_and_parsed():
    queries = load_queries()
    assert len(queries) >= 50
    assert any(q.query.startswith('"') and q.query.endswith('"') for q in queries)  # phrases keep quotes
    assert any(q.agencies for q in queries) and any(q.date_from or q.date_to for q in queries)
    assert any(q.query.isascii() and "unaccented" in q.kind for q in queries)
    assert len({(q.query, q.agencies, q.date_from, q.date_to) for q in queries}) == len(queries)
    dated = next(q for q in queries if q.from_text and len(q.from_text) == 4 and q.to_text == q.from_text)
    assert dated.date_from == dt.date(int(dated.from_text), 1, 1)
    assert dated.date_to == dt.date(int(dated.to_text), 12, 31)


def test_query_url_and_bounds():
    q = BenchQuery('"salud mental"', ("IMSS", "ISSSTE"), dt.date(2021, 1, 1), dt.date(2021, 12, 31),
                   from_text="2021", to_text="2021")
    assert q.url() == "/api/search?q=%22salud+mental%22&agencia=IMSS&agencia=ISSSTE&desde=2021&hasta=2021"
    assert q.date_bounds() == (20210101, 20211231)
    assert BenchQuery("dengue").date_bounds() is None
    known = ["Instituto Mexicano del Seguro Social (IMSS)", "IMSS-Bienestar", "Secretaría de Salud (SSA)"]
    assert q.agency_names(known) == ["Instituto Mexicano del Seguro Social (IMSS)"]


def _facet_total(facets: dict) -> int:
    return sum(facets.values())


@pytest.mark.parametrize("system", ["fts5", "whoosh"])
def test_baselines_do_the_page_job(built, system):
    engine = built[system]
    answer = engine.search(BenchQuery("vacuna influenza"))
    assert answer["total"] > 0
    assert 0 < len(answer["hits"]) <= 10
    assert all("<" in hit["snippet"] for hit in answer["hits"])  # highlighted
    assert set(answer["facets"]) == {"agency", "year", "month"}
    assert _facet_total(answer["facets"]["year"]) == answer["total"]
    assert _facet_total(answer["facets"]["month"]) == answer["total"]


@pytest.mark.parametrize("system", ["fts5", "whoosh"])
def test_baseline_filters_keep_other_facets_open(built, system):
    engine = built[system]
    plain = engine.search(BenchQuery("dengue"))
    agency = next(iter(plain["facets"]["agency"]))
    filtered = engine.search(BenchQuery("dengue", (agency,)))
    assert filtered["total"] == plain["facets"]["agency"][agency]
    assert filtered["facets"]["agency"] == plain["facets"]["agency"]  # its own filter left out
    year = next(iter(plain["facets"]["year"]))
    dated = engine.search(BenchQuery("dengue", (), dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)))
    assert dated["total"] == plain["facets"]["year"][year]
    assert dated["facets"]["year"] == plain["facets"]["year"]
    nobody = engine.search(BenchQuery("dengue", ("Agencia que no existe",)))
    assert nobody["total"] == 0 and nobody["hits"] == []


def test_baselines_match_our_counts_on_filters(built):
    """Same files, same metadata: an agency filter selects the same bulletins in all three."""
    ours = SearchEngine(built["index"])
    agency = ours.agencies()[0]
    q = BenchQuery("salud", (agency,))
    expected = ours.search(q.request())["facets"]["month"]
    assert built["fts5"].search(q)["facets"]["month"] == expected
    assert built["whoosh"].search(q)["facets"]["month"] == expected


def _double(x):
    return {"twice": 2 * x}


def test_run_child_returns_the_value_and_measures(tmp_path):
    run = bench_run.run_child(_double, 21)
    assert run.value == {"twice": 42}
    assert run.wall >= 0 and run.cpu >= 0 and run.peak_largest > 0


def _fail():
    raise ValueError("boom")


def test_run_child_reports_a_failure():
    with pytest.raises(RuntimeError, match="boom"):
        bench_run.run_child(_fail)


def test_percentiles():
    values = [float(v) for v in range(1, 101)]
    p = bench_run.percentiles(values)
    assert p["p50"] == pytest.approx(50.5)
    assert p["p95"] == pytest.approx(95.05)
    assert p["p99"] == pytest.approx(99.01)
    assert bench_run.percentiles([])["p50"] is None
    assert bench_run.percentiles([3.0])["p99"] == 3.0


def test_web_load_against_the_real_server(built, scale):
    """Both phases in one server run: the cold URLs each once, the server made ready with a URL
    outside them, then the warm phase as bounded."""
    paths = [BenchQuery("vacuna").url(), BenchQuery('"salud mental"').url(), BenchQuery("dengue", ("IMSS",)).url()]
    cold = [BenchQuery(q).url() for q in ("salud oaxaca", "hospital", "dengue casos", "influenza vacuna",
                                          "consultas", "brigada salud")]
    run = run_web(built["index"], scale.root, paths, clients=2, seconds=5, max_requests=30, cold_paths=cold,
                  workers=2, settle=0)
    assert run.workers == 2 and run.threads == 2
    assert run.cold.errors == 0, run.cold.first_error
    assert sorted(run.cold.sent) == sorted(cold) and run.cold.requests == len(cold)
    assert run.warm.errors == 0, run.warm.first_error
    assert run.warm.requests == 30 == len(run.warm.latencies_ms)
    assert set(run.warm.sent) == set(paths)


def test_web_waits_with_a_url_outside_the_cold_set(built, scale):
    url = BenchQuery("vacuna").url()
    with pytest.raises(ValueError, match="cold"):
        run_web(built["index"], scale.root, [url], cold_paths=[url])


class _Recorder(BaseHTTPRequestHandler):
    """Answers 200 to every GET on a keep-alive connection and records the path."""

    protocol_version = "HTTP/1.1"
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).seen.append(self.path)
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = ThreadingHTTPServer((web.HOST, 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Recorder.seen
    server.shutdown()
    server.server_close()


def test_cold_load_sends_every_url_exactly_once(recorder):
    port, seen = recorder
    paths = [f"/api/search?q=palabra{n}" for n in range(203)]
    result = web.load_once(port, paths, clients=8)
    assert result.errors == 0 and result.requests == len(paths)
    assert Counter(seen) == Counter(paths)  # each once, none missed, none repeated, across all clients
    assert sorted(result.sent) == sorted(paths)


def test_warm_load_cycles_and_stops_at_the_request_bound(recorder):
    port, seen = recorder
    paths = ["/a", "/b", "/c"]
    result = web.load(port, paths, clients=2, seconds=30, max_requests=31)
    assert result.requests == len(seen) == 31
    assert set(seen) == set(paths) and max(Counter(seen).values()) > 1


def test_server_command_runs_the_checkout_with_explicit_workers(tmp_path):
    command = web.server_command(tmp_path / "index", tmp_path / "corpus", 8123, threads=8, workers=3)
    assert command[:3] == [sys.executable, "-m", "indexer.cli"]
    assert command[command.index("--workers") + 1] == "3"
    assert command[command.index("--index") + 1] == str((tmp_path / "index").resolve())
    default = web.server_command(tmp_path / "index", tmp_path / "corpus", 8123)
    assert default[default.index("--workers") + 1] == str(web.default_workers())
    from indexer.cli import serve_command

    shown = next(p for p in serve_command.params if p.name == "workers")
    assert web.default_workers() == shown.default


def test_main_skips_without_shared(tmp_path, capsys):
    assert bench_run.main(["--shared", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 0
    assert "skipped" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_main_end_to_end_on_a_tiny_corpus(shared, tmp_path, capsys):
    out = tmp_path / "out"
    code = bench_run.main(["--shared", str(shared), "--docs", "30", "--corpora", "scale", "--systems", "fts5",
                           "--rounds", "1", "--web-seconds", "2", "--web-requests", "20", "--common", "12",
                           "--oneshot", "2", "--workers", "1",
                           "--workdir", str(tmp_path / "work"), "--out", str(out), "--jobs", "1"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "| search p50 ≤ 2× FTS5's (page set) |" in printed and "| Whoosh (default) |" not in printed
    assert "| search p95 ≤ 0.5× FTS5's (common words) |" in printed
    assert "| web cold p99 ≤ 250 ms |" in printed and "| web warm p99 ≤ 250 ms |" in printed
    assert "(1 workers)" in printed and "known items: skipped" in printed
    assert "one-shot CLI search p50" not in printed  # its target is for the dev corpus
    (result,) = json.loads(next(out.glob("*.json")).read_text())
    assert result["files"] == 30 and result["build"]["ours"]["documents"] == 30
    assert result["update"]["updated"] == 1
    assert result["search"]["ours"]["n"] == len(load_queries())
    assert result["sets"]["common"]["ours"]["n"] == result["sets"]["common"]["fts5"]["n"] == 12
    assert "skipped" in result["sets"]["known"]
    web_ = result["web"]
    assert web_["workers"] == 1 and web_["clients"] == 8
    assert web_["cold"]["errors"] == 0 and web_["cold"]["requests"] == web_["cold"]["distinct"] == 12
    assert web_["warm"]["errors"] == 0 and web_["warm"]["requests"] == 20
    assert result["oneshot"]["n"] == 2 and result["oneshot"]["python"]["p50"] > 0
    assert not (tmp_path / "work" / "scale-30").exists()  # cleaned without --keep


def test_dev_corpus_measures_known_items_and_the_one_shot_target(shared, tmp_path, capsys):
    known = tmp_path / "known.tsv"
    known.write_text("query\ttarget\nvacuna influenza oaxaca\tx.txt\ndengue palabrainexistente\ty.txt\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    assert bench_run.main(["--shared", str(shared), "--corpora", "dev", "--systems", "fts5", "--rounds", "1",
                           "--web-seconds", "0", "--common", "5", "--oneshot", "1", "--known-items", str(known),
                           "--workdir", str(tmp_path / "work"), "--out", str(out), "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "| search p50 ≤ 0.5× FTS5's (known items) |" in printed
    assert "| one-shot CLI search p50 ≤ 300 ms wall (dev corpus) |" in printed
    (result,) = json.loads(next(out.glob("*.json")).read_text())
    assert result["kind"] == "dev"
    assert result["sets"]["known"]["ours"]["n"] == 2
    assert result["sets"]["known"]["fts5"]["any_word"] == 1  # only the query with a word no bulletin has


def test_reuse_indexes_skips_the_builds(shared, tmp_path, capsys):
    common = ["--shared", str(shared), "--docs", "20", "--corpora", "scale", "--systems", "fts5", "--rounds", "1",
              "--web-seconds", "0", "--common", "10", "--oneshot", "0", "--workdir", str(tmp_path / "work"),
              "--jobs", "1"]
    assert bench_run.main(common + ["--keep", "--out", str(tmp_path / "first")]) == 0
    assert bench_run.main(common + ["--reuse-indexes", "--out", str(tmp_path / "second")]) == 0
    (result,) = json.loads(next((tmp_path / "second").glob("*.json")).read_text())
    assert result["build"] == {}
    assert result["search"]["fts5"]["n"] == result["search"]["ours"]["n"] > 0
    assert result["oneshot"] is None and result["web"] is None
    assert "| full build, wall (CPU) | not measured | not measured |" in capsys.readouterr().out
    assert (tmp_path / "work" / "scale-20" / "index").is_dir()  # kept


def test_known_item_queries_read_csv_quoting_like_the_evaluation(tmp_path):
    path = tmp_path / "known.tsv"
    path.write_text('query\ttarget\tnote\n"bienestar ""los reyes la paz"" marisela"\ta.txt\tphrase\n'
                    "dengue oaxaca 2021\tb.txt|c.txt\t\n", encoding="utf-8")
    expected = ['bienestar "los reyes la paz" marisela', "dengue oaxaca 2021"]
    assert [q.query for q in known_item_queries(path)] == expected
    from indexer.evaluation.search import load_known_items

    assert [q.query for q in known_item_queries(path)] == [item.query for item in load_known_items(path)]


def test_fts5_any_word_fallback(built):
    fts5 = built["fts5"]
    assert fts5.search(BenchQuery("dengue palabrainexistente"))["total"] == 0  # all words: nothing
    alone = fts5.search(BenchQuery("dengue"))
    fallback = fts5.search(BenchQuery("dengue palabrainexistente"), any_word=True)
    assert fallback["any_word"] is True
    assert fallback["total"] == alone["total"] > 0
    assert fallback["hits"] and all("<mark>" in hit["snippet"] for hit in fallback["hits"])
    both = fts5.search(BenchQuery("vacuna influenza"), any_word=True)  # all words found: no fallback
    assert "any_word" not in both and both["total"] == fts5.search(BenchQuery("vacuna influenza"))["total"] > 0
    single = fts5.search(BenchQuery("palabrainexistente"), any_word=True)  # one word: nothing to widen
    assert single["total"] == 0 and "any_word" not in single
    phrase = fts5.search(BenchQuery('"salud mental" palabrainexistente'), any_word=True)
    assert phrase["any_word"] and phrase["total"] == fts5.search(BenchQuery('"salud mental"'))["total"] > 0


def test_run_sets_measures_each_set_and_system(built):
    baselines = {"fts5": built["fts5"], "whoosh": built["whoosh"]}
    sets = {"page": ([BenchQuery("vacuna"), BenchQuery("dengue", ("IMSS",))], 2),
            "common": (common_queries(6, seed=5), 1),
            "known": ([BenchQuery("dengue palabrainexistente"), BenchQuery("vacuna influenza")], 1)}
    said = []
    out = run_sets(built["index"], baselines, sets, whoosh_rounds=1, say=said.append)
    assert set(out) == {"page", "common", "known"}
    assert out["page"]["ours"]["n"] == out["page"]["ours_warm"]["n"] == out["page"]["fts5"]["n"] == 4
    assert out["page"]["whoosh"]["n"] == 2  # whoosh_rounds, page set only
    assert "whoosh" not in out["common"] and "whoosh" not in out["known"]
    assert out["common"]["ours"]["n"] == out["common"]["fts5"]["n"] == 6 and out["common"]["queries"] == 6
    assert out["known"]["fts5"]["any_word"] == 1 and out["known"]["ours"]["n"] == 2
    assert out["known"]["fts5"]["mean_total"] > 0  # the fallback answered the query AND left empty
    assert said


def test_one_shot_cli_runs_fresh_processes_against_an_index(built, tmp_path):
    queries = [BenchQuery("vacuna"), BenchQuery("dengue salud")]
    timed = run_oneshot(built["index"], queries, python_runs=1)
    assert timed["n"] == 2 and [r["query"] for r in timed["runs"]] == ["vacuna", "dengue salud"]
    assert timed["max"] >= timed["p50"] > 0 and timed["python"]["p50"] > 0
    assert timed["inside"] is not None  # the engine's own time, read from the command's output
    with pytest.raises(RuntimeError, match="exited"):
        run_oneshot(tmp_path / "no-index", queries[:1], python_runs=0)


def _entry(p50, p95, n=10):
    return {"n": n, "p50": p50, "p95": p95, "p99": p95 * 1.2, "mean": p50, "cpu_mean": p50, "mean_total": 5.0,
            "slowest": [{"ms": p95, "query": "salud"}]}


def _result(kind: str) -> dict:
    web_phase = {"requests": 800, "errors": 0, "seconds": 8.9, "rps": 90.0, "server_cpu": 12.0,
                 "first_error": None, "p50": 60.0, "p95": 150.0, "p99": 240.0, "mean": 70.0}
    return {"corpus": f"{kind} corpus", "kind": kind, "files": 3445, "bytes": 10 * report.MB, "queries": 62,
            "rounds": 3, "build": {},
            "search": {"ours": _entry(20, 60), "ours_warm": _entry(0.03, 0.05), "fts5": _entry(30, 90)},
            "sets": {"common": {"queries": 800, "rounds": 1, "ours": _entry(10, 40), "fts5": _entry(30, 60)},
                     "known": ({"queries": 60, "rounds": 3, "ours": _entry(30, 50),
                                "fts5": dict(_entry(50, 120), any_word=7)} if kind == "dev"
                               else {"skipped": "dev corpus only"})},
            "update": {"wall": 0.2, "cpu": 0.2, "mode": "incremental", "updated": 1},
            "web": {"clients": 8, "workers": 2, "threads": 8, "cold": dict(web_phase, distinct=800),
                    "warm": dict(web_phase, rps=900.0, requests=2000)},
            "oneshot": {"n": 20, "p50": 250.0, "p95": 420.0, "p99": 450.0, "mean": 260.0, "max": 460.0,
                        "inside": {"p50": 40.0}, "python": {"p50": 15.0}}}


def test_report_renders_the_new_rows_and_judges_them():
    text = report.markdown(_result("dev"), "2 cores")
    assert "| search p50 ≤ 0.5× FTS5's (common words) | 0.33× | PASS |" in text
    assert "| search p95 ≤ 0.5× FTS5's (common words) | 0.67× | MISS |" in text
    assert "| search p50 ≤ 0.5× FTS5's (known items) | 0.60× | MISS |" in text
    assert "| search p95 ≤ 0.5× FTS5's (known items) | 0.42× | PASS |" in text
    assert "| web cold ≥ 100 req/s at 8 clients (2 workers) | 90 req/s | MISS |" in text
    assert "| web cold p99 ≤ 250 ms | 240 ms | PASS |" in text
    assert "| web warm ≥ 100 req/s at 8 clients (2 workers) | 900 req/s | PASS |" in text
    assert "| one-shot CLI search p50 ≤ 300 ms wall (dev corpus) | 250 ms | PASS |" in text
    assert "| one-shot CLI search p95 ≤ 300 ms wall (dev corpus) | 420 ms | MISS |" in text
    assert "fell back to any word for 7 of 60 queries" in text
    assert "2 workers × 8 threads" in text and "800 distinct common-word URLs, each sent once" in text
    assert ("| search p50 / p95 / p99, common words, result cache cold | 10.0 / 40.0 / 48.0 ms "
            "| 30.0 / 60.0 / 72.0 ms |") in text
    scale_text = report.markdown(_result("scale"), "2 cores")
    assert "one-shot CLI search p50" not in scale_text and "(known items)" not in scale_text
    assert "known items: skipped (dev corpus only)" in scale_text
    assert "wall p50 / p95 / max **250 / 420 / 460 ms**" in scale_text  # figures still shown


def test_default_whoosh_is_timed_without_the_engine_changes(built):
    """The baseline's searches run in a child interpreter where the engine (which changes two Whoosh
    internals) was never imported; the child refuses to run otherwise."""
    import subprocess

    from bench import stock_whoosh

    queries = [BenchQuery("vacuna influenza"), BenchQuery("dengue")]
    latency = stock_whoosh.measure(built["whoosh"].index_dir, queries, rounds=2)
    assert len(latency.samples_ms) == 4 and latency.mean_total > 0
    code = "import indexer.search, bench.stock_whoosh as s; s.main()"
    refused = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[1],
                             capture_output=True, text=True, input="")
    assert refused.returncode != 0 and "not be stock Whoosh" in refused.stderr
