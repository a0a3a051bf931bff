/*
 * identity.c — identity resolution with a cache keyed by the (interned)
 * string pointers of platform, id and name.
 */
#include <string.h>
#include "identity.h"

typedef struct slot {
    const char *platform, *id, *name;
    const ca_employee *emp; /* NULL: resolved to nobody */
    int used;
} slot;

struct ca_identity {
    const ca_roster *roster;
    slot *slots;
    size_t cap, count;
};

ca_identity *ca_identity_new(const ca_roster *r)
{
    ca_identity *id = ca_calloc(1, sizeof *id);
    if (!id)
        return NULL;
    id->roster = r;
    id->cap = 1024;
    id->slots = ca_calloc(id->cap, sizeof *id->slots);
    if (!id->slots) {
        ca_free(id);
        return NULL;
    }
    return id;
}

void ca_identity_free(ca_identity *id)
{
    if (!id)
        return;
    ca_free(id->slots);
    ca_free(id);
}

static size_t slot_hash(const char *p, const char *i, const char *n)
{
    const void *k[3] = {p, i, n};
    return (size_t)ca_hash64(k, sizeof k, 0);
}

static int grow(ca_identity *id)
{
    size_t cap = id->cap * 2;
    slot *ns = ca_calloc(cap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t k = 0; k < id->cap; k++) {
        slot *s = &id->slots[k];
        if (!s->used)
            continue;
        size_t j = slot_hash(s->platform, s->id, s->name) & (cap - 1);
        while (ns[j].used)
            j = (j + 1) & (cap - 1);
        ns[j] = *s;
    }
    ca_free(id->slots);
    id->slots = ns;
    id->cap = cap;
    return 0;
}

/* Returns the employee id (roster string) or NULL; *oom on failure. */
static const char *resolve(ca_identity *id, const char *platform, const char *pid,
                           const char *name, int *oom)
{
    if (!pid && !name)
        return NULL;
    if (id->count * 2 >= id->cap && grow(id) < 0) {
        *oom = 1;
        return NULL;
    }
    size_t j = slot_hash(platform, pid, name) & (id->cap - 1);
    while (id->slots[j].used) {
        slot *s = &id->slots[j];
        if (s->platform == platform && s->id == pid && s->name == name)
            return s->emp ? s->emp->id : NULL;
        j = (j + 1) & (id->cap - 1);
    }
    const ca_employee *e = ca_roster_resolve(id->roster, platform, pid, name);
    id->slots[j] = (slot){platform, pid, name, e, 1};
    id->count++;
    return e ? e->id : NULL;
}

int ca_identity_apply(ca_identity *id, ca_event *ev, ca_arena *arena)
{
    int oom = 0;
    if (ev->sender || ev->sender_name) {
        if (ev->flags & CA_EV_SENDER_WEAK)
            ev->employee = resolve(id, ev->platform, NULL,
                                   ev->sender_name ? ev->sender_name : ev->sender, &oom);
        else
            ev->employee = resolve(id, ev->platform, ev->sender, ev->sender_name, &oom);
    }
    if (ev->n_mentions) {
        const char **ids = ca_arena_calloc(arena, ev->n_mentions * sizeof *ids);
        if (!ids)
            return -1;
        for (uint32_t k = 0; k < ev->n_mentions; k++)
            ids[k] = resolve(id, ev->platform, NULL, ev->mentions[k], &oom);
        ev->mention_ids = ids;
    }
    if (ev->actor || ev->actor_name) {
        const char *aid = ev->actor_name && ev->actor && ev->actor != ev->actor_name &&
                                  strcmp(ev->actor, ev->actor_name) != 0
                              ? ev->actor
                              : NULL;
        ev->actor_employee =
            resolve(id, ev->platform, aid ? aid : ev->actor, ev->actor_name ? ev->actor_name : ev->actor, &oom);
    }
    if (ev->n_targets) {
        const char **ids = ca_arena_calloc(arena, ev->n_targets * sizeof *ids);
        if (!ids)
            return -1;
        for (uint32_t k = 0; k < ev->n_targets; k++) {
            const char *t = ev->targets[k];
            const char *tn = ev->target_names ? ev->target_names[k] : t;
            ids[k] = resolve(id, ev->platform, t, tn, &oom);
        }
        ev->target_employees = ids;
    }
    return oom ? -1 : 0;
}
