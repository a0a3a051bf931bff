/*
 * dtwc.c — helpers the DingTalk and WeCom parsers share (dtwc.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "../analyzer/buf.h"
#include "common.h"
#include "dtwc.h"
#include "wechat.h"

/* ------------------------------------------------------------------ bids */

/* The position just after the ':' of the first "key" at or after p used
 * as a JSON key, or NULL. */
static const char *key_end(const char *p, const char *key)
{
    size_t k = strlen(key);
    for (; (p = strchr(p, '"')) != NULL; p++) {
        if (strncmp(p + 1, key, k) != 0 || p[k + 1] != '"')
            continue;
        const char *q = p + k + 2;
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        if (*q == ':')
            return q + 1;
    }
    return NULL;
}

int dt_has_key(const char *head, const char *key) { return key_end(head, key) != NULL; }

int dt_has_kv(const char *head, const char *key, const char *value_prefix)
{
    size_t v = strlen(value_prefix);
    for (const char *q = head; (q = key_end(q, key)) != NULL;) {
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        if (*q == '"' && strncmp(q + 1, value_prefix, v) == 0)
            return 1;
    }
    return 0;
}

/* --------------------------------------------------------------- entries */

/* The next non-blank line at or after p: *b its first non-blank byte, *e
 * one past its last non-blank byte.  0 when there is none. */
static int next_line(const char *p, const char *end, const char **b, const char **e,
                     const char **after)
{
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *q = p, *r = eol;
        while (q < r && strchr(" \t\r", *q))
            q++;
        while (r > q && strchr(" \t\r", r[-1]))
            r--;
        p = nl ? nl + 1 : end;
        if (q < r) {
            *b = q;
            *e = r;
            *after = p;
            return 1;
        }
    }
    return 0;
}

int dt_looks_jsonl(const char *text, size_t len)
{
    const char *end = text + len, *b, *e, *after;
    if (!next_line(text, end, &b, &e, &after) || *b != '{')
        return 0;
    return next_line(after, end, &b, &e, &after) && *b == '{';
}

ca_status dt_read_entry(const ca_entry *e, ca_sink *s, pj_line_fn fn, void *ud)
{
    if (dt_looks_jsonl(e->text, e->len))
        return pj_each_line(e, s, fn, ud);
    json_object *root;
    if (pj_parse_doc(e, s, &root) != CA_OK)
        return CA_FATAL;
    ca_status st = fn(ud, s, 0, root);
    json_object_put(root);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

/* ---------------------------------------------------------------- fields */

static int usable(json_object *v)
{
    if (!v || json_object_is_type(v, json_type_null))
        return 0;
    if (json_object_is_type(v, json_type_string)) {
        const char *t = json_object_get_string(v);
        return t[0] != '\0';
    }
    return 1;
}

json_object *dt_get(json_object *o, const char *const *keys)
{
    if (!o || !json_object_is_type(o, json_type_object))
        return NULL;
    for (; *keys; keys++) {
        json_object *v;
        if (json_object_object_get_ex(o, *keys, &v) && usable(v))
            return v;
    }
    return NULL;
}

static const char *str_of(ca_sink *s, long line, json_object *o, const char *const *keys,
                          int intern)
{
    if (!o || !json_object_is_type(o, json_type_object))
        return NULL;
    for (; *keys; keys++) {
        const char *r = intern ? pj_istr(s, line, o, *keys) : pj_str(s, line, o, *keys);
        if (r && strcmp(r, "null") != 0)
            return r;
    }
    return NULL;
}

const char *dt_str(ca_sink *s, long line, json_object *o, const char *const *keys)
{
    return str_of(s, line, o, keys, 0);
}

const char *dt_istr(ca_sink *s, long line, json_object *o, const char *const *keys)
{
    return str_of(s, line, o, keys, 1);
}

const char *dt_value_istr(ca_sink *s, long line, json_object *v)
{
    char num[32];
    if (json_object_is_type(v, json_type_string)) {
        size_t n = (size_t)json_object_get_string_len(v);
        const char *p = json_object_get_string(v);
        if (!n || (n == 4 && memcmp(p, "null", 4) == 0))
            return NULL;
        if (memchr(p, '\0', n)) {
            const char *c = pc_clean_str(s, line, p, n);
            return c ? ca_sink_intern(s, c, strlen(c)) : NULL;
        }
        return ca_sink_intern(s, p, n);
    }
    if (json_object_is_type(v, json_type_int)) {
        /* json-c keeps integers as int64 or uint64: exact */
        if (json_object_get_int64(v) == INT64_MAX)
            snprintf(num, sizeof num, "%" PRIu64, json_object_get_uint64(v));
        else
            snprintf(num, sizeof num, "%" PRId64, json_object_get_int64(v));
        return ca_sink_intern(s, num, strlen(num));
    }
    return NULL;
}

int dt_time(ca_sink *s, json_object *o, const char *const *keys, int64_t *ms)
{
    if (!o || !json_object_is_type(o, json_type_object))
        return -1;
    for (; *keys; keys++)
        if (pj_get(o, *keys) && pj_time(s, o, *keys, ms) == 0)
            return 0;
    return -1;
}

const char *dt_show(json_object *v, char out[64])
{
    if (!v) {
        strcpy(out, "none");
        return out;
    }
    const char *t = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t n = strlen(t);
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
            n--;
        memcpy(out, t, n);
        strcpy(out + n, "...");
    } else {
        memcpy(out, t, n + 1);
    }
    return out;
}

json_object *dt_json_in(json_object *v, json_object **owned)
{
    *owned = NULL;
    if (!v)
        return NULL;
    if (json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_array))
        return v;
    if (!json_object_is_type(v, json_type_string))
        return NULL;
    const char *t = json_object_get_string(v);
    int n = json_object_get_string_len(v);
    while (n > 0 && strchr(" \t\r\n", *t)) {
        t++;
        n--;
    }
    if (n <= 0 || (*t != '{' && *t != '['))
        return NULL;
    json_tokener *tok = json_tokener_new_ex(32);
    if (!tok)
        return NULL;
    json_object *r = json_tokener_parse_ex(tok, t, n);
    if (json_tokener_get_error(tok) != json_tokener_success) {
        json_object_put(r);
        r = NULL;
    }
    json_tokener_free(tok);
    *owned = r;
    return r;
}

const char *dt_raw_json(ca_sink *s, long line, json_object *v)
{
    if (!v)
        return NULL;
    const char *t = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    return pc_clean_str(s, line, t, strlen(t));
}

const char **dt_strv(ca_sink *s, size_t n)
{
    return n ? ca_sink_alloc(s, n * sizeof(const char *)) : NULL;
}

/* ------------------------------------------------------ DingTalk messages */

/* Aliases, after dws internal/shortcut/chatmsg (MessageID, ConversationID,
 * Sender, SenderID, MessageType, Text, CreateTime, QuotedMessage,
 * Forwarded) plus the snake_case names of `dws event --flatten`. */
static const char *const K_ID[] = {"openMessageId", "openMsgId", "messageId", "message_id",
                                   "msgId", "msg_id", "id", NULL};
static const char *const K_CONV[] = {"openConversationId", "openconversation_id",
                                     "conversationId", "conversation_id", "chatId", "chat_id",
                                     NULL};
static const char *const K_NAME[] = {"senderName", "senderNick", "nick", "senderStaffName",
                                     "userName", "name", NULL};
static const char *const K_NESTED_SENDER[] = {"sender", "from", "senderUser", NULL};
static const char *const K_NESTED_ID[] = {"openDingTalkId", "openDingtalkId", "userId",
                                          "senderId", "id", NULL};
static const char *const K_NESTED_NAME[] = {"name", "nick", "userName", "staffName",
                                            "displayName", "senderName", NULL};
static const char *const K_SENDER_ID[] = {"senderId", "senderOpenDingTalkId",
                                          "senderOpenDingtalkId", "sender_open_dingtalk_id",
                                          "senderUserId", "sender_id", "senderStaffId",
                                          "openDingTalkId", "userId", NULL};
static const char *const K_TYPE[] = {"messageType", "msgType", "message_type", "msgtype", NULL};
/* robot callbacks: "1" 单聊, "2" 群聊 (string, some code a number) */
static const char *const K_CONV_TYPE[] = {"conversationType", "conversation_type", NULL};
static const char *const K_TEXT[] = {"text", "content", "msgContent", "message", "msg",
                                     "body", "plainText", NULL};
static const char *const K_INNER_TEXT[] = {"text", "content", "richText", "title", "value",
                                           "caption", "markdown", "recognition", NULL};
static const char *const K_TIME[] = {"createTime", "create_time", "sendTime", "gmtCreate",
                                     "createAt", "createdAt", "timestamp", "time", NULL};
static const char *const K_QUOTED[] = {"quotedMessage", "quoted_message", "replyMessage",
                                       "quoted", "replyToMessage", NULL};
static const char *const K_FORWARD[] = {"forwarded", "forwardMessages", "forward_messages",
                                        "forwardedMessages", NULL};
static const char *const K_FILE[] = {"fileName", "filename", "file_name", NULL};
static const char *const K_URL[] = {"url", "messageUrl", "linkUrl", NULL};

static const struct { const char *name; ca_type type; } dt_types[] = {
    {"text", CA_TYPE_TEXT}, {"markdown", CA_TYPE_TEXT}, {"richText", CA_TYPE_TEXT},
    {"rich_text", CA_TYPE_TEXT}, {"plainText", CA_TYPE_TEXT},
    {"image", CA_TYPE_IMAGE}, {"picture", CA_TYPE_IMAGE}, {"photo", CA_TYPE_IMAGE},
    {"file", CA_TYPE_FILE}, {"audio", CA_TYPE_VOICE}, {"voice", CA_TYPE_VOICE},
    {"video", CA_TYPE_VIDEO}, {"reply", CA_TYPE_QUOTE}, {"quote", CA_TYPE_QUOTE},
    {"merged_forward", CA_TYPE_RECORD}, {"chatRecord", CA_TYPE_RECORD},
    {"link", CA_TYPE_LINK}, {"location", CA_TYPE_LOCATION}, {"emotion", CA_TYPE_STICKER},
    {"sticker", CA_TYPE_STICKER}, {"redpacket", CA_TYPE_REDPACKET},
    {"unknownMsgType", CA_TYPE_OTHER}, {"system", CA_TYPE_OTHER}};

ca_type dt_type_from_name(const char *name, int *known)
{
    *known = 1;
    for (size_t i = 0; i < CA_ARRAY_LEN(dt_types); i++)
        if (strcmp(dt_types[i].name, name) == 0)
            return dt_types[i].type;
    /* interactiveCard, actionCard, action_card, feedCard ...: rich cards,
     * not the contact cards of type card; their text is kept */
    if (strstr(name, "card") || strstr(name, "Card"))
        return CA_TYPE_OTHER;
    *known = 0;
    return CA_TYPE_OTHER;
}

/* Growable list of record items (moved to the sink at the end). */
typedef struct items {
    ca_record_item *v;
    size_t n, cap;
    int oom;
} items;

static ca_record_item *items_add(items *it)
{
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 8;
        ca_record_item *nv = ca_realloc(it->v, cap * sizeof *nv);
        if (!nv) {
            it->oom = 1;
            return NULL;
        }
        it->v = nv;
        it->cap = cap;
    }
    ca_record_item *r = &it->v[it->n++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Text of a rich-text array: its "text" parts, in order. */
static const char *rich_text(ca_sink *s, long line, json_object *arr)
{
    ca_buf b = CA_BUF_INIT;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *part = json_object_array_get_idx(arr, i);
        json_object *t;
        if (json_object_is_type(part, json_type_string))
            t = part;
        else if (!json_object_object_get_ex(part, "text", &t) ||
                 !json_object_is_type(t, json_type_string))
            continue;
        ca_buf_put(&b, json_object_get_string(t), (size_t)json_object_get_string_len(t));
    }
    const char *r = b.len ? pc_clean_str(s, line, b.data, b.len) : NULL;
    ca_buf_free(&b);
    return r;
}

/* A message's text: a string field, or the text inside an object field
 * ({"text": ...}, {"richText": [...]}, {"mediaId", "caption"}). */
static const char *message_text(ca_sink *s, long line, json_object *m, json_object **body)
{
    *body = NULL;
    for (const char *const *k = K_TEXT; *k; k++) {
        json_object *v;
        if (!json_object_object_get_ex(m, *k, &v) || !usable(v))
            continue;
        if (json_object_is_type(v, json_type_string))
            return pj_str(s, line, m, *k);
        if (json_object_is_type(v, json_type_array))
            return rich_text(s, line, v);
        if (!json_object_is_type(v, json_type_object))
            continue;
        if (!*body)
            *body = v;
        for (const char *const *i = K_INNER_TEXT; *i; i++) {
            json_object *w;
            if (!json_object_object_get_ex(v, *i, &w) || !usable(w))
                continue;
            if (json_object_is_type(w, json_type_array))
                return rich_text(s, line, w);
            const char *r = pj_str(s, line, v, *i);
            if (r)
                return r;
        }
        /* an object without text ({"mediaId": ...}): try the next key */
    }
    return NULL;
}

/* Sender display name and id of a message. */
static void message_sender(ca_sink *s, long line, json_object *m, const char **id,
                           const char **name)
{
    *id = *name = NULL;
    for (const char *const *k = K_NESTED_SENDER; *k; k++) {
        json_object *v;
        if (json_object_object_get_ex(m, *k, &v) && json_object_is_type(v, json_type_object)) {
            if (!*id)
                *id = dt_istr(s, line, v, K_NESTED_ID);
            if (!*name)
                *name = dt_istr(s, line, v, K_NESTED_NAME);
        }
    }
    if (!*name) {
        /* the bare "sender" string is the display name in every dws shape */
        static const char *const k_sender[] = {"sender", NULL};
        *name = dt_istr(s, line, m, k_sender);
        if (!*name)
            *name = dt_istr(s, line, m, K_NAME);
    }
    if (!*id)
        *id = dt_istr(s, line, m, K_SENDER_ID);
}

static void add_items(ca_sink *s, long line, json_object *list, items *out, int depth);

static void add_item(ca_sink *s, long line, json_object *m, items *out, int depth)
{
    if (out->n >= DT_MAX_ITEMS || out->oom)
        return;
    ca_record_item *it = items_add(out);
    if (!it)
        return;
    size_t at = out->n - 1;
    const char *id, *name;
    message_sender(s, line, m, &id, &name);
    it->sender_name = name ? name : id;
    int64_t ms;
    if (dt_time(s, m, K_TIME, &ms) == 0)
        it->time_ms = ms;
    else
        it->time_text = dt_str(s, line, m, K_TIME);
    json_object *body;
    it->text = message_text(s, line, m, &body);
    const char *tn = dt_str(s, line, m, K_TYPE);
    int known;
    it->type = tn ? dt_type_from_name(tn, &known) : it->text ? CA_TYPE_TEXT : CA_TYPE_OTHER;
    json_object *fw = dt_get(m, K_FORWARD), *owned;
    json_object *arr = dt_json_in(fw, &owned);
    if (arr && json_object_is_type(arr, json_type_array) && json_object_array_length(arr)) {
        out->v[at].type = CA_TYPE_RECORD;
        if (depth < DT_MAX_DEPTH)
            add_items(s, line, arr, out, depth + 1);
    }
    json_object_put(owned);
}

/* Nested records follow the item that holds them (depth first). */
static void add_items(ca_sink *s, long line, json_object *list, items *out, int depth)
{
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++) {
        json_object *owned;
        json_object *m = dt_json_in(json_object_array_get_idx(list, i), &owned);
        if (m && json_object_is_type(m, json_type_object))
            add_item(s, line, m, out, depth);
        json_object_put(owned);
    }
}

/* Structured @mentions: atUsers [{staffId|userId|openDingTalkId|dingtalkId,
 * nick|name}] or arrays of ids; names where given, else ids; isAtAll sets
 * CA_EV_MENTION_ALL.  Returns 1 if a structured list was present (then the
 * text is not searched). */
static int structured_mentions(ca_sink *s, long line, json_object *m, ca_event *ev)
{
    static const char *const k_lists[] = {"atUsers", "at_users", "mentions", "mentionList",
                                          "atUserIds", "atOpenDingTalkIds", "atDingtalkIds",
                                          NULL};
    static const char *const k_all[] = {"isAtAll", "atAll", "is_at_all", NULL};
    static const char *const k_who_name[] = {"nick", "name", "userName", NULL};
    static const char *const k_who_id[] = {"staffId", "userId", "openDingTalkId",
                                           "dingtalkId", "unionId", NULL};
    json_object *all = dt_get(m, k_all);
    if (all && json_object_get_boolean(all))
        ev->flags |= CA_EV_MENTION_ALL;
    json_object *list = dt_get(m, k_lists);
    if (!list || !json_object_is_type(list, json_type_array))
        return 0;
    size_t n = json_object_array_length(list);
    if (n > 256)
        n = 256;
    const char **names = dt_strv(s, n);
    uint32_t k = 0;
    for (size_t i = 0; names && i < n; i++) {
        json_object *w = json_object_array_get_idx(list, i);
        const char *v = NULL;
        if (json_object_is_type(w, json_type_object)) {
            v = dt_istr(s, line, w, k_who_name);
            if (!v)
                v = dt_istr(s, line, w, k_who_id);
        } else if (json_object_is_type(w, json_type_string) && json_object_get_string_len(w)) {
            v = ca_sink_intern(s, json_object_get_string(w),
                               (size_t)json_object_get_string_len(w));
        }
        if (v)
            names[k++] = v;
    }
    ev->mentions = names;
    ev->n_mentions = k;
    return 1;
}

ca_status dt_fill_message(ca_sink *s, long line, json_object *m, const char *conv_default,
                          ca_event *ev, int *have_time)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->id = dt_istr(s, line, m, K_ID);
    ev->conv = dt_istr(s, line, m, K_CONV);
    if (!ev->conv)
        ev->conv = conv_default;
    const char *ct = json_object_get_string(dt_get(m, K_CONV_TYPE));
    if (ct && (strcmp(ct, "1") == 0 || strcmp(ct, "2") == 0))
        ev->flags |= strcmp(ct, "1") == 0 ? CA_EV_PRIVATE : CA_EV_GROUP;
    message_sender(s, line, m, &ev->sender, &ev->sender_name);
    if (!ev->sender && ev->sender_name) {
        ev->sender = ev->sender_name;
        ev->flags |= CA_EV_SENDER_WEAK;
    }
    *have_time = dt_time(s, m, K_TIME, &ev->time_ms) == 0;
    json_object *body;
    ev->text = message_text(s, line, m, &body);

    const char *tn = dt_str(s, line, m, K_TYPE);
    int known = 1;
    ca_type type = tn ? dt_type_from_name(tn, &known) : ev->text ? CA_TYPE_TEXT : CA_TYPE_OTHER;
    if (!known)
        ca_sink_warn(s, line, "unknown message type \"%.40s\"; kept as type other", tn);

    /* quoted message: one level, never nested (dws contract) */
    json_object *owned;
    json_object *q = dt_json_in(dt_get(m, K_QUOTED), &owned);
    if (q && json_object_is_type(q, json_type_object)) {
        const char *qid, *qname;
        ev->reply_to = dt_istr(s, line, q, K_ID);
        message_sender(s, line, q, &qid, &qname);
        ev->quote_sender = qname ? qname : qid;
        json_object *qbody;
        ev->quote_text = message_text(s, line, q, &qbody);
        if (type != CA_TYPE_RECORD)
            type = CA_TYPE_QUOTE;
    }
    json_object_put(owned);

    /* merged forward: the top-level text is a lossy summary; the records
     * themselves are in the forwarded list */
    json_object *fw = dt_json_in(dt_get(m, K_FORWARD), &owned);
    if (fw && json_object_is_type(fw, json_type_array) && json_object_array_length(fw)) {
        items it = {0};
        add_items(s, line, fw, &it, 1);
        if (it.n && !it.oom) {
            ev->items = ca_sink_alloc(s, it.n * sizeof *ev->items);
            if (ev->items) {
                memcpy(ev->items, it.v, it.n * sizeof *ev->items);
                ev->n_items = (uint32_t)it.n;
            }
        }
        int oom = it.oom;
        ca_free(it.v);
        if (oom) {
            json_object_put(owned);
            return CA_FATAL;
        }
        type = CA_TYPE_RECORD;
    }
    json_object_put(owned);
    ev->type = type;

    if (type == CA_TYPE_RECORD && ev->text)
        ev->title = ca_sink_str(s, ev->text, strcspn(ev->text, "\n"));
    if (body && (type == CA_TYPE_FILE || type == CA_TYPE_LINK)) {
        ev->title = dt_str(s, line, body, K_FILE);
        if (type == CA_TYPE_LINK)
            ev->url = dt_str(s, line, body, K_URL);
    }
    if (!structured_mentions(s, line, m, ev) &&
        (type == CA_TYPE_TEXT || type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}
