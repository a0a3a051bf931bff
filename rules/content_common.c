/*
 * content_common.c — lexicon scanning shared by the content rules.
 */
#include <string.h>
#include "content_common.h"

typedef struct scan_state {
    ca_rule_ctx *ctx;
    const ca_unit *unit;
    ca_lex_hit *hit;
    int found;
} scan_state;

static int on_match(void *ud, const ca_match *m)
{
    scan_state *s = ud;
    const ca_lexicon *allow = s->ctx->content->lex[CA_LEX_ALLOW];
    if (allow && ca_lexicon_allowed(allow, s->ctx->scratch->match[CA_LEX_ALLOW], s->unit->norm.text,
                                    s->unit->norm.len, m->start, m->end))
        return 0; /* inside an allowed term: not a hit */
    s->hit->id = m->id;
    s->hit->norm_start = m->start;
    s->hit->norm_end = m->end;
    ca_norm_span(&s->unit->norm, m->start, m->end, &s->hit->orig_start, &s->hit->orig_end);
    s->found = 1;
    return 1;
}

int ca_content_first_hit(ca_rule_ctx *ctx, int lex, const ca_unit *u, ca_lex_hit *hit)
{
    const ca_lexicon *lx = ctx->content->lex[lex];
    if (!lx || !u->norm.len)
        return 0;
    scan_state s = {ctx, u, hit, 0};
    ca_matcher_scan(ca_lexicon_matcher(lx), ctx->scratch->match[lex], u->norm.text, u->norm.len,
                    on_match, &s);
    return s.found;
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
