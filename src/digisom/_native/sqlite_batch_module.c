/* digisom.storage._sqlite_batch: SQL functions that write a ledger batch's rows inside SQLite.
 *
 * Python's sqlite3 module binds and steps an INSERT once per row, holding the GIL, and building
 * each row's Python values costs as much again: 22-27 ms for a batch's 8,190 transfers. These
 * functions take the batch as one blob (the journal's own records, or balance log entries) and
 * write its rows with one prepared statement, on the caller's connection and in its
 * transaction: `SELECT digisom_insert_transfers(?)`. Python's sqlite3 releases the GIL while
 * SQLite runs them.
 *
 * They reach every connection through `sqlite3_auto_extension`, called when this module is
 * imported: the module links the system's libsqlite3, which is the library Python's sqlite3
 * module loads, so both share one registry. SqliteLedgerStore checks at open that the
 * functions are there (`digisom_batch_abi()`), and refuses to start otherwise.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <sqlite3.h>

#include "index_entries.h"
#include "record.h"

#define BATCH_ABI 3 /* bumped whenever a function's arguments or the rows it writes change */
#define BALANCE_ENTRY_BYTES 80

static const char INSERT_TRANSFER_SQL[] =
    "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, pending_id, "
    "user_data_128, user_data_64, user_data_32, timeout, ledger, code, flags, timestamp) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

static const char NEXT_TRANSFER_ID_SQL[] =
    "SELECT id FROM transfers WHERE id >= ?1 ORDER BY id LIMIT 1";

static const char SELECT_TRANSFER_SQL[] =
    "SELECT id, debit_account_id, credit_account_id, amount, pending_id, user_data_128, "
    "user_data_64, user_data_32, timeout, ledger, code, flags, timestamp "
    "FROM transfers WHERE id = ?1";

static const char TAIL_SQL[] =
    "SELECT debit_account_id, credit_account_id, timestamp FROM transfers "
    "WHERE timestamp > ?1 AND timestamp <= ?2 ORDER BY timestamp";

static const char UPDATE_BALANCE_SQL[] =
    "UPDATE balances SET debits_pending = ?2, debits_posted = ?3, credits_pending = ?4, "
    "credits_posted = ?5 WHERE id = ?1";

/* Fail the calling statement with the connection's own error (or `message`). */
static void fail(sqlite3_context *context, sqlite3 *db, int code, const char *message)
{
    sqlite3_result_error(context, message ? message : sqlite3_errmsg(db), -1);
    sqlite3_result_error_code(context, code);
}

/* digisom_insert_transfers(records) -> rows: one `transfers` row per 129-byte journal record
 * (digisom.ledger.journal.encode_transfer's layout). */
static void insert_transfers(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(context);
    const unsigned char *records = sqlite3_value_blob(argv[0]);
    int size = sqlite3_value_bytes(argv[0]);
    if (size % TRANSFER_RECORD_BYTES != 0) {
        fail(context, db, SQLITE_MISUSE, "transfer records are 129 bytes each");
        return;
    }
    sqlite3_stmt *insert;
    int rc = sqlite3_prepare_v2(db, INSERT_TRANSFER_SQL, -1, &insert, NULL);
    if (rc != SQLITE_OK) {
        fail(context, db, rc, NULL);
        return;
    }
    int count = size / TRANSFER_RECORD_BYTES;
    for (int i = 0; i < count; i++) {
        const unsigned char *r = records + (size_t)i * TRANSFER_RECORD_BYTES;
        if (r[0] != RECORD_KIND_TRANSFER) {
            sqlite3_finalize(insert);
            fail(context, db, SQLITE_MISUSE, "not a transfer record");
            return;
        }
        for (int column = 0; column < 6; column++) /* id .. user_data_128 */
            sqlite3_bind_blob(insert, column + 1, r + 1 + 16 * column, 16, SQLITE_STATIC);
        sqlite3_bind_blob(insert, 7, r + 97, 8, SQLITE_STATIC); /* user_data_64 */
        sqlite3_bind_int64(insert, 8, u32_load_be(r + 105));    /* user_data_32 */
        sqlite3_bind_int64(insert, 9, u32_load_be(r + 109));    /* timeout */
        sqlite3_bind_int64(insert, 10, u32_load_be(r + 113));   /* ledger */
        sqlite3_bind_int(insert, 11, u16_load_be(r + 117));     /* code */
        sqlite3_bind_int(insert, 12, u16_load_be(r + 119));     /* flags */
        sqlite3_bind_int64(insert, 13, (sqlite3_int64)u64_load_be(r + 121));
        rc = sqlite3_step(insert);
        if (rc != SQLITE_DONE) {
            rc = sqlite3_reset(insert);
            fail(context, db, rc, NULL);
            sqlite3_finalize(insert);
            return;
        }
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_result_int(context, count);
}

static inline const unsigned char *blob(sqlite3_stmt *row, int column)
{
    return (const unsigned char *)sqlite3_column_blob(row, column);
}

/* A `transfers` row (SELECT_TRANSFER_SQL's columns) as a journal record; -1 if malformed. */
static int record_from_row(sqlite3_stmt *row, unsigned char *out)
{
    for (int column = 0; column < 7; column++) {
        int width = column < 6 ? 16 : 8;
        if (sqlite3_column_type(row, column) != SQLITE_BLOB ||
            sqlite3_column_bytes(row, column) != width)
            return -1;
    }
    Xfer x;
    memset(&x, 0, sizeof x);
    x.id = u128_load_be(blob(row, 0));
    x.debit_account_id = u128_load_be(blob(row, 1));
    x.credit_account_id = u128_load_be(blob(row, 2));
    x.amount = u128_load_be(blob(row, 3));
    x.pending_id = u128_load_be(blob(row, 4));
    x.user_data_128 = u128_load_be(blob(row, 5));
    x.user_data_64 = u64_load_be(blob(row, 6));
    x.user_data_32 = (uint32_t)sqlite3_column_int64(row, 7);
    x.timeout = (uint32_t)sqlite3_column_int64(row, 8);
    x.ledger = (uint32_t)sqlite3_column_int64(row, 9);
    x.code = (uint16_t)sqlite3_column_int(row, 10);
    x.flags = (uint16_t)sqlite3_column_int(row, 11);
    x.timestamp = sqlite3_column_int64(row, 12);
    transfer_record(out, &x);
    return 0;
}

/* digisom_find_transfers(keys) -> records: the stored transfers whose ids are among `keys`
 * (distinct ids, sorted, 16 big-endian bytes each), as journal records, in id order.
 *
 * This is a batch's idempotency check. Each step seeks the smallest stored id at or after the
 * next key and skips every key below it, so a batch of new ids above every stored one (ids
 * that grow, as most clients make them) costs one seek, not one per key; random ids cost one
 * seek per key, as an IN list would. */
static void find_transfers(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(context);
    const unsigned char *keys = sqlite3_value_blob(argv[0]);
    int size = sqlite3_value_bytes(argv[0]);
    if (size % 16 != 0) {
        fail(context, db, SQLITE_MISUSE, "transfer keys are 16 bytes each");
        return;
    }
    int count = size / 16;
    sqlite3_stmt *next = NULL, *select = NULL;
    unsigned char *found = NULL;
    int found_count = 0, capacity = 0;
    int rc = sqlite3_prepare_v2(db, NEXT_TRANSFER_ID_SQL, -1, &next, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, SELECT_TRANSFER_SQL, -1, &select, NULL);
    int i = 0;
    while (rc == SQLITE_OK && i < count) {
        sqlite3_bind_blob(next, 1, keys + 16 * i, 16, SQLITE_STATIC);
        rc = sqlite3_step(next);
        if (rc == SQLITE_DONE) { /* no stored id at or after this key */
            rc = SQLITE_OK;
            break;
        }
        if (rc != SQLITE_ROW)
            break;
        rc = SQLITE_OK;
        unsigned char stored[16];
        if (sqlite3_column_bytes(next, 0) != 16) {
            rc = SQLITE_CORRUPT;
            break;
        }
        memcpy(stored, sqlite3_column_blob(next, 0), 16);
        sqlite3_reset(next);
        while (i < count && memcmp(keys + 16 * i, stored, 16) < 0)
            i++;
        if (i == count || memcmp(keys + 16 * i, stored, 16) != 0)
            continue;
        i++;
        if (found_count == capacity) {
            capacity = capacity ? 2 * capacity : 64;
            unsigned char *grown =
                sqlite3_realloc64(found, (sqlite3_uint64)capacity * TRANSFER_RECORD_BYTES);
            if (grown == NULL) {
                rc = SQLITE_NOMEM;
                break;
            }
            found = grown;
        }
        sqlite3_bind_blob(select, 1, stored, 16, SQLITE_STATIC);
        rc = sqlite3_step(select);
        if (rc != SQLITE_ROW)
            break;
        rc = record_from_row(select, found + (size_t)found_count * TRANSFER_RECORD_BYTES) < 0
                 ? SQLITE_CORRUPT
                 : SQLITE_OK;
        found_count++;
        sqlite3_reset(select);
    }
    if (rc != SQLITE_OK) {
        int code = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_CORRUPT : rc;
        fail(context, db, code, code == SQLITE_CORRUPT ? "a malformed transfers row" : NULL);
        sqlite3_free(found);
    } else {
        sqlite3_result_blob64(context, found ? (void *)found : (void *)"",
                              (sqlite3_uint64)found_count * TRANSFER_RECORD_BYTES,
                              found ? sqlite3_free : SQLITE_TRANSIENT);
    }
    sqlite3_finalize(next);
    sqlite3_finalize(select);
}

/* digisom_update_balances(entries) -> rows changed: each 80-byte balance log entry (id and four
 * balances, 16 big-endian bytes each) written over its `balances` row. */
static void update_balances(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(context);
    const unsigned char *entries = sqlite3_value_blob(argv[0]);
    int size = sqlite3_value_bytes(argv[0]);
    if (size % BALANCE_ENTRY_BYTES != 0) {
        fail(context, db, SQLITE_MISUSE, "balance entries are 80 bytes each");
        return;
    }
    sqlite3_stmt *update;
    int rc = sqlite3_prepare_v2(db, UPDATE_BALANCE_SQL, -1, &update, NULL);
    if (rc != SQLITE_OK) {
        fail(context, db, rc, NULL);
        return;
    }
    sqlite3_int64 changed = 0;
    for (int offset = 0; offset < size; offset += BALANCE_ENTRY_BYTES) {
        for (int column = 0; column < 5; column++)
            sqlite3_bind_blob(update, column + 1, entries + offset + 16 * column, 16,
                              SQLITE_STATIC);
        rc = sqlite3_step(update);
        if (rc != SQLITE_DONE) {
            rc = sqlite3_reset(update);
            fail(context, db, rc, NULL);
            sqlite3_finalize(update);
            return;
        }
        changed += sqlite3_changes(db);
        sqlite3_reset(update);
    }
    sqlite3_finalize(update);
    sqlite3_result_int64(context, changed);
}

/* digisom_index_entries(after, through) -> entries: the per-account index entries of the
 * transfers with timestamps in (after, through], two each (debit and credit account), sorted
 * by (account, timestamp): what a fold writes as a run (digisom.storage.account_index). */
static void index_entries(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    sqlite3 *db = sqlite3_context_db_handle(context);
    sqlite3_stmt *tail;
    int rc = sqlite3_prepare_v2(db, TAIL_SQL, -1, &tail, NULL);
    if (rc != SQLITE_OK) {
        fail(context, db, rc, NULL);
        return;
    }
    sqlite3_bind_int64(tail, 1, sqlite3_value_int64(argv[0]));
    sqlite3_bind_int64(tail, 2, sqlite3_value_int64(argv[1]));
    unsigned char *entries = NULL;
    size_t count = 0, capacity = 0;
    while ((rc = sqlite3_step(tail)) == SQLITE_ROW) {
        if (sqlite3_column_bytes(tail, 0) != 16 || sqlite3_column_bytes(tail, 1) != 16) {
            rc = SQLITE_CORRUPT;
            break;
        }
        if (count + 2 > capacity) {
            capacity = capacity ? 2 * capacity : 8192;
            unsigned char *grown = sqlite3_realloc64(entries, capacity * INDEX_ENTRY_BYTES);
            if (grown == NULL) {
                rc = SQLITE_NOMEM;
                break;
            }
            entries = grown;
        }
        int64_t timestamp = sqlite3_column_int64(tail, 2);
        for (int side = 0; side < 2; side++) {
            unsigned char *e = entries + count++ * INDEX_ENTRY_BYTES;
            memcpy(e, sqlite3_column_blob(tail, side), 16);
            u64_store_be(e + 16, (uint64_t)timestamp);
        }
    }
    sqlite3_finalize(tail);
    if (rc == SQLITE_DONE && sort_entries_by_account(entries, count) < 0)
        rc = SQLITE_NOMEM;
    if (rc != SQLITE_DONE) {
        sqlite3_free(entries);
        fail(context, db, rc, rc == SQLITE_CORRUPT ? "a malformed transfers row" : NULL);
        return;
    }
    sqlite3_result_blob64(context, entries ? (void *)entries : (void *)"",
                          count * INDEX_ENTRY_BYTES, entries ? sqlite3_free : SQLITE_TRANSIENT);
}

static void batch_abi(sqlite3_context *context, int argc, sqlite3_value **argv)
{
    sqlite3_result_int(context, BATCH_ABI);
}

/* Run by SQLite for every connection opened after this module is imported. */
static int register_functions(sqlite3 *db, char **error, const void *api)
{
    const int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
    int rc = sqlite3_create_function_v2(db, "digisom_insert_transfers", 1, flags, NULL,
                                        insert_transfers, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "digisom_update_balances", 1, flags, NULL,
                                        update_balances, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "digisom_find_transfers", 1, flags, NULL,
                                        find_transfers, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "digisom_index_entries", 2, flags, NULL,
                                        index_entries, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function_v2(db, "digisom_batch_abi", 0, flags, NULL, batch_abi,
                                        NULL, NULL, NULL);
    return rc;
}

static PyModuleDef sqlite_batch_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "digisom.storage._sqlite_batch",
    .m_doc = "SQL functions that write a ledger batch's rows inside SQLite (see the source).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__sqlite_batch(void)
{
    int rc = sqlite3_auto_extension((void (*)(void))register_functions);
    if (rc != SQLITE_OK) {
        PyErr_Format(PyExc_ImportError, "sqlite3_auto_extension failed: %s",
                     sqlite3_errstr(rc));
        return NULL;
    }
    PyObject *module = PyModule_Create(&sqlite_batch_module);
    if (module == NULL)
        return NULL;
    if (PyModule_AddIntConstant(module, "BATCH_ABI", BATCH_ABI) < 0 ||
        PyModule_AddStringConstant(module, "SQLITE_VERSION", sqlite3_libversion()) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
