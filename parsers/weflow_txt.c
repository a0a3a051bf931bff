/*
 * weflow_txt.c — WeFlow TXT (wechat.md §2.4, exportSessionToTxt): per message
 *   "<YYYY-MM-DD HH:MM:SS> '<sender>'\n<content>\n\n"
 * the sender in single quotes (我 for the exporting account in a private
 * chat, the group display name in a group).  content is rendered: media
 * as "[图片]", "[文件]name", "[链接]title" ..., a quote as
 * "<reply>[引用 <sender>：<preview>]", a system message as its cleaned text
 * — with a sender that WeFlow fills in for the system message too, so a
 * group event is recognised by its wording (wechat.md §3.4) and keeps no
 * sender.  Senders are display names only.
 */
#include <string.h>
#include "../analyzer/timeparse.h"
#include "common.h"
#include "wxtext.h"

typedef struct wf_ctx {
    const char *conv, *conv_name;
    wx_self self;
} wf_ctx;

/* "<stamp> '<name>'" */
static int is_header(const char *l, size_t n)
{
    return wt_stamp(l, n) && n >= 22 && l[19] == ' ' && l[20] == '\'' && l[n - 1] == '\'';
}

static int wf_bid(const char *head, size_t n, const char *name)
{
    (void)name;
    int first;
    int count = wt_count_headers(head, n, is_header, &first);
    return first && count >= 2 ? 90 : 0;
}

static ca_status fill_message(ca_sink *s, const char *body, ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->type = CA_TYPE_TEXT;
    ev->text = body;
    if (!body)
        return CA_OK;
    size_t tok;
    ca_type t = wt_placeholder_type(body, &tok);
    if (t == CA_TYPE_TEXT) {
        int q = wt_weflow_quote(s, body, ev);
        if (q < 0)
            return CA_FATAL;
        if (q)
            ev->type = CA_TYPE_QUOTE;
    } else {
        ev->type = t;
        switch (t) {
        case CA_TYPE_IMAGE:
        case CA_TYPE_VIDEO:
        case CA_TYPE_STICKER:
            ev->text = NULL;
            break;
        case CA_TYPE_LINK:
        case CA_TYPE_FILE:
        case CA_TYPE_MINIPROGRAM:
            wt_card(s, body, ev);
            break;
        default:
            break;
        }
    }
    if ((ev->type == CA_TYPE_TEXT || ev->type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}

/* A pat as WeFlow renders it: "\"A\" 拍了拍 ..." (a notice). */
static int is_pat(const char *body)
{
    return body[0] == '"' && strstr(body, "\" 拍了拍") != NULL && !strchr(body, '\n');
}

static ca_status wf_block(wf_ctx *c, ca_sink *s, const wt_block *b)
{
    int oom = 0;
    ca_event ev = {0};
    ev.src_line = b->line;
    ev.conv = c->conv;
    ev.conv_name = c->conv_name;
    if (ca_time_parse(b->head, 19, ca_sink_tz(s), &ev.time_ms, NULL) != 0) {
        ca_sink_error(s, b->line, "expected a time YYYY-MM-DD HH:MM:SS, found \"%.19s\"; "
                      "record skipped", b->head);
        return CA_FAILED;
    }
    const char *body = b->body ? wt_body(s, b->body, b->body_n, &oom) : NULL;
    if (oom)
        return CA_FATAL;
    int sys = body ? wt_system_event(s, b->line, body, strlen(body), &c->self, &ev) : 0;
    if (sys < 0)
        return CA_FATAL;
    if (!sys && body && is_pat(body)) {
        if (wx_parse_system(body, strlen(body), &c->self, b->line, s, &ev) == CA_FATAL)
            return CA_FATAL;
        sys = 1;
    }
    if (!sys) {
        size_t nn = b->head_n - 22; /* between the quotes */
        ev.sender_name = nn ? ca_sink_intern(s, b->head + 21, nn) : NULL;
        ev.sender = ev.sender_name;
        ev.flags |= CA_EV_SENDER_WEAK;
        if (ev.sender && strcmp(ev.sender, "我") == 0)
            ev.flags |= CA_EV_FROM_SELF;
        if (fill_message(s, body, &ev) == CA_FATAL)
            return CA_FATAL;
    }
    return ca_sink_emit(s, &ev);
}

static ca_status wf_parse(const ca_entry *e, ca_sink *s)
{
    wf_ctx c = {0};
    wt_conv_from_path(s, e, NULL, &c.conv, &c.conv_name);
    wt_blocks it;
    wt_block b;
    wt_blocks_init(&it, e->text, e->len, is_header);
    while (wt_blocks_next(&it, &b)) {
        ca_sink_record(s);
        if (!b.head) {
            char found[48];
            ca_sink_error(s, b.line, "expected a message header \"YYYY-MM-DD HH:MM:SS 'sender'\", "
                          "found \"%s\"; record skipped",
                          wt_excerpt(b.body, b.body_n, found, sizeof found));
            continue;
        }
        if (wf_block(&c, s, &b) == CA_FATAL)
            return CA_FATAL;
    }
    return CA_OK;
}

const ca_format ca_format_weflow_txt = {
    "weflow-txt", "wechat", "WeFlow TXT (\"time 'sender'\" blocks, display names only)",
    wf_bid, wf_parse};
