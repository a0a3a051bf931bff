/*
 * content_lexicon.c — the rules that are a lexicon and nothing else:
 * redline.politics, redline.religion, redline.porn, redline.violence
 * (4.2.5.1), redline.abuse (4.2.5.2) and content.offtopic (4.2.1, 4.2.4).
 * Each scans the normalized text of every scanned unit of a message once,
 * maps the hit back to the original characters, and drops hits inside an
 * allow-list term (路口交通 is not 口交).
 */
#include <string.h>
#include "../analyzer/rule.h"

#include "content_common.h"

typedef struct lex_rule {
    const ca_rule *rule;
    int lex;
} lex_rule;

static int lexicon_event(ca_rule_ctx *ctx, size_t i, const ca_rule *rule, int lex)
{
    const ca_event *e = ctx->conv->events[i];
    if (e->kind != CA_KIND_MESSAGE || !ctx->content->lex[lex] || !ca_rule_in_period(ctx, e->time_ms))
        return 0;
    ca_lex_hit hit;
    for (size_t u = 0; u < ctx->n_units; u++) {
        if (!ca_content_first_hit(ctx, lex, &ctx->units[u], &hit))
            continue;
        const ca_unit *un = &ctx->units[u];
        long line = 0;
        const char *file = ca_lexicon_source(ctx->content->lex[lex], hit.id, &line);
        const char *term = ca_lexicon_term(ctx->content->lex[lex], hit.id);
        return ca_rule_report(ctx, rule, i, NULL, un->text, un->len, hit.orig_start, hit.orig_end,
                              "matched \"%s\" (%s:%ld) in %s", term ? term : "?",
                              file ? file : "?", line, ca_unit_name(un->kind));
    }
    return 0;
}

#define LEXICON_RULE(sym, id, clause, cls, sev, lex)                                        \
    extern const ca_rule sym;                                                             \
    static int sym##_event(ca_rule_ctx *ctx, void *state, size_t i)                       \
    {                                                                                     \
        (void)state;                                                                      \
        return lexicon_event(ctx, i, &sym, lex);                                          \
    }                                                                                     \
    const ca_rule sym = {id, clause, cls, sev, 0, NULL, sym##_event, NULL, NULL, NULL, NULL};

LEXICON_RULE(ca_rule_redline_politics, "redline.politics", "4.2.5.1", "redline", CA_SEV_CRITICAL,
             CA_LEX_POLITICS)
LEXICON_RULE(ca_rule_redline_religion, "redline.religion", "4.2.5.1", "redline", CA_SEV_CRITICAL,
             CA_LEX_RELIGION)
LEXICON_RULE(ca_rule_redline_porn, "redline.porn", "4.2.5.1", "redline", CA_SEV_CRITICAL,
             CA_LEX_PORN)
LEXICON_RULE(ca_rule_redline_violence, "redline.violence", "4.2.5.1", "redline", CA_SEV_CRITICAL,
             CA_LEX_VIOLENCE)
LEXICON_RULE(ca_rule_redline_abuse, "redline.abuse", "4.2.5.2", "redline", CA_SEV_CRITICAL,
             CA_LEX_ABUSE)
LEXICON_RULE(ca_rule_content_offtopic, "content.offtopic", "4.2.1", "content", CA_SEV_MINOR,
             CA_LEX_OFFTOPIC)
