/*
 * memotrace_txt.c — WeChatMsg / MemoTrace TXT, v1 and v2 (wechat.md §2.1 c,
 * §2.2): one block per message, blocks separated by a blank line,
 *   v1  "<YYYY-MM-DD HH:MM:SS> <display name>\n<body>\n\n"
 *       system: "<YYYY-MM-DD HH:MM:SS> <system text>\n\n" (no body)
 *       quote:  "<reply>\n引用:<name>:<quoted>" or "<reply>\n引用:未知"
 *       link:   "            [链接]:title:…\n            url:…" (indented)
 *   v2  "<YYYY-MM-DD HH:MM:SS> <display name>\n<to_text()>"
 *       system: "<YYYY-MM-DD HH:MM:SS>\n<system text>"
 *       quote:  "<reply>\n引用：<name>: <quoted>"; media as "【图片】" ...
 * Senders are display names only.  v1 passes names through
 * escape_js_and_html() even in TXT (& < > as entities, \ ' " escaped by a
 * backslash); that is undone.  The group is named by the file, or by a
 * "<digits>@chatroom" folder.
 */
#include <string.h>
#include "../analyzer/buf.h"
#include "../analyzer/timeparse.h"
#include "common.h"
#include "wxtext.h"

typedef struct mx_ctx {
    const char *conv, *conv_name;
    wx_self self;
} mx_ctx;

/* "<stamp>" alone or "<stamp> <rest>". */
static int is_header(const char *l, size_t n)
{
    return wt_stamp(l, n) && (n == 19 || l[19] == ' ');
}

static int mx_bid(const char *head, size_t n, const char *name)
{
    (void)name;
    int first;
    int count = wt_count_headers(head, n, is_header, &first);
    return first && count >= 2 ? 80 : 0;
}

/* Undoes v1's escape_js_and_html(): html.escape(quote=False) first, then
 * \ ' " (and newline, CR, tab) backslash-escaped. */
static const char *unescape_name(ca_sink *s, const char *p, size_t n)
{
    if (!memchr(p, '\\', n) && !memchr(p, '&', n))
        return ca_sink_intern(s, p, n);
    ca_buf js = CA_BUF_INIT, out = CA_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n) {
            char c = p[i + 1];
            const char *r = c == '\\' ? "\\" : c == '\'' ? "'" : c == '"' ? "\"" : c == 'n' ? "\n"
                          : c == 'r' ? "\r" : c == 't' ? "\t" : NULL;
            if (r) {
                ca_buf_puts(&js, r);
                i++;
                continue;
            }
        }
        ca_buf_putc(&js, p[i]);
    }
    const char *q = ca_buf_cstr(&js);
    static const struct { const char *ent, *ch; } ents[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}};
    for (size_t i = 0; i < js.len; i++) {
        size_t k;
        for (k = 0; k < CA_ARRAY_LEN(ents); k++)
            if (strncmp(q + i, ents[k].ent, strlen(ents[k].ent)) == 0)
                break;
        if (k < CA_ARRAY_LEN(ents)) {
            ca_buf_puts(&out, ents[k].ch);
            i += strlen(ents[k].ent) - 1;
        } else {
            ca_buf_putc(&out, q[i]);
        }
    }
    const char *r = js.oom || out.oom ? NULL : ca_sink_intern(s, ca_buf_cstr(&out), out.len);
    ca_buf_free(&js);
    ca_buf_free(&out);
    return r;
}

/* The value after key on a line of text ("url:x", "链接: x"), blanks
 * trimmed, or NULL. */
static const char *line_value(ca_sink *s, const char *text, const char *key)
{
    const char *p = strstr(text, key);
    if (!p)
        return NULL;
    p += strlen(key);
    return wt_trimmed(s, p, strcspn(p, "\n"));
}

/* v2 "【合并转发的聊天记录】\n\n    - <time> <name>: <text>" lines. */
static ca_status record_items(ca_sink *s, const char *text, ca_event *ev)
{
    static const char mark[] = "\n    - ";
    uint32_t n = 0;
    for (const char *p = text; (p = strstr(p, mark)) != NULL; p++)
        n++;
    if (!n)
        return CA_OK;
    ev->items = ca_sink_alloc(s, n * sizeof *ev->items);
    if (!ev->items)
        return CA_FATAL;
    for (const char *p = text; (p = strstr(p, mark)) != NULL && ev->n_items < n;) {
        p += strlen(mark);
        const char *eol = p + strcspn(p, "\n");
        ca_record_item *it = &ev->items[ev->n_items++];
        it->type = CA_TYPE_TEXT;
        const char *rest = p;
        if (wt_stamp(p, (size_t)(eol - p)) && eol - p > 20) {
            it->time_text = ca_sink_str(s, p, 19);
            if (ca_time_parse(p, 19, ca_sink_tz(s), &it->time_ms, NULL) != 0)
                it->time_ms = 0;
            rest = p + 20;
        }
        const char *colon = rest;
        while (colon + 1 < eol && !(colon[0] == ':' && colon[1] == ' '))
            colon++;
        if (colon + 1 < eol) {
            it->sender_name = ca_sink_intern(s, rest, (size_t)(colon - rest));
            it->text = ca_sink_str(s, colon + 2, (size_t)(eol - colon - 2));
        } else {
            it->text = ca_sink_str(s, rest, (size_t)(eol - rest));
        }
        p = eol;
    }
    return CA_OK;
}

/* The quote forms: v2 "<reply>\n引用：<name>: <text>", v1
 * "<reply>\n引用:<name>:<text>" / "引用:未知".  1 when body is one. */
static int quote(ca_sink *s, const char *body, ca_event *ev)
{
    static const struct { const char *mark; const char *sep; } forms[] = {
        {"引用：", ": "}, {"引用:", ":"}};
    for (size_t f = 0; f < CA_ARRAY_LEN(forms); f++) {
        size_t ml = strlen(forms[f].mark);
        const char *q = NULL;
        if (ca_starts_with(body, forms[f].mark))
            q = body;
        for (const char *p = body; !q && (p = strchr(p, '\n')) != NULL; p++)
            if (strncmp(p + 1, forms[f].mark, ml) == 0)
                q = p + 1;
        if (!q)
            continue;
        ev->type = CA_TYPE_QUOTE;
        ev->text = q > body ? wt_trimmed(s, body, (size_t)(q - body)) : NULL;
        q += ml;
        if (strcmp(q, "未知") == 0)
            return 1;
        const char *sep = strstr(q, forms[f].sep);
        if (sep && !memchr(q, '\n', (size_t)(sep - q))) {
            ev->quote_sender = ca_sink_intern(s, q, (size_t)(sep - q));
            q = sep + strlen(forms[f].sep);
        }
        ev->quote_text = *q ? q : NULL;
        return 1;
    }
    return 0;
}

static ca_status fill_message(ca_sink *s, const char *body, ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->type = CA_TYPE_TEXT;
    ev->text = body;
    if (!body)
        return CA_OK;
    /* v1 indents the lines of a link card: the text without the indent */
    const char *b = body;
    while (*b == ' ')
        b++;
    if (b > body && ca_starts_with(b, "[链接]:")) {
        ca_buf t = CA_BUF_INIT;
        for (const char *p = body; *p;) {
            while (*p == ' ')
                p++;
            size_t n = strcspn(p, "\n");
            ca_buf_put(&t, p, n);
            p += n;
            if (*p == '\n')
                ca_buf_putc(&t, *p++);
        }
        body = t.oom ? NULL : ca_sink_str(s, ca_buf_cstr(&t), t.len);
        ca_buf_free(&t);
        if (!body)
            return CA_FATAL;
        ev->text = b = body;
    }
    size_t tok;
    ca_type t = wt_placeholder_type(b, &tok);
    if (t != CA_TYPE_TEXT || !quote(s, body, ev)) {
        ev->type = t;
        const char *rest = b + tok;
        switch (t) {
        case CA_TYPE_IMAGE:
        case CA_TYPE_VIDEO:
        case CA_TYPE_STICKER:
            ev->text = NULL;
            break;
        case CA_TYPE_VOICE: /* v2 "【语音】<transcript>" */
            ev->text = *rest ? wt_trimmed(s, rest, strlen(rest)) : NULL;
            break;
        case CA_TYPE_LINK:
            if (ca_starts_with(rest, ":title:")) { /* v1 */
                ev->title = line_value(s, rest, ":title:");
                ev->url = line_value(s, rest, "url:");
                if (ev->url && strcmp(ev->url, "None") == 0)
                    ev->url = NULL;
            } else {                               /* v2 */
                ev->title = line_value(s, rest, "标题：");
                ev->url = line_value(s, rest, "链接: ");
                if (!ev->url)
                    ev->url = line_value(s, rest, "链接：");
            }
            break;
        case CA_TYPE_FILE: { /* v2 "【文件】<name> <size> MB <path> <ext> <md5>" */
            const char *mb = strstr(rest, " MB ");
            const char *end = mb;
            if (mb)
                while (end > rest && end[-1] != ' ')
                    end--;
            if (end && end > rest)
                end--;
            size_t n = end && end > rest ? (size_t)(end - rest) : strcspn(rest, "\n");
            ev->title = wt_trimmed(s, rest, n);
            break;
        }
        case CA_TYPE_RECORD:
            if (record_items(s, rest, ev) != CA_OK)
                return CA_FATAL;
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

static ca_status mx_block(mx_ctx *c, ca_sink *s, const wt_block *b)
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
    const char *rest = b->head_n > 20 ? b->head + 20 : NULL;
    size_t rest_n = rest ? b->head_n - 20 : 0;
    const char *body = b->body ? wt_body(s, b->body, b->body_n, &oom) : NULL;
    if (oom)
        return CA_FATAL;
    ca_status st;
    if (!rest || !body) {
        /* v2 "<time>\n<text>" or v1 "<time> <text>": a system message */
        const char *text = rest ? wt_body(s, rest, rest_n, &oom) : body;
        if (oom)
            return CA_FATAL;
        if (!text) {
            ca_sink_error(s, b->line, "expected a name or a system message after the time, "
                          "found nothing; record skipped");
            return CA_FAILED;
        }
        st = wx_parse_system(text, strlen(text), &c->self, b->line, s, &ev);
    } else {
        ev.sender_name = unescape_name(s, rest, rest_n);
        ev.sender = ev.sender_name;
        ev.flags |= CA_EV_SENDER_WEAK;
        if (!ev.sender)
            return CA_FATAL;
        st = fill_message(s, body, &ev);
    }
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status mx_parse(const ca_entry *e, ca_sink *s)
{
    mx_ctx c = {0};
    wt_conv_from_path(s, e, NULL, &c.conv, &c.conv_name);
    wt_blocks it;
    wt_block b;
    wt_blocks_init(&it, e->text, e->len, is_header);
    while (wt_blocks_next(&it, &b)) {
        ca_sink_record(s);
        if (!b.head) {
            char found[48];
            ca_sink_error(s, b.line, "expected a message header \"YYYY-MM-DD HH:MM:SS name\", "
                          "found \"%s\"; record skipped",
                          wt_excerpt(b.body, b.body_n, found, sizeof found));
            continue;
        }
        if (mx_block(&c, s, &b) == CA_FATAL)
            return CA_FATAL;
    }
    return CA_OK;
}

const ca_format ca_format_memotrace_txt = {
    "memotrace-txt", "wechat", "WeChatMsg / MemoTrace TXT, v1 and v2 (display names only)",
    mx_bid, mx_parse};
