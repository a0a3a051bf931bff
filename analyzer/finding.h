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

struct ca_import;
struct ca_arena;

/* A conversation as the rules see it: its events in time order, and what
 * groups.csv says of it.  Borrowed by rules for the length of the run.
 * When imp is set the run holds no conversation's events (they are read
 * back from the import's spill, ca_conv_events): events is set only in
 * the copy a worker gives the rules while they run over it. */
typedef struct ca_conv {
    const char *platform, *id, *name;   /* name: latest known group name */
    const ca_group_reg *reg;            /* groups.csv row or NULL */
    const ca_event *const *events;
    size_t n_events;
    struct ca_import *imp;
    size_t index;                        /* position in the run's list */
    /* a one-to-one chat, not a group: no rule runs over it (convkind.h);
     * private_why says on what evidence, in words (static string) */
    int private_chat;
    const char *private_why;
    size_t period_messages;              /* its messages in the audited period */
} ca_conv;

/* The events of conversation c, in time order: c->events when the run
 * holds them, else read back from c->imp into arena (after identity,
 * de-duplication and quote links, as ca_import_finish does them).
 * 0, or -1 (out of memory, or the spill could not be read: said on
 * stderr). */
int ca_conv_events(const ca_conv *c, struct ca_arena *arena, const ca_event *const **ev,
                   size_t *n);

typedef enum { CA_SEV_INFO = 0, CA_SEV_MINOR, CA_SEV_MAJOR, CA_SEV_CRITICAL } ca_severity;

/* How much of a conversation the compliance report shows around a
 * finding's event: messages before and after it, bytes of each text. */
#define CA_CONTEXT_MESSAGES 2
#define CA_CONTEXT_TEXT_MAX 600
/* Bytes of a tracked message's text that latency.html shows. */
#define CA_LATENCY_TEXT_MAX 300

/* An event as a report shows it, copied when the finding (or latency
 * record) is made: the reports read no conversation's events, so that a
 * conversation's events can go once its rules have run (SPEC §11).  A
 * message's text and title have their ID, mobile and card numbers masked
 * (the reports are emailed); every text is cut one byte after where the
 * report cuts it, so that the report still sees where it was longer. */
typedef struct ca_shown {
    int64_t time_ms;
    ca_kind kind;
    ca_type type;
    const char *employee;     /* roster id of the sender, or NULL */
    const char *sender;       /* the display name the group saw, else the sender id */
    const char *text, *title, *url;
    const char *actor;        /* the actor's display name, else id (system events) */
    const char **targets;     /* each target's display name, else id; NULL entries */
    uint32_t n_targets;
} ca_shown;

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
    /* What the compliance report shows around the event (ca_finding_keep):
     * context[0 .. n_context), in conversation order, context[hit] being
     * the event itself; evidence_inline: the evidence is that message's
     * text, shown in its line.  kept: the owned block that holds them and
     * the copies of message_id, person_id, person_name and src_path. */
    ca_shown *context;
    uint8_t n_context, hit, evidence_inline;
    void *kept;
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
    /* The tracked message as latency.html shows it (ca_latency_keep): its
     * text masked and cut, or NULL and its type.  kept: the owned block
     * that holds it and the copies of message_id and asker_id. */
    const char *question;
    ca_type question_type;
    int has_question;           /* 0: the tracked message was not found */
    const char *src_path;       /* where the tracked message came from (kept) */
    long src_line;
    void *kept;
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

/* Copies into fd what the reports show of event i of c — the event and
 * the CA_CONTEXT_MESSAGES messages before and after it — and the strings
 * fd borrows from events (message_id, person_id, person_name, src_path), so that
 * the finding needs no event once made.  i == (size_t)-1: no event (only
 * the strings).  Frees what fd kept before.  0 or -1 (oom: fd unchanged). */
int ca_finding_keep(ca_finding *fd, const ca_conv *c, size_t i);
/* The same for a latency record: the text or type and the source of its
 * tracked message (event_index of conv), and copies of message_id and
 * asker_id. */
int ca_latency_keep(ca_latency *l);

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
/* Appends a copy of *l (taking ownership of what it kept).  0, or -1 on
 * out of memory (and frees that). */
int ca_findings_add_latency(ca_findings *f, ca_latency *l);
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
