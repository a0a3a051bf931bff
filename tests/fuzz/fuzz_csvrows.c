/*
 * fuzz_csvrows.c — libFuzzer harness for the CSV reader (analyzer/csvrows.c)
 * against libcsv itself: both read the input (the first byte picks the
 * record limit), and every record, field, line number and error message must
 * be the same, else the harness aborts.  The reference is the reader as it
 * was over libcsv (tests/ref/csvrows_libcsv.c).
 */
#include <stdlib.h>
#include <string.h>
#include "../../analyzer/buf.h"
#include "../../analyzer/csvrows.h"
#include "../ref/csvrows_libcsv.c"

/* Every record as "line:f1|f2|...;" (errors "line!msg;"), read by the
 * reader (ref 0) or the libcsv reference (ref 1). */
static void dump(int ref, const char *text, size_t len, size_t max, ca_buf *out)
{
    ca_csv *c = ref ? NULL : ca_csv_open(text, len, max);
    ref_csv *r = ref ? ref_csv_open(text, len, max) : NULL;
    if (ref ? !r : !c)
        return;
    char **f;
    size_t *fl, nf;
    long line;
    ca_status st;
    while ((st = ref ? ref_csv_next(r, &f, &fl, &nf, &line) : ca_csv_next(c, &f, &fl, &nf, &line)) !=
           CA_EOF) {
        if (st == CA_FATAL) {
            ca_buf_puts(out, "FATAL;");
            break;
        }
        if (st == CA_FAILED) {
            ca_buf_printf(out, "%ld!%s;", line, ref ? ref_csv_errmsg(r) : ca_csv_errmsg(c));
            continue;
        }
        ca_buf_printf(out, "%ld:", line);
        for (size_t i = 0; i < nf; i++) {
            ca_buf_put(out, f[i], fl[i]);
            ca_buf_puts(out, i + 1 < nf ? "|" : ";");
        }
    }
    if (ref)
        ref_csv_close(r);
    else
        ca_csv_close(c);
}

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
    dump(0, text, len, max, &a);
    dump(1, text, len, max, &b);
    if (!a.oom && !b.oom && (a.len != b.len || memcmp(a.data, b.data, a.len) != 0))
        abort();
    ca_buf_free(&a);
    ca_buf_free(&b);
    return 0;
}
