"""Phonetic codes for name tokens (metaphone, via rigour), cached because tokens recur."""

from functools import lru_cache

from rigour.text import metaphone

from digisom.compliance.limits import PHONETIC_KEY_CHARS_MIN

_PHONETIC_CACHE_MAX = 200_000


@lru_cache(maxsize=_PHONETIC_CACHE_MAX)
def phonetic_code(token: str) -> str:
    """Metaphone of a token, or "" when the token is too short for a meaningful code."""
    if len(token) < PHONETIC_KEY_CHARS_MIN or token.isdigit():
        return ""
    return str(metaphone(token))
