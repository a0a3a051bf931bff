/*
 * memotrace2_csv.c — MemoTrace v2 CSV (wechat.md §2.2):
 *   消息ID,类型,发送人,时间,内容,备注,昵称,更多信息
 * 发送人 is the display name only (no wxid); 内容 is message.to_text(), whose
 * shapes by type are parsed back here.  The folder is "<remark>(<wxid>)",
 * so a group's "<digits>@chatroom" id is taken from the path when present.
 */
#include <string.h>
#include "common.h"
#include "wechat.h"

static const char SIG[] = "消息ID,类型,发送人,时间,内容,备注,昵称,更多信息";

static const struct { const char *label; ca_type type; } labels[] = {
    {"文本", CA_TYPE_TEXT}, {"图片", CA_TYPE_IMAGE}, {"视频", CA_TYPE_VIDEO},
    {"语音", CA_TYPE_VOICE}, {"表情包", CA_TYPE_STICKER}, {"音视频通话", CA_TYPE_CALL},
    {"文件", CA_TYPE_FILE}, {"位置分享", CA_TYPE_LOCATION}, {"分享链接", CA_TYPE_LINK},
    {"红包", CA_TYPE_REDPACKET}, {"转账", CA_TYPE_TRANSFER}, {"引用消息", CA_TYPE_QUOTE},
    {"合并转发的聊天记录", CA_TYPE_RECORD}, {"小程序", CA_TYPE_MINIPROGRAM},
    {"视频号", CA_TYPE_LINK}, {"音乐分享", CA_TYPE_LINK}, {"收藏笔记", CA_TYPE_OTHER},
    {"个人/公众号名片", CA_TYPE_CARD}, {"企业微信名片", CA_TYPE_CARD},
    {"未知类型", CA_TYPE_OTHER}};

static int m2_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    return pc_first_line_is(head, SIG) ? 100 : 0;
}

/* The value after "key" on a line of a link block ("标题：x", "链接: x"). */
static const char *line_value(ca_sink *s, const char *text, const char *key)
{
    const char *p = strstr(text, key);
    if (!p)
        return NULL;
    p += strlen(key);
    while (*p == ' ')
        p++;
    size_t n = strcspn(p, "\n");
    return n ? ca_sink_str(s, p, n) : NULL;
}

/* "【合并转发的聊天记录】\n\n    - <time> <name>: <text>" lines → items. */
static ca_status parse_record(ca_sink *s, const char *text, ca_event *ev)
{
    uint32_t n = 0;
    for (const char *p = text; (p = strstr(p, "\n    - ")) != NULL; p++)
        n++;
    if (!n)
        return CA_OK;
    ev->items = ca_sink_alloc(s, n * sizeof *ev->items);
    if (!ev->items)
        return CA_FATAL;
    for (const char *p = text; (p = strstr(p, "\n    - ")) != NULL && ev->n_items < n;) {
        p += strlen("\n    - ");
        const char *eol = p + strcspn(p, "\n");
        ca_record_item *it = &ev->items[ev->n_items++];
        it->type = CA_TYPE_TEXT;
        /* "YYYY-MM-DD HH:MM:SS name: text" */
        const char *sp = p;
        int spaces = 0;
        while (sp < eol && spaces < 2)
            if (*sp++ == ' ')
                spaces++;
        const char *name_start = spaces == 2 ? sp : p;
        if (spaces == 2)
            it->time_text = ca_sink_str(s, p, (size_t)(sp - 1 - p));
        const char *colon = name_start;
        while (colon + 1 < eol && !(colon[0] == ':' && colon[1] == ' '))
            colon++;
        if (colon + 1 < eol) {
            it->sender_name = ca_sink_str(s, name_start, (size_t)(colon - name_start));
            it->text = ca_sink_str(s, colon + 2, (size_t)(eol - colon - 2));
        } else {
            it->text = ca_sink_str(s, name_start, (size_t)(eol - name_start));
        }
        p = eol;
    }
    return CA_OK;
}

static ca_status fill(ca_sink *s, long line, ca_type type, const char *label, const char *text,
                      ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->type = type;
    ev->text = text;
    if (!text)
        return CA_OK;
    /* media rows carry the tool's label (【图片】, 【视频】, 【表情包】 desc),
     * not words of the sender */
    if (type == CA_TYPE_IMAGE || type == CA_TYPE_VIDEO || type == CA_TYPE_STICKER) {
        const char *close = ca_starts_with(text, "【") ? strstr(text, "】") : NULL;
        const char *rest = close ? close + strlen("】") : text;
        while (*rest == ' ')
            rest++;
        ev->text = *rest ? ca_sink_cstr(s, rest) : NULL;
        return CA_OK;
    }
    switch (type) {
    case CA_TYPE_QUOTE: {
        /* "<reply>\n引用：<name>: <quoted text>" */
        const char *q = strstr(text, "\n引用：");
        if (q) {
            ev->text = ca_sink_str(s, text, (size_t)(q - text));
            q += strlen("\n引用：");
            const char *sep = strstr(q, ": ");
            if (sep) {
                ev->quote_sender = ca_sink_intern(s, q, (size_t)(sep - q));
                ev->quote_text = ca_sink_cstr(s, sep + 2);
            } else {
                ev->quote_text = ca_sink_cstr(s, q);
            }
        }
        break;
    }
    case CA_TYPE_LINK:
        ev->title = line_value(s, text, "标题：");
        ev->url = line_value(s, text, "链接: ");
        if (!ev->url)
            ev->url = line_value(s, text, "链接：");
        break;
    case CA_TYPE_FILE:
        if (ca_starts_with(text, "【文件】")) {
            const char *p = text + strlen("【文件】");
            const char *mb = strstr(p, " MB ");
            const char *end = mb;
            if (mb) { /* back over " <size>" */
                end = mb;
                while (end > p && end[-1] != ' ')
                    end--;
                if (end > p)
                    end--;
            }
            ev->title = ca_sink_str(s, p, end && end > p ? (size_t)(end - p) : strlen(p));
        }
        break;
    case CA_TYPE_RECORD:
        return parse_record(s, text, ev);
    default:
        break;
    }
    (void)line;
    (void)label;
    return ev->text || !text ? CA_OK : CA_FATAL;
}

static ca_status m2_row(void *ud, ca_sink *s, long line, char **f, size_t *fl, size_t nf)
{
    const char *conv = ud;
    ca_event ev = {0};
    ev.conv = conv;
    ev.src_line = line;
    ev.id = pc_field(s, f, fl, nf, 0);
    ev.sender_name = pc_ifield(s, f, fl, nf, 2);
    ev.sender = ev.sender_name;
    ev.flags |= CA_EV_SENDER_WEAK;
    uint32_t flags = 0;
    if (pc_time(s, line, pc_field(s, f, fl, nf, 3), &ev.time_ms, &flags) != 0)
        return CA_FAILED;
    ev.flags |= flags;
    const char *label = ca_trim(f[1]);
    const char *content = pc_field(s, f, fl, nf, 4);
    ca_status st;
    if (strcmp(label, "系统消息") == 0 || strcmp(label, "拍一拍") == 0) {
        wx_self self = {NULL, NULL};
        st = wx_parse_system(content ? content : "", content ? strlen(content) : 0, &self, line,
                             s, &ev);
    } else {
        ca_type type = CA_TYPE__COUNT;
        for (size_t i = 0; i < CA_ARRAY_LEN(labels); i++)
            if (strcmp(labels[i].label, label) == 0)
                type = labels[i].type;
        if (type == CA_TYPE__COUNT) {
            ca_sink_warn(s, line, "unknown message type \"%.40s\"; kept as type other", label);
            type = CA_TYPE_OTHER;
        }
        st = fill(s, line, type, label, content, &ev);
        if (st == CA_OK && (type == CA_TYPE_TEXT || type == CA_TYPE_QUOTE) && ev.text &&
            wx_find_mentions(ev.text, s, &ev) < 0)
            st = CA_FATAL;
    }
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status m2_parse(const ca_entry *e, ca_sink *s)
{
    const char *conv = pc_conv_from_path(s, e, NULL);
    return pc_read_csv(e, s, 5, NULL, m2_row, (void *)(uintptr_t)conv);
}

const ca_format ca_format_memotrace2_csv = {
    "memotrace2-csv", "wechat", "MemoTrace v2 CSV (Chinese header, display names only)",
    m2_bid, m2_parse};
