"""How similar two name tokens are, and why: exact, initial, fuzzy, phonetic or skeleton.

Each rule encodes a known way the same name is written differently: an initial for a given name,
a typo or a transliteration variant (edit distance), a sound-alike spelling (metaphone), or an
Arabic/Hebrew/Thai romanization that lacks the vowels the list's spelling has (consonant skeleton).
"""

import re
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from digisom.compliance.limits import (
    INITIAL_SIMILARITY,
    PHONETIC_KEY_CHARS_MIN,
    PHONETIC_SIMILARITY,
    SKELETON_SIMILARITY,
)
from digisom.compliance.screening.phonetic import phonetic_code

_VOWELS = re.compile(r"[aeiouy]+")
_VOWELS_AND_GLIDES = re.compile(r"[aeiouyw]+")
_DOUBLES = re.compile(r"(.)\1+")
_SKELETON_CACHE_MAX = 200_000
# Token pairs repeat across candidates (every "mohammad" against every "muhammad"), so pair
# scores are cached; a million pairs is a few hundred MB at most and bounds the worst case.
_PAIR_CACHE_MAX = 1_000_000


class Feature(StrEnum):
    """Which rule made two tokens match."""

    EXACT = "exact"
    INITIAL = "initial"
    FUZZY = "fuzzy"
    PHONETIC = "phonetic"
    SKELETON = "skeleton"
    NONE = "none"


@lru_cache(maxsize=_SKELETON_CACHE_MAX)
def skeletons(token: str) -> tuple[str, str]:
    """Consonant skeletons of a token: waw/vav read as the consonant "v", and as a vowel.

    Abjads write long vowels with the same letters as w/y consonants, so "mahmwd" (Arabic
    محمود) and "Mahmoud" agree only once vowels, glides and doubled letters are dropped.
    """
    as_consonant = _DOUBLES.sub(r"\1", _VOWELS.sub("", token.replace("w", "v")))
    as_vowel = _DOUBLES.sub(r"\1", _VOWELS_AND_GLIDES.sub("", token))
    return as_consonant, as_vowel


@lru_cache(maxsize=_PAIR_CACHE_MAX)
def skeleton_similarity(a: str, b: str) -> float:
    """Similarity of consonant skeletons, scaled so that it never beats an exact spelling."""
    best = 0.0
    for left in skeletons(a):
        for right in skeletons(b):
            if left and right:
                best = max(best, Levenshtein.normalized_similarity(left, right))
    return best * SKELETON_SIMILARITY


@lru_cache(maxsize=_PAIR_CACHE_MAX)
def token_similarity(a: str, b: str, skeletal: bool) -> tuple[float, Feature]:
    """Similarity in [0, 1] of two ASCII tokens and the rule that produced it."""
    if a == b:
        return 1.0, Feature.EXACT
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0]:
            return INITIAL_SIMILARITY, Feature.INITIAL
        return 0.0, Feature.NONE
    score, feature = Levenshtein.normalized_similarity(a, b), Feature.FUZZY
    if score < PHONETIC_SIMILARITY and len(a) >= PHONETIC_KEY_CHARS_MIN <= len(b):
        # Same metaphone code, for tokens long enough that the code means something.
        code = phonetic_code(a)
        if code and code == phonetic_code(b):
            score, feature = PHONETIC_SIMILARITY, Feature.PHONETIC
    if skeletal:
        skeleton = skeleton_similarity(a, b)
        if skeleton > score:
            score, feature = skeleton, Feature.SKELETON
    return score, feature
