/*
 * report_common.c — the tallies the summary and the full report share:
 * rule titles, findings counted by rule / department / person, and the
 * senders identity resolution left unresolved.
 */
#include <stdlib.h>
#include <string.h>
#include "outfile.h"

const char *ca_severity_name(ca_severity s)
{
    static const char *const names[] = {"info", "minor", "major", "critical"};
    return (unsigned)s < CA_ARRAY_LEN(names) ? names[s] : "info";
}

/* The rules of SPEC §6 in the policy's clause order. */
static const struct {
    const char *id, *title;
} rule_titles[] = {
    {"group.create", "未经授权建群"},
    {"group.name", "群名称不规范"},
    {"group.outsider", "非公司人员在群"},
    {"member.onboard", "新员工入群时间不符"},
    {"member.nickname", "群昵称不是“部门+姓名”"},
    {"member.invite", "无权限拉人入群"},
    {"member.leave", "擅自退群"},
    {"content.privacy", "涉及个人隐私"},
    {"content.offtopic", "非工作内容、聊私事"},
    {"content.ad", "广告、推销、外部链接"},
    {"redline.politics", "红线：不良政治倾向"},
    {"redline.religion", "红线：宗教"},
    {"redline.porn", "红线：色情"},
    {"redline.violence", "红线：暴力"},
    {"redline.abuse", "红线：歧视、侮辱、攻击言论"},
    {"redline.tamper", "红线：片面截图或篡改截图"},
    {"content.forward", "转发工作信息"},
    {"reply.employee", "未按时回复员工的工作疑问"},
    {"reply.leader", "未按时回复领导的工作联络"},
    {"reply.public", "未按时回复公共性问题"},
};

const char *ca_rule_title(const char *rule, int *order)
{
    for (size_t i = 0; rule && i < CA_ARRAY_LEN(rule_titles); i++)
        if (strcmp(rule, rule_titles[i].id) == 0) {
            if (order)
                *order = (int)i;
            return rule_titles[i].title;
        }
    if (order)
        *order = (int)CA_ARRAY_LEN(rule_titles);
    return NULL;
}

static const char *person_key(const ca_finding *f)
{
    return f->person_id ? f->person_id : f->person_name;
}

/* One finding with its keys for a counting pass: sorted by key, then (for
 * departments) person, then position, so every run is deterministic. */
typedef struct keyed {
    const char *key, *person;
    const ca_finding *f;
} keyed;

static int cmp_keyed(const void *pa, const void *pb)
{
    const keyed *a = pa, *b = pb;
    int c = ca_strcmp0(a->key, b->key);
    if (!c)
        c = ca_strcmp0(a->person, b->person);
    if (c)
        return c;
    return a->f < b->f ? -1 : a->f > b->f;
}

static int cmp_rows_by_rule(const void *pa, const void *pb)
{
    const ca_count *a = pa, *b = pb;
    int oa, ob;
    ca_rule_title(a->first->rule, &oa);
    ca_rule_title(b->first->rule, &ob);
    if (oa != ob)
        return oa < ob ? -1 : 1;
    return ca_strcmp0(a->first->rule, b->first->rule);
}

static int cmp_rows_by_department(const void *pa, const void *pb)
{
    const ca_count *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return ca_strcmp0(a->first->department, b->first->department);
}

/* People: the gravest first (critical findings, then major, ...), then
 * most findings — a red line outranks three late replies. */
static int cmp_rows_by_person(const void *pa, const void *pb)
{
    const ca_count *a = pa, *b = pb;
    for (int s = CA_SEV_CRITICAL; s >= CA_SEV_INFO; s--)
        if (a->by_severity[s] != b->by_severity[s])
            return a->by_severity[s] > b->by_severity[s] ? -1 : 1;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return ca_strcmp0(person_key(a->first), person_key(b->first));
}

int ca_count_findings(const ca_findings *f, ca_count_by by, ca_count **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!f || !f->n)
        return 0;
    keyed *k = ca_malloc(f->n * sizeof *k);
    if (!k)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < f->n; i++) {
        const ca_finding *x = &f->items[i];
        const char *key = by == CA_COUNT_RULE ? x->rule
                        : by == CA_COUNT_DEPARTMENT ? x->department : person_key(x);
        if (by == CA_COUNT_PERSON && !key)
            continue;
        k[m++] = (keyed){key, by == CA_COUNT_DEPARTMENT ? person_key(x) : NULL, x};
    }
    qsort(k, m, sizeof *k, cmp_keyed);

    size_t rows = 0;
    for (size_t i = 0; i < m; i++)
        rows += i == 0 || ca_strcmp0(k[i - 1].key, k[i].key) != 0;
    ca_count *c = rows ? ca_calloc(rows, sizeof *c) : NULL;
    if (rows && !c) {
        ca_free(k);
        return -1;
    }
    size_t r = 0;
    for (size_t i = 0; i < m; i++) {
        const ca_finding *x = k[i].f;
        int new_key = i == 0 || ca_strcmp0(k[i - 1].key, k[i].key) != 0;
        if (new_key)
            c[r++].first = x;
        else if (x < c[r - 1].first)
            c[r - 1].first = x;
        ca_count *row = &c[r - 1];
        row->n++;
        row->by_severity[(unsigned)x->severity <= CA_SEV_CRITICAL ? x->severity : CA_SEV_INFO]++;
        if (k[i].person && (new_key || ca_strcmp0(k[i - 1].person, k[i].person) != 0))
            row->persons++;
    }
    ca_free(k);
    qsort(c, rows, sizeof *c,
          by == CA_COUNT_RULE ? cmp_rows_by_rule
          : by == CA_COUNT_DEPARTMENT ? cmp_rows_by_department : cmp_rows_by_person);
    *out = c;
    *n = rows;
    return 0;
}

static int cmp_unresolved(const void *pa, const void *pb)
{
    const ca_unresolved *a = pa, *b = pb;
    if (a->messages != b->messages)
        return a->messages > b->messages ? -1 : 1;
    int c = ca_strcmp0(a->platform, b->platform);
    return c ? c : ca_strcmp0(a->sender, b->sender);
}

static int unresolved_in(const ca_event *e, int64_t from_ms, int64_t to_ms)
{
    if (e->kind != CA_KIND_MESSAGE || e->employee)
        return 0;
    return to_ms <= from_ms || (e->time_ms >= from_ms && e->time_ms < to_ms);
}

int ca_unresolved_senders(const ca_import *imp, int64_t from_ms, int64_t to_ms,
                          ca_unresolved **out, size_t *n)
{
    /* counted in a hash table keyed by (platform, sender): a million
     * unresolved messages from a few thousand senders cost one pass */
    *out = NULL;
    *n = 0;
    size_t total = imp ? ca_import_count(imp) : 0, rows = 0, cap = 256;
    ca_unresolved *u = ca_calloc(cap, sizeof *u);
    if (!u)
        return -1;
    for (size_t i = 0; i < total; i++) {
        const ca_event *e = ca_import_event(imp, i);
        if (!unresolved_in(e, from_ms, to_ms))
            continue;
        if ((rows + 1) * 2 > cap) {
            size_t nc = cap * 2;
            ca_unresolved *nu = ca_calloc(nc, sizeof *nu);
            if (!nu) {
                ca_free(u);
                return -1;
            }
            for (size_t k = 0; k < cap; k++) {
                if (!u[k].messages)
                    continue;
                uint64_t h = ca_hash64(u[k].sender ? u[k].sender : "", u[k].sender ? strlen(u[k].sender) : 0,
                                       ca_hash64(u[k].platform, strlen(u[k].platform), 0));
                size_t j = h & (nc - 1);
                while (nu[j].messages)
                    j = (j + 1) & (nc - 1);
                nu[j] = u[k];
            }
            ca_free(u);
            u = nu;
            cap = nc;
        }
        uint64_t h = ca_hash64(e->sender ? e->sender : "", e->sender ? strlen(e->sender) : 0,
                               ca_hash64(e->platform, strlen(e->platform), 0));
        size_t j = h & (cap - 1);
        while (u[j].messages && (ca_strcmp0(u[j].platform, e->platform) || ca_strcmp0(u[j].sender, e->sender)))
            j = (j + 1) & (cap - 1);
        if (!u[j].messages) {
            u[j] = (ca_unresolved){e->platform, e->sender, e->sender_name, 0};
            rows++;
        }
        u[j].messages++;
    }
    size_t m = 0;
    for (size_t k = 0; k < cap; k++)
        if (u[k].messages)
            u[m++] = u[k];
    if (!m) {
        ca_free(u);
        return 0;
    }
    qsort(u, m, sizeof *u, cmp_unresolved);
    *out = u;
    *n = m;
    return 0;
}

size_t ca_conv_messages(const ca_conv *c, int64_t from_ms, int64_t to_ms)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n_events; i++) {
        const ca_event *e = c->events[i];
        n += e->kind == CA_KIND_MESSAGE &&
             (to_ms <= from_ms || (e->time_ms >= from_ms && e->time_ms < to_ms));
    }
    return n;
}

size_t ca_private_chats(const ca_conv *convs, size_t n, size_t *messages)
{
    size_t chats = 0;
    *messages = 0;
    for (size_t k = 0; k < n; k++) {
        if (!convs[k].private_chat)
            continue;
        chats++;
        *messages += convs[k].period_messages;
    }
    return chats;
}
