/*
 * identity.h — fills the roster ids of an event (sender → employee,
 * mentions → mention_ids, actor → actor_employee, targets →
 * target_employees) through ca_roster_resolve, with a cache: an export
 * names the same few hundred people a million times.
 */
#ifndef CA_IDENTITY_H
#define CA_IDENTITY_H

#include "arena.h"
#include "event.h"
#include "roster.h"

typedef struct ca_identity ca_identity;

/* r is borrowed.  NULL on oom. */
ca_identity *ca_identity_new(const ca_roster *r);
void ca_identity_free(ca_identity *id);

/* Resolves the people of ev in place; arrays come from arena.  A sender
 * known only by display name (CA_EV_SENDER_WEAK) is resolved by name only.
 * Returns 0, or -1 on out of memory. */
int ca_identity_apply(ca_identity *id, ca_event *ev, ca_arena *arena);

#endif
