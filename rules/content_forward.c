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
 * The index is built on the run's threads, a chunk of work conversations
 * at a time (CHUNK_EVENTS events): their messages' code points, one
 * conversation per task; then their shingles, CHUNK_PAIRS at a time, hashed
 * into (hash, message) pairs by bucket (the top bits of the hash); then
 * each bucket takes its pairs, one thread at a time, in a table of its own
 * small enough for the cache, counting each shingle's messages and noting
 * them while they are few enough to be postings.  The chunk's code points
 * go before the next chunk, so what is held stays bounded whatever the
 * size of the month.  At the end each bucket lays its postings out shingle
 * by shingle and hands its table and postings to the index, behind a
 * directory entry per bucket (not copied into one array: that would hold
 * the index twice while it is copied).  Messages are
 * numbered in conversation and event order, and every posting list is in
 * that order, whatever the number of threads: the findings are the same
 * for every -j.  The search looks every shingle of a message up at once
 * (prefetching, the lookups being cache misses) and stops as soon as no
 * candidate can share half of them.
 */
#include <stdatomic.h>
#include <string.h>
#include "../analyzer/arena.h"
#include "../analyzer/charset.h"
#include "../analyzer/importer.h"
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
#define CHUNK_PAIRS ((size_t)1 << 20) /* (hash, message) pairs in flight per chunk */
#define CHUNK_EVENTS 100000 /* events of work conversations whose code points are held at once */

/* A work message of the index (24 bytes: the index holds a month of
 * them): its normalized length, its conversation (index into the run's),
 * where it is in it — its position among the conversation's events when
 * the run holds them, else its number (seq), by which it is read back —
 * and its time.  The code points are the build's only (build.cp). */
typedef struct work_msg {
    uint32_t n;
    uint32_t conv;
    uint64_t at;
    int64_t time_ms;
} work_msg;

/* A distinct shingle, in 12 bytes: key = tag << 6 | n, where tag is its
 * hash without the top BUCKET_BITS (the bucket says them) and n the work
 * messages that hold it (counted up to MAX_POSTINGS + 1 < 64; 0 while the
 * bucket is built); key 0 is an empty slot (hashes are odd).  When n <=
 * MAX_POSTINGS, the messages' numbers are post[off .. off + n), ascending;
 * while building, off is the shingle's number in its bucket. */
typedef struct shingle {
    uint32_t key[2]; /* low, high: 4-byte aligned, so that a slot is 12 bytes */
    uint32_t off;
} shingle;

#define TAG_BITS (64 - BUCKET_BITS)

static inline uint64_t tag_of(uint64_t h) { return h & ((1ull << TAG_BITS) - 1); }
static inline uint64_t key_of(const shingle *s) { return (uint64_t)s->key[1] << 32 | s->key[0]; }
static inline uint64_t stag(const shingle *s) { return key_of(s) >> 6; }
static inline uint32_t count_of(const shingle *s) { return s->key[0] & 63; }
static inline void set_key(shingle *s, uint64_t tag, uint32_t n)
{
    uint64_t k = tag << 6 | n;
    s->key[0] = (uint32_t)k;
    s->key[1] = (uint32_t)(k >> 32);
}

/* Once built, each bucket keeps its table, slots[0 .. mask] (NULL: an
 * empty bucket), and its posting lists: a shingle's are post[off ..
 * off + n).  They stay where the build made them: packing them into one
 * array would hold the index twice while it is copied. */
typedef struct bucket_dir {
    shingle *slots;
    uint32_t *post;
    uint32_t mask;
} bucket_dir;

typedef struct fwd_index {
    const ca_conv *convs;  /* the run's, which work_msg.conv numbers */
    work_msg *msgs;
    size_t n_msgs, cap_msgs;
    bucket_dir dir[N_BUCKETS];
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

/* The shingle with hash h in the index (in bucket d), or NULL. */
static const shingle *lookup(const bucket_dir *d, uint64_t h)
{
    const shingle *s = d->slots;
    if (!s)
        return NULL;
    uint64_t t = tag_of(h);
    for (uint32_t j = (uint32_t)h & d->mask;; j = (j + 1) & d->mask) {
        uint64_t k = key_of(&s[j]);
        if (k >> 6 == t)
            return &s[j];
        if (!k)
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
        ca_free(x->dir[b].slots);
        ca_free(x->dir[b].post);
    }
    ca_free(x);
}

/* ------------------------------------------------------------ the build */

/* The code points of the UTF-8 text t[0..len) into *buf (grown as needed,
 * capacity *cap); their number, or (size_t)-1 on oom. */
static size_t code_points(const char *t, size_t len, uint32_t **buf, size_t *cap)
{
    uint32_t *b = ca_grow(*buf, cap, len + 1, sizeof *b, 64);
    if (!b)
        return (size_t)-1;
    *buf = b;
    size_t n = 0;
    for (const char *p = t, *end = t + len; p < end;)
        b[n++] = ca_utf8_next(&p, end);
    return n;
}

/* A work message while its conversation is read: with its code points. */
typedef struct conv_msg {
    work_msg w;
    const uint32_t *cp;
} conv_msg;

typedef struct conv_msgs {
    conv_msg *m;
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

/* What a shingle number of a bucket (the order in which its shingles first
 * appear) has while the bucket is built: the last message counted, and
 * how many (up to MAX_POSTINGS + 1). */
typedef struct tally {
    uint32_t last, n;
} tally;

/* A bucket while it is built: its table (open addressing by the hash's
 * low bits, at most half full; a slot's off is the shingle's number), the
 * tally of each shingle, and the postings noted so far — (number, message)
 * while the shingle has at most MAX_POSTINGS + 1 messages, in message
 * order; once finished, its posting lists laid out (handed over to the
 * index with its table). */
typedef struct bucket {
    shingle *slots;
    uint32_t mask, used;
    tally *tally;
    size_t cap_tally;
    uint32_t (*pend)[2];
    size_t n_pend, cap_pend;
    uint32_t *post;
    uint32_t n_post;
} bucket;

typedef struct build {
    fwd_index *x;
    const ca_conv *convs;
    size_t n_convs;
    conv_msgs *per_conv;   /* each work conversation's messages, until numbered */
    size_t conv_hi;        /* collect_messages takes conversations up to here */
    atomic_size_t next;
    atomic_int failed;
    size_t from[65];       /* thread t hashes the chunk's messages [from[t], from[t + 1]) */
    pair_vec *vec;         /* [thread][bucket]: the chunk's pairs, in message order */
    const uint32_t **cp;   /* the chunk's messages' code points: message cp_base + i's at i */
    size_t cp_base, cap_cp;
    size_t n_vec;
    bucket *buckets;       /* [N_BUCKETS] */
    ca_arena *arenas[64];  /* the messages' code points, one arena per thread */
    int (*each)(struct build *bd, size_t b, int threads); /* what for_each_bucket runs */
} build;

static void each_bucket_task(void *arg, int tid, int threads)
{
    (void)tid;
    build *bd = arg;
    for (size_t b; !atomic_load(&bd->failed) && (b = atomic_fetch_add(&bd->next, 1)) < N_BUCKETS;)
        if (bd->each(bd, b, threads) < 0)
            atomic_store(&bd->failed, 1);
}

/* Runs each for every bucket on threads threads, a bucket per task, until
 * one fails.  0 or -1. */
static int for_each_bucket(build *bd, int threads, int (*each)(build *, size_t, int))
{
    bd->each = each;
    atomic_store(&bd->next, 0);
    ca_parallel(threads, each_bucket_task, bd);
    return atomic_load(&bd->failed) ? -1 : 0;
}

static int is_work(const ca_conv *c)
{
    return c->reg && strcmp(c->reg->category, "work") == 0 && !c->private_chat;
}

/* A work conversation per task: the normalized code points of every text
 * message of at least MIN_CHARS characters. */
static void collect_messages(void *arg, int tid, int threads)
{
    (void)threads;
    build *bd = arg;
    ca_norm nm;
    ca_norm_init(&nm);
    uint32_t *tmp = NULL;
    size_t tmp_cap = 0;
    ca_arena *read = NULL; /* the conversation's events, when the run holds none */
    for (size_t c; !atomic_load(&bd->failed) && (c = atomic_fetch_add(&bd->next, 1)) < bd->conv_hi;) {
        const ca_conv *cv = &bd->convs[c];
        if (!is_work(cv))
            continue;
        conv_msgs *pc = &bd->per_conv[c];
        const ca_event *const *evs;
        size_t n_evs;
        ca_arena_free(read);
        if (!(read = ca_arena_new(1u << 20)) || ca_conv_events(cv, read, &evs, &n_evs) < 0)
            goto oom;
        for (size_t i = 0; i < n_evs; i++) {
            const ca_event *e = evs[i];
            if (e->kind != CA_KIND_MESSAGE || !e->text ||
                (e->type != CA_TYPE_TEXT && e->type != CA_TYPE_QUOTE))
                continue;
            if (ca_normalize(e->text, strlen(e->text), CA_NORM_STRIP, &nm) < 0)
                goto oom;
            size_t n = code_points(nm.text, nm.len, &tmp, &tmp_cap);
            if (n == (size_t)-1)
                goto oom;
            if (n < MIN_CHARS || n > UINT32_MAX)
                continue;
            ca_arena **ar = &bd->arenas[tid];
            if (!*ar && !(*ar = ca_arena_new(1u << 20)))
                goto oom;
            uint32_t *cp = ca_arena_alloc(*ar, n * sizeof *cp);
            conv_msg *m = cp ? ca_grow(pc->m, &pc->cap, pc->n + 1, sizeof *m, 64) : NULL;
            if (!m)
                goto oom;
            memcpy(cp, tmp, n * sizeof *cp);
            pc->m = m;
            uint64_t at = cv->imp ? e->seq : i;
            pc->m[pc->n++] = (conv_msg){{(uint32_t)n, (uint32_t)c, at, e->time_ms}, cp};
        }
    }
    ca_free(tmp);
    ca_norm_free(&nm);
    ca_arena_free(read);
    return;
oom:
    atomic_store(&bd->failed, 1);
    ca_free(tmp);
    ca_norm_free(&nm);
    ca_arena_free(read);
}

/* A range of the chunk's messages per thread: the pairs (shingle hash,
 * message) by bucket, in message order. */
static void hash_chunk(void *arg, int tid, int threads)
{
    (void)threads;
    build *bd = arg;
    pair_vec *vec = bd->vec + (size_t)tid * N_BUCKETS;
    for (size_t b = 0; b < N_BUCKETS; b++)
        vec[b].n = 0;
    for (size_t i = bd->from[tid]; i < bd->from[tid + 1]; i++) {
        const work_msg *w = &bd->x->msgs[i];
        const uint32_t *cp = bd->cp[i - bd->cp_base];
        for (size_t k = 0; k + SHINGLE <= w->n; k++) {
            uint64_t h = shingle_hash(cp + k);
            pair_vec *v = &vec[bucket_of(h)];
            pair *p = ca_grow(v->p, &v->cap, v->n + 1, sizeof *p, 64);
            if (!p) {
                atomic_store(&bd->failed, 1);
                return;
            }
            v->p = p;
            v->p[v->n++] = (pair){h, (uint32_t)i};
        }
    }
}

/* The slot of hash (or tag) h in a bucket's table: its own, or the empty
 * one where it goes. */
static shingle *slot(shingle *slots, uint32_t mask, uint64_t h)
{
    uint64_t t = tag_of(h);
    uint32_t j = (uint32_t)h & mask;
    while (key_of(&slots[j]) && stag(&slots[j]) != t)
        j = (j + 1) & mask;
    return &slots[j];
}

/* Doubles a bucket's table (sized by its distinct shingles, which a month
 * repeats many times over).  0 or -1 on oom. */
static int grow_bucket(bucket *bk)
{
    size_t cap = bk->slots ? ((size_t)bk->mask + 1) * 2 : 16;
    if (cap > (size_t)UINT32_MAX + 1)
        return -1;
    shingle *t = ca_calloc(cap, sizeof *t);
    if (!t)
        return -1;
    for (size_t j = 0; bk->slots && j <= bk->mask; j++)
        if (key_of(&bk->slots[j]))
            *slot(t, (uint32_t)(cap - 1), stag(&bk->slots[j])) = bk->slots[j];
    ca_free(bk->slots);
    bk->slots = t;
    bk->mask = (uint32_t)(cap - 1);
    return 0;
}

static int note_posting(bucket *bk, uint32_t id, uint32_t msg)
{
    uint32_t(*p)[2] = ca_grow(bk->pend, &bk->cap_pend, bk->n_pend + 1, sizeof *p, 64);
    if (!p)
        return -1;
    bk->pend = p;
    bk->pend[bk->n_pend][0] = id;
    bk->pend[bk->n_pend++][1] = msg;
    return 0;
}

/* Message msg holds shingle hash (pairs come in message order): counted
 * once per message, noted while the shingle may still be informative.
 * 0 or -1 (oom). */
static int count_pair(bucket *bk, uint64_t hash, uint32_t msg)
{
    if ((!bk->slots || ((size_t)bk->used + 1) * 2 > (size_t)bk->mask + 1) && grow_bucket(bk) < 0)
        return -1;
    shingle *s = slot(bk->slots, bk->mask, hash);
    if (!key_of(s)) { /* a new shingle: number bk->used */
        tally *t = ca_grow(bk->tally, &bk->cap_tally, (size_t)bk->used + 1, sizeof *t, 64);
        if (!t)
            return -1;
        bk->tally = t;
        set_key(s, tag_of(hash), 0);
        s->off = bk->used;
        t[bk->used] = (tally){msg, 1};
        return note_posting(bk, bk->used++, msg);
    }
    tally *t = &bk->tally[s->off];
    if (t->last == msg || t->n > MAX_POSTINGS) /* counted; or past the cap, where the number says enough */
        return 0;
    t->last = msg;
    t->n++;
    return note_posting(bk, s->off, msg);
}

/* Bucket b takes the chunk's pairs of every thread (in thread order, so in
 * message order).  0 or -1 (oom). */
static int sweep_bucket(build *bd, size_t b, int threads)
{
    bucket *bk = &bd->buckets[b];
    for (int t = 0; t < threads; t++) {
        const pair_vec *v = &bd->vec[(size_t)t * N_BUCKETS + b];
        for (size_t k = 0; k < v->n; k++) {
            if (k + 8 < v->n && bk->slots) /* the slot a few pairs on, from memory meanwhile */
                __builtin_prefetch(&bk->slots[(uint32_t)v->p[k + 8].hash & bk->mask]);
            if (count_pair(bk, v->p[k].hash, v->p[k].msg) < 0)
                return -1;
        }
    }
    return 0;
}

/* The end of bucket b: each informative shingle's postings one after the
 * other, in the order of the shingles' numbers, each in message order;
 * the table's entries get their count and offset.  0 or -1 (oom). */
static int finish_bucket(build *bd, size_t b, int threads)
{
    (void)threads;
    bucket *bk = &bd->buckets[b];
    if (!bk->used)
        return 0;
    uint32_t *off = ca_malloc(bk->used * sizeof *off);
    if (!off)
        return -1;
    size_t total = 0;
    for (uint32_t id = 0; id < bk->used; id++) {
        off[id] = (uint32_t)total;
        total += bk->tally[id].n <= MAX_POSTINGS ? bk->tally[id].n : 0;
    }
    if (total > UINT32_MAX || (total && !(bk->post = ca_malloc(total * sizeof *bk->post)))) {
        ca_free(off);
        return -1;
    }
    bk->n_post = (uint32_t)total;
    for (size_t k = 0; k < bk->n_pend; k++) {
        uint32_t id = bk->pend[k][0];
        if (bk->tally[id].n <= MAX_POSTINGS)
            bk->post[off[id]++] = bk->pend[k][1];
    }
    for (size_t j = 0; j <= bk->mask; j++) {
        shingle *s = &bk->slots[j];
        if (!key_of(s))
            continue;
        uint32_t n = bk->tally[s->off].n;
        s->off = off[s->off] - (n <= MAX_POSTINGS ? n : 0);
        set_key(s, stag(s), n);
    }
    ca_free(off);
    /* what the build kept goes now, not with the rest at the end */
    ca_free(bk->tally);
    ca_free(bk->pend);
    bk->tally = NULL;
    bk->pend = NULL;
    bk->cap_tally = bk->n_pend = bk->cap_pend = 0;
    return 0;
}

/* The sweep over messages [lo, hi), a chunk of about CHUNK_PAIRS shingles
 * at a time.  0 or -1 (oom). */
static int sweep_messages(build *bd, int threads, size_t lo, size_t hi)
{
    const fwd_index *x = bd->x;
    for (size_t c0 = lo; c0 < hi;) {
        size_t c1 = c0, pairs = 0;
        while (c1 < hi && pairs < CHUNK_PAIRS)
            pairs += x->msgs[c1++].n - SHINGLE + 1;
        /* each thread a range of about as many shingles */
        size_t acc = 0, t = 1;
        bd->from[0] = c0;
        for (size_t i = c0; i < c1 && t < (size_t)threads; i++) {
            acc += x->msgs[i].n - SHINGLE + 1;
            while (t < (size_t)threads && acc * (size_t)threads >= pairs * t)
                bd->from[t++] = i + 1;
        }
        while (t <= (size_t)threads)
            bd->from[t++] = c1;
        ca_parallel(threads, hash_chunk, bd);
        if (atomic_load(&bd->failed) || for_each_bucket(bd, threads, sweep_bucket) < 0)
            return -1;
        c0 = c1;
    }
    return 0;
}

/* The chunk's code points (all the arenas hold) are no longer needed. */
static void drop_code_points(build *bd)
{
    for (size_t k = 0; k < CA_ARRAY_LEN(bd->arenas); k++) {
        ca_arena_free(bd->arenas[k]);
        bd->arenas[k] = NULL;
    }
}

/* Frees what a build holds besides the index. */
static void build_free(build *bd)
{
    drop_code_points(bd);
    ca_free(bd->cp);
    for (size_t b = 0; bd->buckets && b < N_BUCKETS; b++) {
        ca_free(bd->buckets[b].slots);
        ca_free(bd->buckets[b].tally);
        ca_free(bd->buckets[b].pend);
        ca_free(bd->buckets[b].post);
    }
    ca_free(bd->buckets);
    for (size_t k = 0; bd->vec && k < bd->n_vec; k++)
        ca_free(bd->vec[k].p);
    ca_free(bd->vec);
    for (size_t c = 0; bd->per_conv && c < bd->n_convs; c++)
        ca_free(bd->per_conv[c].m);
    ca_free(bd->per_conv);
}

/* Numbers the messages of conversations [lo, hi) after those before, in
 * conversation and event order.  0 or -1 (oom). */
static int number_messages(build *bd, size_t lo, size_t hi)
{
    fwd_index *x = bd->x;
    size_t add = 0;
    for (size_t c = lo; c < hi; c++)
        add += bd->per_conv[c].n;
    if (add > UINT32_MAX - 1 - x->n_msgs) /* beyond what a posting can number */
        return -1;
    work_msg *m = ca_grow(x->msgs, &x->cap_msgs, x->n_msgs + add, sizeof *m, 1024);
    if (!m)
        return -1;
    x->msgs = m;
    const uint32_t **cp = ca_grow(bd->cp, &bd->cap_cp, add ? add : 1, sizeof *cp, 1024);
    if (!cp)
        return -1;
    bd->cp = cp;
    bd->cp_base = x->n_msgs;
    for (size_t c = lo; c < hi; c++) {
        for (size_t k = 0; k < bd->per_conv[c].n; k++) {
            x->msgs[x->n_msgs] = bd->per_conv[c].m[k].w;
            cp[x->n_msgs++ - bd->cp_base] = bd->per_conv[c].m[k].cp;
        }
        ca_free(bd->per_conv[c].m);
        bd->per_conv[c].m = NULL;
    }
    return 0;
}

/* Hands the buckets' tables and posting lists over to the index. */
static void hand_over(build *bd)
{
    for (size_t b = 0; b < N_BUCKETS; b++) {
        bucket *bk = &bd->buckets[b];
        bd->x->dir[b] = (bucket_dir){bk->slots, bk->post, bk->mask};
        bk->slots = NULL;
        bk->post = NULL;
    }
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
    bd.n_vec = (size_t)threads * N_BUCKETS;
    if (!(bd.x = ca_calloc(1, sizeof *bd.x)) ||
        !(bd.per_conv = ca_calloc(n ? n : 1, sizeof *bd.per_conv)) ||
        !(bd.vec = ca_calloc(bd.n_vec, sizeof *bd.vec)) ||
        !(bd.buckets = ca_calloc(N_BUCKETS, sizeof *bd.buckets)))
        goto oom;
    bd.x->convs = convs;
    /* a few conversations at a time: their code points, then their
     * shingles into the buckets, then the code points go */
    for (size_t c0 = 0; c0 < n;) {
        size_t c1 = c0, events = 0;
        while (c1 < n && (c1 == c0 || events < CHUNK_EVENTS)) {
            events += is_work(&convs[c1]) ? convs[c1].n_events : 0;
            c1++;
        }
        bd.conv_hi = c1;
        atomic_store(&bd.next, c0);
        ca_parallel(threads, collect_messages, &bd);
        size_t m0 = bd.x->n_msgs;
        if (atomic_load(&bd.failed) || number_messages(&bd, c0, c1) < 0 ||
            sweep_messages(&bd, threads, m0, bd.x->n_msgs) < 0)
            goto oom;
        drop_code_points(&bd);
        c0 = c1;
    }
    if (for_each_bucket(&bd, threads, finish_bucket) < 0)
        goto oom;
    hand_over(&bd);
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

/* A shingle of a message as the index has it: in n work messages (0: in
 * none, or not in the index), their numbers at post when n is at most
 * MAX_POSTINGS. */
typedef struct found {
    const uint32_t *post;
    uint32_t n;
} found;

/* Per conversation of a worker: the buffers of the search, reused from
 * one message to the next. */
typedef struct fwd_state {
    uint32_t *cp;
    size_t cp_cap;
    ca_norm norm;        /* a candidate's text, normalized again */
    uint32_t *wcp;       /* and its code points */
    size_t wcp_cap;
    size_t *row;
    size_t row_cap;
    found *ss;           /* the message's shingles in the index */
    size_t ss_cap;
    ca_arena *read;      /* a candidate read back, when the run holds no events */
} fwd_state;

static void fwd_cleanup(void *p)
{
    fwd_state *st = p;
    if (!st)
        return;
    ca_free(st->cp);
    ca_free(st->wcp);
    ca_free(st->ss);
    ca_norm_free(&st->norm);
    ca_free(st->row);
    ca_arena_free(st->read);
    memset(st, 0, sizeof *st);
}

/* Work message w's event: the run's, or read back alone into st->read
 * when the run holds no events (or another worker does).  NULL on out of
 * memory or a read error. */
static const ca_event *work_event(fwd_state *st, const fwd_index *x, const work_msg *w)
{
    const ca_conv *c = &x->convs[w->conv];
    if (c->imp) {
        const ca_event *e = NULL;
        ca_arena_free(st->read);
        if (!(st->read = ca_arena_new(1u << 16)) ||
            ca_import_event_by_seq(c->imp, c->index, w->at, st->read, &e) != CA_OK)
            return NULL;
        return e;
    }
    return w->at < c->n_events ? c->events[w->at] : NULL;
}

/* The code points of work message w, normalized again as the index saw
 * them (*n of them, w->n); NULL on oom. */
static const uint32_t *candidate_text(fwd_state *st, const fwd_index *x, const work_msg *w,
                                      size_t *n_out, const ca_event **ev)
{
    const ca_event *e = *ev = work_event(st, x, w);
    if (!e || !e->text)
        return NULL;
    if (ca_normalize(e->text, strlen(e->text), CA_NORM_STRIP, &st->norm) < 0)
        return NULL;
    *n_out = code_points(st->norm.text, st->norm.len, &st->wcp, &st->wcp_cap);
    return *n_out == (size_t)-1 ? NULL : st->wcp;
}

/* The earliest work message, posted before t, that text repeats; NULL if
 * none (*oom set when a buffer could not grow).  *sim gets the similarity
 * in percent, *src_path and *src_line where that message came from. */
static const work_msg *find_source(const fwd_index *x, fwd_state *st, const uint32_t *cp,
                                   size_t n, int64_t t, size_t self_conv, uint64_t self,
                                   int *sim, const char **src_path, long *src_line, int *oom)
{
    /* count the informative shingles (those in at most MAX_POSTINGS work
     * messages) each candidate shares, in a small hash map */
    uint32_t key[CAND_SLOTS], hits[CAND_SLOTS], cand[CAND_SLOTS / 2];
    size_t n_sh = n - SHINGLE + 1;
    found *grown = ca_grow(st->ss, &st->ss_cap, n_sh, sizeof *st->ss, 64);
    if (!grown) {
        *oom = 1;
        return NULL;
    }
    st->ss = grown;
    /* every shingle looked up first, a block at a time: their table slots,
     * then their posting lists, are asked of memory before any is read, so
     * the cache misses overlap instead of following one another */
    found *ss = st->ss;
    size_t grams = 0;
    for (size_t k0 = 0; k0 < n_sh; k0 += 32) {
        size_t nb = n_sh - k0 < 32 ? n_sh - k0 : 32;
        uint64_t hs[32];
        for (size_t k = 0; k < nb; k++) {
            hs[k] = shingle_hash(cp + k0 + k);
            const bucket_dir *d = &x->dir[bucket_of(hs[k])];
            if (d->slots)
                __builtin_prefetch(&d->slots[(uint32_t)hs[k] & d->mask]);
        }
        for (size_t k = 0; k < nb; k++) {
            const bucket_dir *d = &x->dir[bucket_of(hs[k])];
            const shingle *sh = lookup(d, hs[k]);
            uint32_t n_sh_msgs = sh ? count_of(sh) : 0;
            /* a bucket whose shingles are all too common has no postings
             * (d->post NULL): no offset into it */
            ss[k0 + k] = (found){sh && d->post ? d->post + sh->off : NULL, n_sh_msgs};
            if (n_sh_msgs > MAX_POSTINGS)
                continue; /* common to many work messages: no evidence either way */
            grams++;
            if (sh) {
                const uint32_t *pl = ss[k0 + k].post;
                __builtin_prefetch(pl);
                if (n_sh_msgs > 16)
                    __builtin_prefetch(pl + 16);
                if (n_sh_msgs > 32)
                    __builtin_prefetch(pl + 32);
            }
        }
    }
    /* a message of common phrases only has no informative shingle: it
     * repeats no particular work message */
    if (grams < 3)
        return NULL;
    /* count the informative shingles each candidate shares, in a small
     * hash map; a message first met at informative shingle g can share at
     * most grams - g of them, so past the middle none is worth adding, and
     * once the best so far cannot reach half the search is over */
    memset(key, 0xff, sizeof key);
    size_t nc = 0, g = 0, most = 0;
    for (size_t k = 0; k < n_sh; k++) {
        const found *sh = &ss[k];
        if (sh->n > MAX_POSTINGS)
            continue;
        size_t left = grams - g; /* this one included */
        int may_add = left * 2 >= grams;
        if (!may_add && (most + left) * 2 < grams)
            return NULL; /* no candidate can reach half any more */
        g++;
        for (uint32_t q = 0; q < sh->n; q++) {
            uint32_t m = sh->post[q];
            size_t j = (m * 2654435761u) & (CAND_SLOTS - 1);
            while (key[j] != UINT32_MAX && key[j] != m)
                j = (j + 1) & (CAND_SLOTS - 1);
            if (key[j] == UINT32_MAX) {
                if (!may_add || nc == CA_ARRAY_LEN(cand))
                    continue; /* cannot reach half; or full: those so far are counted on */
                key[j] = m;
                hits[j] = 0;
                cand[nc++] = (uint32_t)j;
            }
            if (++hits[j] > most)
                most = hits[j];
        }
    }
    const work_msg *best = NULL;
    for (size_t c = 0; c < nc; c++) {
        const work_msg *w = &x->msgs[key[cand[c]]];
        /* 10 % of edits destroy at most 4 × 10 % of the shingles */
        if (hits[cand[c]] * 2 < grams || (w->conv == self_conv && w->at == self) ||
            w->time_ms >= t)
            continue;
        size_t lg = n > w->n ? n : w->n;
        if ((n > w->n ? n - w->n : w->n - n) > lg / 10)
            continue; /* more edits than the band allows, to begin with */
        size_t wn;
        const ca_event *we;
        const uint32_t *wcp = candidate_text(st, x, w, &wn, &we);
        if (!wcp) {
            *oom = 1;
            return NULL;
        }
        size_t longer = n > wn ? n : wn;
        size_t band = longer / 10;
        size_t *row = ca_grow(st->row, &st->row_cap, longer + 2, sizeof *row, 64);
        if (!row) {
            *oom = 1;
            return NULL;
        }
        st->row = row;
        size_t d = banded_distance(cp, n, wcp, wn, band, st->row);
        if (d > band || (longer - d) * 10 < longer * 9)
            continue;
        if (!best || w->time_ms < best->time_ms) {
            best = w;
            *sim = (int)((longer - d) * 100 / longer);
            *src_path = we->src_path; /* interned: it outlives st->read */
            *src_line = we->src_line;
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
        size_t n = code_points(un->norm.text, un->norm.len, &st->cp, &st->cp_cap);
        if (n == (size_t)-1)
            return -1;
        if (n < MIN_CHARS)
            continue;
        int sim = 0, oom = 0;
        const char *src_path = NULL;
        long src_line = 0;
        const work_msg *w = find_source(x, st, st->cp, n, e->time_ms, ctx->conv->index,
                                        ctx->conv->imp ? e->seq : i, &sim, &src_path, &src_line,
                                        &oom);
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
                              x->convs[w->conv].name, when, src_path ? src_path : "?",
                              src_line);
    }
    return 0;
}

const ca_rule ca_rule_content_forward = {
    "content.forward", "4.2.6", "content", CA_SEV_MINOR, sizeof(fwd_state), NULL, forward_event,
    NULL, fwd_cleanup, prepare, release};
