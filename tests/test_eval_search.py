"""The known-item evaluation: its scoring on a tiny fixture, and (slow, needs ../shared) the dev targets."""
from pathlib import Path

import pytest

from indexer.evaluation.baselines import SqliteFts5, WhooshDefault, first_line
from indexer.evaluation.search import (Boletines, KnownItem, Scores, evaluate, load_known_items, mrr_at,
                                       rank_of, strip_accents, success_at)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def test_rank_counts_a_hit_holding_any_target_path():
    hits = [["a.txt"], ["b.txt", "b.docx"], ["c.txt"]]
    assert rank_of(hits, ("b.docx",)) == 2
    assert rank_of(hits, ("x.txt", "c.txt")) == 3
    assert rank_of(hits, ("x.txt",)) is None
    assert rank_of([], ("a.txt",)) is None


def test_success_and_mrr():
    ranks = [1, 2, None, 10, 11]
    assert success_at(ranks, 1) == pytest.approx(1 / 5)
    assert success_at(ranks, 10) == pytest.approx(3 / 5)
    assert mrr_at(ranks, 10) == pytest.approx((1 + 1 / 2 + 1 / 10) / 5)
    assert mrr_at([], 10) == 0.0 and success_at([], 10) == 0.0
    scores = Scores([1, None])
    assert (scores.s1, scores.s10, scores.mrr) == (0.5, 0.5, 0.5)


def test_evaluate_runs_every_query():
    items = [KnownItem("uno", ("a.txt",)), KnownItem("dos", ("b.txt", "b.docx")), KnownItem("tres", ("c.txt",))]
    answers = {"uno": [["a.txt"]], "dos": [["x.txt"], ["b.docx"]], "tres": [["x.txt"]]}
    assert evaluate(lambda q, k: answers[q][:k], items).ranks == [1, 2, None]


def test_known_item_file_keeps_quoted_phrases_and_twin_targets(tmp_path):
    tsv = tmp_path / "known.tsv"
    tsv.write_text('query\ttarget\tnote\n'
                   '"amlo ""trato justo"" migrantes"\ta/1.txt|a/1.docx\tboth files\n'
                   'dengue oaxaca\tb.md\t\n'
                   '\tc.md\tno query, skipped\n', encoding="utf-8")
    items = load_known_items(tsv)
    assert items == [KnownItem('amlo "trato justo" migrantes', ("a/1.txt", "a/1.docx"), "both files"),
                     KnownItem("dengue oaxaca", ("b.md",), "")]


def test_strip_accents_keeps_case_and_punctuation():
    assert strip_accents('Vacunación "niñas" IMSS-Bienestar') == 'Vacunacion "ninas" IMSS-Bienestar'


def test_fts5_expression_escapes_syntax():
    assert SqliteFts5.match_expression('amlo "trato justo" OR -x NEAR(') == '"amlo" "trato justo" "OR" "-x" "NEAR("'
    assert SqliteFts5.match_expression('- "" *') == ""


TEXTS = {
    "a.txt": "Campaña de vacunación\nLa Secretaría de Salud aplicó vacunas a niñas y niños en Oaxaca.",
    "b.txt": "Dengue en la costa\nSe reportaron casos de dengue en Pinotepa.",
    "c.txt": "Informe anual\nEl hospital recibió equipo nuevo.",
}


@pytest.mark.parametrize("make", [lambda d: WhooshDefault(d / "whoosh"), lambda d: SqliteFts5(d / "fts.sqlite")])
def test_baselines_build_and_answer(tmp_path, make):
    system = make(tmp_path)
    system.build(TEXTS)
    assert system.exists()
    assert system.search("dengue Pinotepa") == [["b.txt"]]
    assert system.search("hospital dengue") == []  # every word is required
    system.close()


def test_first_line_is_the_naive_title():
    assert first_line("\n\n  Título  \ncuerpo") == "Título"


def test_boletines_system_scores_on_a_fixture_corpus(tmp_path):
    from indexer.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in TEXTS.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build(corpus, tmp_path / "index", jobs=1)
    system = Boletines(tmp_path / "index")
    items = [KnownItem("vacunacion ninas oaxaca", ("a.txt",)), KnownItem("dengue pinotepa", ("b.txt",)),
             KnownItem("hospital equipo", ("c.txt",))]
    scores = evaluate(system.search, items)
    assert scores.ranks == [1, 1, 1] and scores.mrr == 1.0


@pytest.mark.shared
def test_dev_targets_are_met_and_baselines_beaten(tmp_path_factory):
    """Slow: builds (or reuses) the evaluation indexes over ../shared and checks the targets."""
    if not (SHARED / "eval" / "known-item-dev.tsv").is_file():
        pytest.skip("../shared not present: the known-item dev set lives there")
    from indexer.evaluation.search import DEFAULT_CACHE, K, QUERIES_FILE, TARGETS, prepare

    items = load_known_items(SHARED / QUERIES_FILE)
    systems, _ = prepare(SHARED, DEFAULT_CACHE, rebuild=False, with_baselines=True, log=lambda *a: None)
    scores = {s.name: evaluate(s.search, items, K) for s in systems}
    ours = scores.pop("Boletines")
    assert ours.s10 >= TARGETS["success@10"]
    assert ours.mrr >= TARGETS["mrr@10"]
    for baseline in scores.values():
        assert ours.mrr > baseline.mrr and ours.s10 >= baseline.s10
    for system in systems[1:]:
        system.close()


def test_plural_measure_counts_pairs_and_lists_misses():
    from collections import Counter

    from indexer.evaluation.plurals import measure, plural_forms

    assert plural_forms("luz") == ["luzs", "luzes", "luces"]
    vocabulary = Counter({"casa": 5, "casas": 3, "luz": 4, "luces": 2, "dio": 9, "dios": 7, "de": 100, "des": 1})
    report = measure(vocabulary)
    assert report.pairs == 3  # casa/casas, luz/luces, dio/dios; stopwords ("de") are left out
    assert report.conflated == 2
    assert report.misses == [("dio", "dios", 7)]
    assert report.rate == pytest.approx(2 / 3)


def test_cache_lock_lets_one_evaluation_build_at_a_time(tmp_path):
    from indexer import store
    from indexer.evaluation.search import _locked

    held = _locked(tmp_path, timeout=0)
    with pytest.raises(store.IndexBusy):
        _locked(tmp_path, timeout=0)
    held.close()
    _locked(tmp_path, timeout=0).close()
