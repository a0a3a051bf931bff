/*
 * membership.c — membership spans per person, from a conversation's events.
 */
#include <stdlib.h>
#include <string.h>
#include "membership.h"

struct ca_members {
    ca_member *items;   /* sorted by key once built */
    size_t n, cap;
    size_t *slots;      /* while building: open addressing, index + 1 */
    size_t n_slots;     /* a power of two, at least twice n */
};

const char *ca_member_key_sender(const ca_event *e)
{
    if (e->employee)
        return e->employee;
    return e->sender && *e->sender ? e->sender : e->sender_name;
}

const char *ca_member_key_target(const ca_event *e, uint32_t k)
{
    if (e->target_employees && e->target_employees[k])
        return e->target_employees[k];
    if (e->targets && e->targets[k] && *e->targets[k])
        return e->targets[k];
    return e->target_names ? e->target_names[k] : NULL;
}

static size_t *slot_of(const ca_members *m, const char *key)
{
    size_t mask = m->n_slots - 1;
    size_t h = (size_t)ca_hash64(key, strlen(key), 0) & mask;
    while (m->slots[h] && strcmp(m->items[m->slots[h] - 1].key, key) != 0)
        h = (h + 1) & mask;
    return &m->slots[h];
}

static int rehash(ca_members *m)
{
    size_t n_slots = m->n_slots ? m->n_slots * 2 : 64;
    size_t *slots = ca_calloc(n_slots, sizeof *slots);
    if (!slots)
        return -1;
    ca_free(m->slots);
    m->slots = slots;
    m->n_slots = n_slots;
    for (size_t i = 0; i < m->n; i++)
        *slot_of(m, m->items[i].key) = i + 1;
    return 0;
}

/* A hash table while building; the items are sorted afterwards and looked
 * up by binary search. */
static ca_member *find_or_add(ca_members *m, const char *key)
{
    if ((m->n + 1) * 2 > m->n_slots && rehash(m) < 0)
        return NULL;
    size_t *slot = slot_of(m, key);
    if (*slot)
        return &m->items[*slot - 1];
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        ca_member *ni = ca_realloc(m->items, cap * sizeof *ni);
        if (!ni)
            return NULL;
        m->items = ni;
        m->cap = cap;
    }
    ca_member *x = &m->items[m->n++];
    memset(x, 0, sizeof *x);
    x->key = key;
    *slot = m->n;
    return x;
}

static int push_span(ca_member *x, int64_t from, size_t ev, ca_member_sign sign)
{
    ca_member_span *ns = ca_realloc(x->spans, (x->n_spans + 1) * sizeof *ns);
    if (!ns)
        return -1;
    x->spans = ns;
    ca_member_span *s = &x->spans[x->n_spans++];
    s->from_ms = from;
    s->to_ms = CA_MEMBER_STILL;
    s->from_event = ev;
    s->to_event = (size_t)-1;
    s->from_sign = sign;
    s->to_sign = CA_SIGN_NONE;
    return 0;
}

static int is_open(const ca_member *x)
{
    return x->n_spans && x->spans[x->n_spans - 1].to_ms == CA_MEMBER_STILL;
}

/* A sign of membership at event i: opens a span unless one is open. */
static int sign_in(ca_members *m, const char *key, const char *employee, const char *pid,
                   const char *name, const ca_event *e, size_t i, ca_member_sign sign)
{
    if (!key || !*key)
        return 0;
    ca_member *x = find_or_add(m, key);
    if (!x)
        return -1;
    if (employee)
        x->employee = employee;
    if (pid && !x->platform_id)
        x->platform_id = pid;
    if (name && *name)
        x->name = name;
    if (is_open(x))
        return 0;
    /* a first sign by message: a member since before the export began */
    int64_t from = x->n_spans == 0 && sign == CA_SIGN_MESSAGE ? CA_MEMBER_SINCE_EVER : e->time_ms;
    return push_span(x, from, i, sign);
}

static int sign_out(ca_members *m, const char *key, const char *employee, const ca_event *e, size_t i,
                    ca_member_sign sign)
{
    if (!key || !*key)
        return 0;
    ca_member *x = find_or_add(m, key);
    if (!x)
        return -1;
    if (employee)
        x->employee = employee;
    /* leaving without a sign before: a member since before the export */
    if (!is_open(x) && push_span(x, x->n_spans ? e->time_ms : CA_MEMBER_SINCE_EVER, i, CA_SIGN_MESSAGE) < 0)
        return -1;
    ca_member_span *s = &x->spans[x->n_spans - 1];
    s->to_ms = e->time_ms;
    s->to_event = i;
    s->to_sign = sign;
    return 0;
}

static int cmp_member(const void *a, const void *b)
{
    return strcmp(((const ca_member *)a)->key, ((const ca_member *)b)->key);
}

ca_members *ca_members_build(const ca_conv *conv)
{
    ca_members *m = ca_calloc(1, sizeof *m);
    if (!m)
        return NULL;
    int rc = 0;
    for (size_t i = 0; i < conv->n_events && rc == 0; i++) {
        const ca_event *e = conv->events[i];
        switch (e->kind) {
        case CA_KIND_JOIN:
            for (uint32_t k = 0; k < e->n_targets && rc == 0; k++)
                rc = sign_in(m, ca_member_key_target(e, k),
                             e->target_employees ? e->target_employees[k] : NULL,
                             e->targets ? e->targets[k] : NULL,
                             e->target_names ? e->target_names[k] : NULL, e, i, CA_SIGN_JOIN);
            break;
        case CA_KIND_LEAVE:
            rc = sign_out(m, ca_member_key_sender(e), e->employee, e, i, CA_SIGN_LEAVE);
            break;
        case CA_KIND_REMOVE:
            for (uint32_t k = 0; k < e->n_targets && rc == 0; k++)
                rc = sign_out(m, ca_member_key_target(e, k),
                              e->target_employees ? e->target_employees[k] : NULL, e, i,
                              CA_SIGN_REMOVE);
            break;
        case CA_KIND_MESSAGE:
            rc = sign_in(m, ca_member_key_sender(e), e->employee,
                         (e->flags & CA_EV_SENDER_WEAK) ? NULL : e->sender, e->sender_name, e, i,
                         CA_SIGN_MESSAGE);
            break;
        default: /* notices, renames, recalls: a system line, no sign of anyone */
            break;
        }
    }
    if (rc != 0) {
        ca_members_free(m);
        return NULL;
    }
    ca_free(m->slots);
    m->slots = NULL;
    m->n_slots = 0;
    if (m->n)
        qsort(m->items, m->n, sizeof *m->items, cmp_member);
    return m;
}

void ca_members_free(ca_members *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        ca_free(m->items[i].spans);
    ca_free(m->items);
    ca_free(m->slots);
    ca_free(m);
}

size_t ca_members_count(const ca_members *m) { return m ? m->n : 0; }

const ca_member *ca_members_at(const ca_members *m, size_t i)
{
    return m && i < m->n ? &m->items[i] : NULL;
}

const ca_member *ca_members_find(const ca_members *m, const char *key)
{
    if (!m || !key || !m->n)
        return NULL;
    ca_member probe;
    memset(&probe, 0, sizeof probe);
    probe.key = key;
    return bsearch(&probe, m->items, m->n, sizeof *m->items, cmp_member);
}

int ca_members_is_member(const ca_members *m, const char *key, int64_t t_ms)
{
    const ca_member *x = ca_members_find(m, key);
    if (!x)
        return 0;
    for (size_t k = 0; k < x->n_spans; k++)
        if (x->spans[k].from_ms <= t_ms && t_ms < x->spans[k].to_ms)
            return 1;
    return 0;
}
