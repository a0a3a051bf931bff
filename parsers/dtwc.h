/*
 * dtwc.h — what the DingTalk and WeCom parsers share: field access under
 * the many aliases these exports use, JSON carried inside JSON strings,
 * the choice between one JSON document and JSON Lines, content signatures
 * for the bids, and the DingTalk message shape (dws message lists, dws
 * message events and their quoted / forwarded messages).
 * Used by the dingtalk_*.c and wecom_*.c parsers only.
 */
#ifndef CA_PARSERS_DTWC_H
#define CA_PARSERS_DTWC_H

#include "jsonutil.h"

/* Most items kept in one merged-forward record (nested ones included). */
#define DT_MAX_ITEMS 10000
/* Deepest nesting of forwarded-inside-forwarded records followed. */
#define DT_MAX_DEPTH 16

/* ---- bids: signatures in the first bytes (never a full parse) ---- */

/* 1 if head holds "key" followed (after blanks) by ':' — a JSON key. */
int dt_has_key(const char *head, const char *key);
/* 1 if head holds "key" : "<value_prefix>... — a key with a string value
 * starting with value_prefix. */
int dt_has_kv(const char *head, const char *key, const char *value_prefix);

/* ---- reading an entry ---- */

/*
 * 1 if the entry is JSON Lines rather than one document: its first two
 * non-blank lines both start with '{'.  A pretty-printed document goes on
 * with a key ('"') after its opening "{" or starts with '['; a compact
 * document is one line, read as a document so that its records are
 * numbered.
 */
int dt_looks_jsonl(const char *text, size_t len);

/*
 * Reads the entry as JSON Lines (dt_looks_jsonl) or as one document, and
 * calls fn for each line's value (line = its line number; the line is
 * already counted as a record) or once for the document (line = 0: the
 * callee counts and numbers its records itself).  Returns CA_OK, or
 * CA_FATAL when the document could not be parsed (reported) or fn
 * returned it.
 */
ca_status dt_read_entry(const ca_entry *e, ca_sink *s, pj_line_fn fn, void *ud);

/* ---- fields ---- */

/* The first of keys (NULL-terminated) whose value is present, not null and
 * not an empty string; NULL if none.  Borrowed from o. */
json_object *dt_get(json_object *o, const char *const *keys);

/* pj_str / pj_istr over the first usable key; the literal string "null"
 * (dws writes it for unknown senders) counts as absent. */
const char *dt_str(ca_sink *s, long line, json_object *o, const char *const *keys);
const char *dt_istr(ca_sink *s, long line, json_object *o, const char *const *keys);

/* A scalar value itself as an interned string (ids in arrays: strings as
 * they are, integers as their exact digits); NULL for anything else. */
const char *dt_value_istr(ca_sink *s, long line, json_object *v);

/* The first of keys holding a time (pj_time: epoch s/ms, or a string in
 * the company zone).  0 and *ms, or -1. */
int dt_time(ca_sink *s, json_object *o, const char *const *keys, int64_t *ms);

/* A short printable excerpt of v for "found ..." in messages: "none" when
 * v is NULL, JSON text otherwise, cut at about 40 bytes on a UTF-8
 * boundary.  Returns out. */
const char *dt_show(json_object *v, char out[64]);

/*
 * v as an object or array: v itself, or, when v is a string holding a
 * JSON object or array (nested JSON, as in WeCom chatrecord items and dws
 * payload bodies), the parsed value, stored in *owned for the caller to
 * json_object_put.  NULL when v is neither (or the string is not JSON).
 */
json_object *dt_json_in(json_object *v, json_object **owned);

/* The JSON text of v (compact), sink-owned; NULL on oom or NULL v. */
const char *dt_raw_json(ca_sink *s, long line, json_object *v);

/* An array of n string pointers from the sink (zeroed); NULL on oom. */
const char **dt_strv(ca_sink *s, size_t n);

/* ---- DingTalk messages ---- */

/* The message type DingTalk names ("text", "picture", "merged_forward",
 * "interactiveCard" ...): *known is 0 for a name not in the table (then
 * CA_TYPE_OTHER). */
ca_type dt_type_from_name(const char *name, int *known);

/*
 * Fills ev (kind message) from one DingTalk message object in any of the
 * dws shapes: the im.message-list.v1 projection (messageId, sender,
 * senderId, messageType, text, quotedMessage, forwarded), the raw
 * list_conversation_message_v2 shape (openMessageId, msgType, content
 * string or object, forwardMessages, sender object) and the event bodies,
 * raw (openConversationId, senderOpenDingTalkId) and flattened
 * (message_id, sender_open_dingtalk_id, quoted_message, forward_messages).
 * Sets id, conv (the message's, else conv_default), sender, sender_name,
 * type, text, mentions, reply_to / quote_sender / quote_text, title and
 * items.  The time is set from the message's create time when it has one
 * (*have_time = 1); the caller decides what else to use.  An unknown
 * message type is reported as a warning and kept as type other.
 * Returns CA_OK or CA_FATAL (out of memory).
 */
ca_status dt_fill_message(ca_sink *s, long line, json_object *m, const char *conv_default,
                          ca_event *ev, int *have_time);

#endif
