"""The name matcher across scripts, token order, initials and typos."""

import csv
from pathlib import Path

import pytest

from digisom.compliance.limits import MATCH_THRESHOLD_DEFAULT
from digisom.compliance.lists import load_national
from digisom.compliance.pairs import compare_pair
from digisom.compliance.screening.align import compare_names
from digisom.compliance.screening.normalize import (
    READING_DEFAULT,
    READING_JAPANESE,
    fold_long_vowels,
    name_variants,
    normalize_name,
)
from digisom.compliance.screening.screen import Screener
from digisom.compliance.screening.tokens import Feature
from tests.compliance.conftest import FIXED_TIME, NAMES_DIR, NATIONAL_HEADER

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


@pytest.mark.parametrize("query,expected,minimum", _cross_script_rows())
def test_watchman_cross_script_pairs(query: str, expected: str, minimum: float) -> None:
    # 金正恩 (Korean read from Han characters, `korean.py`) included: every pair must pass.
    assert compare_pair(query, expected) >= minimum


def test_long_vowels_are_folded_as_lists_write_them() -> None:
    assert fold_long_vowels("gotou") == "goto"
    assert fold_long_vowels("toukyou") == "tokyo"
    assert fold_long_vowels("yuuko") == "yuko"
    assert fold_long_vowels("ooshima") == "oshima"
    assert fold_long_vowels("oouchi") == "ouchi"
    # Before a vowel the u starts a syllable of its own: Inoue keeps it.
    assert fold_long_vowels("inoue") == "inoue"
    assert fold_long_vowels("kei") == "kei"


def test_han_names_are_read_in_chinese_and_japanese() -> None:
    forms = name_variants("後藤忠政")
    assert [form.reading for form in forms] == [READING_DEFAULT, READING_JAPANESE]
    assert forms[0] == normalize_name("後藤忠政")
    assert forms[1].tokens == ("goto", "tadamasa")
    assert compare_pair("後藤忠政", "GOTO, Tadamasa") >= 0.95
    assert compare_pair("鈴木一郎", "Ichiro Suzuki") >= 0.95
    assert compare_pair("すずき いちろう", "Suzuki Ichiro") >= 0.95
    # The pinyin reading is still there for Chinese names.
    assert compare_pair("李明", "Li Ming") == 1.0


def test_other_scripts_get_no_japanese_reading() -> None:
    # Simplified characters have no Japanese reading: a partial reading would only add noise.
    assert len(name_variants("习近平")) == 1
    # Hangul gets Korean readings (test_korean.py), never a Japanese one.
    assert READING_JAPANESE not in {form.reading for form in name_variants("김정은")}
    for name in ["Ңурбек Өмүрбеков", "Иван Иванов", "محمد علي", "Ivan Ivanov"]:
        forms = name_variants(name)
        assert len(forms) == 1
        assert forms[0] == normalize_name(name)


def test_screening_uses_japanese_readings_on_both_sides(tmp_path: Path) -> None:
    path = tmp_path / "national.csv"
    rows = "JP-1,person,鈴木一郎,,1970,jp,,,FIU-2025\nJP-2,person,Goto Tadamasa,,,,,,FIU-2025\n"
    path.write_text(NATIONAL_HEADER + rows, encoding="utf-8")
    screener = Screener([load_national(path, FIXED_TIME)])
    # List side: a name listed in kanji is found by its Hepburn spelling.
    hits = screener.screen(["Suzuki Ichiro"])
    assert [hit.entry.entity_id for hit in hits] == ["kg-JP-1"]
    explained = hits[0].explain()
    assert explained["list_name"] == "鈴木一郎"
    assert explained["list_reading"] == READING_JAPANESE
    # Query side: a customer name in kanji finds the romanized list name.
    hits = screener.screen(["後藤忠政"])
    assert [hit.entry.entity_id for hit in hits] == ["kg-JP-2"]
    assert hits[0].explain()["query_reading"] == READING_JAPANESE


def test_cross_script_file_is_where_expected() -> None:
    assert Path(NAMES_DIR / "watchman_cross_script_pairs.csv").is_file()
    assert len(_cross_script_rows()) == 22
