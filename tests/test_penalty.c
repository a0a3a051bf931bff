/*
 * test_penalty.c — incidents, offence numbers and sanctions (SPEC §7,
 * policy 5.2) on synthetic findings, the way the ledger hands them over.
 * Reply findings are made up here (class "reply", person = the
 * responsible manager) so they are tested before the reply rules exist.
 */
#include <string.h>
#include "check.h"
#include "penalty.h"
#include "policy.h"

#define MIN 60000LL
/* 2026-10-20 08:00 UTC and 2026-11-05 07:00 UTC */
#define OCT 1792483200000LL
#define NOV 1793862000000LL

static ca_policy pol;

static void setup(void)
{
    ca_policy_free(&pol);
    memset(&pol, 0, sizeof pol);
    ca_policy_defaults(&pol);
}

static void add(ca_penalties *p, const char *id, const char *period, const char *rule,
                const char *person, const char *level, const char *conv, int64_t t, ca_review rv)
{
    ca_lfinding f;
    memset(&f, 0, sizeof f);
    f.id = id;
    f.period = period;
    f.rule = rule;
    f.pclass = strncmp(rule, "redline.", 8) == 0 ? "redline"
             : strncmp(rule, "content.", 8) == 0 ? "content" : "reply";
    f.person_id = person;
    f.person_name = "某人";
    f.level = level;
    f.platform = "wechat";
    f.conv_id = conv;
    f.time_ms = t;
    f.review = rv;
    f.review_reason = rv ? "reviewed" : NULL;
    CHECK_INT(ca_penalties_add_finding(p, &f), 0);
}

static const ca_incident *of(const ca_penalties *p, const char *finding)
{
    const ca_incident *in = ca_penalties_incident_of(p, finding);
    CHECK(in != NULL);
    return in;
}

TEST(second_redline_proposes_termination)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    add(p, "f-oct", "2026-10", "redline.abuse", "E3002", "manager", "rd", OCT, CA_REVIEW_NONE);
    add(p, "f-nov", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(p->n_incidents, 2);
    const ca_incident *a = of(p, "f-oct"), *b = of(p, "f-nov");
    CHECK_INT(a->offence_no, 1);
    CHECK_STR(a->sanction, "严重警告+全额扣除当月绩效");
    CHECK_INT(a->fine_yuan, -1); /* the month's pay: not a fixed amount */
    CHECK_INT(b->offence_no, 2);
    CHECK_STR(b->sanction, "解除劳动合同+报送当地治安机关");
    CHECK_INT(b->fine_yuan, 0);
    CHECK_STR(ca_incident_status_name(b->status), "proposed");
    ca_penalties_free(p);
}

TEST(second_content_costs_50_yuan_and_later_ones_too)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    add(p, "c1", "2026-10", "content.offtopic", "E4005", "staff", "all", OCT, CA_REVIEW_NONE);
    add(p, "c2", "2026-11", "content.ad", "E4005", "staff", "all", NOV, CA_REVIEW_NONE);
    add(p, "c3", "2026-11", "content.offtopic", "E4005", "staff", "all", NOV + 60 * MIN,
        CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(of(p, "c1")->offence_no, 1);
    CHECK_STR(of(p, "c1")->sanction, "通报批评");
    CHECK_INT(of(p, "c1")->fine_yuan, 0);
    CHECK_INT(of(p, "c2")->offence_no, 2);
    CHECK_INT(of(p, "c2")->fine_yuan, 50);
    CHECK_STR(of(p, "c2")->sanction, "扣除绩效50元");
    CHECK_INT(of(p, "c3")->offence_no, 3);
    CHECK_INT(of(p, "c3")->fine_yuan, 50);
    CHECK_STR(ca_incident_status_name(of(p, "c3")->status), "applied");
    ca_penalties_free(p);
}

TEST(reply_incidents_cost_a_manager_3_points_each_and_staff_nothing)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    /* a director (manager level and above) misses two deadlines an hour apart */
    add(p, "r1", "2026-11", "reply.leader", "E3001", "director", "pa", NOV, CA_REVIEW_NONE);
    add(p, "r2", "2026-11", "reply.leader", "E3001", "director", "pa", NOV + 60 * MIN,
        CA_REVIEW_NONE);
    /* a supervisor (below manager) misses one */
    add(p, "r3", "2026-11", "reply.employee", "E3006", "supervisor", "rd", NOV, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(p->n_incidents, 3);
    CHECK_INT(of(p, "r1")->points, 3);
    CHECK_INT(of(p, "r2")->points, 3);
    CHECK_INT(of(p, "r2")->offence_no, 2);
    CHECK_STR(of(p, "r1")->sanction, "扣除绩效3分");
    CHECK_INT(of(p, "r1")->fine_yuan, 0);
    CHECK_INT(of(p, "r3")->points, 0);
    CHECK_STR(of(p, "r3")->sanction, "");
    CHECK_INT(of(p, "r3")->offence_no, 1);
    ca_penalties_free(p);
}

TEST(adjustment_adds_points_to_its_reply_incident_only)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    add(p, "r1", "2026-11", "reply.leader", "E3001", "director", "pa", NOV, CA_REVIEW_NONE);
    add(p, "r2", "2026-11", "reply.leader", "E3001", "director", "pa", NOV + 60 * MIN,
        CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    char target[18];
    snprintf(target, sizeof target, "%s", of(p, "r2")->id);
    ca_adjustment a = {target, "E3001", "客户投诉", "2026-12-01T00:00:00Z", 4};
    CHECK_INT(ca_penalties_add_adjustment(p, &a), 0);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(of(p, "r1")->points, 3);
    CHECK_INT(of(p, "r2")->points, 7);
    CHECK_INT(of(p, "r2")->adjust_points, 4);
    ca_penalties_free(p);
}

TEST(adjustment_stays_with_its_incident_when_an_earlier_finding_joins_it)
{
    /* a re-run of the month with one more export finds a missed deadline 5
     * minutes before the adjusted one: the incident's first finding, and so
     * its id, change; the executive office's 4 points must not be lost */
    setup();
    ca_penalties *p = ca_penalties_new();
    add(p, "r2", "2026-11", "reply.leader", "E3001", "director", "pa", NOV, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    char target[18];
    snprintf(target, sizeof target, "%s", of(p, "r2")->id);
    ca_adjustment a = {target, "E3001", "客户投诉", "2026-12-01T00:00:00Z", 4};
    CHECK_INT(ca_penalties_add_adjustment(p, &a), 0);
    add(p, "r1", "2026-11", "reply.leader", "E3001", "director", "pa", NOV - 5 * MIN,
        CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(p->n_incidents, 1);
    CHECK(of(p, "r1") == of(p, "r2"));
    CHECK_INT(of(p, "r2")->points, 7);
    CHECK_INT(of(p, "r2")->adjust_points, 4);
    ca_penalties_free(p);
}

TEST(rant_within_merge_minutes_counts_once)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    /* 0, 9, 18, 27 minutes: each within 10 of the previous (not of the first) */
    add(p, "a1", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    add(p, "a2", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV + 9 * MIN, CA_REVIEW_NONE);
    add(p, "a3", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV + 18 * MIN, CA_REVIEW_NONE);
    add(p, "a4", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV + 27 * MIN, CA_REVIEW_NONE);
    /* 11 minutes after the last: a new incident */
    add(p, "a5", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV + 38 * MIN, CA_REVIEW_NONE);
    /* the same minute in another conversation: a separate incident */
    add(p, "b1", "2026-11", "redline.abuse", "E3002", "manager", "all", NOV + MIN, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(p->n_incidents, 3);
    const ca_incident *rant = of(p, "a1");
    CHECK(rant == of(p, "a4"));
    CHECK_INT(rant->n, 4);
    CHECK_INT(rant->offence_no, 1);
    CHECK_INT(of(p, "b1")->offence_no, 2);
    CHECK_INT(of(p, "a5")->offence_no, 3);
    CHECK(of(p, "a5") != rant);
    ca_penalties_free(p);
}

/* One message that is both abuse and violence is one red-line offence, not
 * offences 1 and 2 (which would propose termination for one message); a
 * rant mixing rules of a class is one too.  Another class stays apart. */
TEST(rules_of_one_class_in_one_rant_are_one_offence)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    add(p, "m-abuse", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    add(p, "m-viol", "2026-11", "redline.violence", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    add(p, "m-next", "2026-11", "redline.porn", "E3002", "manager", "rd", NOV + 5 * MIN,
        CA_REVIEW_NONE);
    add(p, "m-ad", "2026-11", "content.ad", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    add(p, "m-off", "2026-11", "content.offtopic", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(p->n_incidents, 2);
    const ca_incident *red = of(p, "m-abuse");
    CHECK(red == of(p, "m-viol") && red == of(p, "m-next"));
    CHECK_INT(red->offence_no, 1);
    CHECK_STR(red->sanction, "严重警告+全额扣除当月绩效");
    const ca_incident *content = of(p, "m-ad");
    CHECK(content == of(p, "m-off"));
    CHECK_INT(content->offence_no, 1);
    CHECK_INT(content->fine_yuan, 0);
    ca_penalties_free(p);
}

TEST(dismissed_finding_stops_counting)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    add(p, "f-oct", "2026-10", "redline.abuse", "E3002", "manager", "rd", OCT, CA_REVIEW_DISMISSED);
    add(p, "f-nov", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(of(p, "f-oct")->offence_no, 0);
    CHECK_STR(ca_incident_status_name(of(p, "f-oct")->status), "dismissed");
    CHECK_STR(of(p, "f-oct")->sanction, "");
    CHECK_INT(of(p, "f-nov")->offence_no, 1);
    CHECK_STR(of(p, "f-nov")->sanction, "严重警告+全额扣除当月绩效");
    ca_penalties_free(p);
}

TEST(incident_with_one_finding_dismissed_still_counts_and_confirm_shows)
{
    setup();
    ca_penalties *p = ca_penalties_new();
    add(p, "a1", "2026-10", "redline.abuse", "E3002", "manager", "rd", OCT, CA_REVIEW_DISMISSED);
    add(p, "a2", "2026-10", "redline.abuse", "E3002", "manager", "rd", OCT + 3 * MIN, CA_REVIEW_CONFIRMED);
    add(p, "n1", "2026-11", "redline.abuse", "E3002", "manager", "rd", NOV, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(of(p, "a1")->offence_no, 1);
    CHECK_STR(ca_incident_status_name(of(p, "a1")->status), "confirmed");
    CHECK_INT(of(p, "n1")->offence_no, 2);
    ca_penalties_free(p);
}

TEST(order_of_adding_does_not_matter)
{
    setup();
    ca_penalties *p = ca_penalties_new(), *q = ca_penalties_new();
    const char *ids[] = {"x1", "x2", "x3", "x4"};
    const int64_t t[] = {NOV, NOV + 5 * MIN, NOV + 100 * MIN, OCT};
    const char *per[] = {"2026-11", "2026-11", "2026-11", "2026-10"};
    for (int i = 0; i < 4; i++)
        add(p, ids[i], per[i], "content.ad", "E1", "staff", "g", t[i], CA_REVIEW_NONE);
    for (int i = 3; i >= 0; i--)
        add(q, ids[i], per[i], "content.ad", "E1", "staff", "g", t[i], CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(ca_penalties_compute(q, &pol), 0);
    CHECK_INT(p->n_incidents, 3);
    CHECK_INT(q->n_incidents, 3);
    for (size_t i = 0; i < p->n_incidents && i < q->n_incidents; i++) {
        CHECK_STR(p->incidents[i].id, q->incidents[i].id);
        CHECK_INT(p->incidents[i].offence_no, q->incidents[i].offence_no);
        CHECK_INT(p->incidents[i].fine_yuan, q->incidents[i].fine_yuan);
    }
    CHECK_INT(of(p, "x4")->offence_no, 1);
    CHECK_INT(of(p, "x2")->offence_no, 2);
    CHECK_INT(of(p, "x3")->offence_no, 3);
    ca_penalties_free(p);
    ca_penalties_free(q);
}

TEST(policy_penalty_keys_change_the_sanctions)
{
    setup();
    CHECK_INT(ca_policy_set(&pol, "penalty", "content_fine_yuan", "80", "t", 1, NULL), CA_OK);
    CHECK_INT(ca_policy_set(&pol, "penalty", "reply_min_level", "director", "t", 2, NULL), CA_OK);
    CHECK_INT(ca_policy_set(&pol, "incident", "merge_minutes", "0", "t", 3, NULL), CA_OK);
    ca_penalties *p = ca_penalties_new();
    add(p, "c1", "2026-11", "content.ad", "E1", "staff", "g", NOV, CA_REVIEW_NONE);
    add(p, "c2", "2026-11", "content.ad", "E1", "staff", "g", NOV + MIN, CA_REVIEW_NONE);
    add(p, "r1", "2026-11", "reply.employee", "E2", "manager", "g", NOV, CA_REVIEW_NONE);
    add(p, "r2", "2026-11", "reply.employee", "E3", "gm", "g", NOV, CA_REVIEW_NONE);
    CHECK_INT(ca_penalties_compute(p, &pol), 0);
    CHECK_INT(of(p, "c2")->offence_no, 2); /* merge_minutes 0: a minute apart is two */
    CHECK_INT(of(p, "c2")->fine_yuan, 80);
    CHECK_INT(of(p, "r1")->points, 0);     /* manager < director */
    CHECK_INT(of(p, "r2")->points, 3);
    ca_penalties_free(p);
}

TEST(level_order)
{
    CHECK(ca_level_at_least("manager", "manager"));
    CHECK(ca_level_at_least("gm", "manager"));
    CHECK(!ca_level_at_least("supervisor", "manager"));
    CHECK(!ca_level_at_least(NULL, "manager"));
    CHECK(ca_level_at_least("staff", "staff"));
}

TEST_MAIN()
