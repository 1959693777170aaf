/* 128-bit unsigned integers: conversion from and to Python ints, big-endian bytes.
 *
 * Ids, amounts and balances are u128 in the ledger (TigerBeetle's widths). GCC and Clang have
 * `unsigned __int128`; the ledger's native code is built with one of them (setup.py).
 */
#ifndef DIGISOM_U128_H
#define DIGISOM_U128_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;

#define U128_MAX (~(u128)0)

/* Store `v` as 16 big-endian bytes (the encoding both databases keep and compare). */
static inline void u128_store_be(unsigned char *out, u128 v)
{
    uint64_t hi = __builtin_bswap64((uint64_t)(v >> 64));
    uint64_t lo = __builtin_bswap64((uint64_t)v);
    memcpy(out, &hi, 8);
    memcpy(out + 8, &lo, 8);
}

static inline u128 u128_load_be(const unsigned char *in)
{
    uint64_t hi, lo;
    memcpy(&hi, in, 8);
    memcpy(&lo, in + 8, 8);
    return ((u128)__builtin_bswap64(hi) << 64) | __builtin_bswap64(lo);
}

static inline void u64_store_be(unsigned char *out, uint64_t v)
{
    v = __builtin_bswap64(v);
    memcpy(out, &v, 8);
}

static inline uint64_t u64_load_be(const unsigned char *in)
{
    uint64_t v;
    memcpy(&v, in, 8);
    return __builtin_bswap64(v);
}

static inline void u32_store_be(unsigned char *out, uint32_t v)
{
    v = __builtin_bswap32(v);
    memcpy(out, &v, 4);
}

static inline uint32_t u32_load_be(const unsigned char *in)
{
    uint32_t v;
    memcpy(&v, in, 4);
    return __builtin_bswap32(v);
}

static inline void u16_store_be(unsigned char *out, uint16_t v)
{
    v = __builtin_bswap16(v);
    memcpy(out, &v, 2);
}

static inline uint16_t u16_load_be(const unsigned char *in)
{
    uint16_t v;
    memcpy(&v, in, 2);
    return __builtin_bswap16(v);
}

/* Read a Python int in [0, max] (max <= 2**128 - 1) into *out; on anything else raise an error
 * that names `field` and return -1. Most values fit in 64 bits and take the fast path. */
static inline int u128_from_py(PyObject *value, u128 max, u128 *out, const char *field)
{
#if PY_VERSION_HEX < 0x030C0000
    /* CPython 3.11 keeps an int as 30-bit digits, least significant first, with the sign in
     * ob_size: reading up to four digits (120 bits) directly is several times faster than the
     * calls below, and nearly every id and amount fits. */
    if (PyLong_CheckExact(value) && Py_SIZE(value) >= 0 && Py_SIZE(value) <= 4) {
        const digit *digits = ((PyLongObject *)value)->ob_digit;
        u128 result = 0;
        for (Py_ssize_t i = Py_SIZE(value); i-- > 0;)
            result = (result << PyLong_SHIFT) | digits[i];
        if (result <= max) {
            *out = result;
            return 0;
        }
    }
#endif
    if (!PyLong_Check(value)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", field,
                     Py_TYPE(value)->tp_name);
        return -1;
    }
    if (_PyLong_Sign(value) < 0) {
        PyErr_Format(PyExc_ValueError, "%s must not be negative", field);
        return -1;
    }
    size_t bits = _PyLong_NumBits(value);
    u128 result;
    if (bits <= 64) {
        result = PyLong_AsUnsignedLongLong(value);
    } else if (bits <= 128) {
        unsigned char bytes[16];
#if PY_VERSION_HEX >= 0x030D0000
        if (_PyLong_AsByteArray((PyLongObject *)value, bytes, 16, 0, 0, 1) < 0)
            return -1;
#else
        if (_PyLong_AsByteArray((PyLongObject *)value, bytes, 16, 0, 0) < 0)
            return -1;
#endif
        result = u128_load_be(bytes);
    } else {
        result = max;
        goto too_large;
    }
    if (result <= max) {
        *out = result;
        return 0;
    }
too_large:
    PyErr_Format(PyExc_ValueError, "%s is out of range (at most %d bits)", field,
                 max == U128_MAX ? 128 : (int)(64 - __builtin_clzll((uint64_t)max)));
    return -1;
}

static inline int u64_from_py(PyObject *value, uint64_t max, uint64_t *out, const char *field)
{
    u128 wide;
    if (u128_from_py(value, max, &wide, field) < 0)
        return -1;
    *out = (uint64_t)wide;
    return 0;
}

static inline PyObject *u128_to_py(u128 v)
{
    if ((v >> 64) == 0)
        return PyLong_FromUnsignedLongLong((unsigned long long)v);
    unsigned char bytes[16];
    u128_store_be(bytes, v);
    return _PyLong_FromByteArray(bytes, 16, 0, 0);
}

#endif
