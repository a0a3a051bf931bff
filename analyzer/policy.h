/*
 * policy.h — the settings of policy.ini (SPEC §4), every key with the
 * policy's own number as its default.  One table describes every key
 * (section, name, type, limits, default); parsing, defaults, `chataudit
 * check` and the nearest-key suggestion for a misspelt key all read it.
 */
#ifndef CA_POLICY_H
#define CA_POLICY_H

#include "ca.h"
#include "diag.h"

enum {
    CA_LEX_POLITICS, CA_LEX_RELIGION, CA_LEX_PORN, CA_LEX_VIOLENCE, CA_LEX_ABUSE,
    CA_LEX_AD, CA_LEX_OFFTOPIC, CA_LEX_PUBLIC_TOPICS, CA_LEX_ALLOW, CA_LEX__COUNT
};

typedef struct ca_time_range {
    int start, end; /* minutes after midnight, start < end */
} ca_time_range;

typedef struct ca_strlist {
    char **items;
    size_t n;
} ca_strlist;

typedef struct ca_policy {
    /* [company] */
    char *company_name, *executive_office, *admin_center;
    int tz_offset_min;
    /* [hours] */
    unsigned workdays;            /* bit 0 Monday ... bit 6 Sunday */
    int open_min, close_min;
    ca_time_range breaks[8];
    int n_breaks;
    int business_hours;
    /* [reply] */
    int employee_question_minutes, leader_request_minutes, public_question_minutes;
    ca_strlist question_words;
    /* [onboarding] */
    int earliest_day, latest_day;
    /* [nickname] */
    char *separators;
    int grace_days;
    char *department_aliases;     /* alias=department;... as written */
    /* [lexicon] paths, relative to the configuration folder ("" = none) */
    char *lexicon[CA_LEX__COUNT];
    /* [links] */
    ca_strlist allowed_domains;
    /* [incident] */
    int merge_minutes;
    /* [penalty] */
    char *redline_first, *redline_later, *content_first, *content_later, *reply_sanction;
    int content_fine_yuan, reply_points, adjust_min_points, adjust_max_points;
    char *reply_min_level;
    /* [files] */
    char *roster_file, *groups_file, *holidays_file, *ledger_file;
    /* [email] (--email): the To and From headers; to "" = no recipient yet */
    char *email_to, *email_from;
} ca_policy;

/* Sets every key to its default.  0, or -1 on out of memory. */
int ca_policy_defaults(ca_policy *p);
void ca_policy_free(ca_policy *p);

/*
 * Applies "key = value" from section of file:line.  An unknown section or
 * key is an error naming the nearest valid one ("unknown key
 * [reply] employe_question_minutes; did you mean employee_question_minutes?");
 * a bad value is an error saying what was expected.  Returns CA_OK,
 * CA_FAILED (reported), CA_FATAL (oom).
 */
ca_status ca_policy_set(ca_policy *p, const char *section, const char *key, const char *value,
                        const char *file, long line, ca_diag *diag);

/* Whether section names a known section. */
int ca_policy_known_section(const char *section);
/* Suggests the nearest known "section" (for an unknown [section]). */
const char *ca_policy_nearest_section(const char *section);

/* The lexicon key names, "redline.politics" ... "allow", by CA_LEX_*. */
const char *ca_policy_lexicon_key(int lex);

/* Writes every key with its current value, as a policy.ini would hold
 * it, to out (for `chataudit check --print`). */
void ca_policy_print(const ca_policy *p, void *file);

#endif
