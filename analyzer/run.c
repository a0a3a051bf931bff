/*
 * run.c — the audit run.  One thread imports (the archive reader is
 * sequential); then worker threads take whole conversations from a shared
 * counter and run every rule over each, into findings of their own; the
 * main thread merges, sorts and writes the reports.  Nothing mutable is
 * shared between workers, so the output does not depend on -j.
 */
#include <dirent.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <malloc.h>
#include <time.h>
#include <unistd.h>
#include "arena.h"
#include "buf.h"
#include "charset.h"
#include "config.h"
#include "convkind.h"
#include "diag.h"
#include "finding.h"
#include "importer.h"
#include "ledger.h"
#include "outfile.h"
#include "parallel.h"
#include "report.h"
#include "rule.h"
#include "run.h"
#include "timeparse.h"
#include "verify.h"
#include "walk.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_INPUT = 2, EXIT_INTERNAL = 3, EXIT_PARTIAL = 4 };

/* ------------------------------------------------------------- hashing */

static int sha256_file(const char *path, struct sha256_ctx *ctx, uint64_t *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        sha256_update(ctx, n, buf);
        *bytes += n;
    }
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Folders: the sorted relative paths and the hash of each file. */
static int sha256_tree(const char *dir, const char *rel, struct sha256_ctx *ctx, uint64_t *bytes,
                       int depth)
{
    if (depth > 32)
        return -1;
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = ca_realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (!(names[n] = ca_strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && rc == 0; i++) {
        ca_buf full = CA_BUF_INIT, r = CA_BUF_INIT;
        ca_buf_printf(&full, "%s/%s", dir, names[i]);
        ca_buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", names[i]);
        struct stat sb;
        if (full.oom || r.oom || stat(ca_buf_cstr(&full), &sb) != 0) {
            rc = -1;
        } else if (S_ISDIR(sb.st_mode)) {
            rc = sha256_tree(ca_buf_cstr(&full), ca_buf_cstr(&r), ctx, bytes, depth + 1);
        } else if (S_ISREG(sb.st_mode)) {
            struct sha256_ctx fc;
            uint8_t dg[SHA256_DIGEST_SIZE];
            sha256_init(&fc);
            rc = sha256_file(ca_buf_cstr(&full), &fc, bytes);
            sha256_digest(&fc, sizeof dg, dg);
            sha256_update(ctx, r.len + 1, (const uint8_t *)ca_buf_cstr(&r));
            sha256_update(ctx, sizeof dg, dg);
        }
        ca_buf_free(&full);
        ca_buf_free(&r);
    }
    for (size_t i = 0; i < n; i++)
        ca_free(names[i]);
    ca_free(names);
    return rc;
}

int ca_sha256_path(const char *path, char out[65], uint64_t *bytes)
{
    struct sha256_ctx ctx;
    struct stat sb;
    uint64_t b = 0;
    sha256_init(&ctx);
    if (stat(path, &sb) != 0)
        return -1;
    int rc = S_ISDIR(sb.st_mode) ? sha256_tree(path, "", &ctx, &b, 0) : sha256_file(path, &ctx, &b);
    uint8_t dg[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof dg, dg);
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        snprintf(out + 2 * i, 3, "%02x", dg[i]);
    if (bytes)
        *bytes = b;
    return rc;
}

/* --------------------------------------------------------------- period */

/* "YYYY-MM" → [start, end) in UTC ms for the company zone; 0 / -1. */
static int period_bounds(const char *p, int tz, int64_t *start, int64_t *end)
{
    int y, m;
    char tail;
    if (sscanf(p, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 1970 || y > 9999 ||
        strlen(p) != 7)
        return -1;
    int64_t d0 = ca_days_from_civil(y, m, 1);
    int64_t d1 = ca_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
    *start = (d0 * 86400 - (int64_t)tz * 60) * 1000;
    *end = (d1 * 86400 - (int64_t)tz * 60) * 1000;
    return 0;
}

/* The company month of a time: year * 12 + month - 1 (floor division, so
 * that [start, end) of period_bounds is exactly one month). */
static int64_t month_key(int64_t ms, int tz)
{
    int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    s += (int64_t)tz * 60;
    int64_t days = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    int y, m, d;
    ca_civil_from_days(days, &y, &m, &d);
    return (int64_t)y * 12 + (m - 1);
}

static void month_text(int64_t key, char out[8])
{
    if (key < 0) {
        snprintf(out, 8, "1970-01");
        return;
    }
    int y = (int)(key / 12) % 10000, m = (int)(key % 12) + 1;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    out[7] = '\0';
}

/* -------------------------------------------------------- conversations */

/* A conversation's messages in one month. */
typedef struct month_count {
    int64_t key;
    size_t n;
} month_count;

/* What the run needs of a conversation before its rules, found by reading
 * it once: its messages by month (the busiest month, the period's count),
 * and the first and last of them. */
typedef struct conv_facts {
    month_count *months; /* in the survey's arena of the thread that read it */
    size_t n_months;
    int64_t first_ms, last_ms; /* INT64_MAX / INT64_MIN: no message */
} conv_facts;

/* The survey: every conversation read once, a conversation per task. */
typedef struct survey {
    ca_import *imp;
    const ca_config *cfg;
    ca_conv *convs;
    conv_facts *facts;
    size_t n;
    ca_arena *keep[64];    /* per thread: names and months, kept to the end */
    atomic_size_t next;
    atomic_int failed;
} survey;

/* Conversation k: its ca_conv (what groups.csv says, its latest name, a
 * private chat or a group) and its facts.  read holds its events when the
 * import is spilled.  0 or -1. */
static int survey_conv(survey *sv, size_t k, ca_arena *keep, ca_arena *read)
{
    ca_event **ev;
    size_t n;
    if (ca_import_conv_load(sv->imp, k, read, &ev, &n) != CA_OK || !n)
        return -1;
    ca_conv *c = &sv->convs[k];
    c->platform = ev[0]->platform; /* interned or static: they outlive read */
    c->id = ev[0]->conv;
    c->index = k;
    c->n_events = n;
    c->reg = ca_config_group(sv->cfg, c->platform, c->id);
    const char *name = c->reg && c->reg->name[0] ? c->reg->name : NULL;
    conv_facts *f = &sv->facts[k];
    f->first_ms = INT64_MAX;
    f->last_ms = INT64_MIN;
    /* the events are in time order: a month's messages follow one another */
    month_count *months = NULL;
    size_t nm = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        const ca_event *e = ev[i];
        /* the latest name the export shows */
        if (e->kind == CA_KIND_RENAME && e->title)
            name = e->title;
        else if (!name && e->conv_name)
            name = e->conv_name;
        if (e->kind != CA_KIND_MESSAGE)
            continue;
        f->first_ms = e->time_ms < f->first_ms ? e->time_ms : f->first_ms;
        f->last_ms = e->time_ms > f->last_ms ? e->time_ms : f->last_ms;
        int64_t key = month_key(e->time_ms, sv->cfg->tz_offset_min);
        if (!nm || months[nm - 1].key != key) {
            month_count *g = ca_grow(months, &cap, nm + 1, sizeof *months, 16);
            if (!g) {
                ca_free(months);
                return -1;
            }
            months = g;
            months[nm++] = (month_count){key, 0};
        }
        months[nm - 1].n++;
    }
    f->months = nm ? ca_arena_alloc(keep, nm * sizeof *f->months) : NULL;
    if (nm && f->months)
        memcpy(f->months, months, nm * sizeof *months);
    ca_free(months);
    if (nm && !f->months)
        return -1;
    f->n_months = nm;
    if (!name)
        name = c->id;
    if (ca_arena_owns(read, name) && !(name = ca_arena_strdup(keep, name)))
        return -1;
    c->name = name;
    c->private_chat = ca_conv_is_private(c->platform, c->id, c->reg,
                                         (const ca_event *const *)ev, n, &c->private_why);
    if (ca_import_spilled(sv->imp)) {
        c->imp = sv->imp; /* read again when its rules run */
        c->events = NULL;
    } else {
        c->events = (const ca_event *const *)ev;
    }
    return 0;
}

static void survey_task(void *arg, int tid, int threads)
{
    (void)threads;
    survey *sv = arg;
    ca_arena *read = NULL;
    if (!(sv->keep[tid] = ca_arena_new(1u << 16)))
        atomic_store(&sv->failed, 1);
    for (size_t k; !atomic_load(&sv->failed) && (k = atomic_fetch_add(&sv->next, 1)) < sv->n;) {
        ca_arena_free(read);
        if (!(read = ca_arena_new(1u << 20)) || survey_conv(sv, k, sv->keep[tid], read) < 0)
            atomic_store(&sv->failed, 1);
    }
    ca_arena_free(read);
}

/* The messages of conversation facts f in the month key. */
static size_t month_messages(const conv_facts *f, int64_t key)
{
    size_t n = 0;
    for (size_t j = 0; j < f->n_months; j++)
        n += f->months[j].key == key ? f->months[j].n : 0;
    return n;
}

/* The month holding most of the messages (ties: the earlier month). */
static void busiest_month(const conv_facts *facts, size_t n, char out[8])
{
    month_count *all = NULL;
    size_t na = 0, cap = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t j = 0; j < facts[k].n_months; j++) {
            size_t i = 0;
            while (i < na && all[i].key != facts[k].months[j].key)
                i++;
            if (i == na) {
                month_count *g = ca_grow(all, &cap, na + 1, sizeof *all, 64);
                if (!g)
                    continue; /* out of memory: the month is not counted */
                all = g;
                all[na++] = (month_count){facts[k].months[j].key, 0};
            }
            all[i].n += facts[k].months[j].n;
        }
    int64_t best_key = -1;
    size_t best = 0;
    for (size_t i = 0; i < na; i++)
        if (all[i].n > best || (all[i].n == best && all[i].key < best_key)) {
            best = all[i].n;
            best_key = all[i].key;
        }
    ca_free(all);
    month_text(best_key, out);
}

/* ---------------------------------------------------------------- rules */

int ca_rule_in_period(const ca_rule_ctx *ctx, int64_t t)
{
    return t >= ctx->period_start_ms && t < ctx->period_end_ms;
}

static int report_va(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, int64_t at_ms,
                     const char *person_id, const char *evidence, size_t evidence_len,
                     size_t hl_start, size_t hl_end, const char *fmt, va_list ap)
    CA_PRINTF(10, 0);

int ca_rule_report(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, const char *person_id,
                   const char *evidence, size_t evidence_len, size_t hl_start, size_t hl_end,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = report_va(ctx, rule, i, 0, person_id, evidence, evidence_len, hl_start, hl_end, fmt,
                       ap);
    va_end(ap);
    return rc;
}

int ca_rule_report_at(ca_rule_ctx *ctx, const ca_rule *rule, int64_t at_ms, const char *person_id,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = report_va(ctx, rule, (size_t)-1, at_ms, person_id, NULL, 0, 0, 0, fmt, ap);
    va_end(ap);
    return rc;
}

static int report_va(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, int64_t at_ms,
                     const char *person_id, const char *evidence, size_t evidence_len,
                     size_t hl_start, size_t hl_end, const char *fmt, va_list ap)
{
    const ca_event *e = i < ctx->conv->n_events ? ctx->conv->events[i] : NULL;
    ca_finding fd;
    memset(&fd, 0, sizeof fd);
    fd.rule = rule->id;
    fd.clause = rule->clause;
    fd.penalty_class = rule->penalty_class;
    fd.severity = rule->severity;
    fd.conv = ctx->conv;
    fd.event_index = e ? i : (size_t)-1;
    if (!person_id && e)
        person_id = e->employee ? e->employee : e->sender;
    fd.person_id = person_id;
    const ca_employee *emp = person_id ? ca_roster_by_id(ctx->cfg->roster, person_id) : NULL;
    fd.person_name = emp ? emp->name : e && person_id == e->sender ? e->sender_name : NULL;
    fd.department = emp ? emp->department : NULL;
    fd.time_ms = at_ms; /* a finding about no message: when it is due */
    if (!e && ctx->conv->n_events) {
        /* the export that shows the absence: the file holding the
         * conversation's first event from that time on (no line) */
        const ca_event *w = ctx->conv->events[ctx->conv->n_events - 1];
        for (size_t k = 0; k < ctx->conv->n_events; k++)
            if (ctx->conv->events[k]->time_ms >= at_ms) {
                w = ctx->conv->events[k];
                break;
            }
        fd.src_path = w->src_path;
    }
    if (e) {
        fd.time_ms = e->time_ms;
        fd.message_id = e->id;
        fd.src_path = e->src_path;
        fd.src_line = e->src_line;
    }
    if (evidence) {
        fd.evidence = ca_strndup(evidence, evidence_len);
        if (!fd.evidence)
            return -1;
        fd.hl_start = hl_start <= evidence_len ? hl_start : evidence_len;
        fd.hl_end = hl_end <= evidence_len && hl_end >= fd.hl_start ? hl_end : fd.hl_start;
    }
    ca_buf b = CA_BUF_INIT;
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    ca_buf_puts(&b, msg);
    fd.detail = ca_buf_detach(&b);
    /* what the reports show of the conversation, copied now: they read
     * no events */
    if (!fd.detail || ca_finding_keep(&fd, ctx->conv, fd.event_index) < 0) {
        ca_free(fd.evidence);
        ca_free(fd.detail);
        return -1;
    }
    return ca_findings_add(ctx->out, &fd);
}

int ca_rule_latency(ca_rule_ctx *ctx, const ca_latency *rec)
{
    ca_latency l = *rec;
    l.kept = NULL;
    if (ca_latency_keep(&l) < 0)
        return -1;
    return ca_findings_add_latency(ctx->out, &l);
}

int ca_rule_note(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, const char *fmt, ...)
{
    const ca_event *e = i < ctx->conv->n_events ? ctx->conv->events[i] : NULL;
    ca_note note;
    memset(&note, 0, sizeof note);
    note.rule = rule->id;
    note.conv = ctx->conv;
    note.event_index = e ? i : (size_t)-1;
    note.time_ms = e ? e->time_ms : 0;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!(note.text = ca_strdup(msg))) {
        ctx->out->oom = 1;
        return -1;
    }
    return ca_findings_add_note(ctx->out, &note);
}

/* The pieces of a message the content rules scan (SPEC §6.3): its text,
 * a link's title and URL, a file name, the items of a merged record —
 * never the quoted message. */
void ca_scratch_begin(ca_worker_scratch *ws)
{
    for (size_t k = 0; k < ws->n_units; k++)
        ws->scanned[k] = 0;
    ws->n_hits = 0;
    ws->n_units = 0;
    ws->work_question = ws->public_topic = -1;
}

static int fill_units(ca_worker_scratch *ws, const ca_event *e)
{
    ca_scratch_begin(ws);
    if (e->kind != CA_KIND_MESSAGE)
        return 0;
    struct { ca_unit_kind k; const char *t; } parts[4] = {
        {CA_UNIT_TEXT, e->text},
        {e->type == CA_TYPE_FILE ? CA_UNIT_FILE : CA_UNIT_TITLE,
         e->title && (!e->text || strcmp(e->title, e->text) != 0) ? e->title : NULL},
        /* a link's or mini program's URL is what the sender shared; the URL
         * of an image, file or video is where the exporting tool keeps it
         * (chatlog: its own server on 127.0.0.1) */
        {CA_UNIT_URL, e->type == CA_TYPE_LINK || e->type == CA_TYPE_MINIPROGRAM ||
                      e->type == CA_TYPE_TEXT ? e->url : NULL},
        {CA_UNIT_TEXT, NULL}};
    for (size_t k = 0; k < 3; k++) {
        if (!parts[k].t || !*parts[k].t)
            continue;
        ca_unit *u = &ws->units[ws->n_units++];
        u->kind = parts[k].k;
        u->text = parts[k].t;
        u->len = strlen(parts[k].t);
        if (ca_normalize(u->text, u->len, CA_NORM_STRIP, &u->norm) < 0)
            return -1;
    }
    for (uint32_t k = 0; k < e->n_items && ws->n_units < CA_ARRAY_LEN(ws->units); k++) {
        const char *t = e->items[k].text;
        if (!t || !*t)
            continue;
        ca_unit *u = &ws->units[ws->n_units++];
        u->kind = CA_UNIT_RECORD;
        u->text = t;
        u->len = strlen(t);
        if (ca_normalize(u->text, u->len, CA_NORM_STRIP, &u->norm) < 0)
            return -1;
    }
    return 0;
}

/* The match scratches a worker needs: the combined automaton's and the
 * allow list's; 0 or -1 (out of memory). */
static int scratch_open(ca_worker_scratch *ws, const ca_content *ct)
{
    if (ct->all && !(ws->all_match = ca_match_scratch_new(ct->all)))
        return -1;
    const ca_lexicon *allow = ct->lex[CA_LEX_ALLOW];
    if (allow && !(ws->match[CA_LEX_ALLOW] = ca_match_scratch_new(ca_lexicon_matcher(allow))))
        return -1;
    return 0;
}

/* Frees what scratch_open and the scans made, and the units' texts. */
static void scratch_close(ca_worker_scratch *ws)
{
    for (size_t k = 0; k < CA_ARRAY_LEN(ws->units); k++)
        ca_norm_free(&ws->units[k].norm);
    for (int k = 0; k < CA_LEX__COUNT; k++)
        ca_match_scratch_free(ws->match[k]);
    ca_match_scratch_free(ws->all_match);
    ca_free(ws->hits);
}

typedef struct worker {
    pthread_t thread;
    const ca_config *cfg;
    const ca_content *content;
    const ca_conv *convs;
    size_t n_convs;
    atomic_size_t *next;
    int64_t period_start, period_end;
    ca_findings out;
    ca_unresolved_tally *unresolved; /* the period's messages the roster does not place */
    ca_worker_scratch scratch;
    void *const *shared;   /* per rule, from prepare() */
    int failed;
} worker;

/* What the rules made of conv (a worker's copy of run_conv, with its
 * events read back) since the counts from, moved to run_conv: findings
 * outlive the copy. */
static void own_results(ca_findings *f, const ca_conv *run_conv, const ca_conv *conv, size_t from,
                        size_t from_latency, size_t from_notes)
{
    for (size_t i = from; i < f->n; i++)
        if (f->items[i].conv == conv)
            f->items[i].conv = run_conv;
    for (size_t i = from_latency; i < f->n_latency; i++)
        if (f->latency[i].conv == conv)
            f->latency[i].conv = run_conv;
    for (size_t i = from_notes; i < f->n_notes; i++)
        if (f->notes[i].conv == conv)
            f->notes[i].conv = run_conv;
}

static void *run_worker(void *arg)
{
    worker *w = arg;
    void *states[64];
    size_t nr = ca_n_rules < 64 ? ca_n_rules : 64;
    for (size_t r = 0; r < nr; r++)
        states[r] = NULL;
    for (size_t r = 0; r < nr; r++)
        if (ca_rules[r]->state_size && !(states[r] = ca_calloc(1, ca_rules[r]->state_size)))
            w->failed = 1;
    for (size_t k = 0; k < CA_ARRAY_LEN(w->scratch.units); k++)
        ca_norm_init(&w->scratch.units[k].norm);
    if (!w->failed && scratch_open(&w->scratch, w->content) != 0)
        w->failed = 1;
    if (!(w->unresolved = ca_unresolved_tally_new()))
        w->failed = 1;
    ca_arena *read = NULL; /* the current conversation's events, read back */
    ca_rule_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = w->cfg;
    ctx.content = w->content;
    ctx.period_start_ms = w->period_start;
    ctx.period_end_ms = w->period_end;
    ctx.scratch = &w->scratch;
    ctx.out = &w->out;
    while (!w->failed) {
        size_t c = atomic_fetch_add(w->next, 1);
        if (c >= w->n_convs)
            break;
        const ca_conv *run_conv = &w->convs[c];
        ca_conv view = *run_conv;
        if (run_conv->imp) { /* spilled: read it again, for as long as its rules run */
            ca_arena_free(read);
            if (!(read = ca_arena_new(1u << 20)) ||
                ca_conv_events(run_conv, read, &view.events, &view.n_events) < 0) {
                w->failed = 1;
                break;
            }
        }
        ctx.conv = &view;
        if (ca_unresolved_tally_add(w->unresolved, view.events, view.n_events, c,
                                    w->period_start, w->period_end) < 0) {
            w->failed = 1;
            break;
        }
        if (ctx.conv->private_chat) /* the policy governs groups (convkind.h) */
            continue;
        size_t f0 = w->out.n, l0 = w->out.n_latency, n0 = w->out.n_notes;
        ca_members *members = ca_members_build(ctx.conv);
        if (!members) {
            w->failed = 1;
            break;
        }
        ctx.members = members;
        for (size_t r = 0; r < nr; r++) {
            if (states[r])
                memset(states[r], 0, ca_rules[r]->state_size);
            ctx.shared = w->shared ? w->shared[r] : NULL;
            if (ca_rules[r]->init && ca_rules[r]->init(&ctx, states[r]) < 0)
                w->failed = 1;
        }
        for (size_t i = 0; i < ctx.conv->n_events && !w->failed; i++) {
            if (fill_units(&w->scratch, ctx.conv->events[i]) < 0) {
                w->failed = 1;
                break;
            }
            ctx.units = w->scratch.units;
            ctx.n_units = w->scratch.n_units;
            for (size_t r = 0; r < nr; r++) {
                ctx.shared = w->shared ? w->shared[r] : NULL;
                if (ca_rules[r]->on_event && ca_rules[r]->on_event(&ctx, states[r], i) < 0)
                    w->failed = 1;
            }
            if (w->scratch.oom)
                w->failed = 1;
        }
        for (size_t r = 0; r < nr; r++) {
            ctx.shared = w->shared ? w->shared[r] : NULL;
            if (ca_rules[r]->finish && ca_rules[r]->finish(&ctx, states[r]) < 0)
                w->failed = 1;
            if (ca_rules[r]->cleanup)
                ca_rules[r]->cleanup(states[r]);
        }
        ca_members_free(members);
        ctx.members = NULL;
        own_results(&w->out, run_conv, &view, f0, l0, n0);
    }
    ca_arena_free(read);
    if (w->out.oom)
        w->failed = 1;
    for (size_t r = 0; r < nr; r++)
        ca_free(states[r]);
    scratch_close(&w->scratch);
    return NULL;
}

/* ------------------------------------------------------------- lexicons */

static int normalize_term(void *ud, const char *s, size_t n, ca_buf *out)
{
    ca_norm *nm = ud;
    if (ca_normalize(s, n, CA_NORM_STRIP, nm) < 0)
        return -1;
    ca_buf_reset(out);
    return ca_buf_put(out, nm->text, nm->len);
}

static ca_status load_content(const ca_config *cfg, ca_content *ct, ca_diag *diag)
{
    memset(ct, 0, sizeof *ct);
    ca_status st = CA_OK;
    ca_norm nm;
    ca_norm_init(&nm);
    for (int k = 0; k < CA_LEX__COUNT; k++) {
        const char *p = cfg->policy.lexicon[k];
        if (!p || !*p)
            continue;
        ca_buf full = CA_BUF_INIT;
        if (p[0] == '/')
            ca_buf_puts(&full, p);
        else
            ca_buf_printf(&full, "%s/%s", cfg->dir ? cfg->dir : ".", p);
        struct stat sb;
        if (!full.oom && stat(ca_buf_cstr(&full), &sb) != 0) {
            ca_diag_add(diag, CA_DIAG_ERROR, ca_buf_cstr(&full), 0,
                        "[lexicon] %s: cannot open: %s (set '%s =' in policy.ini to disable "
                        "the term list)", ca_policy_lexicon_key(k), strerror(errno),
                        ca_policy_lexicon_key(k));
            ca_buf_free(&full);
            st = CA_FAILED;
            continue;
        }
        ct->lex[k] = ca_lexicon_new();
        if (!ct->lex[k] || full.oom) {
            ca_buf_free(&full);
            st = CA_FATAL;
            break;
        }
        ca_status r = ca_lexicon_load(ct->lex[k], ca_buf_cstr(&full), normalize_term, &nm, diag);
        ca_buf_free(&full);
        if (r == CA_FATAL) {
            st = CA_FATAL;
            break;
        }
        if (r != CA_OK)
            st = CA_FAILED;
        if (k == CA_LEX_ALLOW && ca_lexicon_build(ct->lex[k]) != 0) {
            st = CA_FATAL;
            break;
        }
    }
    ca_norm_free(&nm);
    if (st != CA_FATAL && ca_content_combine(ct) != 0)
        st = CA_FATAL;
    return st;
}

int ca_content_combine(ca_content *ct)
{
    /* one automaton over the lexicons but the allow list: one pass per
     * scanned text */
    uint32_t base = 0;
    int any = 0;
    for (int k = 0; k < CA_LEX__COUNT; k++)
        any |= k != CA_LEX_ALLOW && ct->lex[k];
    if (any && !(ct->all = ca_matcher_new()))
        return -1;
    for (int k = 0; k < CA_LEX__COUNT; k++) {
        ct->base[k] = base;
        if (k == CA_LEX_ALLOW || !ct->lex[k] || !ct->all)
            continue;
        if (ca_lexicon_add_to(ct->lex[k], ct->all, base) != 0)
            return -1;
        base += (uint32_t)ca_lexicon_size(ct->lex[k]);
    }
    ct->base[CA_LEX__COUNT] = base;
    return ct->all && ca_matcher_build(ct->all) != 0 ? -1 : 0;
}

static void free_content(ca_content *ct)
{
    for (int k = 0; k < CA_LEX__COUNT; k++)
        ca_lexicon_free(ct->lex[k]);
    ca_matcher_free(ct->all);
}

/* ------------------------------------------------------------- progress */

static double now_seconds(void);

typedef struct progress {
    uint64_t total, done_before; /* bytes of all inputs; of the finished ones */
    double t0, last;
} progress;

/* "chataudit: read 12.3 of 66.4 MB, 523000 messages, 180000/s, ETA 3 s" on
 * one line of a terminal, at most four times a second. */
static void show_progress(void *ud, uint64_t input_done, size_t events)
{
    progress *p = ud;
    double now = now_seconds();
    if (now - p->last < 0.25)
        return;
    p->last = now;
    double done = (double)(p->done_before + input_done), el = now - p->t0;
    double rate = el > 0 ? (double)events / el : 0;
    double eta = done > 0 && p->total > done ? el * ((double)p->total - done) / done : 0;
    fprintf(stderr, "\rchataudit: read %.1f of %.1f MB, %zu events, %.0f/s, ETA %.0f s\033[K",
            done / 1e6, (double)p->total / 1e6, events, rate, eta);
}

/* ------------------------------------------- screenshots (--screenshot) */

/* The finding a doctored or selective screenshot gives (SPEC §6.3); not in
 * the rule table: it comes from the verifier, not from a pass over a
 * conversation. */
static const ca_rule tamper_rule = {.id = "redline.tamper", .clause = "4.2.5.3",
                                    .penalty_class = "redline", .severity = CA_SEV_CRITICAL};

typedef struct shot_job {
    const char *path;
    char *text;
    size_t len;
    ca_vresult *res;
    char *name;          /* "verify-<base>" (unique in the run) */
} shot_job;

/* Reads every screenshot before any work, so a missing file stops the run
 * with exit status 1.  Returns the jobs or NULL (message printed). */
static shot_job *read_screenshots(const ca_run_opts *o, int *failed)
{
    *failed = 0;
    if (!o->n_screenshots)
        return NULL;
    shot_job *jobs = ca_calloc(o->n_screenshots, sizeof *jobs);
    if (!jobs) {
        *failed = EXIT_INTERNAL;
        return NULL;
    }
    for (size_t k = 0; k < o->n_screenshots && !*failed; k++) {
        jobs[k].path = o->screenshots[k];
        if (!(jobs[k].text = ca_read_text(jobs[k].path, &jobs[k].len))) {
            fprintf(stderr, "chataudit: %s: cannot read the screenshot: %s\n", jobs[k].path, strerror(errno));
            *failed = EXIT_USAGE;
        }
        const char *base = strrchr(jobs[k].path, '/');
        base = base ? base + 1 : jobs[k].path;
        size_t n = strlen(base);
        if (n > 4 && strcmp(base + n - 4, ".txt") == 0)
            n -= 4;
        ca_buf b = CA_BUF_INIT;
        ca_buf_puts(&b, "verify-");
        ca_buf_put(&b, base, n);
        for (size_t j = 0, dup = 1; j < k; j++)
            if (jobs[j].name && strcmp(jobs[j].name, ca_buf_cstr(&b)) == 0) {
                ca_buf_reset(&b);
                ca_buf_puts(&b, "verify-");
                ca_buf_put(&b, base, n);
                ca_buf_printf(&b, "-%zu", ++dup);
                j = (size_t)-1;
            }
        if (!(jobs[k].name = ca_buf_detach(&b)))
            *failed = EXIT_INTERNAL;
    }
    return jobs;
}

static void free_screenshots(shot_job *jobs, size_t n)
{
    for (size_t k = 0; jobs && k < n; k++) {
        ca_free(jobs[k].text);
        ca_free(jobs[k].name);
        ca_vresult_free(jobs[k].res);
    }
    ca_free(jobs);
}

/* Verifies each screenshot against the import and adds a redline.tamper
 * finding against the accused: person for an altered, fabricated or
 * selective one, timed at the first message it matched (or the date: day).
 * 0, or -1 on out of memory. */
static int verify_screenshots(shot_job *jobs, size_t n, const ca_config *cfg, const ca_import *imp,
                              const ca_conv *convs, size_t n_convs, const ca_event *const *evs,
                              ca_findings *all, ca_diag *diag, int quiet)
{
    if (!n)
        return 0;
    ca_verify *v = ca_verify_new(cfg, imp);
    if (!v)
        return -1;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        const char *err = NULL;
        ca_status st = ca_verify_screenshot(v, jobs[k].path, jobs[k].text, jobs[k].len, &jobs[k].res, &err);
        if (st == CA_FAILED) {
            ca_diag_add(diag, CA_DIAG_ERROR, jobs[k].path, 0, "%s", err);
            continue;
        }
        if (st != CA_OK) {
            rc = -1;
            break;
        }
        const ca_vresult *r = jobs[k].res;
        if (!quiet)
            fprintf(stderr, "chataudit: %s: %s (confidence %.2f); %s.html\n", jobs[k].path,
                    ca_verdict_name(r->verdict), r->confidence, jobs[k].name);
        if (r->verdict != CA_VERDICT_ALTERED && r->verdict != CA_VERDICT_FABRICATED &&
            r->verdict != CA_VERDICT_SELECTIVE)
            continue;
        /* the accused: a roster id, else a name the roster resolves */
        const char *person = r->accused;
        if (person && !ca_roster_by_id(cfg->roster, person)) {
            const ca_employee *e = ca_roster_resolve(cfg->roster, r->platform, NULL, person);
            if (e)
                person = e->id;
        }
        if (!person)
            ca_diag_add(diag, CA_DIAG_WARN, jobs[k].path, 0,
                        "no accused: header line; the redline.tamper finding names no person");
        const ca_conv *conv = NULL;
        size_t ei = (size_t)-1;
        if (r->span_first != (size_t)-1)
            for (size_t c = 0; c < n_convs && !conv; c++) {
                size_t start = (size_t)(convs[c].events - evs);
                if (r->span_first >= start && r->span_first < start + convs[c].n_events) {
                    conv = &convs[c];
                    ei = r->span_first - start;
                }
            }
        ca_conv none;
        memset(&none, 0, sizeof none);
        ca_rule_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.cfg = cfg;
        ctx.conv = conv ? conv : &none;
        ctx.out = all;
        const ca_event *e = conv ? conv->events[ei] : NULL;
        const char *ev_text = e ? ca_verify_event_text(e) : NULL;
        if (ca_rule_report(&ctx, &tamper_rule, conv ? ei : (size_t)-1, person ? person : "",
                           ev_text, ev_text ? strlen(ev_text) : 0, 0, 0,
                           "screenshot %s is %s (confidence %.2f): %s — see %s.html", jobs[k].path,
                           ca_verdict_name(r->verdict), r->confidence,
                           r->n_evidence ? r->evidence[0] : "", jobs[k].name) < 0) {
            rc = -1;
            break;
        }
        ca_finding *fd = &all->items[all->n - 1];
        if (!person)
            fd->person_id = NULL;
        if (!conv) {
            /* no message matched: the date: day, at midnight company time */
            fd->conv = NULL;
            fd->time_ms = r->date_day >= 0 ? (r->date_day * 86400 - (int64_t)cfg->tz_offset_min * 60) * 1000 : 0;
        }
    }
    ca_verify_free(v);
    return rc;
}

/* Writes verify-<name>.html and .json for each verified screenshot. */
static int write_screenshots(const shot_job *jobs, size_t n, const char *outdir, const ca_import *imp, int tz)
{
    int rc = 0;
    for (size_t k = 0; k < n; k++) {
        if (!jobs[k].res)
            continue;
        static const struct {
            const char *ext;
            int (*write)(ca_buf *, const ca_vresult *, const ca_import *, int);
        } kinds[] = {{"html", ca_vresult_html}, {"json", ca_vresult_json}};
        for (size_t t = 0; t < CA_ARRAY_LEN(kinds); t++) {
            ca_buf p = CA_BUF_INIT, body = CA_BUF_INIT;
            ca_buf_printf(&p, "%s/%s.%s", outdir, jobs[k].name, kinds[t].ext);
            char *tmp = NULL;
            FILE *f = NULL;
            if (p.oom || kinds[t].write(&body, jobs[k].res, imp, tz) != 0 ||
                !(f = ca_outfile_open(ca_buf_cstr(&p), &tmp)) ||
                fwrite(body.data, 1, body.len, f) != body.len) {
                if (f)
                    ca_outfile_abort(f, tmp);
                rc = -1;
            } else if (ca_outfile_commit(f, tmp, ca_buf_cstr(&p)) != 0) {
                rc = -1;
            }
            ca_buf_free(&p);
            ca_buf_free(&body);
        }
    }
    return rc;
}

/* -------------------------------------------------------------- reports */

/* The reports of a run, each a file of its own written from the const
 * report: they are written side by side on the run's threads, the largest
 * first. */
static const struct {
    const char *name;
    int (*write)(const ca_report *, const char *);
} report_files[] = {{"latency.html", ca_write_latency_html},
                    {"compliance.html", ca_write_compliance_html},
                    {"penalties.html", ca_write_penalties_html},
                    {"findings.csv", ca_write_findings_csv},
                    {"latency.csv", ca_write_latency_csv},
                    {"penalties.csv", ca_write_penalties_csv},
                    {"index.html", ca_write_index_html}};

typedef struct report_jobs {
    const ca_report *rep;
    const char *outdir;
    atomic_size_t next;
    atomic_int failed;
} report_jobs;

static void write_reports(void *arg, int tid, int threads)
{
    (void)tid;
    (void)threads;
    report_jobs *rj = arg;
    for (size_t k; (k = atomic_fetch_add(&rj->next, 1)) < CA_ARRAY_LEN(report_files);) {
        ca_buf p = CA_BUF_INIT;
        ca_buf_printf(&p, "%s/%s", rj->outdir, report_files[k].name);
        if (p.oom || report_files[k].write(rj->rep, ca_buf_cstr(&p)) != 0)
            atomic_store(&rj->failed, 1);
        ca_buf_free(&p);
    }
}

/* ------------------------------------------------------------------ run */

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n < 256 ? (int)n : 1;
}

/* ", formats: memotrace-csv 2, pywxdump-csv 1" — the entries per format,
 * in name order. */
static void print_formats(const ca_import *imp)
{
    size_t nf = ca_import_nfiles(imp);
    const char *done[64];
    size_t n_done = 0;
    const char *sep = " (formats: ";
    for (;;) {
        const char *next = NULL;
        for (size_t i = 0; i < nf; i++) {
            const char *f = ca_import_file(imp, i)->format;
            int seen = 0;
            for (size_t k = 0; k < n_done && !seen; k++)
                seen = strcmp(done[k], f ? f : "") == 0;
            if (f && !seen && (!next || strcmp(f, next) < 0))
                next = f;
        }
        if (!next || n_done == CA_ARRAY_LEN(done))
            break;
        size_t count = 0;
        for (size_t i = 0; i < nf; i++)
            count += ca_strcmp0(ca_import_file(imp, i)->format, next) == 0;
        fprintf(stderr, "%s%s %zu", sep, next, count);
        sep = ", ";
        done[n_done++] = next;
    }
    if (n_done)
        fputc(')', stderr);
}

static int cmp_input(const void *a, const void *b)
{
    return strcmp(((const ca_input_file *)a)->path, ((const ca_input_file *)b)->path);
}

/* Whether the folder that will hold file exists and is writable (errno
 * set when not). */
static int dir_writable(const char *file)
{
    const char *slash = strrchr(file, '/');
    if (!slash)
        return access(".", W_OK) == 0;
    char dir[4096];
    size_t n = slash == file ? 1 : (size_t)(slash - file);
    if (n >= sizeof dir) {
        errno = ENAMETOOLONG;
        return 0;
    }
    memcpy(dir, file, n);
    dir[n] = '\0';
    return access(dir, W_OK) == 0;
}

static int mkdir_p(const char *path)
{
    char tmp[4096];
    if (strlen(path) >= sizeof tmp)
        return -1;
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int ca_run(const ca_run_opts *o)
{
    double t0 = now_seconds();
    int rc = EXIT_OK, jobs = 1;
    ca_diag *diag = ca_diag_new(0);
    ca_config cfg;
    ca_config_defaults(&cfg);
    ca_content content;
    memset(&content, 0, sizeof content);
    ca_limits lim;
    ca_limits_default(&lim);
    ca_import *imp = NULL;
    ca_input_file *inputs = NULL;
    const ca_event *const *evs = NULL;
    ca_conv *convs = NULL;
    survey sv;
    memset(&sv, 0, sizeof sv);
    size_t n_convs = 0;
    worker *workers = NULL;
    void **shared = NULL;
    ca_findings all;
    ca_findings_init(&all);
    char *outdir = NULL;
    ca_penalties *pen = NULL;
    shot_job *shots = NULL; /* --screenshot */
    ca_unresolved *unresolved = NULL;
    size_t n_unresolved = 0;
    if (!diag)
        return EXIT_INTERNAL;

    /* 1. configuration: every problem at once, before any work */
    /* an audit without its configuration would call everyone an outsider:
     * the folder and its files must exist, even the default ./config */
    ca_status st = ca_config_load(&cfg, o->config ? o->config : "config",
                                  CA_CONFIG_MUST_EXIST | CA_CONFIG_REQUIRE_FILES, diag);
    if (st != CA_FATAL && cfg.dir) { /* every problem at once: the lexicons too */
        ca_status lc = load_content(&cfg, &content, diag);
        if (lc == CA_FATAL || st == CA_OK)
            st = lc;
    }
    if (st != CA_OK) {
        ca_diag_print(diag, stderr, CA_DIAG_WARN);
        rc = st == CA_FATAL ? EXIT_INTERNAL : EXIT_USAGE;
        goto out;
    }
    int shots_failed;
    shots = read_screenshots(o, &shots_failed);
    if (shots_failed) {
        rc = shots_failed;
        goto out;
    }
    int64_t pstart = 0, pend = 0;
    if (o->period && period_bounds(o->period, cfg.tz_offset_min, &pstart, &pend) != 0) {
        fprintf(stderr, "chataudit: --period: expected YYYY-MM, found \"%s\"\n", o->period);
        rc = EXIT_USAGE;
        goto out;
    }

    /* 2. inputs.  As many malloc arenas as threads: each phase starts
     * threads of its own, and what a finished thread freed in an arena of
     * its own would not be used again by the next phase's (measured in
     * docs/performance.md) */
    mallopt(M_ARENA_MAX, o->jobs > 0 ? o->jobs : online_cpus());
    inputs = ca_calloc(o->n_inputs ? o->n_inputs : 1, sizeof *inputs);
    imp = ca_import_new(&cfg, &lim, NULL, diag);
    if (!inputs || !imp) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    /* -j N: N parser threads while this thread reads the inputs */
    ca_import_set_threads(imp, o->jobs > 0 ? o->jobs : online_cpus());
    /* the events wait in a temporary file ($TMPDIR), not in memory, and are
     * read a conversation at a time (SPEC §11) — unless screenshots are
     * verified: that searches every conversation at once */
    char spill_err[CA_SPILL_ERRMAX];
    if (!o->n_screenshots && ca_import_set_spill(imp, NULL, spill_err) != CA_OK)
        fprintf(stderr, "chataudit: %s; the events are kept in memory instead\n", spill_err);
    size_t readable = 0;
    progress prog = {0, 0, now_seconds(), 0};
    /* A file is hashed while the import reads it (one read); a folder
     * before, with ca_sha256_path's tree hash. */
    for (size_t i = 0; i < o->n_inputs; i++) {
        inputs[i].path = o->inputs[i];
        struct stat sb;
        if (stat(o->inputs[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
            inputs[i].bytes = (uint64_t)sb.st_size;
        } else if (ca_sha256_path(o->inputs[i], inputs[i].sha256, &inputs[i].bytes) != 0) {
            snprintf(inputs[i].sha256, sizeof inputs[i].sha256, "unreadable");
        }
        prog.total += inputs[i].bytes;
    }
    int tty = !o->quiet && isatty(2);
    if (tty)
        ca_import_set_progress(imp, show_progress, &prog);
    for (size_t i = 0; i < o->n_inputs; i++) {
        int hash = !inputs[i].sha256[0];
        char sha[65];
        uint64_t hashed = 0;
        ca_status s = ca_import_input_hash(imp, o->inputs[i], hash ? sha : NULL, &hashed);
        if (hash && sha[0]) {
            memcpy(inputs[i].sha256, sha, sizeof sha);
            inputs[i].bytes = hashed;
        } else if (hash && ca_sha256_path(o->inputs[i], inputs[i].sha256, &inputs[i].bytes) != 0) {
            /* not read to its end (or replaced by a folder meanwhile) */
            snprintf(inputs[i].sha256, sizeof inputs[i].sha256, "unreadable");
        }
        prog.done_before += inputs[i].bytes;
        if (s == CA_FATAL && ca_diag_count(diag, CA_DIAG_ERROR) == 0) {
            rc = EXIT_INTERNAL;
            goto out;
        }
        readable += s != CA_FATAL;
    }
    if (tty)
        fputs("\rchataudit: sorting and de-duplicating...\033[K", stderr);
    if (ca_import_finish(imp) != CA_OK) {
        /* why, when it is known: a spill file that could not be written
         * ($TMPDIR full) is in the diagnostics */
        if (tty)
            fputs("\r\033[K", stderr);
        ca_diag_print(diag, stderr, CA_DIAG_ERROR);
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (tty)
        fputs("\r\033[K", stderr);
    if (!readable || ca_import_count(imp) == 0) {
        ca_diag_print(diag, stderr, CA_DIAG_WARN);
        if (!readable)
            fprintf(stderr, "chataudit: no input could be read\n");
        else
            fprintf(stderr, "chataudit: no chat events in the input (%zu file%s read, none of "
                            "them a recognised chat export with events); nothing recorded\n",
                    ca_import_nfiles(imp), ca_import_nfiles(imp) == 1 ? "" : "s");
        rc = EXIT_INPUT;
        goto out;
    }
    /* the input table of the reports, in one order whatever the order of
     * the arguments */
    qsort(inputs, o->n_inputs, sizeof *inputs, cmp_input);
    jobs = o->jobs > 0 ? o->jobs : online_cpus();
    if (jobs > 64)
        jobs = 64;

    /* 3. conversations: each read once, on the threads, for what the run
     * needs before the rules (their names, the busiest month, the count
     * of the period's messages) */
    sv.imp = imp;
    sv.cfg = &cfg;
    sv.n = n_convs = ca_import_n_convs(imp);
    convs = ca_calloc(n_convs ? n_convs : 1, sizeof *convs);
    sv.convs = convs;
    sv.facts = ca_calloc(n_convs ? n_convs : 1, sizeof *sv.facts);
    if (!convs || !sv.facts) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    atomic_init(&sv.next, 0);
    atomic_init(&sv.failed, 0);
    ca_parallel(jobs, survey_task, &sv);
    if (atomic_load(&sv.failed)) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    char period[8];
    if (o->period)
        snprintf(period, sizeof period, "%s", o->period);
    else {
        busiest_month(sv.facts, n_convs, period);
        period_bounds(period, cfg.tz_offset_min, &pstart, &pend);
    }
    int64_t period_key = month_key(pstart, cfg.tz_offset_min);
    size_t n_messages = 0;
    int64_t first_ms = INT64_MAX, last_ms = INT64_MIN;
    for (size_t k = 0; k < n_convs; k++) {
        convs[k].period_messages = month_messages(&sv.facts[k], period_key);
        n_messages += convs[k].period_messages;
        first_ms = sv.facts[k].first_ms < first_ms ? sv.facts[k].first_ms : first_ms;
        last_ms = sv.facts[k].last_ms > last_ms ? sv.facts[k].last_ms : last_ms;
    }
    if (n_messages == 0) {
        /* most likely the wrong folder or the wrong --period: recording it
         * would replace the month in the ledger with nothing */
        ca_diag_print(diag, stderr, CA_DIAG_WARN);
        char a[40] = "-", z[40] = "-";
        if (first_ms != INT64_MAX) {
            ca_time_format(first_ms, cfg.tz_offset_min, a);
            ca_time_format(last_ms, cfg.tz_offset_min, z);
            a[10] = z[10] = '\0';
        }
        fprintf(stderr, "chataudit: no messages in the period %s (the input's messages are dated "
                        "%s to %s); nothing recorded\n", period, a, z);
        rc = EXIT_INPUT;
        goto out;
    }

    /* the report folder and the email's folder, before any work that the
     * ledger would record */
    if (o->outdir)
        outdir = ca_strdup(o->outdir);
    else {
        ca_buf b = CA_BUF_INIT;
        ca_buf_printf(&b, "reports/%s", period);
        outdir = ca_buf_detach(&b);
    }
    if (!outdir || mkdir_p(outdir) != 0 || access(outdir, W_OK) != 0) {
        fprintf(stderr, "chataudit: %s: cannot write the reports there: %s\n",
                outdir ? outdir : "", strerror(errno));
        rc = EXIT_USAGE;
        goto out;
    }
    if (o->email && !dir_writable(o->email)) {
        fprintf(stderr, "chataudit: %s: cannot write the email there: %s\n", o->email,
                strerror(errno));
        rc = EXIT_USAGE;
        goto out;
    }

    /* 4. rules on worker threads */
    if (!ca_import_spilled(imp) && n_convs)
        evs = convs[0].events; /* the import's order: what verify numbers */
    workers = ca_calloc((size_t)jobs, sizeof *workers);
    shared = ca_calloc(ca_n_rules ? ca_n_rules : 1, sizeof *shared);
    if (!workers || !shared) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    for (size_t r = 0; r < ca_n_rules; r++) {
        int failed = 0;
        if (ca_rules[r]->prepare)
            shared[r] = ca_rules[r]->prepare(&cfg, convs, n_convs, jobs, &failed);
        if (failed) {
            rc = EXIT_INTERNAL;
            goto out;
        }
    }
    atomic_size_t next = 0;
    int started = 0;
    for (int k = 0; k < jobs; k++) {
        worker *w = &workers[k];
        w->cfg = &cfg;
        w->content = &content;
        w->convs = convs;
        w->n_convs = n_convs;
        w->next = &next;
        w->period_start = pstart;
        w->period_end = pend;
        w->shared = shared;
        ca_findings_init(&w->out);
        if (jobs == 1) {
            run_worker(w);
            started = 1;
            break;
        }
        if (pthread_create(&w->thread, NULL, run_worker, w) != 0) {
            w->failed = 1;
            break;
        }
        started++;
    }
    for (int k = 0; jobs > 1 && k < started; k++)
        pthread_join(workers[k].thread, NULL);
    for (int k = 0; k < jobs; k++) {
        if (workers[k].failed)
            rc = EXIT_INTERNAL;
        if (ca_findings_merge(&all, &workers[k].out) < 0)
            rc = EXIT_INTERNAL;
    }
    if (rc != EXIT_OK)
        goto out;
    if (verify_screenshots(shots, o->n_screenshots, &cfg, imp, convs, n_convs, evs, &all, diag, o->quiet) < 0) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    ca_findings_finalize(&all);

    /* 5. reports */

    /* ---- penalties (SPEC §7): the ledger, in one transaction, before any report ---- */
    {
        char *ledger_path = o->no_ledger ? NULL
                          : o->ledger ? ca_strdup(o->ledger) : ca_ledger_default_path(&cfg);
        ca_penalty_run pr = {&cfg, ledger_path, period, &all, inputs, o->n_inputs,
                             (long)n_messages};
        int prc = o->no_ledger || ledger_path ? ca_ledger_record(&pr, &pen) : EXIT_INTERNAL;
        if (prc == EXIT_OK && !o->quiet && ledger_path)
            fprintf(stderr, "chataudit: ledger %s: period %s recorded\n", ledger_path, period);
        ca_free(ledger_path);
        if (prc != EXIT_OK) {
            rc = prc;
            goto out;
        }
    }
    /* ---- end of penalties ---- */

    /* the unresolved senders the workers counted, for the reports: they
     * read no events */
    for (int k = 1; k < jobs; k++)
        if (workers[0].unresolved && workers[k].unresolved &&
            ca_unresolved_tally_merge(workers[0].unresolved, workers[k].unresolved) < 0)
            rc = EXIT_INTERNAL;
    if (rc != EXIT_OK || !workers[0].unresolved ||
        ca_unresolved_tally_list(workers[0].unresolved, &unresolved, &n_unresolved) < 0) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    ca_report rep = {.cfg = &cfg, .period = period, .period_start_ms = pstart,
                     .period_end_ms = pend, .tool_version = CA_VERSION, .inputs = inputs,
                     .n_inputs = o->n_inputs, .convs = convs, .n_convs = n_convs,
                     .findings = &all, .imp = imp, .unresolved = unresolved,
                     .n_unresolved = n_unresolved, .diag = diag, .n_messages = n_messages,
                     .pen = pen};
    report_jobs rj = {&rep, outdir, 0, 0};
    ca_parallel(jobs, write_reports, &rj);
    if (atomic_load(&rj.failed))
        rc = EXIT_INTERNAL;
    if (write_screenshots(shots, o->n_screenshots, outdir, imp, cfg.tz_offset_min) != 0)
        rc = EXIT_INTERNAL;
    if (o->events) {
        ca_buf p = CA_BUF_INIT;
        ca_buf_printf(&p, "%s/events.ndjson", outdir);
        char *tmp = NULL;
        FILE *f = p.oom ? NULL : ca_outfile_open(ca_buf_cstr(&p), &tmp);
        if (!f || ca_import_write_ndjson(imp, f) != 0) {
            if (f)
                ca_outfile_abort(f, tmp);
            rc = EXIT_INTERNAL;
        } else if (ca_outfile_commit(f, tmp, ca_buf_cstr(&p)) != 0) {
            rc = EXIT_INTERNAL;
        }
        ca_buf_free(&p);
    }
    /* ---- the email (SPEC §9): after every report it attaches ---- */
    if (o->email && rc == EXIT_OK) {
        const char *attach[] = {"findings.csv", "penalties.csv", "compliance.html",
                                "penalties.html", "latency.csv", "latency.html"};
        if (ca_write_email(&rep, outdir, attach, CA_ARRAY_LEN(attach), o->email) != 0)
            rc = EXIT_INTERNAL;
    }
    /* ---- end of the email ---- */

    /* 6. the summary */
    ca_diag_print(diag, stderr, CA_DIAG_WARN);
    if (!o->quiet) {
        fprintf(stderr, "chataudit: period %s: %zu files, %zu conversations", period,
                ca_import_nfiles(imp), n_convs);
        size_t n_private = 0;
        for (size_t k = 0; k < n_convs; k++)
            n_private += convs[k].private_chat != 0;
        if (n_private)
            fprintf(stderr, " (%zu private chats, not audited)", n_private);
        fprintf(stderr, ", %zu messages in the period", n_messages);
        print_formats(imp);
        fprintf(stderr, ", %zu findings", all.n);
        const char *sep = " (";
        for (size_t r = 0; r < ca_n_rules; r++) {
            size_t n = 0;
            for (size_t i = 0; i < all.n; i++)
                n += all.items[i].rule == ca_rules[r]->id;
            if (n) {
                fprintf(stderr, "%s%s %zu", sep, ca_rules[r]->id, n);
                sep = ", ";
            }
        }
        size_t n_tamper = 0; /* --screenshot findings are not in the rule table */
        for (size_t i = 0; i < all.n; i++)
            n_tamper += all.items[i].rule == tamper_rule.id;
        if (n_tamper) {
            fprintf(stderr, "%s%s %zu", sep, tamper_rule.id, n_tamper);
            sep = ", ";
        }
        fprintf(stderr, "%s; %.1f s; reports in %s\n", *sep == ',' ? ")" : "",
                now_seconds() - t0, outdir);
    }
    if (rc == EXIT_OK && ca_diag_count(diag, CA_DIAG_ERROR))
        rc = EXIT_PARTIAL;
out:
    ca_free(unresolved);
    ca_penalties_free(pen);
    free_screenshots(shots, o->n_screenshots);
    ca_findings_free(&all);
    if (workers)
        for (int k = 0; k < jobs; k++)
        {
            ca_findings_free(&workers[k].out);
            ca_unresolved_tally_free(workers[k].unresolved);
        }
    ca_free(workers);
    for (size_t r = 0; shared && r < ca_n_rules; r++)
        if (shared[r] && ca_rules[r]->release)
            ca_rules[r]->release(shared[r]);
    ca_free(shared);
    ca_free(convs);
    ca_free(sv.facts);
    for (size_t k = 0; k < CA_ARRAY_LEN(sv.keep); k++)
        ca_arena_free(sv.keep[k]);
    ca_free(inputs);
    ca_free(outdir);
    ca_import_free(imp);
    free_content(&content);
    ca_config_free(&cfg);
    ca_diag_free(diag);
    return rc;
}

/* --------------------------------------------------------- evaluation */

struct ca_evaluator {
    ca_config cfg;
    ca_content content;
    worker w;
    ca_diag *diag;
};

ca_evaluator *ca_evaluator_new(const char *config_dir)
{
    ca_evaluator *ev = ca_calloc(1, sizeof *ev);
    if (!ev)
        return NULL;
    ev->diag = ca_diag_new(0);
    ca_config_defaults(&ev->cfg);
    ca_status st = ev->diag ? ca_config_load(&ev->cfg, config_dir, 1, ev->diag) : CA_FATAL;
    if (st == CA_OK)
        st = load_content(&ev->cfg, &ev->content, ev->diag);
    if (ev->diag)
        ca_diag_print(ev->diag, stderr, CA_DIAG_WARN);
    for (size_t k = 0; k < CA_ARRAY_LEN(ev->w.scratch.units); k++)
        ca_norm_init(&ev->w.scratch.units[k].norm);
    if (st == CA_OK && scratch_open(&ev->w.scratch, &ev->content) != 0)
        st = CA_FATAL;
    if (st != CA_OK) {
        ca_evaluator_free(ev);
        return NULL;
    }
    return ev;
}

void ca_evaluator_free(ca_evaluator *ev)
{
    if (!ev)
        return;
    scratch_close(&ev->w.scratch);
    free_content(&ev->content);
    ca_config_free(&ev->cfg);
    ca_diag_free(ev->diag);
    ca_free(ev);
}

int ca_evaluator_run(ca_evaluator *ev, const char *text, const char **rules, size_t max)
{
    ca_event e;
    memset(&e, 0, sizeof e);
    e.platform = "wechat";
    e.conv = "eval@chatroom";
    e.kind = CA_KIND_MESSAGE;
    e.type = CA_TYPE_TEXT;
    e.sender = "eval";
    e.text = text;
    e.time_ms = 1000;
    const ca_event *evs[1] = {&e};
    ca_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.platform = e.platform;
    conv.id = conv.name = e.conv;
    conv.events = evs;
    conv.n_events = 1;
    ca_findings out;
    ca_findings_init(&out);
    ca_rule_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = &ev->cfg;
    ctx.content = &ev->content;
    ctx.conv = &conv;
    ctx.period_start_ms = 0;
    ctx.period_end_ms = 2000;
    ctx.scratch = &ev->w.scratch;
    ctx.out = &out;
    ca_members *members = ca_members_build(&conv);
    if (!members || fill_units(&ev->w.scratch, &e) < 0) {
        ca_members_free(members);
        return -1;
    }
    ctx.members = members;
    ctx.units = ev->w.scratch.units;
    ctx.n_units = ev->w.scratch.n_units;
    int rc = 0;
    for (size_t r = 0; r < ca_n_rules && rc == 0; r++) {
        if (ca_rules[r]->state_size) /* stateful rules need a whole conversation */
            continue;
        if (ca_rules[r]->on_event && ca_rules[r]->on_event(&ctx, NULL, 0) < 0)
            rc = -1;
    }
    if (ev->w.scratch.oom)
        rc = -1;
    size_t n = out.n;
    for (size_t i = 0; i < n && i < max; i++)
        rules[i] = out.items[i].rule;
    ca_findings_free(&out);
    ca_members_free(members);
    return rc < 0 ? -1 : (int)n;
}
