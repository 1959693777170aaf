"""Turning a name in any script into comparable ASCII tokens.

Names reach us in Kyrgyz and Russian Cyrillic, Arabic, Han, Latin with diacritics and more. Each
token is transliterated on its own (rigour's rules for Cyrillic, including Kyrgyz ң, ө and ү,
normality/ICU for other scripts) and cached, because names repeat their tokens endlessly and
transliteration is the slowest step. Hangul is split into syllables first: Korean names are
romanized one syllable per word ("Kim Jong Un").

ICU reads Han characters as Mandarin pinyin, which is right for Chinese names and wrong for
Japanese ones (山田太郎 → "shan tian tai lang", listed as "Yamada Taro"). So a name written in Han
characters or kana also gets a second form, its Japanese reading (pykakasi's dictionary, Hepburn
with long vowels folded the way passports and sanctions lists write them: 後藤 → "goto", 工藤会 →
"kudo kai"). A name in Han characters or Hangul with the shape of a Korean name (a Korean
surname, then one or two syllables) also gets Korean readings, romanized as the lists write Korean
names (`korean.py`: 金正恩 and 김정은 → "kim jong un", "kim jeong eun"; ICU alone gives "gim
jeong eun" for the Hangul).
`name_variants` returns every form; the screener and the pair comparison keep the best.
"""

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import pykakasi
from rigour.names import remove_person_prefixes, tokenize_name
from rigour.text import ascii_text
from rigour.text.scripts import text_scripts

from digisom.compliance.limits import INITIAL_WEIGHT, NAME_CHARS_MAX, NAME_TOKENS_MAX
from digisom.compliance.screening.korean import korean_readings
from digisom.compliance.screening.phonetic import phonetic_code

# Scripts that leave short vowels unwritten (abjads) or imply them (Thai): a romanized list name
# has vowels the transliteration cannot know, so tokens are also compared by consonant skeleton.
SKELETAL_SCRIPTS = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana", "Thai", "Lao"})
_HANGUL_SYLLABLE = re.compile(r"([\uac00-\ud7a3])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TRANSLIT_CACHE_MAX = 200_000
# Scripts whose names may be Japanese and so also get a Japanese reading.
JAPANESE_SCRIPTS = frozenset({"Han", "Hiragana", "Katakana"})
# Scripts whose names may be Korean and so may also get Korean readings (`korean.py`).
KOREAN_SCRIPTS = frozenset({"Han", "Hangul"})
READING_DEFAULT = "translit"
READING_JAPANESE = "ja-hepburn"
_VOWELS = frozenset("aeiou")


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
    reading: str = READING_DEFAULT
    """Which reading produced the tokens: "translit" (rigour/ICU), "ja-hepburn" (Japanese), or
    "ko-mr" / "ko-rr" (Korean, McCune-Reischauer or Revised Romanization)."""


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


@lru_cache(maxsize=1)
def _kakasi() -> tuple[pykakasi.kakasi, threading.Lock]:
    """The reading dictionary, loaded on first use (about half a second) and shared."""
    return pykakasi.kakasi(), threading.Lock()  # type: ignore[no-untyped-call]


def fold_long_vowels(romaji: str) -> str:
    """Hepburn as passports and sanctions lists write it: "tarou" → "taro", "yuuko" → "yuko".

    Long vowels are written ou, oo and uu by pykakasi. The second letter is dropped unless a vowel
    follows it, because then it usually starts a syllable of its own (井上 "inoue" stays; the
    price is that 浩一 stays "kouichi", which is still an edit-distance match for "Koichi").
    """
    out: list[str] = []
    i, end = 0, len(romaji)
    while i < end:
        letter = romaji[i]
        out.append(letter)
        following = romaji[i + 1] if i + 1 < end else ""
        after = romaji[i + 2] if i + 2 < end else ""
        if letter == "o" and following == "o":
            i += 2  # おお is always one long o (大野 "ono", 大内 "ouchi")
        elif letter in "ou" and following == "u" and after not in _VOWELS:
            i += 2
        else:
            i += 1
    return "".join(out)


@lru_cache(maxsize=_TRANSLIT_CACHE_MAX)
def japanese_tokens(token: str) -> tuple[str, ...] | None:
    """The Japanese reading of one token as ASCII sub-tokens, or None if a character has none.

    Characters the dictionary cannot read (simplified Chinese ones such as 习 or 伟) mean the name
    is not Japanese: no reading is better than a partial one.
    """
    converter, lock = _kakasi()
    with lock:
        items = converter.convert(token)
    parts: list[str] = []
    for item in items:
        if not item["orig"].strip():
            continue
        reading = item["hepburn"].lower().replace("'", "")
        if not reading:
            return None
        parts.extend(fold_long_vowels(part) for part in _NON_ALNUM.split(reading) if part)
    return tuple(parts)


def _form(name: str, tokens: list[str], skeletal: bool, reading: str) -> NameForm:
    if len(tokens) > 1:
        tokens = remove_person_prefixes(" ".join(tokens)).split() or tokens
    tokens = tokens[:NAME_TOKENS_MAX]
    phonetic = tuple(phonetic_code(token) for token in tokens)
    weight = sum(token_weight(token) for token in tokens)
    return NameForm(name, tuple(tokens), phonetic, skeletal, "".join(tokens), weight, reading)


def _raw_tokens(name: str) -> list[str]:
    spaced = _HANGUL_SYLLABLE.sub(r" \1 ", name) if not name.isascii() else name
    return tokenize_name(spaced.lower())


def _transliterated(name: str, raw_tokens: list[str], scripts: set[str]) -> NameForm:
    tokens: list[str] = []
    for raw in raw_tokens:
        tokens.extend(ascii_tokens(raw))
    return _form(name, tokens, bool(scripts & SKELETAL_SCRIPTS), READING_DEFAULT)


def _japanese(name: str, raw_tokens: list[str]) -> NameForm | None:
    tokens: list[str] = []
    for raw in raw_tokens:
        parts = ascii_tokens(raw) if raw.isascii() else japanese_tokens(raw)
        if parts is None:
            return None
        tokens.extend(parts)
    return _form(name, tokens, False, READING_JAPANESE)


def normalize_name(name: str) -> NameForm:
    """Normalize one name; the result may have no tokens (for a name made of punctuation)."""
    name = name[:NAME_CHARS_MAX]
    return _transliterated(name, _raw_tokens(name), text_scripts(name))


def name_variants(name: str) -> tuple[NameForm, ...]:
    """Every form of a name worth comparing: its transliteration (`normalize_name`) first, then,
    for a name in Han characters or kana, its Japanese reading, then, for a name in Han
    characters or Hangul with the shape of a Korean name, its Korean readings
    (`korean.korean_readings`).

    No reading is given if a character has none, or if it repeats an earlier form.
    """
    name = name[:NAME_CHARS_MAX]
    raw_tokens = _raw_tokens(name)
    scripts = text_scripts(name)
    form = _transliterated(name, raw_tokens, scripts)
    if name.isascii() or not scripts & (JAPANESE_SCRIPTS | KOREAN_SCRIPTS):
        return (form,)
    forms = [form]
    japanese = _japanese(name, raw_tokens) if scripts & JAPANESE_SCRIPTS else None
    if japanese is not None and japanese.tokens:
        forms.append(japanese)
    for korean in korean_readings(name):
        forms.append(_form(name, list(korean.tokens), False, korean.reading))
    return tuple(_distinct(forms))


def _distinct(forms: list[NameForm]) -> list[NameForm]:
    """The forms whose tokens no earlier form has: a repeat would only be scored twice."""
    seen: set[tuple[str, ...]] = set()
    kept: list[NameForm] = []
    for form in forms:
        if form.tokens not in seen:
            seen.add(form.tokens)
            kept.append(form)
    return kept
