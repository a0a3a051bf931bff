/*
 * event.h — the normalized event (SPEC §5).  Every parser produces these;
 * rules and reports consume them.  All strings are borrowed: they belong to
 * the store (arena / intern table) that holds the event.
 */
#ifndef CA_EVENT_H
#define CA_EVENT_H

#include "ca.h"
#include "buf.h"

typedef enum {
    CA_KIND_MESSAGE = 0,
    CA_KIND_JOIN,     /* targets joined; actor = inviter (QR: owner of the code) */
    CA_KIND_LEAVE,    /* sender left by themself */
    CA_KIND_REMOVE,   /* actor removed targets */
    CA_KIND_RENAME,   /* title = new group name; sender/actor = who renamed */
    CA_KIND_CREATE,   /* group created; actor = creator */
    CA_KIND_RECALL,   /* reply_to = recalled message id (NULL when unknown) */
    CA_KIND_OWNER,    /* targets = new owner */
    CA_KIND_NICK,     /* a member's display name changed; title = new name */
    CA_KIND_NOTICE,   /* any other system notice (pat, friend added, ...) */
    CA_KIND__COUNT
} ca_kind;

typedef enum {
    CA_TYPE_NONE = 0, /* non-message events */
    CA_TYPE_TEXT,
    CA_TYPE_IMAGE,
    CA_TYPE_VOICE,
    CA_TYPE_VIDEO,
    CA_TYPE_FILE,
    CA_TYPE_LINK,
    CA_TYPE_MINIPROGRAM,
    CA_TYPE_STICKER,
    CA_TYPE_LOCATION,
    CA_TYPE_QUOTE,
    CA_TYPE_RECORD,
    CA_TYPE_REDPACKET,
    CA_TYPE_TRANSFER,
    CA_TYPE_CARD,
    CA_TYPE_CALL,
    CA_TYPE_OTHER,
    CA_TYPE__COUNT
} ca_type;

/* One item of a merged chat record (type record). */
typedef struct ca_record_item {
    const char *sender_name;
    const char *time_text;   /* as shown in the record, may be NULL */
    int64_t time_ms;         /* 0 when unknown */
    ca_type type;
    const char *text;
} ca_record_item;

typedef struct ca_event {
    const char *platform;     /* "wechat", "dingtalk", "wecom" */
    const char *conv;         /* conversation id (platform id, else name) */
    const char *conv_name;    /* display name of the group, may be NULL */
    const char *id;           /* platform message id as a string, or NULL */
    int64_t time_ms;          /* UTC epoch milliseconds */
    ca_kind kind;
    ca_type type;             /* CA_TYPE_NONE unless kind == message */
    const char *sender;       /* platform id when known, else display name */
    const char *sender_name;  /* display name as shown in the export */
    const char *employee;     /* roster id, NULL until identity resolution */
    const char *text;         /* body text (reply text for quotes), may be NULL */
    const char **mentions;    /* names after @, n_mentions of them */
    const char **mention_ids; /* resolved roster ids, parallel, NULL entries */
    uint32_t n_mentions;
    const char *reply_to;     /* quoted / recalled message id */
    const char *quote_sender; /* quoted message's sender (name or id) */
    const char *quote_text;   /* quoted message's content (never scanned) */
    const char *url;
    const char *title;        /* link/file/miniprogram title; rename: new name */
    const char *actor;        /* inviter / remover / renamer (id or name) */
    const char *actor_name;
    const char *actor_employee;     /* roster id of the actor, resolved */
    const char **targets;     /* ids where known, else names */
    const char **target_names;
    const char **target_employees;  /* roster ids, parallel, NULL entries */
    uint32_t n_targets;
    ca_record_item *items;    /* merged record items */
    uint32_t n_items;
    const char *src_path;     /* "archive!entry" (set by the sink) */
    long src_line;            /* line or record number in the entry */
    uint32_t flags;           /* CA_EV_* */
    uint64_t seq;             /* input order, the last sort key */
} ca_event;

/* flags */
#define CA_EV_FROM_SELF     0x01u /* sent by the exporting account */
#define CA_EV_SENDER_WEAK   0x02u /* sender known by display name only */
#define CA_EV_TIME_MINUTE   0x04u /* time only to the minute (re-saved file) */
#define CA_EV_MENTION_ALL   0x08u /* @所有人 / @all */
#define CA_EV_GROUP_NAMES   0x10u /* sender_name is the member's group display name (by format) */
#define CA_EV_SHOWS_LEAVE   0x20u /* the export shows members leaving by themselves (by format) */
#define CA_EV_PRIVATE       0x40u /* the export says the conversation is one-to-one (convkind.h) */
#define CA_EV_GROUP         0x80u /* the export says the conversation is a group (convkind.h) */

const char *ca_kind_name(ca_kind k);
const char *ca_type_name(ca_type t);
/* Returns the kind/type for a name, or -1. */
int ca_kind_from_name(const char *s);
int ca_type_from_name(const char *s);

/* Appends the event as one NDJSON line (with '\n') in the field order of
 * SPEC §5; times are written in the zone tz_offset_min (minutes east of
 * UTC).  Returns 0 or -1 on out of memory. */
int ca_event_to_json(ca_buf *b, const ca_event *ev, int tz_offset_min);

#endif
