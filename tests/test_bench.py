"""Smoke tests of the benchmark code on a tiny generated corpus (no timing assertions)."""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
from pathlib import Path

import pytest

if str(Path(__file__).resolve().parents[1]) not in sys.path:  # `bench` is run from the checkout, not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import corpus as corpora
from bench import run as bench_run
from bench.baselines import Fts5Bench, WhooshBench
from bench.queries import BenchQuery, load_queries
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
    paths = [BenchQuery("vacuna").url(), BenchQuery('"salud mental"').url(), BenchQuery("dengue", ("IMSS",)).url()]
    result = run_web(built["index"], scale.root, paths, clients=2, seconds=5, max_requests=30)
    assert result.errors == 0, result.first_error
    assert result.requests == 30 == len(result.latencies_ms)


def test_main_skips_without_shared(tmp_path, capsys):
    assert bench_run.main(["--shared", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 0
    assert "skipped" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_main_end_to_end_on_a_tiny_corpus(shared, tmp_path, capsys):
    out = tmp_path / "out"
    code = bench_run.main(["--shared", str(shared), "--docs", "30", "--corpora", "scale", "--systems", "fts5",
                           "--rounds", "1", "--web-seconds", "2", "--web-requests", "20",
                           "--workdir", str(tmp_path / "work"), "--out", str(out), "--jobs", "1"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "| search p50 ≤ 2× FTS5's |" in printed and "| Whoosh (default) |" not in printed
    (result,) = json.loads(next(out.glob("*.json")).read_text())
    assert result["files"] == 30 and result["build"]["ours"]["documents"] == 30
    assert result["update"]["updated"] == 1
    assert result["search"]["ours"]["n"] == len(load_queries())
    assert result["web"]["errors"] == 0 and result["web"]["requests"] == 20
    assert not (tmp_path / "work" / "scale-30").exists()  # cleaned without --keep


def test_reuse_indexes_skips_the_builds(shared, tmp_path, capsys):
    common = ["--shared", str(shared), "--docs", "20", "--corpora", "scale", "--systems", "fts5", "--rounds", "1",
              "--web-seconds", "0", "--workdir", str(tmp_path / "work"), "--jobs", "1"]
    assert bench_run.main(common + ["--keep", "--out", str(tmp_path / "first")]) == 0
    assert bench_run.main(common + ["--reuse-indexes", "--out", str(tmp_path / "second")]) == 0
    (result,) = json.loads(next((tmp_path / "second").glob("*.json")).read_text())
    assert result["build"] == {}
    assert result["search"]["fts5"]["n"] == result["search"]["ours"]["n"] > 0
    assert "| full build, wall (CPU) | not measured | not measured |" in capsys.readouterr().out
    assert (tmp_path / "work" / "scale-20" / "index").is_dir()  # kept


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
