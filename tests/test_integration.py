"""End to end over real bulletins: the seeds plus a sample of ../shared/corpus, every format."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

from indexer import build
from indexer.search import SearchEngine, SearchRequest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus"

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    if not SHARED.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout (only CI and developer machines have it)")
    corpus = tmp_path_factory.mktemp("real-corpus")
    for seed in (REPO / "corpus").glob("0*.txt"):
        shutil.copy2(seed, corpus / seed.name)
    picks = []
    for folder, count in (("campanas-2018/amlo", 12), ("campanas-2018/amlo-docx", 12), ("campanas-2018/meade", 12),
                          ("cnr-noticias", 15), ("presidencia/2020", 15), ("html", 2)):
        picks += sorted(p for p in (SHARED / folder).rglob("*") if p.is_file())[:count]
    for path in picks:
        target = corpus / path.relative_to(SHARED)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    index_dir = tmp_path_factory.mktemp("real-index")
    report = build.build(corpus, index_dir)
    assert report.files == len(picks) + 2, report.skipped
    engine = SearchEngine(index_dir)
    engine.report = report
    return engine


def test_txt_and_docx_twins_are_merged(engine):
    assert engine.report.merged >= 10  # the AMLO .txt and .docx are the same bulletins


def test_seed_bulletins_are_found_with_unaccented_queries(engine):
    hits = engine.search(SearchRequest(query="reunion salomon jara zoe robledo"))["hits"]
    assert hits[0]["path"].startswith("002_")
    assert hits[0]["date"] == "2023-11-30" and hits[0]["number"] == "599/2023"
    assert any("IMSS-Bienestar" in a for a in hits[0]["agencies"])
    hits = engine.search(SearchRequest(query="red oaxaquena municipios salud"))["hits"]
    assert hits[0]["path"].startswith("000_")


def test_every_format_is_searchable(engine):
    formats = {Path(p).suffix for h in engine.search(SearchRequest(query="", limit=100))["hits"] for p in h["paths"]}
    assert {".txt", ".md", ".docx", ".html"} <= formats


def test_facets_and_filters_on_real_data(engine):
    response = engine.search(SearchRequest(query="", limit=5))
    assert {"2018", "2020"} <= set(response["facets"]["year"])
    year_2018 = engine.search(SearchRequest(query="", limit=100, date_from=dt.date(2018, 1, 1),
                                            date_to=dt.date(2018, 12, 31)))
    assert year_2018["total"] > 0 and all(h["date"].startswith("2018") for h in year_2018["hits"])


def test_snippets_highlight_accented_text(engine):
    hit = engine.search(SearchRequest(query="campana"))["hits"][0]
    assert "<mark>" in hit["snippet"]
