/*
 * rule.h — the contract between the engine and the rules (SPEC §6).
 *
 * A rule is a table entry {id, clause, class, state size, init, on_event,
 * finish}.  The engine runs every rule over one conversation at a time, on
 * worker threads: a rule's state belongs to one conversation of one
 * worker; everything else it sees is const.  Adding a rule is adding a
 * file in rules/ and a line to the table in rules/rules.c.
 */
#ifndef CA_RULE_H
#define CA_RULE_H

#include "config.h"
#include "finding.h"
#include "lexicon.h"
#include "matcher.h"
#include "membership.h"
#include "normalize.h"

/* The lexicons and lists the content rules use, loaded once (const). */
typedef struct ca_content {
    ca_lexicon *lex[CA_LEX__COUNT]; /* NULL when the file is absent */
    /* One automaton over the terms and patterns of every lexicon but the
     * allow list (which has its own, built, for ca_lexicon_allowed): a hit
     * of lexicon k's id i is reported as base[k] + i.  NULL when no
     * lexicon is loaded.  Only the allow list's own matcher is built. */
    ca_matcher *all;
    uint32_t base[CA_LEX__COUNT + 1];
} ca_content;

/* One piece of a message that content rules scan: its text, a link's
 * title or URL, a file name, an item of a merged record. */
typedef enum {
    CA_UNIT_TEXT, CA_UNIT_TITLE, CA_UNIT_URL, CA_UNIT_FILE, CA_UNIT_RECORD
} ca_unit_kind;

typedef struct ca_unit {
    ca_unit_kind kind;
    const char *text;    /* original */
    size_t len;
    ca_norm norm;        /* normalized with CA_NORM_STRIP */
} ca_unit;

/* A hit of the combined automaton in a unit's normalized text. */
typedef struct ca_unit_hit {
    size_t start, end;  /* in the unit's normalized text */
    uint32_t id;        /* the id in lexicon lex */
    int16_t lex;        /* CA_LEX_* */
    int8_t allowed;     /* the allow list clears it: 1, 0, or -1 not yet known */
} ca_unit_hit;

/* Per worker: scratch the engine reuses across messages. */
typedef struct ca_worker_scratch {
    ca_match_scratch *match[CA_LEX__COUNT]; /* [CA_LEX_ALLOW] only */
    ca_unit units[64];
    size_t n_units;
    /* Every lexicon's hits in each unit, found by one scan of the combined
     * automaton the first time a rule asks (ca_content_first_hit), then
     * read by every rule: unit k's are hits[hit_from[k] ..
     * hit_from[k] + hit_n[k]) once scanned[k] is set.  fill_units resets. */
    ca_match_scratch *all_match;
    ca_unit_hit *hits;
    size_t n_hits, cap_hits;
    size_t hit_from[64], hit_n[64];
    unsigned char scanned[64];
    int oom; /* a hit list could not grow: the worker fails */
    /* What the reply rules found of the current message, for the next
     * reply rule to read instead of working it out again: -1 not yet. */
    signed char work_question, public_topic;
} ca_worker_scratch;

typedef struct ca_rule ca_rule;

typedef struct ca_rule_ctx {
    const ca_config *cfg;
    const ca_content *content;
    const ca_conv *conv;
    int64_t period_start_ms, period_end_ms; /* [start, end) */
    ca_worker_scratch *scratch;
    ca_findings *out;
    /* the current event's scan units, filled by the engine for messages
     * (valid during on_event only) */
    const ca_unit *units;
    size_t n_units;
    /* what the current rule's prepare() built over all conversations */
    const void *shared;
    /* who is a member of the conversation when (built once per conversation) */
    const ca_members *members;
} ca_rule_ctx;

struct ca_rule {
    const char *id;             /* "content.privacy" */
    const char *clause;         /* "4.2.1" */
    const char *penalty_class;  /* "redline", "content", "reply" or NULL */
    ca_severity severity;
    size_t state_size;
    /* each returns 0, or -1 on out of memory */
    int (*init)(ca_rule_ctx *ctx, void *state);
    int (*on_event)(ca_rule_ctx *ctx, void *state, size_t i); /* ctx->conv->events[i] */
    int (*finish)(ca_rule_ctx *ctx, void *state);
    void (*cleanup)(void *state);
    /* optional, once per run before the workers start, for rules that
     * look across conversations: returns what ctx->shared shows the rule
     * (read-only from then on), or NULL with *failed set on oom.  It may
     * use up to threads threads (ca_parallel) while it runs; what it
     * returns must not depend on their number. */
    void *(*prepare)(const ca_config *cfg, const ca_conv *convs, size_t n, int threads,
                     int *failed);
    void (*release)(void *shared);
};

extern const ca_rule *const ca_rules[];
extern const size_t ca_n_rules;

/* Whether an event's time lies in the audited period (findings only for
 * those; the rest is context). */
int ca_rule_in_period(const ca_rule_ctx *ctx, int64_t time_ms);

/*
 * Reports a finding of rule about event i of the conversation, against
 * person_id (a roster id; NULL: the event's sender), with evidence (copied;
 * may be NULL) highlighted on [hl_start, hl_end), and a detail sentence.
 * Fills the person's name and department from the roster.  0 or -1 (oom).
 */
int ca_rule_report(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, const char *person_id,
                   const char *evidence, size_t evidence_len, size_t hl_start, size_t hl_end,
                   const char *fmt, ...) CA_PRINTF(9, 10);

/* Reports a finding of rule about the conversation as a whole, about no
 * message (a hire never added to the group), timed at at_ms (when it fell
 * due), against person_id; its source is the export file that shows the
 * conversation from that time on.  0 or -1 (oom). */
int ca_rule_report_at(ca_rule_ctx *ctx, const ca_rule *rule, int64_t at_ms, const char *person_id,
                      const char *fmt, ...) CA_PRINTF(5, 6);

/* Starts a new message in ws: no units, no hits, nothing the rules noted
 * of the previous one.  The engine calls it before it fills the units of
 * each event (tests that drive rules themselves call it too). */
void ca_scratch_begin(ca_worker_scratch *ws);

/* Builds ct->all, the one automaton over every loaded lexicon but the
 * allow list, and ct->base (run.c does it after loading; tests that load
 * lexicons themselves call it too).  0 or -1 (oom). */
int ca_content_combine(ca_content *ct);

/* Adds a latency record (reply rules).  0 or -1 (oom). */
int ca_rule_latency(ca_rule_ctx *ctx, const ca_latency *rec);

/*
 * Adds a data-quality note of rule about event i of the conversation (or
 * the whole conversation when i is (size_t)-1): something the rule could
 * not check, said in words.  0 or -1 (oom).
 */
int ca_rule_note(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, const char *fmt, ...)
    CA_PRINTF(4, 5);

#endif
