"""What changed between two versions of one list, so that a list update can re-screen customers.

Only the entities that were added or changed can create new hits, and only the removed or
changed ones can clear old hits; re-screening just those keeps an update cheap.
"""

from dataclasses import dataclass

from digisom.compliance.lists.model import ListEntry, ListVersion
from digisom.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class ListDiff:
    """Entities added, removed and changed from an old version to a new one, by entity id."""

    source: str
    """The list both versions belong to."""
    old_sha256: str
    """Content hash of the old version."""
    new_sha256: str
    """Content hash of the new version."""
    added: tuple[ListEntry, ...]
    """Entries only in the new version, in new-version order."""
    removed: tuple[ListEntry, ...]
    """Entries only in the old version, in old-version order."""
    changed: tuple[tuple[ListEntry, ListEntry], ...]
    """(old, new) pairs with the same id whose content differs, in new-version order."""

    @property
    def is_empty(self) -> bool:
        """True when the two versions hold the same entities with the same content."""
        return not (self.added or self.removed or self.changed)


def diff(old: ListVersion, new: ListVersion) -> ListDiff:
    """Compare two versions of the same list entity by entity."""
    if old.source != new.source:
        raise InvalidInput(f"cannot diff list {old.source} against list {new.source}")
    old_by_id = {entry.entity_id: entry for entry in old.entries}
    new_by_id = {entry.entity_id: entry for entry in new.entries}
    return ListDiff(
        source=new.source,
        old_sha256=old.content_sha256,
        new_sha256=new.content_sha256,
        added=tuple(e for e in new.entries if e.entity_id not in old_by_id),
        removed=tuple(e for e in old.entries if e.entity_id not in new_by_id),
        changed=tuple(
            (old_by_id[e.entity_id], e)
            for e in new.entries
            if e.entity_id in old_by_id and old_by_id[e.entity_id] != e
        ),
    )
