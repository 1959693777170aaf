/* The per-account index's entry functions for Python (see index_entries.h). */
#ifndef DIGISOM_INDEX_MODULE_H
#define DIGISOM_INDEX_MODULE_H

#include "index_entries.h"
#include "siphash.h"

/* A bytes-like argument holding whole entries; 0 or -1 with an error set. */
static int entries_view(PyObject *arg, Py_buffer *view)
{
    if (PyObject_GetBuffer(arg, view, PyBUF_SIMPLE) < 0)
        return -1;
    if (view->len % INDEX_ENTRY_BYTES != 0) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "index entries are 24 bytes each");
        return -1;
    }
    return 0;
}

static int key_from_py(PyObject *account, PyObject *timestamp, unsigned char key[24])
{
    u128 id;
    uint64_t at;
    if (u128_from_py(account, U128_MAX, &id, "account id") < 0 ||
        u64_from_py(timestamp, INT64_MAX, &at, "timestamp") < 0)
        return -1;
    index_entry(key, id, (int64_t)at);
    return 0;
}

/* sort_index_entries(entries) -> entries sorted by (account, timestamp); each account's entries
 * must arrive in timestamp order (the sort keeps it). */
static PyObject *py_sort_index_entries(PyObject *module, PyObject *arg)
{
    Py_buffer view;
    if (entries_view(arg, &view) < 0)
        return NULL;
    PyObject *out = PyBytes_FromStringAndSize(view.buf, view.len);
    PyBuffer_Release(&view);
    if (out == NULL)
        return NULL;
    size_t count = (size_t)PyBytes_GET_SIZE(out) / INDEX_ENTRY_BYTES;
    if (sort_entries_by_account((unsigned char *)PyBytes_AS_STRING(out), count) < 0) {
        Py_DECREF(out);
        return PyErr_NoMemory();
    }
    return out;
}

/* entries_upto(entries, account, timestamp) -> how many leading (sorted) entries are at or
 * below (account, timestamp). */
static PyObject *py_entries_upto(PyObject *module, PyObject *args)
{
    PyObject *entries, *account, *timestamp;
    if (!PyArg_ParseTuple(args, "OOO:entries_upto", &entries, &account, &timestamp))
        return NULL;
    unsigned char key[INDEX_ENTRY_BYTES];
    if (key_from_py(account, timestamp, key) < 0)
        return NULL;
    Py_buffer view;
    if (entries_view(entries, &view) < 0)
        return NULL;
    size_t upto = entries_upto(view.buf, (size_t)view.len / INDEX_ENTRY_BYTES, key);
    PyBuffer_Release(&view);
    return PyLong_FromSize_t(upto);
}

/* account_timestamps(entries, account, after_timestamp, limit) -> the account's timestamps
 * after `after_timestamp` in sorted entries, at most `limit`, in order. */
static PyObject *py_account_timestamps(PyObject *module, PyObject *args)
{
    PyObject *entries, *account, *after;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "OOOn:account_timestamps", &entries, &account, &after, &limit))
        return NULL;
    unsigned char key[INDEX_ENTRY_BYTES];
    if (key_from_py(account, after, key) < 0)
        return NULL;
    Py_buffer view;
    if (entries_view(entries, &view) < 0)
        return NULL;
    const unsigned char *p = view.buf;
    size_t count = (size_t)view.len / INDEX_ENTRY_BYTES;
    PyObject *out = PyList_New(0);
    for (size_t i = entries_upto(p, count, key);
         out != NULL && i < count && (Py_ssize_t)PyList_GET_SIZE(out) < limit &&
         memcmp(p + i * INDEX_ENTRY_BYTES, key, 16) == 0;
         i++) {
        PyObject *at = PyLong_FromLongLong((long long)u64_load_be(p + i * INDEX_ENTRY_BYTES + 16));
        if (at == NULL || PyList_Append(out, at) < 0)
            Py_CLEAR(out);
        Py_XDECREF(at);
    }
    PyBuffer_Release(&view);
    return out;
}

/* check_index_entries(entries, first_timestamp, last_timestamp) -> (ascending, outside): whether
 * each entry is above the one before it, and how many timestamps lie outside the range. */
static PyObject *py_check_index_entries(PyObject *module, PyObject *args)
{
    PyObject *entries;
    long long first, last;
    if (!PyArg_ParseTuple(args, "OLL:check_index_entries", &entries, &first, &last))
        return NULL;
    Py_buffer view;
    if (entries_view(entries, &view) < 0)
        return NULL;
    const unsigned char *p = view.buf;
    size_t count = (size_t)view.len / INDEX_ENTRY_BYTES;
    int ascending = 1;
    size_t outside = 0;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *e = p + i * INDEX_ENTRY_BYTES;
        int64_t at = (int64_t)u64_load_be(e + 16);
        outside += at < first || at > last;
        if (i > 0 && memcmp(e - INDEX_ENTRY_BYTES, e, INDEX_ENTRY_BYTES) >= 0)
            ascending = 0;
    }
    PyBuffer_Release(&view);
    return Py_BuildValue("(Nn)", PyBool_FromLong(ascending), (Py_ssize_t)outside);
}

/* The keyed multiset digest of entries: the sum, modulo 2**128, of a 128-bit SipHash of each. */
static u128 entries_digest(const unsigned char *entries, size_t count, const uint64_t key[4])
{
    u128 sum = 0;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *e = entries + i * INDEX_ENTRY_BYTES;
        sum += ((u128)siphash24(key[0], key[1], e, INDEX_ENTRY_BYTES) << 64) |
               siphash24(key[2], key[3], e, INDEX_ENTRY_BYTES);
    }
    return sum;
}

/* index_digest(entries, key) -> int: see entries_digest; `key` is 32 bytes. */
static PyObject *py_index_digest(PyObject *module, PyObject *args)
{
    PyObject *entries;
    Py_buffer key_view;
    if (!PyArg_ParseTuple(args, "Oy*:index_digest", &entries, &key_view))
        return NULL;
    uint64_t key[4];
    int ok = key_view.len == 32;
    if (ok)
        memcpy(key, key_view.buf, 32);
    PyBuffer_Release(&key_view);
    if (!ok) {
        PyErr_SetString(PyExc_ValueError, "the digest key is 32 bytes");
        return NULL;
    }
    Py_buffer view;
    if (entries_view(entries, &view) < 0)
        return NULL;
    u128 sum = entries_digest(view.buf, (size_t)view.len / INDEX_ENTRY_BYTES, key);
    PyBuffer_Release(&view);
    return u128_to_py(sum);
}

#define INDEX_METHODS                                                                         \
    {"sort_index_entries", py_sort_index_entries, METH_O,                                     \
     "Index entries sorted by (account, timestamp); each account's arrive in time order."},   \
        {"entries_upto", py_entries_upto, METH_VARARGS,                                       \
         "entries_upto(entries, account, timestamp) -> entries at or below that key."},      \
        {"account_timestamps", py_account_timestamps, METH_VARARGS,                           \
         "account_timestamps(entries, account, after, limit) -> [timestamp]."},               \
        {"check_index_entries", py_check_index_entries, METH_VARARGS,                         \
         "check_index_entries(entries, first, last) -> (ascending, outside)."},               \
        {"index_digest", py_index_digest, METH_VARARGS,                                       \
         "index_digest(entries, key) -> the keyed multiset digest of the entries."},

#endif
