/*
 * weflow_json.c — WeFlow "detailed JSON" (wechat.md §2.4) and EchoTrace JSON,
 * which is the same shape without the "weflow" key:
 *   {"weflow": {version, exportedAt, generator},
 *    "session": {wxid, nickname, remark, displayName, type, ...},
 *    "messages": [{localId, createTime (epoch s), formattedTime,
 *                  type (Chinese label), localType ((SubType<<32)|Type),
 *                  content (rendered), isSend (1/0, null for system),
 *                  senderUsername (wxid), senderDisplayName, source,
 *                  platformMessageId?, replyToMessageId?, quotedSender?,
 *                  quotedContent?, linkTitle?, linkUrl?, ...}]}
 * WeFlow's "arkme-json" variant names senders by number (senderID) in a
 * senders[] table; that is read too.  A quote's content is
 * "<reply>[引用 <sender>：<preview>]".
 */
#include <string.h>
#include "common.h"
#include "jsonutil.h"
#include "wxtext.h"

typedef struct wj_ctx {
    const char *conv, *conv_name;
    wx_self self;
    json_object *senders;   /* arkme-json: [{senderID, wxid, displayName}] */
    uint32_t conv_flags;    /* CA_EV_GROUP / CA_EV_PRIVATE: session.type, session.wxid */
} wj_ctx;

static int wj_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    if (wt_first_char(head) != '{' || !wt_json_has_key(head, "session"))
        return 0;
    if (wt_json_has_key(head, "weflow") || wt_json_has_key(head, "senderUsername"))
        return 100;
    return 0;
}

/* The Chinese type labels of WeFlow and EchoTrace (ChatLab's echotrace and
 * weflow parsers; EchoTrace's Message.typeDescription). */
enum { WJ_SYSTEM = -1, WJ_PAT = -2 };
static const struct { const char *label; int type; } labels[] = {
    {"文本消息", CA_TYPE_TEXT}, {"图片消息", CA_TYPE_IMAGE}, {"语音消息", CA_TYPE_VOICE},
    {"视频消息", CA_TYPE_VIDEO}, {"文件消息", CA_TYPE_FILE}, {"动画表情", CA_TYPE_STICKER},
    {"名片消息", CA_TYPE_CARD}, {"卡片式链接", CA_TYPE_LINK}, {"图文消息", CA_TYPE_LINK},
    {"音乐卡片", CA_TYPE_LINK}, {"位置消息", CA_TYPE_LOCATION}, {"红包卡片", CA_TYPE_REDPACKET},
    {"转账卡片", CA_TYPE_TRANSFER}, {"小程序分享", CA_TYPE_MINIPROGRAM},
    {"视频号直播卡片", CA_TYPE_LINK}, {"引用消息", CA_TYPE_QUOTE},
    {"聊天记录合并转发", CA_TYPE_RECORD}, {"通话消息", CA_TYPE_CALL},
    {"系统消息", WJ_SYSTEM}, {"撤回消息", WJ_SYSTEM}, {"拍一拍消息", WJ_PAT}};

static ca_status fill_message(ca_sink *s, long line, ca_type type, const char *content,
                              json_object *o, ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->type = type;
    if (content && content[0] == '<' && strstr(content, "<appmsg")) /* raw XML kept */
        return wx_parse_appmsg(content, strlen(content), line, s, ev) == CA_FATAL ? CA_FATAL
                                                                                 : CA_OK;
    ev->text = content;
    switch (type) {
    case CA_TYPE_IMAGE:
    case CA_TYPE_VIDEO:
    case CA_TYPE_STICKER:
        ev->text = NULL; /* a placeholder or the exported file's path */
        break;
    case CA_TYPE_QUOTE:
        ev->quote_sender = pj_istr(s, line, o, "quotedSender");
        ev->quote_text = pj_str(s, line, o, "quotedContent");
        if (wt_weflow_quote(s, content, ev) < 0)
            return CA_FATAL;
        break;
    case CA_TYPE_LINK:
    case CA_TYPE_FILE:
    case CA_TYPE_MINIPROGRAM:
        ev->title = pj_str(s, line, o, "linkTitle");
        ev->url = pj_str(s, line, o, "linkUrl");
        wt_card(s, content, ev);
        break;
    default:
        break;
    }
    ev->reply_to = pj_str(s, line, o, "replyToMessageId");
    if (ev->reply_to && strcmp(ev->reply_to, "0") == 0)
        ev->reply_to = NULL;
    if ((ev->type == CA_TYPE_TEXT || ev->type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}

/* The type of a message from its label, else from localType. */
static int message_type(json_object *o)
{
    json_object *l = pj_get(o, "type");
    const char *label = l && json_object_is_type(l, json_type_string) ? json_object_get_string(l)
                                                                      : NULL;
    for (size_t i = 0; label && i < CA_ARRAY_LEN(labels); i++)
        if (strcmp(labels[i].label, label) == 0)
            return labels[i].type;
    int64_t lt = pj_int(o, "localType", -1);
    if (lt < 0)
        return CA_TYPE__COUNT;
    long type = 0, sub = 0;
    wt_split_type(lt, &type, &sub);
    if (type == 10000 || type == 10002)
        return WJ_SYSTEM;
    if (type == 49 && sub == 62)
        return WJ_PAT;
    ca_type t = wx_type_from_code(type, sub);
    return t == CA_TYPE_NONE ? CA_TYPE_OTHER : (int)t;
}

/* arkme-json: senderID → the senders[] entry. */
static json_object *arkme_sender(wj_ctx *c, json_object *o)
{
    int64_t id = pj_int(o, "senderID", -1);
    if (!c->senders || id < 0)
        return NULL;
    size_t n = json_object_array_length(c->senders);
    /* WeFlow numbers them 1, 2, ... in table order */
    if (id >= 1 && (size_t)id <= n) {
        json_object *sd = json_object_array_get_idx(c->senders, (size_t)id - 1);
        if (pj_int(sd, "senderID", -2) == id)
            return sd;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *sd = json_object_array_get_idx(c->senders, i);
        if (pj_int(sd, "senderID", -2) == id)
            return sd;
    }
    return NULL;
}

static ca_status wj_message(wj_ctx *c, ca_sink *s, long line, json_object *o)
{
    char found[80];
    if (!json_object_is_type(o, json_type_object)) {
        ca_sink_error(s, line, "expected a message object, found %s; record skipped",
                      wt_json_type_name(o));
        return CA_FAILED;
    }
    ca_event ev = {0};
    ev.src_line = line;
    ev.conv = c->conv;
    ev.conv_name = c->conv_name;
    ev.flags |= c->conv_flags;
    if (pj_time(s, o, "createTime", &ev.time_ms) != 0 &&
        pj_time(s, o, "formattedTime", &ev.time_ms) != 0) {
        ca_sink_error(s, line,
                      "expected \"createTime\" as epoch seconds, found %s; record skipped",
                      wt_found(o, "createTime", found, sizeof found));
        return CA_FAILED;
    }
    ev.id = pj_str(s, line, o, "platformMessageId");
    if (ev.id && strcmp(ev.id, "0") == 0)
        ev.id = NULL;
    json_object *who = arkme_sender(c, o);
    ev.sender = pj_istr(s, line, who ? who : o, who ? "wxid" : "senderUsername");
    ev.sender_name = pj_istr(s, line, who ? who : o, who ? "displayName" : "senderDisplayName");
    if (ev.sender && ca_ends_with(ev.sender, "@chatroom"))
        ev.sender = NULL; /* the group itself: a system message */
    int type = message_type(o);
    if (type == CA_TYPE__COUNT) {
        ca_sink_warn(s, line, "expected \"type\" as a WeFlow type label (or a \"localType\"), "
                     "found %s; kept as type other", wt_found(o, "type", found, sizeof found));
        type = CA_TYPE_OTHER;
    }
    const char *content = pj_str(s, line, o, "content");
    ca_status st;
    if (type == WJ_SYSTEM || type == WJ_PAT) {
        if (type == WJ_SYSTEM)
            ev.sender = ev.sender_name = NULL;
        else if (!ev.sender && ev.sender_name) {
            ev.sender = ev.sender_name;
            ev.flags |= CA_EV_SENDER_WEAK;
        }
        st = wx_parse_system(content ? content : "", content ? strlen(content) : 0, &c->self,
                             line, s, &ev);
    } else {
        if (!ev.sender) {
            ev.sender = ev.sender_name;
            ev.flags |= CA_EV_SENDER_WEAK;
        }
        if (pj_int(o, "isSend", 0) == 1) {
            ev.flags |= CA_EV_FROM_SELF;
            if (ev.sender && !(ev.flags & CA_EV_SENDER_WEAK) && !c->self.id) {
                c->self.id = ev.sender;
                c->self.name = ev.sender_name;
            }
        }
        st = fill_message(s, line, (ca_type)type, content, o, &ev);
    }
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status wj_parse(const ca_entry *e, ca_sink *s)
{
    json_object *doc;
    char found[80];
    if (pj_parse_doc(e, s, &doc) != CA_OK)
        return CA_FATAL;
    json_object *msgs = json_object_is_type(doc, json_type_object) ? pj_get(doc, "messages") : NULL;
    if (!msgs || !json_object_is_type(msgs, json_type_array)) {
        if (json_object_is_type(doc, json_type_object))
            ca_sink_error(s, 1, "expected a \"messages\" array, found %s; entry skipped",
                          wt_found(doc, "messages", found, sizeof found));
        else
            ca_sink_error(s, 1, "expected a JSON object {\"session\", \"messages\"}, found %s; "
                          "entry skipped", wt_json_type_name(doc));
        json_object_put(doc);
        return CA_FATAL;
    }
    wj_ctx c = {0};
    c.conv = pj_istr(s, 1, doc, "session.wxid");
    c.conv_flags = ca_conv_id_hint("wechat", c.conv, 1);
    const char *stype = pj_str(s, 1, doc, "session.type"); /* "群聊" | "私聊" */
    if (stype && (strcmp(stype, "群聊") == 0 || strcmp(stype, "私聊") == 0))
        c.conv_flags = strcmp(stype, "群聊") == 0 ? CA_EV_GROUP : CA_EV_PRIVATE;
    c.conv_name = pj_istr(s, 1, doc, "session.displayName");
    if (!c.conv_name)
        c.conv_name = pj_istr(s, 1, doc, "session.remark");
    if (!c.conv_name)
        c.conv_name = pj_istr(s, 1, doc, "session.nickname");
    if (!c.conv)
        c.conv = pc_conv_from_path(s, e, NULL);
    c.senders = pj_get(doc, "senders");
    if (c.senders && !json_object_is_type(c.senders, json_type_array))
        c.senders = NULL;
    size_t n = json_object_array_length(msgs), nl = 0;
    long *lines = wt_json_elem_lines(e->text, e->len, "messages", &nl);
    size_t mark = ca_sink_mark(s);
    ca_status st = CA_OK;
    for (size_t i = 0; i < n && st != CA_FATAL; i++) {
        long line = lines && nl == n ? lines[i] : (long)i + 1;
        ca_sink_record(s);
        st = wj_message(&c, s, line, json_object_array_get_idx(msgs, i));
    }
    ca_sink_patch_self(s, mark, c.self.id);
    ca_free(lines);
    json_object_put(doc);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

const ca_format ca_format_weflow_json = {
    "weflow-json", "wechat", "WeFlow JSON and EchoTrace JSON ({session, messages[]}, sender wxid)",
    wj_bid, wj_parse};
