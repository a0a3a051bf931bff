/*
 * common.h — helpers the CSV-based parsers share: header signatures,
 * the conversation named by a file, and field access by column name.
 */
#ifndef CA_PARSERS_COMMON_H
#define CA_PARSERS_COMMON_H

#include "../analyzer/convkind.h"
#include "../analyzer/csvrows.h"
#include "../analyzer/format.h"

/* 1 if the first line of head (before CR/LF) equals sig exactly. */
int pc_first_line_is(const char *head, const char *sig);
/* 1 if the first line of head starts with sig followed by a comma or the
 * end of the line. */
int pc_first_line_starts(const char *head, const char *sig);

/* The conversation a file names: its base name without the extension and
 * the given suffixes ("_utf8"), or the "<digits>@chatroom" in a folder
 * or file name of the path when there is one.  Sink-owned. */
const char *pc_conv_from_path(ca_sink *s, const ca_entry *e, const char *const *suffixes);

/* Column index of name in the header fields, or -1. */
int pc_col(char **fields, size_t n, const char *name);

/* Sink-owned copy of field i, or NULL when i is out of range or the field
 * is empty. */
const char *pc_field(ca_sink *s, char **f, size_t *fl, size_t nf, int i);
/* Interned copy (ids, names). */
const char *pc_ifield(ca_sink *s, char **f, size_t *fl, size_t nf, int i);
/* Field i itself (the reader's, valid until the next record), or NULL as
 * pc_field: for a field that is only looked at (a time to parse) or copied
 * later only when used. */
const char *pc_rawfield(char **f, size_t *fl, size_t nf, int i);

/* Parses a time field; on failure reports "expected a time ..." through
 * the sink (error: record skipped) and returns -1. */
int pc_time(ca_sink *s, long line, const char *field, int64_t *ms, uint32_t *flags);

/* Runs the CSV reader over the entry, skipping the header, calling row()
 * for each record; malformed records and records with too few fields
 * (min_fields) are reported as errors and skipped. */
typedef ca_status (*pc_row_fn)(void *ud, ca_sink *s, long line, char **f, size_t *fl,
                               size_t nf);
typedef ca_status (*pc_header_fn)(void *ud, ca_sink *s, char **f, size_t nf);
ca_status pc_read_csv(const ca_entry *e, ca_sink *s, size_t min_fields,
                      pc_header_fn header, pc_row_fn row, void *ud);

/* Number of commas in the first line of head (a CSV's column count - 1). */
int pc_first_line_commas(const char *head);

/* Sink-owned copy of a decoded string (JSON) of n bytes in which NUL
 * bytes, which would cut the text short, become U+FFFD; each is reported
 * as a warning at line.  NULL on oom. */
const char *pc_clean_str(ca_sink *s, long line, const char *p, size_t n);


#endif
