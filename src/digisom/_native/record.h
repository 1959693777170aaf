/* A transfer in native form, and its journal record: the one byte layout the ledger shares.
 *
 * digisom.ledger.journal.encode_transfer is the readable definition of the record: kind (2),
 * id, debit, credit, amount, pending_id, user_data_128 (16 big-endian bytes each),
 * user_data_64 (8), user_data_32, timeout, ledger (4 each), code, flags (2 each), timestamp (8);
 * 129 bytes. The engine hands a batch's new transfers out in it (hashed into the journal as they
 * are), the SQLite store writes `transfers` rows from it and reads stored ones back into it.
 */
#ifndef DIGISOM_RECORD_H
#define DIGISOM_RECORD_H

#include "u128.h"

#define TRANSFER_RECORD_BYTES 129
#define RECORD_KIND_TRANSFER 2

typedef struct {
    u128 id; /* first: hash indexes read keys here */
    u128 debit_account_id;
    u128 credit_account_id;
    u128 amount;
    u128 pending_id;
    u128 user_data_128;
    uint64_t user_data_64;
    int64_t timestamp;
    uint32_t ledger;
    uint32_t user_data_32;
    uint32_t timeout;
    uint16_t code;
    uint16_t flags;
    uint8_t dead; /* created by a linked chain that failed: as if it never was */
} Xfer;

static inline void transfer_record(unsigned char *out, const Xfer *x)
{
    out[0] = RECORD_KIND_TRANSFER;
    u128_store_be(out + 1, x->id);
    u128_store_be(out + 17, x->debit_account_id);
    u128_store_be(out + 33, x->credit_account_id);
    u128_store_be(out + 49, x->amount);
    u128_store_be(out + 65, x->pending_id);
    u128_store_be(out + 81, x->user_data_128);
    u64_store_be(out + 97, x->user_data_64);
    u32_store_be(out + 105, x->user_data_32);
    u32_store_be(out + 109, x->timeout);
    u32_store_be(out + 113, x->ledger);
    u16_store_be(out + 117, x->code);
    u16_store_be(out + 119, x->flags);
    u64_store_be(out + 121, (uint64_t)x->timestamp);
}

/* 0, or -1 when the record is not a transfer's. */
static inline int transfer_from_record(const unsigned char *in, Xfer *x)
{
    if (in[0] != RECORD_KIND_TRANSFER)
        return -1;
    memset(x, 0, sizeof *x);
    x->id = u128_load_be(in + 1);
    x->debit_account_id = u128_load_be(in + 17);
    x->credit_account_id = u128_load_be(in + 33);
    x->amount = u128_load_be(in + 49);
    x->pending_id = u128_load_be(in + 65);
    x->user_data_128 = u128_load_be(in + 81);
    x->user_data_64 = u64_load_be(in + 97);
    x->user_data_32 = u32_load_be(in + 105);
    x->timeout = u32_load_be(in + 109);
    x->ledger = u32_load_be(in + 113);
    x->code = u16_load_be(in + 117);
    x->flags = u16_load_be(in + 119);
    x->timestamp = (int64_t)u64_load_be(in + 121);
    return 0;
}

#endif
