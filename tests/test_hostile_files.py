"""A corpus folder full of bad files: the walk ends, good files read, bad ones say why, nothing else escapes."""
from __future__ import annotations

import io
import os
import random
import re
import zipfile
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from PIL import Image

from indexer.document import SourceText, Unreadable
from indexer.sources import MAX_TEXT_BYTES, iter_corpus, read_bulletin

SPANISH = "La Secretaría de Salud informó que la campaña de vacunación llegará a Peñasco y Muñoz."
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _pdf(text_lines: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in text_lines:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _image_pdf() -> bytes:
    picture = io.BytesIO()
    Image.new("L", (120, 60), 128).save(picture, format="PNG")
    picture.seek(0)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=80)
    return bytes(pdf.output())


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(SPANISH)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _junk(size: int, seed: int, allow_nul: bool) -> bytes:
    data = random.Random(seed).randbytes(size)
    return data if allow_nul else data.replace(b"\x00", b"\x01")


def _deep_html(depth: int) -> bytes:
    sentence = "<p>" + " ".join([SPANISH] * 3) + "</p>"
    return ("<html><body>" + "<div>" * depth + sentence + "</div>" * depth + "</body></html>").encode()


# name → expected: "ok" (must read, and contain SPANISH) or a regex the Unreadable reason must match
EXPECTED_READS = {
    "good/cp1252.txt": "ok",
    "good/utf16.txt": "ok",
    "good/utf16-be.txt": "ok",
    "good/plain.txt": "ok",
    "good/nested.html": "ok",
    "good/one-line.pdf": "ok",
    "good/word.docx": "ok",
    "bad/binary-junk.txt": r"binario",
    "bad/control-junk.txt": r"binario",
    "bad/junk.md": r"binario",
    "bad/empty.txt": r"vacío",
    "bad/blank.md": r"sin texto",
    "bad/nul-in-text.txt": r"binario.*NUL",
    "bad/huge.txt": r"demasiado grande \(> 20 MB\)",
    "bad/truncated.pdf": r"PDF truncado",
    "bad/not-a.pdf": r"PDF dañado",
    "bad/scan.pdf": r"^escaneado: ",  # OCR finds nothing in a gray box, or Tesseract is missing
    "bad/random.docx": r"docx dañado",
    "bad/truncated.docx": r"docx dañado",
    "bad/no-document.docx": r"docx dañado: falta word/document.xml",
    "bad/broken-xml.docx": r"docx dañado",
    "bad/junk.html": r"binario",
    "bad/tiny.html": r"HTML sin texto principal",
    "bad/empty.pdf": r"vacío",
}


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    files = {
        "good/cp1252.txt": ("Boletín\n\n" + SPANISH).encode("cp1252"),
        "good/utf16.txt": SPANISH.encode("utf-16"),
        "good/utf16-be.txt": b"\xfe\xff" + SPANISH.encode("utf-16-be"),
        "good/plain.txt": SPANISH.encode(),
        "good/nested.html": _deep_html(200),
        "good/one-line.pdf": _pdf(["Boletin 12", SPANISH]),
        "good/word.docx": _docx(),
        "bad/binary-junk.txt": _junk(4096, seed=1, allow_nul=True),
        "bad/control-junk.txt": bytes(range(1, 32)) * 50 + b"ok",
        "bad/junk.md": _junk(4096, seed=2, allow_nul=False),
        "bad/empty.txt": b"",
        "bad/blank.md": b"  \n\t\r\n   \n\xc2\xa0\n",
        "bad/nul-in-text.txt": SPANISH.encode() + b"\x00\x00" + SPANISH.encode(),
        "bad/truncated.pdf": _pdf([SPANISH] * 30)[:700],
        "bad/not-a.pdf": b"esto no es un PDF\n%%EOF\n",
        "bad/scan.pdf": _image_pdf(),
        "bad/random.docx": _junk(2048, seed=3, allow_nul=True),
        "bad/truncated.docx": _docx()[:3000],
        "bad/no-document.docx": _zip({"[Content_Types].xml": b"<Types/>"}),
        "bad/broken-xml.docx": _broken_docx(),
        "bad/junk.html": _junk(4096, seed=4, allow_nul=True),
        "bad/tiny.html": b"<html><body><nav><a href='/'>Inicio</a></nav></body></html>",
        "bad/empty.pdf": b"",
        "skip/notes.odp": b"PK",
        "skip/.hidden.txt": SPANISH.encode(),
        "skip/README.txt": b"not a bulletin",
    }
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    with open(root / "bad" / "huge.txt", "wb") as handle:  # 50 MB of real text
        block = (SPANISH + "\n").encode() * 1000
        for _ in range(50 * 2**20 // len(block) + 1):
            handle.write(block)
    links = root / "links"
    links.mkdir()
    (links / "loop-a.txt").symlink_to("loop-b.txt")
    (links / "loop-b.txt").symlink_to("loop-a.txt")
    (links / "broken.txt").symlink_to("missing.txt")
    (links / "up").symlink_to("..", target_is_directory=True)  # directory cycle
    (links / "same.txt").symlink_to(root / "good" / "plain.txt")
    os.mkfifo(root / "skip" / "pipe.txt")
    return root


def _broken_docx() -> bytes:
    with zipfile.ZipFile(io.BytesIO(_docx())) as source:
        members = {name: source.read(name) for name in source.namelist()}
    members["word/document.xml"] = members["word/document.xml"][:200]
    return _zip(members)


def test_hostile_folder(hostile: Path):
    walked = list(iter_corpus(hostile))  # must terminate despite loops and cycles
    skipped = {path.relative_to(hostile).as_posix(): reason for path, reason in walked if reason}
    candidates = [path for path, reason in walked if reason is None]
    assert [p.relative_to(hostile).as_posix() for p, _ in walked] == sorted(
        (p.relative_to(hostile).as_posix() for p, _ in walked), key=lambda s: s.split("/")
    )
    assert skipped == {
        "links/broken.txt": "enlace simbólico roto",
        "links/loop-a.txt": "bucle de enlaces simbólicos",
        "links/loop-b.txt": "bucle de enlaces simbólicos",
        "links/same.txt": "mismo archivo que good/plain.txt",
        "links/up": "ciclo o carpeta repetida: apunta a la carpeta raíz",
        "skip/notes.odp": "formato no soportado (.odp)",
        "skip/pipe.txt": "no es un archivo regular",
    }
    assert sorted(p.relative_to(hostile).as_posix() for p in candidates) == sorted(EXPECTED_READS)

    for path in candidates:
        name = path.relative_to(hostile).as_posix()
        expected = EXPECTED_READS[name]
        try:
            source = read_bulletin(path)
        except Unreadable as exc:
            assert expected != "ok", f"{name} should read, got Unreadable({exc})"
            assert re.search(expected, str(exc)), f"{name}: reason {exc!r} does not match {expected!r}"
        else:
            assert expected == "ok", f"{name} should be Unreadable({expected}), read {source.text[:80]!r}"
            assert isinstance(source, SourceText)
            assert SPANISH in source.text, name


def test_deeply_nested_html_does_not_crash(tmp_path):
    path = tmp_path / "deep.html"
    path.write_bytes(_deep_html(100_000))
    try:
        source = read_bulletin(path)
    except Unreadable as exc:
        assert str(exc)
    else:
        assert SPANISH in source.text
        assert source.warnings  # says it had to fall back to the whole page


def test_file_deleted_between_walk_and_read(tmp_path):
    (tmp_path / "boletin.txt").write_text(SPANISH, encoding="utf-8")
    [(path, reason)] = list(iter_corpus(tmp_path))
    assert reason is None
    path.unlink()
    with pytest.raises(Unreadable, match="no existe"):
        read_bulletin(path)


def test_fifo_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    with pytest.raises(Unreadable, match="no es un archivo regular"):
        read_bulletin(pipe)


def test_directory_named_like_a_bulletin(tmp_path):
    (tmp_path / "carpeta.txt").mkdir()
    with pytest.raises(Unreadable, match="carpeta"):
        read_bulletin(tmp_path / "carpeta.txt")


@pytest.mark.skipif(AS_ROOT, reason="root reads chmod 000 files; covered by the simulated test below")
def test_unreadable_permissions(tmp_path):
    secret = tmp_path / "secreto.txt"
    secret.write_text(SPANISH, encoding="utf-8")
    secret.chmod(0)
    try:
        assert list(iter_corpus(tmp_path)) == [(secret, "sin permiso de lectura")]
        with pytest.raises(Unreadable, match="sin permiso"):
            read_bulletin(secret)
    finally:
        secret.chmod(0o644)


def test_unreadable_permissions_simulated(tmp_path, monkeypatch):
    import indexer.sources as sources
    from indexer.sources import walk

    secret = tmp_path / "secreto.txt"
    secret.write_text(SPANISH, encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(walk.os, "access", lambda p, mode: False if Path(p) == secret else real_access(p, mode))
    assert list(iter_corpus(tmp_path)) == [(secret, "sin permiso de lectura")]

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sources, "open", denied, raising=False)
    with pytest.raises(Unreadable, match="sin permiso de lectura"):
        read_bulletin(secret)


def test_io_error_mid_read_is_unreadable(tmp_path, monkeypatch):
    import indexer.sources as sources

    path = tmp_path / "b.txt"
    path.write_text(SPANISH, encoding="utf-8")

    class FailingFile(io.BytesIO):
        def read(self, *args):
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(sources, "open", lambda *a, **k: FailingFile(), raising=False)
    with pytest.raises(Unreadable, match="error de lectura"):
        read_bulletin(path)


def test_reader_bug_becomes_unreadable(tmp_path, monkeypatch):
    import indexer.sources as sources

    path = tmp_path / "b.txt"
    path.write_text(SPANISH, encoding="utf-8")

    def broken_reader(data):
        raise KeyError("sorpresa")

    monkeypatch.setitem(sources._READERS, ".txt", (broken_reader, MAX_TEXT_BYTES))
    with pytest.raises(Unreadable, match="error al leer: KeyError"):
        read_bulletin(path)


def test_missing_root_is_reported_not_raised(tmp_path):
    assert list(iter_corpus(tmp_path / "no-such-folder")) == [(tmp_path / "no-such-folder", "no existe")]


def test_hostile_front_matter_is_a_warning(tmp_path):
    laughs = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        laughs.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    cases = {
        "bomb.md": "---\n" + "\n".join(laughs) + "\ntitle: Boletín\n---\n" + SPANISH,
        "self.md": "---\nx: &x [1, *x]\ntitle: Boletín\n---\n" + SPANISH,
        "deep.md": "---\nx: " + "[" * 3000 + "]" * 3000 + "\ntitle: Boletín\n---\n" + SPANISH,
    }
    for name, raw in cases.items():
        path = tmp_path / name
        path.write_text(raw, encoding="utf-8")
        source = read_bulletin(path)
        assert source.text == SPANISH, name
        assert source.front_matter["title"] == "Boletín", name
        assert source.warnings and "front matter" in source.warnings[0], name


def test_oversized_markdown_is_read_as_plain_text(tmp_path):
    from indexer.sources.text import MAX_MARKDOWN_CHARS

    path = tmp_path / "enorme.md"
    paragraph = "**Aviso** " + SPANISH + "\n\n"
    path.write_text(paragraph * (MAX_MARKDOWN_CHARS // len(paragraph) + 1), encoding="utf-8")
    source = read_bulletin(path)
    assert SPANISH in source.text
    assert any("texto plano" in warning for warning in source.warnings)
