"""Screening a person or organization against loaded lists, with an explanation for every hit.

The screener owns the blocking index over every non-weak name of every entry. A query's names are
normalized once, candidates come from the index, the name matcher scores them, the best name per
entry wins, and date of birth and country adjust that score. Weak aliases (nicknames, partial
names the lists themselves mark as low quality) are not indexed: matching on them alone would
flood officers with noise, which is also how OpenSanctions treats them.

A name may have several forms (`normalize.name_variants`: a name in Han characters is read as
Chinese and as Japanese). Every form of a list name is indexed under the same entry and name, every
form of a query name looks up and scores its own candidates, and the best-scoring pair decides.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from digisom.compliance.limits import HITS_MAX, MATCH_THRESHOLD_DEFAULT, QUERY_NAMES_MAX
from digisom.compliance.lists.model import ListEntry, ListVersion, NameKind
from digisom.compliance.screening.align import NameComparison
from digisom.compliance.screening.index import IndexedName, NameIndex
from digisom.compliance.screening.matchers import DEFAULT_MATCHER, get_matcher
from digisom.compliance.screening.normalize import name_variants
from digisom.compliance.screening.qualifiers import (
    QUALIFIERS_NAME,
    QUALIFIERS_VERSION,
    QualifierResult,
    normalize_country,
    normalize_date,
    qualify,
)
from digisom.compliance.screening.table import similarity_table
from digisom.errors import InvalidInput

QUALIFIERS_ID = f"{QUALIFIERS_NAME}/v{QUALIFIERS_VERSION}"
MATCHER_ID = f"{DEFAULT_MATCHER}+{QUALIFIERS_ID}"


@dataclass(frozen=True, slots=True)
class Hit:
    """One list entry that resembles the query, with the evidence for it."""

    entry: ListEntry
    score: float
    """Final score in [0, 1]: the name score moved by the qualifiers."""
    query_name: str
    list_name: str
    comparison: NameComparison
    qualifiers: QualifierResult
    matcher: str

    def explain(self) -> dict[str, Any]:
        """A JSON-ready account of why this entry was hit."""
        return {
            "entity_id": self.entry.entity_id,
            "source": self.entry.source,
            "schema": self.entry.schema.value,
            "primary_name": self.entry.primary_name,
            "score": round(self.score, 4),
            "name_score": round(self.comparison.score, 4),
            "query_name": self.query_name,
            "list_name": self.list_name,
            "tokens": [
                {
                    "query": m.query_token,
                    "list": m.list_token,
                    "feature": m.feature.value,
                    "similarity": m.similarity,
                }
                for m in self.comparison.matches
            ],
            "unmatched_query_tokens": list(self.comparison.unmatched_query),
            "unmatched_list_tokens": list(self.comparison.unmatched_list),
            "joined_comparison": self.comparison.joined,
            "query_reading": self.comparison.query.reading,
            "list_reading": self.comparison.candidate.reading,
            "dob": self.qualifiers.dob.value,
            "country": self.qualifiers.country.value,
            "matcher": self.matcher,
        }


class Screener:
    """Name screening over a fixed set of list versions (build once, query many times)."""

    def __init__(self, versions: Iterable[ListVersion], matcher: str = DEFAULT_MATCHER) -> None:
        self.matcher_id = f"{matcher}+{QUALIFIERS_ID}"
        self.compare = get_matcher(matcher)
        self.entries: list[ListEntry] = [e for v in versions for e in v.entries]
        indexed: list[IndexedName] = []
        for entry_position, entry in enumerate(self.entries):
            for name_position, name in enumerate(entry.names):
                if name.kind is NameKind.WEAK:
                    continue
                for form in name_variants(name.value):
                    if form.tokens:
                        indexed.append(IndexedName(entry_position, name_position, form))
        self.index = NameIndex(indexed)

    def screen(
        self,
        names: list[str],
        dob: str | None = None,
        country: str | None = None,
        threshold: float = MATCH_THRESHOLD_DEFAULT,
        limit: int = HITS_MAX,
    ) -> list[Hit]:
        """Hits at or above `threshold`, best first, at most one per entry and `limit` in all."""
        if not names or len(names) > QUERY_NAMES_MAX:
            raise InvalidInput(f"give between 1 and {QUERY_NAMES_MAX} names")
        dob_iso = normalize_date(dob) if dob else None
        country_code = normalize_country(country) if country else None
        best: dict[int, tuple[NameComparison, str, IndexedName]] = {}
        for query_name in names:
            # Each reading of the query (one for most names) is scored against its own candidates.
            for form in name_variants(query_name):
                found = [self.index.names[number] for number in self.index.candidates(form)]
                list_tokens = {token for indexed in found for token in indexed.form.tokens}
                table = similarity_table(form.tokens, list_tokens)
                for indexed in found:
                    comparison = self.compare(form, indexed.form, table)
                    known = best.get(indexed.entry_position)
                    if known is None or comparison.score > known[0].score:
                        best[indexed.entry_position] = (comparison, query_name, indexed)
        hits: list[Hit] = []
        for entry_position, (comparison, query_name, indexed) in best.items():
            entry = self.entries[entry_position]
            result = qualify(dob_iso, country_code, entry.birth_dates, entry.countries)
            score = min(1.0, max(0.0, comparison.score + result.adjustment))
            if score >= threshold:
                list_name = entry.names[indexed.name_position].value
                hit = Hit(entry, score, query_name, list_name, comparison, result, self.matcher_id)
                hits.append(hit)
        hits.sort(key=lambda hit: (-hit.score, hit.entry.entity_id))
        return hits[:limit]
