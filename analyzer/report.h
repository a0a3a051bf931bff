/*
 * report.h — what the report writers get: the run's findings, its
 * conversations and the import's data-quality facts.  Reports read this and
 * write files; they change nothing.  Every writer writes to a temporary
 * name and renames, so a crash never leaves half a report.
 */
#ifndef CA_REPORT_H
#define CA_REPORT_H

#include "config.h"
#include "diag.h"
#include "finding.h"
#include "importer.h"
#include "outfile.h"
#include "penalty.h"

typedef struct ca_input_file {
    const char *path;      /* as named on the command line */
    char sha256[65];       /* hex */
    uint64_t bytes;
} ca_input_file;

typedef struct ca_report {
    const ca_config *cfg;
    const char *period;          /* "2026-11" */
    int64_t period_start_ms, period_end_ms;
    const char *tool_version;    /* CA_VERSION */
    const ca_input_file *inputs;
    size_t n_inputs;
    const ca_conv *convs;        /* every conversation, sorted */
    size_t n_convs;
    const ca_findings *findings; /* finalized: sorted, ids set */
    const ca_import *imp;        /* files, formats */
    const ca_unresolved *unresolved; /* senders the roster does not know, with their */
    size_t n_unresolved;             /* messages in the period (ca_unresolved_tally) */
    const ca_diag *diag;         /* data-quality warnings and errors */
    size_t n_messages;           /* messages in the period */
    const ca_penalties *pen;     /* incidents of every period up to this one, from the
                                    ledger (computed); NULL when penalties were not run */
} ca_report;

/* Each returns 0, or -1 with errno-style reason printed to stderr as
 * "chataudit: PATH: cannot write: ...". */
int ca_write_findings_csv(const ca_report *r, const char *path);
int ca_write_compliance_html(const ca_report *r, const char *path);
int ca_write_index_html(const ca_report *r, const char *path);
int ca_write_penalties_csv(const ca_report *r, const char *path);
int ca_write_penalties_html(const ca_report *r, const char *path);
/* The MIME message of SPEC §9 (reports/email.c): index.html as the body
 * with a plain-text alternative, and the files of outdir named in files[]
 * attached.  Same contract as the writers above. */
int ca_write_email(const ca_report *r, const char *outdir, const char *const *files,
                   size_t n_files, const char *path);
/* latency.csv and latency.html: the reply rules' tracked messages. */
int ca_write_latency_csv(const ca_report *r, const char *path);
int ca_write_latency_html(const ca_report *r, const char *path);
/* Appends index.html's latency headline (a heading and a small table of
 * tracked, on-time share, breached, unanswered and open per reply rule;
 * inline styles only, for mail clients) to b.  0, or -1 on oom. */
int ca_write_latency_headline(ca_buf *b, const ca_report *r);

#endif
