/*
 * fuzz_archive.c — libFuzzer harness for the input walker: the input is one
 * INPUT held in memory (plain bytes or any archive, nested), walked with
 * small limits so each run stays fast.  Seeds: tests/fuzz/corpus/archive/.
 *
 *   cmake -S . -B build-fuzz -DFUZZ=ON -DCMAKE_C_COMPILER=clang
 *   cmake --build build-fuzz --target fuzz_archive
 *   build-fuzz/tests/fuzz_archive -max_total_time=60 tests/fuzz/corpus/archive
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "archive_mem.h"
#include "diag.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ca_status on_entry(void *ud, const ca_raw_entry *e)
{
    uint64_t *sum = ud;
    /* Touch every byte, the path and the name, so ASan sees any overrun. */
    for (size_t i = 0; i < e->len; i++)
        *sum += e->data[i];
    *sum += strlen(e->path) + strlen(e->name) + (uint64_t)e->depth;
    return CA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ca_limits lim;
    ca_limits_default(&lim);
    lim.max_entry_size = 1 << 20;
    lim.max_total_size = 16 << 20;
    lim.max_entries = 1000;
    ca_diag *d = ca_diag_new(0);
    if (!d)
        return 0;
    uint64_t sum = 0;
    ca_status st = ca_walk_memory("fuzz.bin", data, size, &lim, d, on_entry, &sum);
    if (st == CA_OK && ca_diag_count(d, CA_DIAG_ERROR) != 0)
        __builtin_trap(); /* an error must never come with CA_OK */
    ca_diag_free(d);
    return 0;
}
