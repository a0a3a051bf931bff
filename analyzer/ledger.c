/*
 * ledger.c — the penalty ledger on SQLite (see ledger.h).  The schema keeps
 * what a reviewer or a disputing employee needs to trace a penalty to its
 * bytes: each finding's rule, person, conversation, time, message id,
 * evidence and source; and the runs that put them there.
 */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "ledger.h"
#include "run.h"

/* 1: the first schema; 2: reviews keep the sanction a confirmation
 * confirmed (column added to a version-1 ledger on its next write) */
#define LEDGER_SCHEMA_VERSION 2

struct ca_ledger {
    sqlite3 *db;
    char *path;     /* NULL: in memory */
    int in_txn;
    int busy_ms;
};

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS runs("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, period TEXT, time TEXT NOT NULL,"
    " tool_version TEXT NOT NULL, policy_hash TEXT, inputs TEXT, findings INTEGER, note TEXT);"
    "CREATE TABLE IF NOT EXISTS periods("
    " period TEXT PRIMARY KEY, messages INTEGER NOT NULL, findings INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS findings("
    " period TEXT NOT NULL, id TEXT NOT NULL, rule TEXT NOT NULL, class TEXT NOT NULL,"
    " person_id TEXT NOT NULL, person_name TEXT, department TEXT, level TEXT, platform TEXT,"
    " conv_id TEXT, conv_name TEXT, time_ms INTEGER NOT NULL, message_id TEXT, evidence TEXT,"
    " src TEXT, incident_id TEXT, PRIMARY KEY(period, id));"
    "CREATE INDEX IF NOT EXISTS findings_person ON findings(person_id);"
    "CREATE TABLE IF NOT EXISTS incidents("
    " id TEXT PRIMARY KEY, period TEXT NOT NULL, person_id TEXT NOT NULL, class TEXT NOT NULL,"
    " rule TEXT NOT NULL, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,"
    " findings INTEGER NOT NULL, offence_no INTEGER NOT NULL, status TEXT NOT NULL,"
    " sanction TEXT NOT NULL, fine_yuan INTEGER, points INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS reviews("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, finding_id TEXT NOT NULL,"
    " decision TEXT NOT NULL CHECK(decision IN ('confirmed','dismissed')),"
    " reason TEXT NOT NULL, time TEXT NOT NULL, sanction TEXT);"
    "CREATE INDEX IF NOT EXISTS reviews_finding ON reviews(finding_id);"
    "CREATE TABLE IF NOT EXISTS adjustments("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, incident_id TEXT NOT NULL, person_id TEXT NOT NULL,"
    " points INTEGER NOT NULL, reason TEXT NOT NULL, time TEXT NOT NULL);";

void ca_test_point(const char *point)
{
    const char *k = getenv("CA_TEST_KILL_AT");
    if (k && strcmp(k, point) == 0)
        raise(SIGKILL);
    const char *p = getenv("CA_TEST_PAUSE_AT");
    if (p && strcmp(p, point) == 0)
        sleep(60);
}

static int user_version(ca_ledger *l);

static const char *name_of(const ca_ledger *l)
{
    return l->path ? l->path : "(no ledger)";
}

static int fail(ca_ledger *l, const char *what)
{
    fprintf(stderr, "chataudit: %s: ledger: %s: %s\n", name_of(l), what, sqlite3_errmsg(l->db));
    return -1;
}

ca_ledger *ca_ledger_open(const char *path)
{
    ca_ledger *l = ca_calloc(1, sizeof *l);
    if (!l)
        return NULL;
    if (path && !(l->path = ca_strdup(path))) {
        ca_free(l);
        return NULL;
    }
    const char *busy = getenv("CA_LEDGER_BUSY_MS");
    l->busy_ms = busy && atoi(busy) >= 0 ? atoi(busy) : 5000;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path ? path : ":memory:", &l->db, flags, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "chataudit: %s: cannot open the ledger: %s\n", name_of(l),
                l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
        ca_ledger_close(l);
        return NULL;
    }
    sqlite3_busy_timeout(l->db, l->busy_ms);
    /* a file that is not a database shows here, at the first read */
    char *err = NULL;
    if (sqlite3_exec(l->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                            "PRAGMA foreign_keys=ON;", NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "chataudit: %s: cannot open the ledger: %s\n", name_of(l),
                err ? err : "unknown error");
        sqlite3_free(err);
        ca_ledger_close(l);
        return NULL;
    }
    /* every command, the reading ones too: a newer schema may mean other
     * things by the same columns */
    int v = user_version(l);
    if (v > LEDGER_SCHEMA_VERSION) {
        fprintf(stderr, "chataudit: %s: the ledger was written by a newer chataudit (schema %d, "
                        "this one knows %d)\n", name_of(l), v, LEDGER_SCHEMA_VERSION);
        ca_ledger_close(l);
        return NULL;
    }
    return l;
}

void ca_ledger_close(ca_ledger *l)
{
    if (!l)
        return;
    if (l->in_txn)
        ca_ledger_rollback(l);
    sqlite3_close(l->db);
    ca_free(l->path);
    ca_free(l);
}

const char *ca_ledger_path(const ca_ledger *l)
{
    return l->path;
}

static int user_version(ca_ledger *l)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(l->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

ca_status ca_ledger_begin(ca_ledger *l)
{
    int rc = sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        fprintf(stderr, "chataudit: %s: another run holds the ledger (waited %d s); try again "
                        "when it has finished\n", name_of(l), (l->busy_ms + 999) / 1000);
        return CA_FAILED;
    }
    if (rc != SQLITE_OK) {
        fail(l, "cannot start a transaction");
        return CA_FATAL;
    }
    l->in_txn = 1;
    int v = user_version(l);
    if (v > LEDGER_SCHEMA_VERSION) {
        fprintf(stderr, "chataudit: %s: the ledger was written by a newer chataudit (schema %d, "
                        "this one knows %d)\n", name_of(l), v, LEDGER_SCHEMA_VERSION);
        ca_ledger_rollback(l);
        return CA_FAILED;
    }
    char *err = NULL;
    int migrate = v == 1 && sqlite3_exec(l->db, "ALTER TABLE reviews ADD COLUMN sanction TEXT",
                                         NULL, NULL, &err) != SQLITE_OK;
    if (migrate || sqlite3_exec(l->db, schema_sql, NULL, NULL, &err) != SQLITE_OK ||
        sqlite3_exec(l->db, "PRAGMA user_version=2", NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "chataudit: %s: ledger: cannot create its tables: %s\n", name_of(l),
                err ? err : "unknown error");
        sqlite3_free(err);
        ca_ledger_rollback(l);
        return CA_FATAL;
    }
    return CA_OK;
}

int ca_ledger_commit(ca_ledger *l)
{
    ca_test_point("ledger-commit");
    if (sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(l, "cannot commit");
        ca_ledger_rollback(l);
        return -1;
    }
    l->in_txn = 0;
    ca_test_point("ledger-committed");
    return 0;
}

void ca_ledger_rollback(ca_ledger *l)
{
    if (l->in_txn)
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    l->in_txn = 0;
}

/* ------------------------------------------------------------ writes */

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static void utc_now(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Runs one prepared statement to completion; 0 / -1 (printed). */
static int step_done(ca_ledger *l, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) {
        fail(l, what);
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

static sqlite3_stmt *prepare(ca_ledger *l, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK) {
        fail(l, "cannot prepare a statement");
        return NULL;
    }
    return st;
}

int ca_ledger_add_run(ca_ledger *l, const ca_ledger_run *r)
{
    sqlite3_stmt *st = prepare(l, "INSERT INTO runs(kind,period,time,tool_version,policy_hash,"
                                  "inputs,findings,note) VALUES(?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    char now[32];
    utc_now(now);
    bind_text(st, 1, r->kind);
    bind_text(st, 2, r->period);
    bind_text(st, 3, now);
    bind_text(st, 4, CA_VERSION);
    bind_text(st, 5, r->policy_hash);
    bind_text(st, 6, r->inputs);
    if (r->findings >= 0)
        sqlite3_bind_int64(st, 7, r->findings);
    else
        sqlite3_bind_null(st, 7);
    bind_text(st, 8, r->note);
    return step_done(l, st, "cannot record the run");
}

static int exec_period(ca_ledger *l, const char *sql, const char *period)
{
    sqlite3_stmt *st = prepare(l, sql);
    if (!st)
        return -1;
    bind_text(st, 1, period);
    return step_done(l, st, "cannot update the period");
}

int ca_ledger_replace_period(ca_ledger *l, const char *period, const ca_lfinding *f, size_t n,
                             long messages, long all_findings)
{
    if (exec_period(l, "DELETE FROM findings WHERE period=?", period) < 0)
        return -1;
    sqlite3_stmt *st = prepare(l, "INSERT OR REPLACE INTO findings(period,id,rule,class,person_id,"
                                  "person_name,department,level,platform,conv_id,conv_name,"
                                  "time_ms,message_id,evidence,src) "
                                  "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!st)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const ca_lfinding *x = &f[i];
        sqlite3_reset(st);
        bind_text(st, 1, period);
        bind_text(st, 2, x->id);
        bind_text(st, 3, x->rule);
        bind_text(st, 4, x->pclass);
        bind_text(st, 5, x->person_id);
        bind_text(st, 6, x->person_name);
        bind_text(st, 7, x->department);
        bind_text(st, 8, x->level);
        bind_text(st, 9, x->platform);
        bind_text(st, 10, x->conv_id);
        bind_text(st, 11, x->conv_name);
        sqlite3_bind_int64(st, 12, x->time_ms);
        bind_text(st, 13, x->message_id);
        bind_text(st, 14, x->evidence);
        bind_text(st, 15, x->src);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fail(l, "cannot store a finding");
            sqlite3_finalize(st);
            return -1;
        }
    }
    sqlite3_finalize(st);
    ca_test_point("ledger-findings");
    st = prepare(l, "INSERT OR REPLACE INTO periods(period,messages,findings) VALUES(?,?,?)");
    if (!st)
        return -1;
    bind_text(st, 1, period);
    sqlite3_bind_int64(st, 2, messages);
    sqlite3_bind_int64(st, 3, all_findings);
    return step_done(l, st, "cannot store the period");
}

int ca_ledger_delete_period(ca_ledger *l, const char *period)
{
    sqlite3_stmt *st = prepare(l, "SELECT 1 FROM periods WHERE period=?");
    if (!st)
        return -1;
    bind_text(st, 1, period);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return 1;
    if (rc != SQLITE_ROW)
        return fail(l, "cannot read the periods");
    if (exec_period(l, "DELETE FROM findings WHERE period=?", period) < 0 ||
        exec_period(l, "DELETE FROM periods WHERE period=?", period) < 0)
        return -1;
    return 0;
}

int ca_ledger_add_review(ca_ledger *l, const char *finding_id, ca_review decision,
                         const char *reason, const char *sanction)
{
    sqlite3_stmt *st = prepare(l, "INSERT INTO reviews(finding_id,decision,reason,time,sanction) "
                                  "VALUES(?,?,?,?,?)");
    if (!st)
        return -1;
    char now[32];
    utc_now(now);
    bind_text(st, 1, finding_id);
    bind_text(st, 2, decision == CA_REVIEW_CONFIRMED ? "confirmed" : "dismissed");
    bind_text(st, 3, reason);
    bind_text(st, 4, now);
    if (decision == CA_REVIEW_CONFIRMED && sanction)
        bind_text(st, 5, sanction);
    else
        sqlite3_bind_null(st, 5);
    return step_done(l, st, "cannot record the review");
}

int ca_ledger_add_adjustment(ca_ledger *l, const char *incident_id, const char *person_id,
                             int points, const char *reason)
{
    sqlite3_stmt *st = prepare(l, "INSERT INTO adjustments(incident_id,person_id,points,reason,"
                                  "time) VALUES(?,?,?,?,?)");
    if (!st)
        return -1;
    char now[32];
    utc_now(now);
    bind_text(st, 1, incident_id);
    bind_text(st, 2, person_id);
    sqlite3_bind_int(st, 3, points);
    bind_text(st, 4, reason);
    bind_text(st, 5, now);
    return step_done(l, st, "cannot record the adjustment");
}

/* ------------------------------------------------------------- reads */

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static int tables_exist(ca_ledger *l)
{
    sqlite3_stmt *st = prepare(l, "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
                                  "name='findings'");
    if (!st)
        return -1;
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

static int load_findings(ca_ledger *l, ca_penalties *p)
{
    sqlite3_stmt *st = prepare(
        l, "SELECT f.period,f.id,f.rule,f.class,f.person_id,f.person_name,f.department,f.level,"
           "f.platform,f.conv_id,f.conv_name,f.time_ms,f.message_id,f.evidence,f.src,"
           "(SELECT r.decision||char(9)||r.reason FROM reviews r WHERE r.finding_id=f.id "
           " ORDER BY r.id DESC LIMIT 1),"
           "(SELECT r.sanction FROM reviews r WHERE r.finding_id=f.id "
           " ORDER BY r.id DESC LIMIT 1) FROM findings f");
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ca_lfinding f;
        memset(&f, 0, sizeof f);
        f.period = col(st, 0);
        f.id = col(st, 1);
        f.rule = col(st, 2);
        f.pclass = col(st, 3);
        f.person_id = col(st, 4);
        f.person_name = col(st, 5);
        f.department = col(st, 6);
        f.level = col(st, 7);
        f.platform = col(st, 8);
        f.conv_id = col(st, 9);
        f.conv_name = col(st, 10);
        f.time_ms = sqlite3_column_int64(st, 11);
        f.message_id = col(st, 12);
        f.evidence = col(st, 13);
        f.src = col(st, 14);
        const char *rv = col(st, 15);
        if (rv) {
            f.review = ca_starts_with(rv, "confirmed\t") ? CA_REVIEW_CONFIRMED : CA_REVIEW_DISMISSED;
            f.review_reason = strchr(rv, '\t') + 1;
            f.review_sanction = col(st, 16);
        }
        if (ca_penalties_add_finding(p, &f) < 0) {
            sqlite3_finalize(st);
            fprintf(stderr, "chataudit: %s: out of memory\n", name_of(l));
            return -1;
        }
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(l, "cannot read the findings");
}

static int load_rest(ca_ledger *l, ca_penalties *p)
{
    sqlite3_stmt *st = prepare(l, "SELECT incident_id,person_id,points,reason,time FROM "
                                  "adjustments ORDER BY id");
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ca_adjustment a = {col(st, 0), col(st, 1), col(st, 3),
                           col(st, 4), sqlite3_column_int(st, 2)};
        if (ca_penalties_add_adjustment(p, &a) < 0) {
            sqlite3_finalize(st);
            return -1;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return fail(l, "cannot read the adjustments");
    if (!(st = prepare(l, "SELECT period,messages,findings FROM periods ORDER BY period")))
        return -1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (ca_penalties_add_period(p, col(st, 0), (long)sqlite3_column_int64(st, 1),
                                    (long)sqlite3_column_int64(st, 2)) < 0) {
            sqlite3_finalize(st);
            return -1;
        }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(l, "cannot read the periods");
}

static int store_incidents(ca_ledger *l, const ca_penalties *p)
{
    if (sqlite3_exec(l->db, "DELETE FROM incidents; UPDATE findings SET incident_id=NULL",
                     NULL, NULL, NULL) != SQLITE_OK)
        return fail(l, "cannot clear the incidents");
    sqlite3_stmt *st = prepare(l, "INSERT OR REPLACE INTO incidents(id,period,person_id,class,"
                                  "rule,first_ms,last_ms,findings,offence_no,status,sanction,"
                                  "fine_yuan,points) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    sqlite3_stmt *up = prepare(l, "UPDATE findings SET incident_id=? WHERE period=? AND id=?");
    if (!st || !up) {
        sqlite3_finalize(st);
        sqlite3_finalize(up);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < p->n_incidents && rc == 0; i++) {
        const ca_incident *in = &p->incidents[i];
        sqlite3_reset(st);
        bind_text(st, 1, in->id);
        bind_text(st, 2, in->period);
        bind_text(st, 3, in->person_id);
        bind_text(st, 4, in->pclass);
        bind_text(st, 5, in->rule);
        sqlite3_bind_int64(st, 6, in->first_ms);
        sqlite3_bind_int64(st, 7, in->last_ms);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)in->n);
        sqlite3_bind_int(st, 9, in->offence_no);
        bind_text(st, 10, ca_incident_status_name(in->status));
        bind_text(st, 11, in->sanction);
        if (in->fine_yuan >= 0)
            sqlite3_bind_int64(st, 12, in->fine_yuan);
        else
            sqlite3_bind_null(st, 12);
        sqlite3_bind_int(st, 13, in->points);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = fail(l, "cannot store an incident");
        for (size_t k = 0; k < in->n && rc == 0; k++) {
            const ca_lfinding *f = &p->findings[in->first + k];
            sqlite3_reset(up);
            bind_text(up, 1, in->id);
            bind_text(up, 2, f->period);
            bind_text(up, 3, f->id);
            if (sqlite3_step(up) != SQLITE_DONE)
                rc = fail(l, "cannot link a finding to its incident");
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(up);
    return rc;
}

ca_penalties *ca_ledger_recompute(ca_ledger *l, const ca_policy *pol, const char *period,
                                  int store)
{
    ca_penalties *p = ca_penalties_new();
    if (!p || ca_penalties_set_context(p, period, l->path) < 0) {
        fprintf(stderr, "chataudit: %s: out of memory\n", name_of(l));
        ca_penalties_free(p);
        return NULL;
    }
    int have = tables_exist(l);
    if (have < 0 || (have > 0 && (load_findings(l, p) < 0 || load_rest(l, p) < 0))) {
        ca_penalties_free(p);
        return NULL;
    }
    if (ca_penalties_compute(p, pol) < 0) {
        fprintf(stderr, "chataudit: %s: out of memory\n", name_of(l));
        ca_penalties_free(p);
        return NULL;
    }
    if (store && store_incidents(l, p) < 0) {
        ca_penalties_free(p);
        return NULL;
    }
    return p;
}

int ca_ledger_print_runs(ca_ledger *l, void *out)
{
    FILE *f = out;
    int have = tables_exist(l);
    if (have <= 0)
        return have;
    sqlite3_stmt *st = prepare(l, "SELECT time,kind,ifnull(period,''),ifnull(findings,''),"
                                  "ifnull(note,''),tool_version FROM runs ORDER BY id");
    if (!st)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fprintf(f, "  %s  %-6s %-7s %6s  chataudit %s  %s\n", col(st, 0), col(st, 1), col(st, 2),
                col(st, 3), col(st, 5), col(st, 4));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(l, "cannot read the runs");
}

int ca_ledger_has_person(ca_ledger *l, const char *person_id)
{
    if (tables_exist(l) <= 0)
        return 0;
    sqlite3_stmt *st = prepare(l, "SELECT 1 FROM findings WHERE person_id=? LIMIT 1");
    if (!st)
        return -1;
    bind_text(st, 1, person_id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : fail(l, "cannot read the findings");
}

/* -------------------------------------------------------- the run step */

char *ca_ledger_default_path(const ca_config *cfg)
{
    const char *f = cfg->policy.ledger_file && *cfg->policy.ledger_file ? cfg->policy.ledger_file
                                                                         : "ledger.db";
    ca_buf b = CA_BUF_INIT;
    if (f[0] == '/')
        ca_buf_puts(&b, f);
    else
        ca_buf_printf(&b, "%s/%s", cfg->dir ? cfg->dir : ".", f);
    return ca_buf_detach(&b);
}

/* The period's penalty findings: a penalty class and a person. */
static int collect(const ca_penalty_run *r, ca_lfinding **out, size_t *n_out, ca_buf *srcs)
{
    const ca_findings *fs = r->findings;
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++)
        n += fs->items[i].penalty_class && fs->items[i].person_id;
    ca_lfinding *lf = ca_calloc(n ? n : 1, sizeof *lf);
    size_t *off = ca_calloc(n ? n : 1, sizeof *off);
    if (!lf || !off) {
        ca_free(lf);
        ca_free(off);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const ca_finding *f = &fs->items[i];
        if (!f->penalty_class || !f->person_id)
            continue;
        const ca_employee *e = ca_roster_by_id(r->cfg->roster, f->person_id);
        ca_lfinding *x = &lf[k];
        x->id = f->id;
        x->period = r->period;
        x->rule = f->rule;
        x->pclass = f->penalty_class;
        x->person_id = f->person_id;
        x->person_name = (f->person_name ? f->person_name : e ? e->name : NULL);
        x->department = (f->department ? f->department : e ? e->department : NULL);
        x->level = e ? e->level : NULL;
        x->platform = f->conv ? f->conv->platform : NULL;
        x->conv_id = f->conv ? f->conv->id : NULL;
        x->conv_name = f->conv ? f->conv->name : NULL;
        x->time_ms = f->time_ms;
        x->message_id = f->message_id;
        x->evidence = f->evidence;
        off[k] = (size_t)-1;
        if (f->src_path) {
            off[k] = srcs->len;
            if (f->src_line > 0)
                ca_buf_printf(srcs, "%s:%ld", f->src_path, f->src_line);
            else
                ca_buf_puts(srcs, f->src_path);
            ca_buf_putc(srcs, '\0');
        }
        k++;
    }
    if (srcs->oom) {
        ca_free(lf);
        ca_free(off);
        return -1;
    }
    for (size_t i = 0; i < k; i++)
        lf[i].src = off[i] == (size_t)-1 ? NULL : srcs->data + off[i];
    ca_free(off);
    *out = lf;
    *n_out = k;
    return 0;
}

int ca_ledger_record(const ca_penalty_run *r, ca_penalties **out)
{
    *out = NULL;
    ca_lfinding *lf = NULL;
    size_t n = 0;
    ca_buf srcs = CA_BUF_INIT, inputs = CA_BUF_INIT, pol = CA_BUF_INIT;
    if (collect(r, &lf, &n, &srcs) < 0) {
        ca_buf_free(&srcs);
        return 3;
    }
    for (size_t i = 0; i < r->n_inputs; i++)
        ca_buf_printf(&inputs, "%s %llu %s\n", r->inputs[i].sha256,
                      (unsigned long long)r->inputs[i].bytes, r->inputs[i].path);
    char policy_hash[65] = "";
    ca_buf_printf(&pol, "%s/policy.ini", r->cfg->dir ? r->cfg->dir : ".");
    if (pol.oom || ca_sha256_path(ca_buf_cstr(&pol), policy_hash, NULL) != 0)
        snprintf(policy_hash, sizeof policy_hash, "none");
    int rc = 0;
    ca_ledger *l = ca_ledger_open(r->ledger_path);
    if (!l)
        rc = 1;
    if (l)
        ca_test_point("ledger-open"); /* before the transaction */
    ca_status st = l ? ca_ledger_begin(l) : CA_FAILED;
    if (l && st != CA_OK)
        rc = st == CA_FAILED ? 1 : 3;
    if (rc == 0)
        ca_test_point("ledger-begin");
    ca_ledger_run run = {"run", r->period, policy_hash, ca_buf_cstr(&inputs),
                         (long)r->findings->n, NULL};
    if (rc == 0 && (inputs.oom || ca_ledger_replace_period(l, r->period, lf, n, r->messages,
                                                          (long)r->findings->n) < 0 ||
                    ca_ledger_add_run(l, &run) < 0))
        rc = 3;
    ca_penalties *p = rc == 0 ? ca_ledger_recompute(l, &r->cfg->policy, r->period, 1) : NULL;
    if (rc == 0 && !p)
        rc = 3;
    if (rc == 0 && ca_ledger_commit(l) < 0)
        rc = 3;
    if (rc != 0) {
        ca_penalties_free(p);
        p = NULL;
    }
    ca_ledger_close(l);
    ca_free(lf);
    ca_buf_free(&srcs);
    ca_buf_free(&inputs);
    ca_buf_free(&pol);
    *out = p;
    return rc;
}
