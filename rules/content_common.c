/*
 * content_common.c — lexicon scanning shared by the content rules.
 */
#include <string.h>
#include "content_common.h"

typedef struct collect_state {
    ca_worker_scratch *ws;
    const ca_content *ct;
} collect_state;

/* Appends a hit of the combined automaton, with its lexicon. */
static int on_match(void *ud, const ca_match *m)
{
    collect_state *c = ud;
    ca_worker_scratch *ws = c->ws;
    if (ws->n_hits == ws->cap_hits) {
        size_t cap = ws->cap_hits ? ws->cap_hits * 2 : 64;
        ca_unit_hit *nh = ca_realloc(ws->hits, cap * sizeof *nh);
        if (!nh) {
            ws->oom = 1;
            return 1;
        }
        ws->hits = nh;
        ws->cap_hits = cap;
    }
    int k = 0;
    while (k + 1 < CA_LEX__COUNT && m->id >= c->ct->base[k + 1])
        k++;
    ws->hits[ws->n_hits++] = (ca_unit_hit){m->start, m->end, m->id - c->ct->base[k], (int16_t)k, -1};
    return 0;
}

/* The hits of every lexicon in unit u: one scan, the first time asked. */
static ca_unit_hit *unit_hits(ca_rule_ctx *ctx, const ca_unit *u, size_t *n)
{
    ca_worker_scratch *ws = ctx->scratch;
    *n = 0;
    if (!ctx->content->all)
        return NULL;
    if (u < ws->units || u >= ws->units + ws->n_units)
        return NULL; /* only the units the engine filled for this message */
    size_t k = (size_t)(u - ws->units);
    if (!ws->scanned[k]) {
        collect_state c = {ws, ctx->content};
        ws->hit_from[k] = ws->n_hits;
        /* normalized text is valid UTF-8 (normalize.h): no check needed */
        ca_matcher_scan_valid(ctx->content->all, ws->all_match, u->norm.text, u->norm.len,
                              on_match, &c);
        ws->hit_n[k] = ws->n_hits - ws->hit_from[k];
        ws->scanned[k] = 1;
    }
    *n = ws->hit_n[k];
    return *n ? ws->hits + ws->hit_from[k] : NULL;
}

int ca_content_first_hit(ca_rule_ctx *ctx, int lex, const ca_unit *u, ca_lex_hit *hit)
{
    if (!ctx->content->lex[lex] || !u->norm.len)
        return 0;
    size_t n;
    ca_unit_hit *h = unit_hits(ctx, u, &n);
    const ca_lexicon *allow = ctx->content->lex[CA_LEX_ALLOW];
    for (size_t i = 0; i < n; i++) {
        if (h[i].lex != lex)
            continue;
        if (h[i].allowed < 0) /* once per hit, whichever rule asks first */
            h[i].allowed = (int8_t)(allow && ca_lexicon_allowed(allow, ctx->scratch->match[CA_LEX_ALLOW],
                                                                u->norm.text, u->norm.len,
                                                                h[i].start, h[i].end));
        if (h[i].allowed)
            continue; /* inside an allowed term: not a hit */
        hit->id = h[i].id;
        hit->norm_start = h[i].start;
        hit->norm_end = h[i].end;
        ca_norm_span(&u->norm, h[i].start, h[i].end, &hit->orig_start, &hit->orig_end);
        return 1;
    }
    return 0;
}

const char *ca_unit_name(ca_unit_kind k)
{
    switch (k) {
    case CA_UNIT_TEXT: return "the message";
    case CA_UNIT_TITLE: return "a link title";
    case CA_UNIT_URL: return "a link";
    case CA_UNIT_FILE: return "a file name";
    case CA_UNIT_RECORD: return "a forwarded record";
    }
    return "the message";
}
