/*
 * run.h — `chataudit run`: inputs → import → conversations → rules on
 * worker threads → findings → reports.
 */
#ifndef CA_RUN_H
#define CA_RUN_H

#include "ca.h"

typedef struct ca_run_opts {
    const char *config;        /* -c (NULL: ./config) */
    const char *period;        /* --period YYYY-MM or NULL */
    const char *outdir;        /* -o or NULL (reports/YYYY-MM) */
    int jobs;                  /* -j, 0: online CPUs */
    int quiet;
    int events;                /* --events: also write events.ndjson */
    char *const *inputs;
    size_t n_inputs;
    const char *ledger;        /* --ledger FILE, NULL: [files] ledger of the config */
    int no_ledger;             /* --no-ledger: this month's findings only, nothing kept */
    const char *email;         /* --email FILE.eml or NULL */
    /* --screenshot FILE (repeatable): verified against the import (SPEC
     * §8); verify-<name>.html/.json in OUTDIR, and a redline.tamper
     * finding when a screenshot is altered, fabricated or selective */
    const char *const *screenshots;
    size_t n_screenshots;
} ca_run_opts;

/* Runs the audit; returns the exit status of SPEC §2 (0, 1, 2, 3, 4). */
int ca_run(const ca_run_opts *o);

/* SHA-256 of a file, or of a folder (its files' relative paths and
 * hashes, in sorted order), as 64 hex digits.  0 or -1 (errno set). */
int ca_sha256_path(const char *path, char out[65], uint64_t *bytes);

#endif

/* ---- evaluation of the content rules on labelled text (tests/eval) ---- */

typedef struct ca_evaluator ca_evaluator;

/* Loads the configuration folder (policy.ini and its lexicons) as a run
 * would; problems go to stderr.  NULL when it cannot be loaded. */
ca_evaluator *ca_evaluator_new(const char *config_dir);
void ca_evaluator_free(ca_evaluator *ev);

/* Runs every rule on text as one text message of an ordinary group and
 * returns how many findings came out; the ids of the rules that fired go
 * to rules[0..max) (static strings).  -1 on out of memory. */
int ca_evaluator_run(ca_evaluator *ev, const char *text, const char **rules, size_t max);
