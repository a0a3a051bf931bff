/*
 * dingtalk_export_json.c — exports of the DingTalk desktop client's local
 * database by third-party tools (dingtalk-wecom.md §1.5):
 *   - dingtalk-exporter (alpha03123, forks abbr530 / KeithMo0425)
 *     export.json {export_type, conversations:[{conversation_id, title,
 *     type, messages:[{message_id, sender_id, sender_name, content_type,
 *     text, content, created_at (ms), created_at_str, at_ids,
 *     image_export_paths, attachment_export_path}]}]};
 *   - dingtalk_chat_query (DspringL) --format json {conversation:{id, cid,
 *     type, title}, messages:[{id, cid, sender_id, sender_name,
 *     content_type, content_text, created_at (ms), is_recall}],
 *     exported_at}.
 * The contentType codes are reverse-engineered and the tools disagree
 * (102 is 系统消息 to one and 分享链接 to the other), so only 1 (text) and
 * 2 (image) are mapped; every other code is a message of type other with
 * its text, so that no content escapes the content rules by being taken
 * for a system notice.  dingtalk-exporter queries only recallStatus = 0
 * rows: its exports never hold recalled messages, and are flagged
 * incomplete for that.  dingtalk_chat_query keeps them (is_recall): the
 * message is kept and a recall event follows it, at the message's time
 * (the export has no recall time).
 * In these JSON documents the "line" of a message is its record number.
 */
#include <string.h>
#include "common.h"
#include "dtwc.h"
#include "wechat.h"

typedef struct exp_ctx {
    const char *file_conv;
    long recno;
    int alpha; /* dingtalk-exporter (recalled messages filtered out) */
    uint32_t conv_flags; /* CA_EV_GROUP / CA_EV_PRIVATE of the current conversation */
} exp_ctx;

static int exp_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    if (dt_has_key(head, "conversations") &&
        (dt_has_key(head, "export_type") || dt_has_key(head, "created_at") ||
         dt_has_key(head, "message_id") || dt_has_key(head, "conversation_id")))
        return 100;
    if ((dt_has_key(head, "exported_at") || dt_has_key(head, "conversation")) &&
        dt_has_key(head, "messages") &&
        (dt_has_key(head, "original_cid") || dt_has_key(head, "is_recall") ||
         dt_has_key(head, "content_text")))
        return 100;
    return 0;
}

/* at_ids: {"<uid>": "<nick>"} or ["<uid>", ...]; names where given. */
static ca_status at_ids(ca_sink *s, long line, json_object *m, ca_event *ev)
{
    json_object *at = pj_get(m, "at_ids");
    if (!at)
        return CA_OK;
    if (json_object_is_type(at, json_type_object)) {
        size_t n = (size_t)json_object_object_length(at);
        if (!n)
            return CA_OK;
        const char **v = dt_strv(s, n);
        if (!v)
            return CA_FATAL;
        json_object_object_foreach(at, key, val)
        {
            const char *name = dt_value_istr(s, line, val);
            if (!name)
                name = ca_sink_intern(s, key, strlen(key));
            if (name && (strcmp(name, "所有人") == 0 || strcmp(name, "all") == 0))
                ev->flags |= CA_EV_MENTION_ALL;
            else if (name && ev->n_mentions < n)
                v[ev->n_mentions++] = name;
        }
        ev->mentions = v;
    } else if (json_object_is_type(at, json_type_array)) {
        size_t n = json_object_array_length(at);
        if (!n)
            return CA_OK;
        const char **v = dt_strv(s, n);
        if (!v)
            return CA_FATAL;
        for (size_t i = 0; i < n; i++) {
            const char *id = dt_value_istr(s, line, json_object_array_get_idx(at, i));
            if (id)
                v[ev->n_mentions++] = id;
        }
        ev->mentions = v;
    }
    return CA_OK;
}

static ca_status one_message(exp_ctx *c, ca_sink *s, json_object *m, const char *conv,
                             const char *conv_name)
{
    static const char *const k_id[] = {"message_id", "id", "mid", NULL};
    static const char *const k_sid[] = {"sender_id", NULL};
    static const char *const k_sname[] = {"sender_name", NULL};
    static const char *const k_text[] = {"text", "content_text", "content", NULL};
    static const char *const k_conv[] = {"cid", "conversation_id", NULL};
    static const char *const k_ms[] = {"created_at", NULL};
    static const char *const k_str[] = {"created_at_str", NULL};
    char shown[64];
    ca_sink_record(s);
    long line = ++c->recno;
    if (!json_object_is_type(m, json_type_object)) {
        ca_sink_error(s, line, "expected a message object, found %s; record skipped",
                      dt_show(m, shown));
        return CA_FAILED;
    }
    ca_event ev = {0};
    ev.src_line = line;
    ev.kind = CA_KIND_MESSAGE;
    ev.conv = conv ? conv : dt_istr(s, line, m, k_conv);
    if (!ev.conv)
        ev.conv = c->file_conv;
    ev.conv_name = conv_name;
    ev.flags |= c->conv_flags;
    ev.id = dt_istr(s, line, m, k_id);
    ev.sender = dt_istr(s, line, m, k_sid);
    ev.sender_name = dt_istr(s, line, m, k_sname);
    if (!ev.sender && ev.sender_name) {
        ev.sender = ev.sender_name;
        ev.flags |= CA_EV_SENDER_WEAK;
    }
    if (dt_time(s, m, k_ms, &ev.time_ms) != 0 && dt_time(s, m, k_str, &ev.time_ms) != 0) {
        ca_sink_error(s, line,
                      "expected a created_at (epoch milliseconds) or created_at_str, found "
                      "%s; message skipped",
                      dt_show(pj_get(m, "created_at"), shown));
        return CA_FAILED;
    }
    const char *text = dt_str(s, line, m, k_text);
    int64_t code = pj_int(m, "content_type", -1);
    json_object *imgs = pj_get(m, "image_export_paths");
    if (code == 2 || (code < 0 && imgs && json_object_is_type(imgs, json_type_array) &&
                      json_object_array_length(imgs))) {
        ev.type = CA_TYPE_IMAGE; /* the text is a placeholder "[图片: path]" */
    } else if (code == 1 || (code < 0 && !pj_get(m, "attachment_export_path") && text)) {
        ev.type = CA_TYPE_TEXT;
        ev.text = text;
    } else if (code < 0 && pj_get(m, "attachment_export_path")) {
        ev.type = CA_TYPE_FILE;
        ev.text = text;
        static const char *const k_path[] = {"attachment_export_path", NULL};
        const char *path = dt_str(s, line, m, k_path);
        if (path) {
            const char *slash = strrchr(path, '/');
            ev.title = slash ? slash + 1 : path;
        }
    } else {
        ev.type = CA_TYPE_OTHER; /* see the top of the file */
        ev.text = text;
    }
    if (at_ids(s, line, m, &ev) != CA_OK)
        return CA_FATAL;
    if (!ev.n_mentions && ev.type == CA_TYPE_TEXT && ev.text &&
        wx_find_mentions(ev.text, s, &ev) < 0)
        return CA_FATAL;
    if (ca_sink_emit(s, &ev) != CA_OK)
        return CA_FATAL;
    json_object *rec = pj_get(m, "is_recall");
    if (rec && json_object_get_boolean(rec)) {
        ca_event r = {0};
        r.src_line = line;
        r.kind = CA_KIND_RECALL;
        r.conv = ev.conv;
        r.conv_name = ev.conv_name;
        r.time_ms = ev.time_ms;
        r.sender = r.actor = ev.sender;
        r.sender_name = r.actor_name = ev.sender_name;
        r.flags = ev.flags & CA_EV_SENDER_WEAK;
        r.reply_to = ev.id;
        if (ca_sink_emit(s, &r) != CA_OK)
            return CA_FATAL;
    }
    return CA_OK;
}

static ca_status conversation(exp_ctx *c, ca_sink *s, json_object *conv, json_object *msgs)
{
    static const char *const k_cid[] = {"conversation_id", "cid", "id", NULL};
    static const char *const k_title[] = {"title", "name", NULL};
    const char *cid = dt_istr(s, 0, conv, k_cid);
    const char *title = dt_istr(s, 0, conv, k_title);
    /* tbconversation.type: 1 single, 2 group; export.json: "single", "group" */
    const char *type = conv ? json_object_get_string(pj_get(conv, "type")) : NULL;
    c->conv_flags = !type ? 0
                  : strcmp(type, "1") == 0 || strcmp(type, "single") == 0 ? CA_EV_PRIVATE
                  : strcmp(type, "2") == 0 || strcmp(type, "group") == 0  ? CA_EV_GROUP
                                                                          : 0;
    if (!msgs || !json_object_is_type(msgs, json_type_array)) {
        char shown[64];
        ca_sink_record(s);
        ca_sink_error(s, ++c->recno,
                      "conversation %.60s: expected a messages list, found %s; skipped",
                      cid ? cid : title ? title : "(no id)", dt_show(msgs, shown));
        return CA_FAILED;
    }
    size_t n = json_object_array_length(msgs);
    for (size_t i = 0; i < n; i++)
        if (one_message(c, s, json_object_array_get_idx(msgs, i), cid, title) == CA_FATAL)
            return CA_FATAL;
    return CA_OK;
}

static ca_status exp_parse(const ca_entry *e, ca_sink *s)
{
    exp_ctx c = {0};
    c.file_conv = pc_conv_from_path(s, e, NULL);
    json_object *root;
    if (pj_parse_doc(e, s, &root) != CA_OK)
        return CA_FATAL;
    ca_status st = CA_OK;
    json_object *convs = pj_get(root, "conversations");
    if (convs && json_object_is_type(convs, json_type_array)) {
        c.alpha = 1;
        size_t n = json_object_array_length(convs);
        for (size_t i = 0; i < n && st != CA_FATAL; i++) {
            json_object *cv = json_object_array_get_idx(convs, i);
            st = conversation(&c, s, cv, pj_get(cv, "messages"));
        }
    } else if (json_object_is_type(pj_get(root, "messages"), json_type_array)) {
        st = conversation(&c, s, pj_get(root, "conversation"), pj_get(root, "messages"));
    } else {
        char shown[64];
        ca_sink_error(s, 0,
                      "expected a DingTalk local-database export (conversations[].messages[] "
                      "or conversation and messages[]), found %s; entry skipped",
                      dt_show(root, shown));
        json_object_put(root);
        return CA_FATAL;
    }
    json_object_put(root);
    if (st != CA_FATAL && c.alpha)
        ca_sink_incomplete(s, "recalled messages are not in this export (dingtalk-exporter "
                              "keeps only messages with recallStatus 0)");
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

const ca_format ca_format_dingtalk_export_json = {
    "dingtalk-export-json", "dingtalk",
    "DingTalk desktop-database exports (dingtalk-exporter export.json, dingtalk_chat_query "
    "JSON); recalled messages absent",
    exp_bid, exp_parse};
