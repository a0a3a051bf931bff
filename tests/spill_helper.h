/*
 * spill_helper.h — what test_spill and spill_bench share: an exact
 * comparison of two events (every field; pointer identity where the writer
 * was told a string lasts), a pointer-count table that stands in for "is
 * interned" on real parser output, and the cutting of an import's events
 * into segments as the streaming import would make them.
 *
 * Static inline, include after the project headers.
 */
#ifndef CA_TESTS_SPILL_HELPER_H
#define CA_TESTS_SPILL_HELPER_H

#include <stdlib.h>
#include <string.h>
#include "spill.h"

/* Whether a and b are the same string; same pointer when lasting says a
 * lasts. */
static inline int sh_same_str(const char *a, const char *b, ca_spill_lasting_fn lasting, void *ud)
{
    if (!a || !b)
        return a == b;
    if (lasting && lasting(ud, a))
        return a == b;
    return strcmp(a, b) == 0;
}

static inline int sh_same_strv(const char *const *a, const char *const *b, uint32_t n,
                               ca_spill_lasting_fn lasting, void *ud)
{
    if (!a || !b)
        return a == b;
    for (uint32_t k = 0; k < n; k++)
        if (!sh_same_str(a[k], b[k], lasting, ud))
            return 0;
    return 1;
}

/* Every field of a and b equal (strings by content, by pointer where
 * lasting); the name of the first field that differs, or NULL. */
static inline const char *sh_diff_event(const ca_event *a, const ca_event *b,
                                        ca_spill_lasting_fn lasting, void *ud)
{
#define SH_S(f) if (!sh_same_str(a->f, b->f, lasting, ud)) return #f
#define SH_N(f) if (a->f != b->f) return #f
    SH_S(platform); SH_S(conv); SH_S(conv_name); SH_S(id); SH_N(time_ms); SH_N(kind);
    SH_N(type); SH_S(sender); SH_S(sender_name); SH_S(employee); SH_S(text);
    SH_N(n_mentions); SH_S(reply_to); SH_S(quote_sender); SH_S(quote_text); SH_S(url);
    SH_S(title); SH_S(actor); SH_S(actor_name); SH_S(actor_employee); SH_N(n_targets);
    SH_N(n_items); SH_S(src_path); SH_N(src_line); SH_N(flags); SH_N(seq);
    if (!sh_same_strv(a->mentions, b->mentions, a->n_mentions, lasting, ud)) return "mentions";
    if (!sh_same_strv(a->mention_ids, b->mention_ids, a->n_mentions, lasting, ud)) return "mention_ids";
    if (!sh_same_strv(a->targets, b->targets, a->n_targets, lasting, ud)) return "targets";
    if (!sh_same_strv(a->target_names, b->target_names, a->n_targets, lasting, ud)) return "target_names";
    if (!sh_same_strv(a->target_employees, b->target_employees, a->n_targets, lasting, ud))
        return "target_employees";
    if (!a->items != !b->items)
        return "items";
    for (uint32_t k = 0; a->items && k < a->n_items; k++) {
        const ca_record_item *x = &a->items[k], *y = &b->items[k];
        if (!sh_same_str(x->sender_name, y->sender_name, lasting, ud) ||
            !sh_same_str(x->time_text, y->time_text, lasting, ud) || x->time_ms != y->time_ms ||
            x->type != y->type || !sh_same_str(x->text, y->text, lasting, ud))
            return "items[]";
    }
#undef SH_S
#undef SH_N
    return NULL;
}

/* ---- pointer counts: on parser output, a string pointer met in two
 * places or more is shared, which an arena copy made for one field of one
 * event never is: interned (or static, or the configuration's).  A pointer
 * met once is treated as a copy even when it is interned; copying it costs
 * what its pointer would, give or take a few bytes. */

typedef struct sh_pcount {
    const char **key;
    uint32_t *n;
    size_t cap, len;
} sh_pcount;

static inline size_t sh_pslot(const sh_pcount *t, const char *p)
{
    size_t j = (size_t)(((uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull) >> 20) & (t->cap - 1);
    while (t->key[j] && t->key[j] != p)
        j = (j + 1) & (t->cap - 1);
    return j;
}

static inline void sh_pcount_add(sh_pcount *t, const char *p)
{
    if (!p)
        return;
    if ((t->len + 1) * 2 > t->cap) {
        sh_pcount old = *t;
        t->cap = old.cap ? old.cap * 2 : 1024;
        t->key = calloc(t->cap, sizeof *t->key);
        t->n = calloc(t->cap, sizeof *t->n);
        for (size_t i = 0; i < old.cap; i++)
            if (old.key[i]) {
                size_t j = sh_pslot(t, old.key[i]);
                t->key[j] = old.key[i];
                t->n[j] = old.n[i];
            }
        free(old.key);
        free(old.n);
    }
    size_t j = sh_pslot(t, p);
    if (!t->key[j]) {
        t->key[j] = p;
        t->len++;
    }
    t->n[j]++;
}

static inline uint32_t sh_pcount_get(const sh_pcount *t, const char *p)
{
    if (!t->cap)
        return 0;
    size_t j = sh_pslot(t, p);
    return t->key[j] ? t->n[j] : 0;
}

static inline void sh_pcount_free(sh_pcount *t)
{
    free(t->key);
    free(t->n);
    memset(t, 0, sizeof *t);
}

static inline void sh_pcount_strv(sh_pcount *t, const char *const *v, uint32_t n)
{
    for (uint32_t k = 0; v && k < n; k++)
        sh_pcount_add(t, v[k]);
}

/* Counts every string pointer of e. */
static inline void sh_pcount_event(sh_pcount *t, const ca_event *e)
{
    const char *const s[] = {e->platform, e->conv, e->conv_name, e->id, e->sender, e->sender_name,
                             e->employee, e->text, e->reply_to, e->quote_sender, e->quote_text,
                             e->url, e->title, e->actor, e->actor_name, e->actor_employee,
                             e->src_path};
    for (size_t k = 0; k < sizeof s / sizeof *s; k++)
        sh_pcount_add(t, s[k]);
    sh_pcount_strv(t, e->mentions, e->n_mentions);
    sh_pcount_strv(t, e->mention_ids, e->n_mentions);
    sh_pcount_strv(t, e->targets, e->n_targets);
    sh_pcount_strv(t, e->target_names, e->n_targets);
    sh_pcount_strv(t, e->target_employees, e->n_targets);
    for (uint32_t k = 0; e->items && k < e->n_items; k++) {
        sh_pcount_add(t, e->items[k].sender_name);
        sh_pcount_add(t, e->items[k].time_text);
        sh_pcount_add(t, e->items[k].text);
    }
}

/* ca_spill_lasting_fn: shared pointers last. */
static inline int sh_lasting_shared(void *ud, const char *s) { return sh_pcount_get(ud, s) >= 2; }

/* The end of the segment that starts at events[i]: the run of events of
 * one source entry and one conversation (the streaming import's segment;
 * here in the finished import's order), at most max events. */
static inline size_t sh_segment_end(const ca_event *const *events, size_t n, size_t i, size_t max)
{
    size_t j = i + 1;
    while (j < n && j - i < max && events[j]->src_path == events[i]->src_path &&
           events[j]->conv == events[i]->conv && events[j]->platform == events[i]->platform)
        j++;
    return j;
}

#endif
