/*
 * wecom_archive.c — WeCom 会话内容存档 (msgaudit) messages after
 * decryption (dingtalk-wecom.md §2.2, §2.3): one message per line (the
 * chatdata.jsonl exporters write), a JSON array of messages, or a
 * GetChatData page {"chatdata": [...]} whose entries are decrypted.
 *   {"msgid", "action": send|recall|switch, "from", "tolist", "roomid",
 *    "msgtime" (epoch ms), "msgtype", "<body key>": {...}}
 * The conversation is the roomid for group chats, else a 1:1 id: the
 * sorted, distinct ids of from and tolist joined by ':' (the same whoever
 * sent).  The sender is from.
 *
 * Decisions where the source is silent:
 *   - msgtime 0 (the doc's image example) or missing: the message cannot
 *     be placed in time, so it is skipped and reported as an error with
 *     its line; the msgid's "_<seconds>" suffix is not used instead, as
 *     it is undocumented and differs from msgtime by up to a minute.
 *   - action "switch" records (a user switched enterprise) are not
 *     messages: they are counted and one warning at the end says how many
 *     were ignored.
 *   - A reply arrives as text embedding the quote (WxJava's example:
 *     "这是一条引用/回复消息：\"<quoted>\"\n------\n<reply>"); a text whose
 *     part before "\n------\n" carries that prefix or is in quotes is read
 *     as a quote (unverified wording: only this shape is recognised).
 *   - Encrypted records (encrypt_chat_msg, before DecryptData) cannot be
 *     read: they are counted and reported once.
 *   - Unknown msgtypes are kept as type other with their body as raw JSON
 *     text, and reported.
 * In a JSON document the "line" of a message is its record number.
 */
#include <string.h>
#include <stdlib.h>
#include "../analyzer/buf.h"
#include "common.h"
#include "dtwc.h"
#include "wechat.h"

typedef struct wa_ctx {
    long recno;
    size_t switches, encrypted;
    long first_switch, first_encrypted;
} wa_ctx;

typedef enum {
    SP_NONE, SP_TEXT, SP_REVOKE, SP_AGREE, SP_DISAGREE, SP_CHATRECORD, SP_MIXED, SP_NEWS,
    SP_COLLECT, SP_VOTE
} wa_special;

/* One msgtype: its body key, what it becomes, and where its text, title
 * and url are in the body (text: up to three fields joined by "\n"). */
typedef struct wa_type {
    const char *msgtype;
    const char *key;
    ca_kind kind;
    ca_type type;
    wa_special special;
    const char *text[3];
    const char *title;
    const char *url;
} wa_type;

#define MSG CA_KIND_MESSAGE
static const wa_type wa_types[] = {
    {"text", "text", MSG, CA_TYPE_TEXT, SP_TEXT, {"content"}, NULL, NULL},
    {"image", "image", MSG, CA_TYPE_IMAGE, SP_NONE, {NULL}, NULL, NULL},
    {"revoke", "revoke", CA_KIND_RECALL, CA_TYPE_NONE, SP_REVOKE, {NULL}, NULL, NULL},
    {"agree", "agree", CA_KIND_NOTICE, CA_TYPE_NONE, SP_AGREE, {NULL}, NULL, NULL},
    {"disagree", "disagree", CA_KIND_NOTICE, CA_TYPE_NONE, SP_DISAGREE, {NULL}, NULL, NULL},
    {"voice", "voice", MSG, CA_TYPE_VOICE, SP_NONE, {NULL}, NULL, NULL},
    {"video", "video", MSG, CA_TYPE_VIDEO, SP_NONE, {NULL}, NULL, NULL},
    {"card", "card", MSG, CA_TYPE_CARD, SP_NONE, {"userid"}, "corpname", NULL},
    {"location", "location", MSG, CA_TYPE_LOCATION, SP_NONE, {"title", "address"}, "title",
     NULL},
    {"emotion", "emotion", MSG, CA_TYPE_STICKER, SP_NONE, {NULL}, NULL, NULL},
    {"file", "file", MSG, CA_TYPE_FILE, SP_NONE, {"filename"}, "filename", NULL},
    {"link", "link", MSG, CA_TYPE_LINK, SP_NONE, {"title", "description"}, "title",
     "link_url"},
    {"weapp", "weapp", MSG, CA_TYPE_MINIPROGRAM, SP_NONE, {"title", "description"}, "title",
     NULL},
    {"chatrecord", "chatrecord", MSG, CA_TYPE_RECORD, SP_CHATRECORD, {"title"}, "title", NULL},
    {"collect", "collect", MSG, CA_TYPE_OTHER, SP_COLLECT, {"title"}, "title", NULL},
    {"redpacket", "redpacket", MSG, CA_TYPE_REDPACKET, SP_NONE, {"wish"}, NULL, NULL},
    {"external_redpacket", "redpacket", MSG, CA_TYPE_REDPACKET, SP_NONE, {"wish"}, NULL, NULL},
    {"meeting", "meeting", MSG, CA_TYPE_OTHER, SP_NONE, {"topic", "remarks"}, "topic", NULL},
    {"docmsg", "doc", MSG, CA_TYPE_LINK, SP_NONE, {"title"}, "title", "link_url"},
    {"markdown", "info", MSG, CA_TYPE_TEXT, SP_TEXT, {"content"}, NULL, NULL},
    {"news", "info", MSG, CA_TYPE_LINK, SP_NEWS, {NULL}, NULL, NULL},
    {"calendar", "calendar", MSG, CA_TYPE_OTHER, SP_NONE, {"title", "place", "remarks"},
     "title", NULL},
    {"mixed", "mixed", MSG, CA_TYPE_TEXT, SP_MIXED, {NULL}, NULL, NULL},
    {"meeting_voice_call", "meeting_voice_call", MSG, CA_TYPE_CALL, SP_NONE, {NULL}, NULL,
     NULL},
    {"voip_doc_share", "voip_doc_share", MSG, CA_TYPE_FILE, SP_NONE, {"filename"}, "filename",
     NULL},
    {"sphfeed", "sphfeed", MSG, CA_TYPE_LINK, SP_NONE, {"feed_desc"}, "sph_name", NULL},
    /* in the doc's list, without a sample in the sample file */
    {"todo", "todo", MSG, CA_TYPE_OTHER, SP_NONE, {"title", "content"}, "title", NULL},
    {"vote", "vote", MSG, CA_TYPE_OTHER, SP_VOTE, {"votetitle"}, "votetitle", NULL},
    {"voiptext", "voiptext", MSG, CA_TYPE_CALL, SP_NONE, {NULL}, NULL, NULL},
    {"qydiskfile", "info", MSG, CA_TYPE_FILE, SP_NONE, {"filename"}, "filename", NULL},
    {"meeting_notification", "meeting_notification", MSG, CA_TYPE_OTHER, SP_NONE, {"content"},
     NULL, NULL},
};
#undef MSG

static const wa_type *find_type(const char *msgtype)
{
    for (size_t i = 0; i < CA_ARRAY_LEN(wa_types); i++)
        if (strcmp(wa_types[i].msgtype, msgtype) == 0)
            return &wa_types[i];
    return NULL;
}

static int wa_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    if (dt_has_key(head, "msgid") &&
        (dt_has_key(head, "msgtime") || dt_has_kv(head, "action", "switch") ||
         dt_has_key(head, "tolist")))
        return 100;
    if (dt_has_key(head, "encrypt_chat_msg") && dt_has_key(head, "msgid"))
        return 100;
    return 0;
}

/* Fields of the body joined by "\n" (empty ones left out); sink-owned. */
static const char *joined(ca_sink *s, long line, json_object *body, const char *const *paths,
                          size_t n)
{
    const char *parts[8];
    size_t k = 0;
    for (size_t i = 0; i < n && paths[i] && k < CA_ARRAY_LEN(parts); i++) {
        const char *p = pj_str(s, line, body, paths[i]);
        if (p)
            parts[k++] = p;
    }
    if (k == 0)
        return NULL;
    if (k == 1)
        return parts[0];
    ca_buf b = CA_BUF_INIT;
    for (size_t i = 0; i < k; i++) {
        if (i)
            ca_buf_putc(&b, '\n');
        ca_buf_puts(&b, parts[i]);
    }
    const char *r = b.oom ? NULL : ca_sink_str(s, b.data, b.len);
    ca_buf_free(&b);
    return r;
}

/* Text of a list under the body: each element's fields, one per line. */
static const char *list_text(ca_sink *s, long line, json_object *body, const char *list,
                             const char *const *fields, size_t nf)
{
    json_object *arr = pj_get(body, list);
    if (!arr || !json_object_is_type(arr, json_type_array))
        return NULL;
    ca_buf b = CA_BUF_INIT;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *el = json_object_array_get_idx(arr, i);
        const char *t = json_object_is_type(el, json_type_string)
                            ? json_object_get_string(el)
                            : joined(s, line, el, fields, nf);
        if (!t || !*t)
            continue;
        if (b.len)
            ca_buf_putc(&b, '\n');
        ca_buf_puts(&b, t);
    }
    const char *r = b.len && !b.oom ? pc_clean_str(s, line, b.data, b.len) : NULL;
    ca_buf_free(&b);
    return r;
}

static const char *cat2(ca_sink *s, const char *a, const char *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    ca_buf t = CA_BUF_INIT;
    ca_buf_puts(&t, a);
    ca_buf_putc(&t, '\n');
    ca_buf_puts(&t, b);
    const char *r = t.oom ? NULL : ca_sink_str(s, t.data, t.len);
    ca_buf_free(&t);
    return r;
}

/* "这是一条引用/回复消息：\"<quoted>\"\n------\n<reply>" (see the top). */
static void find_quote(ca_sink *s, ca_event *ev)
{
    static const char SEP[] = "\n------\n";
    static const char PREFIX[] = "这是一条引用/回复消息：";
    const char *t = ev->text;
    const char *sep = t ? strstr(t, SEP) : NULL;
    if (!sep)
        return;
    const char *q = t, *qe = sep;
    int prefixed = ca_starts_with(q, PREFIX);
    if (prefixed)
        q += strlen(PREFIX);
    int quoted = (*q == '"' && qe > q && qe[-1] == '"') ||
                 (ca_starts_with(q, "“") && qe - q >= 6 && memcmp(qe - 3, "”", 3) == 0);
    if (!prefixed && !quoted)
        return;
    if (*q == '"')
        q++;
    else if (ca_starts_with(q, "“"))
        q += 3;
    if (qe > q && qe[-1] == '"')
        qe--;
    else if (qe - q >= 3 && memcmp(qe - 3, "”", 3) == 0)
        qe -= 3;
    ev->type = CA_TYPE_QUOTE;
    ev->quote_text = qe > q ? ca_sink_str(s, q, (size_t)(qe - q)) : NULL;
    const char *reply = sep + strlen(SEP);
    ev->text = *reply ? reply : NULL;
}

static void fill_body(ca_sink *s, long line, const wa_type *t, json_object *body,
                      const char **text, const char **title, const char **url)
{
    *text = joined(s, line, body, t->text, CA_ARRAY_LEN(t->text));
    *title = t->title ? pj_str(s, line, body, t->title) : NULL;
    *url = t->url ? pj_str(s, line, body, t->url) : NULL;
    if (t->special == SP_NEWS) {
        static const char *const f[] = {"title", "description"};
        *text = list_text(s, line, body, "item", f, 2);
        json_object *arr = pj_get(body, "item");
        json_object *first = arr && json_object_is_type(arr, json_type_array)
                                 ? json_object_array_get_idx(arr, 0)
                                 : NULL;
        *title = pj_str(s, line, first, "title");
        *url = pj_str(s, line, first, "url");
    } else if (t->special == SP_COLLECT) {
        static const char *const f[] = {"ques"};
        *text = cat2(s, *text, list_text(s, line, body, "details", f, 1));
    } else if (t->special == SP_VOTE) {
        static const char *const f[] = {"item"};
        *text = cat2(s, *text, list_text(s, line, body, "voteitem", f, 1));
    }
}

/* mixed: the text parts, concatenated ("text" items' content). */
static const char *mixed_text(ca_sink *s, long line, json_object *body, ca_type *type)
{
    json_object *arr = pj_get(body, "item");
    if (!arr || !json_object_is_type(arr, json_type_array))
        return NULL;
    ca_buf b = CA_BUF_INIT;
    int images = 0;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *it = json_object_array_get_idx(arr, i), *owned;
        const char *ty = json_object_get_string(pj_get(it, "type"));
        json_object *c = dt_json_in(pj_get(it, "content"), &owned);
        if (ty && strcmp(ty, "text") == 0) {
            json_object *v = pj_get(c, "content");
            if (v && json_object_is_type(v, json_type_string)) {
                if (b.len && b.data[b.len - 1] != '\n')
                    ca_buf_putc(&b, '\n');
                ca_buf_put(&b, json_object_get_string(v), (size_t)json_object_get_string_len(v));
            }
        } else if (ty && strcmp(ty, "image") == 0) {
            images++;
        }
        json_object_put(owned);
    }
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
        b.len--;
    *type = b.len ? CA_TYPE_TEXT : images ? CA_TYPE_IMAGE : CA_TYPE_OTHER;
    const char *r = b.len && !b.oom ? pc_clean_str(s, line, b.data, b.len) : NULL;
    ca_buf_free(&b);
    return r;
}

/* chatrecord items: type "ChatRecordText" ..., msgtime in seconds, content
 * a JSON string of that type's body.  Nested records follow their item. */
typedef struct items {
    ca_record_item *v;
    size_t n, cap;
    int oom;
} items;

static void record_items(ca_sink *s, long line, json_object *body, items *out, int depth)
{
    json_object *arr = pj_get(body, "item");
    if (!arr || !json_object_is_type(arr, json_type_array))
        return;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n && out->n < DT_MAX_ITEMS && !out->oom; i++) {
        json_object *it = json_object_array_get_idx(arr, i), *owned;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 8;
            ca_record_item *nv = ca_realloc(out->v, cap * sizeof *nv);
            if (!nv) {
                out->oom = 1;
                return;
            }
            out->v = nv;
            out->cap = cap;
        }
        size_t at = out->n++;
        ca_record_item *r = &out->v[at];
        memset(r, 0, sizeof *r);
        int64_t ms;
        if (pj_time(s, it, "msgtime", &ms) == 0)
            r->time_ms = ms;
        static const char *const k_from[] = {"from", "sender", NULL};
        r->sender_name = dt_istr(s, line, it, k_from);
        /* "ChatRecordText" → "text"; "ChatRecordMixed" → "mixed" */
        const char *ty = json_object_get_string(pj_get(it, "type"));
        char name[48] = "";
        if (ty) {
            const char *p = ca_starts_with(ty, "ChatRecord") ? ty + strlen("ChatRecord") : ty;
            size_t k = 0;
            for (; p[k] && k + 1 < sizeof name; k++)
                name[k] = (char)((p[k] >= 'A' && p[k] <= 'Z') ? p[k] + 32 : p[k]);
            name[k] = '\0';
        }
        const wa_type *t = find_type(name);
        json_object *c = dt_json_in(pj_get(it, "content"), &owned);
        r->type = t && t->kind == CA_KIND_MESSAGE ? t->type : CA_TYPE_OTHER;
        if (t && t->special == SP_MIXED) {
            ca_type mt;
            r->text = mixed_text(s, line, c, &mt);
            r->type = mt;
        } else if (t) {
            const char *title, *url;
            fill_body(s, line, t, c, &r->text, &title, &url);
        } else if (c) {
            r->text = dt_raw_json(s, line, c);
        }
        if (t && t->special == SP_CHATRECORD && depth < DT_MAX_DEPTH)
            record_items(s, line, c, out, depth + 1);
        json_object_put(owned);
    }
}

/* The 1:1 conversation: the distinct ids of from and tolist, sorted. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *pair_conv(ca_sink *s, long line, json_object *o, const char *from)
{
    const char *ids[17];
    size_t n = 0;
    if (from)
        ids[n++] = from;
    json_object *to = pj_get(o, "tolist");
    size_t nt = to && json_object_is_type(to, json_type_array) ? json_object_array_length(to) : 0;
    for (size_t i = 0; i < nt && n < CA_ARRAY_LEN(ids); i++) {
        const char *id = dt_value_istr(s, line, json_object_array_get_idx(to, i));
        if (id)
            ids[n++] = id;
    }
    if (!n)
        return NULL;
    qsort(ids, n, sizeof ids[0], cmp_str);
    ca_buf b = CA_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(ids[i], ids[i - 1]) == 0)
            continue;
        if (b.len)
            ca_buf_putc(&b, ':');
        ca_buf_puts(&b, ids[i]);
    }
    const char *r = b.oom ? NULL : ca_sink_intern(s, b.data, b.len);
    ca_buf_free(&b);
    return r;
}

static ca_status one_message(wa_ctx *c, ca_sink *s, long line, json_object *o)
{
    char shown[64];
    if (!json_object_is_type(o, json_type_object)) {
        ca_sink_error(s, line, "expected a message object, found %s; record skipped",
                      dt_show(o, shown));
        return CA_FAILED;
    }
    const char *action = json_object_get_string(pj_get(o, "action"));
    if (action && strcmp(action, "switch") == 0) {
        if (!c->switches++)
            c->first_switch = line;
        return CA_OK;
    }
    if (pj_get(o, "encrypt_chat_msg") && !pj_get(o, "msgtype")) {
        if (!c->encrypted++)
            c->first_encrypted = line;
        return CA_OK;
    }
    ca_event ev = {0};
    ev.src_line = line;
    json_object *mt = pj_get(o, "msgtime");
    if (pj_time(s, o, "msgtime", &ev.time_ms) != 0) {
        ca_sink_error(s, line, "expected a msgtime (epoch milliseconds), found %s; record skipped",
                      dt_show(mt, shown));
        return CA_FAILED;
    }
    const char *msgtype = json_object_get_string(pj_get(o, "msgtype"));
    if (!msgtype || !*msgtype) {
        ca_sink_error(s, line, "expected a msgtype, found %s; record skipped",
                      dt_show(pj_get(o, "msgtype"), shown));
        return CA_FAILED;
    }
    ev.id = pj_istr(s, line, o, "msgid");
    ev.sender = pj_istr(s, line, o, "from");
    if (!ev.sender)
        ca_sink_warn(s, line, "expected a from (the sender's id), found %s; sender unknown",
                     dt_show(pj_get(o, "from"), shown));
    ev.conv = pj_istr(s, line, o, "roomid");
    ev.flags |= ev.conv ? CA_EV_GROUP : CA_EV_PRIVATE; /* roomid "" = 1:1 */
    if (!ev.conv) {
        ev.conv = pair_conv(s, line, o, ev.sender);
        if (!ev.conv) {
            ca_sink_error(s, line, "expected a roomid or a from and tolist naming the "
                          "conversation, found neither; record skipped");
            return CA_FAILED;
        }
    }
    const wa_type *t = find_type(msgtype);
    if (!t) {
        /* unknown: kept, with its body as raw JSON */
        json_object *body = pj_get(o, msgtype);
        ev.kind = CA_KIND_MESSAGE;
        ev.type = CA_TYPE_OTHER;
        ev.text = dt_raw_json(s, line, body ? body : o);
        ca_sink_warn(s, line, "unknown msgtype \"%.40s\"; kept as type other with its raw JSON",
                     msgtype);
        return ca_sink_emit(s, &ev);
    }
    json_object *body = pj_get(o, t->key);
    ev.kind = t->kind;
    ev.type = t->type;
    switch (t->special) {
    case SP_REVOKE:
        ev.reply_to = pj_istr(s, line, body, "pre_msgid");
        ev.actor = ev.sender;
        if (!ev.reply_to)
            ca_sink_warn(s, line, "revoke: expected a pre_msgid (the recalled message), found "
                         "%s; recalled message unknown",
                         dt_show(pj_get(body, "pre_msgid"), shown));
        return ca_sink_emit(s, &ev);
    case SP_AGREE:
    case SP_DISAGREE:
        /* an external contact consented to (or refused) the archiving */
        ev.actor = pj_istr(s, line, body, "userid");
        if (!ev.actor)
            ev.actor = ev.sender;
        ev.text = t->special == SP_AGREE ? "同意会话聊天内容" : "不同意会话聊天内容";
        return ca_sink_emit(s, &ev);
    case SP_MIXED:
        ev.text = mixed_text(s, line, body, &ev.type);
        break;
    case SP_CHATRECORD: {
        fill_body(s, line, t, body, &ev.text, &ev.title, &ev.url);
        items it = {0};
        record_items(s, line, body, &it, 1);
        if (it.n && !it.oom) {
            ev.items = ca_sink_alloc(s, it.n * sizeof *ev.items);
            if (ev.items) {
                memcpy(ev.items, it.v, it.n * sizeof *ev.items);
                ev.n_items = (uint32_t)it.n;
            }
        }
        int oom = it.oom;
        ca_free(it.v);
        if (oom)
            return CA_FATAL;
        break;
    }
    default:
        fill_body(s, line, t, body, &ev.text, &ev.title, &ev.url);
        break;
    }
    if (t->special == SP_TEXT && t->type == CA_TYPE_TEXT && strcmp(t->msgtype, "text") == 0)
        find_quote(s, &ev);
    if ((ev.type == CA_TYPE_TEXT || ev.type == CA_TYPE_QUOTE) && ev.text &&
        wx_find_mentions(ev.text, s, &ev) < 0)
        return CA_FATAL;
    return ca_sink_emit(s, &ev);
}

static ca_status records(wa_ctx *c, ca_sink *s, long line, json_object *arr)
{
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        long l = line;
        if (line == 0) {
            ca_sink_record(s);
            l = ++c->recno;
        }
        if (one_message(c, s, l, json_object_array_get_idx(arr, i)) == CA_FATAL)
            return CA_FATAL;
    }
    return CA_OK;
}

static ca_status on_value(void *ud, ca_sink *s, long line, json_object *o)
{
    wa_ctx *c = ud;
    ca_status st;
    json_object *page = pj_get(o, "chatdata");
    if (json_object_is_type(o, json_type_array)) {
        st = records(c, s, line, o);
    } else if (page && json_object_is_type(page, json_type_array)) {
        st = records(c, s, line, page); /* a GetChatData page */
    } else {
        if (line == 0) {
            ca_sink_record(s);
            line = ++c->recno;
        }
        st = one_message(c, s, line, o);
    }
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

static ca_status wa_parse(const ca_entry *e, ca_sink *s)
{
    wa_ctx c = {0};
    ca_status st = dt_read_entry(e, s, on_value, &c);
    if (st == CA_FATAL)
        return st;
    if (c.encrypted)
        ca_sink_error(s, c.first_encrypted,
                      "%zu encrypted record%s (encrypt_chat_msg) skipped: decrypt them with the "
                      "WeCom Finance SDK (DecryptData) first",
                      c.encrypted, c.encrypted == 1 ? "" : "s");
    if (c.switches)
        ca_sink_warn(s, c.first_switch,
                     "%zu switch record%s ignored (action \"switch\": a user switched "
                     "enterprise, not a message)",
                     c.switches, c.switches == 1 ? "" : "s");
    return CA_OK;
}

const ca_format ca_format_wecom_archive = {
    "wecom-archive", "wecom",
    "WeCom 会话内容存档 decrypted messages (JSON Lines, JSON array or chatdata page)",
    wa_bid, wa_parse};
