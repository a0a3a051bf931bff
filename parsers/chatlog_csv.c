/*
 * chatlog_csv.c — sjzar/chatlog API CSV (wechat.md §2.5):
 *   Time,SenderName,Sender,TalkerName,Talker,Content
 * Content is chatlog's PlainTextContent(): media as markdown-like tokens
 * ("![图片](url)", "[链接|title](url)", "[文件|name](url)" ...), a quote
 * as "> " lines of the quoted message followed by the reply.  No message
 * ids; times are local.
 */
#include <string.h>
#include "common.h"
#include "wechat.h"

static const char SIG[] = "Time,SenderName,Sender,TalkerName,Talker,Content";

static int cl_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    return pc_first_line_is(head, SIG) ? 100 : 0;
}

static const struct { const char *prefix; ca_type type; } tokens[] = {
    {"![图片]", CA_TYPE_IMAGE}, {"![动画表情]", CA_TYPE_STICKER}, {"[动画表情]", CA_TYPE_STICKER},
    {"![视频]", CA_TYPE_VIDEO}, {"[视频]", CA_TYPE_VIDEO}, {"[语音]", CA_TYPE_VOICE},
    {"[位置|", CA_TYPE_LOCATION}, {"[链接|", CA_TYPE_LINK}, {"[文件|", CA_TYPE_FILE},
    {"[小程序|", CA_TYPE_MINIPROGRAM}, {"[合并转发", CA_TYPE_RECORD},
    {"[转账|", CA_TYPE_TRANSFER}, {"[红包]", CA_TYPE_REDPACKET}, {"[名片", CA_TYPE_CARD},
    {"[语音通话", CA_TYPE_CALL}, {"[视频通话", CA_TYPE_CALL}};

/* "[链接|title](url)": title between '|' and "](", url inside "(...)". */
static void title_url(ca_sink *s, const char *t, ca_event *ev)
{
    const char *bar = strchr(t, '|');
    const char *close = strstr(t, "](");
    if (bar && close && bar < close)
        ev->title = ca_sink_str(s, bar + 1, (size_t)(close - bar - 1));
    if (close) {
        const char *u = close + 2;
        size_t n = strcspn(u, ")");
        ev->url = ca_sink_str(s, u, n);
    }
}

static ca_status fill(ca_sink *s, long line, const char *content, ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->type = CA_TYPE_TEXT;
    ev->text = content;
    if (!content)
        return CA_OK;
    /* Quote: "> " lines first, then the reply. */
    if (ca_starts_with(content, "> ")) {
        ca_buf q = CA_BUF_INIT;
        const char *p = content;
        int first = 1;
        const char *qsender = NULL;
        while (ca_starts_with(p, "> ")) {
            const char *eol = p + strcspn(p, "\n");
            if (first) {
                /* "> <sender> <time>" header line when present */
                const char *h = p + 2;
                const char *sp = memchr(h, ' ', (size_t)(eol - h));
                if (sp && eol - sp > 8 && strchr("0123456789", sp[1]))
                    qsender = ca_sink_intern(s, h, (size_t)(sp - h));
                else
                    ca_buf_put(&q, h, (size_t)(eol - h));
                first = 0;
            } else {
                if (q.len)
                    ca_buf_putc(&q, '\n');
                ca_buf_put(&q, p + 2, (size_t)(eol - p - 2));
            }
            p = *eol ? eol + 1 : eol;
        }
        ev->type = CA_TYPE_QUOTE;
        ev->quote_sender = qsender;
        ev->quote_text = ca_sink_cstr(s, ca_buf_cstr(&q));
        ev->text = ca_sink_cstr(s, p);
        int oom = q.oom;
        ca_buf_free(&q);
        if (!ev->text || !ev->quote_text || oom)
            return CA_FATAL;
    } else {
        for (size_t i = 0; i < CA_ARRAY_LEN(tokens); i++)
            if (ca_starts_with(content, tokens[i].prefix)) {
                ev->type = tokens[i].type;
                break;
            }
        if (ev->type == CA_TYPE_LINK || ev->type == CA_TYPE_FILE ||
            ev->type == CA_TYPE_MINIPROGRAM)
            title_url(s, content, ev);
        /* media carry no text of the sender's; a file's name is its title
         * and its URL the chatlog server's own */
        if (ev->type == CA_TYPE_IMAGE || ev->type == CA_TYPE_STICKER ||
            ev->type == CA_TYPE_VIDEO || ev->type == CA_TYPE_VOICE ||
            (ev->type == CA_TYPE_FILE && ev->title))
            ev->text = NULL;
    }
    (void)line;
    if ((ev->type == CA_TYPE_TEXT || ev->type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}

static ca_status cl_row(void *ud, ca_sink *s, long line, char **f, size_t *fl, size_t nf)
{
    (void)ud;
    ca_event ev = {0};
    ev.src_line = line;
    ev.sender_name = pc_ifield(s, f, fl, nf, 1);
    ev.sender = pc_ifield(s, f, fl, nf, 2);
    ev.conv_name = pc_ifield(s, f, fl, nf, 3);
    ev.conv = pc_ifield(s, f, fl, nf, 4);
    ev.flags |= ca_conv_id_hint("wechat", ev.conv, 1); /* Talker: the chat's id */
    if (!ev.conv)
        ev.conv = ev.conv_name;
    if (!ev.conv) {
        ca_sink_error(s, line, "expected the conversation in Talker or TalkerName, found neither; record skipped");
        return CA_FAILED;
    }
    uint32_t flags = 0;
    if (pc_time(s, line, pc_field(s, f, fl, nf, 0), &ev.time_ms, &flags) != 0)
        return CA_FAILED;
    ev.flags |= flags;
    const char *content = pc_field(s, f, fl, nf, 5);
    ca_status st;
    int system = (!ev.sender && !ev.sender_name) ||
                 (ev.sender && strcmp(ev.sender, "系统消息") == 0) ||
                 (ev.sender_name && strcmp(ev.sender_name, "系统消息") == 0);
    if (system) {
        wx_self self = {NULL, NULL};
        ev.sender = ev.sender_name = NULL;
        st = wx_parse_system(content ? content : "", content ? strlen(content) : 0, &self, line,
                             s, &ev);
    } else {
        if (!ev.sender) {
            ev.sender = ev.sender_name;
            ev.flags |= CA_EV_SENDER_WEAK;
        }
        st = fill(s, line, content, &ev);
    }
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status cl_parse(const ca_entry *e, ca_sink *s)
{
    return pc_read_csv(e, s, 6, NULL, cl_row, NULL);
}

const ca_format ca_format_chatlog_csv = {
    "chatlog-csv", "wechat", "sjzar/chatlog API CSV output (Sender wxid + SenderName)",
    cl_bid, cl_parse};
