"""Shared fixtures: a small corpus (the repository's seed bulletins plus a few written here),
its index built once per session, and the Flask app, test client and CLI runner over it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import build

REPO = Path(__file__).resolve().parents[1]

# Small bulletins in the formats and shapes the corpus has: accents, ñ, several agencies, dates,
# numbers, one merged duplicate (.txt and .md of the same text) and one hostile bulletin.
BULLETINS = {
    "sso/2023/vacunacion-influenza.txt": (
        "Servicios de Salud de Oaxaca\n\n"
        "Boletín No. 412/2023\n\n"
        "Arranca campaña de vacunación contra la influenza en Oaxaca\n\n"
        "Oaxaca de Juárez, Oax. 16 de octubre de 2023.- Los Servicios de Salud de Oaxaca (SSO) iniciaron la "
        "campaña de vacunación invernal contra la influenza estacional, dirigida a niñas y niños de seis meses "
        "a cinco años, personas adultas mayores y mujeres embarazadas.\n\n"
        "La titular de la Jurisdicción Sanitaria de Valles Centrales explicó que las vacunas se aplican de forma "
        "gratuita en los centros de salud y en brigadas casa por casa durante todo el año."
    ),
    "ssa/2024/dengue-temporada.txt": (
        "Secretaría de Salud\n\n"
        "Refuerza la Secretaría de Salud acciones contra el dengue en temporada de lluvias\n\n"
        "Ciudad de México, 5 de junio de 2024.- La Secretaría de Salud intensificó la eliminación de criaderos "
        "del mosquito transmisor del dengue y llamó a la población a lavar, tapar, voltear y tirar recipientes "
        "que acumulen agua. En el año se han confirmado casos en 20 entidades del país."
    ),
    "imss/2024/salud-mental-ninez.md": (
        "---\n"
        "title: IMSS-Bienestar abre módulos de salud mental para la niñez\n"
        "date: 2024-02-14\n"
        "---\n\n"
        "# IMSS-Bienestar abre módulos de salud mental para la niñez\n\n"
        "Oaxaca, Oax., 14 de febrero de 2024.- El **IMSS-Bienestar** inauguró módulos de atención a la salud "
        "mental de niñas, niños y adolescentes en los hospitales de la entidad, con psicólogas y psicólogos "
        "capacitados para acompañar a la niñez y a sus familias."
    ),
    "sso/2024/hospital-tuxtepec.txt": (
        "Servicios de Salud de Oaxaca\n\n"
        "Inaugura SSO nuevo hospital en Tuxtepec\n\n"
        "San Juan Bautista Tuxtepec, Oax. 2 de mayo de 2024.- Los Servicios de Salud de Oaxaca (SSO) pusieron "
        "en operación el nuevo hospital de la Cuenca del Papaloapan, con quirófanos, área de urgencias y "
        "consulta de especialidades para más de 300 mil habitantes."
    ),
    # The same bulletin saved twice: the index merges the two files into one result.
    "duplicados/lactancia.txt": (
        "Servicios de Salud de Oaxaca\n\n"
        "Promueve SSO la lactancia materna en la Semana Mundial\n\n"
        "Oaxaca de Juárez, Oax. 1 de agosto de 2024.- En el marco de la Semana Mundial de la Lactancia Materna, "
        "los Servicios de Salud de Oaxaca (SSO) invitaron a las madres a amamantar durante los primeros seis "
        "meses de vida, pues la leche materna protege a bebés contra infecciones y fortalece su desarrollo."
    ),
    "duplicados/lactancia-copia.md": (
        "Servicios de Salud de Oaxaca\n\n"
        "Promueve SSO la lactancia materna en la Semana Mundial\n\n"
        "Oaxaca de Juárez, Oax. 1 de agosto de 2024.- En el marco de la Semana Mundial de la Lactancia Materna, "
        "los Servicios de Salud de Oaxaca (SSO) invitaron a las madres a amamantar durante los primeros seis "
        "meses de vida, pues la leche materna protege a bebés contra infecciones y fortalece su desarrollo."
    ),
    # Text that must reach the page as text, never as markup.
    "raros/script.txt": (
        "Alerta <script>alert(1)</script> sobre vacunas falsas\n\n"
        "Oaxaca de Juárez, Oax. 9 de septiembre de 2024.- Los Servicios de Salud de Oaxaca advierten sobre "
        "mensajes falsos que ofrecen vacunas a domicilio <script>alert(1)</script> y piden no abrir enlaces "
        "<img src=x onerror=alert(2)> ni compartir datos personales."
    ),
}


def write_bulletins(root: Path, bulletins: dict[str, str]) -> None:
    for rel, text in bulletins.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def engine_over(tmp_path_factory, name: str, bulletins: dict[str, str]):
    """A search engine over an index of just `bulletins`, for tests of one behaviour."""
    from indexer.search import SearchEngine

    root = tmp_path_factory.mktemp(name)
    write_bulletins(root / "corpus", bulletins)
    build.build(root / "corpus", root / "index", jobs=1)
    return SearchEngine(root / "index")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    """A corpus folder: the repository's seed bulletins plus `BULLETINS`. Treat it as read-only."""
    root = tmp_path_factory.mktemp("corpus")
    for seed in sorted((REPO / "corpus").iterdir()):
        if seed.is_file() and not seed.name.startswith("."):
            shutil.copy2(seed, root / seed.name)
    write_bulletins(root, BULLETINS)
    return root


@pytest.fixture(scope="session")
def index_dir(corpus, tmp_path_factory) -> Path:
    """The index of `corpus`, built once per test session. Treat it as read-only."""
    path = tmp_path_factory.mktemp("index")
    report = build.build(corpus, path, jobs=1)
    assert not report.skipped, report.skipped
    return path


@pytest.fixture
def app(index_dir, corpus):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus)})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def real_index() -> Path:
    """The index of the whole real sample corpus (`../shared/corpus`), for tests marked `shared`.

    The known-item evaluation's cached index: built once (about two minutes on two cores), then reused
    while the corpus and the code that shapes an index are unchanged. Treat it as read-only.
    """
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared/corpus not present: the real sample corpus lives there")
    from indexer.evaluation.search import DEFAULT_CACHE, prepare

    systems, _ = prepare(SHARED, DEFAULT_CACHE, rebuild=False, with_baselines=False, log=lambda *a: None)
    return systems[0].engine.index_dir
