/*
 * csv_dump.h — one record dump for the CSV reader and its libcsv reference
 * (csvrows_libcsv.c, which the includer includes first), so that a test or
 * a fuzzer compares the two as strings.
 */
#ifndef CA_CSV_DUMP_H
#define CA_CSV_DUMP_H

#include <string.h>
#include "../../analyzer/buf.h"
#include "../../analyzer/csvrows.h"

/* Every record of text as "line:f1|f2|...;" (errors as "line!msg;", a
 * field whose length disagrees with its NUL as "<len mismatch>"), read by
 * the reader (ref 0) or by the libcsv reference (ref 1). */
static void csv_dump(int ref, const char *text, size_t len, size_t max, ca_buf *out)
{
    ca_csv *c = ref ? NULL : ca_csv_open(text, len, max);
    ref_csv *r = ref ? ref_csv_open(text, len, max) : NULL;
    if (ref ? !r : !c) {
        ca_buf_puts(out, "FATAL;");
        return;
    }
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
            if (strlen(f[i]) != fl[i])
                ca_buf_puts(out, "<len mismatch>");
            ca_buf_put(out, f[i], fl[i]);
            ca_buf_puts(out, i + 1 < nf ? "|" : ";");
        }
    }
    if (ref)
        ref_csv_close(r);
    else
        ca_csv_close(c);
}

#endif
