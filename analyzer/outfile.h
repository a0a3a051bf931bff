/*
 * outfile.h — how reports reach the disk: every output is written to a
 * temporary name in its own folder and renamed into place once complete and
 * synced, so a crash or a full disk never leaves half a report under the
 * real name.  Also the few tallies more than one report writer needs.
 */
#ifndef CA_OUTFILE_H
#define CA_OUTFILE_H

#include <stdio.h>
#include "buf.h"
#include "finding.h"
#include "importer.h"

/*
 * Opens "<path>.tmp.<pid>" for writing (created exclusively, mode 0666 less
 * the umask; a stale file of that name is replaced).  Returns the stream
 * and sets *tmp_path to the temporary name (owned by the caller, handed
 * back to ca_outfile_commit or ca_outfile_abort, which free it).  On error
 * prints "chataudit: PATH: cannot write: <reason>" and returns NULL with
 * *tmp_path NULL and errno set.
 */
FILE *ca_outfile_open(const char *path, char **tmp_path);

/*
 * Flushes, fsyncs and closes f, then renames tmp_path to path.  Returns 0;
 * or -1 after removing the temporary file and printing
 * "chataudit: PATH: cannot write: <reason>" (a write error seen earlier on
 * f counts too).  Always closes f and frees tmp_path.
 */
int ca_outfile_commit(FILE *f, char *tmp_path, const char *path);

/* Closes f, removes the temporary file and frees tmp_path; prints nothing.
 * Either argument may be NULL. */
void ca_outfile_abort(FILE *f, char *tmp_path);

/* ca_outfile_abort, then prints "chataudit: PATH: cannot write: <strerror
 * (err)>".  Returns -1, so a writer can `return ca_outfile_fail(...)`. */
int ca_outfile_fail(FILE *f, char *tmp_path, const char *path, int err);

/*
 * Writes b's contents to f and empties b (writers build output in a buffer
 * and hand it over in blocks).  Returns 0; or -1 with errno set: ENOMEM
 * when b ran out of memory (its oom flag), else the write's error.
 */
int ca_outfile_write_buf(FILE *f, ca_buf *b);

/*
 * Writes a CSV report to path through a temporary name: a UTF-8 BOM, the
 * header line (given without its CRLF), then row(b, ctx, i) for every i in
 * [0, n) — a row appends its cells and CRLF, or nothing to skip i.  Returns
 * 0, or -1 with the reason printed as "chataudit: PATH: cannot write: ...".
 */
int ca_write_csv_report(const char *path, const char *header, size_t n,
                        void (*row)(ca_buf *b, const void *ctx, size_t i), const void *ctx);

/* ---- HTML pieces shared by the report writers (reports/outfile.c) ---- */

/* Appends s as HTML text, cut to at most max bytes at a character
 * boundary, with "…" when cut. */
void ca_html_clipped(ca_buf *b, const char *s, size_t max);
/* Appends ms as "YYYY-MM-DD HH:MM:SS" in the zone tz_offset_min (the
 * reports name the zone once, in their header). */
void ca_report_local_time(ca_buf *b, int tz_offset_min, int64_t ms);
/* The company's name for report titles ([company] name), "" when unset. */
const char *ca_report_company(const ca_config *cfg);

/* ---- tallies shared by the report writers (reports/report_common.c) ---- */

/* "info", "minor", "major", "critical". */
const char *ca_severity_name(ca_severity s);

/*
 * What a rule id of SPEC §6 is about, in a few words of Chinese (the
 * policy's language), or NULL for an id the table does not know.  *order
 * (may be NULL) receives the rule's position in the policy's clause order
 * (3.1.1 group.create ... 5.1.3 reply.public); unknown ids get a position
 * after every known one.
 */
const char *ca_rule_title(const char *rule, int *order);

typedef enum { CA_COUNT_RULE, CA_COUNT_DEPARTMENT, CA_COUNT_PERSON } ca_count_by;

/* Findings counted under one key. */
typedef struct ca_count {
    const ca_finding *first; /* the first finding counted: its rule, clause,
                                department, person id and name label the row */
    size_t n;
    size_t by_severity[CA_SEV_CRITICAL + 1];
    size_t persons;          /* CA_COUNT_DEPARTMENT: distinct persons */
} ca_count;

/*
 * Counts f's findings by rule, by department (a missing department is one
 * key of its own) or by person (person_id, else person_name; findings
 * naming no one are left out).  Rows by rule come in clause order, then
 * unknown ids by name; by department and person, most findings first,
 * then by key.  Sets *out (a ca_malloc'd array, NULL when empty) and *n.
 * Returns 0, or -1 on out of memory.
 */
int ca_count_findings(const ca_findings *f, ca_count_by by, ca_count **out, size_t *n);

/* A sender of messages that no roster entry matched. */
typedef struct ca_unresolved {
    const char *platform, *sender, *name; /* name: as first seen */
    size_t messages;
} ca_unresolved;

/*
 * The unresolved senders: messages whose employee is NULL with a time in
 * [from_ms, to_ms) (every message when to_ms <= from_ms), counted by
 * platform and sender, a conversation at a time (the run does not hold the
 * events): each conversation's events are added with its index in output
 * order, per thread in tallies merged at the end; a sender's name is the
 * one its first message in output order shows; the strings are copied.
 * Each returns 0, or -1 on out of memory.  The list is one ca_malloc'd
 * block, strings included: most messages first, then platform and sender.
 */
typedef struct ca_unresolved_tally ca_unresolved_tally;
ca_unresolved_tally *ca_unresolved_tally_new(void);
void ca_unresolved_tally_free(ca_unresolved_tally *t);
int ca_unresolved_tally_add(ca_unresolved_tally *t, const ca_event *const *ev, size_t n, size_t conv,
                            int64_t from_ms, int64_t to_ms);
int ca_unresolved_tally_merge(ca_unresolved_tally *dst, const ca_unresolved_tally *src);
int ca_unresolved_tally_list(const ca_unresolved_tally *t, ca_unresolved **out, size_t *n);

/*
 * The private chats among the n conversations (ca_conv.private_chat: one-
 * to-one, not audited, convkind.h): returns how many, and sets *messages to
 * their messages in the period (ca_conv.period_messages).
 */
size_t ca_private_chats(const ca_conv *convs, size_t n, size_t *messages);

#endif
