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
    if (rows) /* none: c is NULL, which qsort must not get */
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

/* ---- unresolved senders, counted a conversation at a time: a hash table
 * keyed by (platform, sender), with copies of the strings ---- */

static char *dup0(const char *s) { return s ? ca_strdup(s) : NULL; }

typedef struct tally_row {
    char *platform, *sender, *name; /* owned */
    size_t messages;
    size_t conv, event;             /* where name was seen first */
    int used;
} tally_row;

struct ca_unresolved_tally {
    tally_row *rows;
    size_t cap, n;
};

ca_unresolved_tally *ca_unresolved_tally_new(void)
{
    return ca_calloc(1, sizeof(ca_unresolved_tally));
}

void ca_unresolved_tally_free(ca_unresolved_tally *t)
{
    if (!t)
        return;
    for (size_t k = 0; k < t->cap; k++)
        if (t->rows[k].used) {
            ca_free(t->rows[k].platform);
            ca_free(t->rows[k].sender);
            ca_free(t->rows[k].name);
        }
    ca_free(t->rows);
    ca_free(t);
}

static size_t tally_slot(const tally_row *rows, size_t cap, const char *platform, const char *sender)
{
    uint64_t h = ca_hash64(sender ? sender : "", sender ? strlen(sender) : 0,
                           ca_hash64(platform ? platform : "", platform ? strlen(platform) : 0,
                                     sender ? 1 : 2));
    size_t j = h & (cap - 1);
    while (rows[j].used && (ca_strcmp0(rows[j].platform, platform) || ca_strcmp0(rows[j].sender, sender)))
        j = (j + 1) & (cap - 1);
    return j;
}

/* The row of (platform, sender), added empty (with copies) when new; NULL
 * on out of memory. */
static tally_row *tally_row_of(ca_unresolved_tally *t, const char *platform, const char *sender)
{
    if ((t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        tally_row *nr = ca_calloc(cap, sizeof *nr);
        if (!nr)
            return NULL;
        for (size_t k = 0; k < t->cap; k++)
            if (t->rows[k].used)
                nr[tally_slot(nr, cap, t->rows[k].platform, t->rows[k].sender)] = t->rows[k];
        ca_free(t->rows);
        t->rows = nr;
        t->cap = cap;
    }
    tally_row *r = &t->rows[tally_slot(t->rows, t->cap, platform, sender)];
    if (!r->used) {
        *r = (tally_row){dup0(platform), dup0(sender), NULL, 0, SIZE_MAX, SIZE_MAX, 1};
        if ((platform && !r->platform) || (sender && !r->sender)) {
            ca_free(r->platform);
            ca_free(r->sender);
            r->used = 0;
            return NULL;
        }
        t->n++;
    }
    return r;
}

/* Row r takes the name seen at (conv, event) if that is earlier than its own. */
static int tally_name(tally_row *r, const char *name, size_t conv, size_t event)
{
    if (conv > r->conv || (conv == r->conv && event >= r->event))
        return 0;
    char *copy = dup0(name);
    if (name && !copy)
        return -1;
    ca_free(r->name);
    r->name = copy;
    r->conv = conv;
    r->event = event;
    return 0;
}

int ca_unresolved_tally_add(ca_unresolved_tally *t, const ca_event *const *ev, size_t n, size_t conv,
                            int64_t from_ms, int64_t to_ms)
{
    for (size_t i = 0; i < n; i++) {
        const ca_event *e = ev[i];
        if (!unresolved_in(e, from_ms, to_ms))
            continue;
        tally_row *r = tally_row_of(t, e->platform, e->sender);
        if (!r || tally_name(r, e->sender_name, conv, i) < 0)
            return -1;
        r->messages++;
    }
    return 0;
}

int ca_unresolved_tally_merge(ca_unresolved_tally *dst, const ca_unresolved_tally *src)
{
    for (size_t k = 0; k < src->cap; k++) {
        const tally_row *s = &src->rows[k];
        if (!s->used)
            continue;
        tally_row *r = tally_row_of(dst, s->platform, s->sender);
        if (!r || tally_name(r, s->name, s->conv, s->event) < 0)
            return -1;
        r->messages += s->messages;
    }
    return 0;
}

int ca_unresolved_tally_list(const ca_unresolved_tally *t, ca_unresolved **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!t->n)
        return 0;
    /* one block: the rows, then their strings */
    size_t bytes = t->n * sizeof **out;
    for (size_t k = 0; k < t->cap; k++)
        if (t->rows[k].used) {
            const tally_row *r = &t->rows[k];
            bytes += (r->platform ? strlen(r->platform) + 1 : 0) +
                     (r->sender ? strlen(r->sender) + 1 : 0) + (r->name ? strlen(r->name) + 1 : 0);
        }
    ca_unresolved *u = ca_malloc(bytes);
    if (!u)
        return -1;
    char *at = (char *)(u + t->n);
    size_t m = 0;
    for (size_t k = 0; k < t->cap; k++) {
        const tally_row *r = &t->rows[k];
        if (!r->used)
            continue;
        const char *src[3] = {r->platform, r->sender, r->name};
        const char *dst[3] = {NULL, NULL, NULL};
        for (int f = 0; f < 3; f++)
            if (src[f]) {
                size_t len = strlen(src[f]) + 1;
                memcpy(at, src[f], len);
                dst[f] = at;
                at += len;
            }
        u[m++] = (ca_unresolved){dst[0], dst[1], dst[2], r->messages};
    }
    qsort(u, m, sizeof *u, cmp_unresolved);
    *out = u;
    *n = m;
    return 0;
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
