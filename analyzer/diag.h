/*
 * diag.h — bounded diagnostics.  Every problem found in the input is kept
 * with its file and line, up to a limit per file; beyond it only a count is
 * kept, so a million bad rows cannot exhaust memory, yet nothing is lost
 * silently (the count is reported).
 */
#ifndef CA_DIAG_H
#define CA_DIAG_H

#include <stdio.h>
#include "ca.h"

typedef enum {
    CA_DIAG_NOTE = 0,   /* informational: shown in the summary only */
    CA_DIAG_WARN = 1,   /* data kept but doubtful (bad bytes replaced, ...) */
    CA_DIAG_ERROR = 2   /* data lost: a record, an entry or a file skipped */
} ca_diag_level;

typedef struct ca_diag_item {
    ca_diag_level level;
    char *file;   /* display path, e.g. "oct.zip!wechat/a.csv" */
    long line;    /* 0 when not applicable */
    char *msg;
} ca_diag_item;

typedef struct ca_diag ca_diag;

/* max_per_file: how many items of one file are kept (0: default 50). */
ca_diag *ca_diag_new(size_t max_per_file);
void ca_diag_free(ca_diag *d);
/* Records a problem.  file may be NULL.  Never fails visibly: on oom the
 * item is counted as suppressed. */
void ca_diag_add(ca_diag *d, ca_diag_level level, const char *file, long line,
                 const char *fmt, ...) CA_PRINTF(5, 6);
void ca_diag_vadd(ca_diag *d, ca_diag_level level, const char *file, long line,
                  const char *fmt, va_list ap) CA_PRINTF(5, 0);
/* Counts of recorded problems (kept and suppressed) at a level. */
size_t ca_diag_count(const ca_diag *d, ca_diag_level level);
/* Kept items in the order recorded. */
size_t ca_diag_len(const ca_diag *d);
const ca_diag_item *ca_diag_at(const ca_diag *d, size_t i);
size_t ca_diag_suppressed(const ca_diag *d);
/* The max_per_file d was made with (the default resolved). */
size_t ca_diag_max_per_file(const ca_diag *d);
/* Moves every item of src to the end of dst (src is left empty). */
void ca_diag_merge(ca_diag *dst, ca_diag *src);
/* Writes "chataudit: FILE:LINE: msg" lines (warnings and errors) to f,
 * then a line for the suppressed count if any. */
void ca_diag_print(const ca_diag *d, FILE *f, ca_diag_level min_level);

#endif
