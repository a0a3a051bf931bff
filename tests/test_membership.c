/*
 * test_membership.c — membership spans from a conversation's events.
 */
#include <string.h>
#include "../analyzer/membership.h"
#include "check.h"

#define MIN (60 * 1000LL)

static ca_event msg(int64_t t, const char *sender, const char *employee)
{
    ca_event e;
    memset(&e, 0, sizeof e);
    e.kind = CA_KIND_MESSAGE;
    e.type = CA_TYPE_TEXT;
    e.time_ms = t;
    e.sender = sender;
    e.sender_name = sender;
    e.employee = employee;
    return e;
}

static const char *tgt_a[] = {"wxid_a"}, *tgt_a_emp[] = {"E1"}, *tgt_x[] = {"wxid_x"},
                  *tgt_x_emp[] = {NULL};

static ca_event sys(ca_kind k, int64_t t, const char **targets, const char **emps)
{
    ca_event e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    e.time_ms = t;
    e.targets = targets;
    e.target_names = targets;
    e.target_employees = emps;
    e.n_targets = targets ? 1 : 0;
    return e;
}

TEST(spans_from_messages_joins_and_removals)
{
    ca_event ev[6];
    ev[0] = msg(10 * MIN, "wxid_b", "E2");              /* B: a member since ever */
    ev[1] = sys(CA_KIND_JOIN, 20 * MIN, tgt_a, tgt_a_emp); /* A joins at 20 */
    ev[2] = msg(30 * MIN, "wxid_a", "E1");
    ev[3] = sys(CA_KIND_REMOVE, 40 * MIN, tgt_a, tgt_a_emp); /* A removed at 40 */
    ev[4] = msg(50 * MIN, "wxid_a", "E1");              /* back at 50 (re-joined) */
    ev[5] = sys(CA_KIND_JOIN, 55 * MIN, tgt_x, tgt_x_emp); /* an outsider joins */
    const ca_event *evs[6];
    for (int i = 0; i < 6; i++)
        evs[i] = &ev[i];
    ca_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.events = evs;
    conv.n_events = 6;
    ca_members *m = ca_members_build(&conv);
    CHECK(m != NULL);
    CHECK_INT(ca_members_count(m), 3);
    CHECK_STR(ca_members_at(m, 0)->key, "E1");   /* sorted by key */
    CHECK_STR(ca_members_at(m, 2)->key, "wxid_x");
    CHECK(ca_members_is_member(m, "E2", 0));          /* since before the export */
    CHECK(ca_members_is_member(m, "E2", 100 * MIN));
    CHECK(!ca_members_is_member(m, "E1", 19 * MIN));  /* joined at 20 */
    CHECK(ca_members_is_member(m, "E1", 20 * MIN));
    CHECK(!ca_members_is_member(m, "E1", 45 * MIN));  /* removed at 40 */
    CHECK(ca_members_is_member(m, "E1", 50 * MIN));
    const ca_member *a = ca_members_find(m, "E1");
    CHECK_INT(a->n_spans, 2);
    CHECK_INT(a->spans[0].from_sign, CA_SIGN_JOIN);
    CHECK_INT(a->spans[0].to_sign, CA_SIGN_REMOVE);
    CHECK_INT(a->spans[0].to_event, 3);
    CHECK_INT(a->spans[1].from_sign, CA_SIGN_MESSAGE);
    CHECK_INT(a->spans[1].from_ms, 50 * MIN);
    CHECK(ca_members_is_member(m, "wxid_x", 60 * MIN));
    CHECK(ca_members_find(m, "nobody") == NULL);
    ca_members_free(m);
}

TEST(leave_without_earlier_sign)
{
    ca_event ev[1];
    ev[0] = msg(10 * MIN, "wxid_c", "E3");
    ev[0].kind = CA_KIND_LEAVE;
    ev[0].type = CA_TYPE_NONE;
    const ca_event *evs[1] = {&ev[0]};
    ca_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.events = evs;
    conv.n_events = 1;
    ca_members *m = ca_members_build(&conv);
    CHECK(m != NULL);
    CHECK(ca_members_is_member(m, "E3", 5 * MIN));
    CHECK(!ca_members_is_member(m, "E3", 10 * MIN));
    CHECK_INT(ca_members_find(m, "E3")->spans[0].to_sign, CA_SIGN_LEAVE);
    ca_members_free(m);
}

TEST(many_members)
{
    enum { N = 3000 };
    static ca_event ev[N];
    static char names[N][16];
    static const ca_event *evs[N];
    for (int i = 0; i < N; i++) {
        snprintf(names[i], sizeof names[i], "wxid_%d", i % 1000);
        ev[i] = msg(i * MIN, names[i], NULL);
        evs[i] = &ev[i];
    }
    ca_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.events = evs;
    conv.n_events = N;
    ca_members *m = ca_members_build(&conv);
    CHECK(m != NULL);
    CHECK_INT(ca_members_count(m), 1000);
    CHECK(ca_members_is_member(m, "wxid_999", 0));
    ca_members_free(m);
}

TEST(out_of_memory_at_every_allocation)
{
    ca_event ev[4];
    ev[0] = msg(10 * MIN, "wxid_b", "E2");
    ev[1] = sys(CA_KIND_JOIN, 20 * MIN, tgt_a, tgt_a_emp);
    ev[2] = sys(CA_KIND_REMOVE, 40 * MIN, tgt_a, tgt_a_emp);
    ev[3] = msg(50 * MIN, "wxid_a", "E1");
    const ca_event *evs[4] = {&ev[0], &ev[1], &ev[2], &ev[3]};
    ca_conv conv;
    memset(&conv, 0, sizeof conv);
    conv.events = evs;
    conv.n_events = 4;
    int built = 0;
    for (long n = 1; n < 100 && !built; n++) {
        ca_alloc_fail_after(n);
        ca_members *m = ca_members_build(&conv);
        ca_alloc_fail_after(0);
        if (m) {
            built = 1;
            CHECK(ca_members_is_member(m, "E1", 50 * MIN));
        }
        ca_members_free(m);  /* the sanitizer build checks nothing leaks */
    }
    CHECK(built);
}

TEST_MAIN()
