/* The spill store (analyzer/spill.c): events round-trip field by field,
 * lasting strings come back as the same pointers, large strings, many
 * segments read out of order and from four threads while the writer
 * appends, every corrupted byte and a truncated file detected, write
 * errors and every out-of-memory point reported cleanly, and the events of
 * the sample exports read back with the same NDJSON. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <limits.h>
#include <zlib.h>
#include "check.h"
#include "import_helper.h"
#include "spill.h"
#include "spill_helper.h"

/* ---- lasting strings: those in pool[] ---- */

static char pool[4096];
static size_t pool_used;

static const char *lasting_str(const char *s)
{
    size_t n = strlen(s) + 1;
    if (pool_used + n > sizeof pool)
        abort();
    char *p = memcpy(pool + pool_used, s, n);
    pool_used += n;
    return p;
}

static int in_pool(void *ud, const char *s)
{
    (void)ud;
    return s >= pool && s < pool + sizeof pool;
}

static const char *L_WECHAT, *L_DING, *L_CONV, *L_CONV2, *L_SRC, *L_SRC2, *L_E1, *L_E2, *L_EMPTY;

static void pool_init(void)
{
    if (L_WECHAT)
        return;
    L_WECHAT = lasting_str("wechat");
    L_DING = lasting_str("dingtalk");
    L_CONV = lasting_str("12345@chatroom");
    L_CONV2 = lasting_str("研发部");
    L_SRC = lasting_str("oct.zip!wechat/研发部.csv");
    L_SRC2 = lasting_str("nov.zip!a.json");
    L_E1 = lasting_str("E1024");
    L_E2 = lasting_str("E2001");
    L_EMPTY = lasting_str("");
}

static ca_spill *open_tmp(void)
{
    char err[CA_SPILL_ERRMAX];
    ca_spill *sp = ca_spill_open(NULL, err);
    if (!sp)
        fprintf(stderr, "ca_spill_open: %s\n", err);
    return sp;
}

/* Puts ev[0..n) and reads it back into a fresh arena; checks every field
 * (pointer identity for the pool's strings).  Returns the events read
 * (malloc'd, in *arena) or NULL. */
static ca_event *round_trip(ca_spill *sp, const ca_event *ev, size_t n, ca_arena **arena)
{
    ca_spill_seg seg;
    CHECK_INT(ca_spill_put(sp, ev, n, in_pool, NULL, &seg), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    CHECK_INT(seg.count, n);
    *arena = ca_arena_new(0);
    ca_event *out = calloc(n ? n : 1, sizeof *out);
    char err[CA_SPILL_ERRMAX] = "";
    CHECK_INT(ca_spill_get(sp, &seg, *arena, out, err), CA_OK);
    CHECK_STR(err, "");
    for (size_t i = 0; i < n; i++) {
        const char *d = sh_diff_event(&ev[i], &out[i], in_pool, NULL);
        if (d) {
            fprintf(stderr, "event %zu: %s differs\n", i, d);
            check_failures++;
        }
    }
    return out;
}

/* A message with most fields set; k varies its strings. */
static ca_event message(ca_arena *a, int k)
{
    char buf[64];
    ca_event e = {0};
    e.platform = L_WECHAT;
    e.conv = L_CONV;
    e.conv_name = L_CONV2;
    snprintf(buf, sizeof buf, "53669012436285%05d", k);
    e.id = ca_arena_strdup(a, buf);
    e.time_ms = 1762654503000 + (int64_t)k * 61001;
    e.kind = CA_KIND_MESSAGE;
    e.type = CA_TYPE_TEXT;
    e.sender = ca_arena_strdup(a, "wxid_abc");
    e.sender_name = ca_arena_strdup(a, "研发部-张三");
    e.employee = L_E1;
    snprintf(buf, sizeof buf, "@李四 明天的评审几点开始？ %d", k);
    e.text = ca_arena_strdup(a, buf);
    e.src_path = L_SRC;
    e.src_line = 57 + k;
    e.seq = 1000 + (uint64_t)k;
    return e;
}

TEST(round_trip_every_field)
{
    pool_init();
    ca_arena *a = ca_arena_new(0);
    ca_event ev[8];
    /* 0: every string field and every array */
    ev[0] = message(a, 0);
    const char **men = ca_arena_alloc(a, 3 * sizeof *men);
    men[0] = "李四", men[1] = NULL, men[2] = "";
    const char **mid = ca_arena_alloc(a, 3 * sizeof *mid);
    mid[0] = L_E2, mid[1] = NULL, mid[2] = NULL;
    ev[0].mentions = men, ev[0].mention_ids = mid, ev[0].n_mentions = 3;
    ev[0].reply_to = "777", ev[0].quote_sender = "王五", ev[0].quote_text = "原文";
    ev[0].url = "https://example.com/a?b=c", ev[0].title = "标题", ev[0].actor = "wxid_q";
    ev[0].actor_name = "钱七", ev[0].actor_employee = L_E2;
    const char **tg = ca_arena_alloc(a, 2 * sizeof *tg);
    tg[0] = "wxid_t1", tg[1] = NULL;
    const char **tn = ca_arena_alloc(a, 2 * sizeof *tn);
    tn[0] = NULL, tn[1] = "赵六";
    const char **te = ca_arena_alloc(a, 2 * sizeof *te);
    te[0] = L_E1, te[1] = NULL;
    ev[0].targets = tg, ev[0].target_names = tn, ev[0].target_employees = te, ev[0].n_targets = 2;
    ev[0].flags = 0xFFu | 0x80000000u;
    /* 1: a record with items, NULL item fields, negative item times */
    ev[1] = message(a, 1);
    ev[1].type = CA_TYPE_RECORD;
    ca_record_item *it = ca_arena_calloc(a, 3 * sizeof *it);
    it[0] = (ca_record_item){"张三", "2026-11-09 10:15", 1762654503000, CA_TYPE_TEXT, "第一条"};
    it[1] = (ca_record_item){NULL, NULL, 0, CA_TYPE_IMAGE, NULL};
    it[2] = (ca_record_item){"", "", -5, CA_TYPE_OTHER, ""};
    ev[1].items = it, ev[1].n_items = 3;
    /* 2: NULL vs empty strings, a non-NULL array of 0 entries, a NULL
     * array with a count (mention_ids before identity resolution) */
    ev[2] = (ca_event){0};
    ev[2].platform = L_DING, ev[2].conv = L_EMPTY, ev[2].conv_name = "", ev[2].id = "";
    ev[2].text = "", ev[2].sender_name = "";
    ev[2].mentions = men, ev[2].mention_ids = NULL, ev[2].n_mentions = 2;
    ev[2].targets = tg, ev[2].n_targets = 0;
    ev[2].items = it, ev[2].n_items = 0;
    ev[2].kind = CA_KIND_JOIN;
    ev[2].time_ms = INT64_MIN;
    ev[2].src_line = -1;
    ev[2].seq = 0;
    /* 3: extremes of every number */
    ev[3] = ev[2];
    ev[3].mentions = NULL, ev[3].n_mentions = 0, ev[3].targets = NULL, ev[3].items = NULL;
    ev[3].time_ms = INT64_MAX, ev[3].src_line = LONG_MAX, ev[3].seq = UINT64_MAX;
    ev[3].flags = UINT32_MAX, ev[3].kind = CA_KIND_NOTICE, ev[3].type = CA_TYPE_OTHER;
    ev[3].n_items = UINT32_MAX; /* no items array: only the count */
    /* 4: all-zero event; 5, 6: negative times and seq going backwards */
    ev[4] = (ca_event){0};
    ev[5] = message(a, 5);
    ev[5].time_ms = -86400000;
    ev[5].seq = 3;
    ev[5].src_line = LONG_MIN;
    ev[6] = message(a, 6);
    ev[6].time_ms = -1;
    ev[6].src_path = L_SRC2;
    ev[6].kind = CA_KIND_RENAME, ev[6].type = CA_TYPE_NONE, ev[6].title = "新群名";
    ev[7] = message(a, 7);
    ev[7].sender = ev[7].sender_name; /* aliasing within an event */
    ca_spill *sp = open_tmp();
    ca_arena *ra;
    ca_event *out = round_trip(sp, ev, 8, &ra);
    /* NULL stays NULL, "" stays "", arrays keep NULL-ness */
    CHECK(out[2].conv_name && !out[2].conv_name[0]);
    CHECK(out[2].reply_to == NULL);
    CHECK(out[2].mentions != NULL && out[2].mention_ids == NULL && out[2].n_mentions == 2);
    CHECK(out[2].targets != NULL && out[2].n_targets == 0);
    CHECK(out[2].items != NULL && out[2].n_items == 0);
    CHECK(out[3].items == NULL && out[3].n_items == UINT32_MAX);
    CHECK(out[0].mentions[1] == NULL && out[0].mention_ids[2] == NULL && out[0].target_names[0] == NULL);
    CHECK(out[1].items[1].sender_name == NULL && out[1].items[1].text == NULL);
    CHECK_INT(out[2].time_ms, INT64_MIN);
    CHECK_INT(out[3].time_ms, INT64_MAX);
    CHECK(out[3].seq == UINT64_MAX);
    CHECK_INT(out[5].src_line, LONG_MIN);
    /* copies are the reader's, not the writer's strings */
    CHECK(out[0].text != ev[0].text && out[0].mentions != ev[0].mentions);
    /* aliasing within an event survives */
    CHECK(out[7].sender == out[7].sender_name);
    free(out);
    ca_arena_free(ra);
    ca_spill_close(sp);
    ca_arena_free(a);
}

TEST(lasting_pointers_come_back_identical)
{
    pool_init();
    ca_arena *a = ca_arena_new(0);
    ca_event ev[50];
    for (int k = 0; k < 50; k++) {
        ev[k] = message(a, k);
        if (k % 3 == 0)
            ev[k].src_path = L_SRC2;
        if (k % 5 == 0)
            ev[k].platform = L_DING, ev[k].employee = L_E2;
    }
    /* one copied pointer used by several events comes back as one pointer */
    const char *shared = ca_arena_strdup(a, "共享的文本");
    ev[10].text = ev[11].text = ev[30].quote_text = shared;
    ca_spill *sp = open_tmp();
    ca_arena *ra;
    ca_event *out = round_trip(sp, ev, 50, &ra);
    for (int k = 0; k < 50; k++) {
        CHECK(out[k].platform == ev[k].platform);
        CHECK(out[k].conv == L_CONV && out[k].conv_name == L_CONV2);
        CHECK(out[k].src_path == ev[k].src_path);
        CHECK(out[k].employee == ev[k].employee);
        CHECK(out[k].sender != ev[k].sender); /* copied */
    }
    CHECK(out[10].text == out[11].text && out[11].text == out[30].quote_text);
    CHECK_STR(out[30].quote_text, "共享的文本");
    free(out);
    ca_arena_free(ra);
    /* without a predicate everything is copied */
    ca_spill_seg seg;
    CHECK_INT(ca_spill_put(sp, ev, 50, NULL, NULL, &seg), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    ra = ca_arena_new(0);
    out = calloc(50, sizeof *out);
    CHECK_INT(ca_spill_get(sp, &seg, ra, out, NULL), CA_OK);
    CHECK(out[0].platform != L_DING && strcmp(out[0].platform, "dingtalk") == 0);
    CHECK(sh_diff_event(&ev[49], &out[49], NULL, NULL) == NULL);
    free(out);
    ca_arena_free(ra);
    ca_spill_close(sp);
    ca_arena_free(a);
}

TEST(segment_descriptor)
{
    pool_init();
    ca_arena *a = ca_arena_new(0);
    ca_event ev[4];
    for (int k = 0; k < 4; k++)
        ev[k] = message(a, k);
    ev[2].time_ms = -7, ev[1].seq = 5;
    ca_spill *sp = open_tmp();
    ca_spill_seg s1, s2, s0;
    CHECK_INT(ca_spill_put(sp, ev, 4, in_pool, NULL, &s1), CA_OK);
    CHECK_INT(s1.offset, 0);
    CHECK_INT(s1.count, 4);
    CHECK_INT(s1.time_min, -7);
    CHECK_INT(s1.time_max, ev[3].time_ms);
    CHECK_INT(s1.seq_min, 5);
    CHECK_INT(s1.seq_max, 1003);
    CHECK(s1.conv == L_CONV && s1.platform == L_WECHAT);
    ev[3].conv = L_CONV2;
    CHECK_INT(ca_spill_put(sp, ev, 4, in_pool, NULL, &s2), CA_OK);
    CHECK_INT(s2.offset, s1.bytes);
    CHECK(s2.conv == NULL && s2.platform == L_WECHAT);
    CHECK_INT(ca_spill_put(sp, ev, 0, in_pool, NULL, &s0), CA_OK); /* empty segment */
    CHECK_INT(s0.count, 0);
    CHECK_INT(s0.bytes, 32);
    CHECK_INT(ca_spill_size(sp), s1.bytes + s2.bytes + s0.bytes);
    /* not flushed yet: an error, not a read of stale bytes */
    char err[CA_SPILL_ERRMAX];
    ca_event out[4];
    CHECK_INT(ca_spill_get(sp, &s1, a, out, err), CA_FATAL);
    CHECK(strstr(err, "is not in the file") != NULL);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    CHECK_INT(ca_spill_get(sp, &s0, a, out, err), CA_OK);
    CHECK_INT(ca_spill_get(sp, &s2, a, out, err), CA_OK);
    CHECK(out[3].conv == L_CONV2);
    /* a descriptor that does not match the file */
    ca_spill_seg bad = s2;
    bad.count = 3;
    CHECK_INT(ca_spill_get(sp, &bad, a, out, err), CA_FATAL);
    CHECK(strstr(err, "is corrupt") != NULL);
    bad = s2;
    bad.offset += 1;
    CHECK_INT(ca_spill_get(sp, &bad, a, out, err), CA_FATAL);
    bad = s1;
    bad.bytes = 10;
    CHECK_INT(ca_spill_get(sp, &bad, a, out, err), CA_FATAL);
    ca_spill_close(sp);
    ca_arena_free(a);
}

TEST(huge_strings)
{
    pool_init();
    ca_arena *a = ca_arena_new(0);
    size_t sizes[] = {CA_SPILL_WBUF - 40, CA_SPILL_WBUF, CA_SPILL_WBUF + 1, 3 * CA_SPILL_WBUF + 17};
    ca_event ev[6];
    for (int k = 0; k < 6; k++)
        ev[k] = message(a, k);
    for (int k = 0; k < 4; k++) {
        char *t = ca_arena_alloc(a, sizes[k] + 1);
        for (size_t i = 0; i < sizes[k]; i++)
            t[i] = (char)('a' + (i * 7 + (size_t)k) % 26);
        t[sizes[k]] = '\0';
        ev[k + 1].text = t;
    }
    ev[5].quote_text = ev[4].text;
    ca_spill *sp = open_tmp();
    ca_spill_seg small;
    CHECK_INT(ca_spill_put(sp, ev, 1, in_pool, NULL, &small), CA_OK);
    ca_arena *ra;
    ca_event *out = round_trip(sp, ev, 6, &ra);
    CHECK(strlen(out[4].text) == sizes[3]);
    CHECK(out[5].quote_text == out[4].text);
    free(out);
    ca_arena_free(ra);
    /* one string per segment, each larger than the buffer */
    ca_spill_seg seg[4];
    for (int k = 0; k < 4; k++)
        CHECK_INT(ca_spill_put(sp, &ev[k + 1], 1, in_pool, NULL, &seg[k]), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    for (int k = 3; k >= 0; k--) {
        ca_event o;
        ra = ca_arena_new(0);
        CHECK_INT(ca_spill_get(sp, &seg[k], ra, &o, NULL), CA_OK);
        CHECK(strcmp(o.text, ev[k + 1].text) == 0);
        ca_arena_free(ra);
    }
    ca_event o;
    CHECK_INT(ca_spill_get(sp, &small, a, &o, NULL), CA_OK);
    CHECK(sh_diff_event(&ev[0], &o, in_pool, NULL) == NULL);
    ca_spill_close(sp);
    ca_arena_free(a);
}

/* ---- many segments ---- */

#define NSEG 3000

typedef struct corpus {
    ca_arena *a;
    ca_event *ev;      /* every event, segment after segment */
    size_t *first;     /* first[s]: index of segment s's first event */
    ca_spill_seg seg[NSEG];
} corpus;

static uint64_t rnd(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s >> 33;
}

static void corpus_make(corpus *c, ca_spill *sp, uint64_t seed)
{
    pool_init();
    c->a = ca_arena_new(0);
    c->first = calloc(NSEG + 1, sizeof *c->first);
    size_t total = 0;
    uint64_t s = seed;
    for (int i = 0; i < NSEG; i++) {
        c->first[i] = total;
        total += rnd(&s) % 40; /* 0 to 39 events */
    }
    c->first[NSEG] = total;
    c->ev = calloc(total ? total : 1, sizeof *c->ev);
    for (size_t i = 0; i < total; i++) {
        c->ev[i] = message(c->a, (int)(rnd(&s) % 100000));
        if (rnd(&s) % 7 == 0) {
            c->ev[i].type = CA_TYPE_RECORD;
            size_t ni = rnd(&s) % 4;
            ca_record_item *it = ca_arena_calloc(c->a, ni * sizeof *it + 1);
            for (size_t k = 0; k < ni; k++)
                it[k] = (ca_record_item){L_E2, k ? "10:00" : NULL, c->ev[i].time_ms - (int64_t)k,
                                         CA_TYPE_TEXT, c->ev[i].text};
            c->ev[i].items = it, c->ev[i].n_items = (uint32_t)ni;
        }
    }
    for (int i = 0; i < NSEG; i++)
        CHECK_INT(ca_spill_put(sp, c->ev + c->first[i], c->first[i + 1] - c->first[i], in_pool,
                               NULL, &c->seg[i]),
                  CA_OK);
}

static void corpus_free(corpus *c)
{
    ca_arena_free(c->a);
    free(c->ev);
    free(c->first);
}

/* Reads segment i and compares it with what was put; the number of
 * mismatches. */
static int check_segment(ca_spill *sp, const corpus *c, int i, ca_arena *arena)
{
    size_t n = c->first[i + 1] - c->first[i];
    ca_event *out = malloc((n ? n : 1) * sizeof *out);
    char err[CA_SPILL_ERRMAX];
    int bad = 0;
    if (ca_spill_get(sp, &c->seg[i], arena, out, err) != CA_OK) {
        fprintf(stderr, "segment %d: %s\n", i, err);
        bad = 1;
    } else {
        for (size_t k = 0; k < n; k++)
            bad += sh_diff_event(&c->ev[c->first[i] + k], &out[k], in_pool, NULL) != NULL;
    }
    free(out);
    return bad;
}

TEST(many_segments_out_of_order)
{
    ca_spill *sp = open_tmp();
    static corpus c;
    corpus_make(&c, sp, 42);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    CHECK(ca_spill_size(sp) > CA_SPILL_WBUF); /* several buffer flushes */
    ca_arena *ra = ca_arena_new(0);
    int bad = 0;
    for (int i = NSEG; i-- > 0;)
        bad += check_segment(sp, &c, i, ra);
    uint64_t s = 7;
    for (int k = 0; k < NSEG; k++)
        bad += check_segment(sp, &c, (int)(rnd(&s) % NSEG), ra);
    CHECK_INT(bad, 0);
    ca_arena_free(ra);
    corpus_free(&c);
    ca_spill_close(sp);
}

typedef struct reader_arg {
    ca_spill *sp;
    const corpus *c;
    int nseg;      /* segments readable */
    uint64_t seed;
    int bad;
} reader_arg;

static void *reader_main(void *p)
{
    reader_arg *r = p;
    ca_arena *ra = ca_arena_new(0);
    uint64_t s = r->seed;
    for (int k = 0; k < 2 * r->nseg; k++)
        r->bad += check_segment(r->sp, r->c, (int)(rnd(&s) % (uint64_t)r->nseg), ra);
    ca_arena_free(ra);
    return NULL;
}

TEST(concurrent_reads_from_four_threads)
{
    /* four readers over the flushed first corpus while the writer puts a
     * second one after it */
    ca_spill *sp = open_tmp();
    static corpus c1, c2;
    corpus_make(&c1, sp, 1);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    reader_arg args[4];
    pthread_t th[4];
    for (int t = 0; t < 4; t++) {
        args[t] = (reader_arg){sp, &c1, NSEG, (uint64_t)t + 100, 0};
        pthread_create(&th[t], NULL, reader_main, &args[t]);
    }
    corpus_make(&c2, sp, 2);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    for (int t = 0; t < 4; t++) {
        pthread_join(th[t], NULL);
        CHECK_INT(args[t].bad, 0);
    }
    for (int t = 0; t < 4; t++) {
        args[t] = (reader_arg){sp, &c2, NSEG, (uint64_t)t + 200, 0};
        pthread_create(&th[t], NULL, reader_main, &args[t]);
    }
    for (int t = 0; t < 4; t++) {
        pthread_join(th[t], NULL);
        CHECK_INT(args[t].bad, 0);
    }
    corpus_free(&c1);
    corpus_free(&c2);
    ca_spill_close(sp);
}

/* ---- damage ---- */

TEST(every_corrupted_byte_detected)
{
    pool_init();
    ca_arena *a = ca_arena_new(0);
    ca_event ev[3] = {message(a, 1), message(a, 2), message(a, 3)};
    ca_spill *sp = open_tmp();
    ca_spill_seg before, seg, after;
    CHECK_INT(ca_spill_put(sp, ev, 1, in_pool, NULL, &before), CA_OK);
    CHECK_INT(ca_spill_put(sp, ev, 3, in_pool, NULL, &seg), CA_OK);
    CHECK_INT(ca_spill_put(sp, ev + 2, 1, in_pool, NULL, &after), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    int fd = ca_spill_fd(sp);
    int missed = 0;
    for (uint64_t off = seg.offset; off < seg.offset + seg.bytes; off++) {
        for (int bit = 0; bit < 8; bit += 3) {
            unsigned char c, d;
            CHECK_INT(pread(fd, &c, 1, (off_t)off), 1);
            d = c ^ (unsigned char)(1u << bit);
            CHECK_INT(pwrite(fd, &d, 1, (off_t)off), 1);
            ca_event out[3];
            char err[CA_SPILL_ERRMAX];
            if (ca_spill_get(sp, &seg, a, out, err) != CA_FATAL || !strstr(err, "is corrupt"))
                missed++, fprintf(stderr, "offset %llu bit %d: %s\n", (unsigned long long)(off - seg.offset), bit, err);
            CHECK_INT(pwrite(fd, &c, 1, (off_t)off), 1);
        }
    }
    CHECK_INT(missed, 0);
    /* the neighbours were never affected, and the segment is whole again */
    ca_event out[3];
    CHECK_INT(ca_spill_get(sp, &before, a, out, NULL), CA_OK);
    CHECK_INT(ca_spill_get(sp, &after, a, out, NULL), CA_OK);
    CHECK_INT(ca_spill_get(sp, &seg, a, out, NULL), CA_OK);
    CHECK(sh_diff_event(&ev[2], &out[2], in_pool, NULL) == NULL);
    ca_spill_close(sp);
    ca_arena_free(a);
}

TEST(truncated_file_detected)
{
    pool_init();
    ca_arena *a = ca_arena_new(0);
    ca_event ev[3] = {message(a, 1), message(a, 2), message(a, 3)};
    ca_spill *sp = open_tmp();
    ca_spill_seg s1, s2;
    CHECK_INT(ca_spill_put(sp, ev, 3, in_pool, NULL, &s1), CA_OK);
    CHECK_INT(ca_spill_put(sp, ev, 3, in_pool, NULL, &s2), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    CHECK_INT(ftruncate(ca_spill_fd(sp), (off_t)(s2.offset + s2.bytes / 2)), 0);
    ca_event out[3];
    char err[CA_SPILL_ERRMAX];
    CHECK_INT(ca_spill_get(sp, &s2, a, out, err), CA_FATAL);
    CHECK(strstr(err, "is truncated: the segment at offset") != NULL);
    CHECK_INT(ca_spill_get(sp, &s1, a, out, err), CA_OK);
    CHECK_INT(ftruncate(ca_spill_fd(sp), 0), 0);
    CHECK_INT(ca_spill_get(sp, &s1, a, out, err), CA_FATAL);
    CHECK(strstr(err, "truncated") != NULL);
    ca_spill_close(sp);
    ca_arena_free(a);
}

TEST(random_segments_that_check_never_crash)
{
    /* a real segment with random bytes changed, and a CRC made for them:
     * an error or events, never a crash or a read out of bounds (the
     * sanitizer build) */
    pool_init();
    ca_spill *sp = open_tmp();
    ca_arena *a = ca_arena_new(0);
    ca_event ev[4];
    for (int k = 0; k < 4; k++)
        ev[k] = message(a, k);
    const char **men = ca_arena_alloc(a, 2 * sizeof *men);
    men[0] = "李四", men[1] = L_E1;
    ev[1].mentions = ev[1].mention_ids = men, ev[1].n_mentions = 2;
    ev[2].targets = men, ev[2].n_targets = 2, ev[2].kind = CA_KIND_JOIN;
    ca_record_item it[2] = {{"张三", "10:00", 5, CA_TYPE_TEXT, "x"}, {NULL, NULL, -5, CA_TYPE_IMAGE, ""}};
    ev[3].items = it, ev[3].n_items = 2;
    ev[3].quote_text = ev[0].text, ev[3].src_line = 1;
    ca_spill_seg orig;
    CHECK_INT(ca_spill_put(sp, ev, 4, in_pool, NULL, &orig), CA_OK);
    ca_event filler = ev[0];
    char *big = ca_arena_alloc(a, 2000);
    memset(big, 'x', 1999);
    big[1999] = '\0';
    filler.text = big;
    ca_spill_seg room; /* the file goes on behind the changed segment */
    CHECK_INT(ca_spill_put(sp, &filler, 1, NULL, NULL, &room), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    unsigned char good[1024], b[1100];
    CHECK(orig.bytes <= sizeof good);
    CHECK_INT(pread(ca_spill_fd(sp), good, orig.bytes, 0), (long long)orig.bytes);
    size_t payload0 = orig.bytes - 32;
    uint64_t s = 99;
    int ok = 0, bad = 0;
    ca_event out[8];
    for (int round = 0; round < 30000; round++) {
        size_t payload = payload0;
        memcpy(b, good, orig.bytes);
        int changes = 1 + (int)(rnd(&s) % 4);
        for (int k = 0; k < changes; k++) {
            uint64_t r = rnd(&s);
            b[r % payload] = (unsigned char)(r % 3 ? (r >> 12) : (r >> 12) % 8);
        }
        if (rnd(&s) % 8 == 0) { /* records cut short or extended */
            size_t np = (size_t)(rnd(&s) % (payload + 40));
            memmove(b + np, b + payload, 32);
            if (np > payload)
                memset(b + payload, 0x81, np - payload);
            payload = np;
        }
        unsigned char *t = b + payload;
        if (rnd(&s) % 4 == 0)
            t[4] = (unsigned char)(rnd(&s) % 8); /* count */
        if (rnd(&s) % 4 == 0)
            t[8] = (unsigned char)(rnd(&s) % 30); /* strings */
        if (rnd(&s) % 4 == 0)
            t[16] = (unsigned char)(rnd(&s) % 256); /* string bytes */
        for (int i = 0; i < 8; i++)
            t[24 + i] = (unsigned char)((uint64_t)payload >> (8 * i));
        uint32_t crc = (uint32_t)crc32_z(0, b, payload);
        crc = (uint32_t)crc32_z(crc32_z(crc, t, 12), t + 16, 16);
        for (int i = 0; i < 4; i++)
            t[12 + i] = (unsigned char)(crc >> (8 * i));
        CHECK_INT(pwrite(ca_spill_fd(sp), b, payload + 32, 0), (long long)(payload + 32));
        ca_spill_seg seg = {.offset = 0, .bytes = payload + 32, .count = t[4], .crc = crc};
        ca_arena *ra = ca_arena_new(0);
        char err[CA_SPILL_ERRMAX];
        ca_status st = ca_spill_get(sp, &seg, ra, out, err);
        ok += st == CA_OK;
        if (st != CA_OK && !strstr(err, "is corrupt") && bad++ < 3)
            fprintf(stderr, "round %d: %s\n", round, err);
        ca_arena_free(ra);
    }
    CHECK_INT(bad, 0);
    fprintf(stderr, "%d of 30000 changed segments decoded\n", ok);
    CHECK(ok > 100);
    ca_arena_free(a);
    ca_spill_close(sp);
}

/* ---- the file ---- */

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

TEST(open_in_a_directory_leaves_nothing_behind)
{
    pool_init();
    char dir[] = "/tmp/test_spill.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char err[CA_SPILL_ERRMAX];
    ca_spill *sp = ca_spill_open(dir, err);
    CHECK(sp != NULL);
    CHECK_INT(dir_entries(dir), 0); /* no name while it is used */
    ca_arena *a = ca_arena_new(0);
    ca_event e = message(a, 1);
    ca_spill_seg seg;
    CHECK_INT(ca_spill_put(sp, &e, 1, in_pool, NULL, &seg), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    CHECK_INT(dir_entries(dir), 0);
    int fd = ca_spill_fd(sp);
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    struct stat st;
    CHECK_INT(fstat(fd, &st), 0);
    CHECK_INT(st.st_nlink, 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    ca_spill_close(sp);
    CHECK_INT(dir_entries(dir), 0);
    /* $TMPDIR when no directory is given */
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", dir, 1);
    sp = ca_spill_open(NULL, err);
    CHECK(sp != NULL);
    ca_spill_close(sp);
    setenv("TMPDIR", "/nonexistent-spill-dir", 1);
    CHECK(ca_spill_open("", err) == NULL);
    CHECK_STR(err, "cannot create a temporary file in /nonexistent-spill-dir: No such file or directory");
    if (saved)
        setenv("TMPDIR", saved, 1), free(saved);
    else
        unsetenv("TMPDIR");
    CHECK_INT(rmdir(dir), 0);
    ca_arena_free(a);
}

TEST(open_errors_name_the_directory)
{
    char err[CA_SPILL_ERRMAX];
    CHECK(ca_spill_open("/nonexistent-spill-dir/x", err) == NULL);
    CHECK_STR(err, "cannot create a temporary file in /nonexistent-spill-dir/x: No such file or directory");
    CHECK(ca_spill_open("/etc/passwd", err) == NULL);
    CHECK_STR(err, "cannot create a temporary file in /etc/passwd: Not a directory");
    CHECK(ca_spill_open("/nonexistent-spill-dir", NULL) == NULL); /* err may be NULL */
    if (geteuid() != 0) {
        CHECK(ca_spill_open("/proc", err) == NULL);
        CHECK(strncmp(err, "cannot create a temporary file in /proc: ", 41) == 0);
    }
}

TEST(write_error_reported_and_sticky)
{
    /* a file size limit makes the writes fail with EFBIG */
    pool_init();
    ca_arena *a = ca_arena_new(0);
    ca_event ev[64];
    for (int k = 0; k < 64; k++)
        ev[k] = message(a, k);
    ca_spill *sp = open_tmp();
    ca_spill_seg first;
    CHECK_INT(ca_spill_put(sp, ev, 64, in_pool, NULL, &first), CA_OK);
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = (rlim_t)(first.bytes + 100);
    signal(SIGXFSZ, SIG_IGN);
    CHECK_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ca_spill_seg seg;
    ca_status st = CA_OK;
    for (int k = 0; k < 100000 && st == CA_OK; k++) /* fill the buffer: put writes it */
        st = ca_spill_put(sp, ev, 64, in_pool, NULL, &seg);
    if (st == CA_OK)
        st = ca_spill_flush(sp);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, SIG_DFL);
    CHECK_INT(st, CA_FATAL);
    CHECK(strstr(ca_spill_errmsg(sp), "cannot write the spill file in ") != NULL);
    CHECK(strstr(ca_spill_errmsg(sp), ": File too large") != NULL);
    /* sticky: the buffer's segments are lost, so nothing more is accepted */
    CHECK_INT(ca_spill_put(sp, ev, 1, in_pool, NULL, &seg), CA_FATAL);
    CHECK_INT(ca_spill_flush(sp), CA_FATAL);
    /* what was flushed before stays readable */
    ca_event out[64];
    CHECK_INT(ca_spill_get(sp, &first, a, out, NULL), CA_OK);
    CHECK(sh_diff_event(&ev[63], &out[63], in_pool, NULL) == NULL);
    ca_spill_close(sp);
    ca_arena_free(a);
}

/* ---- out of memory ---- */

/* Opens a store, puts a segment with more distinct strings than the first
 * pointer table holds, flushes, reads it back and checks it.  0 when it all
 * went through, 1 when an allocation failed and was reported (then nothing
 * else may have gone wrong), -1 on a wrong result. */
static int oom_run(const ca_event *ev, size_t n)
{
    char err[CA_SPILL_ERRMAX];
    ca_spill *sp = ca_spill_open(NULL, err);
    if (!sp)
        return strcmp(err, "out of memory") == 0 ? 1 : -1;
    int ret = 0;
    ca_spill_seg seg[2];
    ca_event *out = calloc(n, sizeof *out);
    ca_arena *ra = NULL;
    if (ca_spill_put(sp, ev, 1, in_pool, NULL, &seg[0]) != CA_OK) {
        ret = strcmp(ca_spill_errmsg(sp), "out of memory") == 0 ? 1 : -1;
        goto done;
    }
    if (ca_spill_put(sp, ev, n, in_pool, NULL, &seg[1]) != CA_OK) {
        ret = strcmp(ca_spill_errmsg(sp), "out of memory") == 0 ? 1 : -1;
        /* the store is still usable: the same put goes through now */
        ca_alloc_fail_after(0);
        if (ret == 1 && ca_spill_put(sp, ev, n, in_pool, NULL, &seg[1]) != CA_OK)
            ret = -1;
    }
    if (ca_spill_flush(sp) != CA_OK) {
        ret = -1;
        goto done;
    }
    ra = ca_arena_new(0);
    for (int k = 0; k < 2 && ra && ret >= 0; k++) {
        if (ca_spill_get(sp, &seg[k], ra, out, err) != CA_OK) {
            ret = strcmp(err, "out of memory") == 0 ? 1 : -1;
            break;
        }
        for (size_t i = 0; i < seg[k].count; i++)
            if (sh_diff_event(&ev[i], &out[i], in_pool, NULL))
                ret = -1;
    }
    if (!ra)
        ret = 1;
done:
    ca_arena_free(ra);
    free(out);
    ca_spill_close(sp);
    return ret;
}

TEST(out_of_memory_anywhere_fails_cleanly)
{
    pool_init();
    ca_arena *a = ca_arena_new(0);
    enum { N = 400 }; /* 1 600 distinct strings: the pointer table grows */
    ca_event *ev = calloc(N, sizeof *ev);
    for (int k = 0; k < N; k++) {
        ev[k] = message(a, k);
        ev[k].sender = ca_arena_strdup(a, ev[k].id);
        ev[k].type = CA_TYPE_RECORD;
        ca_record_item *it = ca_arena_calloc(a, sizeof *it);
        *it = (ca_record_item){"x", NULL, 1, CA_TYPE_TEXT, ev[k].text};
        ev[k].items = it, ev[k].n_items = 1;
    }
    long before = ca_alloc_count();
    CHECK_INT(oom_run(ev, N), 0);
    long total = ca_alloc_count() - before;
    CHECK(total > 5);
    int failed = 0;
    for (long n = 1; n <= total + 1; n++) {
        ca_alloc_fail_after(n);
        int r = oom_run(ev, N);
        ca_alloc_fail_after(0);
        if (r < 0)
            fprintf(stderr, "allocation %ld: wrong result\n", n);
        CHECK(r >= 0);
        failed += r == 1;
    }
    CHECK(failed >= total - 1);
    CHECK_INT(oom_run(ev, N), 0);
    free(ev);
    ca_arena_free(a);
}

TEST(out_of_memory_after_part_of_a_segment_was_written)
{
    /* a segment whose first string overflows the write buffer, then
     * enough strings to grow the pointer table: an allocation failing then
     * leaves part of the segment in the file; the next put overwrites it
     * and every segment reads back */
    pool_init();
    ca_arena *a = ca_arena_new(0);
    enum { N = 700 };
    ca_event *ev = calloc(N, sizeof *ev);
    for (int k = 0; k < N; k++)
        ev[k] = message(a, k);
    char *big = ca_arena_alloc(a, 2 * CA_SPILL_WBUF + 1);
    memset(big, 'y', 2 * CA_SPILL_WBUF);
    big[2 * CA_SPILL_WBUF] = '\0';
    ev[0].text = big;
    ca_spill *sp = open_tmp();
    ca_spill_seg before, seg, after;
    CHECK_INT(ca_spill_put(sp, ev + 1, 3, in_pool, NULL, &before), CA_OK);
    int failures = 0;
    for (long n = 1; n <= 4; n++) {
        uint64_t size = ca_spill_size(sp);
        ca_alloc_fail_after(n);
        ca_status st = ca_spill_put(sp, ev, N, in_pool, NULL, &seg);
        ca_alloc_fail_after(0);
        if (st != CA_OK) {
            failures++;
            CHECK_STR(ca_spill_errmsg(sp), "out of memory");
            CHECK_INT(ca_spill_size(sp), size); /* nothing of it kept */
            CHECK_INT(ca_spill_put(sp, ev, N, in_pool, NULL, &seg), CA_OK);
        }
        CHECK_INT(ca_spill_put(sp, ev + 5, 2, in_pool, NULL, &after), CA_OK);
        CHECK_INT(ca_spill_flush(sp), CA_OK);
        ca_event *out = calloc(N, sizeof *out);
        ca_arena *ra = ca_arena_new(0);
        CHECK_INT(ca_spill_get(sp, &before, ra, out, NULL), CA_OK);
        CHECK(sh_diff_event(&ev[3], &out[2], in_pool, NULL) == NULL);
        CHECK_INT(ca_spill_get(sp, &seg, ra, out, NULL), CA_OK);
        CHECK(sh_diff_event(&ev[0], &out[0], in_pool, NULL) == NULL);
        CHECK(sh_diff_event(&ev[N - 1], &out[N - 1], in_pool, NULL) == NULL);
        CHECK_INT(ca_spill_get(sp, &after, ra, out, NULL), CA_OK);
        CHECK(sh_diff_event(&ev[6], &out[1], in_pool, NULL) == NULL);
        ca_arena_free(ra);
        free(out);
    }
    CHECK(failures >= 1);
    ca_spill_close(sp);
    free(ev);
    ca_arena_free(a);
}

/* ---- real parser output ---- */

/* Spills every event of the finished import r in segments (runs of one
 * entry and conversation), with shared pointers lasting, reads them back in
 * reverse order and compares NDJSON and every field.  Returns the events
 * compared. */
static size_t spill_import(run *r)
{
    size_t n = nev(r);
    const ca_event **evs = malloc((n ? n : 1) * sizeof *evs);
    sh_pcount pc = {0};
    for (size_t i = 0; i < n; i++) {
        evs[i] = ev(r, i);
        sh_pcount_event(&pc, evs[i]);
    }
    ca_spill *sp = open_tmp();
    ca_event *tmp = malloc((n ? n : 1) * sizeof *tmp);
    int contiguous = 0; /* segments alternately by ca_spill_put and ca_spill_putv */
    size_t nseg = 0;
    ca_spill_seg *segs = malloc((n ? n : 1) * sizeof *segs);
    size_t *first = malloc((n + 1) * sizeof *first);
    for (size_t i = 0; i < n;) {
        size_t j = sh_segment_end(evs, n, i, 1000);
        first[nseg] = i;
        if ((contiguous ^= 1)) {
            for (size_t k = i; k < j; k++)
                tmp[k - i] = *evs[k];
            CHECK_INT(ca_spill_put(sp, tmp, j - i, sh_lasting_shared, &pc, &segs[nseg]), CA_OK);
        } else {
            CHECK_INT(ca_spill_putv(sp, evs + i, j - i, sh_lasting_shared, &pc, &segs[nseg]), CA_OK);
        }
        nseg++;
        i = j;
    }
    first[nseg] = n;
    CHECK_INT(ca_spill_flush(sp), CA_OK);
    ca_buf ja = CA_BUF_INIT, jb = CA_BUF_INIT;
    size_t diffs = 0, compared = 0;
    for (size_t s = nseg; s-- > 0;) {
        ca_arena *ra = ca_arena_new(0);
        char err[CA_SPILL_ERRMAX];
        CHECK_INT(ca_spill_get(sp, &segs[s], ra, tmp, err), CA_OK);
        for (size_t k = first[s]; k < first[s + 1]; k++) {
            const ca_event *o = evs[k], *b = &tmp[k - first[s]];
            ca_buf_reset(&ja);
            ca_buf_reset(&jb);
            ca_event_to_json(&ja, o, 480);
            ca_event_to_json(&jb, b, 480);
            const char *d = sh_diff_event(o, b, sh_lasting_shared, &pc);
            if (ja.len != jb.len || memcmp(ja.data, jb.data, ja.len) != 0 || d) {
                if (diffs++ < 3)
                    fprintf(stderr, "event %zu (%s):\n  %s  %s", k, d ? d : "json",
                            ca_buf_cstr(&ja), ca_buf_cstr(&jb));
            }
            compared++;
        }
        ca_arena_free(ra);
    }
    CHECK_INT(diffs, 0);
    fprintf(stderr, "%zu events in %zu segments, %llu bytes: %.1f bytes/event\n", n, nseg,
            (unsigned long long)ca_spill_size(sp), n ? (double)ca_spill_size(sp) / (double)n : 0.0);
    ca_buf_free(&ja);
    ca_buf_free(&jb);
    ca_spill_close(sp);
    sh_pcount_free(&pc);
    free(evs), free(tmp), free(segs), free(first);
    return compared;
}

TEST(sample_exports_round_trip)
{
    run *r = run_new(CA_SOURCE_DIR "/samples/config", NULL);
    const char *inputs[] = {CA_SOURCE_DIR "/samples/2026-10", CA_SOURCE_DIR "/samples/2026-11",
                            CA_TEST_DATA "/dingtalk", CA_TEST_DATA "/wechat-xml"};
    for (size_t i = 0; i < CA_ARRAY_LEN(inputs); i++)
        ca_import_input(r->imp, inputs[i]);
    CHECK_INT(ca_import_finish(r->imp), CA_OK);
    CHECK(nev(r) > 400);
    /* the samples have every kind of array */
    int has[4] = {0};
    for (size_t i = 0; i < nev(r); i++) {
        has[0] |= ev(r, i)->n_mentions > 0;
        has[1] |= ev(r, i)->n_targets > 0;
        has[2] |= ev(r, i)->n_items > 0;
        has[3] |= ev(r, i)->quote_text != NULL;
    }
    CHECK(has[0] && has[1] && has[2] && has[3]);
    CHECK_INT(spill_import(r), nev(r));
    run_free(r);
}

TEST_MAIN()
