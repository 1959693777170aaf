"""Fast path for token similarity: score one query's tokens against many list tokens at once.

`tokens.token_similarity` is the readable reference and scores one pair at a time. Screening
compares each query token with every token of every candidate, so this module does the same work
in bulk: rapidfuzz scores a query token against all candidate tokens in one native call, and the
phonetic rule becomes a dictionary lookup. Tests check that both give identical results.
"""

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from digisom.compliance.limits import (
    INITIAL_SIMILARITY,
    PHONETIC_KEY_CHARS_MIN,
    PHONETIC_SIMILARITY,
    TOKEN_MATCH_MIN,
)
from digisom.compliance.screening.phonetic import phonetic_code
from digisom.compliance.screening.tokens import Feature

SimilarityTable = dict[tuple[str, str], tuple[float, Feature]]


def _initials(query_token: str, tokens: list[str], table: SimilarityTable) -> None:
    for token in tokens:
        if token[0] == query_token[0] and (len(token) == 1 or len(query_token) == 1):
            table[(query_token, token)] = (INITIAL_SIMILARITY, Feature.INITIAL)


def similarity_table(query_tokens: Iterable[str], list_tokens: Iterable[str]) -> SimilarityTable:
    """Every (query token, list token) pair scoring at least TOKEN_MATCH_MIN, with its rule.

    The skeleton rule depends on the scripts of the two names, not only their tokens, so the
    matcher applies it per name pair on top of this table.
    """
    words = sorted({token for token in list_tokens if len(token) > 1})
    letters = sorted({token for token in list_tokens if len(token) == 1})
    by_code: dict[str, list[str]] = defaultdict(list)
    for word in words:
        code = phonetic_code(word)
        if code:
            by_code[code].append(word)
    table: SimilarityTable = {}
    for query in set(query_tokens):
        if len(query) == 1:
            _initials(query, words + letters, table)
            continue
        _initials(query, letters, table)
        for word, score, _ in process.extract(
            query,
            words,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=min(TOKEN_MATCH_MIN, PHONETIC_SIMILARITY),
            limit=None,
        ):
            table[(query, word)] = (1.0, Feature.EXACT) if word == query else (score, Feature.FUZZY)
        code = phonetic_code(query) if len(query) >= PHONETIC_KEY_CHARS_MIN else ""
        for word in by_code.get(code, ()) if code else ():
            known = table.get((query, word), (0.0, Feature.NONE))[0]
            if len(word) >= PHONETIC_KEY_CHARS_MIN and known < PHONETIC_SIMILARITY:
                table[(query, word)] = (PHONETIC_SIMILARITY, Feature.PHONETIC)
    return table
