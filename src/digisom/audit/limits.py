"""Limits of the audit log, in one place: every field of an entry is bounded, so that an entry
cannot grow without bound and its canonical encoding stays cheap to hash and verify."""

FIELD_CHARS_MAX = 64
"""actor, role, agency, action, subject id and purpose."""
LEGAL_BASIS_CHARS_MAX = 200
LEGAL_BASIS_CHARS_MIN = 3
DETAILS_BYTES_MAX = 4096
"""Canonical JSON of `details`: facts about the action (counts, ids), never personal data."""
ENTRIES_PAGE_MAX = 500
"""Entries returned by one access-log query at most."""
