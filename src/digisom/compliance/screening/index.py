"""Blocking index: find the few list names worth scoring without comparing against all of them.

Each list name is filed under keys for its tokens: the token itself, its metaphone code, its
first letters and its consonant skeleton. A query looks up its own keys and ranks names by the
summed rarity (inverse document frequency) of the keys they share. Keys shared by very many
names ("mohammad", "al") only re-rank names found through rarer keys, so one common token cannot
pull thousands of names into full scoring.
"""

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from digisom.compliance.limits import (
    CANDIDATES_MAX,
    CANDIDATES_TIED_MAX,
    POSTINGS_COMMON_MIN,
    PREFIX_KEY_CHARS,
)
from digisom.compliance.screening.normalize import NameForm
from digisom.compliance.screening.tokens import skeletons

# Small enough never to outweigh a shared key (key weights are >= log 2), large enough to order
# names that share the same keys by how close their token count is to the query's.
LENGTH_TIE_BREAK = 0.01


def name_keys(form: NameForm) -> set[str]:
    """The blocking keys of one name (the same function files list names and looks up queries)."""
    keys: set[str] = set()
    for token, code in zip(form.tokens, form.phonetic, strict=True):
        keys.add("t:" + token)
        if code:
            keys.add("p:" + code)
        if len(token) > PREFIX_KEY_CHARS:
            keys.add("x:" + token[:PREFIX_KEY_CHARS])
        skeleton = skeletons(token)[1]
        if len(skeleton) >= 2:
            keys.add("s:" + skeleton)
    if len(form.tokens) > 1:
        keys.add("j:" + form.joined)
    return keys


@dataclass(frozen=True, slots=True)
class IndexedName:
    """A list name in the index: which entry it belongs to and its normalized form."""

    entry_position: int
    name_position: int
    form: NameForm


class NameIndex:
    """Inverted index from blocking keys to list names."""

    def __init__(self, names: Iterable[IndexedName]) -> None:
        self.names: list[IndexedName] = list(names)
        postings: dict[str, list[int]] = defaultdict(list)
        for number, name in enumerate(self.names):
            for key in name_keys(name.form):
                postings[key].append(number)
        total = max(len(self.names), 1)
        self.postings: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in postings.items()}
        self.lengths: list[int] = [len(name.form.tokens) for name in self.names]
        self.common: dict[str, frozenset[int]] = {
            k: frozenset(v) for k, v in self.postings.items() if len(v) > POSTINGS_COMMON_MIN
        }
        self.weights: dict[str, float] = {
            k: math.log(1 + total / len(v)) for k, v in self.postings.items()
        }

    def candidates(self, form: NameForm, limit: int = CANDIDATES_MAX) -> list[int]:
        """Positions of the names most worth scoring against `form`, best first."""
        scores: dict[int, float] = defaultdict(float)
        common: list[str] = []
        for key in name_keys(form):
            found = self.postings.get(key)
            if found is None:
                continue
            if key in self.common:
                common.append(key)
                continue
            weight = self.weights[key]
            for number in found:
                scores[number] += weight
        if not scores and common:
            # Only common keys: names holding all of them, else those of the rarest one.
            sets = sorted((self.common[key] for key in common), key=len)
            shared = frozenset.intersection(*sets) or sets[0]
            for number in shared:
                scores[number] = 0.0
        for key in common:
            weight, members = self.weights[key], self.common[key]
            for number in scores:
                if number in members:
                    scores[number] += weight
        # Among names sharing the same keys, those with as many tokens as the query come first.
        # Ranks are computed once and compared with a C key function: this loop runs over every
        # scored name of every query. nlargest keeps equal ranks in insertion order.
        size, lengths = len(form.tokens), self.lengths
        ranked = [
            (score - LENGTH_TIE_BREAK * abs(lengths[number] - size), number)
            for number, score in scores.items()
        ]
        best = heapq.nlargest(CANDIDATES_TIED_MAX, ranked, key=itemgetter(0))
        if len(best) > limit:
            floor = best[limit - 1][0]
            best = best[:limit] + [item for item in best[limit:] if item[0] >= floor]
        return [number for _, number in best]
