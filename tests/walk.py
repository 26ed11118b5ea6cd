"""Walk the site as a person does: the home page, some searches, then every link the pages show.

`walk(client, queries)` opens the home page, each query (as the search page, `/api/search` and
`/api/suggest`), then follows, breadth first, every link of this site each HTML page shows —
facets, chips, sort, pages, bulletins, related bulletins, source files — until `limit` responses.
It returns (responses walked, [(url, status)] of every answer ≥ 500), so a test asserts the list
is empty and a person reads what broke.
"""
from __future__ import annotations

import os
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and ((tag == "a" and name == "href") or (tag in ("link", "script") and name in ("href", "src"))):
                self.links.append(value)


def links_of(html: str) -> list[str]:
    """This site's links in a page (absolute paths), in page order, without fragments."""
    parser = _Links()
    parser.feed(html)
    out = []
    for link in parser.links:
        parts = urlsplit(link)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, or an in-page anchor
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def seeds(queries: list[str]) -> list[str]:
    """The home page, then each query as a person (the page) and the page's script (the API) ask it."""
    urls = ["/"]
    for q in queries:
        urls.append("/?" + urlencode({"q": q}))
        urls.append("/api/search?" + urlencode({"q": q}))
        urls.append("/api/suggest?" + urlencode({"q": q}))
    return urls


def walk(client, queries: list[str], limit: int = 500) -> tuple[int, list[tuple[str, int]]]:
    """(responses walked, [(url, status) for every response ≥ 500]) over at most `limit` responses."""
    queue = deque(seeds(queries))
    seen = set(queue)
    walked, failures = 0, []
    while queue and walked < limit:
        url = queue.popleft()
        response = client.get(url)
        walked += 1
        if response.status_code >= 500:
            failures.append((url, response.status_code))
        if response.status_code == 200 and response.mimetype == "text/html":
            for link in links_of(response.get_data(as_text=True)):
                if link not in seen:
                    seen.add(link)
                    queue.append(link)
        response.close()
    return walked, failures


# --- a corpus where every field may be missing or odd ------------------------------------------

def _huge_text(words: int = 150_000) -> str:
    vocabulary = ("salud vacunación dengue hospital Oaxaca campaña niñas niños médicos brigadas influenza "
                  "jurisdicción sanitaria prevención").split()
    lines = [" ".join(vocabulary[(i * 7 + j) % len(vocabulary)] for j in range(12)) + "."
             for i in range(words // 12)]
    return "Informe enorme sin fecha\n\n" + "\n".join(lines)


CHAOS = {
    "sin-fecha.txt": "Secretaría de Salud\n\nBoletín sin fecha sobre vacunas\n\nLa Secretaría de Salud informó "
                     "sobre la vacunación contra la influenza, sin decir cuándo.",
    "sin-titulo.txt": "\n\n\nvacunas dengue influenza, texto corrido sin título, sin fecha y sin dependencia",
    "sin-agencia.txt": "Vecinos limpian el parque\n\nTlaxiaco, 3 de marzo de 2022.- Vecinos limpiaron el parque "
                       "y hablaron de vacunas.",
    "mismo-titulo-1.txt": "Jornada de vacunación\n\nOaxaca, 5 de junio de 2023.- Primera jornada en la costa.",
    "mismo-titulo-2.txt": "Jornada de vacunación\n\nOaxaca, 9 de julio de 2021.- Otra jornada, en la sierra, "
                          "con brigadas de salud.",
    "antiguo.md": "---\ntitle: Boletín de 1900\ndate: 1900-01-01\n---\n\nUn boletín de salud de hace mucho.",
    # a date outside the years bulletins can have: read as undated
    "muy-antiguo.md": "---\ntitle: Crónica de 1521\ndate: 1521-08-13\n---\n\nCrónica sobre la viruela y la salud.",
    "futuro.md": "---\ntitle: Boletín del año 2100\ndate: 2100-12-31\n---\n\nVacunas del porvenir.",
    "sin-nada.md": "---\ntitle: ''\nagencies: []\n---\n\nsalud",
    "solo-titulo-html.html": "<html><head><title></title></head><body><p>vacunas y salud</p></body></html>",
    "vacio.txt": "",
    "enorme.txt": None,  # _huge_text()
    # hostile names (any byte but "/" and NUL is allowed)
    "nueva\nlínea.txt": "Nombre con salto de línea\n\nSalud y vacunas, 4 de abril de 2023.",
    "retorno\rde carro.txt": "Nombre con retorno de carro\n\nSalud y dengue, 5 de abril de 2023.",
    "tab\tulador.txt": "Nombre con tabulador\n\nSalud, 6 de abril de 2023.",
    "comillas \"dobles\" y 'simples'.txt": "Comillas en el nombre\n\nSalud, 7 de abril de 2023.",
    "<script>alert(1)<script>.txt": "Etiqueta en el nombre\n\nSalud, 8 de abril de 2023.",
    "por ciento %41 & ? # ;.txt": "Signos en el nombre\n\nSalud, 9 de abril de 2023.",
    "-guion inicial.txt": "Guion inicial\n\nSalud, 10 de abril de 2023.",
    " espacios .txt": "Espacios alrededor\n\nSalud, 11 de abril de 2023.",
    "cancio\u0301n descompuesta.txt": "Acento descompuesto\n\nSalud, 12 de abril de 2023.",
    "🦠 virus.txt": "Emoji en el nombre\n\nSalud, 13 de abril de 2023.",
    ("largo-" * 40) + ".txt": "Nombre muy largo\n\nSalud, 14 de abril de 2023.",
    "carpeta con espacios/y ñ/boletín.txt": "En subcarpetas\n\nSalud, 15 de abril de 2023.",
}
# a name that is not UTF-8 (Latin-1 "é"): the file system allows it
UNDECODABLE = {b"caf\xe9 latin1.txt": "Nombre en Latin-1\n\nSalud y vacunas, 16 de abril de 2023."}

CHAOS_QUERIES = ["", "vacunas", "salud", "jornada de vacunación", "sin fecha", "fecha:1900", "fecha:2023",
                 "fecha:1521", "agencia:SSO", "agencia:nadie", "-vacunas", '"', "vacun*", "dengue OR viruela",
                 "a" * 500, "vacunasion", "ñandú", "<script>", "%41", "nueva línea", "latin1"]


def write_chaos_corpus(root: Path, undecodable: bool = True) -> Path:
    """The chaos corpus under `root` (created); `undecodable` adds a file whose name is not UTF-8."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in CHAOS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_huge_text() if text is None else text, encoding="utf-8")
    if undecodable:
        for name, text in UNDECODABLE.items():
            with open(os.path.join(os.fsencode(root), name), "w", encoding="utf-8") as handle:
                handle.write(text)
    return root
