"""The metadata evaluator: its scoring on a small made-up corpus, then the targets on the dev set."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.evaluation.metadata import TARGETS, evaluate, format_report, group_of, load_gold, main

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

FILES = {
    "boletines/a.txt": "BOLETÍN No. 12/2024\n\nAbre clínica\n\nOaxaca, 3 de mayo de 2024.- La clínica abrió hoy sus puertas.",
    "boletines/b.txt": "Cierra clínica\n\nOaxaca, 4 de mayo de 2024.- La clínica cerró hoy sus puertas al público.",
    "notas/2024/mayo/c.txt": "COMUNICADO 7\n\nNota\n\nPuebla, 5 de mayo de 2024.- Una nota breve sobre la feria.",
    "notas/2024/mayo/d.txt": "Nota sin fecha\n\nTexto que no dice cuándo ocurrió nada de lo que cuenta.",
}
GOLD = """path,date,number
boletines/a.txt,2024-05-03,12/2024
boletines/b.txt,2024-05-04,9/2024
notas/2024/mayo/c.txt,2024-05-06,
notas/2024/mayo/d.txt,2024-05-07,
"""


@pytest.fixture
def shared(tmp_path):
    for relative, text in FILES.items():
        path = tmp_path / "corpus" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "metadata-dev.csv").write_text(GOLD, encoding="utf-8")
    return tmp_path


def test_scoring(shared):
    report = evaluate(shared / "corpus", load_gold(shared / "eval" / "metadata-dev.csv"))
    assert set(report.groups) == {"boletines", "notas"}
    boletines, notas = report.groups["boletines"], report.groups["notas"]
    assert (boletines.dates_right, boletines.dates) == (2, 2)
    assert (boletines.numbers_right, boletines.numbers) == (1, 2)  # b has no number in its text: a miss
    assert (notas.dates_right, notas.dates) == (0, 2)
    assert (notas.numbers, notas.false_numbers) == (0, 1)  # c states a number the gold leaves out
    overall = report.overall
    assert (overall.files, overall.dates_right, overall.numbers_right, overall.numbers) == (4, 2, 1, 2)
    misses = {(m.path, m.field): m for m in report.misses}
    assert set(misses) == {
        ("boletines/b.txt", "number"), ("notas/2024/mayo/c.txt", "date"), ("notas/2024/mayo/d.txt", "date"),
    }
    assert misses["notas/2024/mayo/c.txt", "date"].got == "2024-05-05"
    assert misses["notas/2024/mayo/c.txt", "date"].source == "dateline"
    assert misses["notas/2024/mayo/d.txt", "date"].got == "–"
    assert [fp.got for fp in report.false_positives] == ["7"]


def test_report_lists_scores_and_misses(shared):
    report = evaluate(shared / "corpus", load_gold(shared / "eval" / "metadata-dev.csv"))
    text = format_report(report, show_false_positives=True)
    assert "overall" in text and "2/4 (50.00 %)" in text and "1/2 (50.00 %)" in text
    assert "notas/2024/mayo/c.txt  expected 2024-05-06  got 2024-05-05  [dateline]" in text
    assert "ms/file" in text
    assert "got 7" in text


def test_unreadable_file_counts_as_a_miss(shared):
    (shared / "corpus" / "boletines" / "a.txt").write_bytes(b"")
    report = evaluate(shared / "corpus", load_gold(shared / "eval" / "metadata-dev.csv"))
    miss = next(m for m in report.misses if m.path == "boletines/a.txt" and m.field == "date")
    assert miss.source.startswith("ilegible")


@pytest.mark.parametrize(
    "path, group",
    [
        ("campanas-2018/amlo/x.txt", "campanas-2018/amlo"),
        ("presidencia/2019/abril/x.txt", "presidencia"),
        ("cnr-noticias/x.md", "cnr-noticias"),
        ("x.txt", "."),
    ],
)
def test_groups_are_collections_not_date_folders(path, group):
    assert group_of(path) == group


def test_command_line(shared, capsys):
    assert main(["--shared", str(shared)]) == 0
    assert "overall" in capsys.readouterr().out
    assert main(["--shared", str(shared), "--check"]) == 1


def test_missing_shared_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["--shared", str(tmp_path / "absent")]) == 2
    assert "no evaluation set" in capsys.readouterr().err


def test_targets_on_the_dev_set():
    gold_path = SHARED / "eval" / "metadata-dev.csv"
    if not gold_path.is_file():
        pytest.skip("../shared not present: no dev set to measure")
    report = evaluate(SHARED / "corpus", load_gold(gold_path))
    overall = report.overall
    assert overall.dates_right / overall.dates >= TARGETS["date"], format_report(report)
    assert overall.numbers_right / overall.numbers >= TARGETS["number"], format_report(report)
