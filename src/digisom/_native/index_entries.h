/* Entries of the per-account index: (account id, timestamp) as 24 bytes, sorted in blocks.
 *
 * An entry is the account's 16 big-endian bytes, then the transfer's timestamp as 8 big-endian
 * bytes, so the byte order of entries is (account, timestamp) order. digisom.storage.
 * account_index keeps a run of the index as blocks of such entries, one row per block: a fold
 * writes a block per ~160 entries where a row per entry cost ~0.7 us each in SQLite.
 */
#ifndef DIGISOM_INDEX_ENTRIES_H
#define DIGISOM_INDEX_ENTRIES_H

#include "u128.h"
#include <stdlib.h>

#define INDEX_ENTRY_BYTES 24

/* Sort entries by account, keeping the order of each account's entries (a stable LSD radix sort
 * over the account's bytes; the byte positions where all entries agree are skipped, so 100,000
 * accounts take three passes). Entries that arrive in timestamp order (a fold's, read from the
 * transfers; a merge's, runs concatenated oldest first) come out in (account, timestamp) order.
 * Returns -1 if out of memory. */
static inline int sort_entries_by_account(unsigned char *entries, size_t count)
{
    if (count < 2)
        return 0;
    unsigned char first[16];
    memcpy(first, entries, 16);
    int varies[16] = {0};
    for (size_t i = 1; i < count; i++) {
        const unsigned char *e = entries + i * INDEX_ENTRY_BYTES;
        for (int b = 0; b < 16; b++)
            varies[b] |= e[b] != first[b];
    }
    unsigned char *scratch = malloc(count * INDEX_ENTRY_BYTES);
    if (scratch == NULL)
        return -1;
    unsigned char *from = entries, *to = scratch;
    for (int b = 15; b >= 0; b--) {
        if (!varies[b])
            continue;
        size_t offsets[256] = {0};
        for (size_t i = 0; i < count; i++)
            offsets[from[i * INDEX_ENTRY_BYTES + b]]++;
        size_t total = 0;
        for (int v = 0; v < 256; v++) {
            size_t n = offsets[v];
            offsets[v] = total;
            total += n;
        }
        for (size_t i = 0; i < count; i++) {
            const unsigned char *e = from + i * INDEX_ENTRY_BYTES;
            memcpy(to + offsets[e[b]]++ * INDEX_ENTRY_BYTES, e, INDEX_ENTRY_BYTES);
        }
        unsigned char *swap = from;
        from = to;
        to = swap;
    }
    if (from != entries)
        memcpy(entries, from, count * INDEX_ENTRY_BYTES);
    free(scratch);
    return 0;
}

/* The number of leading entries whose (account, timestamp) is at or below the key: the first
 * position where an entry above it would go (entries sorted). */
static inline size_t entries_upto(const unsigned char *entries, size_t count,
                                  const unsigned char key[INDEX_ENTRY_BYTES])
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (memcmp(entries + mid * INDEX_ENTRY_BYTES, key, INDEX_ENTRY_BYTES) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline void index_entry(unsigned char out[INDEX_ENTRY_BYTES], u128 account,
                               int64_t timestamp)
{
    u128_store_be(out, account);
    u64_store_be(out + 16, (uint64_t)timestamp);
}

#endif
