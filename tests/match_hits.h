/*
 * match_hits.h — the matcher tests' collector: every match a scan reports,
 * in order, optionally stopping the scan after stop_after of them.
 */
#ifndef CA_TEST_MATCH_HITS_H
#define CA_TEST_MATCH_HITS_H

#include <stdlib.h>
#include <string.h>
#include "matcher.h"

typedef struct hits {
    ca_match *v;
    size_t n, cap;
    size_t stop_after; /* 0: never stop */
} hits;

/* ca_match_fn: appends mt to the hits at ud. */
static int collect(void *ud, const ca_match *mt)
{
    hits *h = ud;
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = realloc(h->v, h->cap * sizeof *h->v);
    }
    h->v[h->n++] = *mt;
    return h->stop_after && h->n >= h->stop_after;
}

static void hits_free(hits *h)
{
    free(h->v);
    memset(h, 0, sizeof *h);
}

#endif
