"""Every limit and tuning constant of sanctions screening, in one place.

Keeping them together makes the trade-offs reviewable: a change to a threshold is a change to
recall and false positives, and the benchmark (`digisom bench screening`) measures both.
"""

# Input limits: a list file or a query larger than this is refused rather than half processed.
LIST_FILE_BYTES_MAX = 512 * 1024 * 1024
LIST_ENTRIES_MAX = 2_000_000
NAME_CHARS_MAX = 300
NAME_TOKENS_MAX = 12
QUERY_NAMES_MAX = 16
PAIRS_FILE_ROWS_MAX = 1_000_000

# Blocking: postings longer than this are "common" keys (Mohammed, Ali, Al): they only refine
# candidates found by rarer keys, so one common token cannot pull in thousands of entries.
POSTINGS_COMMON_MIN = 150
# The best this many candidate names go through full scoring per query, plus any names tied with
# the last of them (many entries share "Mohammad Ali"; the one whose birth date matches must not
# be cut off by an arbitrary tie-break), up to the hard cap.
CANDIDATES_MAX = 10
CANDIDATES_TIED_MAX = 60
# Tokens shorter than this do not get a phonetic blocking key (too many collisions).
PHONETIC_KEY_CHARS_MIN = 3
# Leading characters of a token used as a prefix blocking key (catches typos at the end).
PREFIX_KEY_CHARS = 4

# Korean readings of names in Han characters or Hangul (`screening/korean.py`): a name is read as
# Korean only if it has a Korean name's shape, a surname and a given name of at most this many
# syllables; one in Han characters (far more often Chinese or Japanese) needs at least this many
# characters in all (李明 does not qualify, 金正恩 does). A name gets at most this many Korean
# forms (one McCune-Reischauer, the rest Revised Romanization, one per spelling of the surname).
KOREAN_GIVEN_CHARS_MAX = 2
KOREAN_HAN_CHARS_MIN = 3
KOREAN_READINGS_MAX = 4

# Token similarity.
TOKEN_MATCH_MIN = 0.70  # below this two tokens are not aligned at all
INITIAL_SIMILARITY = 0.80  # "V" against "Vladimir"
INITIAL_WEIGHT = 4  # an initial weighs like a four-letter token (it stands for a given name)
PHONETIC_SIMILARITY = 0.85  # same metaphone code, length >= PHONETIC_KEY_CHARS_MIN
SKELETON_SIMILARITY = 0.95  # same consonant skeleton, for abjad and abugida scripts

# Name score: unmatched tokens of the list name weigh less than unmatched tokens of the query,
# because lists carry patronymics and tribal names that customers rarely give.
CANDIDATE_EXTRA_WEIGHT = 0.35

# Qualifiers, applied to a name score.
DOB_MATCH_BONUS = 0.06
DOB_MISMATCH_PENALTY = 0.15
COUNTRY_MATCH_BONUS = 0.03
COUNTRY_MISMATCH_PENALTY = 0.05

# A hit at or above this score is reported as a match.
MATCH_THRESHOLD_DEFAULT = 0.80
# Hits returned per query at most.
HITS_MAX = 20

# Address screening.
ADDRESS_CHARS_MAX = 128

# ---------------------------------------------------------------------------------------------
# KYC vault, personal-data access, cases, monitoring and freezes (docs/compliance.md).

# Envelope encryption: AES-256-GCM, a fresh 256-bit data key and 96-bit nonce per record.
KYC_KEY_BYTES = 32
KYC_NONCE_BYTES = 12
KYC_MASTER_KEY_ENV = "DIGISOM_KYC_MASTER_KEY"
"""Base64 of the 32-byte master key."""
KYC_MASTER_KEY_FILE_ENV = "DIGISOM_KYC_MASTER_KEY_FILE"
"""Path of a file holding the base64 master key (mode 0600 expected)."""
KYC_FIELD_CHARS_MAX = 200
KYC_LINKS_PER_SUBJECT_MAX = 100

# Access to personal data.
ACCESS_LOG_PAGE_MAX = 200
PUBLIC_STATS_CELL_MIN = 10
"""Counts below this are suppressed in public statistics, so no small group can be singled out."""

# Cases.
CASE_SUMMARY_CHARS_MAX = 500
CASES_PAGE_MAX = 200
REPORT_TRANSFERS_MAX = 1_000
"""Transactions in one suspicious-transaction report at most."""

# Lists in the database: re-screening after a list update.
SCREEN_REVIEW_SCORE_MIN = MATCH_THRESHOLD_DEFAULT
"""A hit at or above this score sends a subject to review."""
SCREEN_BLOCK_SCORE_MIN = 0.95
"""A hit at or above this score blocks onboarding until an officer decides."""

# Transaction monitoring.
MONITORING_BATCH_TRANSFERS = 8_190
"""Transfers read from the ledger per step of the consumer."""
MONITORING_RULES_MAX = 64
MONITORING_WINDOW_EVENTS_MAX = 10_000
"""Events kept per account per window: a bound on memory even for a very busy account."""

# Travel rule (FATF R.16): transfers to or from external VASPs at or above USD 1,000.
TRAVEL_RULE_THRESHOLD_USD = 1_000
TRAVEL_RULE_NAME_CHARS_MAX = 100
