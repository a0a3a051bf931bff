/*
 * pywxdump_csv.c — PyWxDump CSV (wechat.md §2.3), WeFlow's "WeClone" CSV
 * (§2.4) which is PyWxDump's minus room_name, and the legacy PyWxDump CSV
 * whose content column is a JSON string {"src": ..., "msg": ...}.
 *   current: id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime
 *   legacy:  id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime
 *   weclone: id,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime
 * talker is the sender's wxid in PyWxDump ("我" for the exporting account in
 * the legacy form) and a display name in WeClone; WeClone times are UTC.
 */
#include <json-c/json.h>
#include <string.h>
#include "common.h"
#include "wechat.h"

static const char SIG_CUR[] = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime";
static const char SIG_LEG[] = "id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime";
static const char SIG_WC[] = "id,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime";

typedef enum { PW_CURRENT, PW_LEGACY, PW_WECLONE } pw_kind;

typedef struct pw_ctx {
    pw_kind kind;
    const char *file_conv;
    wx_self self;
    size_t self_no_id;  /* rows sent by the exporting account without talker */
    long first_no_id;
} pw_ctx;

/* PyWxDump's type_converter labels (Chinese) and WeFlow's (English). */
static const struct { const char *label; ca_type type; } labels[] = {
    {"文本", CA_TYPE_TEXT}, {"粘贴的文本", CA_TYPE_TEXT}, {"图片", CA_TYPE_IMAGE},
    {"语音", CA_TYPE_VOICE}, {"视频", CA_TYPE_VIDEO}, {"动画表情", CA_TYPE_STICKER},
    {"用户上传的GIF表情", CA_TYPE_STICKER}, {"位置", CA_TYPE_LOCATION},
    {"位置共享", CA_TYPE_LOCATION}, {"文件", CA_TYPE_FILE}, {"(分享)音乐", CA_TYPE_LINK},
    {"(分享)卡片式链接", CA_TYPE_LINK}, {"(分享)视频号视频", CA_TYPE_LINK},
    {"(分享)视频号名片", CA_TYPE_CARD}, {"(分享)笔记", CA_TYPE_OTHER},
    {"(分享)收藏夹", CA_TYPE_OTHER}, {"(分享)小程序", CA_TYPE_MINIPROGRAM},
    {"合并转发的聊天记录", CA_TYPE_RECORD}, {"引用回复", CA_TYPE_QUOTE},
    {"转账", CA_TYPE_TRANSFER}, {"红包", CA_TYPE_REDPACKET}, {"赠送红包封面", CA_TYPE_REDPACKET},
    {"语音通话", CA_TYPE_CALL}, {"视频通话", CA_TYPE_CALL}, {"添加好友", CA_TYPE_CARD},
    {"推荐公众号", CA_TYPE_CARD}, {"名片", CA_TYPE_CARD}, {"游戏相关", CA_TYPE_OTHER},
    {"接龙", CA_TYPE_TEXT}, {"群公告", CA_TYPE_TEXT}, {"视频号直播或直播回放", CA_TYPE_LINK},
    {"未知", CA_TYPE_OTHER},
    {"text", CA_TYPE_TEXT}, {"image", CA_TYPE_IMAGE}, {"sticker", CA_TYPE_STICKER},
    {"video", CA_TYPE_VIDEO}, {"voice", CA_TYPE_VOICE}, {"location", CA_TYPE_LOCATION},
    {"file", CA_TYPE_FILE}, {"link", CA_TYPE_LINK}, {"quote", CA_TYPE_QUOTE},
    {"call", CA_TYPE_CALL}, {"other", CA_TYPE_OTHER}};

static int is_system_label(const char *l)
{
    return strcmp(l, "系统通知") == 0 || strcmp(l, "邀请加群") == 0 || strcmp(l, "拍一拍") == 0 ||
           ca_starts_with(l, "消息撤回") || strcmp(l, "system") == 0;
}

/* PyWxDump pages its files "<chat>_<start>_<end>.csv". */
static int paged_name(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot || strcmp(dot, ".csv") != 0)
        return 0;
    const char *p = dot;
    for (int part = 0; part < 2; part++) {
        const char *end = p;
        while (p > name && p[-1] >= '0' && p[-1] <= '9')
            p--;
        if (p == end || p == name || p[-1] != '_')
            return 0;
        p--;
    }
    return p > name;
}

static int pw_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    if (pc_first_line_is(head, SIG_CUR) || pc_first_line_is(head, SIG_LEG))
        return 100;
    if (paged_name(name) && pc_first_line_commas(head) >= 8)
        return 20;
    return 0;
}

static ca_status pw_header(void *ud, ca_sink *s, char **f, size_t nf)
{
    (void)ud;
    if (nf < 8 || strcmp(f[0], "id") != 0 || strcmp(f[1], "MsgSvrID") != 0)
        ca_sink_warn(s, 1,
                     "expected the PyWxDump header \"id,MsgSvrID,type_name,...\", found "
                     "\"%.40s\"; columns read by position",
                     f[0]);
    return CA_OK;
}

static int wc_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    (void)name;
    return pc_first_line_is(head, SIG_WC) ? 100 : 0;
}

/* "<reply>\n\n[引用](YYYY-MM-DD HH:MM:SS)<name>:<content>" and WeFlow's
 * "<reply>[引用 <sender>：<preview>]". */
static ca_status parse_quote(ca_sink *s, const char *text, ca_event *ev)
{
    const char *q = strstr(text, "[引用](");
    if (q) {
        const char *end = q;
        while (end > text && end[-1] == '\n')
            end--;
        ev->text = ca_sink_str(s, text, (size_t)(end - text));
        const char *close = strchr(q, ')');
        if (close) {
            const char *name = close + 1;
            const char *colon = strchr(name, ':');
            if (colon) {
                ev->quote_sender = ca_sink_intern(s, name, (size_t)(colon - name));
                ev->quote_text = ca_sink_cstr(s, colon + 1);
            }
        }
        return ev->text ? CA_OK : CA_FATAL;
    }
    q = strstr(text, "[引用 ");
    if (q && ca_ends_with(text, "]")) {
        ev->text = ca_sink_str(s, text, (size_t)(q - text));
        const char *name = q + strlen("[引用 ");
        const char *colon = strstr(name, "：");
        if (colon) {
            ev->quote_sender = ca_sink_intern(s, name, (size_t)(colon - name));
            const char *c = colon + strlen("：");
            ev->quote_text = ca_sink_str(s, c, strlen(c) - 1);
        }
    }
    return CA_OK;
}

/* "title\ndes\n\n<a href="url" target="_blank">点击查看详情</a>" */
static void parse_link(ca_sink *s, const char *text, ca_event *ev)
{
    size_t n = strcspn(text, "\n");
    if (n)
        ev->title = ca_sink_str(s, text, n);
    const char *h = strstr(text, "<a href=\"");
    if (h) {
        const char *end = h;
        while (end > text && end[-1] == '\n')
            end--;
        ev->text = ca_sink_str(s, text, (size_t)(end - text));
        h += strlen("<a href=\"");
        size_t u = strcspn(h, "\"");
        ev->url = ca_sink_str(s, h, u);
    } else if (ca_starts_with(text, "http")) {
        ev->url = ca_sink_str(s, text, strcspn(text, " \n"));
    }
}

/* msg and src are the reader's fields when raw (copied into the sink only
 * when an event keeps them), else sink strings already. */
static ca_status fill(pw_ctx *c, ca_sink *s, long line, const char *label, const char *msg,
                      const char *src, int raw, ca_event *ev)
{
    if (is_system_label(label)) {
        if (raw && msg)
            msg = ca_sink_cstr(s, msg);
        ca_status st = wx_parse_system(msg ? msg : "", msg ? strlen(msg) : 0, &c->self, line, s, ev);
        if (st != CA_FATAL && ca_starts_with(label, "消息撤回"))
            ev->kind = CA_KIND_RECALL;
        return st;
    }
    ca_type type = CA_TYPE__COUNT;
    for (size_t i = 0; i < CA_ARRAY_LEN(labels); i++)
        if (strcmp(labels[i].label, label) == 0) {
            type = labels[i].type; /* the labels are distinct */
            break;
        }
    if (type == CA_TYPE__COUNT) {
        ca_sink_warn(s, line, "unknown type_name \"%.40s\"; kept as type other", label);
        type = CA_TYPE_OTHER;
    }
    ev->kind = CA_KIND_MESSAGE;
    ev->type = type;
    /* Media rows carry a placeholder (图片, 表情, 视频) rather than text;
     * nothing else of such a row reads msg. */
    if (type == CA_TYPE_TEXT || type == CA_TYPE_QUOTE || type == CA_TYPE_LINK ||
        type == CA_TYPE_FILE || type == CA_TYPE_RECORD || type == CA_TYPE_MINIPROGRAM ||
        type == CA_TYPE_TRANSFER || type == CA_TYPE_LOCATION || type == CA_TYPE_CALL ||
        type == CA_TYPE_VOICE) {
        if (raw && msg)
            msg = ca_sink_cstr(s, msg);
        ev->text = msg;
    } else {
        return CA_OK;
    }
    if (!msg)
        return CA_OK;
    switch (type) {
    case CA_TYPE_QUOTE:
        if (parse_quote(s, msg, ev) != CA_OK)
            return CA_FATAL;
        break;
    case CA_TYPE_LINK:
        parse_link(s, msg, ev);
        if (!ev->url && src && ca_starts_with(src, "http"))
            ev->url = raw ? ca_sink_cstr(s, src) : src;
        break;
    case CA_TYPE_FILE:
    case CA_TYPE_MINIPROGRAM:
        ev->title = ca_sink_str(s, msg, strcspn(msg, "\n"));
        break;
    case CA_TYPE_RECORD:
        ev->title = ca_sink_str(s, msg, strcspn(msg, "\n"));
        break;
    default:
        break;
    }
    if ((type == CA_TYPE_TEXT || type == CA_TYPE_QUOTE) && ev->text &&
        wx_find_mentions(ev->text, s, ev) < 0)
        return CA_FATAL;
    return CA_OK;
}

/* Legacy content column: {"src": "...", "msg": "..."} */
static int legacy_content(ca_sink *s, long line, const char *json, const char **msg,
                          const char **src)
{
    *msg = *src = NULL;
    if (!json)
        return 0;
    json_tokener *tok = json_tokener_new_ex(16);
    if (!tok)
        return -1;
    json_object *o = json_tokener_parse_ex(tok, json, (int)strlen(json));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        ca_sink_warn(s, line,
                     "content: expected a JSON object {\"src\", \"msg\"}, found \"%.40s\"; kept as text",
                     json);
        *msg = json;
        return 0;
    }
    json_object *v;
    if (json_object_object_get_ex(o, "msg", &v) && json_object_is_type(v, json_type_string) &&
        json_object_get_string_len(v))
        *msg = pc_clean_str(s, line, json_object_get_string(v),
                            (size_t)json_object_get_string_len(v));
    if (json_object_object_get_ex(o, "src", &v) && json_object_is_type(v, json_type_string) &&
        json_object_get_string_len(v))
        *src = pc_clean_str(s, line, json_object_get_string(v),
                            (size_t)json_object_get_string_len(v));
    json_object_put(o);
    return 0;
}

static ca_status pw_row(void *ud, ca_sink *s, long line, char **f, size_t *fl, size_t nf)
{
    pw_ctx *c = ud;
    ca_event ev = {0};
    ev.src_line = line;
    ev.id = pc_field(s, f, fl, nf, 1);
    const char *label = ca_trim(f[2]);
    int is_self = strcmp(ca_trim(f[3]), "1") == 0;
    const char *talker = pc_ifield(s, f, fl, nf, 4);
    const char *msg, *src, *when;
    int raw = 1; /* msg and src are the reader's fields (not the legacy form's) */
    if (c->kind == PW_WECLONE) {
        ev.conv = c->file_conv;
        msg = pc_rawfield(f, fl, nf, 5);
        src = pc_rawfield(f, fl, nf, 6);
        when = pc_rawfield(f, fl, nf, 7);
        ev.sender_name = talker;
        ev.sender = talker;
        ev.flags |= CA_EV_SENDER_WEAK;
    } else {
        ev.conv = pc_ifield(s, f, fl, nf, 5);
        /* room_name is StrTalker: a chatroom, else the contact of a 1:1 */
        ev.flags |= ca_conv_id_hint("wechat", ev.conv, 1);
        if (!ev.conv)
            ev.conv = c->file_conv;
        if (c->kind == PW_LEGACY) {
            if (legacy_content(s, line, pc_field(s, f, fl, nf, 6), &msg, &src) < 0)
                return CA_FATAL;
            raw = 0;
            when = pc_rawfield(f, fl, nf, 7);
        } else {
            msg = pc_rawfield(f, fl, nf, 6);
            src = pc_rawfield(f, fl, nf, 7);
            when = pc_rawfield(f, fl, nf, 8);
        }
        ev.sender = talker;
    }
    uint32_t flags = 0;
    if (pc_time(s, line, when, &ev.time_ms, &flags) != 0)
        return CA_FAILED;
    ev.flags |= flags;
    if (is_self) {
        ev.flags |= CA_EV_FROM_SELF;
        if (talker && strcmp(talker, "我") != 0 && !c->self.id)
            c->self.id = talker;
        if (!talker) {
            /* The exporting account: its wxid, if any row of the file
             * shows it, is filled in at the end (ca_sink_patch_self). */
            ev.sender_name = ca_sink_intern(s, "我", strlen("我"));
            if (!c->self_no_id++)
                c->first_no_id = line;
        }
    }
    ca_status st = fill(c, s, line, label, msg, src, raw, &ev);
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status parse_as(const ca_entry *e, ca_sink *s, pw_kind kind)
{
    pw_ctx c = {0};
    c.kind = kind;
    if (kind == PW_CURRENT && strncmp(e->text, SIG_LEG, strlen(SIG_LEG)) == 0)
        c.kind = PW_LEGACY;
    static const char *const suffixes[] = {"_utf8", NULL};
    c.file_conv = pc_conv_from_path(s, e, suffixes);
    size_t mark = ca_sink_mark(s);
    ca_status st = pc_read_csv(e, s, c.kind == PW_CURRENT ? 9 : 8, pw_header, pw_row, &c);
    /* the account's wxid, once a row showed it, names it everywhere */
    ca_sink_patch_self(s, mark, c.self.id);
    if (c.self_no_id)
        ca_sink_warn(s, c.first_no_id,
                     "%zu message%s sent by the exporting account (is_sender 1) have an empty "
                     "talker; their sender is the exporting account%s",
                     c.self_no_id, c.self_no_id == 1 ? "" : "s",
                     c.self.id ? ", whose wxid other rows show" : ", named \"我\"");
    return st;
}

static ca_status pw_parse(const ca_entry *e, ca_sink *s) { return parse_as(e, s, PW_CURRENT); }
static ca_status wc_parse(const ca_entry *e, ca_sink *s) { return parse_as(e, s, PW_WECLONE); }

const ca_format ca_format_pywxdump_csv = {
    "pywxdump-csv", "wechat",
    "PyWxDump CSV, current and legacy (JSON content column); sender wxid in talker",
    pw_bid, pw_parse};

const ca_format ca_format_weclone_csv = {
    "weclone-csv", "wechat", "WeFlow \"WeClone\" CSV (UTC ISO times, display names)",
    wc_bid, wc_parse};
