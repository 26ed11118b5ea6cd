"""Exact scoring of a page's candidates: the shortcuts must give the scores full scoring gives."""
import random

import pytest
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import RamStorage

from conftest import write_bulletins
from indexer import build, ranking
from indexer.query import DisMax, docs_of, parse, to_whoosh
from indexer.search import SearchEngine

WORDS = ("hospital general centro salud personal médico vacuna influenza dengue costa oaxaca "
         "jornada nacional pública unidades médicas atención casos pinotepa campaña niñas niños").split()


def _bulletins(count: int, seed: int) -> dict[str, str]:
    rng = random.Random(seed)
    return {f"b{seed}-{i:03d}.txt": f"Boletín {i}\n\n" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))
            for i in range(count)}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """Two segments (a build, then an update), so document numbers carry segment offsets."""
    root = tmp_path_factory.mktemp("scoring")
    write_bulletins(root / "corpus", _bulletins(120, 1))
    build.build(root / "corpus", root / "index", jobs=1)
    write_bulletins(root / "corpus", _bulletins(60, 2))
    build.update(root / "corpus", root / "index", jobs=1)
    engine = SearchEngine(root / "index")
    assert len(engine.generation().searcher().reader().leaf_readers()) >= 2
    return engine


def _full_scores(searcher, q) -> dict[int, float]:
    return {hit.docnum: hit.score for hit in searcher.search(q, limit=None, optimize=False)}


@pytest.mark.parametrize("query", ["hospital general", "centro de salud", '"jornada nacional"', "dengue",
                                   "personal médico oaxaca costa", '"unidades médicas" niñas', "vacuna -dengue"])
def test_restricted_scoring_gives_the_full_scores(engine, query):
    searcher = engine.generation().searcher()
    q = to_whoosh(parse(query))
    full = _full_scores(searcher, q)
    assert full, query
    candidates = sorted(full)[::3]  # every third match, spread over both segments
    focused = ranking.restrict(q, candidates, lambda sub: frozenset(docs_of(sub, searcher)),
                               lambda most: most.choose([docs_of(sub, searcher) for sub in most.subqueries])[0])
    restricted = _full_scores(searcher, focused)
    assert set(restricted) == set(candidates)
    for doc in candidates:
        assert restricted[doc] == pytest.approx(full[doc]), doc


def test_dismax_scores_the_best_option_plus_tiebreak(engine):
    searcher = engine.generation().searcher()
    options = [wq.Term("body", "hospital"), wq.Term("body", "general"), wq.Term("body", "dengu")]
    alone = [_full_scores(searcher, option) for option in options]
    combined = _full_scores(searcher, DisMax(options, tiebreak=0.1))
    assert set(combined) == set().union(*alone)
    for doc, score in combined.items():
        parts = [scores[doc] for scores in alone if doc in scores]
        assert score == pytest.approx(max(parts) + 0.1 * (sum(parts) - max(parts)))
    # and a document's score does not depend on how many others were collected before it
    top = searcher.search(DisMax(options, tiebreak=0.1), limit=3, optimize=False)
    assert [round(h.score, 6) for h in top] == sorted((round(s, 6) for s in combined.values()), reverse=True)[:3]


def test_posting_skip_to_lands_where_stepping_would():
    """The binary-search `skip_to` (indexer.postings) against stepping one posting at a time."""
    storage = RamStorage()
    ix = storage.create_index(Schema(word=ID()))
    writer = ix.writer()
    holding = [d for d in range(1000) if d % 3 == 0 or d % 7 == 0]
    for d in range(1000):
        writer.add_document(word="x" if d in holding else "y")
    writer.commit()
    with ix.searcher() as searcher:
        for target in (0, 1, 5, 127, 128, 129, 300, 640, 641, 998):
            matcher = searcher.reader().postings("word", b"x")
            assert isinstance(matcher, W3LeafMatcher)
            matcher.skip_to(target)
            expected = [d for d in holding if d >= target]
            assert matcher.is_active() == bool(expected)
            if expected:
                assert matcher.id() == expected[0]
                matcher.skip_to(expected[0] + 200)  # and onward from the middle of a block
                later = [d for d in holding if d >= expected[0] + 200]
                assert (matcher.id() if matcher.is_active() else None) == (later[0] if later else None)


def test_term_postings_read_by_block_equal_stepping_with_deletions(tmp_path):
    """`term_postings` over several segments, one with deleted documents."""
    from indexer.postings import term_postings

    write_bulletins(tmp_path / "corpus", _bulletins(300, 3))
    build.build(tmp_path / "corpus", tmp_path / "index", jobs=1)
    for name in list(_bulletins(300, 3))[::4]:  # delete a quarter: the update marks them deleted
        (tmp_path / "corpus" / name).unlink()
    write_bulletins(tmp_path / "corpus", _bulletins(40, 4))
    build.update(tmp_path / "corpus", tmp_path / "index", jobs=1)
    searcher = SearchEngine(tmp_path / "index").generation().searcher()
    reader = searcher.reader()
    assert any(leaf.has_deletions() for leaf, _ in reader.leaf_readers())
    for term in ("salud", "hospital", "dengu", "nohay"):
        ids, weights = term_postings(reader, "body", term)
        stepping = reader.postings("body", term) if ("body", term) in reader else None
        expected = []
        while stepping is not None and stepping.is_active():
            expected.append((stepping.id(), stepping.weight()))
            stepping.next()
        assert ids.tolist() == [d for d, _ in expected], term
        assert weights.tolist() == pytest.approx([w for _, w in expected]), term
    assert len(term_postings(reader, "body", "salud")[0]) > 128  # more than one block
    from indexer.postings import phrase_docs

    for words in (["hospital", "general"], ["personal", "mediz"], ["salud", "salud"], ["campan", "nin", "nin"]):
        for slop in (1, 3):
            expected = sorted(wq.Phrase("body", words, slop=slop).matcher(searcher).all_ids())
            assert phrase_docs(reader, "body", words, slop) == expected, (words, slop)


def test_phrase_documents_are_whooshs_phrase_matches(engine):
    """`postings.phrase_docs` against Whoosh's own Phrase matcher on random phrases, over two segments."""
    from indexer.postings import phrase_docs

    rng = random.Random(5)
    searcher = engine.generation().searcher()
    stems = sorted({t.decode() for t in searcher.reader().lexicon("body") if t.decode().isalpha()})
    checked = 0
    for _ in range(60):
        words = [rng.choice(stems) for _ in range(rng.choice((2, 2, 3)))]
        for slop in (1, 2, 4):
            expected = sorted(wq.Phrase("body", words, slop=slop).matcher(searcher).all_ids())
            assert phrase_docs(searcher.reader(), "body", words, slop) == expected, (words, slop)
            checked += bool(expected)
    assert checked > 20  # most of the random phrases do occur somewhere
