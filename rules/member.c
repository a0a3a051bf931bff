/*
 * member.c — the membership rules of policy chapter 3.2 (SPEC §6.1):
 *
 *   member.onboard  a new hire (hire_date H) is added to an `all` group or
 *                   their department's group on day d = date(join) - H
 *                   outside [earliest_day, latest_day]; or not added by the
 *                   end of day H + latest_day while the export covers days
 *                   H .. H + latest_day.  Each group is checked on its own.
 *                   Responsible: the hire's department head.
 *   member.nickname a member's group display name, last seen in the period
 *                   and more than grace_days after they joined, is not
 *                   department (or an alias) + optional separator + roster
 *                   name.  Only exports whose sender name is the group
 *                   display name can be checked; the others get a note.
 *   member.invite   someone adds a person who is not the owner, a groups.csv
 *                   admin, in the executive office or the admin centre, or
 *                   the head of the invitee's department adding them to an
 *                   `all` group or their department's group.  Responsible:
 *                   the inviter.
 *   member.leave    an employee leaves a group by themself before their
 *                   leave_date; removals are not violations.  Groups whose
 *                   export cannot show leaving by oneself get a note.
 */
#include <stdio.h>
#include <string.h>
#include "../analyzer/timeparse.h"
#include "group_common.h"

extern const ca_rule ca_rule_member_onboard;
extern const ca_rule ca_rule_member_nickname;
extern const ca_rule ca_rule_member_invite;
extern const ca_rule ca_rule_member_leave;

static void date_of(int64_t day, char out[16])
{
    int y, m, d;
    ca_civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

/* Whether the group is an `all` group, or the department group of dept. */
static int onboard_group(const ca_conv *c, const char *dept)
{
    if (!c->reg)
        return 0;
    if (strcmp(c->reg->category, "all") == 0)
        return 1;
    return strcmp(c->reg->category, "department") == 0 && dept && c->reg->department[0] &&
           strcmp(c->reg->department, dept) == 0;
}

/* ----------------------------------------------------------- onboard */

/* The responsible person for a hire: the department head, else (no head
 * in the roster) the hire's manager. */
static const char *onboard_person(ca_rule_ctx *ctx, const ca_employee *h, int *no_head)
{
    const ca_employee *head = ca_grp_head_of(ctx, h->department);
    *no_head = head == NULL;
    return head ? head->id : h->manager_id && *h->manager_id ? h->manager_id : NULL;
}

static int onboard_hire(ca_rule_ctx *ctx, const ca_employee *h)
{
    const ca_conv *c = ctx->conv;
    const ca_policy *p = &ctx->cfg->policy;
    const ca_rule *R = &ca_rule_member_onboard;
    int64_t H = h->hire_day;
    int64_t deadline = ca_grp_day_start(ctx, H + p->latest_day + 1); /* end of day H+latest */
    const ca_member *m = ca_members_find(ctx->members, h->id);
    char hd[16], who[160], dd[16];
    int no_head;
    if (m && m->n_spans && m->spans[0].from_sign == CA_SIGN_JOIN) {
        const ca_member_span *s = &m->spans[0];
        if (!ca_rule_in_period(ctx, s->from_ms))
            return 0;
        int64_t d = ca_grp_day(ctx, s->from_ms) - H;
        if (d >= p->earliest_day && d <= p->latest_day)
            return 0;
        if (d > p->latest_day && c->events[0]->time_ms >= deadline) {
            /* the export begins after the deadline: it cannot show that
             * this is the first time they were added (a transfer, a
             * re-join, a group set up later), so no late onboarding —
             * and for someone hired long ago nothing to say at all */
            if (deadline <= ctx->period_start_ms || deadline > ctx->period_end_ms)
                return 0;
            date_of(H, hd);
            date_of(H + p->latest_day, dd);
            return ca_rule_note(ctx, R, s->from_event,
                                "member.onboard: not checkable for %s (hire_date %s): added "
                                "after %s, and the export of this group begins after that day",
                                ca_grp_who(ctx, h->id, NULL, who, sizeof who), hd, dd);
        }
        date_of(H, hd);
        date_of(ca_grp_day(ctx, s->from_ms), dd);
        const char *person = onboard_person(ctx, h, &no_head);
        return ca_rule_report(ctx, R, s->from_event, person, NULL, 0, 0, 0,
                              "new hire %s (hire_date %s) added to this group on %s, day %lld "
                              "after the hire date, outside day %d..%d (3.2.1)%s",
                              ca_grp_who(ctx, h->id, NULL, who, sizeof who), hd, dd, (long long)d,
                              p->earliest_day, p->latest_day,
                              no_head ? "; the department has no head: the hire's manager" : "");
    }
    if (deadline <= ctx->period_start_ms || deadline > ctx->period_end_ms)
        return 0; /* the deadline falls outside the period */
    if (h->leave_day >= 0 && h->leave_day < H + p->latest_day)
        return 0; /* left before the deadline */
    date_of(H, hd);
    date_of(H + p->latest_day, dd);
    ca_grp_who(ctx, h->id, NULL, who, sizeof who);
    if (m && m->n_spans) {
        /* seen writing, the join not in the export: when cannot be told */
        size_t ev = m->spans[0].from_event;
        if (ev >= c->n_events || c->events[ev]->time_ms < deadline)
            return 0;
        return ca_rule_note(ctx, R, ev,
                            "member.onboard: not checkable for %s (hire_date %s): first seen "
                            "writing after %s, and the export shows no join", who, hd, dd);
    }
    /* never seen: the export must cover days H .. H+latest to tell */
    int64_t t0 = c->events[0]->time_ms, t1 = c->events[c->n_events - 1]->time_ms;
    size_t at = c->n_events;
    for (size_t i = 0; i < c->n_events && at == c->n_events; i++)
        if (c->events[i]->time_ms >= deadline)
            at = i;
    if (ca_grp_day(ctx, t0) > H || t1 < deadline || at == c->n_events)
        return ca_rule_note(ctx, R, (size_t)-1,
                            "member.onboard: not checkable for %s (hire_date %s): the export of "
                            "this group does not cover %s..%s",
                            who, hd, hd, dd);
    /* about no message: timed at the deadline, the end of day H+latest */
    const char *person = onboard_person(ctx, h, &no_head);
    return ca_rule_report_at(ctx, R, deadline, person,
                             "new hire %s (hire_date %s) not added to this group by the end of %s, "
                             "day %d (3.2.1)%s",
                             who, hd, dd, p->latest_day,
                             no_head ? "; the department has no head: the hire's manager" : "");
}

static int onboard_finish(ca_rule_ctx *ctx, void *state)
{
    (void)state;
    const ca_conv *c = ctx->conv;
    const ca_roster *r = ctx->cfg->roster;
    if (!c->n_events || !c->reg || !r)
        return 0;
    for (size_t i = 0; i < ca_roster_count(r); i++) {
        const ca_employee *h = ca_roster_at(r, i);
        if (h->hire_day < 0 || !onboard_group(c, h->department))
            continue;
        if (onboard_hire(ctx, h) < 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------- nickname */

static int starts_with(const char *s, const char *pre, size_t n)
{
    return n && strncmp(s, pre, n) == 0;
}

/* Length of one separator of the policy at s (a UTF-8 character of
 * [nickname] separators), or 0. */
static size_t separator_at(const char *seps, const char *s)
{
    for (const char *p = seps; p && *p;) {
        size_t n = 1;
        unsigned char c = (unsigned char)*p;
        if (c >= 0xF0)
            n = 4;
        else if (c >= 0xE0)
            n = 3;
        else if (c >= 0xC0)
            n = 2;
        if (strncmp(p, s, n) == 0)
            return n;
        p += strnlen(p, n);
    }
    return 0;
}

/* Whether rest is the roster name, after at most one separator. */
static int name_after(const ca_rule_ctx *ctx, const char *rest, const char *name)
{
    if (strcmp(rest, name) == 0)
        return 1;
    size_t k = separator_at(ctx->cfg->policy.separators, rest);
    return k && strcmp(rest + k, name) == 0;
}

int ca_member_nickname_ok(const ca_rule_ctx *ctx, const char *display, const ca_employee *e)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", display);
    char *d = ca_trim(buf);
    if (!e->department || !e->name || !*e->department)
        return 0;
    size_t dl = strlen(e->department);
    if (starts_with(d, e->department, dl) && name_after(ctx, d + dl, e->name))
        return 1;
    const char *al = ctx->cfg->policy.department_aliases;
    for (const char *p = al; p && *p;) {
        size_t n = strcspn(p, ";");
        const char *eq = memchr(p, '=', n);
        if (eq) {
            char a[128], dep[128];
            snprintf(a, sizeof a, "%.*s", (int)(eq - p), p);
            snprintf(dep, sizeof dep, "%.*s", (int)(p + n - eq - 1), eq + 1);
            char *at = ca_trim(a), *dt = ca_trim(dep);
            size_t an = strlen(at);
            if (strcmp(dt, e->department) == 0 && starts_with(d, at, an) &&
                name_after(ctx, d + an, e->name))
                return 1;
        }
        p += n + (p[n] == ';');
    }
    return 0;
}

static int nickname_finish(ca_rule_ctx *ctx, void *state)
{
    (void)state;
    const ca_conv *c = ctx->conv;
    const ca_rule *R = &ca_rule_member_nickname;
    if (ca_grp_first_in_period(ctx) == c->n_events)
        return 0;
    int names = 0;
    for (size_t i = 0; i < c->n_events && !names; i++)
        names = (c->events[i]->flags & CA_EV_GROUP_NAMES) != 0;
    if (!names)
        return ca_rule_note(ctx, R, (size_t)-1,
                            "member.nickname: not checkable: this group's export shows senders by "
                            "account nickname, remark or id, not by their group display name");
    size_t nm = ca_members_count(ctx->members);
    if (!nm)
        return 0;
    size_t *last = ca_malloc(nm * sizeof *last);
    if (!last)
        return -1;
    for (size_t k = 0; k < nm; k++)
        last[k] = (size_t)-1;
    const ca_member *base = ca_members_at(ctx->members, 0);
    for (size_t i = 0; i < c->n_events; i++) {
        const ca_event *e = c->events[i];
        if (e->kind != CA_KIND_MESSAGE || !(e->flags & CA_EV_GROUP_NAMES) || !e->employee ||
            !e->sender_name || !*e->sender_name || !ca_rule_in_period(ctx, e->time_ms))
            continue;
        const ca_member *m = ca_members_find(ctx->members, e->employee);
        if (m)
            last[m - base] = i;
    }
    int64_t grace = (int64_t)ctx->cfg->policy.grace_days * CA_DAY_MS;
    int rc = 0;
    for (size_t k = 0; k < nm && rc == 0; k++) {
        if (last[k] == (size_t)-1)
            continue;
        const ca_member *m = ca_members_at(ctx->members, k);
        const ca_event *e = c->events[last[k]];
        const ca_employee *emp = ca_grp_employee(ctx, m->employee);
        if (!emp || ca_member_nickname_ok(ctx, e->sender_name, emp))
            continue;
        int64_t joined = CA_MEMBER_SINCE_EVER;
        for (size_t s = 0; s < m->n_spans; s++)
            if (m->spans[s].from_ms <= e->time_ms && e->time_ms < m->spans[s].to_ms)
                joined = m->spans[s].from_ms;
        if (joined != CA_MEMBER_SINCE_EVER && e->time_ms <= joined + grace)
            continue; /* still within the grace days */
        rc = ca_rule_report(ctx, R, last[k], emp->id, e->sender_name, strlen(e->sender_name), 0,
                            strlen(e->sender_name),
                            "group display name \"%s\" is not department + name (e.g. %s-%s) "
                            "(3.2.2)", e->sender_name, emp->department, emp->name);
    }
    ca_free(last);
    return rc;
}

/* ------------------------------------------------------------ invite */

/* Whether inviter (a roster entry) may add target (a roster entry or
 * NULL) to this group whose owner is owner. */
static int may_invite(const ca_rule_ctx *ctx, const char *owner, const ca_employee *inv,
                      const ca_employee *target)
{
    if (!inv)
        return 0;
    if (ca_strcmp0(owner, inv->id) == 0 || ca_grp_admin(ctx, inv->id) ||
        ca_grp_office(ctx, inv))
        return 1;
    /* 3.2.1: the head of the invitee's department, into an all group or
     * their department's group */
    return target && inv->is_head && ca_strcmp0(inv->department, target->department) == 0 &&
           onboard_group(ctx->conv, target->department);
}

typedef struct invite_state {
    size_t owner_ev1;   /* the latest owner event so far + 1, 0 for none */
} invite_state;

static int invite_event(ca_rule_ctx *ctx, void *state, size_t i)
{
    invite_state *st = state;
    const ca_event *e = ctx->conv->events[i];
    if (ca_grp_is_owner_event(e))
        st->owner_ev1 = i + 1;
    if (e->kind != CA_KIND_JOIN || !ca_rule_in_period(ctx, e->time_ms))
        return 0;
    const char *owner = ca_grp_owner_from(ctx, st->owner_ev1 - 1);
    const char *inviter = e->actor_employee;
    if (!inviter && e->actor && *e->actor && !ca_grp_unknown_self(e->actor))
        inviter = e->actor;
    if (!inviter)
        return 0; /* who invited is not known */
    if (!e->actor_employee && ca_grp_roster_name(ctx, inviter))
        return ca_rule_note(ctx, &ca_rule_member_invite, i,
                            "member.invite: not checkable: the inviter \"%s\" is known by name "
                            "only, and the name is an employee's (ambiguous)", inviter);
    const ca_employee *inv = ca_grp_employee(ctx, e->actor_employee);
    char list[512] = "", who[160];
    size_t bad = 0;
    for (uint32_t k = 0; k < e->n_targets; k++) {
        const char *temp = e->target_employees ? e->target_employees[k] : NULL;
        const char *tkey = ca_member_key_target(e, k);
        if (ca_strcmp0(tkey, inviter) == 0 || (temp && ca_strcmp0(temp, e->actor_employee) == 0))
            continue; /* joined by themself */
        if (may_invite(ctx, owner, inv, ca_grp_employee(ctx, temp)))
            continue;
        size_t L = strlen(list);
        snprintf(list + L, sizeof list - L, "%s%s", bad ? ", " : "",
                 ca_grp_who(ctx, temp ? temp : tkey, e->target_names ? e->target_names[k] : NULL,
                            who, sizeof who));
        bad++;
    }
    if (!bad)
        return 0;
    return ca_rule_report(ctx, &ca_rule_member_invite, i, inviter, NULL, 0, 0, 0,
                          "%s added %s%s, but is not the owner, an admin in groups.csv, in the "
                          "executive office or admin centre, nor the invitee's department head "
                          "(3.2.3)", ca_grp_who(ctx, inviter, e->actor_name, who, sizeof who),
                          list, e->text && strstr(e->text, "二维码") ? " (by sharing a QR code)" : "");
}

/* ------------------------------------------------------------- leave */

static int leave_event(ca_rule_ctx *ctx, void *state, size_t i)
{
    (void)state;
    const ca_event *e = ctx->conv->events[i];
    if (e->kind != CA_KIND_LEAVE || !ca_rule_in_period(ctx, e->time_ms))
        return 0;
    const ca_employee *emp = ca_grp_employee(ctx, e->employee);
    if (!emp)
        return 0; /* not an employee: nothing of 3.2.4 */
    int64_t day = ca_grp_day(ctx, e->time_ms);
    if (emp->leave_day >= 0 && day >= emp->leave_day)
        return 0;
    char ld[16] = "";
    if (emp->leave_day >= 0)
        date_of(emp->leave_day, ld);
    return ca_rule_report(ctx, &ca_rule_member_leave, i, emp->id, NULL, 0, 0, 0,
                          "%s left the group by themself%s%s (3.2.4: members may not quit company "
                          "groups)", emp->name, ld[0] ? " before their leave_date " : " while employed",
                          ld);
}

static int leave_finish(ca_rule_ctx *ctx, void *state)
{
    (void)state;
    const ca_conv *c = ctx->conv;
    if (ca_grp_first_in_period(ctx) == c->n_events)
        return 0;
    for (size_t i = 0; i < c->n_events; i++)
        if ((c->events[i]->flags & CA_EV_SHOWS_LEAVE) || c->events[i]->kind == CA_KIND_LEAVE)
            return 0;
    if (ca_strcmp0(c->platform, "wechat") == 0)
        return ca_rule_note(ctx, &ca_rule_member_leave, (size_t)-1,
                            "member.leave: not checkable: WeChat exports do not show members "
                            "leaving by themselves");
    return ca_rule_note(ctx, &ca_rule_member_leave, (size_t)-1,
                        "member.leave: not checkable: this group's export has no leave events "
                        "(DingTalk event files show them)");
}

const ca_rule ca_rule_member_onboard = {
    "member.onboard", "3.2.1", NULL, CA_SEV_MINOR, 0, NULL, NULL, onboard_finish, NULL, NULL, NULL};
const ca_rule ca_rule_member_nickname = {
    "member.nickname", "3.2.2", NULL, CA_SEV_INFO, 0, NULL, NULL, nickname_finish, NULL, NULL, NULL};
const ca_rule ca_rule_member_invite = {
    "member.invite", "3.2.3", NULL, CA_SEV_MINOR, sizeof(invite_state), NULL, invite_event, NULL, NULL,
    NULL, NULL};
const ca_rule ca_rule_member_leave = {
    "member.leave", "3.2.4", NULL, CA_SEV_MINOR, 0, NULL, leave_event, leave_finish, NULL, NULL, NULL};
