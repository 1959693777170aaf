"""Screening against real lists and the national fixture: hits, qualifiers and explanations."""

import pytest

from digisom.compliance.lists import ListVersion
from digisom.compliance.screening.qualifiers import Agreement, normalize_date
from digisom.compliance.screening.screen import MATCHER_ID, Screener
from digisom.errors import InvalidInput


def test_un_person_found_in_any_order_and_script(screener: Screener) -> None:
    for query in ["Eric Badege", "BADEGE Eric", "Эрик Бадеге"]:
        hits = {hit.entry.entity_id: hit.score for hit in screener.screen([query])}
        # The same man is on both lists: UN 6907993 and OFAC 15718.
        assert hits.get("un-6907993", 0) >= 0.9, query
        assert hits.get("ofac-15718", 0) >= 0.9, query


def test_ofac_alias_is_screened(screener: Screener) -> None:
    hits = screener.screen(["National Bank of Cuba"])
    assert hits[0].entry.entity_id == "ofac-306"
    assert hits[0].list_name == "NATIONAL BANK OF CUBA"


def test_weak_alias_alone_is_not_a_hit(screener: Screener) -> None:
    assert all(hit.entry.entity_id != "ofac-306" for hit in screener.screen(["BNC"]))


def test_unrelated_name_has_no_hits(screener: Screener) -> None:
    assert screener.screen(["Aigul Tologonova"], dob="1975") == []


def test_dob_and_country_qualifiers(national: ListVersion) -> None:
    screener = Screener([national])
    both = screener.screen(["Aigul Tologonova"])
    assert {hit.entry.entity_id for hit in both} == {"kg-KG-002", "kg-KG-004"}
    with_dob = screener.screen(["Aigul Tologonova"], dob="1990-02-02", threshold=0.0)
    assert with_dob[0].entry.entity_id == "kg-KG-004"
    assert with_dob[0].qualifiers.dob is Agreement.MATCH
    assert with_dob[1].qualifiers.dob is Agreement.MISMATCH
    assert with_dob[0].score > with_dob[1].score
    # Year-only list dates agree with any date of that year.
    by_year = screener.screen(["Aigul Tologonova"], dob="1975-08-01", threshold=0.0)
    assert by_year[0].entry.entity_id == "kg-KG-002"
    by_country = screener.screen(["Aigul Tologonova"], country="Kazakhstan", threshold=0.0)
    assert by_country[0].entry.entity_id == "kg-KG-004"
    assert by_country[0].qualifiers.country is Agreement.MATCH
    assert by_country[1].qualifiers.country is Agreement.MISMATCH


def test_dob_mismatch_can_clear_a_borderline_name(national: ListVersion) -> None:
    screener = Screener([national])
    assert screener.screen(["Aigul Tologonva"], dob="1975")
    assert not screener.screen(["Aigul Tologonva"], dob="1960-01-01", country="ru")


def test_explanation_names_query_list_tokens_and_qualifiers(national: ListVersion) -> None:
    hits = Screener([national]).screen(["Омурбеков Н."], dob="1980", country="kg")
    explained = hits[0].explain()
    assert explained["entity_id"] == "kg-KG-001"
    assert explained["query_name"] == "Омурбеков Н."
    assert explained["list_name"] == "Нурбек Омурбеков"
    features = {(t["query"], t["list"], t["feature"]) for t in explained["tokens"]}
    assert features == {("omurbekov", "omurbekov", "exact"), ("n", "nurbek", "initial")}
    assert explained["dob"] == "match" and explained["country"] == "match"
    assert explained["matcher"] == MATCHER_ID
    assert 0.0 <= explained["score"] <= 1.0


def test_bad_query_input_is_refused(national: ListVersion) -> None:
    screener = Screener([national])
    with pytest.raises(InvalidInput, match="date of birth"):
        screener.screen(["A"], dob="17.05.1980")
    with pytest.raises(InvalidInput, match="unknown country"):
        screener.screen(["A"], country="Atlantis")
    with pytest.raises(InvalidInput, match="names"):
        screener.screen([])
    assert normalize_date("1969-7-6") == "1969-07-06"


def test_blocking_limits_candidates(screener: Screener) -> None:
    from digisom.compliance.limits import CANDIDATES_MAX
    from digisom.compliance.screening.normalize import normalize_name

    assert len(screener.index.names) > 20_000
    found = screener.index.candidates(normalize_name("Mohammad Ali Hassan"))
    assert 0 < len(found) <= CANDIDATES_MAX


def test_matchers_are_registered_by_name_and_version(national: ListVersion) -> None:
    from digisom.errors import NotFound

    screener = Screener([national], matcher="name-align/v1")
    assert screener.screen(["Aigul Tologonova"])[0].matcher == MATCHER_ID
    with pytest.raises(NotFound, match="unknown matcher"):
        Screener([national], matcher="name-align/v0")


def test_query_of_common_tokens_only_still_finds_candidates(screener: Screener) -> None:
    from digisom.compliance.screening.normalize import normalize_name

    index = screener.index
    form = normalize_name("Mohammad")
    assert any(key in index.common for key in ("t:mohammad", "p:MHMT"))
    found = index.candidates(form)
    assert found
    code = form.phonetic[0]
    assert all(code in index.names[n].form.phonetic for n in found)
