"""Korean readings of names in Han characters (hanja) and Hangul (`screening/korean.py`)."""

from digisom.compliance.pairs import compare_pair
from digisom.compliance.screening.korean import (
    READING_KOREAN_MR,
    READING_KOREAN_RR,
    SURNAMES,
    hanja_readings,
    initial_sound_rule,
    korean_readings,
    romanize_mr,
    romanize_rr,
)
from digisom.compliance.screening.normalize import READING_DEFAULT, name_variants
from digisom.compliance.screening.screen import Screener
from digisom.compliance.screening.tokens import Feature

KIM_JONG_UN = "ofac-20157"  # "KIM, Jong Un" on the SDN list


def _tokens(name: str) -> list[tuple[str, ...]]:
    return [reading.tokens for reading in korean_readings(name)]


def test_hanja_name_is_found_under_its_listed_romanization(screener: Screener) -> None:
    hits = screener.screen(["金正恩"])
    assert hits[0].entry.entity_id == KIM_JONG_UN
    assert hits[0].score == 1.0
    explained = hits[0].explain()
    assert explained["list_name"] == "KIM, Jong Un"
    assert explained["query_reading"] == READING_KOREAN_MR
    assert [(t["query"], t["list"], t["feature"]) for t in explained["tokens"]] == [
        ("kim", "kim", Feature.EXACT.value),
        ("jong", "jong", Feature.EXACT.value),
        ("un", "un", Feature.EXACT.value),
    ]


def test_hangul_name_is_found_too(screener: Screener) -> None:
    # ICU alone reads 김정은 "gim jeong eun", 0.73 against the list: not a hit at 0.80.
    hits = screener.screen(["김정은"])
    assert hits[0].entry.entity_id == KIM_JONG_UN
    assert hits[0].score == 1.0
    assert hits[0].explain()["query_reading"] == READING_KOREAN_MR
    assert compare_pair("김정은", "Kim Jong Un") == 1.0
    assert compare_pair("이민호", "Lee Min Ho") == 1.0


def test_every_way_lists_write_the_name_matches() -> None:
    for listed in ["Kim Jong Un", "KIM, Jong-un", "Kim Jongun", "Gim Jeong-eun"]:
        assert compare_pair("金正恩", listed) == 1.0, listed
    assert compare_pair("崔龍海", "CHOE, Ryong Hae") == 1.0
    assert compare_pair("李英浩", "Ri Yong Ho") == 1.0
    assert compare_pair("朴槿惠", "Park Geun-hye") == 1.0
    assert compare_pair("南宮玉", "Namgung Ok") == 1.0


def test_a_surname_has_its_own_reading() -> None:
    # 金 is 김 (Kim) as a surname and 금 (kum, geum) inside a given name.
    assert hanja_readings()["金"] == "금"
    assert _tokens("金正恩")[0] == ("kim", "jong", "un")
    assert _tokens("李金順")[0] == ("ri", "kum", "sun")
    assert _tokens("李金順")[1] == ("lee", "geum", "sun")
    # Only three surnames of the table read otherwise than their characters do in Unihan.
    table = hanja_readings()
    different = {
        hanja
        for hanja, surname in SURNAMES.items()
        if "".join(table[char] for char in hanja) not in {surname.north, surname.south}
    }
    assert different == {"金", "沈", "車"}


def test_surname_spellings_north_and_south() -> None:
    readings = korean_readings("李英浩")
    assert [r.reading for r in readings] == [READING_KOREAN_MR] + [READING_KOREAN_RR] * 3
    assert [r.tokens[0] for r in readings] == ["ri", "lee", "yi", "rhee"]
    assert [t[0] for t in _tokens("朴鳳柱")] == ["pak", "park", "bak"]
    assert [t[0] for t in _tokens("崔龍海")] == ["choe", "choi", "choe"]
    # Two-character surnames are tried first.
    assert _tokens("南宮玉")[0] == ("namgung", "ok")
    # A space or a middle dot may follow the surname.
    assert _tokens("金 正恩") == _tokens("金·正恩") == _tokens("金正恩")
    # A name in Hangul finds its surname by either reading: 리 (North) and 이 (South).
    assert _tokens("리영호")[:2] == [("ri", "yong", "ho"), ("lee", "yeong", "ho")]
    assert _tokens("이민호")[:2] == [("ri", "min", "ho"), ("lee", "min", "ho")]


def test_romanization_rules() -> None:
    # McCune-Reischauer: ㄱ ㄷ ㅂ voiced after a voiced sound, not at the start of a name.
    assert romanize_mr("명국") == ("myong", "guk")
    assert romanize_mr("봉주") == ("pong", "ju")
    assert romanize_mr("정은") == ("jong", "un")
    assert romanize_rr("정은") == ("jeong", "eun")
    # The South's initial-sound rule, applied to the given name in the Revised form only.
    assert initial_sound_rule("리") == "이"
    assert initial_sound_rule("룡") == "용"
    assert initial_sound_rule("라") == "나"
    assert initial_sound_rule("녀") == "여"
    assert initial_sound_rule("정") == "정"
    assert _tokens("崔龍海")[:2] == [("choe", "ryong", "hae"), ("choi", "yong", "hae")]


def test_names_without_a_korean_shape_are_not_read() -> None:
    for name in [
        "李明",  # two Han characters: far more often Chinese (Li Ming)
        "李·明",
        "王伟",  # simplified characters have no Korean reading
        "习近平",
        "高橋一郎",  # a Japanese name: given name of three characters
        "明宏 高",  # given name first: a space may only follow the surname
        "Kim Jong Un",
        "김정은 김정은",
        "현숙 배",
    ]:
        assert korean_readings(name) == (), name
    assert len(name_variants("李明")) == 2  # pinyin and Japanese, as before
    assert name_variants("王伟")[0].reading == READING_DEFAULT


def test_chinese_names_are_not_confused(screener: Screener) -> None:
    # Read in Korean, 李明 would be "Ri Myong" and hit "RI, Myong Hun" at 0.93.
    assert compare_pair("李明", "Li Ming") == 1.0
    assert all(hit.entry.entity_id != "ofac-23231" for hit in screener.screen(["李明"]))
    assert compare_pair("王伟", "Wang Wei") == 1.0
    assert compare_pair("习近平", "Xi Jinping") == 1.0
    # A Chinese name that is read in Korean too still matches its pinyin best.
    assert compare_pair("張偉明", "Zhang Weiming") == 1.0
    assert compare_pair("張偉明", "Jang Wi Myong") == 1.0
