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
 *
 * The index is built on the run's threads: the work messages' code points
 * one conversation per task, then the shingle table in buckets (by the top
 * bits of a shingle's hash), each bucket by one thread in a small table of
 * its own, a few rounds of buckets at a time so that the (hash, message)
 * pairs in flight stay bounded.  Messages are numbered in conversation and
 * event order, and every posting list is in that order, whatever the
 * number of threads: the findings are the same for every -j.
 */
#include <stdatomic.h>
#include <string.h>
#include "../analyzer/arena.h"
#include "../analyzer/charset.h"
#include "../analyzer/parallel.h"
#include "../analyzer/rule.h"
#include "../analyzer/timeparse.h"

extern const ca_rule ca_rule_content_forward;

#define MIN_CHARS 20
#define SHINGLE 4
#define MAX_POSTINGS 48  /* a shingle in more work messages says nothing */
#define CAND_SLOTS 1024  /* candidates counted per message (a power of two) */
#define BUCKET_BITS 12
#define N_BUCKETS (1u << BUCKET_BITS)
#define ROUND_PAIRS ((size_t)3 << 20) /* (hash, message) pairs in flight per round */

typedef struct work_msg {
    const uint32_t *cp;  /* normalized code points (in an arena of the index) */
    uint32_t n;
    int64_t time_ms;
    const ca_conv *conv;
    const ca_event *ev;
} work_msg;

/* A distinct shingle: n work messages hold it; when n <= MAX_POSTINGS,
 * their numbers are the bucket's post[off .. off + n), ascending. */
typedef struct shingle {
    uint64_t hash;       /* 0: an empty slot */
    uint32_t off, n;
} shingle;

typedef struct bucket {
    shingle *slots;      /* open addressing by the hash's low bits */
    uint32_t mask;
    uint32_t *post;
} bucket;

typedef struct fwd_index {
    work_msg *msgs;
    size_t n_msgs;
    bucket buckets[N_BUCKETS];
    ca_arena *arenas[64]; /* the code points, one arena per building thread */
} fwd_index;

/* The hash of the 4 code points at cp (21 bits each): the first three
 * exactly in 63 bits, the fourth mixed in, then a finalizer so that both
 * the top bits (the bucket) and the low bits (the slot) are spread.  Never
 * 0 (an empty slot). */
static inline uint64_t shingle_hash(const uint32_t *cp)
{
    uint64_t a = (uint64_t)cp[0] | (uint64_t)cp[1] << 21 | (uint64_t)cp[2] << 42;
    uint64_t h = a * 0x9E3779B97F4A7C15ull ^ ((uint64_t)cp[3] + 0x632BE59BD9B4E019ull) *
                                                 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 32;
    return h | 1;
}

static inline unsigned bucket_of(uint64_t h)
{
    return (unsigned)(h >> (64 - BUCKET_BITS));
}

/* The shingle with hash h, or NULL; *b gets its bucket. */
static const shingle *lookup(const fwd_index *x, uint64_t h, const bucket **b)
{
    *b = &x->buckets[bucket_of(h)];
    const shingle *s = (*b)->slots;
    if (!s)
        return NULL;
    for (uint32_t j = (uint32_t)h & (*b)->mask;; j = (j + 1) & (*b)->mask) {
        if (s[j].hash == h)
            return &s[j];
        if (!s[j].hash)
            return NULL;
    }
}

static void release(void *shared)
{
    fwd_index *x = shared;
    if (!x)
        return;
    ca_free(x->msgs);
    for (size_t b = 0; b < N_BUCKETS; b++) {
        ca_free(x->buckets[b].slots);
        ca_free(x->buckets[b].post);
    }
    for (size_t k = 0; k < CA_ARRAY_LEN(x->arenas); k++)
        ca_arena_free(x->arenas[k]);
    ca_free(x);
}

/* ------------------------------------------------------------ the build */

typedef struct conv_msgs {
    work_msg *m;
    size_t n, cap;
} conv_msgs;

typedef struct pair {
    uint64_t hash;
    uint32_t msg;
} pair;

typedef struct pair_vec {
    pair *p;
    size_t n, cap;
} pair_vec;

typedef struct build {
    fwd_index *x;
    const ca_conv *convs;
    size_t n_convs;
    conv_msgs *per_conv;   /* phase 1: each work conversation's messages */
    atomic_size_t next;
    atomic_int failed;
    size_t from[65];       /* phase 2: thread t reads messages [from[t], from[t + 1]) */
    unsigned b0, b1;       /* the round's buckets */
    pair_vec *vec;         /* [thread][bucket - b0]: pairs of the round, by message */
    size_t n_vec;
} build;

static int is_work(const ca_conv *c)
{
    return c->reg && strcmp(c->reg->category, "work") == 0 && !c->private_chat;
}

/* Phase 1, a work conversation per task: the normalized code points of
 * every text message of at least MIN_CHARS characters. */
static void collect_messages(void *arg, int tid, int threads)
{
    (void)threads;
    build *bd = arg;
    ca_norm nm;
    ca_norm_init(&nm);
    uint32_t *tmp = NULL;
    size_t tmp_cap = 0;
    for (;;) {
        size_t c = atomic_fetch_add(&bd->next, 1);
        if (c >= bd->n_convs || atomic_load(&bd->failed))
            break;
        const ca_conv *cv = &bd->convs[c];
        if (!is_work(cv))
            continue;
        conv_msgs *pc = &bd->per_conv[c];
        for (size_t i = 0; i < cv->n_events; i++) {
            const ca_event *e = cv->events[i];
            if (e->kind != CA_KIND_MESSAGE || !e->text ||
                (e->type != CA_TYPE_TEXT && e->type != CA_TYPE_QUOTE))
                continue;
            if (ca_normalize(e->text, strlen(e->text), CA_NORM_STRIP, &nm) < 0)
                goto oom;
            if (nm.len + 1 > tmp_cap) {
                ca_free(tmp);
                tmp_cap = nm.len + 64;
                if (!(tmp = ca_malloc(tmp_cap * sizeof *tmp)))
                    goto oom;
            }
            size_t n = 0;
            for (const char *p = nm.text, *end = nm.text + nm.len; p < end;)
                tmp[n++] = ca_utf8_next(&p, end);
            if (n < MIN_CHARS || n > UINT32_MAX)
                continue;
            ca_arena **ar = &bd->x->arenas[tid];
            if (!*ar && !(*ar = ca_arena_new(1u << 20)))
                goto oom;
            uint32_t *cp = ca_arena_alloc(*ar, n * sizeof *cp);
            if (!cp)
                goto oom;
            memcpy(cp, tmp, n * sizeof *cp);
            if (pc->n == pc->cap) {
                size_t cap = pc->cap ? pc->cap * 2 : 64;
                work_msg *m = ca_realloc(pc->m, cap * sizeof *m);
                if (!m)
                    goto oom;
                pc->m = m;
                pc->cap = cap;
            }
            pc->m[pc->n++] = (work_msg){cp, (uint32_t)n, e->time_ms, cv, e};
        }
    }
    ca_free(tmp);
    ca_norm_free(&nm);
    return;
oom:
    atomic_store(&bd->failed, 1);
    ca_free(tmp);
    ca_norm_free(&nm);
}

/* Phase 2a, a range of messages per thread: the pairs (shingle hash,
 * message) whose bucket is in the round, by bucket, in message order. */
static void collect_pairs(void *arg, int tid, int threads)
{
    (void)threads;
    build *bd = arg;
    const unsigned nb = bd->b1 - bd->b0;
    pair_vec *vec = bd->vec + (size_t)tid * nb;
    for (size_t i = bd->from[tid]; i < bd->from[tid + 1]; i++) {
        const work_msg *w = &bd->x->msgs[i];
        for (size_t k = 0; k + SHINGLE <= w->n; k++) {
            uint64_t h = shingle_hash(w->cp + k);
            unsigned b = bucket_of(h);
            if (b < bd->b0 || b >= bd->b1)
                continue;
            pair_vec *v = &vec[b - bd->b0];
            if (v->n == v->cap) {
                size_t cap = v->cap ? v->cap * 2 : 256;
                pair *p = ca_realloc(v->p, cap * sizeof *p);
                if (!p) {
                    atomic_store(&bd->failed, 1);
                    return;
                }
                v->p = p;
                v->cap = cap;
            }
            v->p[v->n++] = (pair){h, (uint32_t)i};
        }
    }
}

/* While a bucket is built: a shingle, the messages holding it so far
 * (counted once each: pairs come in message order) and where its next
 * posting goes. */
typedef struct tally {
    uint64_t hash;
    uint32_t n, last, cur;
} tally;

typedef struct tally_table {
    tally *t;
    size_t cap, used;
} tally_table;

static tally *tally_slot(tally_table *tt, uint64_t h)
{
    size_t j = h & (tt->cap - 1);
    while (tt->t[j].hash && tt->t[j].hash != h)
        j = (j + 1) & (tt->cap - 1);
    return &tt->t[j];
}

static int tally_grow(tally_table *tt)
{
    size_t cap = tt->cap ? tt->cap * 2 : 1024;
    tally *t = ca_calloc(cap, sizeof *t);
    if (!t)
        return -1;
    tally_table nt = {t, cap, tt->used};
    for (size_t j = 0; j < tt->cap; j++)
        if (tt->t[j].hash)
            *tally_slot(&nt, tt->t[j].hash) = tt->t[j];
    ca_free(tt->t);
    *tt = nt;
    return 0;
}

/* One bucket from the round's pairs of every thread (in thread order, so
 * in message order): its shingles, and the postings of the informative
 * ones.  0 or -1 (oom). */
static int build_bucket(build *bd, unsigned b, int threads, tally_table *tt)
{
    const unsigned nb = bd->b1 - bd->b0;
    memset(tt->t, 0, tt->cap * sizeof *tt->t);
    tt->used = 0;
    for (int t = 0; t < threads; t++) {
        const pair_vec *v = &bd->vec[(size_t)t * nb + (b - bd->b0)];
        for (size_t k = 0; k < v->n; k++) {
            if ((tt->used + 1) * 2 > tt->cap && tally_grow(tt) < 0)
                return -1;
            tally *s = tally_slot(tt, v->p[k].hash);
            if (!s->hash) {
                *s = (tally){v->p[k].hash, 1, v->p[k].msg, 0};
                tt->used++;
            } else if (s->last != v->p[k].msg) {
                s->n += s->n <= MAX_POSTINGS; /* past the cap the number says enough */
                s->last = v->p[k].msg;
            }
        }
    }
    if (!tt->used)
        return 0;
    bucket *bk = &bd->x->buckets[b];
    size_t cap = 2;
    while (cap < tt->used * 2)
        cap *= 2;
    size_t n_post = 0;
    for (size_t j = 0; j < tt->cap; j++)
        if (tt->t[j].hash && tt->t[j].n <= MAX_POSTINGS)
            n_post += tt->t[j].n;
    if (!(bk->slots = ca_calloc(cap, sizeof *bk->slots)) ||
        (n_post && !(bk->post = ca_malloc(n_post * sizeof *bk->post))))
        return -1;
    bk->mask = (uint32_t)(cap - 1);
    uint32_t off = 0;
    for (size_t j = 0; j < tt->cap; j++) {
        tally *s = &tt->t[j];
        if (!s->hash)
            continue;
        uint32_t k = (uint32_t)s->hash & bk->mask;
        while (bk->slots[k].hash)
            k = (k + 1) & bk->mask;
        bk->slots[k] = (shingle){s->hash, off, s->n};
        s->cur = off;
        s->last = UINT32_MAX;
        off += s->n <= MAX_POSTINGS ? s->n : 0;
    }
    for (int t = 0; t < threads; t++) {
        const pair_vec *v = &bd->vec[(size_t)t * nb + (b - bd->b0)];
        for (size_t k = 0; k < v->n; k++) {
            tally *s = tally_slot(tt, v->p[k].hash);
            if (s->n <= MAX_POSTINGS && s->last != v->p[k].msg) {
                bk->post[s->cur++] = v->p[k].msg;
                s->last = v->p[k].msg;
            }
        }
    }
    return 0;
}

/* Phase 2b, a bucket of the round per task. */
static void build_buckets(void *arg, int tid, int threads)
{
    (void)tid;
    build *bd = arg;
    tally_table tt = {NULL, 0, 0};
    if (tally_grow(&tt) < 0) {
        atomic_store(&bd->failed, 1);
        return;
    }
    for (;;) {
        size_t b = bd->b0 + atomic_fetch_add(&bd->next, 1);
        if (b >= bd->b1 || atomic_load(&bd->failed))
            break;
        if (build_bucket(bd, (unsigned)b, threads, &tt) < 0) {
            atomic_store(&bd->failed, 1);
            break;
        }
    }
    ca_free(tt.t);
}

/* Frees what a build holds besides the index. */
static void build_free(build *bd)
{
    for (size_t k = 0; bd->vec && k < bd->n_vec; k++)
        ca_free(bd->vec[k].p);
    ca_free(bd->vec);
    for (size_t c = 0; bd->per_conv && c < bd->n_convs; c++)
        ca_free(bd->per_conv[c].m);
    ca_free(bd->per_conv);
}

/* Numbers the messages of phase 1 in conversation and event order;
 * returns their shingles, or (size_t)-1 on oom. */
static size_t number_messages(build *bd)
{
    fwd_index *x = bd->x;
    size_t total = 0, shingles = 0;
    for (size_t c = 0; c < bd->n_convs; c++)
        total += bd->per_conv[c].n;
    if (total > UINT32_MAX - 1) /* beyond what a posting can number */
        return (size_t)-1;
    if (!(x->msgs = ca_malloc((total ? total : 1) * sizeof *x->msgs)))
        return (size_t)-1;
    for (size_t c = 0; c < bd->n_convs; c++) {
        if (bd->per_conv[c].n)
            memcpy(x->msgs + x->n_msgs, bd->per_conv[c].m, bd->per_conv[c].n * sizeof *x->msgs);
        x->n_msgs += bd->per_conv[c].n;
        ca_free(bd->per_conv[c].m);
        bd->per_conv[c].m = NULL;
    }
    for (size_t i = 0; i < x->n_msgs; i++)
        shingles += x->msgs[i].n - SHINGLE + 1;
    return shingles;
}

static void *prepare(const ca_config *cfg, const ca_conv *convs, size_t n, int threads,
                     int *failed)
{
    (void)cfg;
    threads = threads < 1 ? 1 : threads > 64 ? 64 : threads;
    build bd;
    memset(&bd, 0, sizeof bd);
    bd.convs = convs;
    bd.n_convs = n;
    atomic_init(&bd.next, 0);
    atomic_init(&bd.failed, 0);
    if (!(bd.x = ca_calloc(1, sizeof *bd.x)) ||
        !(bd.per_conv = ca_calloc(n ? n : 1, sizeof *bd.per_conv)))
        goto oom;
    ca_parallel(threads, collect_messages, &bd);
    size_t shingles = atomic_load(&bd.failed) ? (size_t)-1 : number_messages(&bd);
    if (shingles == (size_t)-1)
        goto oom;

    /* each thread a range of messages with about as many shingles */
    const fwd_index *x = bd.x;
    size_t acc = 0, t = 1;
    for (size_t i = 0; i < x->n_msgs && t < (size_t)threads; i++) {
        acc += x->msgs[i].n - SHINGLE + 1;
        while (t < (size_t)threads && acc * (size_t)threads >= shingles * t)
            bd.from[t++] = i + 1;
    }
    while (t <= (size_t)threads)
        bd.from[t++] = x->n_msgs;

    /* the buckets, a round at a time */
    size_t rounds = shingles / ROUND_PAIRS + 1;
    if (rounds > N_BUCKETS)
        rounds = N_BUCKETS;
    unsigned per_round = (unsigned)((N_BUCKETS + rounds - 1) / rounds);
    bd.n_vec = (size_t)threads * per_round;
    if (!(bd.vec = ca_calloc(bd.n_vec, sizeof *bd.vec)))
        goto oom;
    for (unsigned b0 = 0; b0 < N_BUCKETS; b0 += per_round) {
        bd.b0 = b0;
        bd.b1 = b0 + per_round < N_BUCKETS ? b0 + per_round : N_BUCKETS;
        for (size_t k = 0; k < bd.n_vec; k++)
            bd.vec[k].n = 0;
        ca_parallel(threads, collect_pairs, &bd);
        if (atomic_load(&bd.failed))
            goto oom;
        atomic_store(&bd.next, 0);
        ca_parallel(threads, build_buckets, &bd);
        if (atomic_load(&bd.failed))
            goto oom;
    }
    build_free(&bd);
    return bd.x;
oom:
    build_free(&bd);
    release(bd.x);
    *failed = 1;
    return NULL;
}

/* ------------------------------------------------------------ the search */

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

/* Per conversation of a worker: the buffers of the search, reused from
 * one message to the next. */
typedef struct fwd_state {
    uint32_t *cp;
    size_t cp_cap;
    size_t *row;
    size_t row_cap;
} fwd_state;

static void fwd_cleanup(void *p)
{
    fwd_state *st = p;
    if (!st)
        return;
    ca_free(st->cp);
    ca_free(st->row);
    memset(st, 0, sizeof *st);
}

/* The earliest work message, posted before t, that text repeats; NULL if
 * none (*oom set when a buffer could not grow).  *sim gets the similarity
 * in percent. */
static const work_msg *find_source(const fwd_index *x, fwd_state *st, const uint32_t *cp,
                                   size_t n, int64_t t, const ca_event *self, int *sim, int *oom)
{
    /* count the informative shingles (those in at most MAX_POSTINGS work
     * messages) each candidate shares, in a small hash map */
    uint32_t key[CAND_SLOTS], hits[CAND_SLOTS], cand[CAND_SLOTS / 2];
    memset(key, 0xff, sizeof key);
    size_t nc = 0, grams = 0;
    for (size_t k = 0; k + SHINGLE <= n; k++) {
        const bucket *b;
        const shingle *s = lookup(x, shingle_hash(cp + k), &b);
        if (s && s->n > MAX_POSTINGS)
            continue; /* common to many work messages: no evidence either way */
        grams++;
        for (uint32_t q = 0; s && q < s->n; q++) {
            uint32_t m = b->post[s->off + q];
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
    for (size_t c = 0; c < nc; c++) {
        const work_msg *w = &x->msgs[key[cand[c]]];
        /* 10 % of edits destroy at most 4 × 10 % of the shingles */
        if (hits[cand[c]] * 2 < grams || w->ev == self || w->time_ms >= t)
            continue;
        size_t longer = n > w->n ? n : w->n;
        size_t band = longer / 10;
        if (longer + 2 > st->row_cap) {
            ca_free(st->row);
            st->row_cap = longer + 2;
            if (!(st->row = ca_malloc(st->row_cap * sizeof *st->row))) {
                st->row_cap = 0;
                *oom = 1;
                return NULL;
            }
        }
        size_t d = banded_distance(cp, n, w->cp, w->n, band, st->row);
        if (d > band || (longer - d) * 10 < longer * 9)
            continue;
        if (!best || w->time_ms < best->time_ms) {
            best = w;
            *sim = (int)((longer - d) * 100 / longer);
        }
    }
    return best;
}

static int forward_event(ca_rule_ctx *ctx, void *state, size_t i)
{
    fwd_state *st = state;
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
        if (un->norm.len + 1 > st->cp_cap) {
            ca_free(st->cp);
            st->cp_cap = un->norm.len + 64;
            if (!(st->cp = ca_malloc(st->cp_cap * sizeof *st->cp))) {
                st->cp_cap = 0;
                return -1;
            }
        }
        size_t n = 0;
        for (const char *p = un->norm.text, *end = un->norm.text + un->norm.len; p < end;)
            st->cp[n++] = ca_utf8_next(&p, end);
        if (n < MIN_CHARS)
            continue;
        int sim = 0, oom = 0;
        const work_msg *w = find_source(x, st, st->cp, n, e->time_ms, e, &sim, &oom);
        if (oom)
            return -1;
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
    "content.forward", "4.2.6", "content", CA_SEV_MINOR, sizeof(fwd_state), NULL, forward_event,
    NULL, fwd_cleanup, prepare, release};
