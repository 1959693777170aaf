"""The bulk similarity table must give exactly what the pair-by-pair reference gives."""

import csv

from digisom.compliance.lists import ListVersion
from digisom.compliance.screening.align import compare_names
from digisom.compliance.screening.normalize import normalize_name
from digisom.compliance.screening.table import similarity_table
from tests.compliance.conftest import NAMES_DIR


def _queries() -> list[str]:
    with (NAMES_DIR / "yente_positives_un_treated.csv").open(encoding="utf-8") as handle:
        names = [row["full_name"] for row in csv.DictReader(handle)][:40]
    return [*names, "محمد علي", "Ңурбек Ө.", "习近平", "V. Putin", "Mohammed Al"]


def test_table_matches_reference(un: ListVersion) -> None:
    list_names = [name.value for entry in un.entries[:150] for name in entry.names]
    forms = [normalize_name(name) for name in list_names]
    list_tokens = {token for form in forms for token in form.tokens}
    compared = 0
    for query in _queries():
        query_form = normalize_name(query)
        table = similarity_table(query_form.tokens, list_tokens)
        for form in forms:
            fast = compare_names(query_form, form, table)
            reference = compare_names(query_form, form)
            assert fast.score == reference.score, (query, form.original)
            assert fast.pairs == reference.pairs, (query, form.original)
            compared += 1
    assert compared > 10_000
