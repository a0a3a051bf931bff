/*
 * memotrace_json.c — the "<name>.html.json" sidecar MemoTrace v2 writes next
 * to its HTML export (wechat.md §2.2): a JSON array of Message.to_json()
 *   {type (the combined code as a string, "1", "244813135921" =
 *    (57 << 32) | 49; a pat says 10000 as a number), is_send (bool),
 *    timestamp (epoch s), server_id (string), display_name, avatar_src,
 *    xml_dict, and per type: text; quote_server_id, quote_type,
 *    quote_text ("<name>: <content>"); path, file_name, file_size;
 *    url, title, description; messages[] (merged record); pay_subtype,
 *    pay_memo, fee_desc; voice_to_text; x, y, label, poiname; ...}
 * Senders are display names only.  The group is named by the file
 * ("<remark>.html.json") or its folder "<remark>(<digits>@chatroom)".
 */
#include <string.h>
#include "common.h"
#include "jsonutil.h"
#include "wxtext.h"

typedef struct mj_ctx {
    const char *conv, *conv_name;
    wx_self self;
} mj_ctx;

static int mj_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    if (wt_first_char(head) != '[')
        return 0;
    if (wt_json_has_key(head, "server_id") && wt_json_has_key(head, "is_send") &&
        wt_json_has_key(head, "display_name") && wt_json_has_key(head, "timestamp"))
        return 100;
    return ca_ends_with(name, ".html.json") ? 30 : 0;
}

static const char *join2(ca_sink *s, const char *a, const char *sep, const char *b)
{
    if (!b || (a && strcmp(a, b) == 0))
        return a;
    if (!a)
        return b;
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *p = ca_sink_alloc(s, na + ns + nb + 1);
    if (!p)
        return NULL;
    memcpy(p, a, na);
    memcpy(p + na, sep, ns);
    memcpy(p + na + ns, b, nb + 1);
    return p;
}

/* The event type of a MemoTrace message: its WeChat code, except that
 * MemoTrace's link classes (appmsg 1, 68 and channels 51) are links. */
static ca_type mt_type(json_object *o, long type, long sub)
{
    ca_type t = wx_type_from_code(type, sub);
    if (type == 49 && (t == CA_TYPE_TEXT || t == CA_TYPE_OTHER) && pj_get(o, "url"))
        return CA_TYPE_LINK;
    return t == CA_TYPE_NONE ? CA_TYPE_OTHER : t;
}

static void type_of(json_object *o, long *type, long *sub)
{
    *type = -1;
    *sub = 0;
    wt_split_type(pj_int(o, "type", -1), type, sub);
}

/* The nested messages of a merged record. */
static ca_status record_items(ca_sink *s, long line, json_object *msgs, ca_event *ev)
{
    if (!msgs || !json_object_is_type(msgs, json_type_array))
        return CA_OK;
    size_t n = json_object_array_length(msgs);
    if (!n)
        return CA_OK;
    ev->items = ca_sink_alloc(s, n * sizeof *ev->items);
    if (!ev->items)
        return CA_FATAL;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(msgs, i);
        ca_record_item *it = &ev->items[ev->n_items++];
        long type, sub;
        type_of(m, &type, &sub);
        it->sender_name = pj_istr(s, line, m, "display_name");
        if (pj_time(s, m, "timestamp", &it->time_ms) != 0)
            it->time_ms = 0;
        it->type = type == 10000 ? CA_TYPE_OTHER : mt_type(m, type, sub);
        it->text = pj_str(s, line, m, "text");
        if (!it->text)
            it->text = pj_str(s, line, m, "title");
        if (!it->text)
            it->text = pj_str(s, line, m, "file_name");
    }
    return CA_OK;
}

/* quote_text is "<display name>: <content>". */
static void quote(ca_sink *s, long line, json_object *o, ca_event *ev)
{
    ev->reply_to = pj_str(s, line, o, "quote_server_id");
    if (ev->reply_to && strcmp(ev->reply_to, "0") == 0)
        ev->reply_to = NULL;
    const char *q = pj_str(s, line, o, "quote_text");
    const char *sep = q ? strstr(q, ": ") : NULL;
    if (sep) {
        if (sep > q)
            ev->quote_sender = ca_sink_intern(s, q, (size_t)(sep - q));
        q = sep[2] ? sep + 2 : NULL;
    }
    ev->quote_text = q;
}

static ca_status fill_message(ca_sink *s, long line, long type, long sub, json_object *o,
                              ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->type = mt_type(o, type, sub);
    const char *text = pj_str(s, line, o, "text");
    const char *title = pj_str(s, line, o, "title");
    switch (ev->type) {
    case CA_TYPE_IMAGE:
    case CA_TYPE_VIDEO:
    case CA_TYPE_STICKER:
        break;
    case CA_TYPE_QUOTE:
        ev->text = text;
        quote(s, line, o, ev);
        break;
    case CA_TYPE_FILE:
        ev->title = pj_str(s, line, o, "file_name");
        ev->text = ev->title;
        break;
    case CA_TYPE_RECORD:
        ev->title = title;
        ev->text = join2(s, title, "\n", pj_str(s, line, o, "description"));
        if (record_items(s, line, pj_get(o, "messages"), ev) != CA_OK)
            return CA_FATAL;
        break;
    case CA_TYPE_TRANSFER:
        ev->title = text; /* 发起转账, 已收款 ... */
        ev->text = join2(s, pj_str(s, line, o, "fee_desc"), " ", pj_str(s, line, o, "pay_memo"));
        if (!ev->text)
            ev->text = text;
        break;
    case CA_TYPE_LOCATION:
        ev->title = pj_str(s, line, o, "poiname");
        ev->text = join2(s, ev->title, " ", pj_str(s, line, o, "label"));
        break;
    case CA_TYPE_VOICE:
        ev->text = pj_str(s, line, o, "voice_to_text");
        break;
    case CA_TYPE_CALL:
        ev->text = pj_str(s, line, o, "display_content");
        break;
    case CA_TYPE_CARD:
        ev->title = pj_str(s, line, o, "nickname");
        ev->text = ev->title;
        break;
    case CA_TYPE_LINK:
    case CA_TYPE_MINIPROGRAM:
        ev->url = pj_str(s, line, o, "url");
        ev->title = title;
        ev->text = join2(s, title, "\n", pj_str(s, line, o, "description"));
        break;
    default:
        ev->text = text ? text : title;
        break;
    }
    if ((ev->type == CA_TYPE_TEXT || ev->type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}

static ca_status mj_message(mj_ctx *c, ca_sink *s, long line, json_object *o)
{
    char found[80];
    if (!json_object_is_type(o, json_type_object)) {
        ca_sink_error(s, line, "expected a MemoTrace message object, found %s; record skipped",
                      wt_json_type_name(o));
        return CA_FAILED;
    }
    ca_event ev = {0};
    ev.src_line = line;
    ev.conv = c->conv;
    ev.conv_name = c->conv_name;
    if (pj_time(s, o, "timestamp", &ev.time_ms) != 0) {
        ca_sink_error(s, line, "expected \"timestamp\" as epoch seconds, found %s; record skipped",
                      wt_found(o, "timestamp", found, sizeof found));
        return CA_FAILED;
    }
    long type, sub;
    type_of(o, &type, &sub);
    if (type < 0)
        ca_sink_warn(s, line, "expected \"type\" as a WeChat type code, found %s; kept as type "
                     "other", wt_found(o, "type", found, sizeof found));
    ev.id = pj_str(s, line, o, "server_id");
    if (ev.id && strcmp(ev.id, "0") == 0)
        ev.id = NULL;
    ev.sender_name = pj_istr(s, line, o, "display_name");
    ca_status st;
    if (type == 10000 || type == 10002) {
        const char *text = pj_str(s, line, o, "text");
        const char *who = ev.sender_name;
        ev.sender_name = NULL;
        st = wx_parse_system(text ? text : "", text ? strlen(text) : 0, &c->self, line, s, &ev);
        /* PatMessage.to_json() alone writes the type as a number: a pat,
         * whose display name is the one who patted */
        if (ev.kind == CA_KIND_NOTICE && who && json_object_is_type(pj_get(o, "type"), json_type_int)) {
            ev.sender = ev.sender_name = who;
            ev.flags |= CA_EV_SENDER_WEAK;
        }
    } else {
        ev.sender = ev.sender_name;
        ev.flags |= CA_EV_SENDER_WEAK;
        if (wt_json_true(o, "is_send")) {
            ev.flags |= CA_EV_FROM_SELF;
            if (ev.sender_name && !c->self.name)
                c->self.name = ev.sender_name;
        }
        st = fill_message(s, line, type, sub, o, &ev);
    }
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status mj_parse(const ca_entry *e, ca_sink *s)
{
    json_object *doc;
    if (pj_parse_doc(e, s, &doc) != CA_OK)
        return CA_FATAL;
    if (!json_object_is_type(doc, json_type_array)) {
        ca_sink_error(s, 1, "expected a JSON array of MemoTrace messages, found %s; entry skipped",
                      wt_json_type_name(doc));
        json_object_put(doc);
        return CA_FATAL;
    }
    static const char *const suffixes[] = {".html", NULL};
    mj_ctx c = {0};
    wt_conv_from_path(s, e, suffixes, &c.conv, &c.conv_name);
    size_t n = json_object_array_length(doc), nl = 0;
    long *lines = wt_json_elem_lines(e->text, e->len, NULL, &nl);
    size_t mark = ca_sink_mark(s);
    ca_status st = CA_OK;
    for (size_t i = 0; i < n && st != CA_FATAL; i++) {
        long line = lines && nl == n ? lines[i] : (long)i + 1;
        ca_sink_record(s);
        st = mj_message(&c, s, line, json_object_array_get_idx(doc, i));
    }
    /* "你" in system messages is the exporting account, known here by the
     * display name of its messages only */
    ca_sink_patch_self(s, mark, c.self.name);
    ca_free(lines);
    json_object_put(doc);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

const ca_format ca_format_memotrace_json = {
    "memotrace-json", "wechat", "MemoTrace v2 HTML export's .html.json sidecar (display names only)",
    mj_bid, mj_parse};
