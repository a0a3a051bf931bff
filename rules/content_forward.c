/*
 * content_forward.c — content.forward (policy 4.2.6): work content leaves
 * the work group.  A message in an `all` or `other` group, or a merged
 * record anywhere, that repeats a message first posted in a `work` group:
 * both at least 20 normalized characters, similarity (1 − edit distance /
 * longer length, on normalized text) ≥ 0.9.
 *
 * Before the workers start, prepare() indexes every work-group message by
 * the 4-character shingles of its normalized text; a message is compared
 * (banded edit distance) only with the work messages that share many of
 * its shingles, so the cost stays near-linear in the number of messages.
 */
#include <string.h>
#include "../analyzer/charset.h"
#include "../analyzer/rule.h"
#include "../analyzer/timeparse.h"

extern const ca_rule ca_rule_content_forward;

#define MIN_CHARS 20
#define SHINGLE 4
#define MAX_POSTINGS 48  /* a shingle in more work messages says nothing */
#define CAND_SLOTS 1024  /* candidates counted per message (a power of two) */

typedef struct work_msg {
    uint32_t *cp;        /* normalized code points */
    size_t n;
    int64_t time_ms;
    const ca_conv *conv;
    const ca_event *ev;
} work_msg;

typedef struct posting {
    uint64_t hash;
    uint32_t *msgs;
    uint32_t n, cap;
} posting;

typedef struct fwd_index {
    work_msg *msgs;
    size_t n_msgs, cap_msgs;
    posting *table;      /* open addressing by shingle hash */
    size_t cap, used;    /* slots, and slots in use (at most half) */
} fwd_index;

/* Normalized code points of text (stripped of separators); NULL on oom. */
static uint32_t *code_points(const char *text, size_t len, ca_norm *nm, size_t *n)
{
    if (ca_normalize(text, len, CA_NORM_STRIP, nm) < 0)
        return NULL;
    uint32_t *cp = ca_malloc((nm->len + 1) * sizeof *cp);
    if (!cp)
        return NULL;
    const char *p = nm->text, *end = nm->text + nm->len;
    size_t k = 0;
    while (p < end)
        cp[k++] = ca_utf8_next(&p, end);
    *n = k;
    return cp;
}

static uint64_t shingle_hash(const uint32_t *cp)
{
    return ca_hash64(cp, SHINGLE * sizeof *cp, 0x5eed) | 1; /* 0 marks an empty slot */
}

static posting *slot(fwd_index *x, uint64_t h, int create)
{
    size_t j = h & (x->cap - 1);
    while (x->table[j].hash && x->table[j].hash != h)
        j = (j + 1) & (x->cap - 1);
    if (!x->table[j].hash) {
        if (!create)
            return NULL; /* lookups run on worker threads: never write */
        x->table[j].hash = h;
        x->used++;
    }
    return &x->table[j];
}

/* Doubles the table (sized by the distinct shingles, not by all of them:
 * a corpus repeats most).  0 or -1 on oom. */
static int grow_table(fwd_index *x)
{
    size_t cap = x->cap * 2;
    posting *t = ca_calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t j = 0; j < x->cap; j++) {
        if (!x->table[j].hash)
            continue;
        size_t k = x->table[j].hash & (cap - 1);
        while (t[k].hash)
            k = (k + 1) & (cap - 1);
        t[k] = x->table[j];
    }
    ca_free(x->table);
    x->table = t;
    x->cap = cap;
    return 0;
}

static void release(void *shared)
{
    fwd_index *x = shared;
    if (!x)
        return;
    for (size_t i = 0; i < x->n_msgs; i++)
        ca_free(x->msgs[i].cp);
    ca_free(x->msgs);
    for (size_t j = 0; j < x->cap; j++)
        ca_free(x->table[j].msgs);
    ca_free(x->table);
    ca_free(x);
}

static int add_work_msg(fwd_index *x, const ca_conv *c, const ca_event *e, ca_norm *nm)
{
    size_t n;
    uint32_t *cp = code_points(e->text, strlen(e->text), nm, &n);
    if (!cp)
        return -1;
    if (n < MIN_CHARS) {
        ca_free(cp);
        return 0;
    }
    if (x->n_msgs == x->cap_msgs) {
        size_t cap = x->cap_msgs ? x->cap_msgs * 2 : 256;
        work_msg *nmsgs = ca_realloc(x->msgs, cap * sizeof *nmsgs);
        if (!nmsgs) {
            ca_free(cp);
            return -1;
        }
        x->msgs = nmsgs;
        x->cap_msgs = cap;
    }
    x->msgs[x->n_msgs++] = (work_msg){cp, n, e->time_ms, c, e};
    return 0;
}

static void *prepare(const ca_config *cfg, const ca_conv *convs, size_t n, int *failed)
{
    (void)cfg;
    fwd_index *x = ca_calloc(1, sizeof *x);
    ca_norm nm;
    ca_norm_init(&nm);
    if (!x)
        goto oom;
    for (size_t c = 0; c < n; c++) {
        if (!convs[c].reg || strcmp(convs[c].reg->category, "work") != 0 || convs[c].private_chat)
            continue;
        for (size_t i = 0; i < convs[c].n_events; i++) {
            const ca_event *e = convs[c].events[i];
            if (e->kind == CA_KIND_MESSAGE && e->text &&
                (e->type == CA_TYPE_TEXT || e->type == CA_TYPE_QUOTE) &&
                add_work_msg(x, &convs[c], e, &nm) < 0)
                goto oom;
        }
    }
    x->cap = 1024;
    if (!(x->table = ca_calloc(x->cap, sizeof *x->table)))
        goto oom;
    for (size_t i = 0; i < x->n_msgs; i++) {
        for (size_t k = 0; k + SHINGLE <= x->msgs[i].n; k++) {
            if ((x->used + 1) * 2 > x->cap && grow_table(x) < 0)
                goto oom;
            posting *p = slot(x, shingle_hash(x->msgs[i].cp + k), 1);
            if (p->n && p->msgs[p->n - 1] == i)
                continue; /* the same shingle twice in one message */
            if (p->n == p->cap) {
                if (p->cap >= MAX_POSTINGS + 1)
                    continue;
                uint32_t cap = p->cap ? p->cap * 2 : 4;
                uint32_t *nl = ca_realloc(p->msgs, cap * sizeof *nl);
                if (!nl)
                    goto oom;
                p->msgs = nl;
                p->cap = cap;
            }
            p->msgs[p->n++] = (uint32_t)i;
        }
    }
    ca_norm_free(&nm);
    return x;
oom:
    ca_norm_free(&nm);
    release(x);
    *failed = 1;
    return NULL;
}

/* Levenshtein distance of a and b if it is at most band, else band + 1. */
static size_t banded_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                              size_t band, size_t *row)
{
    if ((na > nb ? na - nb : nb - na) > band)
        return band + 1;
    const size_t inf = band + 1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j <= band ? j : inf;
    for (size_t i = 1; i <= na; i++) {
        size_t lo = i > band ? i - band : 1, hi = i + band < nb ? i + band : nb;
        size_t diag = row[lo - 1];
        row[lo - 1] = lo - 1 == 0 && i <= band ? i : inf;
        size_t best = inf;
        for (size_t j = lo; j <= hi; j++) {
            size_t up = row[j];
            size_t v = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v > inf ? inf : v;
            diag = up;
            if (row[j] < best)
                best = row[j];
        }
        if (hi < nb)
            row[hi + 1] = inf;
        if (best > band)
            return inf;
    }
    return row[nb] > inf ? inf : row[nb];
}

/* The earliest work message, posted before t, that text repeats; NULL if
 * none.  *sim gets the similarity in percent. */
static const work_msg *find_source(const fwd_index *x, const uint32_t *cp, size_t n, int64_t t,
                                   const ca_event *self, int *sim)
{
    /* count the informative shingles (those in at most MAX_POSTINGS work
     * messages) each candidate shares, in a small hash map */
    uint32_t key[CAND_SLOTS], hits[CAND_SLOTS], cand[CAND_SLOTS / 2];
    memset(key, 0xff, sizeof key);
    size_t nc = 0, grams = 0;
    for (size_t k = 0; k + SHINGLE <= n; k++) {
        posting *p = slot((fwd_index *)(uintptr_t)x, shingle_hash(cp + k), 0);
        if (p && p->n > MAX_POSTINGS)
            continue; /* common to many work messages: no evidence either way */
        grams++;
        for (uint32_t q = 0; p && q < p->n; q++) {
            uint32_t m = p->msgs[q];
            size_t j = (m * 2654435761u) & (CAND_SLOTS - 1);
            while (key[j] != UINT32_MAX && key[j] != m)
                j = (j + 1) & (CAND_SLOTS - 1);
            if (key[j] == UINT32_MAX) {
                if (nc == CA_ARRAY_LEN(cand))
                    continue; /* full: the candidates so far are counted on */
                key[j] = m;
                hits[j] = 0;
                cand[nc++] = (uint32_t)j;
            }
            hits[j]++;
        }
    }
    const work_msg *best = NULL;
    /* a message of common phrases only has no informative shingle: it
     * repeats no particular work message */
    if (grams < 3)
        return NULL;
    size_t *row = NULL, row_cap = 0;
    for (size_t c = 0; c < nc; c++) {
        const work_msg *w = &x->msgs[key[cand[c]]];
        /* 10 % of edits destroy at most 4 × 10 % of the shingles */
        if (hits[cand[c]] * 2 < grams || w->ev == self || w->time_ms >= t)
            continue;
        size_t longer = n > w->n ? n : w->n;
        size_t band = longer / 10;
        if (longer + 2 > row_cap) {
            ca_free(row);
            row_cap = longer + 2;
            if (!(row = ca_malloc(row_cap * sizeof *row)))
                return NULL;
        }
        size_t d = banded_distance(cp, n, w->cp, w->n, band, row);
        if (d > band || (longer - d) * 10 < longer * 9)
            continue;
        if (!best || w->time_ms < best->time_ms) {
            best = w;
            *sim = (int)((longer - d) * 100 / longer);
        }
    }
    ca_free(row);
    return best;
}

static int forward_event(ca_rule_ctx *ctx, void *state, size_t i)
{
    (void)state;
    const fwd_index *x = ctx->shared;
    const ca_event *e = ctx->conv->events[i];
    if (!x || !x->n_msgs || e->kind != CA_KIND_MESSAGE || !ca_rule_in_period(ctx, e->time_ms))
        return 0;
    const char *cat = ctx->conv->reg ? ctx->conv->reg->category : "";
    int open_group = !strcmp(cat, "all") || !strcmp(cat, "other");
    for (size_t u = 0; u < ctx->n_units; u++) {
        const ca_unit *un = &ctx->units[u];
        if (un->kind == CA_UNIT_URL || (un->kind != CA_UNIT_RECORD && !open_group))
            continue;
        const char *p = un->norm.text, *end = un->norm.text + un->norm.len;
        size_t n = 0;
        while (p < end) {
            ca_utf8_next(&p, end);
            n++;
        }
        if (n < MIN_CHARS)
            continue;
        uint32_t *cp = ca_malloc(n * sizeof *cp);
        if (!cp)
            return -1;
        p = un->norm.text;
        for (size_t k = 0; k < n; k++)
            cp[k] = ca_utf8_next(&p, end);
        int sim = 0;
        const work_msg *w = find_source(x, cp, n, e->time_ms, e, &sim);
        ca_free(cp);
        if (!w)
            continue;
        char when[32];
        ca_time_format(w->time_ms, ctx->cfg->tz_offset_min, when);
        return ca_rule_report(ctx, &ca_rule_content_forward, i, NULL, un->text, un->len, 0, un->len,
                              "%s repeats (%d%% similar) a message posted in the work group %s "
                              "at %s (%s:%ld)",
                              un->kind == CA_UNIT_RECORD ? "a forwarded record" : "the message", sim,
                              w->conv->name, when, w->ev->src_path ? w->ev->src_path : "?",
                              w->ev->src_line);
    }
    return 0;
}

const ca_rule ca_rule_content_forward = {
    "content.forward", "4.2.6", "content", CA_SEV_MINOR, 0, NULL, forward_event, NULL, NULL,
    prepare, release};
