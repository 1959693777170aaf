"""The name matcher across scripts, token order, initials and typos."""

import csv
from pathlib import Path

import pytest

from digisom.compliance.limits import MATCH_THRESHOLD_DEFAULT
from digisom.compliance.pairs import compare_pair
from digisom.compliance.screening.align import compare_names
from digisom.compliance.screening.normalize import normalize_name
from digisom.compliance.screening.tokens import Feature
from tests.compliance.conftest import NAMES_DIR

MATCH = MATCH_THRESHOLD_DEFAULT


def test_kyrgyz_letters_transliterate() -> None:
    form = normalize_name("Ңурбек Өмүрбеков Үсөнбаев")
    assert form.tokens == ("nurbek", "omurbekov", "usonbaev")
    assert compare_pair("Ңурбек Өмүрбеков Үсөнбаев", "Nurbek Omurbekov Usonbaev") == 1.0
    assert compare_pair("Айгүл Төлөгөнова", "Aigul Tologonova") == 1.0
    assert compare_pair("Ömürbekov Nurbek", "Өмүрбеков Ңурбек") == 1.0


def test_kyrgyz_ng_spelling_is_a_close_variant() -> None:
    # ң is also romanized "ng"; the edit distance keeps the two spellings together.
    assert compare_pair("Теңиз Маматов", "Tengiz Mamatov") >= MATCH


def test_russian_cyrillic() -> None:
    assert compare_pair("Иван Иванов", "Ivan Ivanov") == 1.0
    assert compare_pair("Александр Петров", "Alexander Petrov") >= 0.85
    assert compare_pair("Иван Иванов", "Ivan Petrov") < MATCH


def test_token_order_does_not_matter() -> None:
    assert compare_pair("Үсөнбаев Ңурбек", "Nurbek Usonbaev") == 1.0
    assert compare_pair("BADEGE, Eric", "Eric Badege") == 1.0


def test_initials() -> None:
    comparison = compare_names(normalize_name("N. Omurbekov"), normalize_name("Nurbek Omurbekov"))
    assert comparison.score >= MATCH
    assert comparison.matches[0].feature is Feature.INITIAL
    # An initial that does not agree is no match at all.
    assert compare_pair("K. Omurbekov", "Nurbek Omurbekov") < MATCH


def test_typos() -> None:
    assert compare_pair("Nurbek Omurbekof", "Nurbek Omurbekov") >= MATCH
    assert compare_pair("Nurbk Omurbekov", "Nurbek Omurbekov") >= MATCH
    assert compare_pair("Eric Badege", "Erik Badeg") >= MATCH


def test_different_people_do_not_match() -> None:
    assert compare_pair("Aigul Tologonova", "Nurbek Omurbekov") < 0.3
    assert compare_pair("Maria Garcia", "Mario Garza") < MATCH
    assert compare_pair("Patricia Lucas Wheeler", "LUCAS, Patricia") < MATCH


def test_missing_patronymic_still_matches() -> None:
    assert compare_pair("Vladimir Naumov", "NAUMOV, Vladimir Vladimirovich") >= MATCH


def test_arabic_script_uses_consonant_skeletons() -> None:
    comparison = compare_names(normalize_name("محمد علي"), normalize_name("Mohamed Ali"))
    assert comparison.score >= 0.9
    assert {m.feature for m in comparison.matches} == {Feature.SKELETON}
    # Skeletons apply to abjad scripts only, not to Latin typos.
    assert compare_pair("Mhmd Ly", "Mohamed Ali") < MATCH


def test_scores_are_in_unit_interval_and_symmetric_enough() -> None:
    names = ["Иван Иванов", "Ivan Ivanov", "I. Ivanov", "محمد علي", "习近平", ""]
    for left in names:
        for right in names:
            score = compare_pair(left, right)
            assert 0.0 <= score <= 1.0
    assert compare_pair("", "Ivan Ivanov") == 0.0


def _cross_script_rows() -> list[tuple[str, str, float]]:
    with (NAMES_DIR / "watchman_cross_script_pairs.csv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return [(row[0], row[1], float(row[2])) for row in csv.reader(lines)]


# Readings of Han characters in Japanese and Korean need a reading dictionary that rigour and
# normality do not have (ICU reads them as Mandarin pinyin): known limits, documented.
_NEEDS_READINGS = {"金正恩", "山田太郎", "田中花子"}


@pytest.mark.parametrize("query,expected,minimum", _cross_script_rows())
def test_watchman_cross_script_pairs(query: str, expected: str, minimum: float) -> None:
    if query in _NEEDS_READINGS:
        pytest.xfail("needs Japanese/Korean readings of Han characters")
    assert compare_pair(query, expected) >= minimum


def test_cross_script_file_is_where_expected() -> None:
    assert Path(NAMES_DIR / "watchman_cross_script_pairs.csv").is_file()
    assert len(_cross_script_rows()) == 22
