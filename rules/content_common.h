/*
 * content_common.h — lexicon scanning shared by the content rules.
 */
#ifndef CA_RULES_CONTENT_COMMON_H
#define CA_RULES_CONTENT_COMMON_H

#include "../analyzer/rule.h"

typedef struct ca_lex_hit {
    uint32_t id;                  /* term id in the lexicon */
    size_t norm_start, norm_end;  /* in the unit's normalized text */
    size_t orig_start, orig_end;  /* in the unit's original text */
} ca_lex_hit;

/* The first hit of lexicon lex in the unit that no allow-list term covers;
 * 1 when found (hit filled), else 0. */
int ca_content_first_hit(ca_rule_ctx *ctx, int lex, const ca_unit *u, ca_lex_hit *hit);

/* "the message", "a link title", ... */
const char *ca_unit_name(ca_unit_kind k);

#endif
