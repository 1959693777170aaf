"""The name matcher: align the tokens of two names and turn the alignment into a score.

Token order is ignored (lists write "SURNAME, Given", customers "Given Surname"); each query token
is paired with at most one list token, best pairs first. Long tokens weigh more than short ones
because they carry more evidence. Unmatched query tokens count fully against the score; unmatched
list tokens count less, because lists record patronymics and clan names customers leave out.
The evidence (which tokens matched and how) is kept as indices and expanded only when a hit is
explained, since most compared names never become hits.
"""

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from digisom.compliance.limits import CANDIDATE_EXTRA_WEIGHT, SKELETON_SIMILARITY, TOKEN_MATCH_MIN
from digisom.compliance.screening.normalize import NameForm, token_weight
from digisom.compliance.screening.table import SimilarityTable
from digisom.compliance.screening.tokens import (
    Feature,
    skeleton_similarity,
    skeletons,
    token_similarity,
)

MATCHER_NAME = "name-align"
MATCHER_VERSION = 1

Pair = tuple[float, int, int, Feature]
_NO_MATCH = (0.0, Feature.NONE)


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """One aligned pair of tokens and why they match."""

    query_token: str
    list_token: str
    feature: Feature
    similarity: float


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The score of one query name against one list name, with its evidence."""

    score: float
    """Similarity of the names in [0, 1], before qualifiers."""
    query: NameForm
    candidate: NameForm
    pairs: tuple[Pair, ...]
    """Aligned (similarity, query index, list index, feature), in query order."""
    joined: bool
    """True if the score came from comparing the names written without spaces."""

    @property
    def matches(self) -> tuple[TokenMatch, ...]:
        """Aligned token pairs, in query order."""
        return tuple(
            TokenMatch(self.query.tokens[i], self.candidate.tokens[j], feature, round(score, 4))
            for score, i, j, feature in self.pairs
        )

    @property
    def unmatched_query(self) -> tuple[str, ...]:
        """Query tokens with no counterpart in the list name."""
        used = {pair[1] for pair in self.pairs}
        return tuple(t for i, t in enumerate(self.query.tokens) if i not in used)

    @property
    def unmatched_list(self) -> tuple[str, ...]:
        """List tokens with no counterpart in the query."""
        used = {pair[2] for pair in self.pairs}
        return tuple(t for j, t in enumerate(self.candidate.tokens) if j not in used)


def _align(
    query: NameForm, candidate: NameForm, table: SimilarityTable | None = None
) -> list[Pair]:
    """Greedy one-to-one alignment, best-scoring pairs first (ties: earlier tokens first)."""
    skeletal = query.skeletal or candidate.skeletal
    pairs: list[Pair] = []
    candidate_tokens = candidate.tokens
    for i, q in enumerate(query.tokens):
        for j, c in enumerate(candidate_tokens):
            if table is None:
                score, feature = token_similarity(q, c, skeletal)
            else:
                score, feature = table.get((q, c), _NO_MATCH)
                if skeletal and feature is not Feature.EXACT and len(q) > 1 < len(c):
                    skeleton = skeleton_similarity(q, c)
                    if skeleton > score:
                        score, feature = skeleton, Feature.SKELETON
            if score >= TOKEN_MATCH_MIN:
                pairs.append((score, i, j, feature))
    if len(pairs) > 1:
        pairs.sort(key=lambda pair: (-pair[0], pair[1], pair[2]))
    chosen: list[Pair] = []
    used_query: set[int] = set()
    used_list: set[int] = set()
    for pair in pairs:
        if pair[1] not in used_query and pair[2] not in used_list:
            chosen.append(pair)
            used_query.add(pair[1])
            used_list.add(pair[2])
    chosen.sort(key=lambda pair: pair[1])
    return chosen


def _joined_score(query: NameForm, candidate: NameForm) -> float:
    """Compare the names written without spaces (compounds and split syllables)."""
    score = Levenshtein.normalized_similarity(query.joined, candidate.joined)
    if query.skeletal or candidate.skeletal:
        for left in skeletons(query.joined):
            for right in skeletons(candidate.joined):
                if left and right:
                    skeleton = Levenshtein.normalized_similarity(left, right)
                    score = max(score, skeleton * SKELETON_SIMILARITY)
    return score


def compare_names(
    query: NameForm, candidate: NameForm, table: SimilarityTable | None = None
) -> NameComparison:
    """Score two normalized names; `table` is the bulk fast path (see `table.py`)."""
    if not query.tokens or not candidate.tokens:
        return NameComparison(0.0, query, candidate, (), joined=False)
    chosen = _align(query, candidate, table)
    numerator = 0.0
    list_matched = 0
    for score, i, j, _ in chosen:
        length = token_weight(candidate.tokens[j])
        numerator += score * (token_weight(query.tokens[i]) + length)
        list_matched += length
    list_extra = candidate.weight - list_matched
    aligned = numerator / (query.weight + list_matched + CANDIDATE_EXTRA_WEIGHT * list_extra)
    joined = 0.0
    if len(query.tokens) + len(candidate.tokens) > 2:
        joined = _joined_score(query, candidate)
    return NameComparison(max(aligned, joined), query, candidate, tuple(chosen), joined > aligned)
