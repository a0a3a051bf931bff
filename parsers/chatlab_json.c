/*
 * chatlab_json.c — the ChatLab standard format (hellodigua/ChatLab
 * docs/cn/chatlab-format.md v0.0.2; wechat.md §2.4, §2.8), which WeFlow
 * exports, as JSON
 *   {chatlab: {version, exportedAt, generator?},
 *    meta: {name, platform, type, groupId?, ownerId?},
 *    members: [{platformId, accountName, groupNickname?}],
 *    messages: [{sender, accountName, groupNickname?, timestamp (s), type,
 *                content, platformMessageId?, replyToMessageId?,
 *                chatRecords?}]}
 * and as JSON Lines: a header line {"_type":"header", chatlab, meta}, then
 * lines {"_type":"member", ...} and {"_type":"message", ...}; lines
 * starting with '#' are comments.  A message's display name is its group
 * nickname when it has one, else its account name (the members list fills
 * in what a message leaves out).
 */
#include <stdint.h>
#include <string.h>
#include "common.h"
#include "jsonutil.h"
#include "wxtext.h"

typedef struct cl_member {
    const char *id;       /* interned platformId: the hash key */
    const char *account;
    const char *nick;
} cl_member;

typedef struct cl_ctx {
    const char *file_conv;
    const char *conv, *conv_name;
    const char *platform;
    uint32_t conv_flags;  /* CA_EV_GROUP / CA_EV_PRIVATE from meta.type */
    wx_self self;
    int have_header;
    int warned_order;
    cl_member *members;   /* open addressing on the interned pointer */
    size_t cap, n;
    int oom;
} cl_ctx;

/* ChatLab message types (chatlab-format.md "消息类型对照表"). */
enum { CL_SYSTEM = 80, CL_RECALL = 81, CL_POKE = 22 };

static ca_type chatlab_type(int64_t t, int *known)
{
    *known = 1;
    switch (t) {
    case 0: return CA_TYPE_TEXT;
    case 1: return CA_TYPE_IMAGE;
    case 2: return CA_TYPE_VOICE;
    case 3: return CA_TYPE_VIDEO;
    case 4: return CA_TYPE_FILE;
    case 5: return CA_TYPE_STICKER;
    case 7: return CA_TYPE_LINK;
    case 8: return CA_TYPE_LOCATION;
    case 20: return CA_TYPE_REDPACKET;
    case 21: return CA_TYPE_TRANSFER;
    case 23: return CA_TYPE_CALL;
    case 24: return CA_TYPE_LINK;        /* SHARE: music, mini programs ... */
    case 25: return CA_TYPE_QUOTE;
    case 26: return CA_TYPE_RECORD;
    case 27: return CA_TYPE_CARD;
    case 99: return CA_TYPE_OTHER;
    default:
        *known = 0;
        return CA_TYPE_OTHER;
    }
}

/* --------------------------------------------------------------- bid */

/* 1 if the first line of head has the member key. */
static int first_line_has(const char *head, const char *key)
{
    char line[4097];
    size_t n = strcspn(head, "\n");
    if (n >= sizeof line)
        n = sizeof line - 1;
    memcpy(line, head, n);
    line[n] = '\0';
    return wt_json_has_key(line, key);
}

static int cl_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    if (wt_first_char(head) != '{')
        return 0;
    if (first_line_has(head, "_type"))
        return first_line_has(head, "chatlab") ? 100 : ca_ends_with(name, ".jsonl") ? 30 : 0;
    if (wt_json_has_key(head, "chatlab") &&
        (wt_json_has_key(head, "meta") || wt_json_has_key(head, "messages")))
        return 100;
    return 0;
}

/* ----------------------------------------------------------- members */

static size_t slot_of(const cl_ctx *c, const char *id)
{
    uint64_t h = (uint64_t)(uintptr_t)id * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 20) & (c->cap - 1);
}

static cl_member *member_get(const cl_ctx *c, const char *id)
{
    if (!id || !c->cap)
        return NULL;
    for (size_t i = slot_of(c, id);; i = (i + 1) & (c->cap - 1)) {
        if (!c->members[i].id)
            return NULL;
        if (c->members[i].id == id)
            return &c->members[i];
    }
}

static int member_grow(cl_ctx *c)
{
    size_t ncap = c->cap ? c->cap * 2 : 64;
    cl_member *old = c->members, *nt = ca_calloc(ncap, sizeof *nt);
    if (!nt)
        return -1;
    size_t ocap = c->cap;
    c->members = nt;
    c->cap = ncap;
    for (size_t i = 0; i < ocap; i++)
        if (old[i].id) {
            size_t j = slot_of(c, old[i].id);
            while (nt[j].id)
                j = (j + 1) & (ncap - 1);
            nt[j] = old[i];
        }
    ca_free(old);
    return 0;
}

static ca_status add_member(cl_ctx *c, ca_sink *s, long line, json_object *m)
{
    char found[80];
    const char *id = pj_istr(s, line, m, "platformId");
    if (!id) {
        ca_sink_error(s, line, "expected a member's \"platformId\", found %s; record skipped",
                      wt_found(m, "platformId", found, sizeof found));
        return CA_FAILED;
    }
    cl_member *e = member_get(c, id);
    if (!e) {
        if ((c->n + 1) * 10 > c->cap * 7 && member_grow(c) < 0)
            return CA_FATAL;
        size_t j = slot_of(c, id);
        while (c->members[j].id)
            j = (j + 1) & (c->cap - 1);
        e = &c->members[j];
        e->id = id;
        c->n++;
    }
    e->account = pj_istr(s, line, m, "accountName");
    e->nick = pj_istr(s, line, m, "groupNickname");
    return CA_OK;
}

/* ------------------------------------------------------------ header */

static void header(cl_ctx *c, ca_sink *s, long line, json_object *h)
{
    char found[80];
    c->have_header = 1;
    c->conv_name = pj_istr(s, line, h, "meta.name");
    c->conv = pj_istr(s, line, h, "meta.groupId");
    const char *type = pj_str(s, line, h, "meta.type"); /* "group" | "private" */
    c->conv_flags = !type ? 0 : strcmp(type, "group") == 0 ? CA_EV_GROUP
                  : strcmp(type, "private") == 0 ? CA_EV_PRIVATE : 0;
    if (!c->conv)
        c->conv = c->conv_name ? c->conv_name : c->file_conv;
    c->self.id = pj_istr(s, line, h, "meta.ownerId");
    const char *p = pj_str(s, line, h, "meta.platform");
    c->platform = "wechat";
    if (p && (strcmp(p, "dingtalk") == 0 || strcmp(p, "wecom") == 0))
        c->platform = strcmp(p, "dingtalk") == 0 ? "dingtalk" : "wecom";
    else if (p && strcmp(p, "wechat") != 0)
        ca_sink_warn(s, line,
                     "meta.platform: expected wechat, dingtalk or wecom, found %s; imported as "
                     "wechat", wt_found(h, "meta.platform", found, sizeof found));
}

/* ----------------------------------------------------------- message */

static ca_status record_items(ca_sink *s, long line, json_object *recs, ca_event *ev)
{
    if (!recs || !json_object_is_type(recs, json_type_array))
        return CA_OK;
    size_t n = json_object_array_length(recs);
    if (!n)
        return CA_OK;
    ev->items = ca_sink_alloc(s, n * sizeof *ev->items);
    if (!ev->items)
        return CA_FATAL;
    for (size_t i = 0; i < n; i++) {
        json_object *r = json_object_array_get_idx(recs, i);
        ca_record_item *it = &ev->items[ev->n_items++];
        it->sender_name = pj_istr(s, line, r, "groupNickname");
        if (!it->sender_name)
            it->sender_name = pj_istr(s, line, r, "accountName");
        if (!it->sender_name)
            it->sender_name = pj_istr(s, line, r, "sender");
        if (pj_time(s, r, "timestamp", &it->time_ms) != 0)
            it->time_ms = 0;
        int known;
        it->type = chatlab_type(pj_int(r, "type", 0), &known);
        it->text = pj_str(s, line, r, "content");
    }
    return CA_OK;
}

static ca_status cl_message(cl_ctx *c, ca_sink *s, long line, json_object *o)
{
    char found[80];
    if (!json_object_is_type(o, json_type_object)) {
        ca_sink_error(s, line, "expected a message object, found %s; record skipped",
                      wt_json_type_name(o));
        return CA_FAILED;
    }
    ca_event ev = {0};
    ev.src_line = line;
    ev.platform = c->platform;
    ev.conv = c->conv ? c->conv : c->file_conv;
    ev.conv_name = c->conv_name;
    ev.flags |= c->conv_flags;
    if (pj_time(s, o, "timestamp", &ev.time_ms) != 0) {
        ca_sink_error(s, line, "expected \"timestamp\" as epoch seconds, found %s; record skipped",
                      wt_found(o, "timestamp", found, sizeof found));
        return CA_FAILED;
    }
    ev.id = pj_str(s, line, o, "platformMessageId");
    ev.reply_to = pj_str(s, line, o, "replyToMessageId");
    ev.sender = pj_istr(s, line, o, "sender");
    const cl_member *m = member_get(c, ev.sender);
    ev.sender_name = pj_istr(s, line, o, "groupNickname");
    if (!ev.sender_name && m)
        ev.sender_name = m->nick;
    if (!ev.sender_name)
        ev.sender_name = pj_istr(s, line, o, "accountName");
    if (!ev.sender_name && m)
        ev.sender_name = m->account;
    const char *content = pj_str(s, line, o, "content");
    int64_t t = pj_int(o, "type", -1);
    ca_status st = CA_OK;
    if (t == CL_SYSTEM || t == CL_RECALL || t == CL_POKE) {
        if (t == CL_SYSTEM || (ev.sender && ca_ends_with(ev.sender, "@chatroom")))
            ev.sender = ev.sender_name = NULL;
        if (!ev.sender && ev.sender_name) {
            ev.sender = ev.sender_name;
            ev.flags |= CA_EV_SENDER_WEAK;
        }
        st = wx_parse_system(content ? content : "", content ? strlen(content) : 0, &c->self,
                             line, s, &ev);
        if (t == CL_RECALL && ev.kind != CA_KIND_RECALL)
            ev.kind = CA_KIND_RECALL; /* "[撤回]" and such: the sender recalled */
        ev.reply_to = ev.kind == CA_KIND_RECALL ? ev.reply_to : NULL;
        if (st == CA_FATAL)
            return st;
        return ca_sink_emit(s, &ev);
    }
    if (!ev.sender) {
        ev.sender = ev.sender_name;
        ev.flags |= CA_EV_SENDER_WEAK;
    }
    if (ev.sender && c->self.id && ev.sender == c->self.id)
        ev.flags |= CA_EV_FROM_SELF;
    int known;
    ev.kind = CA_KIND_MESSAGE;
    ev.type = chatlab_type(t, &known);
    if (!known)
        ca_sink_warn(s, line, "expected a ChatLab message type number, found %s; kept as type "
                     "other", wt_found(o, "type", found, sizeof found));
    if (ev.type == CA_TYPE_TEXT && ev.reply_to)
        ev.type = CA_TYPE_QUOTE;
    ev.text = content;
    switch (ev.type) {
    case CA_TYPE_IMAGE:
    case CA_TYPE_VIDEO:
    case CA_TYPE_STICKER:
        ev.text = NULL; /* a placeholder or the exported file's path */
        break;
    case CA_TYPE_QUOTE:
        if (wt_weflow_quote(s, content, &ev) < 0)
            return CA_FATAL;
        break;
    case CA_TYPE_RECORD:
        st = record_items(s, line, pj_get(o, "chatRecords"), &ev);
        break;
    case CA_TYPE_LINK:
    case CA_TYPE_FILE:
        wt_card(s, content, &ev);
        break;
    default:
        break;
    }
    if (st == CA_OK && (ev.type == CA_TYPE_TEXT || ev.type == CA_TYPE_QUOTE) && ev.text &&
        wx_find_mentions(ev.text, s, &ev) < 0)
        st = CA_FATAL;
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

/* ---------------------------------------------------------- document */

static ca_status parse_doc(cl_ctx *c, const ca_entry *e, ca_sink *s)
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
            ca_sink_error(s, 1, "expected a ChatLab JSON object {\"chatlab\", \"meta\", "
                          "\"messages\"}, found %s; entry skipped", wt_json_type_name(doc));
        json_object_put(doc);
        return CA_FATAL;
    }
    header(c, s, 1, doc);
    ca_status st = CA_OK;
    json_object *members = pj_get(doc, "members");
    size_t nm = members && json_object_is_type(members, json_type_array)
                    ? json_object_array_length(members) : 0;
    size_t nml = 0;
    long *mlines = nm ? wt_json_elem_lines(e->text, e->len, "members", &nml) : NULL;
    for (size_t i = 0; i < nm && st != CA_FATAL; i++)
        st = add_member(c, s, mlines && nml == nm ? mlines[i] : 1,
                        json_object_array_get_idx(members, i));
    ca_free(mlines);
    size_t n = json_object_array_length(msgs), nl = 0;
    long *lines = wt_json_elem_lines(e->text, e->len, "messages", &nl);
    size_t mark = ca_sink_mark(s);
    for (size_t i = 0; i < n && st != CA_FATAL; i++) {
        long line = lines && nl == n ? lines[i] : (long)i + 1;
        ca_sink_record(s);
        st = cl_message(c, s, line, json_object_array_get_idx(msgs, i));
    }
    ca_sink_patch_self(s, mark, c->self.id);
    ca_free(lines);
    json_object_put(doc);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

/* ------------------------------------------------------- JSON Lines */

static ca_status on_line(void *ud, ca_sink *s, long line, json_object *o)
{
    cl_ctx *c = ud;
    char found[80];
    const char *kind = json_object_is_type(o, json_type_object) ? pj_str(s, line, o, "_type") : NULL;
    if (kind && strcmp(kind, "header") == 0) {
        header(c, s, line, o);
        return CA_OK;
    }
    if (kind && strcmp(kind, "member") == 0)
        return add_member(c, s, line, o) == CA_FATAL ? CA_FATAL : CA_OK;
    if (!kind || strcmp(kind, "message") != 0) {
        ca_sink_error(s, line, "expected \"_type\" header, member or message, found %s; record "
                      "skipped", json_object_is_type(o, json_type_object)
                                     ? wt_found(o, "_type", found, sizeof found)
                                     : wt_json_type_name(o));
        return CA_OK;
    }
    if (!c->have_header && !c->warned_order) {
        c->warned_order = 1;
        ca_sink_warn(s, line, "expected the header line {\"_type\":\"header\", ...} before the "
                     "messages, found a message; the conversation is named by the file");
    }
    return cl_message(c, s, line, o) == CA_FATAL ? CA_FATAL : CA_OK;
}

static ca_status parse_lines(cl_ctx *c, const ca_entry *e, ca_sink *s)
{
    /* '#' comment lines become blank lines, which the line reader skips,
     * so that line numbers stay those of the file. */
    char *copy = NULL;
    wt_lines it;
    const char *l;
    size_t n;
    wt_lines_init(&it, e->text, e->len);
    while (wt_lines_next(&it, &l, &n)) {
        size_t k = 0;
        while (k < n && (l[k] == ' ' || l[k] == '\t'))
            k++;
        if (k == n || l[k] != '#')
            continue;
        if (!copy) {
            copy = ca_malloc(e->len + 1);
            if (!copy)
                return CA_FATAL;
            memcpy(copy, e->text, e->len + 1);
        }
        memset(copy + (l - e->text), ' ', n);
    }
    ca_entry ce = *e;
    if (copy)
        ce.text = copy;
    size_t mark = ca_sink_mark(s);
    ca_status st = pj_each_line(&ce, s, on_line, c);
    ca_sink_patch_self(s, mark, c->self.id);
    ca_free(copy);
    return st;
}

static ca_status cl_parse(const ca_entry *e, ca_sink *s)
{
    cl_ctx c = {0};
    c.file_conv = pc_conv_from_path(s, e, NULL);
    c.platform = "wechat";
    ca_status st = first_line_has(e->text, "_type") ? parse_lines(&c, e, s) : parse_doc(&c, e, s);
    ca_free(c.members);
    return st;
}

const ca_format ca_format_chatlab_json = {
    "chatlab-json", "wechat", "ChatLab standard JSON and JSONL (WeFlow export; group nicknames)",
    cl_bid, cl_parse};
