/* SipHash-2-4 (Aumasson and Bernstein), for keyed digests of index entries in `verify`.
 *
 * `verify` compares the per-account index with the transfers as two multisets: the sum of a
 * keyed hash over each side's entries. The key is drawn afresh for every run, so entries
 * cannot be crafted to cancel each other out.
 */
#ifndef DIGISOM_SIPHASH_H
#define DIGISOM_SIPHASH_H

#include <stdint.h>
#include <string.h>

static inline uint64_t sip_rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

#define SIP_ROUND                                                                             \
    do {                                                                                      \
        v0 += v1;                                                                             \
        v1 = sip_rotl(v1, 13);                                                                \
        v1 ^= v0;                                                                             \
        v0 = sip_rotl(v0, 32);                                                                \
        v2 += v3;                                                                             \
        v3 = sip_rotl(v3, 16);                                                                \
        v3 ^= v2;                                                                             \
        v0 += v3;                                                                             \
        v3 = sip_rotl(v3, 21);                                                                \
        v3 ^= v0;                                                                             \
        v2 += v1;                                                                             \
        v1 = sip_rotl(v1, 17);                                                                \
        v1 ^= v2;                                                                             \
        v2 = sip_rotl(v2, 32);                                                                \
    } while (0)

static inline uint64_t siphash24(uint64_t k0, uint64_t k1, const unsigned char *data, size_t size)
{
    uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
    uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
    uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
    uint64_t v3 = k1 ^ 0x7465646279746573ULL;
    size_t whole = size - size % 8;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = 0;
        for (int b = 0; b < 8; b++)
            m |= (uint64_t)data[i + b] << (8 * b);
        v3 ^= m;
        SIP_ROUND;
        SIP_ROUND;
        v0 ^= m;
    }
    uint64_t last = (uint64_t)size << 56;
    for (size_t b = 0; b < size % 8; b++)
        last |= (uint64_t)data[whole + b] << (8 * b);
    v3 ^= last;
    SIP_ROUND;
    SIP_ROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIP_ROUND;
    SIP_ROUND;
    SIP_ROUND;
    SIP_ROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

#undef SIP_ROUND

#endif
