/* A hash index from u128 ids to positions in a dense array (open addressing, linear probing).
 *
 * The ledger looks up every account and transfer of a batch by a 128-bit id; a Python dict of
 * Python ints costs a few hundred nanoseconds a lookup and ~100 bytes an entry, this costs tens
 * of nanoseconds and 8 bytes a slot. The keys live in the dense array itself (each element
 * starts with its u128 id): a slot holds the element's position and 32 bits of the key's hash,
 * so most probes that miss never touch the array. Keys are never removed: the tables are
 * cleared whole, and a batch marks an undone transfer dead in its own array instead.
 */
#ifndef DIGISOM_IDMAP_H
#define DIGISOM_IDMAP_H

#include "u128.h"
#include <stdlib.h>

#define IDMAP_EMPTY UINT32_MAX
#define IDMAP_VALUE_MAX (UINT32_MAX - 1)

typedef struct {
    uint32_t value; /* position in the dense array, or IDMAP_EMPTY */
    uint32_t tag;   /* the high 32 bits of the key's hash */
} IdSlot;

typedef struct {
    IdSlot *slots;
    size_t mask; /* capacity - 1; capacity is a power of two */
    size_t used;
    char **base;   /* where the dense array's pointer lives (it moves when the array grows) */
    size_t stride; /* bytes per element of the dense array; each starts with its u128 key */
} IdMap;

static inline uint64_t idmap_hash(u128 key)
{
    /* splitmix64's finaliser over both halves: client ids are often sequential. */
    uint64_t x = (uint64_t)key ^ ((uint64_t)(key >> 64) * 0x9E3779B97F4A7C15ULL);
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 31;
    return x;
}

static inline u128 idmap_key_at(const IdMap *map, uint32_t value)
{
    u128 key;
    memcpy(&key, *map->base + (size_t)value * map->stride, sizeof key);
    return key;
}

static int idmap_alloc(IdMap *map, size_t capacity)
{
    map->slots = malloc(capacity * sizeof(IdSlot));
    if (map->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < capacity; i++)
        map->slots[i].value = IDMAP_EMPTY;
    map->mask = capacity - 1;
    map->used = 0;
    return 0;
}

static int idmap_init(IdMap *map, char **base, size_t stride)
{
    map->base = base;
    map->stride = stride;
    return idmap_alloc(map, 64);
}

static void idmap_free(IdMap *map)
{
    free(map->slots);
    map->slots = NULL;
    map->mask = 0;
    map->used = 0;
}

static void idmap_clear(IdMap *map)
{
    for (size_t i = 0; i <= map->mask; i++)
        map->slots[i].value = IDMAP_EMPTY;
    map->used = 0;
}

/* The slot holding `key`, or the empty slot where it would go. */
static inline IdSlot *idmap_slot(const IdMap *map, u128 key, uint64_t hash)
{
    uint32_t tag = (uint32_t)(hash >> 32);
    size_t i = hash & map->mask;
    for (;;) {
        IdSlot *slot = &map->slots[i];
        if (slot->value == IDMAP_EMPTY)
            return slot;
        if (slot->tag == tag && idmap_key_at(map, slot->value) == key)
            return slot;
        i = (i + 1) & map->mask;
    }
}

/* The position of `key`, or IDMAP_EMPTY. */
static inline uint32_t idmap_get(const IdMap *map, u128 key)
{
    return idmap_slot(map, key, idmap_hash(key))->value;
}

static int idmap_grow(IdMap *map)
{
    IdSlot *old = map->slots;
    size_t old_capacity = map->mask + 1;
    size_t used = map->used;
    if (idmap_alloc(map, old_capacity * 2) < 0) {
        map->slots = old;
        map->mask = old_capacity - 1;
        return -1;
    }
    for (size_t i = 0; i < old_capacity; i++) {
        if (old[i].value == IDMAP_EMPTY)
            continue;
        uint64_t hash = idmap_hash(idmap_key_at(map, old[i].value));
        size_t j = hash & map->mask;
        while (map->slots[j].value != IDMAP_EMPTY)
            j = (j + 1) & map->mask;
        map->slots[j] = old[i];
    }
    map->used = used;
    free(old);
    return 0;
}

/* Point `key` at `value`: the element at `value` must already hold `key`. */
static int idmap_put(IdMap *map, u128 key, uint32_t value)
{
    if (value > IDMAP_VALUE_MAX) {
        PyErr_SetString(PyExc_OverflowError, "too many entries for a 32-bit position");
        return -1;
    }
    if ((map->used + 1) * 2 > map->mask + 1 && idmap_grow(map) < 0)
        return -1;
    uint64_t hash = idmap_hash(key);
    IdSlot *slot = idmap_slot(map, key, hash);
    if (slot->value == IDMAP_EMPTY)
        map->used++;
    slot->value = value;
    slot->tag = (uint32_t)(hash >> 32);
    return 0;
}

/* The position of the Python int `key` (-1 with an error set if it is not a u128). */
static inline int64_t idmap_get_py(const IdMap *map, PyObject *key)
{
    u128 id;
    if (u128_from_py(key, U128_MAX, &id, "account id") < 0)
        return -1;
    return idmap_get(map, id);
}

/* sq_contains for a table keyed by an IdMap: 1, 0, or -1 with an error set. */
static inline int idmap_contains_py(const IdMap *map, PyObject *key)
{
    int64_t position = idmap_get_py(map, key);
    return position < 0 ? -1 : position != IDMAP_EMPTY;
}

/* A growable array of fixed-size elements. */
typedef struct {
    char *data;
    size_t count;
    size_t capacity;
    size_t size; /* bytes per element */
} Vec;

static void vec_init(Vec *vec, size_t size)
{
    vec->data = NULL;
    vec->count = 0;
    vec->capacity = 0;
    vec->size = size;
}

static void vec_free(Vec *vec)
{
    free(vec->data);
    vec->data = NULL;
    vec->count = vec->capacity = 0;
}

/* Room for one more element; returns it (zeroed), or NULL with MemoryError set. */
static void *vec_push(Vec *vec)
{
    if (vec->count == vec->capacity) {
        size_t capacity = vec->capacity ? vec->capacity * 2 : 64;
        char *data = realloc(vec->data, capacity * vec->size);
        if (data == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        vec->data = data;
        vec->capacity = capacity;
    }
    void *element = vec->data + vec->count * vec->size;
    memset(element, 0, vec->size);
    vec->count++;
    return element;
}

#define VEC_AT(vec, type, i) (((type *)(vec)->data)[i])

#endif
