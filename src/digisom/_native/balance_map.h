/* BalanceMap: account id -> four u128 balances, the replayed balance log in native form.
 *
 * Balances newer than the `balances` table live in `balance_log` rows, one per batch: for each
 * account it changed, the id and the four balances as unsigned LEB128 varints (10.5 bytes an
 * account in the benchmark, where fixed 16-byte fields took 80: the log row was half of every
 * commit's bytes).
 * digisom.storage.codec.pack_log_row is the readable definition. A process keeps the log
 * replayed in one of these (digisom.storage.balance_log), so that applying a batch's row and
 * writing a checkpoint take no Python object per account. A checkpoint hands the balances to
 * the store as fixed 80-byte entries (id and four balances, 16 big-endian bytes each), the
 * column encoding of `balances`.
 */
#ifndef DIGISOM_BALANCE_MAP_H
#define DIGISOM_BALANCE_MAP_H

#include "accounts.h"
#include "index_entries.h"

#define BALANCE_ENTRY_BYTES 80
#define LEB128_U128_BYTES_MAX 19 /* ceil(128 / 7) */
#define LOG_ENTRY_BYTES_MAX (5 * LEB128_U128_BYTES_MAX)

static inline unsigned char *leb128_put(unsigned char *out, u128 value)
{
    do {
        unsigned char byte = value & 0x7f;
        value >>= 7;
        *out++ = value ? byte | 0x80 : byte;
    } while (value);
    return out;
}

/* Read one varint of at most 128 bits; NULL if it runs past `end` or past 128 bits. */
static inline const unsigned char *leb128_get(const unsigned char *in, const unsigned char *end,
                                              u128 *out)
{
    u128 value = 0;
    for (int shift = 0; in < end && shift < 128; shift += 7) {
        unsigned char byte = *in++;
        if (shift == 126 && (byte & 0x7f) > 3)
            return NULL; /* past 2**128 - 1 */
        value |= (u128)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *out = value;
            return in;
        }
    }
    return NULL;
}

/* One log entry: the id, then the four balances. */
static inline unsigned char *log_entry_put(unsigned char *out, u128 id, const u128 balances[4])
{
    out = leb128_put(out, id);
    for (int i = 0; i < 4; i++)
        out = leb128_put(out, balances[i]);
    return out;
}

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
    return idmap_contains_py(&self->index, key);
}

static PyObject *BalanceMap_get(BalanceMap *self, PyObject *key)
{
    int64_t position = idmap_get_py(&self->index, key);
    if (position < 0)
        return NULL;
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

/* apply_log_row(row): apply a balance log row's entries, in order (a later one wins). */
static PyObject *BalanceMap_apply_log_row(BalanceMap *self, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *p = view.buf, *end = p + view.len;
    while (p != NULL && p < end) {
        u128 id, balances[4];
        p = leb128_get(p, end, &id);
        for (int i = 0; i < 4 && p != NULL; i++)
            p = leb128_get(p, end, &balances[i]);
        if (p != NULL && balance_map_set(self, id, balances) < 0) {
            PyBuffer_Release(&view);
            return NULL;
        }
    }
    PyBuffer_Release(&view);
    if (p == NULL) {
        PyErr_SetString(PyExc_ValueError, "a balance log row ends inside an entry");
        return NULL;
    }
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

/* A private copy: the entries and their index copied whole (a checkpoint copies ~100,000). */
static PyObject *BalanceMap_copy(BalanceMap *self, PyObject *unused)
{
    BalanceMap *copy = (BalanceMap *)PyObject_CallNoArgs((PyObject *)&BalanceMapType);
    if (copy == NULL)
        return NULL;
    size_t slots = self->index.mask + 1;
    IdSlot *index = malloc(slots * sizeof(IdSlot));
    char *data = malloc((self->entries.count ? self->entries.count : 1) * sizeof(BalanceEntry));
    if (index == NULL || data == NULL) {
        free(index);
        free(data);
        Py_DECREF(copy);
        return PyErr_NoMemory();
    }
    memcpy(index, self->index.slots, slots * sizeof(IdSlot));
    memcpy(data, self->entries.data, self->entries.count * sizeof(BalanceEntry));
    free(copy->index.slots);
    free(copy->entries.data);
    copy->index.slots = index;
    copy->index.mask = self->index.mask;
    copy->index.used = self->index.used;
    copy->entries.data = data;
    copy->entries.count = copy->entries.capacity = self->entries.count;
    if (copy->entries.capacity == 0)
        copy->entries.capacity = 1;
    return (PyObject *)copy;
}

/* Every entry as fixed 80-byte balance entries (the `balances` columns), in id order: a
 * checkpoint visits each page of `balances` once. The ids are sorted as index entries are
 * (index_entries.h: a radix sort over the bytes that vary), each carrying its position. */
static PyObject *BalanceMap_packed_sorted(BalanceMap *self, PyObject *unused)
{
    size_t n = self->entries.count;
    unsigned char *keys = malloc((n ? n : 1) * INDEX_ENTRY_BYTES);
    if (keys == NULL)
        return PyErr_NoMemory();
    for (size_t i = 0; i < n; i++)
        index_entry(keys + i * INDEX_ENTRY_BYTES, VEC_AT(&self->entries, BalanceEntry, i).id,
                    (int64_t)i);
    if (sort_entries_by_account(keys, n) < 0) {
        free(keys);
        return PyErr_NoMemory();
    }
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(n * BALANCE_ENTRY_BYTES));
    if (out != NULL) {
        unsigned char *p = (unsigned char *)PyBytes_AS_STRING(out);
        for (size_t i = 0; i < n; i++) {
            size_t position = (size_t)u64_load_be(keys + i * INDEX_ENTRY_BYTES + 16);
            const BalanceEntry *e = &VEC_AT(&self->entries, BalanceEntry, position);
            balance_entry_pack(p + i * BALANCE_ENTRY_BYTES, e->id, e->balances);
        }
    }
    free(keys);
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
    {"apply_log_row", (PyCFunction)BalanceMap_apply_log_row, METH_O,
     "Apply a balance log row (varint entries; a later entry wins)."},
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
