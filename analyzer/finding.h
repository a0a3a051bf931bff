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
    /* a one-to-one chat, not a group: no rule runs over it (convkind.h);
     * private_why says on what evidence, in words (static string) */
    int private_chat;
    const char *private_why;
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

/* What became of a tracked message of the reply rules (SPEC §6.2). */
typedef enum {
    CA_LAT_MET = 0,     /* answered at or before the deadline */
    CA_LAT_BREACHED,    /* answered after the deadline */
    CA_LAT_UNANSWERED,  /* no reply by the end of the export, past the deadline */
    CA_LAT_OPEN         /* the deadline lies after the end of the export */
} ca_latency_status;

/* One tracked message for one responsible person: a row of latency.csv. */
typedef struct ca_latency {
    const char *rule;           /* "reply.employee", "reply.leader", "reply.public" */
    const ca_conv *conv;
    size_t event_index;         /* the tracked message in conv->events */
    const char *asker_id;       /* roster id, else the platform id */
    int64_t asked_ms;
    const char *message_id;     /* may be NULL */
    const char *responder_id;   /* R: roster id of the responsible person */
    int64_t deadline_ms;
    int64_t answered_ms;        /* -1: no reply */
    size_t answer_index;        /* the reply in conv->events, or (size_t)-1 */
    const char *answered_by;    /* roster id of who answered, NULL for none */
    long business_minutes;      /* to the reply, or to the end of the export */
    ca_latency_status status;
    int64_t business_ms;        /* the same, exact (business_minutes = this / 60000) */
} ca_latency;

/* "met", "breached", "unanswered", "open". */
const char *ca_latency_status_name(ca_latency_status s);
/* Business minutes to the nearest tenth, "45.6", as latency.csv and the
 * reports show them (the same digits everywhere).  Returns out. */
char *ca_latency_minutes_text(int64_t business_ms, char out[32]);

/* A data-quality note a rule makes about a conversation: something it
 * could not check, or a tracked message it could not judge.  Shown in the
 * reports' data-quality sections, never a finding. */
typedef struct ca_note {
    const char *rule;           /* static string of the rule table */
    const ca_conv *conv;
    size_t event_index;         /* or (size_t)-1 for the whole conversation */
    int64_t time_ms;            /* the event's time, or 0 */
    char *text;                 /* owned */
} ca_note;

/* A growable list of findings (with the latency records and data-quality
 * notes of the same rules) owned by one worker, merged at the end. */
typedef struct ca_findings {
    ca_finding *items;
    size_t n, cap;
    int oom;
    ca_latency *latency;
    size_t n_latency, cap_latency;
    ca_note *notes;
    size_t n_notes, cap_notes;
} ca_findings;

void ca_findings_init(ca_findings *f);
void ca_findings_free(ca_findings *f);
/* Appends a copy of *fd (taking ownership of its evidence and detail).
 * Returns 0, or -1 on out of memory (and frees them). */
int ca_findings_add(ca_findings *f, ca_finding *fd);
/* Appends a latency record (copied).  0, or -1 on out of memory. */
int ca_findings_add_latency(ca_findings *f, const ca_latency *l);
/* Appends a note (taking ownership of note->text, freed on failure).
 * 0, or -1 on out of memory. */
int ca_findings_add_note(ca_findings *f, ca_note *note);
/* Moves every finding, latency record and note of src to the end of dst. */
int ca_findings_merge(ca_findings *dst, ca_findings *src);
/* Sorts into report order (time, rule, conversation, person, message) and
 * fills each id; sorts the latency records (conversation, time, rule,
 * responder) and notes (conversation, time, rule, text) the same way.  The order and the ids do not depend on thread count or
 * input order. */
void ca_findings_finalize(ca_findings *f);

#endif
