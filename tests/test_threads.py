"""A server worker answers many requests at once from threads: each answer must equal the one a single
thread gives. Run with the pure-Python Snowball stemmer (what `pip install -e .` alone gives), whose
stemmer objects keep state between calls, and with every per-word cache emptied so the stemmers,
snippet patterns and term caches are really shared while the threads search."""
import random
import sys
import threading

import pytest

from indexer import analysis, highlight
from indexer.search import SearchEngine, SearchRequest

from conftest import write_bulletins
from indexer import build

TOPICS = ["vacunación", "dengue", "influenza", "hospitales", "enfermedades", "campañas", "niñas y niños",
          "trabajadoras", "municipios", "epidemiológicas", "brigadas", "jornadas", "médicos", "consultas"]
PLACES = ["Mixteca", "Costa", "Istmo", "Cuenca", "Sierra Sur", "Valles Centrales", "Cañada", "Papaloapan"]


def _bulletins(count: int) -> dict[str, str]:
    rng = random.Random(7)
    out = {}
    for i in range(count):
        words = rng.sample(TOPICS, 4)
        place = rng.choice(PLACES)
        out[f"b/{i:03d}.txt"] = (f"{words[0].capitalize()} en la {place}\n\n"
                                 f"Las {words[1]} y los {words[2]} de la {place} atienden {words[3]}. "
                                 f"Boletín número {i} sobre {words[0]} y {words[1]}.")
    return out


QUERIES = ([f"{a} {b}" for a in TOPICS[:8] for b in PLACES[:4]] + TOPICS
           + ["vacunacion ninos", "VACUNACION", "denge", '"sierra sur"', "hospital*", "covid19", "dengue 2021"])


def _answer(engine: SearchEngine, query: str):
    response = engine.search(SearchRequest(query=query))
    return response["total"], [(h["id"], h["snippet"], h["title_html"], tuple(h["missing"])) for h in response["hits"]]


def _forget_words() -> None:
    analysis.stem.cache_clear()
    analysis.fold.cache_clear()
    highlight._phrase_terms.cache_clear()


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("threads")
    write_bulletins(root / "corpus", _bulletins(120))
    build.build(root / "corpus", root / "index", jobs=1)
    return root / "index"


def test_many_threads_get_the_answers_one_thread_gets(index, monkeypatch):
    import snowballstemmer
    from snowballstemmer.spanish_stemmer import SpanishStemmer

    monkeypatch.setattr(snowballstemmer, "stemmer", lambda language: SpanishStemmer())
    monkeypatch.setattr(analysis, "_local", threading.local())
    _forget_words()
    expected = {q: _answer(SearchEngine(index), q) for q in QUERIES}

    engine = SearchEngine(index)  # a fresh engine: empty caches, one generation shared by the threads
    _forget_words()
    got: dict[int, dict] = {}
    errors: list[BaseException] = []

    def work(n: int):
        order = list(QUERIES)
        random.Random(n).shuffle(order)
        try:
            got[n] = {q: _answer(engine, q) for q in order}
        except BaseException as exc:  # noqa: BLE001 - any failure is what the test looks for
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors, errors[:3]
    assert len(got) == 8
    for answers in got.values():
        assert answers == expected
