/* AccountTable: the committed accounts a process has seen, with their balances, in native form.
 *
 * It is the storage of the ledger's account cache (digisom.ledger.cache): the engine validates
 * and applies a batch against it without creating a Python object per account. Python sees an
 * account as a plain tuple (see `account_tuple`); the cache builds the record types from it.
 */
#ifndef DIGISOM_ACCOUNTS_H
#define DIGISOM_ACCOUNTS_H

#include "idmap.h"

enum { DEBITS_PENDING, DEBITS_POSTED, CREDITS_PENDING, CREDITS_POSTED };

typedef struct {
    u128 id; /* first: the hash index reads keys here */
    u128 user_data_128;
    u128 balances[4]; /* indexed by DEBITS_PENDING .. CREDITS_POSTED */
    uint64_t user_data_64;
    int64_t timestamp;
    uint32_t ledger;
    uint32_t user_data_32;
    uint32_t changed_in; /* the batch that last listed it as changed */
    uint16_t code;
    uint16_t flags;
    uint8_t frozen;
} AccountEntry;

typedef struct {
    PyObject_HEAD
    IdMap index;
    Vec entries; /* AccountEntry */
    uint32_t batches; /* batches begun on the table: each one's number tags what it changed */
} AccountTable;

static inline AccountEntry *account_at(AccountTable *table, uint32_t position)
{
    return &VEC_AT(&table->entries, AccountEntry, position);
}

static PyObject *balances_tuple(const u128 balances[4])
{
    PyObject *tuple = PyTuple_New(4);
    if (tuple == NULL)
        return NULL;
    for (int i = 0; i < 4; i++) {
        PyObject *value = u128_to_py(balances[i]);
        if (value == NULL) {
            Py_DECREF(tuple);
            return NULL;
        }
        PyTuple_SET_ITEM(tuple, i, value);
    }
    return tuple;
}

/* (id, ledger, code, flags, user_data_128, user_data_64, user_data_32, timestamp, frozen,
 *  (debits_pending, debits_posted, credits_pending, credits_posted)) */
static PyObject *account_tuple(const AccountEntry *a)
{
    PyObject *balances = balances_tuple(a->balances);
    if (balances == NULL)
        return NULL;
    PyObject *id = u128_to_py(a->id);
    PyObject *user_data_128 = u128_to_py(a->user_data_128);
    PyObject *result = NULL;
    if (id != NULL && user_data_128 != NULL)
        result = Py_BuildValue("(OIHHOKILOO)", id, (unsigned int)a->ledger, a->code, a->flags,
                               user_data_128, (unsigned long long)a->user_data_64,
                               (unsigned int)a->user_data_32, (long long)a->timestamp,
                               a->frozen ? Py_True : Py_False, balances);
    Py_XDECREF(id);
    Py_XDECREF(user_data_128);
    Py_DECREF(balances);
    return result;
}

static int read_balances(PyObject *tuple, u128 out[4])
{
    static const char *names[4] = {"debits_pending", "debits_posted", "credits_pending",
                                   "credits_posted"};
    if (!PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != 4) {
        PyErr_SetString(PyExc_TypeError, "balances must be a tuple of four ints");
        return -1;
    }
    for (int i = 0; i < 4; i++)
        if (u128_from_py(PyTuple_GET_ITEM(tuple, i), U128_MAX, &out[i], names[i]) < 0)
            return -1;
    return 0;
}

static int AccountTable_init(AccountTable *self, PyObject *args, PyObject *kwargs)
{
    if (!PyArg_ParseTuple(args, ":AccountTable"))
        return -1;
    idmap_free(&self->index); /* in case __init__ is called again */
    vec_free(&self->entries);
    vec_init(&self->entries, sizeof(AccountEntry));
    self->batches = 0;
    return idmap_init(&self->index, &self->entries.data, sizeof(AccountEntry));
}

static void AccountTable_dealloc(AccountTable *self)
{
    idmap_free(&self->index);
    vec_free(&self->entries);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t AccountTable_len(AccountTable *self)
{
    return (Py_ssize_t)self->entries.count;
}

static int AccountTable_contains(AccountTable *self, PyObject *key)
{
    return idmap_contains_py(&self->index, key);
}

static PyObject *AccountTable_get(AccountTable *self, PyObject *key)
{
    int64_t position = idmap_get_py(&self->index, key);
    if (position < 0)
        return NULL;
    if (position == IDMAP_EMPTY)
        Py_RETURN_NONE;
    return account_tuple(account_at(self, (uint32_t)position));
}

/* put(account, timestamp, frozen, balances): account is (id, ledger, code, flags,
 * user_data_128, user_data_64, user_data_32), as `digisom.ledger.model.Account`. */
static PyObject *AccountTable_put(AccountTable *self, PyObject *args)
{
    PyObject *account, *balances_arg;
    long long timestamp;
    int frozen;
    if (!PyArg_ParseTuple(args, "OLpO:put", &account, &timestamp, &frozen, &balances_arg))
        return NULL;
    if (!PyTuple_Check(account) || PyTuple_GET_SIZE(account) != 7) {
        PyErr_SetString(PyExc_TypeError, "account must be a tuple of its seven fields");
        return NULL;
    }
    AccountEntry e;
    memset(&e, 0, sizeof e);
    u128 wide;
    uint64_t narrow;
    if (u128_from_py(PyTuple_GET_ITEM(account, 0), U128_MAX, &e.id, "id") < 0)
        return NULL;
    if (u64_from_py(PyTuple_GET_ITEM(account, 1), UINT32_MAX, &narrow, "ledger") < 0)
        return NULL;
    e.ledger = (uint32_t)narrow;
    if (u64_from_py(PyTuple_GET_ITEM(account, 2), UINT16_MAX, &narrow, "code") < 0)
        return NULL;
    e.code = (uint16_t)narrow;
    if (u64_from_py(PyTuple_GET_ITEM(account, 3), UINT16_MAX, &narrow, "flags") < 0)
        return NULL;
    e.flags = (uint16_t)narrow;
    if (u128_from_py(PyTuple_GET_ITEM(account, 4), U128_MAX, &wide, "user_data_128") < 0)
        return NULL;
    e.user_data_128 = wide;
    if (u64_from_py(PyTuple_GET_ITEM(account, 5), UINT64_MAX, &e.user_data_64, "user_data_64") < 0)
        return NULL;
    if (u64_from_py(PyTuple_GET_ITEM(account, 6), UINT32_MAX, &narrow, "user_data_32") < 0)
        return NULL;
    e.user_data_32 = (uint32_t)narrow;
    if (read_balances(balances_arg, e.balances) < 0)
        return NULL;
    e.timestamp = timestamp;
    e.frozen = (uint8_t)frozen;
    uint32_t position = idmap_get(&self->index, e.id);
    if (position != IDMAP_EMPTY) {
        e.changed_in = account_at(self, position)->changed_in;
        *account_at(self, position) = e;
        Py_RETURN_NONE;
    }
    AccountEntry *slot = vec_push(&self->entries);
    if (slot == NULL)
        return NULL;
    *slot = e;
    if (idmap_put(&self->index, e.id, (uint32_t)(self->entries.count - 1)) < 0) {
        self->entries.count--;
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *AccountTable_clear(AccountTable *self, PyObject *unused)
{
    idmap_clear(&self->index);
    self->entries.count = 0;
    Py_RETURN_NONE;
}

static PyMethodDef AccountTable_methods[] = {
    {"get", (PyCFunction)AccountTable_get, METH_O,
     "The account as (id, ledger, code, flags, user_data_128, user_data_64, user_data_32, "
     "timestamp, frozen, balances), or None."},
    {"put", (PyCFunction)AccountTable_put, METH_VARARGS,
     "put(account, timestamp, frozen, balances): add or replace an account."},
    {"clear", (PyCFunction)AccountTable_clear, METH_NOARGS, "Forget every account."},
    {NULL},
};

static PySequenceMethods AccountTable_sequence = {
    .sq_length = (lenfunc)AccountTable_len,
    .sq_contains = (objobjproc)AccountTable_contains,
};

static PyTypeObject AccountTableType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "digisom.ledger._engine.AccountTable",
    .tp_doc = "Accounts and their balances by id, in native form (the account cache's storage).",
    .tp_basicsize = sizeof(AccountTable),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)AccountTable_init,
    .tp_dealloc = (destructor)AccountTable_dealloc,
    .tp_methods = AccountTable_methods,
    .tp_as_sequence = &AccountTable_sequence,
};

#endif
