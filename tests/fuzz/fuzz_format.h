/*
 * fuzz_format.h — the body shared by the per-format fuzzers: the input is
 * one entry, decoded and parsed as FUZZ_FORMAT (no detection), then
 * sorted, linked and written as NDJSON to a memory stream.
 */
#ifndef CA_FUZZ_FORMAT_H
#define CA_FUZZ_FORMAT_H

#include <stdio.h>
#include <stdlib.h>
#include "../../analyzer/importer.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ca_config cfg;
    ca_limits lim;
    ca_config_defaults(&cfg);
    ca_limits_default(&lim);
    lim.max_line = 1 << 16;
    ca_diag *diag = ca_diag_new(0);
    const ca_format *fmt = FUZZ_FORMAT ? ca_format_by_name(FUZZ_FORMAT) : NULL;
    ca_import *imp = ca_import_new(&cfg, &lim, fmt, diag);
    if (imp) {
        ca_import_buffer(imp, "fuzz/20839284721@chatroom/g.csv", data, size);
        if (ca_import_finish(imp) == CA_OK) {
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            if (f) {
                ca_import_write_ndjson(imp, f);
                ca_import_write_summary(imp, f);
                fclose(f);
            }
            free(buf);
        }
    }
    ca_import_free(imp);
    ca_diag_free(diag);
    ca_config_free(&cfg);
    return 0;
}

#endif
