/*
 * convkind.c — group or private chat (convkind.h).
 */
#include <string.h>
#include "convkind.h"

/* Shapes of ids that say what the conversation is, whoever named it
 * (shared/formats/wechat.md §1.1 StrTalker; dingtalk-wecom.md: a 1:1
 * cid of the local DB is two numeric uids joined by ':'). */
static const struct {
    const char *platform;
    const char *prefix, *suffix;  /* either may be NULL */
    uint32_t hint;
} id_shapes[] = {
    {"wechat", NULL, "@chatroom", CA_EV_GROUP},
    {"wechat", NULL, "@im.chatroom", CA_EV_GROUP},  /* with WeCom members */
    {"wechat", "wxid_", NULL, CA_EV_PRIVATE},
    {"wechat", "gh_", NULL, CA_EV_PRIVATE},          /* an official account */
    {"wechat", NULL, "@openim", CA_EV_PRIVATE},      /* a WeCom contact */
};

/* The kinds that only a group has. */
static const ca_kind group_kinds[] = {CA_KIND_JOIN,   CA_KIND_LEAVE,  CA_KIND_REMOVE,
                                      CA_KIND_RENAME, CA_KIND_CREATE, CA_KIND_OWNER};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* "504456221:2616493571": digits, one ':', digits. */
static int uid_pair(const char *s)
{
    size_t a = strspn(s, "0123456789");
    if (!a || s[a] != ':')
        return 0;
    size_t b = strspn(s + a + 1, "0123456789");
    return b && s[a + 1 + b] == '\0';
}

uint32_t ca_conv_id_hint(const char *platform, const char *id, int is_id)
{
    if (!platform || !id || !*id)
        return 0;
    for (size_t i = 0; i < CA_ARRAY_LEN(id_shapes); i++) {
        if (strcmp(id_shapes[i].platform, platform) != 0)
            continue;
        if (id_shapes[i].prefix && !ca_starts_with(id, id_shapes[i].prefix))
            continue;
        if (id_shapes[i].suffix && !ends_with(id, id_shapes[i].suffix))
            continue;
        return id_shapes[i].hint;
    }
    if (strcmp(platform, "dingtalk") == 0 && uid_pair(id))
        return CA_EV_PRIVATE;
    if (is_id && strcmp(platform, "wechat") == 0)
        return CA_EV_PRIVATE;
    return 0;
}

static int is_group_kind(ca_kind k)
{
    for (size_t i = 0; i < CA_ARRAY_LEN(group_kinds); i++)
        if (group_kinds[i] == k)
            return 1;
    return 0;
}

/* The ids the exporting account writes under (FROM_SELF messages): some
 * exports also show it without the flag, under the same id (the WeClone
 * PyWxDump sample: is_sender 0 rows whose talker is the account's id). */
typedef struct self_ids {
    const char *id[4];
    size_t n;
} self_ids;

static void note_self(self_ids *s, const ca_event *e)
{
    if (!(e->flags & CA_EV_FROM_SELF) || !e->sender || s->n == CA_ARRAY_LEN(s->id))
        return;
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->id[k], e->sender) == 0)
            return;
    s->id[s->n++] = e->sender;
}

/* The participant a message counts for: the exporting account is one
 * person whatever it is called in the export ("我", its wxid, NULL). */
static const char *participant(const ca_event *e, const self_ids *self)
{
    static const char me[] = "\001self";
    if (e->flags & CA_EV_FROM_SELF)
        return me;
    const char *p = e->sender ? e->sender : e->sender_name;
    for (size_t k = 0; p && k < self->n; k++)
        if (strcmp(self->id[k], p) == 0)
            return me;
    return p;
}

int ca_conv_is_private(const char *platform, const char *id, const ca_group_reg *reg,
                       const ca_event *const *events, size_t n, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (reg) {
        *why = "registered in groups.csv";
        return 0;
    }
    uint32_t flags = ca_conv_id_hint(platform, id, 0);
    self_ids self = {{NULL}, 0};
    for (size_t i = 0; i < n; i++) {
        flags |= events[i]->flags & (CA_EV_GROUP | CA_EV_PRIVATE);
        note_self(&self, events[i]);
    }
    if (flags & CA_EV_GROUP) {
        *why = "the export or the id marks it a group";
        return 0;
    }
    if (flags & CA_EV_PRIVATE) {
        *why = "the export or the id marks it a one-to-one chat";
        return 1;
    }
    const char *seen[2];
    size_t n_seen = 0;
    for (size_t i = 0; i < n; i++) {
        const ca_event *e = events[i];
        if (is_group_kind(e->kind)) {
            *why = "group events (join, leave, remove, rename, create or owner)";
            return 0;
        }
        const char *p = e->kind == CA_KIND_MESSAGE ? participant(e, &self) : NULL;
        if (!p)
            continue;
        size_t k = 0;
        while (k < n_seen && strcmp(seen[k], p) != 0)
            k++;
        if (k < n_seen)
            continue;
        if (n_seen == 2) {
            *why = "more than two people write in it";
            return 0;
        }
        seen[n_seen++] = p;
    }
    *why = "no group evidence: not in groups.csv, no group id or events, two people or fewer";
    return 1;
}
