/*
 * memotrace_csv.c — WeChatMsg / MemoTrace v1 CSV (wechat.md §2.1 a/b):
 *   localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,
 *   StrTime,Remark,NickName,Sender
 * and the 0.2.6 variant whose header stops at StrTime while rows carry a
 * 10th value (the server message id).  UTF-8 with BOM, CR LF, epoch
 * CreateTime.  localId is a local row number, not a message id.  The group
 * is named by the file ("<remark>_utf8.csv").
 */
#include <stdlib.h>
#include <string.h>
#include "../analyzer/timeparse.h"
#include "common.h"
#include "wechat.h"

static const char SIG9[] =
    "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime";

typedef struct mt_ctx {
    int ncols;          /* header columns: 9 or 12 */
    const char *conv;
    wx_self self;
} mt_ctx;

static int mt_bid(const char *head, size_t n, const char *name)
{
    (void)n;
    if (pc_first_line_starts(head, SIG9))
        return 100;
    /* By name: the tool calls its files "<remark>_utf8.csv". */
    if (ca_ends_with(name, "_utf8.csv") && pc_first_line_commas(head) >= 8)
        return 20;
    return 0;
}

static ca_status mt_header(void *ud, ca_sink *s, char **f, size_t nf)
{
    mt_ctx *c = ud;
    c->ncols = (int)nf;
    if (nf < 9 || strcmp(f[0], "localId") != 0 || strcmp(f[8], "StrTime") != 0)
        ca_sink_warn(s, 1,
                     "expected the MemoTrace header \"localId,TalkerId,...,StrTime\", found "
                     "\"%.40s\"; columns read by position",
                     f[0]);
    return CA_OK;
}

static long num(const char *s) { return s ? strtol(s, NULL, 10) : 0; }

/* Fills the type-dependent part of a WeChat message from Type/SubType and
 * the raw StrContent (the reader's field: each branch that keeps or parses
 * it copies it into the sink; the other types never read it). */
static ca_status fill_content(ca_sink *s, long line, long type, long sub, const char *raw,
                              const wx_self *self, ca_event *ev)
{
    if (type == 10000 || type == 10002) {
        const char *t = raw ? ca_sink_cstr(s, raw) : NULL;
        return wx_parse_system(t ? t : "", t ? strlen(t) : 0, self, line, s, ev);
    }
    ev->kind = CA_KIND_MESSAGE;
    ev->type = wx_type_from_code(type, sub);
    if (type == 49 && raw && strchr(raw, '<')) {
        const char *xml = ca_sink_cstr(s, strchr(raw, '<'));
        if (xml)
            return wx_parse_appmsg(xml, strlen(xml), line, s, ev);
    }
    if (type == 1 && raw) {
        ev->text = ca_sink_cstr(s, raw);
        if (ev->text && wx_find_mentions(ev->text, s, ev) < 0)
            return CA_FATAL;
    }
    return CA_OK;
}

static ca_status mt_row(void *ud, ca_sink *s, long line, char **f, size_t *fl, size_t nf)
{
    mt_ctx *c = ud;
    ca_event ev = {0};
    ev.conv = c->conv;
    ev.src_line = line;
    int64_t ms;
    uint32_t flags = 0;
    /* CreateTime (epoch) is exact; StrTime is the exporting PC's local
     * rendering of it and the fallback. */
    if (!fl[5] || ca_time_parse(f[5], fl[5], 0, &ms, NULL) != 0) {
        if (pc_time(s, line, pc_field(s, f, fl, nf, 8), &ms, &flags) != 0)
            return CA_FAILED;
        if (fl[5])
            ca_sink_warn(s, line, "CreateTime: expected epoch seconds, found \"%.20s\"; StrTime used",
                         f[5]);
    }
    ev.time_ms = ms;
    ev.flags = flags;
    int is_self = num(f[4]) == 1;
    if (is_self)
        ev.flags |= CA_EV_FROM_SELF;
    if (nf >= 12) {
        ev.sender = pc_ifield(s, f, fl, nf, 11);
        ev.sender_name = pc_ifield(s, f, fl, nf, 9);
        if (!ev.sender_name)
            ev.sender_name = pc_ifield(s, f, fl, nf, 10);
    } else if (nf == 10 && c->ncols == 9) {
        ev.id = pc_field(s, f, fl, nf, 9); /* 0.2.6: the 10th value */
    }
    if (!ev.sender) {
        ev.sender = ev.sender_name;
        ev.flags |= CA_EV_SENDER_WEAK;
    }
    if (is_self && ev.sender && !(ev.flags & CA_EV_SENDER_WEAK) && !c->self.id)
        c->self.id = ev.sender;
    ca_status st = fill_content(s, line, num(f[2]), num(f[3]), pc_rawfield(f, fl, nf, 7),
                                &c->self, &ev);
    if (st == CA_FATAL)
        return st;
    return ca_sink_emit(s, &ev);
}

static ca_status mt_parse(const ca_entry *e, ca_sink *s)
{
    static const char *const suffixes[] = {"_utf8", NULL};
    mt_ctx c = {0};
    c.conv = pc_conv_from_path(s, e, suffixes);
    size_t mark = ca_sink_mark(s);
    ca_status st = pc_read_csv(e, s, 9, mt_header, mt_row, &c);
    ca_sink_patch_self(s, mark, c.self.id);
    return st;
}

const ca_format ca_format_memotrace_csv = {
    "memotrace-csv", "wechat",
    "WeChatMsg / MemoTrace v1 CSV (12 columns, and the 9/10-column 0.2.6 variant)",
    mt_bid, mt_parse};
