/*
 * group_common.c — helpers of the group and membership rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "group_common.h"

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t ca_grp_day(const ca_rule_ctx *ctx, int64_t t_ms)
{
    return floor_div(t_ms + (int64_t)ctx->cfg->tz_offset_min * 60000, CA_DAY_MS);
}

int64_t ca_grp_day_start(const ca_rule_ctx *ctx, int64_t day)
{
    return day * CA_DAY_MS - (int64_t)ctx->cfg->tz_offset_min * 60000;
}

const ca_employee *ca_grp_employee(const ca_rule_ctx *ctx, const char *id)
{
    return id && ctx->cfg->roster ? ca_roster_by_id(ctx->cfg->roster, id) : NULL;
}

int ca_grp_employed_on(const ca_employee *e, int64_t day)
{
    return e && (e->leave_day < 0 || day <= e->leave_day);
}

int ca_grp_office(const ca_rule_ctx *ctx, const ca_employee *e)
{
    const ca_policy *p = &ctx->cfg->policy;
    return e && e->department &&
           ((p->executive_office && *p->executive_office &&
             strcmp(e->department, p->executive_office) == 0) ||
            (p->admin_center && *p->admin_center && strcmp(e->department, p->admin_center) == 0));
}

int ca_grp_may_create(const ca_rule_ctx *ctx, const ca_employee *e)
{
    const ca_policy *p = &ctx->cfg->policy;
    if (!e)
        return 0;
    if (p->executive_office && *p->executive_office && e->department &&
        strcmp(e->department, p->executive_office) == 0)
        return 1;
    return e->level && (strcmp(e->level, "vp") == 0 || strcmp(e->level, "gm") == 0);
}

const ca_employee *ca_grp_head_of(const ca_rule_ctx *ctx, const char *dept)
{
    const ca_roster *r = ctx->cfg->roster;
    if (!r || !dept || !*dept)
        return NULL;
    const ca_employee *former = NULL;
    for (size_t i = 0; i < ca_roster_count(r); i++) {
        const ca_employee *e = ca_roster_at(r, i);
        if (!e->is_head || !e->department || strcmp(e->department, dept) != 0)
            continue;
        if (e->leave_day < 0)
            return e;
        if (!former)
            former = e;
    }
    return former;
}

const char *ca_grp_owner_from(const ca_rule_ctx *ctx, size_t owner_ev)
{
    const ca_conv *c = ctx->conv;
    if (owner_ev < c->n_events) {
        const ca_event *e = c->events[owner_ev];
        return e->target_employees ? e->target_employees[0] : NULL;
    }
    return c->reg && c->reg->owner_id[0] ? c->reg->owner_id : NULL;
}

const char *ca_grp_owner(const ca_rule_ctx *ctx, size_t upto)
{
    const ca_conv *c = ctx->conv;
    if (upto > c->n_events)
        upto = c->n_events;
    for (size_t i = upto; i-- > 0;)
        if (ca_grp_is_owner_event(c->events[i]))
            return ca_grp_owner_from(ctx, i);
    return ca_grp_owner_from(ctx, (size_t)-1);
}

int ca_grp_is_owner_event(const ca_event *e)
{
    return e->kind == CA_KIND_OWNER && e->n_targets > 0;
}

int ca_grp_admin(const ca_rule_ctx *ctx, const char *id)
{
    if (!ctx->conv->reg || !id || !*id)
        return 0;
    size_t n = strlen(id);
    for (const char *a = ctx->conv->reg->admins; *a;) {
        size_t k = strcspn(a, ";");
        const char *s = a, *t = a + k;
        while (s < t && (*s == ' ' || *s == '\t'))
            s++;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if ((size_t)(t - s) == n && memcmp(s, id, n) == 0)
            return 1;
        a += k + (a[k] == ';');
    }
    return 0;
}

size_t ca_grp_first_in_period(const ca_rule_ctx *ctx)
{
    const ca_conv *c = ctx->conv;
    for (size_t i = 0; i < c->n_events; i++)
        if (ca_rule_in_period(ctx, c->events[i]->time_ms))
            return i;
    return c->n_events;
}

int ca_grp_unknown_self(const char *who)
{
    return who && strcmp(who, "self") == 0;
}

int ca_grp_report_nobody(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t before = ctx->out->n;
    if (ca_rule_report(ctx, rule, i, NULL, NULL, 0, 0, 0, "%s", msg) < 0)
        return -1;
    if (ctx->out->n > before) {
        ca_finding *f = &ctx->out->items[ctx->out->n - 1];
        f->person_id = NULL;
        f->person_name = NULL;
        f->department = NULL;
    }
    return 0;
}

const char *ca_grp_who(const ca_rule_ctx *ctx, const char *id, const char *name, char *buf,
                       size_t n)
{
    const ca_employee *e = ca_grp_employee(ctx, id);
    if (e)
        snprintf(buf, n, "%s (%s)", e->name, e->id);
    else if (name && id && strcmp(name, id) != 0)
        snprintf(buf, n, "%s (%s)", name, id);
    else
        snprintf(buf, n, "%s", id ? id : name ? name : "someone unknown");
    return buf;
}

int ca_grp_roster_name(const ca_rule_ctx *ctx, const char *name)
{
    const ca_roster *r = ctx->cfg->roster;
    for (size_t i = 0; name && r && i < ca_roster_count(r); i++)
        if (ca_strcmp0(ca_roster_at(r, i)->name, name) == 0)
            return 1;
    return 0;
}
