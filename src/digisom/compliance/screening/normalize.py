"""Turning a name in any script into comparable ASCII tokens.

Names reach us in Kyrgyz and Russian Cyrillic, Arabic, Han, Latin with diacritics and more. Each
token is transliterated on its own (rigour's rules for Cyrillic, including Kyrgyz ң, ө and ү,
normality/ICU for other scripts) and cached, because names repeat their tokens endlessly and
transliteration is the slowest step. Hangul is split into syllables first: Korean names are
romanized one syllable per word ("Kim Jong Un").
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from rigour.names import remove_person_prefixes, tokenize_name
from rigour.text import ascii_text
from rigour.text.scripts import text_scripts

from digisom.compliance.limits import INITIAL_WEIGHT, NAME_CHARS_MAX, NAME_TOKENS_MAX
from digisom.compliance.screening.phonetic import phonetic_code

# Scripts that leave short vowels unwritten (abjads) or imply them (Thai): a romanized list name
# has vowels the transliteration cannot know, so tokens are also compared by consonant skeleton.
SKELETAL_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana", "Thai", "Lao"})
_HANGUL_SYLLABLE = re.compile(r"([\uac00-\ud7a3])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TRANSLIT_CACHE_MAX = 200_000


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready for comparison: ASCII tokens with their phonetic codes."""

    original: str
    """The name as given."""
    tokens: tuple[str, ...]
    """Lower-case ASCII tokens in the original order."""
    phonetic: tuple[str, ...]
    """Metaphone code per token ("" for tokens too short to code)."""
    skeletal: bool
    """True if the name was written in a script without written short vowels."""

    joined: str
    """Tokens without separators: catches "Xi Jinping" against "Xi Jin Ping"."""
    weight: int
    """Total characters of the tokens: how much evidence the name carries."""


def token_weight(token: str) -> int:
    """How much evidence a token carries: its length, but an initial counts as INITIAL_WEIGHT.

    Weighing an initial by its single letter would make a conflicting initial ("K." against
    "Nurbek") almost free; it stands for a whole given name, so it weighs like a short one.
    """
    return len(token) if len(token) > 1 else INITIAL_WEIGHT


@lru_cache(maxsize=_TRANSLIT_CACHE_MAX)
def ascii_tokens(token: str) -> tuple[str, ...]:
    """Transliterate one token to ASCII sub-tokens (one Han token can become several)."""
    latin = token if token.isascii() else ascii_text(token)
    return tuple(part for part in _NON_ALNUM.split(latin.lower()) if part)


def normalize_name(name: str) -> NameForm:
    """Normalize one name; the result may have no tokens (for a name made of punctuation)."""
    name = name[:NAME_CHARS_MAX]
    skeletal = bool(text_scripts(name) & SKELETAL_SCRIPTS)
    spaced = _HANGUL_SYLLABLE.sub(r" \1 ", name) if not name.isascii() else name
    tokens: list[str] = []
    for raw in tokenize_name(spaced.lower()):
        tokens.extend(ascii_tokens(raw))
    if len(tokens) > 1:
        tokens = remove_person_prefixes(" ".join(tokens)).split() or tokens
    tokens = tokens[:NAME_TOKENS_MAX]
    phonetic = tuple(phonetic_code(token) for token in tokens)
    weight = sum(token_weight(token) for token in tokens)
    return NameForm(name, tuple(tokens), phonetic, skeletal, "".join(tokens), weight)
