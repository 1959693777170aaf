"""The registry of name matchers, by name and version.

A hit records the matcher that produced it, so a score can be reproduced or re-evaluated after a
matcher changes; a changed scoring rule gets a new version here rather than silently altering
old results. Only one matcher exists today.
"""

from collections.abc import Callable

from digisom.compliance.screening.align import (
    MATCHER_NAME,
    MATCHER_VERSION,
    NameComparison,
    compare_names,
)
from digisom.compliance.screening.normalize import NameForm
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
