/*
 * dingtalk_dws_json.c — DingTalk workspace CLI message lists
 * (dingtalk-wecom.md §1.2):
 *   - the im.message-list.v1 envelope of `dws chat +chat-messages
 *     --format json` {contractVersion, messages[], complete, partial,
 *     hasMore, stopReason, truncated*, failedCount, failures, ...};
 *   - the raw shapes: a list_conversation_message_v2 payload
 *     {messages[], partial, failedCount, hasMore}, a page {"result":
 *     {hasMore, nextCursor, messages[]}} (or "data"), one raw message;
 *   - a JSON array of any of these, or JSON Lines of them.
 * Messages are read by dt_fill_message (dtwc.c): quotes, merged forwards
 * with their nested records, @mentions.  createTime strings carry no zone
 * and are company time.  An export that says it is not whole (complete
 * not true, partial, a last page with hasMore) is flagged incomplete.
 * In a JSON document the "line" of a message is its record number, the
 * n-th message of the file.
 */
#include <string.h>
#include "../analyzer/buf.h"
#include "common.h"
#include "dtwc.h"

typedef struct dws_ctx {
    const char *file_conv;
    long recno;
    /* what the file says about its completeness */
    int envelope, complete_false, complete_missing, partial, has_more, last_has_more;
    int truncated;
    const char *stop_reason, *failure, *cursor;
    int64_t failed;
} dws_ctx;

static const char *const K_LISTS[] = {"messages", "list", "items", "records", NULL};
static const char *const K_WRAP[] = {"result", "data", NULL};
static const char *const K_MSG_HINT[] = {"openMessageId", "openMsgId", "messageId", "msgId",
                                         "createTime", "content", "text", "msgType",
                                         "messageType", NULL};

static int dws_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    if (dt_has_kv(head, "contractVersion", "im.message-list."))
        return 100;
    /* dws events carry message bodies too: they are dingtalk-events */
    static const char *const event_keys[] = {"eventKey", "eventId", "event_id", "eventType",
                                             "EventType", "occurredAtMs", "subscribe_id",
                                             "event_time", NULL};
    for (const char *const *k = event_keys; *k; k++)
        if (dt_has_key(head, *k))
            return 0;
    static const char *const raw_keys[] = {"openMessageId", "openConvThreadId",
                                           "forwardMessages", "emotionReplyList",
                                           "senderOpenDingTalkId", NULL};
    for (const char *const *k = raw_keys; *k; k++)
        if (dt_has_key(head, *k))
            return 90;
    /* projected messages saved without their envelope (jq '.messages') */
    if (dt_has_key(head, "messageId") && dt_has_key(head, "messageType") &&
        dt_has_key(head, "createTime") &&
        (dt_has_key(head, "conversationId") || dt_has_key(head, "senderId")))
        return 50;
    return 0;
}

static long next_line_no(dws_ctx *c, ca_sink *s, long line)
{
    if (line > 0)
        return line;
    ca_sink_record(s);
    return ++c->recno;
}

static ca_status one_message(dws_ctx *c, ca_sink *s, long line, json_object *m)
{
    char shown[64];
    if (!json_object_is_type(m, json_type_object)) {
        ca_sink_error(s, line, "expected a message object, found %s; record skipped",
                      dt_show(m, shown));
        return CA_FAILED;
    }
    ca_event ev = {0};
    ev.src_line = line;
    int have_time;
    if (dt_fill_message(s, line, m, c->file_conv, &ev, &have_time) != CA_OK)
        return CA_FATAL;
    if (!have_time) {
        static const char *const k_time[] = {"createTime", "create_time", "sendTime",
                                             "createAt", "timestamp", "time", NULL};
        json_object *t = NULL;
        for (const char *const *k = k_time; *k && !t; k++)
            t = pj_get(m, *k);
        ca_sink_error(s, line,
                      "expected a createTime (YYYY-MM-DD HH:MM:SS or epoch), found %s; "
                      "message skipped",
                      dt_show(t, shown));
        return CA_FAILED;
    }
    /* the im.message-list.v1 envelope comes from `dws chat +chat-messages
     * --group`: a group chat (dingtalk-wecom.md §0), unless the message
     * says otherwise (conversationType, read by dt_fill_message) */
    if (c->envelope && !(ev.flags & (CA_EV_GROUP | CA_EV_PRIVATE)))
        ev.flags |= CA_EV_GROUP;
    return ca_sink_emit(s, &ev);
}

/* Notes what a list or page says about its completeness. */
static void note_completeness(dws_ctx *c, ca_sink *s, long line, json_object *o, int envelope)
{
    json_object *v;
    if (envelope) {
        c->envelope = 1;
        if (!json_object_object_get_ex(o, "complete", &v) ||
            json_object_is_type(v, json_type_null))
            c->complete_missing = 1;
        else if (!json_object_get_boolean(v))
            c->complete_false = 1;
    }
    if (json_object_object_get_ex(o, "partial", &v) && json_object_get_boolean(v))
        c->partial = 1;
    static const char *const k_trunc[] = {"truncated", "truncatedByPageLimit",
                                          "truncatedByResultLimit", NULL};
    for (const char *const *k = k_trunc; *k; k++)
        if (json_object_object_get_ex(o, *k, &v) && json_object_get_boolean(v))
            c->truncated = 1;
    int64_t failed = pj_int(o, "failedCount", 0);
    if (failed > 0)
        c->failed += failed;
    if (!c->failure && json_object_object_get_ex(o, "failures", &v) &&
        json_object_is_type(v, json_type_array) && json_object_array_length(v)) {
        static const char *const k_err[] = {"error", "message", "reason", NULL};
        c->failure = dt_str(s, line, json_object_array_get_idx(v, 0), k_err);
        if (!c->failed)
            c->failed = (int64_t)json_object_array_length(v);
    }
    if (!c->stop_reason) {
        static const char *const k_stop[] = {"stopReason", NULL};
        c->stop_reason = dt_str(s, line, o, k_stop);
    }
    c->last_has_more = json_object_object_get_ex(o, "hasMore", &v) && json_object_get_boolean(v);
    if (c->last_has_more) {
        c->has_more = 1;
        static const char *const k_cur[] = {"nextCursor", "nextPage", "next_cursor", NULL};
        c->cursor = dt_str(s, line, o, k_cur);
    }
}

static ca_status list_messages(dws_ctx *c, ca_sink *s, long line, json_object *list)
{
    size_t n = json_object_array_length(list);
    for (size_t i = 0; i < n; i++)
        if (one_message(c, s, next_line_no(c, s, line), json_object_array_get_idx(list, i)) ==
            CA_FATAL)
            return CA_FATAL;
    return CA_OK;
}

static ca_status one_value(dws_ctx *c, ca_sink *s, long line, json_object *o, int depth)
{
    char shown[64];
    if (json_object_is_type(o, json_type_array)) {
        /* an array of pages, envelopes or messages */
        size_t n = json_object_array_length(o);
        for (size_t i = 0; i < n; i++)
            if (depth < 2 &&
                one_value(c, s, line, json_object_array_get_idx(o, i), depth + 1) == CA_FATAL)
                return CA_FATAL;
        return CA_OK;
    }
    if (!json_object_is_type(o, json_type_object)) {
        ca_sink_error(s, next_line_no(c, s, line),
                      "expected a dws message list or a message (a JSON object), found %s; "
                      "skipped",
                      dt_show(o, shown));
        return CA_FAILED;
    }
    json_object *list = dt_get(o, K_LISTS);
    if (list && json_object_is_type(list, json_type_array)) {
        note_completeness(c, s, line, o, pj_get(o, "contractVersion") != NULL);
        return list_messages(c, s, line, list);
    }
    json_object *inner = dt_get(o, K_WRAP);
    if (inner && json_object_is_type(inner, json_type_object) &&
        (list = dt_get(inner, K_LISTS)) != NULL && json_object_is_type(list, json_type_array)) {
        note_completeness(c, s, line, o, 0);
        note_completeness(c, s, line, inner, 0);
        return list_messages(c, s, line, list);
    }
    if (dt_get(o, K_MSG_HINT))
        return one_message(c, s, next_line_no(c, s, line), o);
    ca_sink_error(s, next_line_no(c, s, line),
                  "expected a dws message list (contractVersion and messages, or "
                  "result.messages) or a message (openMessageId, createTime, content), found "
                  "%s; skipped",
                  dt_show(o, shown));
    return CA_FAILED;
}

static ca_status on_value(void *ud, ca_sink *s, long line, json_object *o)
{
    ca_status st = one_value(ud, s, line, o, 0);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

/* "dws reported complete:false (partial:true, stopReason "x", failedCount 1:
 * legacy failure); later pages are not in this file" */
static void report_incomplete(const dws_ctx *c, ca_sink *s)
{
    ca_buf b = CA_BUF_INIT;
    const char *sep = "";
#define PART(...) (ca_buf_puts(&b, sep), ca_buf_printf(&b, __VA_ARGS__), sep = ", ")
    if (c->complete_false)
        PART("complete:false");
    if (c->complete_missing)
        PART("no complete:true");
    if (c->partial)
        PART("partial:true");
    if (c->truncated)
        PART("truncated");
    if (c->stop_reason && (c->complete_false || c->complete_missing || c->truncated))
        PART("stopReason \"%.60s\"", c->stop_reason);
    if (c->failed)
        PART("failedCount %lld%s%.80s", (long long)c->failed, c->failure ? ": " : "",
             c->failure ? c->failure : "");
    if (c->last_has_more && !c->envelope)
        PART("hasMore:true on the last page%s%.40s%s", c->cursor ? " (nextCursor " : "",
             c->cursor ? c->cursor : "", c->cursor ? ")" : "");
#undef PART
    if (b.len) {
        ca_buf b2 = CA_BUF_INIT;
        ca_buf_printf(&b2, "dws reported %s", ca_buf_cstr(&b));
        if (c->last_has_more && !c->envelope)
            ca_buf_puts(&b2, "; later pages are not in this file");
        if (!b2.oom)
            ca_sink_incomplete(s, ca_buf_cstr(&b2));
        ca_buf_free(&b2);
    }
    ca_buf_free(&b);
}

static ca_status dws_parse(const ca_entry *e, ca_sink *s)
{
    dws_ctx c = {0};
    c.file_conv = pc_conv_from_path(s, e, NULL);
    ca_status st = dt_read_entry(e, s, on_value, &c);
    if (st != CA_FATAL)
        report_incomplete(&c, s);
    return st;
}

const ca_format ca_format_dingtalk_dws_json = {
    "dingtalk-dws-json", "dingtalk",
    "DingTalk workspace CLI message lists (im.message-list.v1 and raw pages); flags incomplete "
    "exports",
    dws_bid, dws_parse};
