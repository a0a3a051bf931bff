/*
 * membership.h — who is a member of a conversation, and when (SPEC §6.1).
 *
 * A person is a member from the first sign of it — a message they sent, a
 * join event naming them, a group-info listing — until a leave or remove
 * event.  An export begins in the middle of a group's life, so a person
 * whose first sign is a message (not a join) is taken to have been a member
 * since before the export began; after a leave or remove, their next sign
 * starts a new span at its own time.
 *
 * People are keyed by their roster id when resolved, else by the platform
 * id the export gives, else by the display name.  Built once per
 * conversation by the engine; read-only for the rules.
 */
#ifndef CA_MEMBERSHIP_H
#define CA_MEMBERSHIP_H

#include "finding.h"

#define CA_MEMBER_SINCE_EVER INT64_MIN  /* member since before the export */
#define CA_MEMBER_STILL      INT64_MAX  /* still a member at its end */

/* How a span began or ended. */
typedef enum {
    CA_SIGN_NONE = 0,  /* open end: still a member */
    CA_SIGN_MESSAGE,   /* a message they sent (or another event they did) */
    CA_SIGN_JOIN,      /* a join event naming them (incl. group-info listings) */
    CA_SIGN_LEAVE,     /* they left by themself */
    CA_SIGN_REMOVE     /* someone removed them */
} ca_member_sign;

/* One stretch of membership: [from_ms, to_ms). */
typedef struct ca_member_span {
    int64_t from_ms;          /* CA_MEMBER_SINCE_EVER for a first sign by message */
    int64_t to_ms;            /* CA_MEMBER_STILL while a member */
    size_t from_event;        /* index in conv->events of the first sign */
    size_t to_event;          /* the leave/remove event, or (size_t)-1 */
    ca_member_sign from_sign, to_sign;
} ca_member_span;

typedef struct ca_member {
    const char *key;          /* roster id, else platform id, else display name */
    const char *employee;     /* roster id or NULL */
    const char *platform_id;  /* as the export shows it, may be NULL */
    const char *name;         /* the latest display name seen, may be NULL */
    ca_member_span *spans;    /* in time order, never overlapping */
    size_t n_spans;
} ca_member;

typedef struct ca_members ca_members;

/*
 * Builds the membership of conv from its events.  Returns a new table
 * (free with ca_members_free), or NULL on out of memory.  The strings are
 * borrowed from the events and live as long as they do.
 */
ca_members *ca_members_build(const ca_conv *conv);
void ca_members_free(ca_members *m);

/* Members in order of their key (deterministic). */
size_t ca_members_count(const ca_members *m);
const ca_member *ca_members_at(const ca_members *m, size_t i);
/* The member with this key (a roster id or platform id or name), or NULL. */
const ca_member *ca_members_find(const ca_members *m, const char *key);

/* Whether key is a member at time t (ms).  0 or 1. */
int ca_members_is_member(const ca_members *m, const char *key, int64_t t_ms);

/* The membership key of an event's sender and of its k-th target. */
const char *ca_member_key_sender(const ca_event *e);
const char *ca_member_key_target(const ca_event *e, uint32_t k);

#endif
