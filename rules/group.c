/*
 * group.c — the group rules of policy chapter 3.1 (SPEC §6.1):
 *
 *   group.create   a non-department group created inside the period by
 *                  someone who may not create groups (not the executive
 *                  office, not vp/gm) without an authorized_by who may; and
 *                  every group seen in the period that groups.csv does not
 *                  register.  Responsible: the creator, else the owner,
 *                  else no one (the group is listed).
 *   group.name     the group's latest name is a platform default (members'
 *                  names joined by 、 or commas, 群聊, 未命名, Group chat),
 *                  shorter than 2 characters, or has no letter or Chinese
 *                  character at all (says nothing of its purpose).
 *                  Responsible: the owner.
 *   group.outsider someone who is not an employee — not in the roster, or
 *                  after their leave_date (their last working day) — joins
 *                  or writes; one finding per outsider and group, at the
 *                  first sign in the period.  Responsible: the owner and
 *                  the inviter when known (QR join: whose code was
 *                  scanned).  Also an owner who is not an employee.
 */
#include <stdlib.h>
#include <string.h>
#include "../analyzer/timeparse.h"
#include "group_common.h"

extern const ca_rule ca_rule_group_create;
extern const ca_rule ca_rule_group_name;
extern const ca_rule ca_rule_group_outsider;

/* ------------------------------------------------------------ create */

/* The creator of the group as the create event names them: roster id,
 * else platform id; NULL when unknown. */
static const char *creator_of(const ca_event *e)
{
    if (e->actor_employee)
        return e->actor_employee;
    const char *a = e->actor ? e->actor : e->sender;
    return a && *a && !ca_grp_unknown_self(a) ? a : NULL;
}

static int create_finish(ca_rule_ctx *ctx, void *state)
{
    (void)state;
    const ca_conv *c = ctx->conv;
    size_t first = ca_grp_first_in_period(ctx);
    if (first == c->n_events)
        return 0; /* not active in the period */
    const ca_group_reg *reg = c->reg;
    const ca_rule *R = &ca_rule_group_create;
    char who[160];
    if (!reg) {
        /* unregistered: one finding, at the create event when the period
         * holds it, else at the group's first event in the period */
        size_t at = first;
        const char *creator = NULL;
        for (size_t i = 0; i < c->n_events; i++)
            if (c->events[i]->kind == CA_KIND_CREATE) {
                creator = creator_of(c->events[i]);
                if (ca_rule_in_period(ctx, c->events[i]->time_ms))
                    at = i;
            }
        const char *person = creator ? creator : ca_grp_owner(ctx, c->n_events);
        if (!person)
            return ca_grp_report_nobody(ctx, R, at,
                                        "group \"%s\" (%s) is not registered in groups.csv; "
                                        "its creator and owner are unknown",
                                        c->name, c->id);
        return ca_rule_report(ctx, R, at, person, NULL, 0, 0, 0,
                              "group \"%s\" (%s) is not registered in groups.csv; %s %s%s",
                              c->name, c->id, creator ? "created by" : "owner",
                              ca_grp_who(ctx, person, NULL, who, sizeof who),
                              creator && !ca_grp_may_create(ctx, ca_grp_employee(ctx, creator))
                                  ? ", who may not create company groups (3.1.1)"
                                  : "");
    }
    if (strcmp(reg->category, "department") == 0)
        return 0; /* department groups may be created by anyone (3.1.1) */
    const ca_employee *auth = ca_grp_employee(ctx, reg->authorized_by);
    for (size_t i = first; i < c->n_events; i++) {
        const ca_event *e = c->events[i];
        if (e->kind != CA_KIND_CREATE || !ca_rule_in_period(ctx, e->time_ms))
            continue;
        const char *creator = creator_of(e);
        const ca_employee *ce = ca_grp_employee(ctx, e->actor_employee);
        if (ca_grp_may_create(ctx, ce) || ca_grp_may_create(ctx, auth))
            continue;
        const char *person = creator ? creator : ca_grp_owner(ctx, i + 1);
        const char *why = reg->authorized_by[0]
                              ? "authorized_by names no one in the executive office or of level vp/gm"
                              : "no authorized_by in groups.csv";
        if (!person) {
            if (ca_grp_report_nobody(ctx, R, i, "%s group \"%s\" created by someone unknown; %s",
                                     reg->category, c->name, why) < 0)
                return -1;
            continue;
        }
        if (ca_rule_report(ctx, R, i, person, NULL, 0, 0, 0,
                           "%s group \"%s\" created by %s, who may not create company groups "
                           "(3.1.1: the executive office, vp/gm, or the admin centre on their "
                           "authorization); %s",
                           reg->category, c->name, ca_grp_who(ctx, creator, NULL, who, sizeof who),
                           why) < 0)
            return -1;
    }
    return 0;
}

/* -------------------------------------------------------------- name */

/* Decodes one UTF-8 code point at *p (advancing it); 0xFFFD on bad bytes. */
static uint32_t next_cp(const char **p)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t c = s[0];
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0) {
        (*p)++;
        return 0xFFFD;
    }
    c = n == 0 ? c : n == 1 ? c & 0x1F : n == 2 ? c & 0x0F : c & 0x07;
    for (int k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *p += k;
            return 0xFFFD;
        }
        c = (c << 6) | (s[k] & 0x3F);
    }
    *p += n + 1;
    return c;
}

static size_t cp_count(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    size_t k = 0;
    while (p < end) {
        next_cp(&p);
        k++;
    }
    return k;
}

/* A letter or a Chinese character: something that can say what a group is for. */
static int is_wordy(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0x24F) ||
           (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF) ||
           (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF);
}

/* Names the platforms give a group nobody named (compared without ASCII case). */
static const char *const default_names[] = {
    "群聊", "未命名", "未命名群聊", "新群聊", "新建群聊", "群组", "Group chat", "Group",
    "Unnamed group", "Untitled", "Group Chat",
};

static int ascii_ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
    size_t k = strlen(suf);
    return n >= k && memcmp(s + n - k, suf, k) == 0;
}

/* Strips what platforms append to a default name: "(5)", "（5）", "...",
 * "…", "等". */
static size_t strip_suffix(const char *s, size_t n)
{
    for (int again = 1; again;) {
        again = 0;
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        static const char *const tails[] = {"...", "\xe2\x80\xa6", "\xe7\xad\x89"}; /* … 等 */
        for (size_t k = 0; k < CA_ARRAY_LEN(tails); k++)
            if (ends_with(s, n, tails[k])) {
                n -= strlen(tails[k]);
                again = 1;
            }
        /* a member count in ASCII or full-width parentheses */
        const char *close = ends_with(s, n, ")") ? ")" : ends_with(s, n, "\xef\xbc\x89") ? "\xef\xbc\x89" : NULL;
        if (close) {
            size_t m = n - strlen(close), d = m;
            while (d && s[d - 1] >= '0' && s[d - 1] <= '9')
                d--;
            if (d < m) {
                if (d >= 1 && s[d - 1] == '(') {
                    n = d - 1;
                    again = 1;
                } else if (d >= 3 && memcmp(s + d - 3, "\xef\xbc\x88", 3) == 0) {
                    n = d - 3;
                    again = 1;
                }
            }
        }
    }
    return n;
}

/* Whether part (n bytes) is the name of a person: a member's display
 * name, a member's roster name, or any roster name. */
static int is_person_name(const ca_rule_ctx *ctx, const char *part, size_t n)
{
    if (!n)
        return 0;
    for (size_t i = 0; i < ca_members_count(ctx->members); i++) {
        const ca_member *m = ca_members_at(ctx->members, i);
        if (m->name && strlen(m->name) == n && memcmp(m->name, part, n) == 0)
            return 1;
    }
    const ca_roster *r = ctx->cfg->roster;
    for (size_t i = 0; r && i < ca_roster_count(r); i++) {
        const ca_employee *e = ca_roster_at(r, i);
        if (e->name && strlen(e->name) == n && memcmp(e->name, part, n) == 0)
            return 1;
    }
    return 0;
}

/* Members' names joined by 、 or commas (the name WeChat and DingTalk show
 * for a group nobody named): at least two parts, at least two of them and
 * at least half of them names of people. */
static int joined_names(const ca_rule_ctx *ctx, const char *s, size_t n)
{
    static const char *const seps[] = {"\xe3\x80\x81", "\xef\xbc\x8c", ",", "/"}; /* 、 ， */
    size_t parts = 0, persons = 0;
    const char *p = s, *end = s + n;
    while (p <= end) {
        const char *q = p, *cut = end;
        size_t cut_len = 0;
        for (; q < end && !cut_len; q++)
            for (size_t k = 0; k < CA_ARRAY_LEN(seps); k++) {
                size_t L = strlen(seps[k]);
                if ((size_t)(end - q) >= L && memcmp(q, seps[k], L) == 0) {
                    cut = q;
                    cut_len = L;
                    break;
                }
            }
        const char *a = p, *b = cut;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        parts++;
        persons += (size_t)is_person_name(ctx, a, (size_t)(b - a));
        if (!cut_len)
            break;
        p = cut + cut_len;
    }
    return parts >= 2 && persons >= 2 && persons * 2 >= parts;
}

/* Why name is not a proper group name, or NULL when it is. */
static const char *bad_name(const ca_rule_ctx *ctx, const char *name)
{
    size_t n = strlen(name);
    while (n && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    while (n && (*name == ' ' || *name == '\t')) {
        name++;
        n--;
    }
    size_t core = strip_suffix(name, n);
    for (size_t k = 0; k < CA_ARRAY_LEN(default_names); k++)
        if (ascii_ieq(name, core, default_names[k]))
            return "a platform default name";
    if (joined_names(ctx, name, core))
        return "a platform default name (members' names joined)";
    if (cp_count(name, n) < 2)
        return "shorter than 2 characters";
    const char *p = name, *end = name + n;
    while (p < end)
        if (is_wordy(next_cp(&p)))
            return NULL;
    return "no word saying what the group is for";
}

static int name_finish(ca_rule_ctx *ctx, void *state)
{
    (void)state;
    const ca_conv *c = ctx->conv;
    size_t first = ca_grp_first_in_period(ctx);
    if (first == c->n_events)
        return 0;
    const ca_rule *R = &ca_rule_group_name;
    /* the event that set the latest name, when the period holds it */
    size_t at = first;
    int named = c->reg && c->reg->name[0];
    for (size_t i = 0; i < c->n_events; i++) {
        const ca_event *e = c->events[i];
        if (e->kind == CA_KIND_RENAME && e->title) {
            named = 1;
            if (ca_rule_in_period(ctx, e->time_ms))
                at = i;
        } else if (e->conv_name && *e->conv_name) {
            named = 1;
        }
    }
    if (!named || !c->name)
        return ca_rule_note(ctx, R, (size_t)-1,
                            "group.name: not checkable: the export shows no name for this group");
    const char *why = bad_name(ctx, c->name);
    if (!why)
        return 0;
    const char *owner = ca_grp_owner(ctx, c->n_events);
    if (!owner)
        return ca_grp_report_nobody(ctx, R, at, "group name \"%s\" is %s (3.1.2); owner unknown",
                                    c->name, why);
    return ca_rule_report(ctx, R, at, owner, c->name, strlen(c->name), 0, strlen(c->name),
                          "group name \"%s\" is %s (3.1.2)", c->name, why);
}

/* ---------------------------------------------------------- outsider */

typedef struct outsider_state {
    unsigned char *seen;    /* per member (index in ctx->members): reported already */
    size_t n_members;
    size_t *joins;          /* join events of unresolved people not yet seen writing */
    size_t n_joins, cap_joins;
    size_t owner_ev1;       /* the latest owner event so far + 1, 0 for none */
} outsider_state;

static int outsider_init(ca_rule_ctx *ctx, void *state)
{
    outsider_state *st = state;
    st->n_members = ca_members_count(ctx->members);
    st->seen = ca_calloc(st->n_members ? st->n_members : 1, 1);
    return st->seen ? 0 : -1;
}

/* The member index of key, or (size_t)-1. */
static size_t member_index(const ca_rule_ctx *ctx, const char *key)
{
    const ca_member *m = ca_members_find(ctx->members, key);
    return m ? (size_t)(m - ca_members_at(ctx->members, 0)) : (size_t)-1;
}

static int seen_has(const ca_rule_ctx *ctx, const outsider_state *st, const char *key)
{
    size_t k = member_index(ctx, key);
    return k < st->n_members && st->seen[k];
}

static int seen_add(const ca_rule_ctx *ctx, outsider_state *st, const char *key)
{
    size_t k = member_index(ctx, key);
    if (k < st->n_members)
        st->seen[k] = 1;
    return 0;
}

static int join_add(outsider_state *st, size_t i)
{
    if (st->n_joins == st->cap_joins) {
        size_t cap = st->cap_joins ? st->cap_joins * 2 : 8;
        size_t *n = ca_realloc(st->joins, cap * sizeof *n);
        if (!n)
            return -1;
        st->joins = n;
        st->cap_joins = cap;
    }
    st->joins[st->n_joins++] = i;
    return 0;
}

static void outsider_cleanup(void *state)
{
    outsider_state *st = state;
    ca_free(st->seen);
    ca_free(st->joins);
    memset(st, 0, sizeof *st);
}

/* The inviter of whoever event i brought in (a join), as a roster id or
 * platform id; NULL when unknown. */
static const char *inviter_of(const ca_event *e)
{
    if (e->actor_employee)
        return e->actor_employee;
    return e->actor && *e->actor && !ca_grp_unknown_self(e->actor) ? e->actor : NULL;
}

/* Reports outsider key (shown as who) at event i against the owner and
 * the inviter (join event j, or (size_t)-1). */
static int report_outsider(ca_rule_ctx *ctx, const outsider_state *st, size_t i,
                           const char *who_out, const char *why, size_t j)
{
    const ca_rule *R = &ca_rule_group_outsider;
    const ca_conv *c = ctx->conv;
    const char *owner = ca_grp_owner_from(ctx, st->owner_ev1 - 1);
    const char *inviter = j < c->n_events ? inviter_of(c->events[j]) : NULL;
    char inv[160], own[160];
    if (!owner && !inviter)
        return ca_grp_report_nobody(ctx, R, i, "%s is %s; owner and inviter unknown", who_out, why);
    if (inviter)
        ca_grp_who(ctx, inviter, c->events[j]->actor_name, inv, sizeof inv);
    if (owner)
        ca_grp_who(ctx, owner, NULL, own, sizeof own);
    if (owner && ca_rule_report(ctx, R, i, owner, NULL, 0, 0, 0,
                                "%s is %s; responsible as the group's owner%s%s", who_out, why,
                                inviter ? ", invited by " : " (inviter unknown)",
                                inviter ? inv : "") < 0)
        return -1;
    if (inviter && ca_strcmp0(inviter, owner) != 0 &&
        ca_rule_report(ctx, R, i, inviter, NULL, 0, 0, 0, "%s is %s; responsible as %s%s%s",
                       who_out, why, j < c->n_events && c->events[j]->text &&
                       strstr(c->events[j]->text, "二维码") ? "the sharer of the QR code"
                                                           : "the inviter",
                       owner ? ", owner " : "", owner ? own : "") < 0)
        return -1;
    return 0;
}

/* Why key (a member key, the employee's roster id when resolved) is not
 * an employee on day, or NULL when they are one. */
static const char *not_employee(const ca_rule_ctx *ctx, const char *employee, int64_t day,
                                char *buf, size_t n)
{
    const ca_employee *e = ca_grp_employee(ctx, employee);
    if (!e)
        return "not in the roster";
    if (ca_grp_employed_on(e, day))
        return NULL;
    int y, m, d;
    ca_civil_from_days(e->leave_day, &y, &m, &d);
    snprintf(buf, n, "a former employee (leave_date %04d-%02d-%02d)", y, m, d);
    return buf;
}

static int outsider_sign(ca_rule_ctx *ctx, outsider_state *st, size_t i, const char *key,
                         const char *employee, const char *name, int weak, size_t join_ev)
{
    if (!key || !*key || ca_grp_unknown_self(key) || seen_has(ctx, st, key))
        return 0;
    const ca_event *e = ctx->conv->events[i];
    char buf[96], who[200];
    const char *why = not_employee(ctx, employee, ca_grp_day(ctx, e->time_ms), buf, sizeof buf);
    if (!why)
        return 0;
    if (!employee && weak && ca_grp_roster_name(ctx, name ? name : key)) {
        if (seen_add(ctx, st, key) < 0)
            return -1;
        return ca_rule_note(ctx, &ca_rule_group_outsider, i,
                            "group.outsider: not checkable: \"%s\" is known by display name only "
                            "and the name is an employee's (ambiguous or not the roster's form)",
                            name ? name : key);
    }
    if (seen_add(ctx, st, key) < 0)
        return -1;
    if (employee)
        ca_grp_who(ctx, employee, NULL, who, sizeof who);
    else
        ca_grp_who(ctx, key, name, who, sizeof who);
    return report_outsider(ctx, st, i, who, why, join_ev);
}

static int outsider_event(ca_rule_ctx *ctx, void *state, size_t i)
{
    outsider_state *st = state;
    const ca_conv *c = ctx->conv;
    const ca_event *e = c->events[i];
    if (e->kind == CA_KIND_JOIN) {
        for (uint32_t k = 0; k < e->n_targets; k++) {
            const char *emp = e->target_employees ? e->target_employees[k] : NULL;
            if (!ca_rule_in_period(ctx, e->time_ms))
                continue; /* not reported here: a later writer must not be taken for it */
            if (!emp && join_add(st, i) < 0)
                return -1;
            if (outsider_sign(ctx, st, i, ca_member_key_target(e, k), emp,
                              e->target_names ? e->target_names[k] : NULL, 1, i) < 0)
                return -1;
        }
        return 0;
    }
    if (ca_grp_is_owner_event(e)) {
        st->owner_ev1 = i + 1;
        if (!ca_rule_in_period(ctx, e->time_ms))
            return 0;
        const char *emp = e->target_employees ? e->target_employees[0] : NULL;
        const char *key = ca_member_key_target(e, 0);
        char buf[96], who[200];
        const char *why = not_employee(ctx, emp, ca_grp_day(ctx, e->time_ms), buf, sizeof buf);
        if (!why || !key || ca_grp_unknown_self(key))
            return 0;
        ca_grp_who(ctx, emp ? emp : key, e->target_names ? e->target_names[0] : NULL, who,
                   sizeof who);
        return ca_rule_report(ctx, &ca_rule_group_outsider, i, emp ? emp : key, NULL, 0, 0, 0,
                              "the group's new owner %s is %s (3.1.2: the owner must be an "
                              "employee)", who, why);
    }
    if (e->kind != CA_KIND_MESSAGE || (e->flags & CA_EV_FROM_SELF))
        return 0;
    const char *key = ca_member_key_sender(e);
    if (!key || seen_has(ctx, st, key))
        return 0;
    /* the span this message belongs to: who brought the writer in */
    size_t join_ev = (size_t)-1;
    const ca_member *m = ca_members_find(ctx->members, key);
    for (size_t k = 0; m && k < m->n_spans; k++)
        if (m->spans[k].from_ms <= e->time_ms && e->time_ms < m->spans[k].to_ms &&
            m->spans[k].from_sign == CA_SIGN_JOIN)
            join_ev = m->spans[k].from_event;
    if (!e->employee && join_ev == (size_t)-1 && st->n_joins && m && m->n_spans &&
        m->spans[0].from_event == i) {
        /* an unresolved writer with no join of their own: the person of the
         * latest unresolved join before (joins name people by nickname,
         * messages by account id), who is then reported already */
        size_t j = st->joins[--st->n_joins];
        (void)j;
        return seen_add(ctx, st, key);
    }
    if (!ca_rule_in_period(ctx, e->time_ms))
        return 0;
    return outsider_sign(ctx, st, i, key, e->employee, e->sender_name,
                         (e->flags & CA_EV_SENDER_WEAK) != 0 || !e->sender, join_ev);
}

/* The owner set by owner event oe (an employee) left before the period
 * ends: a finding at the first event in the period after both the owner
 * event and their leave_date. */
static int owner_left_after_event(ca_rule_ctx *ctx, size_t oe)
{
    const ca_conv *c = ctx->conv;
    const ca_event *e = c->events[oe];
    const ca_employee *o = ca_grp_employee(ctx, e->target_employees ? e->target_employees[0] : NULL);
    int64_t last_day = ca_grp_day(ctx, ctx->period_end_ms - 1);
    if (!o || ca_grp_employed_on(o, last_day))
        return 0; /* an employee; or not in the roster: reported at the event */
    if (!ca_grp_employed_on(o, ca_grp_day(ctx, e->time_ms)))
        return 0; /* not employed at the event: reported there when in the period */
    int64_t gone = ca_grp_day_start(ctx, o->leave_day + 1);
    size_t at = c->n_events;
    for (size_t i = oe + 1; i < c->n_events && at == c->n_events; i++)
        if (c->events[i]->time_ms >= gone && ca_rule_in_period(ctx, c->events[i]->time_ms))
            at = i;
    if (at == c->n_events)
        return 0; /* the group showed no sign of life in the period after they left */
    char who[160], buf[96];
    return ca_rule_report(ctx, &ca_rule_group_outsider, at, o->id, NULL, 0, 0, 0,
                          "the group's owner, %s (owner since the transfer the export shows), "
                          "is %s: the owner must be an employee (3.1.2)",
                          ca_grp_who(ctx, o->id, NULL, who, sizeof who),
                          not_employee(ctx, o->id, last_day, buf, sizeof buf));
}

static int outsider_finish(ca_rule_ctx *ctx, void *state)
{
    (void)state;
    /* an owner who left before the period ends: named by the latest owner
     * event before the period's end, else by groups.csv */
    const ca_conv *c = ctx->conv;
    size_t first = ca_grp_first_in_period(ctx);
    if (first == c->n_events)
        return 0;
    size_t oe = c->n_events;
    for (size_t i = 0; i < c->n_events && c->events[i]->time_ms < ctx->period_end_ms; i++)
        if (ca_grp_is_owner_event(c->events[i]))
            oe = i;
    if (oe < c->n_events)
        return owner_left_after_event(ctx, oe);
    if (!c->reg || !c->reg->owner_id[0])
        return 0;
    for (size_t i = 0; i < c->n_events; i++)
        if (c->events[i]->kind == CA_KIND_OWNER)
            return 0;
    const ca_employee *o = ca_grp_employee(ctx, c->reg->owner_id);
    int64_t last_day = ca_grp_day(ctx, ctx->period_end_ms - 1);
    if (!o || ca_grp_employed_on(o, last_day))
        return 0; /* an owner missing from the roster is a `check` error */
    char who[160], buf[96];
    return ca_rule_report(ctx, &ca_rule_group_outsider, first, o->id, NULL, 0, 0, 0,
                          "the owner in groups.csv, %s, is %s: the owner must be an employee "
                          "(3.1.2)", ca_grp_who(ctx, o->id, NULL, who, sizeof who),
                          not_employee(ctx, o->id, last_day, buf, sizeof buf));
}

const ca_rule ca_rule_group_create = {
    "group.create", "3.1.1", NULL, CA_SEV_MINOR, 0, NULL, NULL, create_finish, NULL, NULL, NULL};
const ca_rule ca_rule_group_name = {
    "group.name", "3.1.2", NULL, CA_SEV_MINOR, 0, NULL, NULL, name_finish, NULL, NULL, NULL};
const ca_rule ca_rule_group_outsider = {"group.outsider", "3.1.2", NULL, CA_SEV_MAJOR,
                                        sizeof(outsider_state), outsider_init, outsider_event,
                                        outsider_finish, outsider_cleanup, NULL, NULL};
