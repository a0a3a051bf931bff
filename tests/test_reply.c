/*
 * test_reply.c — the reply rules (SPEC §6.2) on small conversations built
 * in memory, driven the way the engine drives them (prepare, on_event per
 * event with the message's text unit, finish, cleanup), with the
 * configuration in tests/data/reply-config (研发部 head 张磊 E20; staff
 * 李娜 E21, 刘洋 E22, 杨帆 E23; admin centre 孙丽 E10 (head) and 周静 E11;
 * 销售部 head 马骏 E30; 财务部 head 韩梅 E40, a supervisor; gm 陈总 E1).
 * Times are +08:00; 2026-11-24 is a Tuesday.
 */
#include <string.h>
#include "../analyzer/lexicon.h"
#include "../analyzer/rule.h"
#include "../analyzer/timeparse.h"
#include "check.h"

extern const ca_rule ca_rule_reply_employee, ca_rule_reply_leader, ca_rule_reply_public;

/* ------------------------------------------------------------ fixtures */

static ca_config cfg;
static ca_content content;
static ca_worker_scratch scratch;
static int loaded;

static int norm_term(void *ud, const char *s, size_t n, ca_buf *out)
{
    ca_norm *nm = ud;
    if (ca_normalize(s, n, CA_NORM_STRIP, nm) < 0)
        return -1;
    return ca_buf_put(out, nm->text, nm->len);
}

static void load(void)
{
    if (loaded)
        return;
    loaded = 1;
    ca_diag *d = ca_diag_new(0);
    ca_config_defaults(&cfg);
    if (ca_config_load(&cfg, CA_TEST_DATA "/reply-config", 1, d) != CA_OK) {
        ca_diag_print(d, stderr, CA_DIAG_WARN);
        check_failures++;
    }
    ca_norm nm;
    ca_norm_init(&nm);
    static const struct { int lex; const char *file; } lexs[] = {
        {CA_LEX_OFFTOPIC, "/reply-config/lexicons/offtopic.txt"},
        {CA_LEX_PUBLIC_TOPICS, "/reply-config/lexicons/public_topics.txt"},
    };
    for (size_t k = 0; k < 2; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s%s", CA_TEST_DATA, lexs[k].file);
        content.lex[lexs[k].lex] = ca_lexicon_new();
        CHECK(ca_lexicon_load(content.lex[lexs[k].lex], path, norm_term, &nm, d) == CA_OK);
        CHECK(ca_lexicon_build(content.lex[lexs[k].lex]) == 0);
        scratch.match[lexs[k].lex] = ca_match_scratch_new(ca_lexicon_matcher(content.lex[lexs[k].lex]));
    }
    ca_norm_free(&nm);
    CHECK(ca_content_combine(&content) == 0);
    scratch.all_match = content.all ? ca_match_scratch_new(content.all) : NULL;
    for (size_t k = 0; k < CA_ARRAY_LEN(scratch.units); k++)
        ca_norm_init(&scratch.units[k].norm);
    ca_diag_free(d);
}

/* A conversation under construction. */
#define MAXEV 32
static ca_event ev[MAXEV];
static const ca_event *evp[MAXEV];
static size_t nev;
static char ids[MAXEV][16];
static const char *mention_names[MAXEV][4], *mention_ids[MAXEV][4];

static void reset(void)
{
    load();
    memset(ev, 0, sizeof ev);
    nev = 0;
}

static const char *name_of(const char *emp)
{
    const ca_employee *e = ca_roster_by_id(cfg.roster, emp);
    return e ? e->name : emp;
}

static int64_t T(const char *local)
{
    int64_t ms = 0;
    CHECK(ca_time_parse(local, strlen(local), 480, &ms, NULL) == 0);
    return ms;
}

/* A text message of employee emp at local time when; returns its index. */
static size_t say(const char *when, const char *emp, const char *text)
{
    ca_event *e = &ev[nev];
    e->platform = "wechat";
    e->conv = "t@chatroom";
    snprintf(ids[nev], sizeof ids[nev], "m%zu", nev + 1);
    e->id = ids[nev];
    e->time_ms = T(when);
    e->kind = CA_KIND_MESSAGE;
    e->type = CA_TYPE_TEXT;
    static char senders[MAXEV][32];
    snprintf(senders[nev], sizeof senders[nev], "wxid_%c%s", 'e', emp + 1);
    e->sender = senders[nev];
    e->sender_name = name_of(emp);
    e->employee = emp;
    e->text = text;
    e->seq = nev;
    return nev++;
}

/* Adds an @mention of employee emp (shown as their name) to event i. */
static void mention(size_t i, const char *emp)
{
    ca_event *e = &ev[i];
    mention_names[i][e->n_mentions] = emp ? name_of(emp) : "所有人";
    mention_ids[i][e->n_mentions] = emp;
    e->n_mentions++;
    e->mentions = mention_names[i];
    e->mention_ids = mention_ids[i];
    if (!emp)
        e->flags |= CA_EV_MENTION_ALL;
}

/* Makes event i a quote of a message of quote_sender (a display name), or
 * of the message with id reply_to. */
static void quote(size_t i, const char *quote_sender, const char *reply_to)
{
    ev[i].type = CA_TYPE_QUOTE;
    ev[i].quote_sender = quote_sender;
    ev[i].reply_to = reply_to;
    ev[i].quote_text = "…";
}

static ca_findings out;

/* Runs the three reply rules over the conversation (period: all time), as
 * the engine does: a rule that fails (out of memory) stops the rest of
 * that conversation but still finishes and cleans up.  0, or -1 when
 * anything failed. */
static int run_status(void)
{
    ca_findings_free(&out);
    ca_findings_init(&out);
    for (size_t i = 0; i < nev; i++)
        evp[i] = &ev[i];
    ca_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.platform = "wechat";
    conv.id = conv.name = "t@chatroom";
    conv.events = evp;
    conv.n_events = nev;
    ca_members *members = ca_members_build(&conv);
    if (!members)
        return -1;
    int rc = 0;
    const ca_rule *rules[] = {&ca_rule_reply_employee, &ca_rule_reply_leader, &ca_rule_reply_public};
    for (size_t r = 0; r < 3; r++) {
        int failed = 0;
        void *shared = rules[r]->prepare(&cfg, &conv, 1, 1, &failed);
        void *state = ca_calloc(1, rules[r]->state_size);
        if (!shared || failed || !state) {
            if (shared)
                rules[r]->release(shared);
            ca_free(state);
            rc = -1;
            continue;
        }
        ca_rule_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        ctx.cfg = &cfg;
        ctx.content = &content;
        ctx.conv = &conv;
        ctx.period_start_ms = 0;
        ctx.period_end_ms = INT64_MAX;
        ctx.scratch = &scratch;
        ctx.out = &out;
        ctx.shared = shared;
        ctx.members = members;
        int ok = 1;
        for (size_t i = 0; i < nev && ok; i++) {
            /* the engine's text unit (and, as the engine does, no hits
             * cached from the previous message) */
            ca_scratch_begin(&scratch);
            if (ev[i].text && *ev[i].text) {
                ca_unit *u = &scratch.units[scratch.n_units++];
                u->kind = CA_UNIT_TEXT;
                u->text = ev[i].text;
                u->len = strlen(ev[i].text);
                if (ca_normalize(u->text, u->len, CA_NORM_STRIP, &u->norm) != 0) {
                    ok = 0;
                    break;
                }
            }
            ctx.units = scratch.units;
            ctx.n_units = scratch.n_units;
            ok = rules[r]->on_event(&ctx, state, i) == 0;
        }
        if (rules[r]->finish(&ctx, state) != 0)
            ok = 0;
        rules[r]->cleanup(state);
        ca_free(state);
        rules[r]->release(shared);
        if (!ok)
            rc = -1;
    }
    ca_members_free(members);
    if (out.oom)
        rc = -1;
    ca_findings_finalize(&out);
    return rc;
}

static void run(void)
{
    CHECK_INT(run_status(), 0);
}

/* "status minutes [answered-index]" of the record of rule for the tracked
 * message q and responder, or "none". */
static const char *outcome(const char *rule, size_t q, const char *responder)
{
    static char buf[96];
    for (size_t k = 0; k < out.n_latency; k++) {
        const ca_latency *l = &out.latency[k];
        if (strcmp(l->rule, rule) || l->event_index != q || strcmp(l->responder_id, responder))
            continue;
        char mins[32];
        ca_latency_minutes_text(l->business_ms, mins);
        if (l->answer_index != (size_t)-1)
            snprintf(buf, sizeof buf, "%s %s @%zu", ca_latency_status_name(l->status), mins,
                     l->answer_index);
        else
            snprintf(buf, sizeof buf, "%s %s", ca_latency_status_name(l->status), mins);
        return buf;
    }
    return "none";
}

/* The findings as "rule:person@event;..." in report order. */
static const char *findings(void)
{
    static char buf[512];
    buf[0] = '\0';
    for (size_t k = 0; k < out.n; k++) {
        char one[96];
        snprintf(one, sizeof one, "%s%s:%s@%zu", k ? ";" : "", out.items[k].rule,
                 out.items[k].person_id, out.items[k].event_index);
        strncat(buf, one, sizeof buf - strlen(buf) - 1);
    }
    return buf;
}

/* ---------------------------------------------------------------- tests */

TEST(reply_at_the_deadline_minute_is_on_time)
{
    reset();
    size_t q1 = say("2026-11-24 10:00:00", "E21", "请问评审几点开始？");
    size_t a1 = say("2026-11-24 10:20:00", "E20", "十点半");
    size_t q2 = say("2026-11-24 11:00:00", "E22", "测试环境谁在用？");
    size_t a2 = say("2026-11-24 11:20:01", "E20", "我在用");
    run();
    CHECK_STR(outcome("reply.employee", q1, "E20"), "met 20.0 @1");
    CHECK_INT(a1, 1);
    CHECK_STR(outcome("reply.employee", q2, "E20"), "breached 20.0 @3");
    CHECK_INT(a2, 3);
    CHECK_STR(findings(), "reply.employee:E20@2");
    CHECK_INT(out.n_latency, 2);
}

TEST(reply_mentioning_someone_else_does_not_count)
{
    reset();
    size_t q = say("2026-11-24 10:00:00", "E21", "接口文档放哪里了");
    size_t other = say("2026-11-24 10:05:00", "E20", "你先看下这个问题");
    mention(other, "E23");
    say("2026-11-24 10:06:00", "E23", "好的");
    size_t late = say("2026-11-24 10:40:00", "E20", "在共享盘");
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "breached 40.0 @3");
    CHECK_INT(late, 3);
    CHECK_STR(findings(), "reply.employee:E20@0");
}

TEST(reply_mentioning_the_asker_and_others_counts)
{
    reset();
    size_t q = say("2026-11-24 10:00:00", "E21", "接口文档放哪里了");
    size_t a = say("2026-11-24 10:05:00", "E20", "在共享盘，你们俩都看一下");
    mention(a, "E23");
    mention(a, "E21");
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "met 5.0 @1");
    CHECK_STR(findings(), "");
}

TEST(quote_reply_counts_and_a_quote_of_someone_else_does_not)
{
    reset();
    size_t q = say("2026-11-24 10:00:00", "E21", "部署脚本是否需要更新？");
    say("2026-11-24 10:01:00", "E22", "我这边也遇到了");
    size_t other = say("2026-11-24 10:03:00", "E20", "先别动");
    quote(other, "刘洋", NULL); /* answers 刘洋, not 李娜 */
    size_t a = say("2026-11-24 10:09:00", "E20", "要更新，我来改");
    quote(a, "研发部-李娜", NULL); /* the quoted sender as a display name */
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "met 9.0 @3");
    /* by message id, without a quoted sender */
    reset();
    q = say("2026-11-24 10:00:00", "E21", "部署脚本是否需要更新？");
    say("2026-11-24 10:01:00", "E22", "顺便看下日志");
    size_t by_other_id = say("2026-11-24 10:02:00", "E20", "好");
    quote(by_other_id, NULL, "m2");
    a = say("2026-11-24 10:04:00", "E20", "要更新");
    quote(a, NULL, "m1");
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "met 4.0 @3");
    /* a quote whose original the export lost quotes no one: it counts */
    reset();
    q = say("2026-11-24 10:00:00", "E21", "部署脚本是否需要更新？");
    a = say("2026-11-24 10:07:00", "E20", NULL);
    quote(a, NULL, NULL);
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "met 7.0 @1");
}

TEST(one_reply_answers_every_earlier_question_of_the_asker)
{
    reset();
    size_t q1 = say("2026-11-24 10:00:00", "E21", "评审几点？");
    size_t q2 = say("2026-11-24 10:10:00", "E21", "会议室订了吗");
    size_t q3 = say("2026-11-24 10:12:00", "E22", "那我呢？");
    size_t a = say("2026-11-24 10:30:00", "E20", "下午三点，已订");
    mention(a, "E21");
    size_t a3 = say("2026-11-24 10:31:00", "E20", "你也参加");
    run();
    CHECK_STR(outcome("reply.employee", q1, "E20"), "breached 30.0 @3");
    /* 会议室 makes q2 a public question, not reply.employee's */
    CHECK_STR(outcome("reply.employee", q2, "E20"), "none");
    CHECK_STR(outcome("reply.employee", q3, "E20"), "met 19.0 @4"); /* a3 mentions no one */
    CHECK_INT(a3, 4);
    CHECK_STR(outcome("reply.public", q2, "E10"), "none"); /* no admin-centre member here */
    CHECK_INT(out.n_notes, 1);
}

TEST(head_not_in_the_group_is_a_data_quality_note)
{
    reset();
    size_t q = say("2026-11-24 10:00:00", "E21", "这个需求谁来评审？");
    say("2026-11-24 11:00:00", "E22", "不清楚");
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "none");
    CHECK_INT(out.n_latency, 0);
    CHECK_INT(out.n, 0);
    CHECK_INT(out.n_notes, 1);
    CHECK(out.n_notes == 1 && strstr(out.notes[0].text, "张磊 (E20) is not a member"));
    /* a head who wrote before the question is a member */
    reset();
    say("2026-11-23 17:00:00", "E20", "明天上线");
    q = say("2026-11-24 10:00:00", "E21", "这个需求谁来评审？");
    say("2026-11-24 11:00:00", "E22", "不清楚");
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "unanswered 60.0");
    CHECK_STR(findings(), "reply.employee:E20@1");
}

TEST(asker_is_the_head_answered_by_their_manager)
{
    reset();
    say("2026-11-24 09:00:00", "E1", "大家早");
    size_t q = say("2026-11-24 10:00:00", "E40", "报销系统什么时候恢复？");
    size_t a = say("2026-11-24 10:15:00", "E1", "下午");
    run();
    CHECK_STR(outcome("reply.employee", q, "E1"), "met 15.0 @2");
    CHECK_INT(a, 2);
    CHECK_INT(out.n_latency, 1);
    /* a manager's question is not tracked */
    reset();
    say("2026-11-24 09:00:00", "E1", "大家早");
    say("2026-11-24 10:00:00", "E20", "版本什么时候发？");
    run();
    CHECK_INT(out.n_latency, 0);
}

TEST(open_at_the_end_of_the_export_and_unanswered_before_it)
{
    reset();
    say("2026-11-27 09:00:00", "E20", "今天发版");
    size_t open = say("2026-11-27 17:55:00", "E21", "发版了吗？");
    say("2026-11-27 17:58:00", "E22", "还没");
    run();
    CHECK_STR(outcome("reply.employee", open, "E20"), "open 3.0"); /* due Monday 09:15 */
    CHECK_STR(findings(), "");
    reset();
    say("2026-11-27 09:00:00", "E20", "今天发版");
    size_t q = say("2026-11-27 10:00:00", "E21", "发版了吗？");
    say("2026-11-27 10:20:00", "E22", "还没"); /* the end, exactly at the deadline */
    run();
    CHECK_STR(outcome("reply.employee", q, "E20"), "unanswered 20.0");
    CHECK_STR(findings(), "reply.employee:E20@1");
}

TEST(what_is_a_question)
{
    static const struct { const char *text; int tracked; } cases[] = {
        {"明天开会吗", 1},
        {"这样可以么。", 1},
        {"那个接口呢", 1},
        {"需求文档是否定稿", 1},
        {"Is the build green?", 1},
        {"这个吗啡类药品的说明书", 0},   /* 吗 inside a word */
        {"呢子大衣的样品到了", 0},
        {"要么今天要么明天", 0},
        {"文档见 https://docs.example.cn/a?id=1", 0},  /* ? of a URL */
        {"周末去爬山吗？", 0},           /* off topic: not a work question */
        {"收到，马上处理", 0},
    };
    for (size_t k = 0; k < CA_ARRAY_LEN(cases); k++) {
        reset();
        say("2026-11-24 09:00:00", "E20", "早");
        say("2026-11-24 10:00:00", "E21", cases[k].text);
        run();
        if ((out.n_latency == 1) != cases[k].tracked) {
            fprintf(stderr, "\"%s\": expected %s\n", cases[k].text,
                    cases[k].tracked ? "a question" : "no question");
            check_failures++;
        }
    }
    /* an @mention is not text that could ask anything */
    reset();
    say("2026-11-24 09:00:00", "E20", "早");
    size_t m = say("2026-11-24 10:00:00", "E21", "@杨帆 收到");
    mention(m, "E23");
    run();
    CHECK_INT(out.n_latency, 0);
}

TEST(former_employee_asks_no_employee_question)
{
    /* 郑浩 E24 left on 2026-11-20 (his last working day) */
    reset();
    say("2026-11-20 09:00:00", "E20", "早");
    size_t last_day = say("2026-11-20 17:00:00", "E24", "交接文档放哪里？");
    size_t after = say("2026-11-23 10:00:00", "E24", "我的社保转出了吗？");
    say("2026-11-23 12:00:00", "E20", "好的");
    run();
    CHECK_STR(outcome("reply.employee", last_day, "E20"), "breached 240.0 @3"); /* 60 on Friday, 180 on Monday */
    CHECK_STR(outcome("reply.employee", after, "E20"), "none");
    CHECK_INT(out.n_latency, 1);
}

TEST(leader_mentions_and_named_departments)
{
    reset();
    say("2026-11-24 09:00:00", "E20", "早");
    say("2026-11-24 09:01:00", "E30", "早");
    say("2026-11-24 09:02:00", "E10", "早");
    /* gm @mentions 张磊 and names 销售部 and, by its alias, 行政中心 */
    size_t q = say("2026-11-24 10:00:00", "E1", "@张磊 这个版本销售部和行政那边都要确认");
    mention(q, "E20");
    size_t a1 = say("2026-11-24 10:10:00", "E20", "收到");
    size_t a2 = say("2026-11-24 10:45:00", "E30", "确认");
    mention(a2, "E1");
    run();
    CHECK_STR(outcome("reply.leader", q, "E20"), "met 10.0 @4");
    CHECK_STR(outcome("reply.leader", q, "E30"), "breached 45.0 @5");
    CHECK_STR(outcome("reply.leader", q, "E10"), "unanswered 45.0");
    CHECK_INT(a1, 4);
    CHECK_STR(findings(), "reply.leader:E10@3;reply.leader:E30@3");
    /* a department named only inside an @mention is not named; a head's
     * own department is not a request to himself */
    reset();
    say("2026-11-24 09:00:00", "E30", "早");
    q = say("2026-11-24 10:00:00", "E20", "@销售部-马骏 研发部明天上线");
    mention_names[q][0] = "销售部-马骏";
    ev[q].n_mentions = 1;
    ev[q].mentions = mention_names[q];
    ev[q].mention_ids = mention_ids[q];
    mention_ids[q][0] = "E30";
    run();
    CHECK_INT(out.n_latency, 1);
    CHECK_STR(outcome("reply.leader", q, "E30"), "open 0.0");
    /* staff naming a department is no leader request; @所有人 mentions no head */
    reset();
    say("2026-11-24 09:00:00", "E20", "早");
    size_t s = say("2026-11-24 10:00:00", "E21", "研发部的同事辛苦了");
    size_t all = say("2026-11-24 10:01:00", "E10", "@所有人 今天消防演习");
    mention(all, NULL);
    run();
    CHECK_STR(outcome("reply.leader", s, "E20"), "none");
    CHECK_INT(out.n_latency, 0);
}

TEST(public_question_any_admin_centre_member_answers)
{
    reset();
    say("2026-11-24 09:00:00", "E11", "早"); /* 周静 is here, the head 孙丽 is not */
    say("2026-11-24 09:01:00", "E20", "早");
    size_t q = say("2026-11-24 10:00:00", "E21", "打印机又卡纸了，谁能来看看？");
    size_t a = say("2026-11-24 10:06:00", "E11", "马上到");
    mention(a, "E21");
    run();
    CHECK_STR(outcome("reply.public", q, "E10"), "met 6.0 @3");
    CHECK(out.n_latency == 1 && !strcmp(out.latency[0].answered_by, "E11"));
    CHECK_STR(outcome("reply.employee", q, "E20"), "none"); /* public, not the head's */
    /* no admin-centre member in the group: a note, not tracked */
    reset();
    say("2026-11-24 09:01:00", "E20", "早");
    q = say("2026-11-24 10:00:00", "E21", "停车位怎么申请？");
    run();
    CHECK_INT(out.n_latency, 0);
    CHECK(out.n_notes == 1 && strstr(out.notes[0].text, "without an admin-centre"));
}

/* Every allocation of the rules failed in turn: no crash, no leak (under
 * valgrind or ASan), and the failure is reported, never a wrong outcome. */
TEST(out_of_memory_fails_cleanly)
{
    reset();
    say("2026-11-24 09:00:00", "E20", "早");
    say("2026-11-24 09:01:00", "E30", "早");
    size_t q = say("2026-11-24 10:00:00", "E1", "@张磊 这个版本销售部要确认吗？");
    mention(q, "E20");
    size_t a = say("2026-11-24 10:10:00", "E20", "收到");
    quote(a, NULL, "m3");
    say("2026-11-24 10:40:00", "E21", "部署脚本是否需要更新？");
    say("2026-11-24 11:40:00", "E20", "要");
    long before = ca_alloc_count();
    CHECK_INT(run_status(), 0);
    long total = ca_alloc_count() - before;
    size_t clean = out.n_latency;
    CHECK_INT(clean, 3);
    for (long n = 1; n <= total; n++) {
        ca_alloc_fail_after(n);
        int rc = run_status();
        ca_alloc_fail_after(0);
        if (rc == 0 && out.n_latency != clean) {
            fprintf(stderr, "allocation %ld failed: a wrong outcome instead of an error\n", n);
            check_failures++;
        }
    }
    CHECK_INT(run_status(), 0);
    CHECK_INT(out.n_latency, clean);
}

TEST_MAIN()
