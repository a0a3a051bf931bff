/*
 * test_group_member.c — the group and membership rules (SPEC §6.1) on
 * in-memory conversations, with the configuration in
 * tests/data/group-config (roster, groups.csv, policy): each test builds a
 * conversation's events, runs one rule over it as the engine does (init,
 * on_event per event, finish) and checks the findings' responsible persons
 * and the notes.
 */
#include <stdio.h>
#include <string.h>
#include "../analyzer/rule.h"
#include "../analyzer/timeparse.h"
#include "check.h"

static ca_config cfg;
static int cfg_loaded;

static const ca_config *config(void)
{
    if (!cfg_loaded) {
        ca_diag *d = ca_diag_new(100);
        ca_config_defaults(&cfg);
        if (ca_config_load(&cfg, CA_TEST_DATA "/group-config", 1, d) != CA_OK)
            fprintf(stderr, "test config did not load\n");
        ca_diag_free(d);
        cfg_loaded = 1;
    }
    return &cfg;
}

/* 2026-11-<day> hh:mm in +08:00, as UTC ms. */
static int64_t T(int day, int hh, int mm)
{
    return ((ca_days_from_civil(2026, 11, day) * 86400 + hh * 3600 + mm * 60) - 8 * 3600) * 1000LL;
}

#define MAXEV 32
static ca_event evs[MAXEV];
static const char *tg[MAXEV][1], *tgn[MAXEV][1], *tge[MAXEV][1];
static size_t nev;

static void reset(void)
{
    memset(evs, 0, sizeof evs);
    nev = 0;
}

static ca_event *add(ca_kind k, int64_t t)
{
    ca_event *e = &evs[nev];
    e->kind = k;
    e->time_ms = t;
    e->platform = "wechat";
    e->seq = nev;
    nev++;
    return e;
}

/* A message by an employee (emp) or by an unresolved sender (emp NULL). */
static ca_event *msg(int64_t t, const char *emp, const char *sender, const char *name,
                     uint32_t flags)
{
    ca_event *e = add(CA_KIND_MESSAGE, t);
    e->type = CA_TYPE_TEXT;
    e->employee = emp;
    e->sender = sender;
    e->sender_name = name;
    e->text = "好的";
    e->flags = flags;
    return e;
}

/* A system event naming one target (join, remove, owner). */
static ca_event *sys1(ca_kind k, int64_t t, const char *actor_emp, const char *actor,
                      const char *target_emp, const char *target)
{
    size_t i = nev;
    ca_event *e = add(k, t);
    e->actor = actor;
    e->actor_employee = actor_emp;
    tg[i][0] = target;
    tgn[i][0] = target;
    tge[i][0] = target_emp;
    e->targets = tg[i];
    e->target_names = tgn[i];
    e->target_employees = tge[i];
    e->n_targets = 1;
    return e;
}

static ca_findings out;
static char result[1024];
static size_t n_notes;

/* Runs rule over the events as conversation id (registered as in
 * groups.csv); returns "rule:person,..." of the findings in order
 * (person "-" when none); n_notes gets the number of notes. */
static const char *run(const char *rule_id, const char *platform, const char *conv_id,
                       const char *name)
{
    const ca_config *c = config();
    const ca_rule *rule = NULL;
    for (size_t r = 0; r < ca_n_rules; r++)
        if (strcmp(ca_rules[r]->id, rule_id) == 0)
            rule = ca_rules[r];
    if (!rule)
        return "NO RULE";
    const ca_event *ptrs[MAXEV];
    for (size_t i = 0; i < nev; i++) {
        evs[i].platform = platform;
        evs[i].conv = conv_id;
        ptrs[i] = &evs[i];
    }
    ca_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.platform = platform;
    conv.id = conv_id;
    conv.reg = ca_config_group(c, platform, conv_id);
    conv.name = name ? name : conv.reg ? conv.reg->name : conv_id;
    conv.events = ptrs;
    conv.n_events = nev;
    ca_members *members = ca_members_build(&conv);
    ca_findings_free(&out);
    ca_findings_init(&out);
    ca_rule_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = c;
    ctx.conv = &conv;
    ctx.out = &out;
    ctx.members = members;
    ctx.period_start_ms = T(1, 0, 0);
    ctx.period_end_ms = ((ca_days_from_civil(2026, 12, 1) * 86400) - 8 * 3600) * 1000LL;
    static char state[4096];
    memset(state, 0, sizeof state);
    int rc = 0;
    if (rule->init)
        rc |= rule->init(&ctx, state);
    for (size_t i = 0; i < nev; i++)
        if (rule->on_event)
            rc |= rule->on_event(&ctx, state, i);
    if (rule->finish)
        rc |= rule->finish(&ctx, state);
    if (rule->cleanup)
        rule->cleanup(state);
    ca_members_free(members);
    result[0] = '\0';
    for (size_t i = 0; i < out.n; i++) {
        size_t L = strlen(result);
        snprintf(result + L, sizeof result - L, "%s%s:%s", i ? "," : "", out.items[i].rule,
                 out.items[i].person_id ? out.items[i].person_id : "-");
    }
    n_notes = out.n_notes;
    return rc ? "ERROR" : result;
}

/* ------------------------------------------------------------ onboard */

/* 林新 E302 (研发部, hire 11-02) added to the department group on a day. */
static const char *rd_join_on(int day)
{
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(day, 10, 0), "E300", "wx300", "E302", "林新");
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", 0);
    return run("member.onboard", "wechat", "G-RD", NULL);
}

TEST(onboard_day_2_4_7)
{
    CHECK_STR(rd_join_on(2 + 2), "member.onboard:E300"); /* day 2 */
    CHECK_STR(rd_join_on(2 + 3), "");                    /* day 3: the first day */
    CHECK_STR(rd_join_on(2 + 4), "");                    /* day 4 */
    CHECK_STR(rd_join_on(2 + 5), "");                    /* day 5: the last day */
    CHECK_STR(rd_join_on(2 + 6), "member.onboard:E300"); /* day 6 */
    CHECK_STR(rd_join_on(2 + 7), "member.onboard:E300"); /* day 7 */
}

TEST(onboard_day_2_is_early)
{
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(4, 9, 30), "E300", "wx300", "E302", "林新"); /* 11-04 = day 2 */
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "member.onboard:E300");
    CHECK(strstr(out.items[0].detail, "day 2") != NULL);
}

TEST(onboard_never_added_export_covers)
{
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", 0);
    /* 林新 (hire 11-02, deadline end of 11-07) never added: finding against
     * the head, about no message, timed at the deadline */
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "member.onboard:E300");
    CHECK(strstr(out.items[0].detail, "not added") != NULL);
    CHECK_INT(out.items[0].time_ms, T(8, 0, 0));
    CHECK(out.items[0].message_id == NULL && out.items[0].event_index == (size_t)-1);
    /* the all group: both hires (林新 11-02, 宋新 11-09) never added, each
     * against their own head */
    CHECK_STR(run("member.onboard", "wechat", "G-ALL", NULL),
              "member.onboard:E300,member.onboard:E400");
}

TEST(onboard_never_added_export_not_covering)
{
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    msg(T(7, 12, 0), "E301", "wx301", "研发部-李员", 0); /* ends before 11-07 24:00 */
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 1);
    reset();
    msg(T(4, 9, 0), "E300", "wx300", "研发部-张头", 0); /* starts after the hire day */
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", 0);
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 1);
}

TEST(onboard_first_seen_writing_without_join)
{
    /* a join the export does not show: before the deadline nothing to say,
     * after it a note (the day cannot be told), never a finding */
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    msg(T(6, 9, 0), "E302", "wx302", "研发部-林新", 0);
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", 0);
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 0);
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    msg(T(9, 9, 0), "E302", "wx302", "研发部-林新", 0);
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 1);
}

TEST(onboard_groups_checked_separately)
{
    /* on time in the all group; a work group is not an onboarding group */
    reset();
    msg(T(1, 9, 0), "E200", "wx200", "行政中心-孙行", 0);
    sys1(CA_KIND_JOIN, T(6, 10, 0), "E201", "wx201", "E302", "林新");
    sys1(CA_KIND_JOIN, T(12, 10, 0), "E201", "wx201", "E402", "宋新");
    msg(T(20, 9, 0), "E200", "wx200", "行政中心-孙行", 0);
    CHECK_STR(run("member.onboard", "wechat", "G-ALL", NULL), "");
    CHECK_STR(run("member.onboard", "wechat", "G-WORK", NULL), "");
}

TEST(onboard_join_of_someone_hired_long_ago_is_not_an_onboarding)
{
    /* 李员 (hired 2020-03-02) is added to the department group in November
     * (a transfer, a re-join, a group newly set up): an export that begins
     * years after her day-5 deadline cannot show a late onboarding, and the
     * head must not get a "new hire ... day 2447" finding */
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(12, 10, 0), "E300", "wx300", "E301", "李员");
    msg(T(20, 9, 0), "E300", "wx300", "研发部-张头", 0);
    /* the one finding is 林新's (hired 11-02, never added), not 李员's */
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "member.onboard:E300");
    CHECK(out.n == 1 && strstr(out.items[0].detail, "林新") != NULL);
    CHECK(out.n == 1 && strstr(out.items[0].detail, "李员") == NULL);
    /* a hire of this month whose group's export begins after her deadline
     * (end of 11-07): a note, not a finding */
    reset();
    msg(T(9, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(12, 10, 0), "E300", "wx300", "E302", "林新");
    CHECK_STR(run("member.onboard", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 1);
}

/* ------------------------------------------------------------- invite */

static const char *invite(const char *conv, const char *actor, const char *target)
{
    reset();
    msg(T(1, 9, 0), "E200", "wx200", "行政中心-孙行", 0);
    sys1(CA_KIND_JOIN, T(12, 10, 0), actor, actor, target, target);
    return run("member.invite", "wechat", conv, NULL);
}

TEST(invite_allowed_inviters)
{
    CHECK_STR(invite("G-ALL", "E200", "E402"), "");  /* the owner */
    CHECK_STR(invite("G-ALL", "E201", "E402"), "");  /* an admin in groups.csv */
    CHECK_STR(invite("G-ALL", "E202", "E402"), "");  /* admin centre, not an admin */
    CHECK_STR(invite("G-ALL", "E100", "E402"), "");  /* executive office */
    CHECK_STR(invite("G-ALL", "E400", "E402"), "");  /* the hire's head, all group */
    CHECK_STR(invite("G-RD", "E300", "E302"), "");   /* the head, department group */
}

TEST(invite_by_someone_else)
{
    CHECK_STR(invite("G-ALL", "E401", "E402"), "member.invite:E401"); /* a manager */
    CHECK_STR(invite("G-ALL", "E300", "E402"), "member.invite:E300"); /* another dept's head */
    CHECK_STR(invite("G-WORK2", "E300", "E302"), "member.invite:E300"); /* head, work group */
    CHECK_STR(invite("G-RD", "E400", "E302"), "member.invite:E400");
    /* an inviter who is not an employee at all */
    CHECK_STR(invite("G-RD", NULL, "E302"), "");  /* inviter unknown: nothing to judge */
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(12, 10, 0), NULL, "wxid_stranger", "E302", "林新");
    CHECK_STR(run("member.invite", "wechat", "G-RD", NULL), "member.invite:wxid_stranger");
    /* an inviter known only by a name that is an employee's: a note */
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(12, 10, 0), NULL, "何经", "E302", "林新");
    CHECK_STR(run("member.invite", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 1);
    /* the exporter's own "你邀请" where the export does not say who that is */
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(12, 10, 0), NULL, "self", "E302", "林新");
    CHECK_STR(run("member.invite", "wechat", "G-RD", NULL), "");
}

TEST(invite_by_new_owner_after_transfer)
{
    /* groups.csv says E200 owns the all group; the export shows E401 taking over */
    reset();
    msg(T(1, 9, 0), "E200", "wx200", "行政中心-孙行", 0);
    sys1(CA_KIND_JOIN, T(3, 10, 0), "E401", "wx401", "E301", "李员");   /* before: not owner */
    sys1(CA_KIND_OWNER, T(5, 10, 0), NULL, NULL, "E401", "何经");
    sys1(CA_KIND_JOIN, T(6, 10, 0), "E401", "wx401", "E303", "郑离");   /* after: owner */
    CHECK_STR(run("member.invite", "wechat", "G-ALL", NULL), "member.invite:E401");
    CHECK_INT(out.items[0].time_ms, T(3, 10, 0));
}

/* ----------------------------------------------------------- outsider */

TEST(outsider_qr_join_owner_and_inviter_once)
{
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    ca_event *j = sys1(CA_KIND_JOIN, T(10, 9, 40), "E401", "何经", NULL, "李明");
    j->text = "\"李明\"通过扫描\"何经\"分享的二维码加入群聊";
    msg(T(10, 9, 42), NULL, "wxid_liming", NULL, 0);  /* he writes, by account id */
    msg(T(10, 9, 50), NULL, "wxid_liming", NULL, 0);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL),
              "group.outsider:E300,group.outsider:E401");
    CHECK(strstr(out.items[1].detail, "QR code") != NULL);
    /* the same through member.invite: the sharer of the code */
    CHECK_STR(run("member.invite", "wechat", "G-RD", NULL), "member.invite:E401");
    /* an admin in groups.csv (E301) shares the code: only the outsider finding */
    j->actor_employee = "E301";
    CHECK_STR(run("member.invite", "wechat", "G-RD", NULL), "");
}

/* 2026-10-<day> hh:mm in +08:00, as UTC ms. */
static int64_t T_OCT(int day, int hh, int mm)
{
    return ((ca_days_from_civil(2026, 10, day) * 86400 + hh * 3600 + mm * 60) - 8 * 3600) * 1000LL;
}

TEST(outsider_joined_before_the_period_and_writing_in_it)
{
    /* an outsider joined in October (by nickname, as WeChat shows joins)
     * and writes in November (by account id): November's run reports him
     * at his first message; October's join was never reported here */
    reset();
    msg(T_OCT(20, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T_OCT(28, 9, 40), "E300", "wx300", NULL, "外人");
    msg(T(5, 9, 42), NULL, "wxid_out", NULL, 0);
    msg(T(6, 9, 42), NULL, "wxid_out", NULL, 0);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "group.outsider:E300");
    CHECK_INT(out.n ? out.items[0].time_ms : 0, T(5, 9, 42));
}

TEST(outsider_owner_from_an_owner_event_who_left)
{
    /* 郑离 E303 (leave_date 11-10) became the owner in October; the group is
     * active after he left: the owner is not an employee (3.1.2), as when
     * groups.csv names a departed owner */
    reset();
    sys1(CA_KIND_OWNER, T_OCT(15, 9, 0), NULL, NULL, "E303", "郑离");
    msg(T(5, 9, 0), "E301", "wx301", "研发部-李员", 0);
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", 0);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "group.outsider:E303");
    /* an owner event inside the period, the owner leaving after it */
    reset();
    msg(T(2, 9, 0), "E301", "wx301", "研发部-李员", 0);
    sys1(CA_KIND_OWNER, T(3, 9, 0), NULL, NULL, "E303", "郑离");
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", 0);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "group.outsider:E303");
    /* the owner passed on to an employee before leaving: nothing */
    reset();
    sys1(CA_KIND_OWNER, T_OCT(15, 9, 0), NULL, NULL, "E303", "郑离");
    sys1(CA_KIND_OWNER, T(9, 9, 0), NULL, NULL, "E300", "张头");
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", 0);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "");
}

TEST(outsider_owner_invites_one_finding)
{
    reset();
    msg(T(1, 9, 0), "E300", "wx300", "研发部-张头", 0);
    sys1(CA_KIND_JOIN, T(10, 9, 40), "E300", "wx300", NULL, "wxid_out");
    msg(T(10, 9, 42), NULL, "wxid_out", "外人", 0);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "group.outsider:E300");
}

TEST(outsider_former_employee_after_and_on_leave_date)
{
    reset();
    msg(T(10, 17, 0), "E303", "wx303", "研发部-郑离", 0); /* on his leave_date */
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "");
    reset();
    msg(T(10, 17, 0), "E303", "wx303", "研发部-郑离", 0);
    msg(T(11, 9, 0), "E303", "wx303", "研发部-郑离", 0);  /* the day after */
    msg(T(12, 9, 0), "E303", "wx303", "研发部-郑离", 0);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "group.outsider:E300");
    CHECK_INT(out.items[0].time_ms, T(11, 9, 0));
}

TEST(outsider_ambiguous_display_name_and_exporter)
{
    reset();
    msg(T(5, 9, 0), NULL, "李员", "李员", CA_EV_SENDER_WEAK); /* an employee's name */
    msg(T(5, 9, 1), NULL, "我", "我", CA_EV_SENDER_WEAK | CA_EV_FROM_SELF);
    CHECK_STR(run("group.outsider", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 1);
}

TEST(outsider_new_owner_not_employee)
{
    reset();
    msg(T(5, 9, 0), "E401", "wx401", "销售部-何经", 0);
    sys1(CA_KIND_OWNER, T(6, 9, 0), NULL, NULL, NULL, "wxid_boss_friend");
    CHECK_STR(run("group.outsider", "wechat", "G-WORK", NULL), "group.outsider:wxid_boss_friend");
}

/* ----------------------------------------------------------- nickname */

static const char *nick(const char *display, uint32_t flags)
{
    reset();
    msg(T(2, 9, 0), "E301", "wx301", "李员", flags);
    msg(T(20, 9, 0), "E301", "wx301", display, flags);
    return run("member.nickname", "wechat", "G-RD", NULL);
}

TEST(nickname_forms)
{
    CHECK_STR(nick("研发部-李员", CA_EV_GROUP_NAMES), "");
    CHECK_STR(nick("研发-李员", CA_EV_GROUP_NAMES), "");   /* alias + separator */
    CHECK_STR(nick("研发李员", CA_EV_GROUP_NAMES), "");    /* alias, no separator */
    CHECK_STR(nick("研发部李员", CA_EV_GROUP_NAMES), "");  /* no separator */
    CHECK_STR(nick("研发部 李员", CA_EV_GROUP_NAMES), ""); /* space */
    CHECK_STR(nick("研发部：李员", CA_EV_GROUP_NAMES), ""); /* full-width colon */
    CHECK_STR(nick("李员", CA_EV_GROUP_NAMES), "member.nickname:E301");
    CHECK_STR(nick("李员🏸", CA_EV_GROUP_NAMES), "member.nickname:E301");
    CHECK_STR(nick("销售部-李员", CA_EV_GROUP_NAMES), "member.nickname:E301"); /* wrong dept */
    CHECK_STR(nick("研发部--李员", CA_EV_GROUP_NAMES), "member.nickname:E301"); /* two seps */
    CHECK_STR(nick("研发部-李", CA_EV_GROUP_NAMES), "member.nickname:E301");
}

TEST(nickname_last_seen_counts)
{
    reset();
    msg(T(2, 9, 0), "E301", "wx301", "研发部-李员", CA_EV_GROUP_NAMES);
    msg(T(20, 9, 0), "E301", "wx301", "小李", CA_EV_GROUP_NAMES);
    CHECK_STR(run("member.nickname", "wechat", "G-RD", NULL), "member.nickname:E301");
    CHECK_INT(out.items[0].time_ms, T(20, 9, 0));
    reset();
    msg(T(2, 9, 0), "E301", "wx301", "小李", CA_EV_GROUP_NAMES);
    msg(T(20, 9, 0), "E301", "wx301", "研发部-李员", CA_EV_GROUP_NAMES);
    CHECK_STR(run("member.nickname", "wechat", "G-RD", NULL), "");
}

TEST(nickname_grace_days)
{
    /* joined 11-10 10:00; grace 3 days: 11-13 10:00 is still within */
    reset();
    sys1(CA_KIND_JOIN, T(10, 10, 0), "E300", "wx300", "E302", "林新");
    msg(T(13, 10, 0), "E302", "wx302", "林新", CA_EV_GROUP_NAMES);
    CHECK_STR(run("member.nickname", "wechat", "G-RD", NULL), "");
    reset();
    sys1(CA_KIND_JOIN, T(10, 10, 0), "E300", "wx300", "E302", "林新");
    msg(T(13, 10, 1), "E302", "wx302", "林新", CA_EV_GROUP_NAMES);
    CHECK_STR(run("member.nickname", "wechat", "G-RD", NULL), "member.nickname:E302");
}

TEST(nickname_unknown_format_is_a_note)
{
    CHECK_STR(nick("李员🏸", 0), "");
    CHECK_INT(n_notes, 1);
    CHECK(strstr(out.notes[0].text, "not checkable") != NULL);
}

/* -------------------------------------------------------------- leave */

TEST(leave_before_on_leave_date_and_removal)
{
    reset();
    msg(T(2, 9, 0), "E301", "dt301", "李员", CA_EV_SHOWS_LEAVE);
    add(CA_KIND_LEAVE, T(5, 9, 0))->employee = "E301";        /* employed: finding */
    add(CA_KIND_LEAVE, T(9, 18, 0))->employee = "E303";       /* the day before leave_date */
    add(CA_KIND_LEAVE, T(10, 18, 0))->employee = "E303";      /* on leave_date: none */
    sys1(CA_KIND_REMOVE, T(12, 9, 0), "E401", "dt401", "E402", "宋新"); /* removal: none */
    CHECK_STR(run("member.leave", "dingtalk", "G-DT", NULL), "member.leave:E301,member.leave:E303");
    CHECK_INT(n_notes, 0);
}

TEST(leave_not_checkable_in_wechat)
{
    reset();
    msg(T(2, 9, 0), "E301", "wx301", "李员", 0);
    sys1(CA_KIND_REMOVE, T(12, 9, 0), "E300", "wx300", "E301", "李员");
    CHECK_STR(run("member.leave", "wechat", "G-RD", NULL), "");
    CHECK_INT(n_notes, 1);
    CHECK(strstr(out.notes[0].text, "WeChat") != NULL);
}

/* --------------------------------------------------------------- name */

static const char *name_of(const char *name)
{
    reset();
    msg(T(2, 9, 0), "E401", "wx401", "销售部-何经", 0);
    return run("group.name", "wechat", "G-WORK", name);
}

TEST(name_platform_defaults)
{
    CHECK_STR(name_of("李员、张头、林新"), "group.name:E401");
    CHECK_STR(name_of("李员、张头、外人..."), "group.name:E401");
    CHECK_STR(name_of("群聊"), "group.name:E401");
    CHECK_STR(name_of("群聊(5)"), "group.name:E401");
    CHECK_STR(name_of("未命名"), "group.name:E401");
    CHECK_STR(name_of("Group chat"), "group.name:E401");
    CHECK_STR(name_of("群"), "group.name:E401");       /* one character */
    CHECK_STR(name_of("2026!!"), "group.name:E401");   /* says nothing */
}

TEST(name_proper_names)
{
    CHECK_STR(name_of("项目群"), "");
    CHECK_STR(name_of("研发、销售对接群"), "");
    CHECK_STR(name_of("李员和张头的评审群"), "");
    CHECK_STR(name_of("Q4"), "");
    /* the renamed name counts, against the owner */
    reset();
    msg(T(2, 9, 0), "E401", "wx401", "销售部-何经", 0);
    add(CA_KIND_RENAME, T(3, 9, 0))->title = "群聊";
    CHECK_STR(run("group.name", "wechat", "G-WORK", "群聊"), "group.name:E401");
    CHECK_INT(out.items[0].time_ms, T(3, 9, 0));
}

/* ------------------------------------------------------------- create */

TEST(create_unregistered_group)
{
    reset();
    msg(T(2, 9, 0), "E301", "wx301", "李员", 0);
    CHECK_STR(run("group.create", "wechat", "G-NEW", "羽毛球群"), "group.create:-");
    reset();
    add(CA_KIND_CREATE, T(2, 8, 0))->actor_employee = "E301";
    msg(T(2, 9, 0), "E301", "wx301", "李员", 0);
    CHECK_STR(run("group.create", "wechat", "G-NEW", "羽毛球群"), "group.create:E301");
    /* active only before the period: nothing */
    reset();
    msg(T(1, 9, 0) - 86400000LL * 3, "E301", "wx301", "李员", 0);
    CHECK_STR(run("group.create", "wechat", "G-NEW", "羽毛球群"), "");
}

TEST(create_event_authorization)
{
    reset();
    add(CA_KIND_CREATE, T(2, 8, 0))->actor_employee = "E401";  /* manager, no authorized_by */
    CHECK_STR(run("group.create", "wechat", "G-WORK", NULL), "group.create:E401");
    CHECK_STR(run("group.create", "wechat", "G-WORK2", NULL), ""); /* authorized_by E100 */
    CHECK_STR(run("group.create", "dingtalk", "G-DT", NULL), "");  /* authorized_by vp E101 */
    reset();
    add(CA_KIND_CREATE, T(2, 8, 0))->actor_employee = "E300";  /* the head, own dept group */
    CHECK_STR(run("group.create", "wechat", "G-RD", NULL), "");
    reset();
    add(CA_KIND_CREATE, T(2, 8, 0))->actor_employee = "E101";  /* vp */
    CHECK_STR(run("group.create", "wechat", "G-WORK", NULL), "");
    reset();
    add(CA_KIND_CREATE, T(2, 8, 0))->actor_employee = "E202";  /* admin centre, unauthorized */
    CHECK_STR(run("group.create", "wechat", "G-WORK", NULL), "group.create:E202");
    reset();
    add(CA_KIND_CREATE, T(1, 0, 0) - 1000)->actor_employee = "E401"; /* before the period */
    msg(T(2, 9, 0), "E401", "wx401", "销售部-何经", 0);
    CHECK_STR(run("group.create", "wechat", "G-WORK", NULL), "");
}

TEST_MAIN()
