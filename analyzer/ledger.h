/*
 * ledger.h — the penalty ledger (SPEC §7): a SQLite database (WAL) holding
 * every audited period's penalty findings, the reviewers' decisions, the
 * executive office's adjustments, the runs, and the incidents derived from
 * them.  Every change is one transaction: a process killed at any moment
 * leaves the ledger as it was before or after, never between.  Incidents
 * are recomputed from all the findings inside each transaction
 * (analyzer/penalty.c), so a run for an earlier month renumbers the later
 * ones.
 *
 * Lifecycle: ca_ledger_open, ca_ledger_begin, changes, ca_ledger_recompute,
 * ca_ledger_commit (or ca_ledger_rollback), ca_ledger_close.
 */
#ifndef CA_LEDGER_H
#define CA_LEDGER_H

#include "config.h"
#include "finding.h"
#include "penalty.h"
#include "report.h"

typedef struct ca_ledger ca_ledger;

/*
 * Opens (creating when absent) the ledger at path; NULL path: a private
 * in-memory ledger (--no-ledger: the run's own findings only, nothing
 * kept).  Sets WAL, synchronous FULL and a busy timeout (5 s, or the
 * CA_LEDGER_BUSY_MS environment variable).  Returns the handle, or NULL
 * after printing "chataudit: PATH: cannot open the ledger: <why>" (or, for
 * a ledger of a newer schema, "... written by a newer chataudit ...").
 */
ca_ledger *ca_ledger_open(const char *path);
void ca_ledger_close(ca_ledger *l);
/* The path given to open, or NULL for an in-memory ledger. */
const char *ca_ledger_path(const ca_ledger *l);

/*
 * Starts the write transaction (BEGIN IMMEDIATE, after creating the schema
 * if needed).  When another process holds the ledger past the busy
 * timeout, prints "chataudit: PATH: another run holds the ledger ..." and
 * returns CA_FAILED; other errors are printed and return CA_FATAL.
 */
ca_status ca_ledger_begin(ca_ledger *l);
/* Commits; 0, or -1 after printing why (the transaction is rolled back). */
int ca_ledger_commit(ca_ledger *l);
/* Rolls back an open transaction, if any. */
void ca_ledger_rollback(ca_ledger *l);

/* A line of the runs table: what was done, when (wall clock, set here), by
 * which tool and policy, on which inputs. */
typedef struct ca_ledger_run {
    const char *kind;          /* "run", "review", "adjust", "undo" */
    const char *period;        /* may be NULL */
    const char *policy_hash;   /* SHA-256 of policy.ini, may be NULL */
    const char *inputs;        /* "sha256 bytes path" lines, may be NULL */
    long findings;             /* findings of the run, -1: none */
    const char *note;          /* may be NULL */
} ca_ledger_run;
int ca_ledger_add_run(ca_ledger *l, const ca_ledger_run *r);

/*
 * Replaces the period's findings and totals by these (reviews and
 * adjustments are kept: they are keyed by the stable finding and incident
 * ids).  In a transaction.  0, or -1 after printing why.
 */
int ca_ledger_replace_period(ca_ledger *l, const char *period, const ca_lfinding *f, size_t n,
                             long messages, long all_findings);
/* Removes a period's findings and totals (undo).  1 when the period was
 * not in the ledger, 0 when removed, -1 on error (printed). */
int ca_ledger_delete_period(ca_ledger *l, const char *period);
/* Records a review of a finding; a confirmation keeps the sanction it
 * confirms (a later renumbering to another sanction makes the incident a
 * proposal again).  0 / -1. */
int ca_ledger_add_review(ca_ledger *l, const char *finding_id, ca_review decision,
                         const char *reason, const char *sanction);
/* Records an adjustment of an incident.  0 / -1. */
int ca_ledger_add_adjustment(ca_ledger *l, const char *incident_id, const char *person_id,
                             int points, const char *reason);

/*
 * Loads every finding (with its latest review), adjustment and period
 * total, computes incidents (ca_penalties_compute with pol) and, when
 * store is set (inside a transaction), rewrites the incidents table and
 * each finding's incident id.  Returns the penalties (caller frees with
 * ca_penalties_free), with period and the ledger path set; NULL after
 * printing why.
 */
ca_penalties *ca_ledger_recompute(ca_ledger *l, const ca_policy *pol, const char *period,
                                  int store);

/* The runs table, oldest first, as "time kind period findings note" lines
 * to out (FILE *).  0 / -1. */
int ca_ledger_print_runs(ca_ledger *l, void *out);
/* Whether the ledger's findings table names this person. 1 / 0 / -1. */
int ca_ledger_has_person(ca_ledger *l, const char *person_id);

/*
 * The ledger file `chataudit run` uses when not told otherwise: [files]
 * ledger, relative to the configuration folder.  ca_malloc'd; NULL on oom.
 */
char *ca_ledger_default_path(const ca_config *cfg);

/*
 * The penalty step of `chataudit run`: records the period's penalty
 * findings in the ledger at ledger_path (NULL: in memory, nothing kept) in
 * one transaction with a run record, recomputes every incident and sets
 * *out to the result for the reports.  Returns an exit status of SPEC §2:
 * 0; 1 when the ledger cannot be opened or another run holds it; 3 on an
 * internal error.  Messages are printed.
 */
typedef struct ca_penalty_run {
    const ca_config *cfg;
    const char *ledger_path;
    const char *period;
    const ca_findings *findings;   /* finalized */
    const ca_input_file *inputs;
    size_t n_inputs;
    long messages;
} ca_penalty_run;
int ca_ledger_record(const ca_penalty_run *r, ca_penalties **out);

/* `chataudit ledger ...` (argv[0] = "ledger"): list, show, review, adjust,
 * undo.  Returns the exit status of SPEC §2; messages go to stderr. */
int ca_ledger_main(int argc, char **argv);

/* Test hook: when the environment variable CA_TEST_KILL_AT equals point,
 * the process kills itself with SIGKILL; when CA_TEST_PAUSE_AT does, it
 * sleeps for 60 s.  The ledger's crash-safety tests use it. */
void ca_test_point(const char *point);

#endif
