"""The registry of name matchers, by name and version.

A hit records the matcher that produced it, so a score can be reproduced or re-evaluated after a
matcher changes; a changed scoring rule gets a new version here rather than silently altering
old results. Only one matcher exists today.

A name can have more than one normalized form (`normalize.name_variants`: a Han name is read as
Chinese and as Japanese); `compare_variants` scores every pair of forms and keeps the best.
"""

from collections.abc import Callable, Sequence

from digisom.compliance.screening.align import (
    MATCHER_NAME,
    MATCHER_VERSION,
    NameComparison,
    compare_names,
)
from digisom.compliance.screening.normalize import NameForm, name_variants
from digisom.compliance.screening.table import SimilarityTable
from digisom.errors import NotFound

NameMatcher = Callable[[NameForm, NameForm, SimilarityTable | None], NameComparison]

MATCHERS: dict[str, NameMatcher] = {f"{MATCHER_NAME}/v{MATCHER_VERSION}": compare_names}
DEFAULT_MATCHER = f"{MATCHER_NAME}/v{MATCHER_VERSION}"


def get_matcher(matcher_id: str) -> NameMatcher:
    """Look a matcher up by "name/vN"; unknown ids are refused rather than defaulted."""
    matcher = MATCHERS.get(matcher_id)
    if matcher is None:
        raise NotFound(f"unknown matcher {matcher_id!r}; known: {', '.join(sorted(MATCHERS))}")
    return matcher


def compare_variants(
    query: Sequence[NameForm],
    candidate: Sequence[NameForm],
    matcher: NameMatcher = compare_names,
    table: SimilarityTable | None = None,
) -> NameComparison:
    """The best comparison over every pair of forms (on a tie, the earlier forms win)."""
    best: NameComparison | None = None
    for query_form in query:
        for candidate_form in candidate:
            comparison = matcher(query_form, candidate_form, table)
            if best is None or comparison.score > best.score:
                best = comparison
    if best is None:
        raise ValueError("compare_variants needs at least one form on each side")
    return best


def compare_texts(name1: str, name2: str, matcher: NameMatcher = compare_names) -> NameComparison:
    """Compare two names as given, each in all its readings (`normalize.name_variants`)."""
    return compare_variants(name_variants(name1), name_variants(name2), matcher)
