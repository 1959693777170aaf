"""The travel rule: threshold in USD at an integer rate, IVMS101 parsing, every problem listed."""

import copy
from typing import Any

import pytest

from digisom.compliance.travel_rule import check_transfer, travel_rule_applies
from digisom.errors import InvalidInput

RATE = 8745  # tyiyn per US dollar (87.45 som)
MESSAGE: dict[str, Any] = {
    "originator": {
        "originatorPersons": [
            {
                "naturalPerson": {
                    "name": {
                        "nameIdentifier": [
                            {
                                "primaryIdentifier": "Usenov",
                                "secondaryIdentifier": "Aibek",
                                "nameIdentifierType": "LEGL",
                            }
                        ]
                    },
                    "geographicAddress": [
                        {"addressType": "HOME", "townName": "Bishkek", "country": "KG"}
                    ],
                    "dateAndPlaceOfBirth": {"dateOfBirth": "1985-03-14", "placeOfBirth": "Osh"},
                }
            }
        ],
        "accountNumber": ["0x" + "ab" * 20],
    },
    "beneficiary": {
        "beneficiaryPersons": [
            {"naturalPerson": {"name": {"nameIdentifier": [{"primaryIdentifier": "Tanaka"}]}}}
        ],
        "accountNumber": ["0x" + "cd" * 20],
    },
    "originatingVASP": {
        "originatingVASP": {
            "legalPerson": {"name": {"nameIdentifier": [{"legalPersonName": "Digisom Bank"}]}}
        }
    },
    "beneficiaryVASP": {
        "beneficiaryVASP": {
            "legalPerson": {"name": {"nameIdentifier": [{"legalPersonName": "Example VASP"}]}}
        }
    },
}


def test_threshold_is_usd_1000_at_the_rate_for_external_vasps_only() -> None:
    assert travel_rule_applies(1000 * RATE, RATE, external_vasp=True)
    assert not travel_rule_applies(1000 * RATE - 1, RATE, external_vasp=True)
    assert not travel_rule_applies(10**12, RATE, external_vasp=False)
    with pytest.raises(InvalidInput):
        travel_rule_applies(1, 0, external_vasp=True)


def test_a_complete_message_passes_and_a_missing_one_is_refused() -> None:
    message = check_transfer(1000 * RATE, RATE, True, MESSAGE)
    assert message is not None and message.originator.persons[0].primary_identifier == "Usenov"
    assert check_transfer(100, RATE, True, None) is None
    with pytest.raises(InvalidInput, match="IVMS101"):
        check_transfer(1000 * RATE, RATE, True, None)


def test_every_problem_is_listed() -> None:
    raw = copy.deepcopy(MESSAGE)
    person = raw["originator"]["originatorPersons"][0]["naturalPerson"]
    del person["geographicAddress"]
    del person["dateAndPlaceOfBirth"]
    raw["beneficiary"]["accountNumber"] = []
    raw["beneficiaryVASP"] = {}
    with pytest.raises(InvalidInput) as caught:
        check_transfer(2000 * RATE, RATE, True, raw)
    message = caught.value.message
    assert "originator.persons[0]: an originator needs an address" in message
    assert "beneficiary: an accountNumber" in message
    assert "beneficiaryVASP: the VASP's legal person name is required" in message


def test_bad_fields_are_named() -> None:
    raw = copy.deepcopy(MESSAGE)
    person = raw["originator"]["originatorPersons"][0]["naturalPerson"]
    person["geographicAddress"][0]["country"] = "Kyrgyzstan"
    person["dateAndPlaceOfBirth"] = {"dateOfBirth": "2999-01-01", "placeOfBirth": ""}
    with pytest.raises(InvalidInput) as caught:
        check_transfer(2000 * RATE, RATE, True, raw)
    assert "country must be ISO alpha-2" in caught.value.message
    assert "dateOfBirth must be in the past" in caught.value.message
    assert "placeOfBirth is required" in caught.value.message
