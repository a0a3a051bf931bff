/*
 * penalties_html.c — penalties.html (SPEC §9, policy 5.2): per person with
 * an incident this period, the incidents with their offence numbers across
 * every recorded month, the sanctions, the fines and points of this month,
 * each incident's status (red lines stay proposed until a reviewer
 * confirms them) and every finding behind it with its evidence and source,
 * then the person's history from earlier months.  One self-contained file:
 * inline CSS, no script, nothing fetched.  Chat text, names and group names
 * all pass ca_buf_html_text.  Nothing here depends on the wall clock or
 * the ledger's location, so a re-run writes the same bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "outfile.h"
#include "report.h"
#include "timeparse.h"

#define EVIDENCE_MAX 1200 /* bytes of evidence shown around the highlight */

static const char CSS[] =
    "body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",Arial,sans-serif;"
    "color:#222;line-height:1.45;max-width:1100px;margin:24px auto;padding:0 16px}"
    "h1{font-size:22px;margin:0 0 12px}"
    "h2{font-size:18px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}"
    "h3{font-size:16px;margin:28px 0 6px}h4{font-size:14px;margin:14px 0 6px;color:#555}"
    "table{border-collapse:collapse;margin:8px 0}"
    "th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f5f5f5;font-weight:600}td.n,th.n{text-align:right}"
    ".muted{color:#777}.mono{font-family:Consolas,Menlo,monospace;font-size:12px}"
    ".st{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}"
    ".st.proposed{background:#e65100}.st.confirmed{background:#b71c1c}"
    ".st.applied{background:#546e7a}.st.dismissed{background:#9e9e9e}"
    ".cls.redline{color:#b71c1c;font-weight:600}.cls.content{color:#e65100}"
    ".cls.reply{color:#1565c0}"
    ".f{border:1px solid #ddd;border-left:4px solid #90a4ae;margin:6px 0 6px 16px;"
    "padding:6px 10px}.f.dismissed{opacity:.6}"
    ".msg{white-space:pre-wrap;word-break:break-word;margin:4px 0;padding:4px;background:#fff8e1}"
    "mark{background:#ffeb3b;padding:0 1px}.src{color:#777;font-size:12px}"
    ".sum{font-size:14px;margin:4px 0 8px}";

static void text(ca_buf *b, const char *s)
{
    if (s)
        ca_buf_html_text(b, s, strlen(s));
}

static void text_or(ca_buf *b, const char *s, const char *fallback)
{
    text(b, s && *s ? s : fallback);
}

static void status_badge(ca_buf *b, ca_incident_status s)
{
    static const char *const zh[] = {"待确认", "已执行", "已确认", "已撤销"};
    const char *name = ca_incident_status_name(s);
    ca_buf_printf(b, "<span class=\"st %s\">%s %s</span>", name,
                  (unsigned)s < CA_ARRAY_LEN(zh) ? zh[s] : "", name);
}

static void fine_cell(ca_buf *b, const ca_incident *in)
{
    if (in->status == CA_INC_DISMISSED)
        ca_buf_puts(b, "<td class=\"n\">—</td>");
    else if (in->fine_yuan < 0)
        ca_buf_puts(b, "<td class=\"n\">当月绩效全额</td>");
    else
        ca_buf_printf(b, "<td class=\"n\">%ld</td>", in->fine_yuan);
}

/* ---- the run's findings by id, for the highlighted characters ---- */

static int cmp_fid(const void *a, const void *b)
{
    return strcmp((*(const ca_finding *const *)a)->id, (*(const ca_finding *const *)b)->id);
}

static const ca_finding *run_finding(const ca_finding **byid, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(byid[mid]->id, id);
        if (!c)
            return byid[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* The evidence with [hs, he) marked, at most EVIDENCE_MAX bytes around it. */
static void evidence(ca_buf *b, const char *s, size_t hs, size_t he)
{
    size_t n = strlen(s);
    if (he > n || hs > he)
        hs = he = 0;
    size_t from = 0, to = n;
    if (n > EVIDENCE_MAX) {
        from = hs > EVIDENCE_MAX / 2 ? hs - EVIDENCE_MAX / 2 : 0;
        to = from + EVIDENCE_MAX < n ? from + EVIDENCE_MAX : n;
        if (he > to)
            to = he;
        while (from > 0 && is_cont((unsigned char)s[from]))
            from--;
        while (to < n && is_cont((unsigned char)s[to]))
            to++;
    }
    ca_buf_puts(b, "<div class=\"msg\">");
    if (from > 0)
        ca_buf_puts(b, "…");
    if (he > hs) {
        ca_buf_html_text(b, s + from, hs - from);
        ca_buf_puts(b, "<mark>");
        ca_buf_html_text(b, s + hs, he - hs);
        ca_buf_puts(b, "</mark>");
        ca_buf_html_text(b, s + he, to - he);
    } else {
        ca_buf_html_text(b, s + from, to - from);
    }
    if (to < n)
        ca_buf_puts(b, "…");
    ca_buf_puts(b, "</div>");
}

static void write_finding(ca_buf *b, const ca_report *r, const ca_lfinding *f,
                          const ca_finding **byid, size_t nbyid)
{
    ca_buf_printf(b, "<div class=\"f%s\"><span class=\"mono\">", f->review == CA_REVIEW_DISMISSED
                                                                      ? " dismissed" : "");
    text(b, f->id);
    ca_buf_puts(b, "</span> · ");
    ca_report_local_time(b, r->cfg->tz_offset_min, f->time_ms);
    ca_buf_puts(b, " · ");
    text_or(b, f->conv_name, f->conv_id);
    if (f->message_id) {
        ca_buf_puts(b, " · 消息 message <span class=\"mono\">");
        text(b, f->message_id);
        ca_buf_puts(b, "</span>");
    }
    if (f->evidence) {
        const ca_finding *rf = strcmp(f->period, r->period) == 0
                                   ? run_finding(byid, nbyid, f->id) : NULL;
        if (rf && rf->evidence && strcmp(rf->evidence, f->evidence) == 0)
            evidence(b, f->evidence, rf->hl_start, rf->hl_end);
        else
            evidence(b, f->evidence, 0, 0);
    }
    if (f->src) {
        ca_buf_puts(b, "<div class=\"src\">来源 source: ");
        text(b, f->src);
        ca_buf_puts(b, "</div>");
    }
    if (f->review != CA_REVIEW_NONE) {
        ca_buf_puts(b, f->review == CA_REVIEW_CONFIRMED ? "<div>复核 review: 确认 confirmed — "
                                                        : "<div>复核 review: 撤销 dismissed — ");
        text(b, f->review_reason);
        ca_buf_puts(b, "</div>");
    }
    ca_buf_puts(b, "</div>\n");
}

static void incident_row(ca_buf *b, const ca_report *r, const ca_incident *in, int with_period)
{
    ca_buf_puts(b, "<tr>");
    if (with_period) {
        ca_buf_puts(b, "<td>");
        text(b, in->period);
        ca_buf_puts(b, "</td>");
    }
    if (in->offence_no)
        ca_buf_printf(b, "<td class=\"n\">第 %d 次</td>", in->offence_no);
    else
        ca_buf_puts(b, "<td class=\"n\">—</td>");
    ca_buf_printf(b, "<td><span class=\"cls %s\">%s</span> ", ca_pclass_rank(in->pclass) < 3
                                                                  ? in->pclass : "other",
                  ca_pclass_title(in->pclass));
    text(b, in->pclass);
    ca_buf_puts(b, "</td><td>");
    text(b, in->rule);
    const char *title = ca_rule_title(in->rule, NULL);
    if (title) {
        ca_buf_puts(b, " <span class=\"muted\">");
        text(b, title);
        ca_buf_puts(b, "</span>");
    }
    ca_buf_puts(b, "</td><td>");
    ca_report_local_time(b, r->cfg->tz_offset_min, in->first_ms);
    ca_buf_printf(b, "</td><td class=\"n\">%zu</td><td>", in->n);
    text_or(b, in->sanction, "—");
    ca_buf_puts(b, "</td>");
    fine_cell(b, in);
    ca_buf_printf(b, "<td class=\"n\">%d", in->points);
    if (in->adjust_points)
        ca_buf_printf(b, " <span class=\"muted\">(含加扣 %+d)</span>", in->adjust_points);
    ca_buf_puts(b, "</td><td>");
    status_badge(b, in->status);
    ca_buf_puts(b, "</td><td class=\"mono\">");
    text(b, in->id);
    ca_buf_puts(b, "</td></tr>\n");
}

static const char INCIDENT_HEAD[] =
    "<th class=\"n\">次数 Offence</th><th>类别 Class</th><th>规则 Rule</th>"
    "<th>首次时间 First</th><th class=\"n\">消息 Findings</th><th>处理 Sanction</th>"
    "<th class=\"n\">罚款 Fine (元)</th><th class=\"n\">扣分 Points</th><th>状态 Status</th>"
    "<th>编号 Incident</th></tr>\n";

/* The person's section; incidents [from, to) are theirs (numbering order). */
static void write_person(ca_buf *b, const ca_report *r, const ca_penalties *p, size_t from,
                         size_t to, const ca_finding **byid, size_t nbyid)
{
    const ca_incident *last = NULL;
    long fines = 0, points = 0;
    int pay = 0, redline = 0, proposed = 0;
    for (size_t i = from; i < to; i++) {
        const ca_incident *in = &p->incidents[i];
        if (strcmp(in->period, r->period) != 0 || in->status == CA_INC_DISMISSED)
            continue;
        last = in;
        fines += in->fine_yuan > 0 ? in->fine_yuan : 0;
        pay |= in->fine_yuan < 0;
        points += in->points;
        redline += ca_pclass_rank(in->pclass) == 0;
        proposed += in->status == CA_INC_PROPOSED;
    }
    const ca_incident *any = &p->incidents[from];
    for (size_t i = from; i < to; i++)
        if (strcmp(p->incidents[i].period, r->period) == 0)
            any = &p->incidents[i];
    const ca_lfinding *who = &p->findings[any->first + any->n - 1];
    ca_buf_puts(b, "<h3 id=\"p-");
    ca_buf_html_attr(b, any->person_id, strlen(any->person_id));
    ca_buf_puts(b, "\">");
    text_or(b, who->person_name, any->person_id);
    ca_buf_puts(b, " <span class=\"muted\">");
    text(b, any->person_id);
    ca_buf_puts(b, " · ");
    text_or(b, who->department, "—");
    ca_buf_puts(b, " · ");
    text_or(b, who->level, "—");
    ca_buf_puts(b, "</span></h3>\n<p class=\"sum\">本月 This month: ");
    if (!last) {
        ca_buf_puts(b, "无有效处罚 no penalty in force (all dismissed)");
    } else {
        ca_buf_printf(b, "罚款 fines <b>%ld 元</b>", fines);
        if (pay)
            ca_buf_puts(b, " + <b>全额扣除当月绩效</b> whole month's performance pay");
        ca_buf_printf(b, " · 扣分 points <b>%ld</b>", points);
        if (redline)
            ca_buf_printf(b, " · 红线 red-line incidents <b>%d</b>%s", redline,
                          proposed ? "（待确认 proposed: a reviewer must confirm）" : "");
    }
    ca_buf_puts(b, "</p>\n<table><tr>");
    ca_buf_puts(b, INCIDENT_HEAD);
    for (size_t i = from; i < to; i++)
        if (strcmp(p->incidents[i].period, r->period) == 0)
            incident_row(b, r, &p->incidents[i], 0);
    ca_buf_puts(b, "</table>\n");
    for (size_t i = from; i < to; i++) {
        const ca_incident *in = &p->incidents[i];
        if (strcmp(in->period, r->period) != 0)
            continue;
        ca_buf_puts(b, "<h4>");
        text(b, in->id);
        ca_buf_puts(b, " · ");
        text(b, in->rule);
        ca_buf_printf(b, " · %zu 条消息 finding%s</h4>\n", in->n, in->n == 1 ? "" : "s");
        for (size_t k = 0; k < p->n_adjustments; k++)
            if (strcmp(p->adjustments[k].incident_id, in->id) == 0) {
                ca_buf_printf(b, "<p>总经办加扣 executive-office adjustment: %+d 分 — ",
                              p->adjustments[k].points);
                text(b, p->adjustments[k].reason);
                ca_buf_puts(b, "</p>\n");
            }
        for (size_t k = 0; k < in->n; k++)
            write_finding(b, r, &p->findings[in->first + k], byid, nbyid);
    }
    size_t earlier = 0;
    for (size_t i = from; i < to; i++)
        earlier += strcmp(p->incidents[i].period, r->period) < 0;
    if (earlier) {
        ca_buf_puts(b, "<h4>历史 History (earlier months)</h4>\n<table><tr><th>月份 Period</th>");
        ca_buf_puts(b, INCIDENT_HEAD);
        for (size_t i = from; i < to; i++)
            if (strcmp(p->incidents[i].period, r->period) < 0)
                incident_row(b, r, &p->incidents[i], 1);
        ca_buf_puts(b, "</table>\n");
    }
}

static void write_summary(ca_buf *b, const ca_report *r, const ca_penalties *p)
{
    long n[3] = {0, 0, 0}, dismissed = 0, proposed = 0, fines = 0, points = 0, pay = 0;
    for (size_t i = 0; p && i < p->n_incidents; i++) {
        const ca_incident *in = &p->incidents[i];
        if (strcmp(in->period, r->period) != 0)
            continue;
        if (in->status == CA_INC_DISMISSED) {
            dismissed++;
            continue;
        }
        int k = ca_pclass_rank(in->pclass);
        if (k < 3)
            n[k]++;
        proposed += in->status == CA_INC_PROPOSED;
        fines += in->fine_yuan > 0 ? in->fine_yuan : 0;
        pay += in->fine_yuan < 0;
        points += in->points;
    }
    ca_buf_puts(b, "<h2>本月汇总 Summary</h2>\n<table>"
                   "<tr><th>红线 Red-line incidents</th><th>内容 Content</th><th>回复 Reply</th>"
                   "<th>待确认 Proposed</th><th>已撤销 Dismissed</th><th>罚款合计 Fines (元)</th>"
                   "<th>全额扣绩效 Whole month's pay</th><th>扣分合计 Points</th></tr>\n");
    ca_buf_printf(b, "<tr><td class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
                     "<td class=\"n\">%ld</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
                     "<td class=\"n\">%ld</td><td class=\"n\">%ld</td></tr></table>\n",
                  n[0], n[1], n[2], proposed, dismissed, fines, pay, points);
    if (!p || !p->ledger_path)
        ca_buf_puts(b, "<p class=\"muted\">未使用台账（--no-ledger）：次数只按本月计算。"
                       "No ledger (--no-ledger): offences are counted within this month only.</p>\n");
    else {
        ca_buf_puts(b, "<p class=\"muted\">次数按台账中本月及以前各月累计（已撤销的不计）。"
                       "Offence numbers count every earlier month in the ledger (dismissed "
                       "findings excluded). Months recorded:");
        for (size_t k = 0; k < p->n_periods && strcmp(p->periods[k].period, r->period) <= 0; k++) {
            ca_buf_puts(b, " ");
            text(b, p->periods[k].period);
        }
        ca_buf_puts(b, ".</p>\n");
    }
    ca_buf_puts(b, "<p class=\"muted\">红线处理在复核确认前为“待确认”（chataudit ledger review … "
                   "--confirm）。Red-line outcomes stay proposed until a reviewer confirms them.</p>\n");
}

int ca_write_penalties_html(const ca_report *r, const char *path)
{
    char *tmp;
    FILE *f = ca_outfile_open(path, &tmp);
    if (!f)
        return -1;
    const ca_penalties *p = r->pen;
    size_t nbyid = r->findings ? r->findings->n : 0;
    const ca_finding **byid = ca_malloc((nbyid ? nbyid : 1) * sizeof *byid);
    if (!byid)
        return ca_outfile_fail(f, tmp, path, ENOMEM);
    for (size_t i = 0; i < nbyid; i++)
        byid[i] = &r->findings->items[i];
    qsort(byid, nbyid, sizeof *byid, cmp_fid);

    ca_buf b = CA_BUF_INIT;
    int rc = 0;
    ca_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<title>处罚报告 Penalties ");
    text(&b, r->period);
    ca_buf_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>处罚报告 Penalties ", CSS);
    text(&b, r->period);
    ca_buf_puts(&b, "</h1>\n<p class=\"muted\">chataudit ");
    text(&b, r->tool_version);
    char zone[32];
    ca_time_format(r->period_start_ms, r->cfg->tz_offset_min, zone);
    ca_buf_puts(&b, " · 制度 policy 5.2 · 时间为 times in UTC");
    text(&b, zone + 19);
    ca_buf_puts(&b, "</p>\n");
    write_summary(&b, r, p);
    ca_buf_puts(&b, "<h2>人员 People</h2>\n");
    size_t persons = 0;
    for (size_t i = 0; p && i < p->n_incidents && rc == 0;) {
        size_t j = i, here = 0;
        while (j < p->n_incidents && strcmp(p->incidents[j].person_id, p->incidents[i].person_id) == 0) {
            here += strcmp(p->incidents[j].period, r->period) == 0;
            j++;
        }
        if (here) {
            write_person(&b, r, p, i, j, byid, nbyid);
            persons++;
        }
        i = j;
        if (b.len >= 1 << 16)
            rc = ca_outfile_write_buf(f, &b);
    }
    if (!persons)
        ca_buf_puts(&b, "<p>本月没有需处罚的事件。No penalty incidents this period.</p>\n");
    ca_buf_puts(&b, "</body>\n</html>\n");
    if (rc == 0)
        rc = ca_outfile_write_buf(f, &b);
    int err = errno;
    ca_buf_free(&b);
    ca_free(byid);
    if (rc < 0)
        return ca_outfile_fail(f, tmp, path, err);
    return ca_outfile_commit(f, tmp, path);
}
