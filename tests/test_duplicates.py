"""Near-duplicate detection merges re-posted bulletins, not merely similar ones."""
from indexer import duplicates

BULLETIN = (
    "Oaxaca de Juárez, Oax. 11 de julio de 2025.- El titular de Servicios de Salud de Oaxaca encabezó la "
    "instalación de la Red Oaxaqueña de Municipios por la Salud, con la participación de autoridades municipales "
    "de las ocho regiones. El evento reunió a coordinadoras y coordinadores de Participación Social de las seis "
    "Jurisdicciones Sanitarias, así como a representantes del sector Salud, en un esfuerzo conjunto por impulsar "
    "políticas locales que prioricen el bienestar como un eje central del desarrollo comunitario. "
)


def test_same_text_with_other_markup_and_accents_is_a_duplicate():
    a = duplicates.sketch(BULLETIN * 3)
    b = duplicates.sketch("**" + BULLETIN.upper().replace("Á", "A") * 3 + "**\n\n---o0o---")
    assert duplicates.same_bulletin(a, b)


def test_different_bulletins_are_not_duplicates():
    other = BULLETIN.replace("Red Oaxaqueña de Municipios", "campaña de vacunación contra el sarampión")
    other = " ".join(reversed(other.split()))
    assert not duplicates.same_bulletin(duplicates.sketch(BULLETIN * 3), duplicates.sketch(other * 3))


def test_a_short_excerpt_is_not_the_same_bulletin():
    long_text = BULLETIN * 3 + " ".join(f"palabra{i}" for i in range(400))
    assert not duplicates.same_bulletin(duplicates.sketch(long_text), duplicates.sketch(BULLETIN))


def test_group_is_transitive_and_sorted():
    sketches = {"b.txt": duplicates.sketch(BULLETIN * 3), "a.docx": duplicates.sketch(BULLETIN * 3 + " fin"),
                "c.md": duplicates.sketch("Otro boletín distinto sobre dengue en Tamaulipas " * 5)}
    groups = sorted(duplicates.group(sketches))
    assert groups == [["a.docx", "b.txt"], ["c.md"]]
