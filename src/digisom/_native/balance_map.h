/* BalanceMap: account id -> four u128 balances, the replayed balance log in native form.
 *
 * Balances newer than the `balances` table live in `balance_log` rows, one packed blob per batch
 * (80 bytes an account: id and four balances, 16 big-endian bytes each; see
 * digisom.storage.balance_log). A process keeps the log replayed in one of these, so that
 * applying a batch's row and writing a checkpoint take no Python object per account.
 */
#ifndef DIGISOM_BALANCE_MAP_H
#define DIGISOM_BALANCE_MAP_H

#include "accounts.h"

#define BALANCE_ENTRY_BYTES 80

typedef struct {
    u128 id; /* first: the hash index reads keys here */
    u128 balances[4];
} BalanceEntry;

typedef struct {
    PyObject_HEAD
    IdMap index;
    Vec entries; /* BalanceEntry */
} BalanceMap;

static PyTypeObject BalanceMapType;

static int balance_map_setup(BalanceMap *self)
{
    vec_init(&self->entries, sizeof(BalanceEntry));
    return idmap_init(&self->index, &self->entries.data, sizeof(BalanceEntry));
}

static int balance_map_set(BalanceMap *self, u128 id, const u128 balances[4])
{
    uint32_t position = idmap_get(&self->index, id);
    if (position != IDMAP_EMPTY) {
        memcpy(VEC_AT(&self->entries, BalanceEntry, position).balances, balances,
               4 * sizeof(u128));
        return 0;
    }
    BalanceEntry *entry = vec_push(&self->entries);
    if (entry == NULL)
        return -1;
    entry->id = id;
    memcpy(entry->balances, balances, 4 * sizeof(u128));
    if (idmap_put(&self->index, id, (uint32_t)(self->entries.count - 1)) < 0) {
        self->entries.count--;
        return -1;
    }
    return 0;
}

static void balance_entry_pack(unsigned char *out, u128 id, const u128 balances[4])
{
    u128_store_be(out, id);
    for (int i = 0; i < 4; i++)
        u128_store_be(out + 16 * (i + 1), balances[i]);
}

static int BalanceMap_init(BalanceMap *self, PyObject *args, PyObject *kwargs)
{
    if (!PyArg_ParseTuple(args, ":BalanceMap"))
        return -1;
    idmap_free(&self->index);
    vec_free(&self->entries);
    return balance_map_setup(self);
}

static void BalanceMap_dealloc(BalanceMap *self)
{
    idmap_free(&self->index);
    vec_free(&self->entries);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static Py_ssize_t BalanceMap_len(BalanceMap *self)
{
    return (Py_ssize_t)self->entries.count;
}

static int BalanceMap_contains(BalanceMap *self, PyObject *key)
{
    u128 id;
    if (u128_from_py(key, U128_MAX, &id, "account id") < 0)
        return -1;
    return idmap_get(&self->index, id) != IDMAP_EMPTY;
}

static PyObject *BalanceMap_get(BalanceMap *self, PyObject *key)
{
    u128 id;
    if (u128_from_py(key, U128_MAX, &id, "account id") < 0)
        return NULL;
    uint32_t position = idmap_get(&self->index, id);
    if (position == IDMAP_EMPTY)
        Py_RETURN_NONE;
    return balances_tuple(VEC_AT(&self->entries, BalanceEntry, position).balances);
}

static PyObject *BalanceMap_set(BalanceMap *self, PyObject *args)
{
    PyObject *key, *balances_arg;
    if (!PyArg_ParseTuple(args, "OO:set", &key, &balances_arg))
        return NULL;
    u128 id, balances[4];
    if (u128_from_py(key, U128_MAX, &id, "account id") < 0 ||
        read_balances(balances_arg, balances) < 0 || balance_map_set(self, id, balances) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *BalanceMap_update_packed(BalanceMap *self, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if (view.len % BALANCE_ENTRY_BYTES != 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "a balance log row holds whole 80-byte entries");
        return NULL;
    }
    const unsigned char *p = view.buf;
    for (Py_ssize_t offset = 0; offset < view.len; offset += BALANCE_ENTRY_BYTES) {
        u128 balances[4];
        for (int i = 0; i < 4; i++)
            balances[i] = u128_load_be(p + offset + 16 * (i + 1));
        if (balance_map_set(self, u128_load_be(p + offset), balances) < 0) {
            PyBuffer_Release(&view);
            return NULL;
        }
    }
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
}

static PyObject *BalanceMap_update(BalanceMap *self, PyObject *arg)
{
    if (!PyObject_TypeCheck(arg, &BalanceMapType)) {
        PyErr_SetString(PyExc_TypeError, "update takes a BalanceMap");
        return NULL;
    }
    BalanceMap *other = (BalanceMap *)arg;
    for (size_t i = 0; i < other->entries.count; i++) {
        BalanceEntry *e = &VEC_AT(&other->entries, BalanceEntry, i);
        if (balance_map_set(self, e->id, e->balances) < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *BalanceMap_copy(BalanceMap *self, PyObject *unused)
{
    BalanceMap *copy = (BalanceMap *)PyObject_CallNoArgs((PyObject *)&BalanceMapType);
    if (copy == NULL)
        return NULL;
    PyObject *done = BalanceMap_update(copy, (PyObject *)self);
    if (done == NULL) {
        Py_DECREF(copy);
        return NULL;
    }
    Py_DECREF(done);
    return (PyObject *)copy;
}

static int compare_entry_ids(const void *a, const void *b)
{
    u128 x = ((const BalanceEntry *)a)->id, y = ((const BalanceEntry *)b)->id;
    return (x > y) - (x < y);
}

/* Every entry packed as in a log row, in id order (a checkpoint visits each page once). */
static PyObject *BalanceMap_packed_sorted(BalanceMap *self, PyObject *unused)
{
    size_t n = self->entries.count;
    BalanceEntry *sorted = malloc((n ? n : 1) * sizeof(BalanceEntry));
    if (sorted == NULL)
        return PyErr_NoMemory();
    memcpy(sorted, self->entries.data, n * sizeof(BalanceEntry));
    qsort(sorted, n, sizeof(BalanceEntry), compare_entry_ids);
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(n * BALANCE_ENTRY_BYTES));
    if (out != NULL) {
        unsigned char *p = (unsigned char *)PyBytes_AS_STRING(out);
        for (size_t i = 0; i < n; i++)
            balance_entry_pack(p + i * BALANCE_ENTRY_BYTES, sorted[i].id, sorted[i].balances);
    }
    free(sorted);
    return out;
}

static PyObject *BalanceMap_ids(BalanceMap *self, PyObject *unused)
{
    PyObject *ids = PyList_New((Py_ssize_t)self->entries.count);
    if (ids == NULL)
        return NULL;
    for (size_t i = 0; i < self->entries.count; i++) {
        PyObject *id = u128_to_py(VEC_AT(&self->entries, BalanceEntry, i).id);
        if (id == NULL) {
            Py_DECREF(ids);
            return NULL;
        }
        PyList_SET_ITEM(ids, (Py_ssize_t)i, id);
    }
    return ids;
}

static PyObject *BalanceMap_iter(BalanceMap *self)
{
    PyObject *ids = BalanceMap_ids(self, NULL);
    if (ids == NULL)
        return NULL;
    PyObject *iterator = PyObject_GetIter(ids);
    Py_DECREF(ids);
    return iterator;
}

static PyMethodDef BalanceMap_methods[] = {
    {"get", (PyCFunction)BalanceMap_get, METH_O, "The balances of an account, or None."},
    {"set", (PyCFunction)BalanceMap_set, METH_VARARGS, "set(id, balances)."},
    {"update_packed", (PyCFunction)BalanceMap_update_packed, METH_O,
     "Apply a balance log row (80-byte entries; a later entry wins)."},
    {"update", (PyCFunction)BalanceMap_update, METH_O, "Apply another BalanceMap over this one."},
    {"copy", (PyCFunction)BalanceMap_copy, METH_NOARGS, "A private copy."},
    {"packed_sorted", (PyCFunction)BalanceMap_packed_sorted, METH_NOARGS,
     "Every entry as 80-byte log entries, in id order."},
    {NULL},
};

static PySequenceMethods BalanceMap_sequence = {
    .sq_length = (lenfunc)BalanceMap_len,
    .sq_contains = (objobjproc)BalanceMap_contains,
};

static PyTypeObject BalanceMapType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "digisom.ledger._engine.BalanceMap",
    .tp_doc = "Account id -> (debits_pending, debits_posted, credits_pending, credits_posted).",
    .tp_basicsize = sizeof(BalanceMap),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)BalanceMap_init,
    .tp_dealloc = (destructor)BalanceMap_dealloc,
    .tp_methods = BalanceMap_methods,
    .tp_as_sequence = &BalanceMap_sequence,
    .tp_iter = (getiterfunc)BalanceMap_iter,
};

#endif
