/*
 * wxtext.c — helpers of the WeChat JSON and text importers.
 */
#include <stdio.h>
#include <string.h>
#include "../analyzer/buf.h"
#include "common.h"
#include "wxtext.h"

/* ------------------------------------------------------------- lines */

void wt_lines_init(wt_lines *it, const char *text, size_t len)
{
    it->p = text;
    it->end = text + len;
    it->line = 0;
}

int wt_lines_next(wt_lines *it, const char **s, size_t *n)
{
    if (it->p >= it->end)
        return 0;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const char *eol = nl ? nl : it->end;
    *s = it->p;
    *n = (size_t)(eol - it->p);
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    it->p = nl ? nl + 1 : it->end;
    it->line++;
    return 1;
}

const char *wt_excerpt(const char *p, size_t n, char *buf, size_t size)
{
    size_t k = 0;
    while (k < n && p[k] != '\n' && p[k] != '\r')
        k++;
    if (k > 40) {
        k = 40;
        while (k && ((unsigned char)p[k] & 0xC0) == 0x80)
            k--;
    }
    if (k >= size)
        k = size - 1;
    memcpy(buf, p, k);
    buf[k] = '\0';
    return buf;
}

int wt_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static int is_digit(int c) { return c >= '0' && c <= '9'; }

size_t wt_stamp(const char *s, size_t n)
{
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    if (n < sizeof shape - 1)
        return 0;
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == 'd' ? !is_digit((unsigned char)s[i]) : s[i] != shape[i])
            return 0;
    return sizeof shape - 1;
}

const char *wt_body(ca_sink *s, const char *p, size_t n, int *oom)
{
    /* drop blank lines (and blanks) at the end */
    while (n && (p[n - 1] == '\n' || p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (!n)
        return NULL;
    const char *r;
    if (!memchr(p, '\r', n)) {
        r = ca_sink_str(s, p, n);
    } else {
        ca_buf b = CA_BUF_INIT;
        for (size_t i = 0; i < n; i++)
            if (!(p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))
                ca_buf_putc(&b, p[i]);
        r = b.oom ? NULL : ca_sink_str(s, ca_buf_cstr(&b), b.len);
        ca_buf_free(&b);
    }
    if (!r)
        *oom = 1;
    return r;
}

const char *wt_trimmed(ca_sink *s, const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    return n ? ca_sink_str(s, p, n) : NULL;
}

void wt_blocks_init(wt_blocks *it, const char *text, size_t len, wt_header_fn is_header)
{
    memset(it, 0, sizeof *it);
    wt_lines_init(&it->lines, text, len);
    it->is_header = is_header;
    it->prev_blank = 1;
}

/* Reads lines up to the next block header (kept in it->next); returns the
 * span of the non-blank lines read in *start / *end. */
static void read_to_header(wt_blocks *it, const char **start, const char **end, long *first)
{
    const char *l;
    size_t n;
    *start = *end = NULL;
    it->have_next = 0;
    while (wt_lines_next(&it->lines, &l, &n)) {
        int blank = wt_blank(l, n);
        int hdr = it->prev_blank && !blank && it->is_header(l, n);
        it->prev_blank = blank;
        if (hdr) {
            it->have_next = 1;
            it->next = l;
            it->next_n = n;
            it->next_line = it->lines.line;
            return;
        }
        if (!blank) {
            if (!*start) {
                *start = l;
                *first = it->lines.line;
            }
            *end = l + n;
        }
    }
}

int wt_blocks_next(wt_blocks *it, wt_block *b)
{
    const char *start, *end;
    long first = 0;
    memset(b, 0, sizeof *b);
    if (!it->have_next) {
        read_to_header(it, &start, &end, &first);
        if (start) { /* text before the first header */
            b->line = first;
            b->body = start;
            b->body_n = (size_t)(end - start);
            return 1;
        }
        if (!it->have_next)
            return 0;
    }
    b->line = it->next_line;
    b->head = it->next;
    b->head_n = it->next_n;
    read_to_header(it, &start, &end, &first);
    if (start) {
        b->body = start;
        b->body_n = (size_t)(end - start);
    }
    return 1;
}

int wt_count_headers(const char *head, size_t n, wt_header_fn is_header, int *first_is_header)
{
    wt_lines it;
    const char *l;
    size_t ln;
    int count = 0, prev_blank = 1, seen = 0;
    *first_is_header = 0;
    wt_lines_init(&it, head, n);
    while (wt_lines_next(&it, &l, &ln)) {
        int blank = wt_blank(l, ln);
        int hdr = prev_blank && !blank && is_header(l, ln);
        if (!blank && !seen) {
            seen = 1;
            *first_is_header = hdr;
        }
        count += hdr;
        prev_blank = blank;
    }
    return count;
}

/* ------------------------------------------------------- placeholders */

/* WeFlow TXT/JSON, WechatExporter (zh-Hans strings) and MemoTrace v1 use
 * square brackets, MemoTrace v2 to_text() lenticular ones. */
static const struct { const char *token; ca_type type; } placeholders[] = {
    {"[图片]", CA_TYPE_IMAGE}, {"[视频]", CA_TYPE_VIDEO}, {"[语音]", CA_TYPE_VOICE},
    {"[语音消息]", CA_TYPE_VOICE}, {"[语音 ", CA_TYPE_VOICE}, {"[表情]", CA_TYPE_STICKER},
    {"[表情包]", CA_TYPE_STICKER}, {"[动画表情]", CA_TYPE_STICKER},
    {"[GIF表情]", CA_TYPE_STICKER}, {"[名片]", CA_TYPE_CARD}, {"[个人名片]", CA_TYPE_CARD},
    {"[视频号名片]", CA_TYPE_CARD}, {"[位置]", CA_TYPE_LOCATION},
    {"[实时位置共享]", CA_TYPE_LOCATION}, {"[语音通话]", CA_TYPE_CALL},
    {"[视频通话]", CA_TYPE_CALL}, {"[视频/语音通话]", CA_TYPE_CALL}, {"[通话]", CA_TYPE_CALL},
    {"[文件]", CA_TYPE_FILE}, {"[文件: ", CA_TYPE_FILE}, {"[链接]", CA_TYPE_LINK},
    {"[小程序]", CA_TYPE_MINIPROGRAM}, {"[音乐]", CA_TYPE_LINK}, {"[音乐分享]", CA_TYPE_LINK},
    {"[视频号]", CA_TYPE_LINK}, {"[红包]", CA_TYPE_REDPACKET}, {"[转账]", CA_TYPE_TRANSFER},
    {"微信转账", CA_TYPE_TRANSFER}, {"[聊天记录]", CA_TYPE_RECORD},
    {"【图片】", CA_TYPE_IMAGE}, {"【视频】", CA_TYPE_VIDEO}, {"【语音】", CA_TYPE_VOICE},
    {"【表情包】", CA_TYPE_STICKER}, {"【文件】", CA_TYPE_FILE}, {"【分享链接】", CA_TYPE_LINK},
    {"【合并转发的聊天记录】", CA_TYPE_RECORD}, {"【红包】", CA_TYPE_REDPACKET},
    {"【发起转账】", CA_TYPE_TRANSFER}, {"【已收款】", CA_TYPE_TRANSFER},
    {"【已退还】", CA_TYPE_TRANSFER}, {"【非实时转账收款】", CA_TYPE_TRANSFER},
    {"【发起非实时转账】", CA_TYPE_TRANSFER}, {"【位置分享】", CA_TYPE_LOCATION},
    {"【音视频通话】", CA_TYPE_CALL}, {"【名片】", CA_TYPE_CARD}, {"【视频号】", CA_TYPE_LINK},
    {"【笔记】", CA_TYPE_OTHER}};

ca_type wt_placeholder_type(const char *body, size_t *tok_len)
{
    *tok_len = 0;
    if (!body)
        return CA_TYPE_TEXT;
    for (size_t i = 0; i < CA_ARRAY_LEN(placeholders); i++)
        if (ca_starts_with(body, placeholders[i].token)) {
            *tok_len = strlen(placeholders[i].token);
            return placeholders[i].type;
        }
    return CA_TYPE_TEXT;
}

void wt_card(ca_sink *s, const char *text, ca_event *ev)
{
    if (!text)
        return;
    size_t tok = 0;
    wt_placeholder_type(text, &tok);
    const char *close = text[0] == '[' && !tok ? strstr(text, "](") : NULL;
    if (close && !memchr(text, '\n', (size_t)(close - text))) { /* "[title](url)" */
        if (!ev->title)
            ev->title = wt_trimmed(s, text + 1, (size_t)(close - text - 1));
        if (!ev->url && ev->type != CA_TYPE_FILE)
            ev->url = wt_trimmed(s, close + 2, strcspn(close + 2, ")\n"));
    } else if (tok && !ev->title) {
        const char *p = text + tok;
        ev->title = wt_trimmed(s, p, strcspn(p, "\n"));
        if (ev->title && ca_ends_with(ev->title, "]") && ca_starts_with(text, "[文件: "))
            ev->title = wt_trimmed(s, ev->title, strlen(ev->title) - 1);
    }
    if (!ev->url && ev->type != CA_TYPE_FILE) {
        const char *h = strstr(text, "http://");
        const char *hs = strstr(text, "https://");
        if (!h || (hs && hs < h))
            h = hs;
        if (h)
            ev->url = ca_sink_str(s, h, strcspn(h, " \t\r\n)]"));
    }
    /* "[链接]title url" on one line: the title without the URL */
    if (ev->title && ev->url && ca_ends_with(ev->title, ev->url) &&
        strlen(ev->title) > strlen(ev->url))
        ev->title = wt_trimmed(s, ev->title, strlen(ev->title) - strlen(ev->url));
}

int wt_weflow_quote(ca_sink *s, const char *content, ca_event *ev)
{
    const char *q = content ? strstr(content, "[引用 ") : NULL;
    if (!q || !ca_ends_with(q, "]"))
        return 0;
    const char *in = q + strlen("[引用 ");
    size_t inn = strlen(in) - 1;
    const char *colon = strstr(in, "：");
    if (colon && (size_t)(colon - in) < inn) {
        const char *c = colon + strlen("：");
        if (!ev->quote_sender && !(ev->quote_sender = ca_sink_intern(s, in, (size_t)(colon - in))))
            return -1;
        if (!ev->quote_text && in + inn > c &&
            !(ev->quote_text = ca_sink_str(s, c, (size_t)(in + inn - c))))
            return -1;
    } else if (!ev->quote_text && inn && !(ev->quote_text = ca_sink_str(s, in, inn))) {
        return -1;
    }
    ev->text = NULL;
    if (q > content && !(ev->text = wt_trimmed(s, content, (size_t)(q - content))) &&
        !wt_blank(content, (size_t)(q - content)))
        return -1;
    return 1;
}

/* ------------------------------------------------------ system events */

/* Words without which no wording of wechat.md §3.4 can match: a cheap
 * filter before the full match (which allocates). */
static const char *const event_words[] = {
    "群聊", "撤回了一条消息", "修改群名为", "新群主", "group chat", "recalled a message",
    "group name", "group owner"};

static const char *find_bytes(const char *p, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (p[i] == w[0] && memcmp(p + i, w, k) == 0)
            return p + i;
    return NULL;
}

int wt_system_event(ca_sink *s, long line, const char *text, size_t n, const wx_self *self,
                    ca_event *ev)
{
    if (!text || !n || n > 1024 || memchr(text, '\n', n))
        return 0;
    int maybe = 0;
    for (size_t i = 0; i < CA_ARRAY_LEN(event_words) && !maybe; i++)
        maybe = find_bytes(text, n, event_words[i]) != NULL;
    if (!maybe)
        return 0;
    ca_event t = *ev;
    ca_status st = wx_parse_system(text, n, self, line, s, &t);
    if (st == CA_FATAL)
        return -1;
    if (t.kind == CA_KIND_NOTICE || t.kind == CA_KIND_MESSAGE)
        return 0;
    *ev = t;
    return 1;
}

/* "nick(wxid)": the id part when it looks like a WeChat id (a letter, then
 * 5 to 40 letters, digits, '_' or '-'). */
static int split_one(ca_sink *s, const char **id, const char **name)
{
    const char *v = *name ? *name : *id;
    if (!v)
        return 0;
    size_t n = strlen(v);
    if (n < 9 || v[n - 1] != ')')
        return 0;
    const char *open = NULL;
    for (size_t i = n - 1; i-- > 0;)
        if (v[i] == '(') {
            open = v + i;
            break;
        }
    if (!open || open == v)
        return 0;
    const char *w = open + 1;
    size_t wn = (size_t)(v + n - 1 - w);
    if (wn < 6 || wn > 41 || !((w[0] | 0x20) >= 'a' && (w[0] | 0x20) <= 'z'))
        return 0;
    for (size_t i = 0; i < wn; i++) {
        int c = (unsigned char)w[i];
        if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !is_digit(c) && c != '_' && c != '-')
            return 0;
    }
    const char *nid = ca_sink_intern(s, w, wn);
    const char *nname = ca_sink_intern(s, v, (size_t)(open - v));
    if (!nid || !nname)
        return -1;
    *id = nid;
    *name = nname;
    return 1;
}

int wt_split_name_ids(ca_sink *s, ca_event *ev)
{
    if (ev->actor && split_one(s, &ev->actor, &ev->actor_name) < 0)
        return -1;
    for (uint32_t i = 0; i < ev->n_targets; i++) {
        const char *name = ev->target_names ? ev->target_names[i] : NULL;
        int r = split_one(s, &ev->targets[i], &name);
        if (r < 0)
            return -1;
        if (r > 0 && ev->target_names)
            ev->target_names[i] = name;
    }
    if (ev->sender && (ev->flags & CA_EV_SENDER_WEAK)) {
        int r = split_one(s, &ev->sender, &ev->sender_name);
        if (r < 0)
            return -1;
        if (r > 0)
            ev->flags &= ~CA_EV_SENDER_WEAK;
    }
    return 0;
}

ca_type wt_record_item_type(long dt)
{
    switch (dt) {
    case 1: return CA_TYPE_TEXT;
    case 2: return CA_TYPE_IMAGE;
    case 3: return CA_TYPE_VOICE;
    case 4: return CA_TYPE_VIDEO;
    case 5: return CA_TYPE_LINK;
    case 6: return CA_TYPE_LOCATION;
    case 7: return CA_TYPE_LINK;        /* music */
    case 8: return CA_TYPE_FILE;
    case 16: return CA_TYPE_CARD;
    case 17: return CA_TYPE_RECORD;
    case 19: return CA_TYPE_MINIPROGRAM;
    default: return CA_TYPE_OTHER;      /* 22 channels, 26 channel card ... */
    }
}

void wt_conv_from_path(ca_sink *s, const ca_entry *e, const char *const *suffixes,
                       const char **conv, const char **conv_name)
{
    *conv = pc_conv_from_path(s, e, suffixes);
    *conv_name = NULL;
    if (!*conv || !ca_ends_with(*conv, "@chatroom"))
        return;
    const char *name = e->name;
    size_t n = strlen(name);
    const char *dot = strrchr(name, '.');
    if (dot && dot > name)
        n = (size_t)(dot - name);
    for (size_t i = 0; suffixes && suffixes[i]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && memcmp(name + n - k, suffixes[i], k) == 0) {
            n -= k;
            break;
        }
    }
    if (n && (strlen(*conv) != n || memcmp(*conv, name, n) != 0))
        *conv_name = ca_sink_intern(s, name, n);
}

/* ---------------------------------------------------------- JSON */

static int push_line(long **out, size_t *n, size_t *cap, long line)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 256;
        long *no = ca_realloc(*out, nc * sizeof *no);
        if (!no)
            return -1;
        *out = no;
        *cap = nc;
    }
    (*out)[(*n)++] = line;
    return 0;
}

long *wt_json_elem_lines(const char *t, size_t len, const char *key, size_t *count)
{
    long *out = NULL;
    size_t n = 0, cap = 0;
    long line = 1;
    int depth = 0;
    int target = -1;      /* depth of the target array's elements */
    int want_elem = 0;    /* next value at depth target starts an element */
    int key_next = 0;     /* next string at depth 1 is a member name */
    int key_hit = 0;      /* the member name just read was key */
    size_t klen = key ? strlen(key) : 0;
    *count = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)t[i];
        if (c == '\n') {
            line++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r')
            continue;
        if (want_elem && depth == target) {
            want_elem = 0;
            if (c != ']' && push_line(&out, &n, &cap, line) < 0) {
                ca_free(out);
                return NULL;
            }
        }
        if (c == '"') {
            size_t start = i + 1;
            for (i = start; i < len && t[i] != '"'; i++) {
                if (t[i] == '\\')
                    i++;
                else if (t[i] == '\n')
                    line++;
            }
            if (key && depth == 1 && key_next) {
                key_hit = i - start == klen && memcmp(t + start, key, klen) == 0;
                key_next = 0;
            } else if (depth == 1) {
                key_hit = 0;
            }
            continue;
        }
        switch (c) {
        case '{':
        case '[':
            if (key ? depth == 1 && key_hit && c == '[' : depth == 0 && c == '[') {
                /* a repeated member: the last one counts, as in json-c */
                n = 0;
                target = depth + 1;
                want_elem = 1;
            }
            key_hit = 0;
            depth++;
            if (depth == 1 && c == '{')
                key_next = 1;
            break;
        case '}':
        case ']':
            depth--;
            break;
        case ',':
            if (depth == target)
                want_elem = 1;
            if (depth == 1)
                key_next = 1;
            break;
        case ':':
            break;
        default:
            if (depth == 1)
                key_hit = 0;
            break;
        }
    }
    *count = n;
    if (!n) {
        ca_free(out);
        return NULL;
    }
    return out;
}

int wt_first_char(const char *head)
{
    while (*head == ' ' || *head == '\t' || *head == '\r' || *head == '\n')
        head++;
    return (unsigned char)*head;
}

int wt_json_has_key(const char *head, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = head; (p = strchr(p, '"')) != NULL; p++) {
        if (strncmp(p + 1, key, k) != 0 || p[1 + k] != '"')
            continue;
        const char *q = p + 2 + k;
        while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
            q++;
        if (*q == ':')
            return 1;
    }
    return 0;
}

const char *wt_json_type_name(json_object *o)
{
    switch (json_object_get_type(o)) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_double:
    case json_type_int: return "a number";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return "a string";
    }
    return "a value";
}

const char *wt_found(json_object *o, const char *path, char *buf, size_t size)
{
    json_object *v = pj_get(o, path);
    if (!v) {
        snprintf(buf, size, "nothing");
    } else if (json_object_is_type(v, json_type_string)) {
        const char *t = json_object_get_string(v);
        size_t n = strlen(t);
        if (n > 40) {
            n = 40;
            while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
                n--;
        }
        snprintf(buf, size, "\"%.*s\"", (int)n, t);
    } else if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
        snprintf(buf, size, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    } else {
        snprintf(buf, size, "%s", wt_json_type_name(v));
    }
    return buf;
}

int wt_json_true(json_object *o, const char *path)
{
    json_object *v = pj_get(o, path);
    if (!v)
        return 0;
    switch (json_object_get_type(v)) {
    case json_type_boolean:
        return json_object_get_boolean(v) != 0;
    case json_type_int:
        return json_object_get_int64(v) != 0;
    case json_type_string:
        return strcmp(json_object_get_string(v), "true") == 0 ||
               strcmp(json_object_get_string(v), "1") == 0;
    default:
        return 0;
    }
}

void wt_split_type(int64_t combined, long *type, long *subtype)
{
    if (combined > 0xFFFFFFFFLL) {
        *type = (long)(combined & 0xFFFFFFFFLL);
        *subtype = (long)(combined >> 32);
    } else {
        *type = (long)combined;
    }
}
