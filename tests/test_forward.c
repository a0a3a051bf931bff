/*
 * test_forward.c — content.forward (policy 4.2.6) on conversations built in
 * memory, driven the way the engine drives it: prepare() over every
 * conversation (on a given number of threads), then on_event per event
 * with the message's scan unit.  Groups: 项目群 and 研发群 are `work`,
 * 闲聊群 is `other`, 全员群 is `all`.
 */
#include <string.h>
#include "../analyzer/rule.h"
#include "../analyzer/timeparse.h"
#include "check.h"

extern const ca_rule ca_rule_content_forward;

/* ------------------------------------------------------------ fixtures */

enum { C_WORK = 0, C_WORK2, C_OTHER, C_ALL, N_CONV };

static ca_config cfg;
static ca_group_reg regs[N_CONV];
static ca_event *ev[N_CONV];
static const ca_event **evp[N_CONV];
static size_t nev[N_CONV], cap[N_CONV];
static char *texts; /* every text, one arena-like block per test */
static size_t texts_len, texts_cap;
static ca_conv convs[N_CONV];
static ca_findings out;

static char conv_names[N_CONV][16] = {"项目群", "研发群", "闲聊群", "全员群"};
static char conv_cats[N_CONV][8] = {"work", "work", "other", "all"};
static char platform[] = "wechat";

static void reset(void)
{
    static int first = 1;
    if (first)
        ca_config_defaults(&cfg);
    first = 0;
    for (int c = 0; c < N_CONV; c++) {
        ca_free(ev[c]);
        ca_free(evp[c]);
        ev[c] = NULL;
        evp[c] = NULL;
        nev[c] = cap[c] = 0;
        regs[c].platform = platform;
        regs[c].group_id = conv_names[c];
        regs[c].name = conv_names[c];
        regs[c].category = conv_cats[c];
    }
    ca_free(texts);
    texts = NULL;
    texts_len = texts_cap = 0;
}

/* Offsets into texts until the block stops growing: event texts are set
 * from them in finish_convs(). */
static size_t keep_text(const char *t)
{
    size_t n = strlen(t) + 1;
    if (texts_len + n > texts_cap) {
        texts_cap = (texts_len + n) * 2 + 4096;
        texts = ca_realloc(texts, texts_cap);
        CHECK(texts != NULL);
    }
    memcpy(texts + texts_len, t, n);
    texts_len += n;
    return texts_len - n;
}

static int64_t T(const char *local)
{
    int64_t ms = 0;
    CHECK(ca_time_parse(local, strlen(local), 480, &ms, NULL) == 0);
    return ms;
}

/* A text message in conversation c at time t (ms); its index there. */
static size_t post_at(int c, int64_t t, const char *text, ca_type type)
{
    if (nev[c] == cap[c]) {
        cap[c] = cap[c] ? cap[c] * 2 : 64;
        ev[c] = ca_realloc(ev[c], cap[c] * sizeof *ev[c]);
        CHECK(ev[c] != NULL);
    }
    ca_event *e = &ev[c][nev[c]];
    memset(e, 0, sizeof *e);
    e->platform = "wechat";
    e->conv = conv_names[c];
    e->time_ms = t;
    e->kind = CA_KIND_MESSAGE;
    e->type = type;
    e->sender = "wxid_someone";
    e->sender_name = "某人";
    e->text = (const char *)(uintptr_t)keep_text(text); /* an offset until finish_convs */
    e->src_path = "test.csv";
    e->src_line = (long)nev[c] + 2;
    e->seq = nev[c];
    return nev[c]++;
}

static size_t post(int c, const char *when, const char *text)
{
    return post_at(c, T(when), text, CA_TYPE_TEXT);
}

static void finish_convs(void)
{
    for (int c = 0; c < N_CONV; c++) {
        evp[c] = ca_malloc((nev[c] ? nev[c] : 1) * sizeof *evp[c]);
        for (size_t i = 0; i < nev[c]; i++) {
            ev[c][i].text = texts + (uintptr_t)ev[c][i].text;
            evp[c][i] = &ev[c][i];
        }
        memset(&convs[c], 0, sizeof convs[c]);
        convs[c].platform = "wechat";
        convs[c].id = convs[c].name = conv_names[c];
        convs[c].reg = &regs[c];
        convs[c].events = evp[c];
        convs[c].n_events = nev[c];
        convs[c].index = (size_t)c;
    }
}

/* Runs content.forward over every conversation with prepare() on threads
 * threads; record_at: (conversation, event) whose text is scanned as a
 * merged record's item instead of the message text, or -1.  0 or -1. */
static int run_forward(int threads, int record_conv, size_t record_event)
{
    ca_findings_free(&out);
    ca_findings_init(&out);
    const ca_rule *r = &ca_rule_content_forward;
    int failed = 0;
    void *shared = r->prepare(&cfg, convs, N_CONV, threads, &failed);
    if (!shared || failed)
        return -1;
    ca_worker_scratch scratch;
    memset(&scratch, 0, sizeof scratch);
    for (size_t k = 0; k < CA_ARRAY_LEN(scratch.units); k++)
        ca_norm_init(&scratch.units[k].norm);
    int rc = 0;
    for (int c = 0; c < N_CONV && rc == 0; c++) {
        void *state = ca_calloc(1, r->state_size);
        if (!state) {
            rc = -1;
            break;
        }
        ca_rule_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.cfg = &cfg;
        ctx.conv = &convs[c];
        ctx.period_start_ms = 0;
        ctx.period_end_ms = INT64_MAX;
        ctx.scratch = &scratch;
        ctx.out = &out;
        ctx.shared = shared;
        for (size_t i = 0; i < nev[c] && rc == 0; i++) {
            ca_scratch_begin(&scratch);
            ca_unit *u = &scratch.units[scratch.n_units++];
            u->kind = c == record_conv && i == record_event ? CA_UNIT_RECORD : CA_UNIT_TEXT;
            u->text = ev[c][i].text;
            u->len = strlen(u->text);
            if (ca_normalize(u->text, u->len, CA_NORM_STRIP, &u->norm) != 0)
                rc = -1;
            ctx.units = scratch.units;
            ctx.n_units = scratch.n_units;
            if (rc == 0 && r->on_event(&ctx, state, i) != 0)
                rc = -1;
        }
        r->cleanup(state);
        ca_free(state);
    }
    for (size_t k = 0; k < CA_ARRAY_LEN(scratch.units); k++)
        ca_norm_free(&scratch.units[k].norm);
    r->release(shared);
    ca_findings_finalize(&out);
    return rc;
}

/* The detail of the finding about event i of conversation c, or "none". */
static const char *finding(int c, size_t i)
{
    for (size_t k = 0; k < out.n; k++)
        if (out.items[k].conv == &convs[c] && out.items[k].event_index == i)
            return out.items[k].detail;
    return "none";
}

/* -------------------------------------------------------------- cases */

#define SRC "本季度的服务器迁移方案已经定稿请各位按计划执行"  /* 23 characters */

TEST(exact_repeat_in_an_open_group_names_the_source)
{
    reset();
    post(C_WORK, "2026-11-03 10:00:00", SRC);
    size_t q = post(C_OTHER, "2026-11-03 11:00:00", SRC);
    size_t a = post(C_ALL, "2026-11-03 12:00:00", "转一下：" SRC);
    finish_convs();
    CHECK_INT(run_forward(1, -1, 0), 0);
    CHECK_STR(finding(C_OTHER, q),
              "the message repeats (100% similar) a message posted in the work group 项目群 at "
              "2026-11-03T10:00:00+08:00 (test.csv:2)");
    /* 3 characters added (the colon is stripped): 1 - 3/26 = 88 %, below 90 % */
    CHECK_STR(finding(C_ALL, a), "none");
    CHECK_INT(out.n, 1);
}

TEST(similarity_threshold_and_length)
{
    reset();
    post(C_WORK, "2026-11-03 10:00:00", SRC);
    post(C_WORK, "2026-11-03 10:01:00", "短消息也是工作内容");
    /* one character changed in 23: 95 % */
    size_t one = post(C_OTHER, "2026-11-03 11:00:00",
                      "本季度的服务器迁移方案已经定稿请各位按计划实行");
    /* four changed: 83 % */
    size_t three = post(C_OTHER, "2026-11-03 11:01:00",
                        "本季度的数据库迁移方案已经定稿请各位按计划实行");
    size_t shorter = post(C_OTHER, "2026-11-03 11:02:00", "短消息也是工作内容");
    finish_convs();
    CHECK_INT(run_forward(1, -1, 0), 0);
    CHECK(strstr(finding(C_OTHER, one), "(95% similar)") != NULL);
    CHECK_STR(finding(C_OTHER, three), "none");
    CHECK_STR(finding(C_OTHER, shorter), "none"); /* under 20 characters */
}

TEST(only_earlier_work_messages_count_and_the_earliest_wins)
{
    reset();
    post(C_WORK2, "2026-11-05 09:00:00", SRC);
    post(C_WORK, "2026-11-04 09:00:00", SRC);
    size_t before = post(C_OTHER, "2026-11-04 08:00:00", SRC);
    size_t after = post(C_OTHER, "2026-11-06 08:00:00", SRC);
    finish_convs();
    CHECK_INT(run_forward(2, -1, 0), 0);
    CHECK_STR(finding(C_OTHER, before), "none");
    CHECK(strstr(finding(C_OTHER, after), "work group 项目群 at 2026-11-04T09:00:00+08:00") != NULL);
}

TEST(work_groups_are_checked_for_forwarded_records_only)
{
    reset();
    post(C_WORK, "2026-11-03 10:00:00", SRC);
    size_t plain = post(C_WORK2, "2026-11-03 11:00:00", SRC);
    size_t record = post(C_WORK2, "2026-11-03 11:05:00", SRC);
    finish_convs();
    CHECK_INT(run_forward(1, C_WORK2, record), 0);
    CHECK_STR(finding(C_WORK2, plain), "none");
    CHECK(strncmp(finding(C_WORK2, record), "a forwarded record repeats (100% similar)", 41) == 0);
}

TEST(a_message_of_common_phrases_only_repeats_no_particular_message)
{
    /* the same sentence in 60 work messages: each of its shingles is in
     * more than 48, so none says which message a repeat comes from */
    reset();
    for (int k = 0; k < 60; k++)
        post_at(C_WORK, T("2026-11-02 09:00:00") + k * 60000, "大家好请查收本周的周报谢谢大家辛苦了",
                CA_TYPE_TEXT);
    post(C_WORK, "2026-11-02 10:00:00", SRC);
    size_t common = post(C_OTHER, "2026-11-03 11:00:00", "大家好请查收本周的周报谢谢大家辛苦了");
    size_t rare = post(C_OTHER, "2026-11-03 11:01:00", SRC);
    finish_convs();
    CHECK_INT(run_forward(1, -1, 0), 0);
    CHECK_STR(finding(C_OTHER, common), "none");
    CHECK(strstr(finding(C_OTHER, rare), "(100% similar)") != NULL);
}

TEST(a_bucket_of_common_shingles_only_has_no_postings)
{
    /* the only work sentence, in 60 messages: every bucket that holds a
     * shingle holds only shingles too common to post (no posting array at
     * all), and the repeat looks them up (UBSan: no offset from NULL) */
    reset();
    for (int k = 0; k < 60; k++)
        post_at(C_WORK, T("2026-11-02 09:00:00") + k * 60000, SRC, CA_TYPE_TEXT);
    size_t common = post(C_OTHER, "2026-11-03 11:00:00", SRC);
    finish_convs();
    CHECK_INT(run_forward(1, -1, 0), 0);
    CHECK_STR(finding(C_OTHER, common), "none");
    CHECK_INT(out.n, 0);
}

TEST(out_of_memory_anywhere_fails_cleanly)
{
    /* every allocation of a run failed in turn: an error, never a crash,
     * a leak (the sanitizer build) or a finding made up */
    reset();
    post(C_WORK, "2026-11-03 10:00:00", SRC);
    post(C_WORK2, "2026-11-03 10:30:00", "第二个工作群里的一条足够长的工作消息内容在这里");
    size_t q = post(C_OTHER, "2026-11-03 11:00:00", SRC);
    post(C_ALL, "2026-11-03 12:00:00", "和工作无关的一条足够长的闲聊消息内容在这里呢");
    finish_convs();
    long before = ca_alloc_count();
    CHECK_INT(run_forward(2, -1, 0), 0);
    long total = ca_alloc_count() - before;
    CHECK(total > 10);
    for (long n = 1; n <= total + 1; n++) {
        ca_alloc_fail_after(n);
        int rc = run_forward(n % 2 ? 1 : 3, -1, 0);
        ca_alloc_fail_after(0);
        if (rc == 0 && !out.oom) /* the failure hit after the rule was done */
            CHECK(strstr(finding(C_OTHER, q), "(100% similar)") != NULL);
    }
    CHECK_INT(run_forward(1, -1, 0), 0);
    CHECK(strstr(finding(C_OTHER, q), "(100% similar)") != NULL);
}

/* Deterministic text of n CJK characters from a pool of 3 000. */
static void make_text(uint64_t *state, char *buf, int n)
{
    char *p = buf;
    for (int k = 0; k < n; k++) {
        *state = *state * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t c = 0x4E00 + (uint32_t)((*state >> 33) % 3000);
        *p++ = (char)(0xE0 | (c >> 12));
        *p++ = (char)(0x80 | ((c >> 6) & 0x3F));
        *p++ = (char)(0x80 | (c & 0x3F));
    }
    *p = '\0';
}

TEST(the_index_is_the_same_for_every_thread_count_and_chunk)
{
    /* 110 000 work messages in two groups (several chunks of conversations
     * and of shingles), 400 open-group messages: 150 copies or one-edit
     * copies of work messages from all over the month, the rest unrelated */
    reset();
    uint64_t st = 42;
    char buf[256];
    int64_t t0 = T("2026-11-01 08:00:00");
    for (int k = 0; k < 110000; k++) {
        make_text(&st, buf, 20 + k % 16);
        post_at(k % 11 ? C_WORK : C_WORK2, t0 + (int64_t)k * 1000, buf, CA_TYPE_TEXT);
    }
    finish_convs(); /* the texts are in place: copy some of them */
    char **copies = ca_calloc(400, sizeof *copies);
    for (int k = 0; k < 400; k++) {
        if (k % 8 < 3) {
            const ca_event *src = &ev[k % 2 ? C_WORK : C_WORK2][(size_t)k * 97 % 9000];
            copies[k] = ca_strdup(src->text);
            if (k % 8 == 2) /* the last character changed */
                memcpy(copies[k] + strlen(copies[k]) - 3, "改", 3);
        } else {
            make_text(&st, buf, 24);
            copies[k] = ca_strdup(buf);
        }
    }
    /* finish_convs() set the work texts; keep them when adding */
    const char *base = texts;
    for (int c = C_WORK; c <= C_WORK2; c++)
        for (size_t i = 0; i < nev[c]; i++)
            ev[c][i].text = (const char *)(uintptr_t)(ev[c][i].text - base);
    for (int k = 0; k < 400; k++) {
        post_at(C_OTHER, t0 + (int64_t)200000 * 1000 + k * 1000, copies[k], CA_TYPE_TEXT);
        ca_free(copies[k]);
    }
    ca_free(copies);
    for (int c = 0; c < N_CONV; c++)
        ca_free(evp[c]);
    finish_convs();

    char *first = NULL;
    size_t first_n = 0;
    const int thread_counts[] = {1, 2, 3, 8};
    for (size_t r = 0; r < CA_ARRAY_LEN(thread_counts); r++) {
        CHECK_INT(run_forward(thread_counts[r], -1, 0), 0);
        ca_buf b = CA_BUF_INIT;
        for (size_t k = 0; k < out.n; k++)
            ca_buf_printf(&b, "%zu %s\n", out.items[k].event_index, out.items[k].detail);
        if (!first) {
            first = ca_buf_detach(&b);
            first_n = out.n;
        } else {
            CHECK_STR(ca_buf_cstr(&b), first);
            ca_buf_free(&b);
        }
    }
    /* every planted copy found, nothing else: 3 of every 8 */
    CHECK_INT(first_n, 150);
    ca_free(first);
}

TEST_MAIN()
