/*
 * csvrows.h — pull-style CSV records (libcsv's strict RFC 4180 dialect, see csvrows.c), with
 * the line each record starts on.  Embedded CR LF / CR in quoted fields
 * become LF.  A malformed record is reported and skipped; reading goes on
 * at the next line.
 */
#ifndef CA_CSVROWS_H
#define CA_CSVROWS_H

#include "ca.h"

typedef struct ca_csv ca_csv;

/* Opens a reader over text[0..len) (borrowed; must outlive the reader).
 * max_record: longest record accepted in bytes.  NULL on oom. */
ca_csv *ca_csv_open(const char *text, size_t len, size_t max_record);
void ca_csv_close(ca_csv *c);

/*
 * Reads the next record.  On CA_OK, *fields / *lens hold *nfields
 * NUL-terminated fields (borrowed until the next call) and *line is the
 * 1-based line the record starts on.  Returns CA_EOF at the end, CA_FAILED
 * for a malformed record (ca_csv_errmsg says what; *line is set; the next
 * call continues after it), CA_FATAL on out of memory.
 */
ca_status ca_csv_next(ca_csv *c, char ***fields, size_t **lens, size_t *nfields,
                      long *line);
const char *ca_csv_errmsg(const ca_csv *c);

#endif
