/*
 * fuzz_csvrows.c — libFuzzer harness for the CSV reader (analyzer/csvrows.c)
 * against libcsv itself: both read the input (the first byte picks the
 * record limit), and every record, field, line number and error message must
 * be the same, else the harness aborts.  The reference is the reader as it
 * was over libcsv (tests/ref/csvrows_libcsv.c).
 */
#include <stdlib.h>
#include <string.h>
#include "../ref/csvrows_libcsv.c"
#include "../ref/csv_dump.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 1)
        return 0;
    /* record limits from a few bytes to the default */
    static const size_t limits[] = {8, 64, 1024, 1 << 20};
    size_t max = limits[data[0] % 4];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    ca_buf a = CA_BUF_INIT, b = CA_BUF_INIT;
    csv_dump(0, text, len, max, &a);
    csv_dump(1, text, len, max, &b);
    if (!a.oom && !b.oom && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0))
        abort();
    ca_buf_free(&a);
    ca_buf_free(&b);
    return 0;
}
