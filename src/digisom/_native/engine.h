/* TransferBatch: the ledger's state machine for one batch of transfers, in native code.
 *
 * The same rules as the readable reference, digisom/ledger/engine.py (`create_transfers`,
 * `expire_pending`), checked in the same order with the same result codes; tests run both on
 * the same batches and compare every result and balance (tests/ledger/test_native_engine.py),
 * and the property test compares this one with a separate model. A batch validates and applies
 * its events against an AccountTable in place; the referenced transfers (those with the batch's
 * ids, and the pending transfers it posts or voids) and their pending states are handed in by
 * the caller, who loaded them. Afterwards the batch hands out what the store writes: the journal
 * records of the new transfers, the changed balances, the pending states.
 *
 * Linked events (a run flagged `linked`, closed by the first event without the flag) succeed or
 * fail as one: while a chain is open every change is logged, and a failed chain is undone.
 */
#ifndef DIGISOM_ENGINE_H
#define DIGISOM_ENGINE_H

#include "balance_map.h"
#include "record.h"

#define NS_PER_S 1000000000LL

enum {
    TRANSFER_LINKED = 1 << 0,
    TRANSFER_PENDING = 1 << 1,
    TRANSFER_POST = 1 << 2,
    TRANSFER_VOID = 1 << 3,
};
enum {
    ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS = 1 << 1,
    ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS = 1 << 2,
    ACCOUNT_HISTORY = 1 << 3,
};
/* Pending states as stored (digisom.storage.base.STATUS_CODES). */
enum { STATUS_PENDING = 0, STATUS_POSTED = 1, STATUS_VOIDED = 2, STATUS_EXPIRED = 3 };

#define RESULT_CODES(X)                                                                       \
    X(OK, "ok")                                                                               \
    X(EXISTS, "exists")                                                                       \
    X(EXISTS_WITH_DIFFERENT_FIELDS, "exists_with_different_fields")                           \
    X(LINKED_EVENT_FAILED, "linked_event_failed")                                             \
    X(LINKED_EVENT_CHAIN_OPEN, "linked_event_chain_open")                                     \
    X(ID_MUST_NOT_BE_ZERO, "id_must_not_be_zero")                                             \
    X(ID_MUST_NOT_BE_INT_MAX, "id_must_not_be_int_max")                                       \
    X(FLAGS_ARE_MUTUALLY_EXCLUSIVE, "flags_are_mutually_exclusive")                           \
    X(DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO, "debit_account_id_must_not_be_zero")                 \
    X(CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO, "credit_account_id_must_not_be_zero")               \
    X(ACCOUNTS_MUST_BE_DIFFERENT, "accounts_must_be_different")                               \
    X(PENDING_ID_MUST_BE_ZERO, "pending_id_must_be_zero")                                     \
    X(PENDING_ID_MUST_NOT_BE_ZERO, "pending_id_must_not_be_zero")                             \
    X(PENDING_ID_MUST_BE_DIFFERENT, "pending_id_must_be_different")                           \
    X(TIMEOUT_RESERVED_FOR_PENDING_TRANSFER, "timeout_reserved_for_pending_transfer")         \
    X(LEDGER_MUST_NOT_BE_ZERO, "ledger_must_not_be_zero")                                     \
    X(CODE_MUST_NOT_BE_ZERO, "code_must_not_be_zero")                                         \
    X(DEBIT_ACCOUNT_NOT_FOUND, "debit_account_not_found")                                     \
    X(CREDIT_ACCOUNT_NOT_FOUND, "credit_account_not_found")                                   \
    X(ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER, "accounts_must_have_the_same_ledger")               \
    X(LEDGER_MUST_MATCH, "ledger_must_match")                                                 \
    X(PENDING_TRANSFER_NOT_FOUND, "pending_transfer_not_found")                               \
    X(PENDING_TRANSFER_NOT_PENDING, "pending_transfer_not_pending")                           \
    X(PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID,                                        \
      "pending_transfer_has_different_debit_account_id")                                      \
    X(PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID,                                       \
      "pending_transfer_has_different_credit_account_id")                                     \
    X(PENDING_TRANSFER_HAS_DIFFERENT_LEDGER, "pending_transfer_has_different_ledger")         \
    X(PENDING_TRANSFER_HAS_DIFFERENT_CODE, "pending_transfer_has_different_code")             \
    X(PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT, "pending_transfer_has_different_amount")         \
    X(EXCEEDS_PENDING_TRANSFER_AMOUNT, "exceeds_pending_transfer_amount")                     \
    X(PENDING_TRANSFER_ALREADY_POSTED, "pending_transfer_already_posted")                     \
    X(PENDING_TRANSFER_ALREADY_VOIDED, "pending_transfer_already_voided")                     \
    X(PENDING_TRANSFER_EXPIRED, "pending_transfer_expired")                                   \
    X(AMOUNT_MUST_NOT_BE_ZERO, "amount_must_not_be_zero")                                     \
    X(DEBIT_ACCOUNT_FROZEN, "debit_account_frozen")                                           \
    X(CREDIT_ACCOUNT_FROZEN, "credit_account_frozen")                                         \
    X(OVERFLOWS_DEBITS_PENDING, "overflows_debits_pending")                                   \
    X(OVERFLOWS_CREDITS_PENDING, "overflows_credits_pending")                                 \
    X(OVERFLOWS_DEBITS_POSTED, "overflows_debits_posted")                                     \
    X(OVERFLOWS_CREDITS_POSTED, "overflows_credits_posted")                                   \
    X(OVERFLOWS_DEBITS, "overflows_debits")                                                   \
    X(OVERFLOWS_CREDITS, "overflows_credits")                                                 \
    X(OVERFLOWS_TIMEOUT, "overflows_timeout")                                                 \
    X(EXCEEDS_CREDITS, "exceeds_credits")                                                     \
    X(EXCEEDS_DEBITS, "exceeds_debits")

#define AS_ENUM(name, text) RESULT_##name,
typedef enum { RESULT_CODES(AS_ENUM) RESULT_COUNT } Result;
#undef AS_ENUM

#define AS_TEXT(name, text) text,
static const char *const result_texts[RESULT_COUNT] = {RESULT_CODES(AS_TEXT)};
#undef AS_TEXT

static PyObject *result_strings[RESULT_COUNT]; /* interned at module init */
static PyObject *InvariantError;               /* digisom.errors.InvariantError */


typedef struct {
    u128 id; /* first: the hash index reads keys here */
    int64_t expires_at;
    uint8_t status;
    uint8_t dead;
} Pend;

typedef struct {
    u128 id;
    int64_t timestamp;
    uint8_t status;
} Resolution;

typedef struct {
    u128 account_id;
    u128 balances[4];
    int64_t timestamp;
} HistoryEntry;

enum { UNDO_BALANCES, UNDO_PEND };

typedef struct {
    u128 balances[4];
    Pend pend;
    uint32_t position;
    uint8_t kind;
} UndoEntry;

typedef struct {
    PyObject_HEAD
    AccountTable *table;
    uint32_t number; /* tags the accounts this batch lists as changed */
    IdMap xfer_index;
    Vec xfers;       /* Xfer: the referenced transfers, then the new ones */
    Vec created;     /* uint32_t: positions in xfers of the new transfers, in order */
    IdMap pend_index;
    Vec pends;       /* Pend */
    Vec new_pending; /* uint32_t: positions in pends of pending transfers created */
    Vec resolved;    /* Resolution */
    Vec history;     /* HistoryEntry */
    Vec changed;     /* uint32_t: positions in the table of accounts whose balances changed */
    Vec undo;        /* UndoEntry, while a chain is open */
    Vec events;      /* Xfer: the batch's events, read by prepare() */
    int prepared;    /* 0, then 1 once prepared, 2 once created */
    int chain_open;
    size_t created_mark, new_pending_mark, resolved_mark, history_mark;
} TransferBatch;

/* ------------------------------------------------------------------------------------------ */
/* Reading transfers from Python.                                                              */

/* A Transfer tuple (digisom.ledger.model.Transfer, 13 fields) into `out`, but its timestamp. */
static int xfer_from_py(PyObject *t, Xfer *out)
{
    if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 13) {
        PyErr_SetString(PyExc_TypeError, "a transfer must be a Transfer (13 fields)");
        return -1;
    }
    uint64_t narrow;
    memset(out, 0, sizeof *out);
#define WIDE(i, field)                                                                        \
    if (u128_from_py(PyTuple_GET_ITEM(t, i), U128_MAX, &out->field, #field) < 0)              \
        return -1;
#define NARROW(i, field, max)                                                                 \
    if (u64_from_py(PyTuple_GET_ITEM(t, i), max, &narrow, #field) < 0)                        \
        return -1;                                                                            \
    out->field = narrow;
    WIDE(0, id)
    WIDE(1, debit_account_id)
    WIDE(2, credit_account_id)
    WIDE(3, amount)
    NARROW(4, ledger, UINT32_MAX)
    NARROW(5, code, UINT16_MAX)
    NARROW(6, flags, UINT16_MAX)
    WIDE(7, pending_id)
    NARROW(8, timeout, UINT32_MAX)
    WIDE(9, user_data_128)
    NARROW(10, user_data_64, UINT64_MAX)
    NARROW(11, user_data_32, UINT32_MAX)
    /* The timestamp (12) is the ledger's to assign: ignored, as the reference ignores it. */
#undef WIDE
#undef NARROW
    return 0;
}

/* Every transfer of a sequence, converted before any is applied: bad input changes nothing. */
static Xfer *xfers_from_py(PyObject *sequence, Py_ssize_t *count)
{
    PyObject *fast = PySequence_Fast(sequence, "transfers must be a sequence");
    if (fast == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    Xfer *out = malloc((size_t)(n ? n : 1) * sizeof(Xfer));
    if (out == NULL) {
        Py_DECREF(fast);
        PyErr_NoMemory();
        return NULL;
    }
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (xfer_from_py(items[i], &out[i]) < 0) {
            PyObject *type, *value, *traceback;
            PyErr_Fetch(&type, &value, &traceback);
            PyErr_Format(type, "transfer %zd: %S", i, value);
            Py_XDECREF(type);
            Py_XDECREF(value);
            Py_XDECREF(traceback);
            free(out);
            Py_DECREF(fast);
            return NULL;
        }
    }
    Py_DECREF(fast);
    *count = n;
    return out;
}

/* ------------------------------------------------------------------------------------------ */
/* Lookups and changes, each logged while a linked chain is open.                              */

static inline Xfer *xfer_find(TransferBatch *b, u128 id)
{
    uint32_t position = idmap_get(&b->xfer_index, id);
    if (position == IDMAP_EMPTY)
        return NULL;
    Xfer *x = &VEC_AT(&b->xfers, Xfer, position);
    return x->dead ? NULL : x;
}

static inline Pend *pend_find(TransferBatch *b, u128 id)
{
    uint32_t position = idmap_get(&b->pend_index, id);
    if (position == IDMAP_EMPTY)
        return NULL;
    Pend *p = &VEC_AT(&b->pends, Pend, position);
    return p->dead ? NULL : p;
}

static inline AccountEntry *account_find(TransferBatch *b, u128 id)
{
    uint32_t position = idmap_get(&b->table->index, id);
    return position == IDMAP_EMPTY ? NULL : account_at(b->table, position);
}

static int xfer_add(TransferBatch *b, const Xfer *x, int created)
{
    Xfer *slot = vec_push(&b->xfers);
    if (slot == NULL)
        return -1;
    *slot = *x;
    uint32_t position = (uint32_t)(b->xfers.count - 1);
    if (idmap_put(&b->xfer_index, x->id, position) < 0)
        return -1;
    if (created) {
        uint32_t *entry = vec_push(&b->created);
        if (entry == NULL)
            return -1;
        *entry = position;
    }
    return 0;
}

static int pend_add(TransferBatch *b, u128 id, uint8_t status, int64_t expires_at, int created)
{
    Pend *slot = vec_push(&b->pends);
    if (slot == NULL)
        return -1;
    slot->id = id;
    slot->status = status;
    slot->expires_at = expires_at;
    uint32_t position = (uint32_t)(b->pends.count - 1);
    if (idmap_put(&b->pend_index, id, position) < 0)
        return -1;
    if (created) {
        uint32_t *entry = vec_push(&b->new_pending);
        if (entry == NULL)
            return -1;
        *entry = position;
    }
    return 0;
}

static int pend_set(TransferBatch *b, Pend *p, uint8_t status)
{
    if (b->chain_open) {
        UndoEntry *u = vec_push(&b->undo);
        if (u == NULL)
            return -1;
        u->kind = UNDO_PEND;
        u->position = (uint32_t)(p - (Pend *)b->pends.data);
        u->pend = *p;
    }
    p->status = status;
    return 0;
}

static int resolve(TransferBatch *b, u128 id, uint8_t status, int64_t timestamp)
{
    Resolution *r = vec_push(&b->resolved);
    if (r == NULL)
        return -1;
    r->id = id;
    r->status = status;
    r->timestamp = timestamp;
    return 0;
}

/* Replace an account's balances: logged for undo, listed as changed, kept in its history. */
static int balances_set(TransferBatch *b, AccountEntry *a, const u128 balances[4],
                        int64_t timestamp, int keep_history)
{
    uint32_t position = (uint32_t)(a - (AccountEntry *)b->table->entries.data);
    if (b->chain_open) {
        UndoEntry *u = vec_push(&b->undo);
        if (u == NULL)
            return -1;
        u->kind = UNDO_BALANCES;
        u->position = position;
        memcpy(u->balances, a->balances, sizeof u->balances);
    }
    memcpy(a->balances, balances, sizeof a->balances);
    if (a->changed_in != b->number) {
        a->changed_in = b->number;
        uint32_t *entry = vec_push(&b->changed);
        if (entry == NULL)
            return -1;
        *entry = position;
    }
    if (keep_history && (a->flags & ACCOUNT_HISTORY)) {
        HistoryEntry *h = vec_push(&b->history);
        if (h == NULL)
            return -1;
        h->account_id = a->id;
        h->timestamp = timestamp;
        memcpy(h->balances, balances, sizeof h->balances);
    }
    return 0;
}

static void chain_begin(TransferBatch *b)
{
    b->undo.count = 0;
    b->created_mark = b->created.count;
    b->new_pending_mark = b->new_pending.count;
    b->resolved_mark = b->resolved.count;
    b->history_mark = b->history.count;
    b->chain_open = 1;
}

/* Undo everything the open chain did, newest first. */
static void chain_rollback(TransferBatch *b)
{
    for (size_t i = b->undo.count; i-- > 0;) {
        UndoEntry *u = &VEC_AT(&b->undo, UndoEntry, i);
        if (u->kind == UNDO_BALANCES)
            memcpy(account_at(b->table, u->position)->balances, u->balances,
                   sizeof u->balances);
        else
            VEC_AT(&b->pends, Pend, u->position) = u->pend;
    }
    for (size_t i = b->created_mark; i < b->created.count; i++)
        VEC_AT(&b->xfers, Xfer, VEC_AT(&b->created, uint32_t, i)).dead = 1;
    for (size_t i = b->new_pending_mark; i < b->new_pending.count; i++)
        VEC_AT(&b->pends, Pend, VEC_AT(&b->new_pending, uint32_t, i)).dead = 1;
    b->created.count = b->created_mark;
    b->new_pending.count = b->new_pending_mark;
    b->resolved.count = b->resolved_mark;
    b->history.count = b->history_mark;
    b->undo.count = 0;
    b->chain_open = 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The rules (engine.py has them in readable form, in the same order).                         */

static inline int add_overflows(u128 a, u128 b)
{
    return a > U128_MAX - b;
}

static inline int add3_overflows(u128 a, u128 b, u128 c)
{
    return a > U128_MAX - b || a + b > U128_MAX - c;
}

/* A retried transfer against the stored one: on a post or void, fields given as 0 were
 * filled in from the pending transfer, so 0 matches what was stored. */
static Result exists(const Xfer *t, const Xfer *e)
{
    int inherited_match;
    if (t->flags & (TRANSFER_POST | TRANSFER_VOID))
        inherited_match = (t->debit_account_id == 0 || t->debit_account_id == e->debit_account_id) &&
                          (t->credit_account_id == 0 || t->credit_account_id == e->credit_account_id) &&
                          (t->ledger == 0 || t->ledger == e->ledger) &&
                          (t->code == 0 || t->code == e->code) &&
                          (t->amount == 0 || t->amount == e->amount);
    else
        inherited_match = t->debit_account_id == e->debit_account_id &&
                          t->credit_account_id == e->credit_account_id &&
                          t->ledger == e->ledger && t->code == e->code && t->amount == e->amount;
    int same = inherited_match && t->flags == e->flags && t->pending_id == e->pending_id &&
               t->timeout == e->timeout && t->user_data_128 == e->user_data_128 &&
               t->user_data_64 == e->user_data_64 && t->user_data_32 == e->user_data_32;
    return same ? RESULT_EXISTS : RESULT_EXISTS_WITH_DIFFERENT_FIELDS;
}

/* Record a validated transfer: both balances, the stored transfer. -1 on MemoryError. */
static int record(TransferBatch *b, const Xfer *stored, AccountEntry *debit,
                  AccountEntry *credit, const u128 new_debit[4], const u128 new_credit[4])
{
    if (balances_set(b, debit, new_debit, stored->timestamp, 1) < 0 ||
        balances_set(b, credit, new_credit, stored->timestamp, 1) < 0)
        return -1;
    return xfer_add(b, stored, 1);
}

/* A plain transfer (posts at once) or phase one of a two-phase transfer (reserves). */
static int create_transfer(TransferBatch *b, const Xfer *t, int64_t timestamp, Result *result)
{
    int pending = t->flags & TRANSFER_PENDING;
#define FAIL(code)                                                                            \
    do {                                                                                      \
        *result = RESULT_##code;                                                                   \
        return 0;                                                                             \
    } while (0)
    if (t->id == 0)
        FAIL(ID_MUST_NOT_BE_ZERO);
    if (t->id == U128_MAX)
        FAIL(ID_MUST_NOT_BE_INT_MAX);
    if (t->debit_account_id == 0)
        FAIL(DEBIT_ACCOUNT_ID_MUST_NOT_BE_ZERO);
    if (t->credit_account_id == 0)
        FAIL(CREDIT_ACCOUNT_ID_MUST_NOT_BE_ZERO);
    if (t->debit_account_id == t->credit_account_id)
        FAIL(ACCOUNTS_MUST_BE_DIFFERENT);
    if (t->pending_id != 0)
        FAIL(PENDING_ID_MUST_BE_ZERO);
    if (t->timeout != 0 && !pending)
        FAIL(TIMEOUT_RESERVED_FOR_PENDING_TRANSFER);
    if (t->ledger == 0)
        FAIL(LEDGER_MUST_NOT_BE_ZERO);
    if (t->code == 0)
        FAIL(CODE_MUST_NOT_BE_ZERO);
    AccountEntry *debit = account_find(b, t->debit_account_id);
    if (debit == NULL)
        FAIL(DEBIT_ACCOUNT_NOT_FOUND);
    AccountEntry *credit = account_find(b, t->credit_account_id);
    if (credit == NULL)
        FAIL(CREDIT_ACCOUNT_NOT_FOUND);
    if (debit->ledger != credit->ledger)
        FAIL(ACCOUNTS_MUST_HAVE_THE_SAME_LEDGER);
    if (t->ledger != debit->ledger)
        FAIL(LEDGER_MUST_MATCH);
    const Xfer *existing = xfer_find(b, t->id);
    if (existing != NULL) {
        *result = exists(t, existing);
        return 0;
    }
    u128 amount = t->amount;
    if (amount == 0)
        FAIL(AMOUNT_MUST_NOT_BE_ZERO);
    if (debit->frozen)
        FAIL(DEBIT_ACCOUNT_FROZEN);
    if (credit->frozen)
        FAIL(CREDIT_ACCOUNT_FROZEN);
    const u128 *d = debit->balances, *c = credit->balances;
    if (pending) {
        if (add_overflows(d[DEBITS_PENDING], amount))
            FAIL(OVERFLOWS_DEBITS_PENDING);
        if (add_overflows(c[CREDITS_PENDING], amount))
            FAIL(OVERFLOWS_CREDITS_PENDING);
    } else {
        if (add_overflows(d[DEBITS_POSTED], amount))
            FAIL(OVERFLOWS_DEBITS_POSTED);
        if (add_overflows(c[CREDITS_POSTED], amount))
            FAIL(OVERFLOWS_CREDITS_POSTED);
    }
    if (add3_overflows(d[DEBITS_PENDING], d[DEBITS_POSTED], amount))
        FAIL(OVERFLOWS_DEBITS);
    if (add3_overflows(c[CREDITS_PENDING], c[CREDITS_POSTED], amount))
        FAIL(OVERFLOWS_CREDITS);
    __int128 expires_at = t->timeout ? (__int128)timestamp + (__int128)t->timeout * NS_PER_S : 0;
    if (expires_at > INT64_MAX)
        FAIL(OVERFLOWS_TIMEOUT);
    if ((debit->flags & ACCOUNT_DEBITS_MUST_NOT_EXCEED_CREDITS) &&
        d[DEBITS_PENDING] + d[DEBITS_POSTED] + amount > d[CREDITS_POSTED])
        FAIL(EXCEEDS_CREDITS);
    if ((credit->flags & ACCOUNT_CREDITS_MUST_NOT_EXCEED_DEBITS) &&
        c[CREDITS_PENDING] + c[CREDITS_POSTED] + amount > c[DEBITS_POSTED])
        FAIL(EXCEEDS_DEBITS);
#undef FAIL
    u128 new_debit[4] = {d[0], d[1], d[2], d[3]};
    u128 new_credit[4] = {c[0], c[1], c[2], c[3]};
    new_debit[pending ? DEBITS_PENDING : DEBITS_POSTED] += amount;
    new_credit[pending ? CREDITS_PENDING : CREDITS_POSTED] += amount;
    Xfer stored = *t;
    stored.timestamp = timestamp;
    stored.dead = 0;
    if (record(b, &stored, debit, credit, new_debit, new_credit) < 0)
        return -1;
    if (pending && pend_add(b, t->id, STATUS_PENDING, (int64_t)expires_at, 1) < 0)
        return -1;
    *result = RESULT_OK;
    return 0;
}

/* Phase two of a two-phase transfer: post all or part of it, or void it. */
static int post_or_void(TransferBatch *b, const Xfer *t, int64_t timestamp, Result *result)
{
#define FAIL(code)                                                                            \
    do {                                                                                      \
        *result = RESULT_##code;                                                                   \
        return 0;                                                                             \
    } while (0)
    if (t->id == 0)
        FAIL(ID_MUST_NOT_BE_ZERO);
    if (t->id == U128_MAX)
        FAIL(ID_MUST_NOT_BE_INT_MAX);
    if (__builtin_popcount(t->flags & (TRANSFER_PENDING | TRANSFER_POST | TRANSFER_VOID)) > 1)
        FAIL(FLAGS_ARE_MUTUALLY_EXCLUSIVE);
    if (t->pending_id == 0)
        FAIL(PENDING_ID_MUST_NOT_BE_ZERO);
    if (t->pending_id == t->id)
        FAIL(PENDING_ID_MUST_BE_DIFFERENT);
    if (t->timeout != 0)
        FAIL(TIMEOUT_RESERVED_FOR_PENDING_TRANSFER);
    const Xfer *p = xfer_find(b, t->pending_id);
    if (p == NULL)
        FAIL(PENDING_TRANSFER_NOT_FOUND);
    if (!(p->flags & TRANSFER_PENDING))
        FAIL(PENDING_TRANSFER_NOT_PENDING);
    if (t->debit_account_id != 0 && t->debit_account_id != p->debit_account_id)
        FAIL(PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT_ID);
    if (t->credit_account_id != 0 && t->credit_account_id != p->credit_account_id)
        FAIL(PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT_ID);
    if (t->ledger != 0 && t->ledger != p->ledger)
        FAIL(PENDING_TRANSFER_HAS_DIFFERENT_LEDGER);
    if (t->code != 0 && t->code != p->code)
        FAIL(PENDING_TRANSFER_HAS_DIFFERENT_CODE);
    const Xfer *existing = xfer_find(b, t->id);
    if (existing != NULL) {
        *result = exists(t, existing);
        return 0;
    }
    int post = t->flags & TRANSFER_POST;
    if (post) {
        if (t->amount > p->amount)
            FAIL(EXCEEDS_PENDING_TRANSFER_AMOUNT);
    } else if (t->amount != 0 && t->amount != p->amount) {
        FAIL(PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT);
    }
    Pend *state = pend_find(b, p->id);
    if (state == NULL) {
        PyErr_SetString(InvariantError, "a pending transfer without its pending state");
        return -1;
    }
    if (state->status == STATUS_POSTED)
        FAIL(PENDING_TRANSFER_ALREADY_POSTED);
    if (state->status == STATUS_VOIDED)
        FAIL(PENDING_TRANSFER_ALREADY_VOIDED);
    if (state->status == STATUS_EXPIRED || (state->expires_at > 0 && state->expires_at <= timestamp))
        FAIL(PENDING_TRANSFER_EXPIRED);
    AccountEntry *debit = account_find(b, p->debit_account_id);
    AccountEntry *credit = account_find(b, p->credit_account_id);
    if (debit == NULL || credit == NULL) {
        PyErr_SetString(InvariantError, "the accounts of a pending transfer are loaded");
        return -1;
    }
    if (post && debit->frozen)
        FAIL(DEBIT_ACCOUNT_FROZEN);
    if (post && credit->frozen)
        FAIL(CREDIT_ACCOUNT_FROZEN);
#undef FAIL
    u128 amount = post ? (t->amount ? t->amount : p->amount) : p->amount;
    const u128 *d = debit->balances, *c = credit->balances;
    if (d[DEBITS_PENDING] < p->amount || c[CREDITS_PENDING] < p->amount) {
        PyErr_SetString(InvariantError, "pending balance below a pending transfer");
        return -1;
    }
    u128 posted = post ? amount : 0;
    u128 new_debit[4] = {d[0] - p->amount, d[1] + posted, d[2], d[3]};
    u128 new_credit[4] = {c[0], c[1], c[2] - p->amount, c[3] + posted};
    Xfer stored = *t;
    stored.debit_account_id = p->debit_account_id;
    stored.credit_account_id = p->credit_account_id;
    stored.amount = amount;
    stored.ledger = p->ledger;
    stored.code = p->code;
    stored.timeout = 0;
    stored.timestamp = timestamp;
    stored.dead = 0;
    uint8_t status = post ? STATUS_POSTED : STATUS_VOIDED;
    u128 pending_id = p->id; /* `p` may move when the new transfer is added */
    if (record(b, &stored, debit, credit, new_debit, new_credit) < 0 ||
        pend_set(b, state, status) < 0 || resolve(b, pending_id, status, timestamp) < 0)
        return -1;
    *result = RESULT_OK;
    return 0;
}

static int apply_one(TransferBatch *b, const Xfer *t, int64_t timestamp, Result *result)
{
    if (t->flags & (TRANSFER_POST | TRANSFER_VOID))
        return post_or_void(b, t, timestamp, result);
    return create_transfer(b, t, timestamp, result);
}

/* Run the events with linked-chain semantics (engine.run_chains); one result each. */
static int run_chains(TransferBatch *b, const Xfer *events, Py_ssize_t count,
                      int64_t first_timestamp, Result *results)
{
    Py_ssize_t chain_start = -1;
    int chain_failed = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        int linked = events[i].flags & TRANSFER_LINKED;
        if (linked && chain_start < 0) {
            chain_start = i;
            chain_failed = 0;
            chain_begin(b);
        }
        Result result;
        if (chain_start >= 0 && chain_failed)
            result = RESULT_LINKED_EVENT_FAILED;
        else if (linked && i == count - 1)
            result = RESULT_LINKED_EVENT_CHAIN_OPEN;
        else if (apply_one(b, &events[i], first_timestamp + i, &result) < 0)
            return -1;
        if (result != RESULT_OK && result != RESULT_EXISTS && chain_start >= 0 && !chain_failed) {
            chain_rollback(b);
            for (Py_ssize_t earlier = chain_start; earlier < i; earlier++)
                results[earlier] = RESULT_LINKED_EVENT_FAILED;
            chain_failed = 1;
        }
        results[i] = result;
        if (!linked && chain_start >= 0) {
            chain_start = -1;
            b->chain_open = 0;
        }
    }
    b->chain_open = 0;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The Python type.                                                                            */

static void TransferBatch_release(TransferBatch *self)
{
    idmap_free(&self->xfer_index);
    idmap_free(&self->pend_index);
    vec_free(&self->events);
    vec_free(&self->xfers);
    vec_free(&self->created);
    vec_free(&self->pends);
    vec_free(&self->new_pending);
    vec_free(&self->resolved);
    vec_free(&self->history);
    vec_free(&self->changed);
    vec_free(&self->undo);
    Py_CLEAR(self->table);
}

/* TransferBatch(table): a batch over the accounts of `table`, which it changes in place. */
static int TransferBatch_init(TransferBatch *self, PyObject *args, PyObject *kwargs)
{
    PyObject *table;
    if (!PyArg_ParseTuple(args, "O!:TransferBatch", &AccountTableType, &table))
        return -1;
    TransferBatch_release(self);
    Py_INCREF(table);
    self->table = (AccountTable *)table;
    self->number = ++self->table->batches;
    if (self->number == 0) /* wrapped: 0 would match never-changed accounts */
        self->number = ++self->table->batches;
    vec_init(&self->events, sizeof(Xfer));
    vec_init(&self->xfers, sizeof(Xfer));
    vec_init(&self->created, sizeof(uint32_t));
    vec_init(&self->pends, sizeof(Pend));
    vec_init(&self->new_pending, sizeof(uint32_t));
    vec_init(&self->resolved, sizeof(Resolution));
    vec_init(&self->history, sizeof(HistoryEntry));
    vec_init(&self->changed, sizeof(uint32_t));
    vec_init(&self->undo, sizeof(UndoEntry));
    self->chain_open = 0;
    self->prepared = 0;
    if (idmap_init(&self->xfer_index, &self->xfers.data, sizeof(Xfer)) < 0 ||
        idmap_init(&self->pend_index, &self->pends.data, sizeof(Pend)) < 0)
        return -1;
    return 0;
}

static void TransferBatch_dealloc(TransferBatch *self)
{
    TransferBatch_release(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int batch_ready(TransferBatch *self)
{
    if (self->table == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "TransferBatch used before __init__");
        return -1;
    }
    return 0;
}

/* prepare(transfers): read the batch's events, every one before any is applied, so that bad
 * input raises here and changes nothing. */
static PyObject *TransferBatch_prepare(TransferBatch *self, PyObject *sequence)
{
    if (batch_ready(self) < 0)
        return NULL;
    if (self->prepared) {
        PyErr_SetString(PyExc_RuntimeError, "a TransferBatch takes one list of events");
        return NULL;
    }
    Py_ssize_t count;
    Xfer *events = xfers_from_py(sequence, &count);
    if (events == NULL)
        return NULL;
    vec_free(&self->events);
    self->events.data = (char *)events;
    self->events.count = self->events.capacity = (size_t)count;
    self->prepared = 1;
    Py_RETURN_NONE;
}

static int compare_u128(const void *a, const void *b)
{
    u128 x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    return (x > y) - (x < y);
}

/* The ids the batch's events may find stored: their own and the pending ids they name, each
 * once, non-zero, sorted, as 16 big-endian bytes each (what the store looks up). */
static PyObject *TransferBatch_referenced_keys(TransferBatch *self, PyObject *unused)
{
    size_t n = self->events.count;
    u128 *ids = malloc((2 * n + 1) * sizeof(u128));
    if (ids == NULL)
        return PyErr_NoMemory();
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const Xfer *e = &VEC_AT(&self->events, Xfer, i);
        if (e->id != 0)
            ids[count++] = e->id;
        if (e->pending_id != 0)
            ids[count++] = e->pending_id;
    }
    qsort(ids, count, sizeof(u128), compare_u128);
    size_t unique = 0;
    for (size_t i = 0; i < count; i++)
        if (unique == 0 || ids[i] != ids[unique - 1])
            ids[unique++] = ids[i];
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(unique * 16));
    if (out != NULL)
        for (size_t i = 0; i < unique; i++)
            u128_store_be((unsigned char *)PyBytes_AS_STRING(out) + 16 * i, ids[i]);
    free(ids);
    return out;
}

/* add_records(records): stored transfers the batch may meet, as journal records. */
static PyObject *TransferBatch_add_records(TransferBatch *self, PyObject *arg)
{
    if (batch_ready(self) < 0)
        return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    int failed = view.len % TRANSFER_RECORD_BYTES != 0;
    if (failed)
        PyErr_SetString(PyExc_ValueError, "transfer records are 129 bytes each");
    for (Py_ssize_t offset = 0; !failed && offset < view.len; offset += TRANSFER_RECORD_BYTES) {
        Xfer x;
        if (transfer_from_record((const unsigned char *)view.buf + offset, &x) < 0) {
            PyErr_SetString(PyExc_ValueError, "not a transfer record");
            failed = 1;
        } else {
            failed = xfer_add(self, &x, 0) < 0;
        }
    }
    PyBuffer_Release(&view);
    if (failed)
        return NULL;
    Py_RETURN_NONE;
}

/* add_transfers(transfers): stored transfers the batch may meet, as Transfer tuples. */
static PyObject *TransferBatch_add_transfers(TransferBatch *self, PyObject *sequence)
{
    if (batch_ready(self) < 0)
        return NULL;
    Py_ssize_t count;
    Xfer *stored = xfers_from_py(sequence, &count);
    if (stored == NULL)
        return NULL;
    int failed = 0;
    for (Py_ssize_t i = 0; i < count && !failed; i++)
        failed = xfer_add(self, &stored[i], 0) < 0;
    free(stored);
    if (failed)
        return NULL;
    Py_RETURN_NONE;
}

/* add_pending_states({id: (status code, expires_at)}): the pending states of stored transfers. */
static PyObject *TransferBatch_add_pending_states(TransferBatch *self, PyObject *states)
{
    if (batch_ready(self) < 0)
        return NULL;
    if (!PyDict_Check(states)) {
        PyErr_SetString(PyExc_TypeError, "pending states must be a dict");
        return NULL;
    }
    Py_ssize_t cursor = 0;
    PyObject *key, *value;
    while (PyDict_Next(states, &cursor, &key, &value)) {
        u128 id;
        int status;
        long long expires_at;
        if (u128_from_py(key, U128_MAX, &id, "pending id") < 0 ||
            !PyArg_ParseTuple(value, "iL:pending state", &status, &expires_at))
            return NULL;
        if (status < STATUS_PENDING || status > STATUS_EXPIRED) {
            PyErr_Format(PyExc_ValueError, "unknown pending status code %d", status);
            return NULL;
        }
        if (pend_add(self, id, (uint8_t)status, expires_at, 0) < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

/* Append `id` to `out` unless it is 0, in the table, or already in `seen`. */
static int note_missing(TransferBatch *self, u128 id, IdMap *seen, Vec *out)
{
    if (id == 0 || idmap_get(&self->table->index, id) != IDMAP_EMPTY ||
        idmap_get(seen, id) != IDMAP_EMPTY)
        return 0;
    u128 *slot = vec_push(out);
    if (slot == NULL)
        return -1;
    *slot = id;
    return idmap_put(seen, id, (uint32_t)(out->count - 1));
}

/* missing_accounts(due) -> ids of accounts the batch needs that the table lacks: those its
 * events name, those of the stored pending transfers its events resolve, those of `due`. */
static PyObject *TransferBatch_missing_accounts(TransferBatch *self, PyObject *sequence)
{
    if (batch_ready(self) < 0)
        return NULL;
    Py_ssize_t due_count;
    Xfer *due = xfers_from_py(sequence, &due_count);
    if (due == NULL)
        return NULL;
    Vec missing;
    IdMap seen;
    vec_init(&missing, sizeof(u128));
    PyObject *out = NULL;
    if (idmap_init(&seen, &missing.data, sizeof(u128)) < 0)
        goto done;
    for (size_t i = 0; i < self->events.count; i++) {
        const Xfer *e = &VEC_AT(&self->events, Xfer, i);
        const Xfer *p = e->pending_id ? xfer_find(self, e->pending_id) : NULL;
        if (note_missing(self, e->debit_account_id, &seen, &missing) < 0 ||
            note_missing(self, e->credit_account_id, &seen, &missing) < 0 ||
            (p != NULL && (note_missing(self, p->debit_account_id, &seen, &missing) < 0 ||
                           note_missing(self, p->credit_account_id, &seen, &missing) < 0)))
            goto done;
    }
    for (Py_ssize_t i = 0; i < due_count; i++)
        if (note_missing(self, due[i].debit_account_id, &seen, &missing) < 0 ||
            note_missing(self, due[i].credit_account_id, &seen, &missing) < 0)
            goto done;
    out = PyList_New((Py_ssize_t)missing.count);
    for (size_t i = 0; out != NULL && i < missing.count; i++) {
        PyObject *id = u128_to_py(VEC_AT(&missing, u128, i));
        if (id == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, (Py_ssize_t)i, id);
    }
done:
    idmap_free(&seen);
    vec_free(&missing);
    free(due);
    return out;
}

/* The pending ids the batch's events name, each once (whose pending states the store loads). */
static PyObject *TransferBatch_pending_ids(TransferBatch *self, PyObject *unused)
{
    PyObject *ids = PySet_New(NULL);
    for (size_t i = 0; ids != NULL && i < self->events.count; i++) {
        u128 pending_id = VEC_AT(&self->events, Xfer, i).pending_id;
        if (pending_id == 0)
            continue;
        PyObject *id = u128_to_py(pending_id);
        if (id == NULL || PySet_Add(ids, id) < 0)
            Py_CLEAR(ids);
        Py_XDECREF(id);
    }
    return ids;
}

/* create(first_timestamp) -> results: validate and apply the prepared events; event i gets
 * timestamp first_timestamp + i. */
static PyObject *TransferBatch_create(TransferBatch *self, PyObject *arg)
{
    long long first_timestamp = PyLong_AsLongLong(arg);
    if (first_timestamp == -1 && PyErr_Occurred())
        return NULL;
    if (batch_ready(self) < 0)
        return NULL;
    if (self->prepared != 1) {
        PyErr_SetString(PyExc_RuntimeError, self->prepared ? "a batch is created once"
                                                           : "create() before prepare()");
        return NULL;
    }
    self->prepared = 2; /* created: its events are applied, whatever follows */
    const Xfer *events = (const Xfer *)self->events.data;
    Py_ssize_t count = (Py_ssize_t)self->events.count;
    if (count > 0 && first_timestamp > INT64_MAX - count) {
        PyErr_SetString(PyExc_ValueError, "timestamps past 2**63 - 1");
        return NULL;
    }
    Result *results = malloc((size_t)(count ? count : 1) * sizeof(Result));
    if (results == NULL)
        return PyErr_NoMemory();
    int linked = 0;
    for (Py_ssize_t i = 0; i < count && !linked; i++)
        linked = events[i].flags & TRANSFER_LINKED;
    int failed = 0;
    if (linked) {
        failed = run_chains(self, events, count, first_timestamp, results) < 0;
    } else {
        /* No chain: no undo to keep and no chain bookkeeping (a batch's hottest loop). */
        for (Py_ssize_t i = 0; i < count && !failed; i++)
            failed = apply_one(self, &events[i], first_timestamp + i, &results[i]) < 0;
    }
    PyObject *out = failed ? NULL : PyList_New(count);
    if (out != NULL)
        for (Py_ssize_t i = 0; i < count; i++) {
            PyObject *text = result_strings[results[i]];
            Py_INCREF(text);
            PyList_SET_ITEM(out, i, text);
        }
    free(results);
    return out;
}

/* expire(due, first_timestamp) -> [(pending id, timestamp)]: release pending transfers whose
 * timeout has passed (each is in `referenced`, with its accounts in the table). */
static PyObject *TransferBatch_expire(TransferBatch *self, PyObject *args)
{
    PyObject *sequence;
    long long first_timestamp;
    if (!PyArg_ParseTuple(args, "OL:expire", &sequence, &first_timestamp) || batch_ready(self) < 0)
        return NULL;
    Py_ssize_t count;
    Xfer *due = xfers_from_py(sequence, &count);
    if (due == NULL)
        return NULL;
    PyObject *expired = PyList_New(0);
    for (Py_ssize_t i = 0; i < count && expired != NULL; i++) {
        const Xfer *p = &due[i];
        int64_t timestamp = first_timestamp + i;
        AccountEntry *debit = account_find(self, p->debit_account_id);
        AccountEntry *credit = account_find(self, p->credit_account_id);
        Pend *state = pend_find(self, p->id);
        const char *broken = NULL;
        if (debit == NULL || credit == NULL)
            broken = "the accounts of an expiring transfer are loaded";
        else if (state == NULL || state->status != STATUS_PENDING)
            broken = "expiring a resolved transfer";
        else if (debit->balances[DEBITS_PENDING] < p->amount ||
                 credit->balances[CREDITS_PENDING] < p->amount)
            broken = "expiring more than is pending";
        if (broken != NULL) {
            PyErr_SetString(InvariantError, broken);
            Py_CLEAR(expired);
            break;
        }
        u128 new_debit[4], new_credit[4];
        memcpy(new_debit, debit->balances, sizeof new_debit);
        memcpy(new_credit, credit->balances, sizeof new_credit);
        new_debit[DEBITS_PENDING] -= p->amount;
        new_credit[CREDITS_PENDING] -= p->amount;
        PyObject *id = u128_to_py(p->id);
        PyObject *entry = id == NULL ? NULL : Py_BuildValue("(OL)", id, (long long)timestamp);
        Py_XDECREF(id);
        if (entry == NULL || balances_set(self, debit, new_debit, timestamp, 0) < 0 ||
            balances_set(self, credit, new_credit, timestamp, 0) < 0 ||
            pend_set(self, state, STATUS_EXPIRED) < 0 ||
            resolve(self, p->id, STATUS_EXPIRED, timestamp) < 0 ||
            PyList_Append(expired, entry) < 0) {
            Py_XDECREF(entry);
            Py_CLEAR(expired);
            break;
        }
        Py_DECREF(entry);
    }
    free(due);
    return expired;
}

/* The journal records of the new transfers, in order (record.h). */
static PyObject *TransferBatch_records(TransferBatch *self, PyObject *unused)
{
    size_t n = self->created.count;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(n * TRANSFER_RECORD_BYTES));
    if (out == NULL)
        return NULL;
    unsigned char *p = (unsigned char *)PyBytes_AS_STRING(out);
    for (size_t i = 0; i < n; i++)
        transfer_record(p + i * TRANSFER_RECORD_BYTES,
                        &VEC_AT(&self->xfers, Xfer, VEC_AT(&self->created, uint32_t, i)));
    return out;
}

/* The new balances of every account the batch changed, as a balance log row. */
static PyObject *TransferBatch_balance_log_row(TransferBatch *self, PyObject *unused)
{
    if (batch_ready(self) < 0)
        return NULL;
    size_t n = self->changed.count;
    unsigned char *row = malloc(n * LOG_ENTRY_BYTES_MAX + 1);
    if (row == NULL)
        return PyErr_NoMemory();
    unsigned char *p = row;
    for (size_t i = 0; i < n; i++) {
        const AccountEntry *a = account_at(self->table, VEC_AT(&self->changed, uint32_t, i));
        p = log_entry_put(p, a->id, a->balances);
    }
    PyObject *out = PyBytes_FromStringAndSize((const char *)row, p - row);
    free(row);
    return out;
}

/* A list of `count` items, the i-th built by `item(self, i)`. */
static PyObject *batch_list(TransferBatch *self, size_t count,
                            PyObject *(*item)(TransferBatch *, size_t))
{
    PyObject *out = PyList_New((Py_ssize_t)count);
    for (size_t i = 0; out != NULL && i < count; i++) {
        PyObject *entry = item(self, i);
        if (entry == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, (Py_ssize_t)i, entry);
    }
    return out;
}

/* (id, expires_at) of the i-th pending transfer created. */
static PyObject *new_pending_item(TransferBatch *self, size_t i)
{
    const Pend *p = &VEC_AT(&self->pends, Pend, VEC_AT(&self->new_pending, uint32_t, i));
    return Py_BuildValue("(NL)", u128_to_py(p->id), (long long)p->expires_at);
}

/* (pending id, status code, timestamp) of the i-th resolution. */
static PyObject *resolved_item(TransferBatch *self, size_t i)
{
    const Resolution *r = &VEC_AT(&self->resolved, Resolution, i);
    return Py_BuildValue("(NiL)", u128_to_py(r->id), (int)r->status, (long long)r->timestamp);
}

/* (account id, timestamp, balances) of the i-th history entry. */
static PyObject *history_item(TransferBatch *self, size_t i)
{
    const HistoryEntry *h = &VEC_AT(&self->history, HistoryEntry, i);
    return Py_BuildValue("(NLN)", u128_to_py(h->account_id), (long long)h->timestamp,
                         balances_tuple(h->balances));
}

static PyObject *TransferBatch_new_pending(TransferBatch *self, PyObject *unused)
{
    return batch_list(self, self->new_pending.count, new_pending_item);
}

static PyObject *TransferBatch_resolved(TransferBatch *self, PyObject *unused)
{
    return batch_list(self, self->resolved.count, resolved_item);
}

static PyObject *TransferBatch_history(TransferBatch *self, PyObject *unused)
{
    return batch_list(self, self->history.count, history_item);
}

static PyObject *TransferBatch_get_transfer_count(TransferBatch *self, void *closure)
{
    return PyLong_FromSize_t(self->created.count);
}

static PyObject *TransferBatch_get_changed_count(TransferBatch *self, void *closure)
{
    return PyLong_FromSize_t(self->changed.count);
}

static PyGetSetDef TransferBatch_getset[] = {
    {"transfer_count", (getter)TransferBatch_get_transfer_count, NULL,
     "How many transfers the batch created.", NULL},
    {"changed_count", (getter)TransferBatch_get_changed_count, NULL,
     "How many accounts' balances the batch changed.", NULL},
    {NULL},
};

static PyMethodDef TransferBatch_methods[] = {
    {"prepare", (PyCFunction)TransferBatch_prepare, METH_O,
     "prepare(transfers): read the batch's events (bad input raises, nothing is applied)."},
    {"referenced_keys", (PyCFunction)TransferBatch_referenced_keys, METH_NOARGS,
     "Sorted 16-byte keys of the ids and pending ids the events name."},
    {"add_records", (PyCFunction)TransferBatch_add_records, METH_O,
     "add_records(records): stored transfers the batch may meet, as journal records."},
    {"add_transfers", (PyCFunction)TransferBatch_add_transfers, METH_O,
     "add_transfers(transfers): stored transfers the batch may meet, as Transfers."},
    {"add_pending_states", (PyCFunction)TransferBatch_add_pending_states, METH_O,
     "add_pending_states({id: (status code, expires_at)})."},
    {"missing_accounts", (PyCFunction)TransferBatch_missing_accounts, METH_O,
     "missing_accounts(due) -> ids of needed accounts the table lacks."},
    {"pending_ids", (PyCFunction)TransferBatch_pending_ids, METH_NOARGS,
     "The set of pending ids the events name."},
    {"create", (PyCFunction)TransferBatch_create, METH_O,
     "create(first_timestamp) -> one result per prepared event, in order."},
    {"expire", (PyCFunction)TransferBatch_expire, METH_VARARGS,
     "expire(due, first_timestamp) -> [(pending id, timestamp)]."},
    {"records", (PyCFunction)TransferBatch_records, METH_NOARGS,
     "The journal records of the new transfers (129 bytes each), in order."},
    {"balance_log_row", (PyCFunction)TransferBatch_balance_log_row, METH_NOARGS,
     "The changed accounts' new balances as a balance log row."},
    {"new_pending", (PyCFunction)TransferBatch_new_pending, METH_NOARGS,
     "[(id, expires_at)] of the pending transfers created."},
    {"resolved", (PyCFunction)TransferBatch_resolved, METH_NOARGS,
     "[(pending id, status code, timestamp)] of the pending transfers resolved."},
    {"history", (PyCFunction)TransferBatch_history, METH_NOARGS,
     "[(account id, timestamp, balances)] for accounts flagged `history`."},
    {NULL},
};

static PyTypeObject TransferBatchType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "digisom.ledger._engine.TransferBatch",
    .tp_doc = "One batch of transfers validated and applied against an AccountTable.",
    .tp_basicsize = sizeof(TransferBatch),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)TransferBatch_init,
    .tp_dealloc = (destructor)TransferBatch_dealloc,
    .tp_methods = TransferBatch_methods,
    .tp_getset = TransferBatch_getset,
};

#endif
