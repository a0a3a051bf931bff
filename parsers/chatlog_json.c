/*
 * chatlog_json.c — sjzar/chatlog API JSON output (wechat.md §2.5): an array
 * of Message objects
 *   {seq, time (RFC 3339 with offset), talker, talkerName, isChatRoom,
 *    sender (wxid; "系统消息" for system messages), senderName, isSelf,
 *    type, subType, content, contents{title, url, desc, recordInfo, refer}}
 * content is already rendered by chatlog: plain text, the rendered system
 * template ("nickname(wxid)" for people), the reply title of a quote whose
 * quoted message is contents.refer (a nested Message without a server id).
 * seq is a local sort key (CreateTime*1000 + n), not a message id, so the
 * events carry no id.
 */
#include <string.h>
#include "../analyzer/timeparse.h"
#include "common.h"
#include "jsonutil.h"
#include "wxtext.h"

typedef struct cj_ctx {
    const char *file_conv;
    wx_self self;
} cj_ctx;

static int cj_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    if (wt_first_char(head) != '[')
        return 0;
    /* Go writes the struct's fields in order: all before "content" */
    static const char *const keys[] = {"seq", "time", "talker", "isSelf", "type", "subType"};
    for (size_t i = 0; i < CA_ARRAY_LEN(keys); i++)
        if (!wt_json_has_key(head, keys[i]))
            return 0;
    return 100;
}

/* contents.recordInfo (Go's default field names: DataList.DataItems[]). */
static ca_status record_items(ca_sink *s, long line, json_object *ri, ca_event *ev)
{
    json_object *items = pj_get(ri, "DataList.DataItems");
    if (!items || !json_object_is_type(items, json_type_array))
        return CA_OK;
    size_t n = json_object_array_length(items);
    if (!n)
        return CA_OK;
    ev->items = ca_sink_alloc(s, n * sizeof *ev->items);
    if (!ev->items)
        return CA_FATAL;
    for (size_t i = 0; i < n; i++) {
        json_object *it = json_object_array_get_idx(items, i);
        ca_record_item *r = &ev->items[ev->n_items++];
        r->sender_name = pj_istr(s, line, it, "SourceName");
        r->time_text = pj_str(s, line, it, "SourceTime");
        r->type = wt_record_item_type((long)pj_int(it, "DataType", 0));
        r->text = pj_str(s, line, it, "DataDesc");
        if (!r->text)
            r->text = pj_str(s, line, it, "DataTitle");
        if (r->time_text &&
            ca_time_parse(r->time_text, strlen(r->time_text), ca_sink_tz(s), &r->time_ms, NULL) != 0)
            r->time_ms = 0;
    }
    return CA_OK;
}

/* contents.refer: the quoted message, a nested Message. */
static void refer(ca_sink *s, long line, json_object *r, ca_event *ev)
{
    if (!r || !json_object_is_type(r, json_type_object))
        return;
    ev->quote_sender = pj_istr(s, line, r, "sender");
    if (!ev->quote_sender)
        ev->quote_sender = pj_istr(s, line, r, "senderName");
    ev->quote_text = pj_str(s, line, r, "content");
    if (!ev->quote_text)
        ev->quote_text = pj_str(s, line, r, "contents.title");
}

static const char *title_desc(ca_sink *s, const char *title, const char *desc)
{
    if (!desc || (title && strcmp(title, desc) == 0))
        return title;
    if (!title)
        return desc;
    size_t a = strlen(title), b = strlen(desc);
    char *p = ca_sink_alloc(s, a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, title, a);
    p[a] = '\n';
    memcpy(p + a + 1, desc, b + 1);
    return p;
}

static ca_status fill_message(cj_ctx *c, ca_sink *s, long line, long type, long sub,
                              const char *content, json_object *o, ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->type = wx_type_from_code(type, sub);
    if (ev->type == CA_TYPE_NONE)
        ev->type = CA_TYPE_OTHER;
    if (type == 49 && content && content[0] == '<') /* chatlog could not read the XML */
        return wx_parse_appmsg(content, strlen(content), line, s, ev) == CA_FATAL ? CA_FATAL
                                                                                 : CA_OK;
    ev->text = content;
    if (type == 49) {
        const char *title = pj_str(s, line, o, "contents.title");
        const char *desc = pj_str(s, line, o, "contents.desc");
        ev->url = pj_str(s, line, o, "contents.url");
        switch (sub) {
        case 57:
            refer(s, line, pj_get(o, "contents.refer"), ev);
            break;
        case 62: /* pat: content is the template, sender the patter */
            return wx_parse_system(content ? content : "", content ? strlen(content) : 0,
                                   &c->self, line, s, ev) == CA_FATAL ? CA_FATAL : CA_OK;
        case 19:
            ev->title = title;
            if (!ev->text)
                ev->text = title_desc(s, title, desc);
            if (record_items(s, line, pj_get(o, "contents.recordInfo"), ev) != CA_OK)
                return CA_FATAL;
            break;
        case 2000:
            break;
        default:
            ev->title = title;
            if (!ev->text)
                ev->text = title_desc(s, title, desc);
            break;
        }
    }
    if ((ev->type == CA_TYPE_TEXT || ev->type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}

static ca_status cj_message(cj_ctx *c, ca_sink *s, long line, json_object *o)
{
    char found[80];
    if (!json_object_is_type(o, json_type_object)) {
        ca_sink_error(s, line, "expected a chatlog message object, found %s; record skipped",
                      wt_json_type_name(o));
        return CA_FAILED;
    }
    ca_event ev = {0};
    ev.src_line = line;
    if (pj_time(s, o, "time", &ev.time_ms) != 0) {
        ca_sink_error(s, line, "expected \"time\" as an RFC 3339 time, found %s; record skipped",
                      wt_found(o, "time", found, sizeof found));
        return CA_FAILED;
    }
    ev.conv = pj_istr(s, line, o, "talker");
    ev.flags |= ca_conv_id_hint("wechat", ev.conv, 1); /* the chat's id */
    ev.conv_name = pj_istr(s, line, o, "talkerName");
    if (!ev.conv)
        ev.conv = ev.conv_name ? ev.conv_name : c->file_conv;
    long type = -1, sub = (long)pj_int(o, "subType", 0);
    wt_split_type(pj_int(o, "type", -1), &type, &sub);
    if (type < 0) {
        ca_sink_warn(s, line, "expected \"type\" as a WeChat message type number, found %s; "
                     "kept as type other", wt_found(o, "type", found, sizeof found));
    }
    ev.sender = pj_istr(s, line, o, "sender");
    ev.sender_name = pj_istr(s, line, o, "senderName");
    const char *content = pj_str(s, line, o, "content");
    ca_status st;
    if (type == 10000 || type == 10002 || (ev.sender && strcmp(ev.sender, "系统消息") == 0)) {
        ev.sender = ev.sender_name = NULL; /* "系统消息" is nobody */
        st = wx_parse_system(content ? content : "", content ? strlen(content) : 0, &c->self,
                             line, s, &ev);
        if (st != CA_FATAL && wt_split_name_ids(s, &ev) < 0)
            st = CA_FATAL;
    } else {
        if (!ev.sender) {
            ev.sender = ev.sender_name;
            ev.flags |= CA_EV_SENDER_WEAK;
        }
        if (wt_json_true(o, "isSelf")) {
            ev.flags |= CA_EV_FROM_SELF;
            if (ev.sender && !(ev.flags & CA_EV_SENDER_WEAK) && !c->self.id) {
                c->self.id = ev.sender;
                c->self.name = ev.sender_name;
            }
        }
        st = fill_message(c, s, line, type, sub, content, o, &ev);
    }
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status cj_parse(const ca_entry *e, ca_sink *s)
{
    json_object *doc;
    if (pj_parse_doc(e, s, &doc) != CA_OK)
        return CA_FATAL;
    if (!json_object_is_type(doc, json_type_array)) {
        ca_sink_error(s, 1, "expected a JSON array of chatlog messages, found %s; entry skipped",
                      wt_json_type_name(doc));
        json_object_put(doc);
        return CA_FATAL;
    }
    cj_ctx c = {0};
    c.file_conv = pc_conv_from_path(s, e, NULL);
    size_t n = json_object_array_length(doc), nl = 0;
    long *lines = wt_json_elem_lines(e->text, e->len, NULL, &nl);
    size_t mark = ca_sink_mark(s);
    ca_status st = CA_OK;
    for (size_t i = 0; i < n && st != CA_FATAL; i++) {
        long line = lines && nl == n ? lines[i] : (long)i + 1;
        ca_sink_record(s);
        st = cj_message(&c, s, line, json_object_array_get_idx(doc, i));
    }
    ca_sink_patch_self(s, mark, c.self.id);
    ca_free(lines);
    json_object_put(doc);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

const ca_format ca_format_chatlog_json = {
    "chatlog-json", "wechat", "sjzar/chatlog API JSON output (array of messages, RFC 3339 times)",
    cj_bid, cj_parse};
