/*
 * finding.h — what a rule reports (SPEC §6, §9): a responsible person, the
 * event that triggered it, evidence with the matched characters, and where
 * it came from.  Rules produce findings; reports turn them into files.
 */
#ifndef CA_FINDING_H
#define CA_FINDING_H

#include "buf.h"
#include "config.h"
#include "event.h"

/* A conversation as the rules see it: its events in time order, and what
 * groups.csv says of it.  Borrowed by rules for the length of the run. */
typedef struct ca_conv {
    const char *platform, *id, *name;   /* name: latest known group name */
    const ca_group_reg *reg;            /* groups.csv row or NULL */
    const ca_event *const *events;
    size_t n_events;
    size_t index;                        /* position in the run's list */
} ca_conv;

typedef enum { CA_SEV_INFO = 0, CA_SEV_MINOR, CA_SEV_MAJOR, CA_SEV_CRITICAL } ca_severity;

typedef struct ca_finding {
    char id[17];                /* hex of a hash of rule, conv, person, message id / time */
    const char *rule, *clause;  /* static strings of the rule table */
    const char *penalty_class;  /* "redline", "content", "reply" or NULL */
    ca_severity severity;
    const ca_conv *conv;
    size_t event_index;         /* the triggering event in conv->events, or (size_t)-1 */
    const char *person_id;      /* roster id, else the platform id, else NULL */
    const char *person_name;
    const char *department;
    int64_t time_ms;
    const char *message_id;
    char *evidence;             /* the text judged (owned), NULL for none */
    size_t hl_start, hl_end;    /* highlighted bytes of evidence (equal: none) */
    char *detail;               /* what was found, in words (owned) */
    const char *src_path;
    long src_line;
} ca_finding;

/* A growable list of findings owned by one worker, merged at the end. */
typedef struct ca_findings {
    ca_finding *items;
    size_t n, cap;
    int oom;
} ca_findings;

void ca_findings_init(ca_findings *f);
void ca_findings_free(ca_findings *f);
/* Appends a copy of *fd (taking ownership of its evidence and detail).
 * Returns 0, or -1 on out of memory (and frees them). */
int ca_findings_add(ca_findings *f, ca_finding *fd);
/* Moves every finding of src to the end of dst. */
int ca_findings_merge(ca_findings *dst, ca_findings *src);
/* Sorts into report order (time, rule, conversation, person, message) and
 * fills each id.  The order and the ids do not depend on thread count or
 * input order. */
void ca_findings_finalize(ca_findings *f);

#endif
