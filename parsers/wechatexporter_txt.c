/*
 * wechatexporter_txt.c — BlueMatthew/WechatExporter (iOS backups) in text
 * mode (wechat.md §2.6, res/templates_txt): the file is
 *   "<session display name> - 微信聊天记录\n\n" then one entry per message
 *   "NAME (YYYY-MM-DD HH:MM:SS):MESSAGE\n"
 * where a multi-line MESSAGE runs on until the next entry.  Quote replies
 * use another template that has no name and no time:
 *   "「REFERNAME：REFERMSG」\n- - - - - - - - - - - - - - -\nMESSAGE\n"
 * and system messages are bare lines (older versions: "系统消息：MESSAGE";
 * one version's notice template has no newline, so a notice can run into
 * the next entry's name).  Lines carry display names only.
 *
 * A quote reply is kept as a quote with an unknown sender, at the time of
 * the entry before it (the file gives it none); a notice likewise.  A
 * bare line after a message is that message's next line unless it is a
 * group event in WeChat's wording.
 */
#include <string.h>
#include "../analyzer/timeparse.h"
#include "common.h"
#include "wxtext.h"

static const char TITLE_ZH[] = " - 微信聊天记录";
static const char TITLE_EN[] = " - WeChat Chat History";

typedef struct we_msg {
    int active;
    int quote;                 /* a quote reply (no name, no time) */
    long line;
    int64_t time_ms;
    const char *name;
    size_t name_n;
    const char *refer;         /* REFERNAME：REFERMSG */
    size_t refer_n;
    const char *body, *body_end;
} we_msg;

typedef struct we_ctx {
    const ca_entry *e;
    const char *conv, *conv_name;
    wx_self self;
    int have_time;
    int64_t last_time;
    int first_scanned, first_found;
    int64_t first_time;
    int skipping;              /* in the lines of a skipped message */
    size_t quotes;             /* quote replies without a sender */
    long first_quote;
    we_msg cur;
} we_ctx;

/* "NAME (YYYY-MM-DD HH:MM:SS):MESSAGE": the name's length and where the
 * message starts. */
static int entry_line(const char *l, size_t n, size_t *name_n, size_t *msg_off)
{
    for (size_t i = 0; i + 23 <= n; i++)
        if (l[i] == ' ' && l[i + 1] == '(' && wt_stamp(l + i + 2, n - i - 2) && l[i + 21] == ')' &&
            l[i + 22] == ':') {
            *name_n = i;
            *msg_off = i + 23;
            return 1;
        }
    return 0;
}

/* "- - - - - - - - - - - - - - -" */
static int separator(const char *l, size_t n)
{
    size_t dashes = 0;
    for (size_t i = 0; i < n; i++) {
        if (l[i] == '-')
            dashes++;
        else if (l[i] != ' ')
            return 0;
    }
    return dashes >= 5;
}

static int title_line(const char *l, size_t n, size_t *name_n)
{
    size_t a = strlen(TITLE_ZH), b = strlen(TITLE_EN);
    if (n > a && memcmp(l + n - a, TITLE_ZH, a) == 0) {
        *name_n = n - a;
        return 1;
    }
    if (n > b && memcmp(l + n - b, TITLE_EN, b) == 0) {
        *name_n = n - b;
        return 1;
    }
    return 0;
}

static int we_bid(const char *head, size_t n, const char *name)
{
    (void)name;
    wt_lines it;
    const char *l;
    size_t ln, nn, off;
    wt_lines_init(&it, head, n);
    if (!wt_lines_next(&it, &l, &ln) || !title_line(l, ln, &nn))
        return 0;
    while (wt_lines_next(&it, &l, &ln))
        if (entry_line(l, ln, &nn, &off))
            return 100;
    return 60;
}

/* ---------------------------------------------------------- times */

/* The time of the first entry of the file, for what comes before it. */
static int first_entry_time(we_ctx *c, ca_sink *s, int64_t *ms)
{
    if (!c->first_scanned) {
        c->first_scanned = 1;
        wt_lines it;
        const char *l;
        size_t n, nn, off;
        wt_lines_init(&it, c->e->text, c->e->len);
        while (!c->first_found && wt_lines_next(&it, &l, &n))
            if (entry_line(l, n, &nn, &off) &&
                ca_time_parse(l + nn + 2, 19, ca_sink_tz(s), &c->first_time, NULL) == 0)
                c->first_found = 1;
    }
    *ms = c->first_time;
    return c->first_found ? 0 : -1;
}

/* A time for a line that has none: the entry before it, else the first. */
static int borrowed_time(we_ctx *c, ca_sink *s, long line, int64_t *ms)
{
    if (c->have_time) {
        *ms = c->last_time;
        return 0;
    }
    if (first_entry_time(c, s, ms) == 0)
        return 0;
    ca_sink_error(s, line, "expected a message line \"NAME (YYYY-MM-DD HH:MM:SS):...\" to take "
                  "the time from, found none in the file; record skipped");
    return -1;
}

/* ------------------------------------------------------- messages */

static ca_status fill_message(ca_sink *s, const char *body, ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    ev->text = body;
    if (!ev->type)
        ev->type = CA_TYPE_TEXT;
    if (!body || ev->type == CA_TYPE_QUOTE)
        goto mentions;
    size_t tok;
    ca_type t = wt_placeholder_type(body, &tok);
    ev->type = t;
    switch (t) {
    case CA_TYPE_IMAGE:
    case CA_TYPE_VIDEO:
    case CA_TYPE_STICKER:
        ev->text = NULL;
        break;
    case CA_TYPE_FILE: /* "[文件: name]" */
        wt_card(s, body, ev);
        break;
    default:
        break;
    }
mentions:
    if ((ev->type == CA_TYPE_TEXT || ev->type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}

/* Emits the message being collected, if any. */
static ca_status flush(we_ctx *c, ca_sink *s)
{
    we_msg *m = &c->cur;
    if (!m->active)
        return CA_OK;
    m->active = 0;
    int oom = 0;
    ca_event ev = {0};
    ev.src_line = m->line;
    ev.conv = c->conv;
    ev.conv_name = c->conv_name;
    ev.time_ms = m->time_ms;
    const char *body = m->body_end > m->body
                           ? wt_body(s, m->body, (size_t)(m->body_end - m->body), &oom) : NULL;
    if (oom)
        return CA_FATAL;
    if (m->quote) {
        ev.type = CA_TYPE_QUOTE;
        ev.flags |= CA_EV_SENDER_WEAK; /* sender unknown: the file does not say */
        const char *sep = NULL;
        for (size_t i = 0; i + 3 <= m->refer_n && !sep; i++)
            if (memcmp(m->refer + i, "：", 3) == 0)
                sep = m->refer + i;
        if (sep) {
            ev.quote_sender = sep > m->refer ? ca_sink_intern(s, m->refer, (size_t)(sep - m->refer))
                                             : NULL;
            ev.quote_text = wt_body(s, sep + 3, (size_t)(m->refer + m->refer_n - sep - 3), &oom);
        } else {
            ev.quote_text = wt_body(s, m->refer, m->refer_n, &oom);
        }
        if (oom)
            return CA_FATAL;
    } else {
        ev.sender_name = m->name_n ? ca_sink_intern(s, m->name, m->name_n) : NULL;
        ev.sender = ev.sender_name;
        ev.flags |= CA_EV_SENDER_WEAK;
    }
    if (fill_message(s, body, &ev) == CA_FATAL)
        return CA_FATAL;
    return ca_sink_emit(s, &ev);
}

/* A system line: a notice (kind from its wording) at a borrowed time. */
static ca_status system_line(we_ctx *c, ca_sink *s, long line, const char *text, size_t n,
                             int64_t ms)
{
    ca_event ev = {0};
    ev.src_line = line;
    ev.conv = c->conv;
    ev.conv_name = c->conv_name;
    ev.time_ms = ms;
    if (wx_parse_system(text, n, &c->self, line, s, &ev) == CA_FATAL)
        return CA_FATAL;
    return ca_sink_emit(s, &ev);
}

/* One version's notice template ends without a newline, so the next
 * entry's name starts with the notice: '"A"邀请"B"加入了群聊张三 (…):hi'.
 * Splits such a notice off the name (emitted at time ms). */
static ca_status glued_notice(we_ctx *c, ca_sink *s, long line, const char **name, size_t *n,
                              int64_t ms)
{
    static const char *const ends[] = {"加入了群聊", "加入群聊", "移出了群聊", "移出群聊",
                                       "撤回了一条消息", "”", "新群主", "退出了群聊"};
    if (*n < 6)
        return CA_OK;
    for (size_t k = 0; k < CA_ARRAY_LEN(ends); k++) {
        size_t el = strlen(ends[k]);
        for (size_t i = 0; i + el < *n; i++) {
            if (memcmp(*name + i, ends[k], el) != 0)
                continue;
            size_t cut = i + el;
            ca_event ev = {0};
            int r = wt_system_event(s, line, *name, cut, &c->self, &ev);
            if (r < 0)
                return CA_FATAL;
            if (!r)
                continue;
            ca_sink_record(s);
            if (system_line(c, s, line, *name, cut, ms) == CA_FATAL)
                return CA_FATAL;
            *name += cut;
            *n -= cut;
            while (*n && **name == ' ') {
                (*name)++;
                (*n)--;
            }
            return CA_OK;
        }
    }
    return CA_OK;
}

/* A quote block starting at l ("「…」" over one or more lines, then the
 * separator): the reference inside the brackets, and the line iterator
 * moved past the separator. */
static int quote_block(wt_lines *it, const char *l, size_t n, const char **ref, size_t *ref_n)
{
    if (n < 3 || memcmp(l, "「", 3) != 0)
        return 0;
    wt_lines look = *it;
    const char *pl = l;
    size_t pn = n;
    for (int k = 0; k < 200; k++) {
        if (pn >= 3 && memcmp(pl + pn - 3, "」", 3) == 0) {
            wt_lines peek = look;
            const char *sl;
            size_t sn;
            if (wt_lines_next(&peek, &sl, &sn) && separator(sl, sn)) {
                *ref = l + 3;
                *ref_n = (size_t)(pl + pn - 3 - *ref);
                *it = peek;
                return 1;
            }
        }
        size_t a, b;
        if (!wt_lines_next(&look, &pl, &pn) || entry_line(pl, pn, &a, &b))
            return 0;
    }
    return 0;
}

static ca_status we_parse(const ca_entry *e, ca_sink *s)
{
    we_ctx c = {0};
    c.e = e;
    wt_lines it;
    const char *l;
    size_t n, nn, off;
    wt_lines_init(&it, e->text, e->len);
    /* the title line names the session */
    const char *title = NULL;
    size_t title_n = 0;
    wt_lines first = it;
    if (wt_lines_next(&first, &l, &n) && title_line(l, n, &title_n)) {
        title = l;
        it = first;
    } else {
        char found[48];
        ca_sink_warn(s, 1, "expected the title line \"<name> - 微信聊天记录\", found \"%s\"; the "
                     "conversation is named by the file",
                     wt_excerpt(e->text, e->len, found, sizeof found));
    }
    if (strstr(e->path, "@chatroom") || !title || !title_n) {
        wt_conv_from_path(s, e, NULL, &c.conv, &c.conv_name);
        if (title && title_n)
            c.conv_name = ca_sink_intern(s, title, title_n);
    } else {
        c.conv = ca_sink_intern(s, title, title_n);
    }
    ca_status st = CA_OK;
    while (st != CA_FATAL && wt_lines_next(&it, &l, &n)) {
        long line = it.line;
        const char *ref;
        size_t ref_n;
        if (entry_line(l, n, &nn, &off)) {
            if ((st = flush(&c, s)) == CA_FATAL)
                break;
            ca_sink_record(s);
            int64_t ms;
            c.skipping = 1;
            if (ca_time_parse(l + nn + 2, 19, ca_sink_tz(s), &ms, NULL) != 0) {
                ca_sink_error(s, line, "expected a time YYYY-MM-DD HH:MM:SS, found \"%.19s\"; "
                              "record skipped", l + nn + 2);
                continue;
            }
            const char *name = l;
            if ((st = glued_notice(&c, s, line, &name, &nn, c.have_time ? c.last_time : ms)) ==
                CA_FATAL)
                break;
            c.skipping = 0;
            c.have_time = 1;
            c.last_time = ms;
            c.cur = (we_msg){1, 0, line, ms, name, nn, NULL, 0, l + off, l + n};
            continue;
        }
        if (quote_block(&it, l, n, &ref, &ref_n)) {
            if ((st = flush(&c, s)) == CA_FATAL)
                break;
            ca_sink_record(s);
            int64_t ms;
            c.skipping = 1;
            if (borrowed_time(&c, s, line, &ms) != 0)
                continue;
            c.skipping = 0;
            if (!c.quotes++)
                c.first_quote = line;
            c.cur = (we_msg){1, 1, line, ms, NULL, 0, ref, ref_n, NULL, NULL};
            continue;
        }
        if (wt_blank(l, n))
            continue;
        /* a system line: "系统消息：…" or a group event's wording */
        const char *sys = NULL;
        if (ca_starts_with(l, "系统消息："))
            sys = l + strlen("系统消息：");
        else if (ca_starts_with(l, "System Message:"))
            sys = l + strlen("System Message:");
        int is_event = 0;
        if (!sys) {
            ca_event probe = {0};
            is_event = wt_system_event(s, line, l, n, &c.self, &probe);
            if (is_event < 0) {
                st = CA_FATAL;
                break;
            }
        }
        if (c.skipping && !sys && !is_event)
            continue; /* the rest of a message already reported */
        if (sys || is_event || !c.cur.active) {
            /* a bare line before any message is a notice too */
            if ((st = flush(&c, s)) == CA_FATAL)
                break;
            ca_sink_record(s);
            int64_t ms;
            if (borrowed_time(&c, s, line, &ms) != 0)
                continue;
            const char *t = sys ? sys : l;
            st = system_line(&c, s, line, t, (size_t)(l + n - t), ms);
            continue;
        }
        /* the next line of the message being read */
        if (c.cur.body_end == c.cur.body)
            c.cur.body = l;
        c.cur.body_end = l + n;
    }
    if (st != CA_FATAL)
        st = flush(&c, s);
    if (st != CA_FATAL && c.quotes)
        ca_sink_warn(s, c.first_quote,
                     "%zu quote repl%s without the replier's name or time (WechatExporter writes "
                     "none); kept with an unknown sender at the time of the message before",
                     c.quotes, c.quotes == 1 ? "y" : "ies");
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

const ca_format ca_format_wechatexporter_txt = {
    "wechatexporter-txt", "wechat", "WechatExporter (iOS) TXT (\"NAME (time):message\", display names)",
    we_bid, we_parse};
