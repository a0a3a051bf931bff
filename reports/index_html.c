/*
 * index_html.c — index.html (SPEC §9): the month's summary, written to be
 * the body of an email.  Mail clients strip scripts, ignore SVG and
 * <style> blocks (Outlook renders with Word, Gmail clips past ~102 KB), so:
 * tables only, inline style attributes, bars as coloured table cells with a
 * width in %, no links, and totals and top-N lists only, never every
 * finding — the size stays bounded whatever the number of findings.  Every
 * name and group name goes through ca_buf_html_text (by way of text(),
 * which also keeps URLs in them from becoming links).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "outfile.h"
#include "report.h"
#include "timeparse.h"

#define TOP_RULES 40        /* rules listed (the rule table is shorter) */
#define TOP_DEPARTMENTS 15  /* departments listed; the rest in one row */
#define TOP_PEOPLE 10
#define TOP_INPUTS 20

#define FONT "font-family:'Microsoft YaHei','PingFang SC',Arial,sans-serif;"
#define H2 "<h2 style=\"" FONT "font-size:16px;color:#222;margin:24px 0 8px\">"
#define TABLE "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" " \
              "style=\"border-collapse:collapse;" FONT "font-size:13px\">"
#define TH "<th align=\"left\" style=\"padding:4px 8px;background:#f0f0f0;border-bottom:1px solid #ddd\">"
#define THN "<th align=\"right\" style=\"padding:4px 8px;background:#f0f0f0;border-bottom:1px solid #ddd\">"
#define TD "<td style=\"padding:4px 8px;border-bottom:1px solid #eee\">"
#define TDN "<td align=\"right\" style=\"padding:4px 8px;border-bottom:1px solid #eee\">"
#define TDM "<td style=\"padding:4px 8px;border-bottom:1px solid #eee;color:#777\">"

/* Whether s starts a pattern mail clients turn into a link by themselves
 * ("http", "www.", "://"), case-insensitively. */
static int autolink_at(const char *s)
{
    return strncasecmp(s, "http", 4) == 0 || strncasecmp(s, "www.", 4) == 0 ||
           strncmp(s, "://", 3) == 0;
}

/* Escaped text that stays link-free: names and group names are chat data,
 * and a mail client would make a URL in them clickable in the body sent
 * to management.  A zero-width space after the first character of
 * "http", "www." and "://" breaks the automatic link and shows nothing. */
static void text(ca_buf *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (const char *p = s; *p; p++)
        if (autolink_at(p)) {
            ca_buf_html_text(b, run, (size_t)(p - run) + 1);
            ca_buf_puts(b, "&#8203;");
            run = p + 1;
        }
    ca_buf_html_text(b, run, strlen(run));
}

static void text_or(ca_buf *b, const char *s, const char *fallback)
{
    text(b, s && *s ? s : fallback);
}

/* The colour of a rule's class: red lines, content, replies, groups. */
static const char *rule_colour(const char *rule)
{
    if (!rule)
        return "#78909c";
    if (ca_starts_with(rule, "redline."))
        return "#c62828";
    if (ca_starts_with(rule, "content."))
        return "#ef6c00";
    if (ca_starts_with(rule, "reply."))
        return "#1565c0";
    return "#78909c";
}

/* A bar: a cell holding a one-row table whose first cell is coloured and
 * value/max of the width (at least 1 %). */
static void bar(ca_buf *b, size_t value, size_t max, const char *colour)
{
    unsigned pct = (unsigned)(max ? (value * 100 + max - 1) / max : 0);
    if (pct < 1)
        pct = 1;
    if (pct > 100)
        pct = 100;
    ca_buf_printf(b, "<td width=\"40%%\" style=\"padding:4px 8px;border-bottom:1px solid #eee\">"
                     "<table role=\"presentation\" width=\"100%%\" cellpadding=\"0\" cellspacing=\"0\" "
                     "style=\"border-collapse:collapse\"><tr>"
                     "<td width=\"%u%%\" style=\"background:%s;height:12px;font-size:1px;"
                     "line-height:12px\">&nbsp;</td>",
                  pct, colour);
    if (pct < 100)
        ca_buf_printf(b, "<td width=\"%u%%\" style=\"font-size:1px;line-height:12px\">&nbsp;</td>",
                      100 - pct);
    ca_buf_puts(b, "</tr></table></td>");
}

static void write_head(ca_buf *b, const ca_report *r)
{
    ca_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    text_or(b, ca_report_company(r->cfg), "");
    ca_buf_puts(b, " 群聊合规月报 ");
    text_or(b, r->period, "");
    ca_buf_puts(b, "</title>\n</head>\n<body style=\"margin:0;padding:0;background:#f4f4f4\">\n"
                   "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
                   "style=\"background:#f4f4f4\"><tr><td align=\"center\" style=\"padding:16px\">\n"
                   "<table role=\"presentation\" width=\"720\" cellpadding=\"0\" cellspacing=\"0\" "
                   "style=\"width:720px;max-width:100%;background:#ffffff\"><tr>"
                   "<td style=\"padding:20px 24px;" FONT "color:#222;font-size:14px\">\n");
    ca_buf_puts(b, "<h1 style=\"" FONT "font-size:20px;margin:0 0 4px\">");
    text_or(b, ca_report_company(r->cfg), "");
    ca_buf_puts(b, " 群聊合规月报 · Group-chat compliance ");
    text_or(b, r->period, "");
    ca_buf_puts(b, "</h1>\n<p style=\"margin:0 0 12px;color:#777;font-size:12px\">chataudit ");
    text_or(b, r->tool_version, CA_VERSION);
    if (r->period_end_ms > r->period_start_ms) {
        char from[32], to[32];
        ca_time_format(r->period_start_ms, r->cfg->tz_offset_min, from);
        /* the period ends before period_end_ms: name its last day */
        ca_time_format(r->period_end_ms - 1, r->cfg->tz_offset_min, to);
        ca_buf_printf(b, " · %.10s – %.10s (UTC%s)", from, to, from + 19);
    }
    ca_buf_puts(b, "</p>\n");
}

static void key_figure(ca_buf *b, const char *label, size_t value, const char *colour)
{
    ca_buf_printf(b, "<td align=\"center\" style=\"padding:8px;border:1px solid #eee\">"
                     "<div style=\"font-size:22px;font-weight:bold;color:%s\">%zu</div>"
                     "<div style=\"font-size:12px;color:#555\">%s</div></td>",
                  colour, value, label);
}

static void write_key_figures(ca_buf *b, const ca_report *r, size_t persons)
{
    size_t n = r->findings ? r->findings->n : 0, redline = 0;
    for (size_t i = 0; i < n; i++)
        redline += r->findings->items[i].rule &&
                   ca_starts_with(r->findings->items[i].rule, "redline.");
    ca_buf_puts(b, TABLE "<tr>");
    key_figure(b, "消息 Messages", r->n_messages, "#222");
    key_figure(b, "会话 Conversations", r->n_convs, "#222");
    key_figure(b, "发现 Findings", n, "#ef6c00");
    key_figure(b, "涉及人员 Persons", persons, "#222");
    key_figure(b, "红线发现 Red-line findings", redline, redline ? "#c62828" : "#222");
    ca_buf_puts(b, "</tr></table>\n");
}

static void write_by_rule(ca_buf *b, const ca_count *c, size_t n)
{
    ca_buf_puts(b, H2 "按规则 Findings by rule</h2>\n");
    if (!n) {
        ca_buf_puts(b, "<p style=\"margin:0\">本期没有发现。No findings this period.</p>\n");
        return;
    }
    size_t max = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        if (c[i].n > max)
            max = c[i].n;
        if (i >= TOP_RULES)
            other += c[i].n;
    }
    ca_buf_puts(b, TABLE "<tr>" TH "规则 Rule</th>" TH "条款 Clause</th>" TH "说明 About</th>"
                   THN "发现 Findings</th>" TH "</th></tr>\n");
    for (size_t i = 0; i < n && i < TOP_RULES; i++) {
        const ca_finding *f = c[i].first;
        ca_buf_puts(b, "<tr>" TD);
        text(b, f->rule);
        ca_buf_puts(b, "</td>" TD);
        text(b, f->clause);
        ca_buf_puts(b, "</td>" TD);
        text_or(b, ca_rule_title(f->rule, NULL), "");
        ca_buf_printf(b, "</td>" TDN "%zu</td>", c[i].n);
        bar(b, c[i].n, max, rule_colour(f->rule));
        ca_buf_puts(b, "</tr>\n");
    }
    if (other)
        ca_buf_printf(b, "<tr>" TDM "其他 %zu 条规则 other rules</td>" TD "</td>" TD "</td>"
                         TDN "%zu</td>" TD "</td></tr>\n", n - TOP_RULES, other);
    ca_buf_puts(b, "</table>\n");
}

static void write_by_department(ca_buf *b, const ca_count *c, size_t n)
{
    ca_buf_puts(b, H2 "按部门 Findings by department</h2>\n");
    if (!n) {
        ca_buf_puts(b, "<p style=\"margin:0\">本期没有发现。No findings this period.</p>\n");
        return;
    }
    size_t other = 0, other_persons = 0;
    for (size_t i = TOP_DEPARTMENTS; i < n; i++) {
        other += c[i].n;
        other_persons += c[i].persons;
    }
    size_t max = c[0].n > other ? c[0].n : other;
    ca_buf_puts(b, TABLE "<tr>" TH "部门 Department</th>" THN "涉及人员 Persons</th>"
                   THN "发现 Findings</th>" TH "</th></tr>\n");
    for (size_t i = 0; i < n && i < TOP_DEPARTMENTS; i++) {
        ca_buf_puts(b, "<tr>" TD);
        text_or(b, c[i].first->department, "（未注明部门）");
        ca_buf_printf(b, "</td>" TDN "%zu</td>" TDN "%zu</td>", c[i].persons, c[i].n);
        bar(b, c[i].n, max, "#5c6bc0");
        ca_buf_puts(b, "</tr>\n");
    }
    if (other) {
        ca_buf_printf(b, "<tr>" TDM "其他 %zu 个部门 other departments</td>" TDN "%zu</td>"
                         TDN "%zu</td>", n - TOP_DEPARTMENTS, other_persons, other);
        bar(b, other, max, "#b0bec5");
        ca_buf_puts(b, "</tr>\n");
    }
    ca_buf_puts(b, "</table>\n");
}

static int same_person(const ca_finding *a, const ca_finding *b)
{
    const char *ka = a->person_id ? a->person_id : a->person_name;
    const char *kb = b->person_id ? b->person_id : b->person_name;
    return ka && kb && strcmp(ka, kb) == 0;
}

/* The rule a person has most findings under (ties: clause order). */
static const char *main_rule(const ca_findings *fs, const ca_finding *person)
{
    struct {
        const char *rule;
        size_t n;
        int order;
        ca_severity sev;
    } seen[TOP_RULES];
    size_t ns = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const ca_finding *f = &fs->items[i];
        if (!f->rule || !same_person(f, person))
            continue;
        size_t k = 0;
        while (k < ns && strcmp(seen[k].rule, f->rule) != 0)
            k++;
        if (k == ns) {
            if (ns == TOP_RULES)
                continue;
            seen[ns].rule = f->rule;
            seen[ns].n = 0;
            seen[ns].sev = f->severity;
            ca_rule_title(f->rule, &seen[ns].order);
            ns++;
        }
        seen[k].n++;
    }
    size_t best = 0;
    /* the gravest rule, then the most frequent */
    for (size_t k = 1; k < ns; k++)
        if (seen[k].sev > seen[best].sev ||
            (seen[k].sev == seen[best].sev && seen[k].n > seen[best].n) ||
            (seen[k].sev == seen[best].sev && seen[k].n == seen[best].n &&
             (seen[k].order < seen[best].order ||
              (seen[k].order == seen[best].order && strcmp(seen[k].rule, seen[best].rule) < 0))))
            best = k;
    return ns ? seen[best].rule : NULL;
}

static void write_top_people(ca_buf *b, const ca_report *r, const ca_count *c, size_t n)
{
    ca_buf_printf(b, H2 "最需关注的 %d 人 Top %d people, gravest findings first</h2>\n", TOP_PEOPLE, TOP_PEOPLE);
    if (!n) {
        ca_buf_puts(b, "<p style=\"margin:0\">无 None.</p>\n");
        return;
    }
    ca_buf_puts(b, TABLE "<tr>" THN "#</th>" TH "姓名 Name</th>" TH "部门 Department</th>"
                   THN "发现 Findings</th>" TH "主要规则 Main rule</th></tr>\n");
    for (size_t i = 0; i < n && i < TOP_PEOPLE; i++) {
        const ca_finding *f = c[i].first;
        ca_buf_printf(b, "<tr>" TDN "%zu</td>" TD, i + 1);
        text_or(b, f->person_name, f->person_id);
        if (f->person_id && f->person_name) {
            ca_buf_puts(b, " <span style=\"color:#777\">");
            text(b, f->person_id);
            ca_buf_puts(b, "</span>");
        }
        ca_buf_puts(b, "</td>" TD);
        text_or(b, f->department, "—");
        ca_buf_printf(b, "</td>" TDN "%zu</td>" TD, c[i].n);
        const char *rule = main_rule(r->findings, f);
        text_or(b, rule, "—");
        const char *title = ca_rule_title(rule, NULL);
        if (title) {
            ca_buf_puts(b, " <span style=\"color:#777\">");
            text(b, title);
            ca_buf_puts(b, "</span>");
        }
        ca_buf_puts(b, "</td></tr>\n");
    }
    ca_buf_puts(b, "</table>\n");
}

/* ---- penalties and the month-over-month trend (from the ledger) ---- */

#define TOP_PENALTIES 30    /* incidents listed; the rest counted */
#define TREND_MONTHS 12

static void write_penalties(ca_buf *b, const ca_report *r)
{
    const ca_penalties *p = r->pen;
    ca_buf_puts(b, H2 "处罚建议 Penalties proposed</h2>\n");
    size_t rows = 0, more = 0;
    long fines = 0, points = 0, pay = 0;
    for (size_t i = 0; p && i < p->n_incidents; i++) {
        const ca_incident *in = &p->incidents[i];
        if (strcmp(in->period, r->period) != 0 || in->status == CA_INC_DISMISSED ||
            (!*in->sanction && !in->points))
            continue;
        fines += in->fine_yuan > 0 ? in->fine_yuan : 0;
        pay += in->fine_yuan < 0;
        points += in->points;
        if (rows == TOP_PENALTIES) {
            more++;
            continue;
        }
        if (!rows++)
            ca_buf_puts(b, TABLE "<tr>" TH "姓名 Name</th>" TH "部门 Department</th>"
                           TH "类别 Class</th>" THN "次数 Offence</th>" TH "处理 Sanction</th>"
                           THN "罚款 Fine</th>" THN "扣分 Points</th>" TH "状态 Status</th></tr>\n");
        const ca_lfinding *who = &p->findings[in->first + in->n - 1];
        ca_buf_puts(b, "<tr>" TD);
        text_or(b, who->person_name, in->person_id);
        ca_buf_puts(b, " <span style=\"color:#777\">");
        text(b, in->person_id);
        ca_buf_puts(b, "</span></td>" TD);
        text_or(b, who->department, "—");
        ca_buf_printf(b, "</td><td style=\"padding:4px 8px;border-bottom:1px solid #eee;color:%s\">",
                      rule_colour(in->rule));
        text(b, ca_pclass_title(in->pclass));
        ca_buf_printf(b, "</td>" TDN "%d</td>" TD, in->offence_no);
        text_or(b, in->sanction, "—");
        if (in->fine_yuan < 0)
            ca_buf_puts(b, "</td>" TDN "当月绩效</td>");
        else
            ca_buf_printf(b, "</td>" TDN "%ld</td>", in->fine_yuan);
        ca_buf_printf(b, TDN "%d</td>", in->points);
        ca_buf_printf(b, "<td style=\"padding:4px 8px;border-bottom:1px solid #eee;color:%s\">%s</td></tr>\n",
                      in->status == CA_INC_PROPOSED ? "#c62828" : "#222",
                      in->status == CA_INC_PROPOSED ? "待确认 proposed"
                      : in->status == CA_INC_CONFIRMED ? "已确认 confirmed" : "执行 applied");
    }
    if (!rows) {
        ca_buf_puts(b, "<p style=\"margin:0\">本期没有处罚建议。No penalties this period.</p>\n");
        return;
    }
    if (more)
        ca_buf_printf(b, "<tr>" TDM "另有 %zu 项，见 penalties.html %zu more in penalties.html</td>"
                         TD "</td>" TD "</td>" TD "</td>" TD "</td>" TD "</td>" TD "</td>" TD
                         "</td></tr>\n", more, more);
    ca_buf_printf(b, "</table>\n<p style=\"margin:6px 0 0;font-size:12px;color:#555\">合计 Total: "
                     "罚款 %ld 元 · 全额扣除当月绩效 %ld 人次 · 扣分 %ld 分。红线处理经复核确认前为建议。"
                     "Red-line outcomes are proposals until a reviewer confirms them.%s</p>\n",
                  fines, pay, points,
                  p->ledger_path ? "" : " 未使用台账：次数只按本月计算。No ledger: offences counted "
                                        "within this month only.");
}

static void write_trend(ca_buf *b, const ca_report *r)
{
    const ca_penalties *p = r->pen;
    size_t last = 0, first;
    while (p && last < p->n_periods && strcmp(p->periods[last].period, r->period) <= 0)
        last++;
    ca_buf_printf(b, H2 "月度趋势 Month-over-month trend</h2>\n"
                     "<p style=\"margin:0 0 6px;font-size:12px;color:#555\">事件：同一人同一类别在同一群 "
                     "%d 分钟内相继的发现合为一次，已驳回的不计。Incidents: one person's findings of one "
                     "class in one group, each within %d minutes of the previous, count once; "
                     "dismissed ones do not count.</p>\n",
                  r->cfg->policy.merge_minutes, r->cfg->policy.merge_minutes);
    if (!p || last < 1) {
        ca_buf_puts(b, "<p style=\"margin:0\">无台账记录。No months recorded.</p>\n");
        return;
    }
    first = last > TREND_MONTHS ? last - TREND_MONTHS : 0;
    long max = 1;
    for (size_t k = first; k < last; k++)
        if (p->periods[k].findings > max)
            max = p->periods[k].findings;
    ca_buf_puts(b, TABLE "<tr>" TH "月份 Month</th>" THN "消息 Messages</th>" THN "发现 Findings</th>"
                   THN "红线事件 Red-line incidents</th>" THN "内容事件 Content incidents</th>"
                   THN "回复事件 Reply incidents</th>"
                   THN "罚款 Fines</th>" THN "扣分 Points</th>" TH "</th></tr>\n");
    for (size_t k = first; k < last; k++) {
        const ca_period_stats *ps = &p->periods[k];
        long cls[3] = {0, 0, 0}, fines = 0, points = 0;
        for (size_t i = 0; i < p->n_incidents; i++) {
            const ca_incident *in = &p->incidents[i];
            if (strcmp(in->period, ps->period) != 0 || in->status == CA_INC_DISMISSED)
                continue;
            int c = ca_pclass_rank(in->pclass);
            if (c < 3)
                cls[c]++;
            fines += in->fine_yuan > 0 ? in->fine_yuan : 0;
            points += in->points;
        }
        ca_buf_puts(b, "<tr>" TD);
        text(b, ps->period);
        ca_buf_printf(b, "</td>" TDN "%ld</td>" TDN "%ld</td>" TDN "%ld</td>" TDN "%ld</td>"
                         TDN "%ld</td>" TDN "%ld</td>" TDN "%ld</td>",
                      ps->messages, ps->findings, cls[0], cls[1], cls[2], fines, points);
        bar(b, (size_t)ps->findings, (size_t)max, "#ef6c00");
        ca_buf_puts(b, "</tr>\n");
    }
    ca_buf_puts(b, "</table>\n");
}

static void quality_row(ca_buf *b, const char *label, size_t value)
{
    ca_buf_printf(b, "<tr>" TD "%s</td>" TDN "<span style=\"color:%s\">%zu</span></td></tr>\n",
                  label, value ? "#c62828" : "#222", value);
}

static int write_quality(ca_buf *b, const ca_report *r)
{
    size_t files = r->imp ? ca_import_nfiles(r->imp) : 0;
    size_t unrecognised = 0, unreadable = 0, incomplete = 0;
    for (size_t i = 0; i < files; i++) {
        const ca_file_stats *fs = ca_import_file(r->imp, i);
        unrecognised += fs->unrecognised != NULL;
        unreadable += !fs->unrecognised && fs->errors > 0;
        incomplete += fs->incomplete != NULL;
    }
    size_t nu = r->n_unresolved, unresolved_msgs = 0;
    for (size_t i = 0; i < nu; i++)
        unresolved_msgs += r->unresolved[i].messages;

    ca_buf_puts(b, H2 "数据质量 Data quality</h2>\n" TABLE);
    ca_buf_printf(b, "<tr>" TD "读取的条目 Entries read</td>" TDN "%zu</td></tr>\n", files);
    quality_row(b, "无法识别格式 Unrecognised entries", unrecognised);
    quality_row(b, "有错误的条目 Entries with errors", unreadable);
    quality_row(b, "不完整的导出 Incomplete exports", incomplete);
    quality_row(b, "未匹配花名册的发送人 Unresolved senders", nu);
    quality_row(b, "其消息 Their messages", unresolved_msgs);
    size_t private_msgs, n_private = ca_private_chats(r->convs, r->n_convs, &private_msgs);
    if (n_private) { /* one-to-one chats: the policy governs groups (convkind.h) */
        quality_row(b, "私聊（未审计）Private chats, not audited", n_private);
        quality_row(b, "其消息 Their messages", private_msgs);
    }
    quality_row(b, "警告 Warnings", r->diag ? ca_diag_count(r->diag, CA_DIAG_WARN) : 0);
    quality_row(b, "错误 Errors", r->diag ? ca_diag_count(r->diag, CA_DIAG_ERROR) : 0);
    ca_buf_puts(b, "</table>\n");
    return 0;
}

static void write_inputs(ca_buf *b, const ca_report *r)
{
    ca_buf_puts(b, H2 "输入文件 Input files</h2>\n");
    if (!r->n_inputs) {
        ca_buf_puts(b, "<p style=\"margin:0\">无 None.</p>\n");
        return;
    }
    ca_buf_puts(b, TABLE "<tr>" TH "文件 File</th>" TH "SHA-256</th></tr>\n");
    for (size_t i = 0; i < r->n_inputs && i < TOP_INPUTS; i++) {
        ca_buf_puts(b, "<tr>" TD);
        text(b, r->inputs[i].path);
        ca_buf_puts(b, "</td><td style=\"padding:4px 8px;border-bottom:1px solid #eee;"
                       "font-family:Consolas,monospace;font-size:11px;word-break:break-all\">");
        ca_buf_html_text(b, r->inputs[i].sha256,
                         strnlen(r->inputs[i].sha256, sizeof r->inputs[i].sha256));
        ca_buf_puts(b, "</td></tr>\n");
    }
    if (r->n_inputs > TOP_INPUTS)
        ca_buf_printf(b, "<tr>" TDM "另有 %zu 个文件，见 compliance.html %zu more in "
                         "compliance.html</td>" TD "</td></tr>\n",
                      r->n_inputs - TOP_INPUTS, r->n_inputs - TOP_INPUTS);
    ca_buf_puts(b, "</table>\n");
}

int ca_write_index_html(const ca_report *r, const char *path)
{
    char *tmp;
    FILE *f = ca_outfile_open(path, &tmp);
    if (!f)
        return -1;
    ca_buf b = CA_BUF_INIT;
    ca_count *by_rule = NULL, *by_dept = NULL, *by_person = NULL;
    size_t n_rule = 0, n_dept = 0, n_person = 0;
    int rc = 0;
    if (ca_count_findings(r->findings, CA_COUNT_RULE, &by_rule, &n_rule) < 0 ||
        ca_count_findings(r->findings, CA_COUNT_DEPARTMENT, &by_dept, &n_dept) < 0 ||
        ca_count_findings(r->findings, CA_COUNT_PERSON, &by_person, &n_person) < 0) {
        errno = ENOMEM;
        rc = -1;
    }
    if (rc == 0) {
        write_head(&b, r);
        write_key_figures(&b, r, n_person);
        write_by_rule(&b, by_rule, n_rule);
        write_by_department(&b, by_dept, n_dept);
        write_top_people(&b, r, by_person, n_person);
        rc = ca_write_latency_headline(&b, r) < 0 ? (errno = ENOMEM, -1) : 0;
        if (rc == 0) {
            write_penalties(&b, r);
            write_trend(&b, r);
            rc = write_quality(&b, r);
        }
    }
    if (rc == 0) {
        write_inputs(&b, r);
        ca_buf_puts(&b, "<p style=\"margin:20px 0 0;font-size:13px;color:#555\">"
                        "完整报告见附件：compliance.html（每条发现及其上下文证据）、latency.html"
                        "（回复时效）、penalties.html（处罚及历史）、findings.csv、latency.csv 与 "
                        "penalties.csv（Excel 明细）。"
                        "<br>Full reports attached: compliance.html (every finding with its evidence "
                        "in context), latency.html (reply times), penalties.html (penalties and "
                        "history), findings.csv, latency.csv and penalties.csv (for Excel).</p>\n"
                        "</td></tr></table>\n</td></tr></table>\n</body>\n</html>\n");
        rc = ca_outfile_write_buf(f, &b);
    }
    int err = errno;
    ca_free(by_rule);
    ca_free(by_dept);
    ca_free(by_person);
    ca_buf_free(&b);
    if (rc < 0)
        return ca_outfile_fail(f, tmp, path, err);
    return ca_outfile_commit(f, tmp, path);
}
