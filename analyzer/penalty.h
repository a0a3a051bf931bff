/*
 * penalty.h — penalties across months (SPEC §7, policy 5.2): findings of
 * every recorded period merged into incidents, incidents numbered per
 * person and penalty class in time order, and each given its sanction from
 * [penalty].  Pure computation on a list of findings as the ledger keeps
 * them; analyzer/ledger.c loads and stores them, the report writers read
 * the result.
 *
 * Lifecycle: ca_penalties_new, ca_penalties_add_finding / _add_adjustment /
 * _add_period for everything the ledger holds, ca_penalties_compute once,
 * then only reads; ca_penalties_free.
 */
#ifndef CA_PENALTY_H
#define CA_PENALTY_H

#include "ca.h"
#include "policy.h"

typedef enum { CA_REVIEW_NONE = 0, CA_REVIEW_CONFIRMED, CA_REVIEW_DISMISSED } ca_review;

/* A finding as the ledger keeps it: enough to merge, number and explain
 * it.  Every string is owned by the ca_penalties (copied on add). */
typedef struct ca_lfinding {
    const char *id;                 /* the finding's stable id (findings.csv finding_id) */
    const char *period;             /* YYYY-MM */
    const char *rule, *pclass;      /* pclass: "redline", "content" or "reply" */
    const char *person_id, *person_name, *department, *level;
    const char *platform, *conv_id, *conv_name;
    int64_t time_ms;
    const char *message_id, *evidence, *src;
    ca_review review;         /* the latest review of this finding */
    const char *review_reason;      /* NULL without a review */
    const char *review_sanction;    /* the sanction a confirmation confirmed; NULL for a
                                     * review recorded before reviews kept it */
    size_t incident;          /* index into incidents, set by compute */
} ca_lfinding;

typedef enum {
    CA_INC_PROPOSED = 0, /* red line, not yet reviewed: the outcome is a proposal */
    CA_INC_APPLIED,      /* content / reply, not reviewed: applies as the policy says */
    CA_INC_CONFIRMED,    /* a reviewer confirmed one of its findings */
    CA_INC_DISMISSED     /* every finding dismissed: counts for nothing */
} ca_incident_status;

typedef struct ca_incident {
    char id[18];              /* "I" + 16 hex: from its first finding's id */
    size_t first, n;          /* its findings: findings[first .. first + n) */
    const char *period, *pclass, *rule, *person_id; /* borrowed from findings[first] */
    int64_t first_ms, last_ms;
    int offence_no;           /* per person and class over every period; 0 when dismissed */
    ca_incident_status status;
    const char *sanction;     /* borrowed from the policy; "" for none */
    long fine_yuan;           /* -1: not a fixed amount (the month's performance pay) */
    int points;               /* reply points including adjustments */
    int adjust_points;        /* the executive office's additions */
} ca_incident;

/* An executive-office adjustment (chataudit ledger adjust). */
typedef struct ca_adjustment {
    const char *incident_id, *person_id, *reason, *time;
    int points;
} ca_adjustment;

/* What the ledger knows of a period besides its findings. */
typedef struct ca_period_stats {
    const char *period;
    long messages, findings; /* in the period; findings of every rule */
} ca_period_stats;

typedef struct ca_penalties {
    ca_lfinding *findings;     /* after compute: grouped by incident */
    size_t n_findings, cap_findings;
    ca_incident *incidents;    /* after compute: by person, class, time */
    size_t n_incidents;
    ca_adjustment *adjustments;
    size_t n_adjustments, cap_adjustments;
    ca_period_stats *periods;  /* sorted by period */
    size_t n_periods, cap_periods;
    char *period;              /* the period being reported (NULL: none) */
    char *ledger_path;         /* NULL: no ledger (--no-ledger), this run only */
    int oom;
    size_t *by_id;             /* finding indexes sorted by id (compute) */
} ca_penalties;

/* An empty set; NULL on out of memory. */
ca_penalties *ca_penalties_new(void);
void ca_penalties_free(ca_penalties *p);

/* Copies *f (every string) in.  0, or -1 on out of memory. */
int ca_penalties_add_finding(ca_penalties *p, const ca_lfinding *f);
/* Copies *a in.  0 or -1 on out of memory. */
int ca_penalties_add_adjustment(ca_penalties *p, const ca_adjustment *a);
/* Records a period's totals (replacing an earlier record of it).  0 / -1. */
int ca_penalties_add_period(ca_penalties *p, const char *period, long messages, long findings);
/* Sets the period reported and the ledger path (both copied; NULL allowed). */
int ca_penalties_set_context(ca_penalties *p, const char *period, const char *ledger_path);

/*
 * Merges the findings into incidents (same person, rule and conversation
 * within one period, each within pol->merge_minutes of the previous),
 * numbers each person's incidents per class in time order across every
 * period (dismissed ones excluded), and sets status and sanction from
 * [penalty]: red line 1st redline_first (fine not a fixed amount), later
 * redline_later; content 1st content_first (0 yuan), later content_later
 * (content_fine_yuan); reply reply_sanction and reply_points for a level
 * at or above reply_min_level plus the adjustments naming the incident
 * (or the id it had when adjusted: the id of one of its findings as first
 * finding; such an adjustment's incident_id is updated), nothing below (an adjustment of such an incident adds nothing).  Deterministic: the order of adding does not matter.
 * May be called again after more adds.  0, or -1 on out of memory.
 */
int ca_penalties_compute(ca_penalties *p, const ca_policy *pol);

/* The incident holding finding finding_id, or NULL (binary search). */
const ca_incident *ca_penalties_incident_of(const ca_penalties *p, const char *finding_id);
/* The incident with this id, or NULL. */
const ca_incident *ca_penalties_incident(const ca_penalties *p, const char *incident_id);

/* "proposed", "applied", "confirmed", "dismissed". */
const char *ca_incident_status_name(ca_incident_status s);
/* Whether level (roster level name) is at or above min_level; an unknown
 * or NULL level counts as staff. */
int ca_level_at_least(const char *level, const char *min_level);
/* Position of a penalty class in report order: redline 0, content 1,
 * reply 2, anything else 3. */
int ca_pclass_rank(const char *pclass);
/* The class's name in Chinese ("红线", "内容", "回复"). */
const char *ca_pclass_title(const char *pclass);

#endif
