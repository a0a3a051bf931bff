/*
 * test_ledger.c — the penalty ledger end to end: the chataudit binary run
 * on the two sample months (samples/2026-10, samples/2026-11) with a
 * ledger in a temporary folder, the `ledger` subcommands, a run killed
 * with SIGKILL at each named point of its transaction, two runs at once;
 * and the ledger API with synthetic reply findings (the reply rules live
 * on another branch).
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "ledger.h"

#define CONFIG CA_SOURCE_DIR "/samples/config"
#define OCT_IN CA_SOURCE_DIR "/samples/2026-10"
#define NOV_IN CA_SOURCE_DIR "/samples/2026-11"

static char dir[256];

static void fresh_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/ca_ledger_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
}

static void cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

/* Runs a shell command (printf format); returns the exit status, or
 * 128 + the signal that ended it. */
static int sh(const char *fmt, ...) CA_PRINTF(1, 2);
static int sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    if (st == -1)
        return -1;
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return WEXITSTATUS(st);
}

/* chataudit run of one month into OUTDIR dir/out, ledger dir/ledger.db. */
static int run_month(const char *input, const char *out, const char *env)
{
    return sh("cd '%s' && %s '%s' run -c '%s' -o '%s/%s' --ledger '%s/ledger.db' -j 2 --quiet "
              "'%s' 2>>'%s/stderr'",
              dir, env ? env : "", CA_BINARY, CONFIG, dir, out, dir, input, dir);
}

static char *slurp(const char *fmt, ...) CA_PRINTF(1, 2);
static char *slurp(const char *fmt, ...)
{
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    FILE *f = fopen(path, "rb");
    if (!f)
        return strdup("");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    s[fread(s, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return s;
}

/* Every table but the runs, as text: what "the same ledger contents (run
 * records aside)" means. */
static char *dump(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    sqlite3 *db;
    size_t cap = 1 << 20, len = 0;
    char *out = calloc(1, cap);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return out;
    }
    const char *q[] = {
        "SELECT period,messages,findings FROM periods ORDER BY period",
        "SELECT period,id,rule,class,person_id,person_name,department,level,platform,conv_id,"
        "conv_name,time_ms,message_id,evidence,src,incident_id FROM findings ORDER BY period,id",
        "SELECT id,period,person_id,class,rule,first_ms,last_ms,findings,offence_no,status,"
        "sanction,fine_yuan,points FROM incidents ORDER BY id",
        "SELECT finding_id,decision,reason FROM reviews ORDER BY id",
        "SELECT incident_id,person_id,points,reason FROM adjustments ORDER BY id"};
    for (size_t k = 0; k < sizeof q / sizeof *q; k++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, q[k], -1, &st, NULL) != SQLITE_OK)
            continue;
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                const char *v = (const char *)sqlite3_column_text(st, c);
                len += (size_t)snprintf(out + len, cap - len, "%s|", v ? v : "NULL");
            }
            len += (size_t)snprintf(out + len, cap - len, "\n");
        }
        sqlite3_finalize(st);
        len += (size_t)snprintf(out + len, cap - len, "--\n");
    }
    sqlite3_close(db);
    return out;
}

static char *query1(const char *sql)
{
    char path[300];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    sqlite3 *db;
    char *r = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
                r = strdup((const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(db);
    return r ? r : strdup("");
}

static int same_file(const char *a, const char *b)
{
    return sh("cmp -s '%s/%s' '%s/%s'", dir, a, dir, b) == 0;
}

static const char *const reports[] = {"findings.csv", "penalties.csv", "penalties.html",
                                      "index.html", "compliance.html"};

/* The line of penalties.csv for person and class, or NULL. */
static char *row_of(const char *csv, const char *person, const char *pclass)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s,", person);
    for (const char *p = strstr(csv, key); p; p = strstr(p + 1, key)) {
        const char *end = strstr(p + 1, "\r\n");
        size_t n = end ? (size_t)(end - p - 1) : strlen(p + 1);
        char *line = strndup(p + 1, n);
        char c[32];
        snprintf(c, sizeof c, ",%s,", pclass);
        if (strstr(line, c))
            return line;
        free(line);
    }
    return NULL;
}

static void check_row(const char *out, const char *person, const char *pclass, const char *want)
{
    char *csv = slurp("%s/%s/penalties.csv", dir, out);
    char *row = row_of(csv, person, pclass);
    if (!row || !strstr(row, want)) {
        fprintf(stderr, "%s: %s %s: row \"%s\" lacks \"%s\"\n", out, person, pclass,
                row ? row : "(none)", want);
        check_failures++;
    }
    free(row);
    free(csv);
}

TEST(two_months_escalate)
{
    fresh_dir();
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    CHECK_INT(run_month(NOV_IN, "nov", NULL), 0);
    /* October: first offences; the three-message rant is one incident */
    check_row("oct", "E3002", "redline", ",redline,1,");
    check_row("oct", "E3002", "redline", "严重警告+全额扣除当月绩效,,0,proposed");
    check_row("oct", "E4005", "content", ",content,1,");
    check_row("oct", "E4005", "content", "通报批评,0,0,applied");
    char *n = query1("SELECT findings FROM incidents WHERE period='2026-10' AND class='redline'");
    CHECK_STR(n, "3");
    free(n);
    /* November: the second red line proposes termination; the second
     * content incident costs 50 yuan */
    check_row("nov", "E3002", "redline", ",redline,2,");
    check_row("nov", "E3002", "redline", "解除劳动合同+报送当地治安机关,0,0,proposed");
    check_row("nov", "E4005", "content", ",content,2,");
    check_row("nov", "E4005", "content", "扣除绩效50元,50,0,applied");
    /* others stay first offences */
    check_row("nov", "E4002", "content", ",content,1,");
    /* findings.csv names the incident */
    char *csv = slurp("%s/nov/findings.csv", dir);
    char *id = query1("SELECT id FROM incidents WHERE period='2026-11' AND person_id='E3002'");
    CHECK(*id && strstr(csv, id));
    free(id);
    free(csv);
    /* the summary shows the trend over both months and the proposals */
    char *idx = slurp("%s/nov/index.html", dir);
    CHECK(strstr(idx, "月度趋势") && strstr(idx, ">2026-10<") && strstr(idx, ">2026-11<"));
    CHECK(strstr(idx, "解除劳动合同"));
    /* the email body: small, no script, no SVG, nothing fetched */
    CHECK(strlen(idx) < 100 * 1024);
    CHECK(!strstr(idx, "<script") && !strstr(idx, "<svg") && !strstr(idx, "src=") &&
          !strstr(idx, "<link") && !strstr(idx, "<style"));
    free(idx);
    char *html = slurp("%s/nov/penalties.html", dir);
    CHECK(strstr(html, "历史 History"));
    CHECK(strstr(html, "第 2 次"));
    free(html);
    cleanup();
}

TEST(rerun_gives_same_ledger_and_identical_reports)
{
    fresh_dir();
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    CHECK_INT(run_month(NOV_IN, "nov", NULL), 0);
    char *d1 = dump();
    CHECK_INT(run_month(NOV_IN, "nov2", "CA_UNUSED=1"), 0);
    char *d2 = dump();
    CHECK_STR(d2, d1);
    CHECK(strlen(d1) > 100);
    for (size_t i = 0; i < sizeof reports / sizeof *reports; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "nov/%s", reports[i]);
        snprintf(b, sizeof b, "nov2/%s", reports[i]);
        if (!same_file(a, b)) {
            fprintf(stderr, "%s differs after a re-run\n", reports[i]);
            check_failures++;
        }
    }
    char *runs = query1("SELECT count(*) FROM runs WHERE kind='run'");
    CHECK_STR(runs, "3");
    free(runs);
    free(d1);
    free(d2);
    cleanup();
}

TEST(earlier_month_renumbers_later_one)
{
    fresh_dir();
    CHECK_INT(run_month(NOV_IN, "nov", NULL), 0);
    check_row("nov", "E3002", "redline", ",redline,1,");
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    char *no = query1("SELECT offence_no FROM incidents WHERE period='2026-11' AND "
                      "person_id='E3002' AND class='redline'");
    CHECK_STR(no, "2");
    free(no);
    char *sanction = query1("SELECT sanction FROM incidents WHERE period='2026-11' AND "
                            "person_id='E4005'");
    CHECK_STR(sanction, "扣除绩效50元");
    free(sanction);
    /* October's report does not depend on November being recorded */
    CHECK_INT(sh("cd '%s' && '%s' run -c '%s' -o '%s/oct-alone' --ledger '%s/alone.db' --quiet "
                 "'%s' 2>/dev/null", dir, CA_BINARY, CONFIG, dir, dir, OCT_IN), 0);
    CHECK(same_file("oct/penalties.csv", "oct-alone/penalties.csv"));
    CHECK(same_file("oct/penalties.html", "oct-alone/penalties.html"));
    CHECK(same_file("oct/index.html", "oct-alone/index.html"));
    cleanup();
}

TEST(review_and_undo_change_the_next_report)
{
    fresh_dir();
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    CHECK_INT(run_month(NOV_IN, "nov", NULL), 0);
    char *oct = query1("SELECT id FROM incidents WHERE period='2026-10' AND person_id='E3002'");
    const char *L = "ledger -c '" CONFIG "' --ledger ledger.db";
    /* unknown ids and missing options are usage errors */
    CHECK_INT(sh("cd '%s' && '%s' %s review Inope --dismiss --reason x 2>/dev/null", dir,
                 CA_BINARY, L), 1);
    CHECK_INT(sh("cd '%s' && '%s' %s review %s --reason x 2>/dev/null", dir, CA_BINARY, L, oct), 1);
    /* a group.* finding is in findings.csv but not in the ledger: the
     * message says why */
    CHECK_INT(sh("cd '%s' && id=$(grep -m1 ',group\\.outsider,' nov/findings.csv | cut -d, -f1) && "
                 "test -n \"$id\" && { '%s' %s review \"$id\" --dismiss --reason x 2>gerr; "
                 "test $? = 1; } && grep -q 'group.\\* and member.\\* findings in findings.csv "
                 "are not in the ledger: they carry no penalty' gerr", dir, CA_BINARY, L), 0);
    /* confirming October's red line makes it confirmed */
    CHECK_INT(sh("cd '%s' && '%s' %s review %s --confirm --reason '复核属实' 2>/dev/null", dir,
                 CA_BINARY, L, oct), 0);
    char *st = query1("SELECT status FROM incidents WHERE period='2026-10' AND person_id='E3002'");
    CHECK_STR(st, "confirmed");
    free(st);
    /* dismissing it (the later decision wins): November is a first offence again */
    CHECK_INT(sh("cd '%s' && '%s' %s review %s --dismiss --reason '系引用他人原话' 2>/dev/null",
                 dir, CA_BINARY, L, oct), 0);
    CHECK_INT(run_month(NOV_IN, "nov-reviewed", NULL), 0);
    check_row("nov-reviewed", "E3002", "redline", ",redline,1,");
    check_row("nov-reviewed", "E3002", "redline", "严重警告+全额扣除当月绩效");
    check_row("nov-reviewed", "E4005", "content", ",content,2,");
    /* `ledger show` lists the incident with its evidence reference and review */
    CHECK_INT(sh("cd '%s' && '%s' %s show E3002 > show.txt", dir, CA_BINARY, L), 0);
    char *show = slurp("%s/show.txt", dir);
    CHECK(strstr(show, "dismissed") && strstr(show, "系引用他人原话"));
    CHECK(strstr(show, "src ") && strstr(show, "21573306892@chatroom_0_9.csv:6"));
    CHECK(strstr(show, "offence 1"));
    free(show);
    /* undo October: the content offence in November becomes the first */
    CHECK_INT(sh("cd '%s' && '%s' %s undo 2026-10 2>/dev/null", dir, CA_BINARY, L), 0);
    CHECK_INT(sh("cd '%s' && '%s' %s undo 2026-10 2>/dev/null", dir, CA_BINARY, L), 1);
    CHECK_INT(run_month(NOV_IN, "nov-undone", NULL), 0);
    check_row("nov-undone", "E4005", "content", ",content,1,");
    check_row("nov-undone", "E4005", "content", "通报批评,0,0");
    CHECK_INT(sh("cd '%s' && '%s' %s list > list.txt", dir, CA_BINARY, L), 0);
    char *list = slurp("%s/list.txt", dir);
    CHECK(strstr(list, "2026-11") && !strstr(list, "\n2026-10 "));
    CHECK(strstr(list, " undo ") && strstr(list, " review "));
    /* November's red line is still a proposal, October's dismissed one is gone */
    CHECK(strstr(list, "awaiting review") && strstr(list, "2026-11  I"));
    free(list);
    free(oct);
    cleanup();
}

/* A confirmation confirms an outcome: November's red line confirmed as a
 * first offence (a warning) becomes a proposal again when October, run
 * afterwards, makes it a second offence (termination). */
TEST(confirmation_does_not_carry_over_to_a_harsher_sanction)
{
    fresh_dir();
    CHECK_INT(run_month(NOV_IN, "nov", NULL), 0);
    char *nov = query1("SELECT id FROM incidents WHERE period='2026-11' AND person_id='E3002' "
                       "AND class='redline'");
    const char *L = "ledger -c '" CONFIG "' --ledger ledger.db";
    CHECK_INT(sh("cd '%s' && '%s' %s review %s --confirm --reason ok >/dev/null 2>&1", dir,
                 CA_BINARY, L, nov), 0);
    char q[256];
    snprintf(q, sizeof q, "SELECT status FROM incidents WHERE id='%s'", nov);
    char *st = query1(q);
    CHECK_STR(st, "confirmed");
    free(st);
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    snprintf(q, sizeof q, "SELECT offence_no||' '||status||' '||sanction FROM incidents "
             "WHERE id='%s'", nov);
    st = query1(q);
    CHECK_STR(st, "2 proposed 解除劳动合同+报送当地治安机关");
    free(st);
    /* confirming the new outcome confirms it */
    CHECK_INT(sh("cd '%s' && '%s' %s review %s --confirm --reason ok2 >/dev/null 2>&1", dir,
                 CA_BINARY, L, nov), 0);
    snprintf(q, sizeof q, "SELECT status FROM incidents WHERE id='%s'", nov);
    st = query1(q);
    CHECK_STR(st, "confirmed");
    free(st);
    free(nov);
    cleanup();
}

/* The killed run must leave the ledger as before (any point before the
 * commit) or as after (once committed); a re-run then gives exactly the
 * ledger and reports of an uninterrupted run. */
TEST(sigkill_at_each_point_leaves_the_ledger_consistent)
{
    fresh_dir();
    CHECK_INT(run_month(OCT_IN, "ref-oct", NULL), 0);
    CHECK_INT(run_month(NOV_IN, "ref-nov", NULL), 0);
    char *full = dump();
    cleanup();
    const struct {
        const char *point;
        int committed;
    } points[] = {{"ledger-open", 0}, {"ledger-begin", 0}, {"ledger-findings", 0}, {"ledger-commit", 0},
                  {"ledger-committed", 1}};
    for (size_t k = 0; k < sizeof points / sizeof *points; k++) {
        fresh_dir();
        CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
        char *before = dump();
        char env[64];
        snprintf(env, sizeof env, "CA_TEST_KILL_AT=%s", points[k].point);
        int rc = run_month(NOV_IN, "killed", env);
        if (rc != 128 + SIGKILL && rc != 137) {
            fprintf(stderr, "%s: exit %d, expected death by SIGKILL\n", points[k].point, rc);
            check_failures++;
        }
        char *ok = query1("PRAGMA integrity_check");
        CHECK_STR(ok, "ok");
        free(ok);
        char *after = dump();
        if (strcmp(after, points[k].committed ? full : before) != 0) {
            fprintf(stderr, "%s: the ledger is neither before nor after the run\n",
                    points[k].point);
            check_failures++;
        }
        /* no half-written report under a real name */
        struct stat sb;
        char p[400];
        snprintf(p, sizeof p, "%s/killed/penalties.csv", dir);
        CHECK(stat(p, &sb) != 0);
        CHECK_INT(run_month(NOV_IN, "nov", NULL), 0);
        char *again = dump();
        CHECK_STR(again, full);
        free(again);
        free(after);
        free(before);
        cleanup();
    }
    free(full);
}

TEST(rerun_after_kill_writes_the_reference_reports)
{
    fresh_dir();
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    CHECK_INT(run_month(NOV_IN, "ref", NULL), 0);
    CHECK_INT(sh("rm -f '%s/ledger.db'*", dir), 0);
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    run_month(NOV_IN, "killed", "CA_TEST_KILL_AT=ledger-findings");
    CHECK_INT(run_month(NOV_IN, "nov", NULL), 0);
    for (size_t i = 0; i < sizeof reports / sizeof *reports; i++) {
        char a[64], b[64];
        snprintf(a, sizeof a, "ref/%s", reports[i]);
        snprintf(b, sizeof b, "nov/%s", reports[i]);
        if (!same_file(a, b)) {
            fprintf(stderr, "%s differs from the uninterrupted run's\n", reports[i]);
            check_failures++;
        }
    }
    cleanup();
}

static int ledger_locked(void)
{
    char path[300];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    sqlite3 *db;
    int locked = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        locked = rc == SQLITE_BUSY;
        if (rc == SQLITE_OK)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return locked;
}

TEST(second_run_waits_then_fails_clearly)
{
    fresh_dir();
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    char *before = dump();
    pid_t a = fork();
    if (a == 0) {
        setenv("CA_TEST_PAUSE_AT", "ledger-findings", 1);
        char ledger[300], out[300];
        snprintf(ledger, sizeof ledger, "%s/ledger.db", dir);
        snprintf(out, sizeof out, "%s/a", dir);
        execl(CA_BINARY, CA_BINARY, "run", "-c", CONFIG, "-o", out, "--ledger", ledger,
              "--quiet", NOV_IN, (char *)NULL);
        _exit(127);
    }
    int waited = 0;
    while (!ledger_locked() && waited++ < 200)
        usleep(50000);
    CHECK(waited < 200);
    /* the second run waits (1.5 s here), then fails with a clear message */
    int rc = run_month(NOV_IN, "b", "CA_LEDGER_BUSY_MS=1500");
    CHECK_INT(rc, 1);
    char *err = slurp("%s/stderr", dir);
    CHECK(strstr(err, "another run holds the ledger") != NULL);
    free(err);
    struct stat sb;
    char p[400];
    snprintf(p, sizeof p, "%s/b/penalties.csv", dir);
    CHECK(stat(p, &sb) != 0);
    /* the first run dies inside its transaction: nothing of it stays */
    kill(a, SIGKILL);
    int st;
    waitpid(a, &st, 0);
    CHECK(WIFSIGNALED(st));
    char *after = dump();
    CHECK_STR(after, before);
    CHECK_INT(run_month(NOV_IN, "b", NULL), 0);
    check_row("b", "E3002", "redline", ",redline,2,");
    free(before);
    free(after);
    cleanup();
}

/* ---- the API with synthetic reply findings ---- */

static void reply_finding(ca_lfinding *f, const char *id, const char *person, const char *level,
                          int64_t t)
{
    memset(f, 0, sizeof *f);
    f->id = id;
    f->period = "2026-11";
    f->rule = "reply.leader";
    f->pclass = "reply";
    f->person_id = person;
    f->person_name = "测试";
    f->level = level;
    f->platform = "wechat";
    f->conv_id = "44512890137@chatroom";
    f->time_ms = t;
}

TEST(reply_points_and_cli_adjustment)
{
    fresh_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ca_policy pol;
    memset(&pol, 0, sizeof pol);
    ca_policy_defaults(&pol);
    ca_lfinding f[3];
    const int64_t t = 1793862000000LL;
    reply_finding(&f[0], "aaaa000000000001", "E3001", "director", t);
    reply_finding(&f[1], "aaaa000000000002", "E3001", "director", t + 3600000);
    reply_finding(&f[2], "aaaa000000000003", "E3006", "supervisor", t);
    ca_ledger *l = ca_ledger_open(path);
    CHECK(l != NULL);
    CHECK_INT(ca_ledger_begin(l), CA_OK);
    CHECK_INT(ca_ledger_replace_period(l, "2026-11", f, 3, 100, 3), 0);
    ca_penalties *p = ca_ledger_recompute(l, &pol, "2026-11", 1);
    CHECK(p != NULL);
    CHECK_INT(ca_ledger_commit(l), 0);
    CHECK_INT(ca_penalties_incident_of(p, "aaaa000000000001")->points, 3);
    CHECK_INT(ca_penalties_incident_of(p, "aaaa000000000002")->points, 3);
    CHECK_INT(ca_penalties_incident_of(p, "aaaa000000000003")->points, 0);
    ca_penalties_free(p);
    ca_ledger_close(l);
    const char *L = "ledger -c '" CONFIG "' --ledger ledger.db";
    /* outside [2, 5], or on someone without a reply incident: refused */
    CHECK_INT(sh("cd '%s' && '%s' %s adjust E3001 --points 9 --reason x 2>/dev/null", dir,
                 CA_BINARY, L), 1);
    CHECK_INT(sh("cd '%s' && '%s' %s adjust E9999 --points 3 --reason x 2>/dev/null", dir,
                 CA_BINARY, L), 1);
    /* on the latest reply incident of E3001 */
    CHECK_INT(sh("cd '%s' && '%s' %s adjust E3001 --points 4 --reason '延误导致客户投诉' "
                 "2>/dev/null", dir, CA_BINARY, L), 0);
    char *pts = query1("SELECT group_concat(points, ',') FROM (SELECT points FROM incidents "
                       "WHERE person_id='E3001' ORDER BY first_ms)");
    CHECK_STR(pts, "3,7");
    free(pts);
    /* re-recording the period keeps the adjustment (keyed by incident id) */
    l = ca_ledger_open(path);
    CHECK_INT(ca_ledger_begin(l), CA_OK);
    CHECK_INT(ca_ledger_replace_period(l, "2026-11", f, 3, 100, 3), 0);
    p = ca_ledger_recompute(l, &pol, "2026-11", 1);
    CHECK_INT(ca_ledger_commit(l), 0);
    CHECK_INT(ca_penalties_incident_of(p, "aaaa000000000002")->points, 7);
    ca_penalties_free(p);
    ca_ledger_close(l);
    ca_policy_free(&pol);
    cleanup();
}

TEST(adjustment_refused_on_a_reply_incident_that_costs_no_points)
{
    /* policy 5.2 item 2.3.1: the 3 points, and the executive office's 2-5
     * more, are for manager level and above; a supervisor's reply incident
     * carries no sanction, so an adjustment must not give it points */
    fresh_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ca_policy pol;
    memset(&pol, 0, sizeof pol);
    ca_policy_defaults(&pol);
    ca_lfinding f[1];
    reply_finding(&f[0], "bbbb000000000001", "E3006", "supervisor", 1793862000000LL);
    ca_ledger *l = ca_ledger_open(path);
    CHECK(l != NULL);
    CHECK_INT(ca_ledger_begin(l), CA_OK);
    CHECK_INT(ca_ledger_replace_period(l, "2026-11", f, 1, 100, 1), 0);
    ca_penalties *p = ca_ledger_recompute(l, &pol, "2026-11", 1);
    CHECK_INT(ca_ledger_commit(l), 0);
    ca_penalties_free(p);
    ca_ledger_close(l);
    const char *L = "ledger -c '" CONFIG "' --ledger ledger.db";
    CHECK_INT(sh("cd '%s' && '%s' %s adjust E3006 --points 4 --reason x 2>'%s/err'", dir,
                 CA_BINARY, L, dir), 1);
    char *err = slurp("%s/err", dir);
    CHECK(strstr(err, "manager level") != NULL);
    free(err);
    char *pts = query1("SELECT points FROM incidents WHERE person_id='E3006'");
    CHECK_STR(pts, "0");
    free(pts);
    char *n = query1("SELECT count(*) FROM adjustments");
    CHECK_STR(n, "0");
    free(n);
    /* and an adjustment already in a ledger (an older chataudit took it)
     * adds nothing to such an incident */
    l = ca_ledger_open(path);
    CHECK_INT(ca_ledger_begin(l), CA_OK);
    p = ca_ledger_recompute(l, &pol, "2026-11", 0);
    const ca_incident *in = p ? ca_penalties_incident_of(p, "bbbb000000000001") : NULL;
    CHECK(in != NULL);
    CHECK_INT(in ? ca_ledger_add_adjustment(l, in->id, "E3006", 4, "old") : -1, 0);
    ca_penalties_free(p);
    p = ca_ledger_recompute(l, &pol, "2026-11", 1);
    CHECK_INT(ca_ledger_commit(l), 0);
    in = p ? ca_penalties_incident_of(p, "bbbb000000000001") : NULL;
    CHECK_INT(in ? in->points : -1, 0);
    ca_penalties_free(p);
    ca_ledger_close(l);
    ca_policy_free(&pol);
    cleanup();
}

TEST(ledger_from_a_newer_chataudit_is_refused_by_every_command)
{
    fresh_dir();
    CHECK_INT(run_month(OCT_IN, "oct", NULL), 0);
    char path[300];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "PRAGMA user_version=3; ALTER TABLE findings RENAME COLUMN "
                               "evidence TO evidence_v2", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    const char *L = "ledger -c '" CONFIG "' --ledger ledger.db";
    const char *cmds[] = {"list", "show E3002", "undo 2026-10"};
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        CHECK_INT(sh("cd '%s' && '%s' %s %s >/dev/null 2>'%s/err'", dir, CA_BINARY, L, cmds[k],
                     dir), 1);
        char *err = slurp("%s/err", dir);
        CHECK(strstr(err, "newer chataudit") != NULL);
        free(err);
    }
    CHECK_INT(run_month(NOV_IN, "nov", NULL), 1);
    char *err = slurp("%s/stderr", dir);
    CHECK(strstr(err, "newer chataudit") != NULL);
    free(err);
    cleanup();
}

TEST(show_and_list_print_no_terminal_control_sequences_from_chat_text)
{
    /* evidence, names and reasons come from hostile chat text and from
     * reviewers: an ESC sequence printed raw could rewrite what a reviewer
     * sees on the terminal before they confirm or dismiss a red line */
    fresh_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/ledger.db", dir);
    ca_policy pol;
    memset(&pol, 0, sizeof pol);
    ca_policy_defaults(&pol);
    ca_lfinding f;
    memset(&f, 0, sizeof f);
    f.id = "cccc000000000001";
    f.period = "2026-11";
    f.rule = "redline.abuse";
    f.pclass = "redline";
    f.person_id = "E3002";
    f.person_name = "王伟\x1b]0;title\x07";
    f.level = "manager";
    f.platform = "wechat";
    f.conv_id = "g1\x1b[31m";
    f.conv_name = "研发部群\xc2\x9b" "2J";
    f.time_ms = 1793862000000LL;
    f.message_id = "1";
    f.evidence = "你这个\x1b[2K\r\x1b[1A好的，没问题\xc2\x9b" "31m";
    f.src = "x.csv:1\x1b[8m";
    ca_ledger *l = ca_ledger_open(path);
    CHECK(l != NULL);
    CHECK_INT(ca_ledger_begin(l), CA_OK);
    CHECK_INT(ca_ledger_replace_period(l, "2026-11", &f, 1, 10, 1), 0);
    CHECK_INT(ca_ledger_add_review(l, f.id, CA_REVIEW_CONFIRMED, "ok\x1b[2J", NULL), 0);
    ca_penalties *p = ca_ledger_recompute(l, &pol, "2026-11", 1);
    CHECK_INT(ca_ledger_commit(l), 0);
    ca_penalties_free(p);
    ca_ledger_close(l);
    const char *L = "ledger -c '" CONFIG "' --ledger ledger.db";
    CHECK_INT(sh("cd '%s' && '%s' %s show E3002 >show.txt 2>&1", dir, CA_BINARY, L), 0);
    CHECK_INT(sh("cd '%s' && '%s' %s list >list.txt 2>&1", dir, CA_BINARY, L), 0);
    const char *outs[] = {"show.txt", "list.txt"};
    for (size_t k = 0; k < 2; k++) {
        char *o = slurp("%s/%s", dir, outs[k]);
        CHECK(strlen(o) > 0);
        CHECK(strchr(o, 0x1b) == NULL);
        CHECK(strchr(o, 0x07) == NULL);
        CHECK(strstr(o, "\xc2\x9b") == NULL);
        free(o);
    }
    char *o = slurp("%s/show.txt", dir);
    CHECK(strstr(o, "好的，没问题") != NULL); /* the text itself is still shown */
    free(o);
    ca_policy_free(&pol);
    cleanup();
}

TEST(usage_errors)
{
    fresh_dir();
    CHECK_INT(sh("'%s' run --ledger x.db --no-ledger '%s' 2>/dev/null", CA_BINARY, NOV_IN), 1);
    CHECK_INT(sh("'%s' ledger frobnicate 2>/dev/null", CA_BINARY), 1);
    CHECK_INT(sh("'%s' ledger --help >/dev/null", CA_BINARY), 0);
    CHECK_INT(sh("'%s' ledger -c '%s' --ledger '%s/none.db' list 2>/dev/null", CA_BINARY, CONFIG,
                 dir), 1);
    /* a file that is not a ledger */
    CHECK_INT(sh("echo 'not a database at all, just text' > '%s/bad.db'", dir), 0);
    CHECK_INT(sh("'%s' run -c '%s' -o '%s/o' --ledger '%s/bad.db' --quiet '%s' 2>'%s/err'",
                 CA_BINARY, CONFIG, dir, dir, OCT_IN, dir), 1);
    char *err = slurp("%s/err", dir);
    CHECK(strstr(err, "bad.db: cannot open the ledger") != NULL);
    free(err);
    cleanup();
}

TEST_MAIN()
