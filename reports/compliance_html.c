/*
 * compliance_html.c — compliance.html (SPEC §9): the full report, one
 * self-contained file (inline CSS and SVG, no script, nothing fetched).
 * Header with the period, tool version and input hashes; summaries by rule
 * and department with a bar chart; every finding, grouped by rule then
 * department, with its evidence in context and the matched characters
 * marked; the data-quality section.  Every piece of chat text, name and
 * group name goes through ca_buf_html_text / ca_buf_html_attr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "outfile.h"
#include "report.h"
#include "timeparse.h"

#define EVIDENCE_WINDOW 800   /* bytes either side of the highlight in long evidence */
#define CHART_BARS 30         /* departments drawn; the rest share one bar */
#define QUALITY_ROWS 200      /* rows of each data-quality list */
#define FLUSH_AT (1u << 16)

static const char CSS[] =
    "body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",Arial,sans-serif;"
    "color:#222;line-height:1.45;max-width:1100px;margin:24px auto;padding:0 16px}"
    "h1{font-size:22px;margin:0 0 12px}"
    "h2{font-size:18px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}"
    "h3{font-size:16px;margin:24px 0 8px}h4{font-size:14px;margin:16px 0 6px;color:#555}"
    "table{border-collapse:collapse;margin:8px 0}"
    "th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f5f5f5;font-weight:600}td.n,th.n{text-align:right}"
    "tr.total td{font-weight:600;background:#fafafa}"
    ".mono,code{font-family:Consolas,Menlo,monospace;font-size:12px}"
    ".muted{color:#777}nav a{margin-right:12px}"
    ".f{border:1px solid #ddd;border-left:4px solid #90a4ae;margin:10px 0;padding:8px 12px;"
    "page-break-inside:avoid}"
    ".f.critical{border-left-color:#b71c1c}.f.major{border-left-color:#e65100}"
    ".f.minor{border-left-color:#f9a825}"
    ".sev{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;"
    "background:#90a4ae}.sev.critical{background:#b71c1c}.sev.major{background:#e65100}"
    ".sev.minor{background:#f9a825}"
    ".detail{margin:4px 0}"
    ".ctx{list-style:none;margin:6px 0;padding:0;border-top:1px dashed #ddd}"
    ".ctx li{padding:3px 4px;border-bottom:1px dashed #eee}.ctx li.hit{background:#fff8e1}"
    ".ctx .t{color:#777;font-size:12px;margin-right:8px}.ctx .s{font-weight:600;margin-right:8px}"
    ".msg{white-space:pre-wrap;word-break:break-word}"
    ".ev{margin:6px 0;padding:4px;background:#fff8e1}"
    "mark{background:#ffeb3b;padding:0 1px}"
    ".src{color:#777;font-size:12px}"
    "svg text{font-size:12px;fill:#333}"
    "@media print{nav{display:none}}";

/* ---- small writers ---- */

static void text(ca_buf *b, const char *s)
{
    if (s)
        ca_buf_html_text(b, s, strlen(s));
}

static void text_or(ca_buf *b, const char *s, const char *fallback)
{
    text(b, s && *s ? s : fallback);
}

static int is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static void department_label(ca_buf *b, const char *dept)
{
    text_or(b, dept, "（未注明部门）");
}

/* ---- header and summaries ---- */

static void write_head(ca_buf *b, const ca_report *r)
{
    ca_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>群聊合规报告 Compliance report — ");
    text_or(b, ca_report_company(r->cfg), "");
    ca_buf_puts(b, " — ");
    text_or(b, r->period, "");
    ca_buf_puts(b, "</title>\n<style>");
    ca_buf_puts(b, CSS);
    ca_buf_puts(b, "</style>\n</head>\n<body>\n<h1>群聊合规报告 · Compliance report</h1>\n");
}

static void write_meta(ca_buf *b, const ca_report *r)
{
    char tz[32];
    ca_time_format(0, r->cfg->tz_offset_min, tz);
    size_t n = r->findings ? r->findings->n : 0;
    size_t sev[CA_SEV_CRITICAL + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        unsigned s = (unsigned)r->findings->items[i].severity;
        sev[s <= CA_SEV_CRITICAL ? s : CA_SEV_INFO]++;
    }

    ca_buf_puts(b, "<table>\n<tr><th>公司 Company</th><td>");
    text_or(b, ca_report_company(r->cfg), "—");
    ca_buf_puts(b, "</td></tr>\n<tr><th>期间 Period</th><td>");
    text_or(b, r->period, "—");
    if (r->period_end_ms > r->period_start_ms) {
        ca_buf_puts(b, " <span class=\"muted\">(");
        ca_report_local_time(b, r->cfg->tz_offset_min, r->period_start_ms);
        ca_buf_puts(b, " – ");
        ca_report_local_time(b, r->cfg->tz_offset_min, r->period_end_ms - 1000); /* the end is exclusive */
        ca_buf_puts(b, ")</span>");
    }
    ca_buf_printf(b, "</td></tr>\n<tr><th>时区 Time zone</th><td>UTC%s</td></tr>\n", tz + 19);
    ca_buf_puts(b, "<tr><th>工具 Tool</th><td>chataudit ");
    text_or(b, r->tool_version, CA_VERSION);
    ca_buf_printf(b, "</td></tr>\n<tr><th>消息 Messages</th><td>%zu（%zu 个会话 conversations）</td></tr>\n",
                  r->n_messages, r->n_convs);
    ca_buf_printf(b, "<tr><th>发现 Findings</th><td>%zu（critical %zu · major %zu · minor %zu · "
                     "info %zu）</td></tr>\n</table>\n",
                  n, sev[CA_SEV_CRITICAL], sev[CA_SEV_MAJOR], sev[CA_SEV_MINOR], sev[CA_SEV_INFO]);

    ca_buf_puts(b, "<nav><a href=\"#inputs\">输入文件 Inputs</a><a href=\"#by-rule\">按规则 By rule</a>"
                   "<a href=\"#by-department\">按部门 By department</a>"
                   "<a href=\"#findings\">明细 Findings</a><a href=\"#quality\">数据质量 Data quality</a>"
                   "</nav>\n");

    ca_buf_puts(b, "<h2 id=\"inputs\">输入文件 Input files</h2>\n");
    if (!r->n_inputs) {
        ca_buf_puts(b, "<p class=\"muted\">无 None.</p>\n");
        return;
    }
    ca_buf_puts(b, "<table>\n<tr><th>文件 File</th><th class=\"n\">字节 Bytes</th><th>SHA-256</th></tr>\n");
    for (size_t i = 0; i < r->n_inputs; i++) {
        const ca_input_file *in = &r->inputs[i];
        ca_buf_puts(b, "<tr><td>");
        text(b, in->path);
        ca_buf_printf(b, "</td><td class=\"n\">%llu</td><td class=\"mono\">",
                      (unsigned long long)in->bytes);
        ca_buf_html_text(b, in->sha256, strnlen(in->sha256, sizeof in->sha256));
        ca_buf_puts(b, "</td></tr>\n");
    }
    ca_buf_puts(b, "</table>\n");
}

static void rule_anchor(ca_buf *b, const char *rule)
{
    ca_buf_puts(b, "r-");
    ca_buf_html_attr(b, rule, strlen(rule));
}

static void write_by_rule(ca_buf *b, const ca_count *c, size_t n)
{
    ca_buf_puts(b, "<h2 id=\"by-rule\">按规则 Findings by rule</h2>\n");
    if (!n) {
        ca_buf_puts(b, "<p>本期没有发现。No findings in this period.</p>\n");
        return;
    }
    ca_buf_puts(b, "<table>\n<tr><th>规则 Rule</th><th>条款 Clause</th><th>说明 About</th>"
                   "<th class=\"n\">critical</th><th class=\"n\">major</th><th class=\"n\">minor</th>"
                   "<th class=\"n\">info</th><th class=\"n\">合计 Total</th></tr>\n");
    size_t tot[CA_SEV_CRITICAL + 1] = {0}, all = 0;
    for (size_t i = 0; i < n; i++) {
        const ca_finding *f = c[i].first;
        ca_buf_puts(b, "<tr><td><a href=\"#");
        rule_anchor(b, f->rule ? f->rule : "");
        ca_buf_puts(b, "\">");
        text(b, f->rule);
        ca_buf_puts(b, "</a></td><td>");
        text(b, f->clause);
        ca_buf_puts(b, "</td><td>");
        text(b, ca_rule_title(f->rule, NULL));
        ca_buf_puts(b, "</td>");
        for (int s = CA_SEV_CRITICAL; s >= CA_SEV_INFO; s--) {
            ca_buf_printf(b, "<td class=\"n\">%zu</td>", c[i].by_severity[s]);
            tot[s] += c[i].by_severity[s];
        }
        ca_buf_printf(b, "<td class=\"n\">%zu</td></tr>\n", c[i].n);
        all += c[i].n;
    }
    ca_buf_puts(b, "<tr class=\"total\"><td colspan=\"3\">合计 Total</td>");
    for (int s = CA_SEV_CRITICAL; s >= CA_SEV_INFO; s--)
        ca_buf_printf(b, "<td class=\"n\">%zu</td>", tot[s]);
    ca_buf_printf(b, "<td class=\"n\">%zu</td></tr>\n</table>\n", all);
}

/* Cuts a chart label to max characters (code points), marked. */
static void label_clipped(ca_buf *b, const char *s, size_t max)
{
    size_t chars = 0, i = 0, n = strlen(s);
    while (i < n && chars < max) {
        i++;
        while (i < n && is_cont((unsigned char)s[i]))
            i++;
        chars++;
    }
    ca_buf_html_text(b, s, i);
    if (i < n)
        ca_buf_puts(b, "…");
}

static void chart_bar(ca_buf *b, int row, const char *dept, int is_other, size_t value,
                      size_t max)
{
    enum { LABEL_X = 196, BAR_X = 204, BAR_W = 480, ROW_H = 22 };
    int y = 8 + row * ROW_H;
    unsigned w = (unsigned)(max ? (value * BAR_W + max - 1) / max : 0);
    ca_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_X, y + 13);
    if (is_other)
        ca_buf_puts(b, dept);
    else if (dept)
        label_clipped(b, dept, 14);
    else
        department_label(b, NULL);
    ca_buf_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%u\" height=\"16\" fill=\"%s\"><title>",
                  BAR_X, y, w ? w : 1, is_other ? "#b0bec5" : "#5c6bc0");
    if (is_other)
        ca_buf_puts(b, dept);
    else
        department_label(b, dept);
    ca_buf_printf(b, ": %zu</title></rect><text x=\"%u\" y=\"%d\">%zu</text>\n", value,
                  BAR_X + (w ? w : 1) + 6, y + 13, value);
}

static void write_department_chart(ca_buf *b, const ca_count *c, size_t n)
{
    size_t bars = n > CHART_BARS ? CHART_BARS - 1 : n, rest = 0;
    for (size_t i = bars; i < n; i++)
        rest += c[i].n;
    size_t max = c[0].n > rest ? c[0].n : rest;
    int rows = (int)bars + (rest > 0);
    ca_buf_printf(b, "<svg role=\"img\" aria-label=\"按部门的发现 Findings by department\" "
                     "width=\"760\" height=\"%d\" viewBox=\"0 0 760 %d\">\n",
                  16 + rows * 22, 16 + rows * 22);
    for (size_t i = 0; i < bars; i++)
        chart_bar(b, (int)i, c[i].first->department, 0, c[i].n, max);
    if (rest) {
        char other[96];
        snprintf(other, sizeof other, "其他 %zu 个部门 others", n - bars);
        chart_bar(b, (int)bars, other, 1, rest, max);
    }
    ca_buf_puts(b, "</svg>\n");
}

static void write_by_department(ca_buf *b, const ca_count *c, size_t n)
{
    ca_buf_puts(b, "<h2 id=\"by-department\">按部门 Findings by department</h2>\n");
    if (!n) {
        ca_buf_puts(b, "<p>本期没有发现。No findings in this period.</p>\n");
        return;
    }
    write_department_chart(b, c, n);
    ca_buf_puts(b, "<table>\n<tr><th>部门 Department</th><th class=\"n\">涉及人数 Persons</th>"
                   "<th class=\"n\">critical</th><th class=\"n\">major</th><th class=\"n\">minor</th>"
                   "<th class=\"n\">info</th><th class=\"n\">合计 Total</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        ca_buf_puts(b, "<tr><td>");
        department_label(b, c[i].first->department);
        ca_buf_printf(b, "</td><td class=\"n\">%zu</td>", c[i].persons);
        for (int s = CA_SEV_CRITICAL; s >= CA_SEV_INFO; s--)
            ca_buf_printf(b, "<td class=\"n\">%zu</td>", c[i].by_severity[s]);
        ca_buf_printf(b, "<td class=\"n\">%zu</td></tr>\n", c[i].n);
    }
    ca_buf_puts(b, "</table>\n");
}

/* ---- findings with evidence in context ---- */

/* s with the bytes [hs, he) in <mark>; a long text is shown as a window
 * around the mark.  Offsets out of range are clamped and widened to whole
 * characters, so the output stays valid UTF-8. */
static void text_highlighted(ca_buf *b, const char *s, size_t hs, size_t he)
{
    size_t n = strlen(s);
    if (he > n)
        he = n;
    if (hs > he)
        hs = he;
    while (hs > 0 && is_cont((unsigned char)s[hs]))
        hs--;
    while (he < n && is_cont((unsigned char)s[he]))
        he++;
    size_t from = 0, to = n;
    if (n > 2 * EVIDENCE_WINDOW + 400) {
        from = hs > EVIDENCE_WINDOW ? hs - EVIDENCE_WINDOW : 0;
        to = n - he > EVIDENCE_WINDOW ? he + EVIDENCE_WINDOW : n;
        while (from < hs && is_cont((unsigned char)s[from]))
            from++;
        while (to > he && to < n && is_cont((unsigned char)s[to]))
            to--;
    }
    if (from > 0)
        ca_buf_puts(b, "…");
    ca_buf_html_text(b, s + from, hs - from);
    if (he > hs) {
        ca_buf_puts(b, "<mark>");
        ca_buf_html_text(b, s + hs, he - hs);
        ca_buf_puts(b, "</mark>");
    }
    ca_buf_html_text(b, s + he, to - he);
    if (to < n)
        ca_buf_puts(b, "…");
}

static void names(ca_buf *b, const char *const *list, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            ca_buf_puts(b, "、");
        text_or(b, list[i], "?");
    }
}

/* What an event shows, for a context line: a message's text (or its type
 * and title), a system event's kind and who did what to whom.  The kept
 * texts are masked already (ca_finding_keep). */
static void event_content(ca_buf *b, const ca_shown *e)
{
    if (e->kind == CA_KIND_MESSAGE) {
        if (e->type != CA_TYPE_TEXT && e->type != CA_TYPE_QUOTE) {
            ca_buf_putc(b, '[');
            text(b, ca_type_name(e->type));
            ca_buf_puts(b, "] ");
        }
        if (e->text)
            ca_html_clipped(b, e->text, CA_CONTEXT_TEXT_MAX);
        if (e->title) {
            ca_buf_putc(b, ' ');
            ca_html_clipped(b, e->title, CA_CONTEXT_TEXT_MAX);
        }
        if (e->url) {
            ca_buf_puts(b, " <span class=\"mono\">");
            ca_html_clipped(b, e->url, CA_CONTEXT_TEXT_MAX);
            ca_buf_puts(b, "</span>");
        }
        return;
    }
    ca_buf_putc(b, '[');
    text(b, ca_kind_name(e->kind));
    ca_buf_puts(b, "]");
    if (e->actor) {
        ca_buf_putc(b, ' ');
        text(b, e->actor);
    }
    if (e->n_targets) {
        ca_buf_puts(b, " → ");
        names(b, e->targets, e->n_targets);
    }
    if (e->title) {
        ca_buf_puts(b, " ");
        ca_html_clipped(b, e->title, CA_CONTEXT_TEXT_MAX);
    }
    if (e->text) {
        ca_buf_puts(b, " ");
        ca_html_clipped(b, e->text, CA_CONTEXT_TEXT_MAX);
    }
}

static void context_line(ca_buf *b, const ca_report *r, const ca_shown *e, int hit,
                         const ca_finding *f)
{
    ca_buf_puts(b, hit ? "<li class=\"hit\"><span class=\"t\">" : "<li><span class=\"t\">");
    ca_report_local_time(b, r->cfg->tz_offset_min, e->time_ms);
    ca_buf_puts(b, "</span><span class=\"s\">");
    /* the roster name when the sender is resolved (an export may show
     * only the platform id), then the display name the group saw */
    const ca_employee *emp = e->employee ? ca_roster_by_id(r->cfg->roster, e->employee) : NULL;
    if (emp) {
        text(b, emp->name);
        if (e->sender && strcmp(e->sender, emp->name) != 0) {
            ca_buf_puts(b, " <span class=\"muted\">");
            text(b, e->sender);
            ca_buf_puts(b, "</span>");
        }
    } else {
        text_or(b, e->sender, e->kind == CA_KIND_MESSAGE ? "?" : "");
    }
    ca_buf_puts(b, "</span><span class=\"msg\">");
    if (f) {
        if (e->type != CA_TYPE_TEXT && e->type != CA_TYPE_QUOTE && e->type != CA_TYPE_NONE) {
            ca_buf_putc(b, '[');
            text(b, ca_type_name(e->type));
            ca_buf_puts(b, "] ");
        }
        text_highlighted(b, f->evidence, f->hl_start, f->hl_end);
    } else {
        event_content(b, e);
    }
    ca_buf_puts(b, "</span></li>\n");
}

/* The finding's event among the messages around it, as kept when the
 * finding was made; the evidence in the event's line when it is that
 * message's text, otherwise (a link title, a record item, a group name)
 * in a line of its own. */
static void write_context(ca_buf *b, const ca_report *r, const ca_finding *f)
{
    int inline_evidence = f->evidence && f->n_context && f->evidence_inline;
    if (f->n_context) {
        ca_buf_puts(b, "<ol class=\"ctx\">\n");
        for (size_t j = 0; j < f->n_context; j++)
            context_line(b, r, &f->context[j], j == f->hit,
                         j == f->hit && inline_evidence ? f : NULL);
        ca_buf_puts(b, "</ol>\n");
    }
    if (f->evidence && !inline_evidence) {
        ca_buf_puts(b, "<div class=\"ev\">证据 Evidence: <span class=\"msg\">");
        text_highlighted(b, f->evidence, f->hl_start, f->hl_end);
        ca_buf_puts(b, "</span></div>\n");
    }
}

static void write_finding(ca_buf *b, const ca_report *r, const ca_finding *f)
{
    const char *sev = ca_severity_name(f->severity);
    ca_buf_printf(b, "<div class=\"f %s\" id=\"f-", sev);
    ca_buf_html_attr(b, f->id, strnlen(f->id, sizeof f->id));
    ca_buf_printf(b, "\">\n<div><span class=\"sev %s\">%s</span> <b>", sev, sev);
    text_or(b, f->person_name ? f->person_name : f->person_id, "（无责任人 no person）");
    ca_buf_puts(b, "</b>");
    if (f->person_id) {
        ca_buf_puts(b, " <span class=\"mono\">");
        text(b, f->person_id);
        ca_buf_puts(b, "</span>");
    }
    if (f->conv) {
        ca_buf_puts(b, " · 群 ");
        text_or(b, f->conv->name, f->conv->id);
        ca_buf_puts(b, " <span class=\"muted\">(");
        text(b, f->conv->platform);
        ca_buf_puts(b, " ");
        text(b, f->conv->id);
        ca_buf_puts(b, ")</span>");
    }
    ca_buf_puts(b, " · ");
    ca_report_local_time(b, r->cfg->tz_offset_min, f->time_ms);
    ca_buf_puts(b, "</div>\n");
    if (f->detail) {
        ca_buf_puts(b, "<div class=\"detail\">");
        text(b, f->detail);
        ca_buf_puts(b, "</div>\n");
    }
    write_context(b, r, f);
    ca_buf_puts(b, "<div class=\"src\">来源 Source: ");
    text_or(b, f->src_path, "—");
    if (f->src_path && f->src_line > 0)
        ca_buf_printf(b, ":%ld", f->src_line);
    if (f->message_id) {
        ca_buf_puts(b, " · 消息 Message ");
        text(b, f->message_id);
    }
    ca_buf_puts(b, " · ID ");
    ca_buf_html_text(b, f->id, strnlen(f->id, sizeof f->id));
    ca_buf_puts(b, "</div>\n</div>\n");
}

typedef struct grouped {
    int rule_order;
    const ca_finding *f;
} grouped;

/* Missing departments after named ones. */
static int cmp_department(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return 1;
    if (!b)
        return -1;
    return strcmp(a, b);
}

static int cmp_grouped(const void *pa, const void *pb)
{
    const grouped *a = pa, *b = pb;
    if (a->rule_order != b->rule_order)
        return a->rule_order < b->rule_order ? -1 : 1;
    int c = strcmp(a->f->rule ? a->f->rule : "", b->f->rule ? b->f->rule : "");
    if (!c)
        c = cmp_department(a->f->department, b->f->department);
    if (c)
        return c;
    return a->f < b->f ? -1 : a->f > b->f; /* the findings' own order */
}

static int same_rule(const ca_finding *a, const ca_finding *b)
{
    return strcmp(a->rule ? a->rule : "", b->rule ? b->rule : "") == 0;
}

static int write_findings(ca_buf *b, FILE *out, const ca_report *r)
{
    ca_buf_puts(b, "<h2 id=\"findings\">明细 Findings</h2>\n");
    size_t n = r->findings ? r->findings->n : 0;
    if (!n) {
        ca_buf_puts(b, "<p>本期没有发现。No findings in this period.</p>\n");
        return 0;
    }
    grouped *g = ca_malloc(n * sizeof *g);
    if (!g) {
        errno = ENOMEM;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        g[i].f = &r->findings->items[i];
        ca_rule_title(g[i].f->rule, &g[i].rule_order);
    }
    qsort(g, n, sizeof *g, cmp_grouped);
    for (size_t i = 0; i < n; i++) {
        const ca_finding *f = g[i].f;
        if (i == 0 || !same_rule(g[i - 1].f, f)) {
            size_t k = i;
            while (k < n && same_rule(g[k].f, f))
                k++;
            const char *title = ca_rule_title(f->rule, NULL);
            ca_buf_puts(b, "<h3 id=\"");
            rule_anchor(b, f->rule ? f->rule : "");
            ca_buf_puts(b, "\">");
            text(b, f->rule);
            ca_buf_puts(b, " <span class=\"muted\">");
            text(b, f->clause);
            ca_buf_puts(b, "</span>");
            if (title) {
                ca_buf_puts(b, " ");
                text(b, title);
            }
            ca_buf_printf(b, " <span class=\"muted\">(%zu)</span></h3>\n", k - i);
        }
        if (i == 0 || !same_rule(g[i - 1].f, f) ||
            cmp_department(g[i - 1].f->department, f->department) != 0) {
            size_t k = i;
            while (k < n && same_rule(g[k].f, f) &&
                   cmp_department(g[k].f->department, f->department) == 0)
                k++;
            ca_buf_puts(b, "<h4>");
            department_label(b, f->department);
            ca_buf_printf(b, " <span class=\"muted\">(%zu)</span></h4>\n", k - i);
        }
        write_finding(b, r, f);
        if (b->len >= FLUSH_AT && ca_outfile_write_buf(out, b) < 0) {
            ca_free(g);
            return -1;
        }
    }
    ca_free(g);
    return 0;
}

/* ---- data quality ---- */

static void none_row(ca_buf *b) { ca_buf_puts(b, "<p class=\"muted\">无 None.</p>\n"); }

static void more_rows(ca_buf *b, size_t more)
{
    if (more)
        ca_buf_printf(b, "<p class=\"muted\">另有 %zu 项未列出 %zu more not listed.</p>\n", more,
                      more);
}

/* The one-to-one chats no rule ran over (convkind.h), shown only when
 * there are any: the policy governs groups. */
static void write_private_chats(ca_buf *b, const ca_report *r, size_t n_private)
{
    ca_buf_puts(b, "<h3>私聊（一对一，未审计）Private chats (one-to-one, not audited)</h3>\n"
                   "<table>\n<tr><th>平台 Platform</th><th>会话 ID</th><th>名称 Name</th>"
                   "<th class=\"n\">消息 Messages</th><th>依据 Evidence</th></tr>\n");
    for (size_t k = 0, shown = 0; k < r->n_convs && shown < QUALITY_ROWS; k++) {
        const ca_conv *c = &r->convs[k];
        if (!c->private_chat)
            continue;
        shown++;
        ca_buf_puts(b, "<tr><td>");
        text(b, c->platform);
        ca_buf_puts(b, "</td><td>");
        text_or(b, c->id, "—");
        ca_buf_puts(b, "</td><td>");
        text_or(b, c->name && ca_strcmp0(c->name, c->id) ? c->name : NULL, "—");
        ca_buf_printf(b, "</td><td class=\"n\">%zu</td><td>",
                      c->period_messages);
        text_or(b, c->private_why, "—");
        ca_buf_puts(b, "</td></tr>\n");
    }
    ca_buf_puts(b, "</table>\n");
    more_rows(b, n_private > QUALITY_ROWS ? n_private - QUALITY_ROWS : 0);
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
    const ca_unresolved *u = r->unresolved;
    size_t nu = r->n_unresolved, unresolved_msgs = 0;
    for (size_t i = 0; i < nu; i++)
        unresolved_msgs += u[i].messages;
    size_t warns = r->diag ? ca_diag_count(r->diag, CA_DIAG_WARN) : 0;
    size_t errs = r->diag ? ca_diag_count(r->diag, CA_DIAG_ERROR) : 0;

    ca_buf_puts(b, "<h2 id=\"quality\">数据质量 Data quality</h2>\n<table>\n");
    ca_buf_printf(b, "<tr><th>读取的条目 Entries read</th><td class=\"n\">%zu</td></tr>\n", files);
    ca_buf_printf(b, "<tr><th>无法识别格式 Unrecognised</th><td class=\"n\">%zu</td></tr>\n",
                  unrecognised);
    ca_buf_printf(b, "<tr><th>有错误的条目 Entries with errors</th><td class=\"n\">%zu</td></tr>\n",
                  unreadable);
    ca_buf_printf(b, "<tr><th>不完整的导出 Incomplete exports</th><td class=\"n\">%zu</td></tr>\n",
                  incomplete);
    ca_buf_printf(b, "<tr><th>未匹配花名册的发送人 Unresolved senders</th><td class=\"n\">%zu"
                     "（%zu 条消息 messages）</td></tr>\n", nu, unresolved_msgs);
    size_t private_msgs, n_private = ca_private_chats(r->convs, r->n_convs, &private_msgs);
    if (n_private)
        ca_buf_printf(b, "<tr><th>私聊（未审计）Private chats, not audited</th><td class=\"n\">%zu"
                         "（%zu 条消息 messages）</td></tr>\n", n_private, private_msgs);
    ca_buf_printf(b, "<tr><th>警告 Warnings</th><td class=\"n\">%zu</td></tr>\n", warns);
    ca_buf_printf(b, "<tr><th>错误 Errors</th><td class=\"n\">%zu</td></tr>\n</table>\n", errs);

    ca_buf_puts(b, "<h3>无法识别或读取有误的条目 Unrecognised or unreadable entries</h3>\n");
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < files; i++) {
        const ca_file_stats *fs = ca_import_file(r->imp, i);
        if (!fs->unrecognised && !fs->errors)
            continue;
        if (shown == QUALITY_ROWS) {
            more++;
            continue;
        }
        if (!shown++)
            ca_buf_puts(b, "<table>\n<tr><th>条目 Entry</th><th>格式 Format</th>"
                           "<th>原因 Reason</th></tr>\n");
        ca_buf_puts(b, "<tr><td>");
        text(b, fs->path);
        ca_buf_puts(b, "</td><td>");
        text_or(b, fs->format, "—");
        ca_buf_puts(b, "</td><td>");
        if (fs->unrecognised)
            text(b, fs->unrecognised);
        else
            ca_buf_printf(b, "%zu 处错误，%zu 条记录已读 %zu error(s), %zu record(s) read",
                          fs->errors, fs->records, fs->errors, fs->records);
        ca_buf_puts(b, "</td></tr>\n");
    }
    if (shown)
        ca_buf_puts(b, "</table>\n");
    else
        none_row(b);
    more_rows(b, more);

    ca_buf_puts(b, "<h3>不完整的导出 Incomplete exports</h3>\n");
    shown = more = 0;
    for (size_t i = 0; i < files; i++) {
        const ca_file_stats *fs = ca_import_file(r->imp, i);
        if (!fs->incomplete)
            continue;
        if (shown == QUALITY_ROWS) {
            more++;
            continue;
        }
        if (!shown++)
            ca_buf_puts(b, "<table>\n<tr><th>条目 Entry</th><th>原因 Reason</th></tr>\n");
        ca_buf_puts(b, "<tr><td>");
        text(b, fs->path);
        ca_buf_puts(b, "</td><td>");
        text(b, fs->incomplete);
        ca_buf_puts(b, "</td></tr>\n");
    }
    if (shown)
        ca_buf_puts(b, "</table>\n");
    else
        none_row(b);
    more_rows(b, more);

    ca_buf_puts(b, "<h3>未匹配花名册的发送人 Unresolved senders</h3>\n");
    if (nu) {
        ca_buf_puts(b, "<table>\n<tr><th>平台 Platform</th><th>发送人 Sender</th>"
                       "<th>显示名 Name</th><th class=\"n\">消息 Messages</th></tr>\n");
        for (size_t i = 0; i < nu && i < QUALITY_ROWS; i++) {
            ca_buf_puts(b, "<tr><td>");
            text(b, u[i].platform);
            ca_buf_puts(b, "</td><td>");
            text_or(b, u[i].sender, "—");
            ca_buf_puts(b, "</td><td>");
            text_or(b, u[i].name, "—");
            ca_buf_printf(b, "</td><td class=\"n\">%zu</td></tr>\n", u[i].messages);
        }
        ca_buf_puts(b, "</table>\n");
    } else {
        none_row(b);
    }
    more_rows(b, nu > QUALITY_ROWS ? nu - QUALITY_ROWS : 0);

    if (n_private)
        write_private_chats(b, r, n_private);

    ca_buf_puts(b, "<h3>规则无法判断的情况 What the rules could not check</h3>\n");
    const ca_findings *fs_all = r->findings;
    size_t n_notes = fs_all ? fs_all->n_notes : 0;
    if (n_notes) {
        ca_buf_puts(b, "<table>\n<tr><th>规则 Rule</th><th>群 Group</th><th>时间 Time</th>"
                       "<th>说明 Note</th></tr>\n");
        for (size_t i = 0; i < n_notes && i < QUALITY_ROWS; i++) {
            const ca_note *nt = &fs_all->notes[i];
            ca_buf_puts(b, "<tr><td>");
            text(b, nt->rule);
            ca_buf_puts(b, "</td><td>");
            text_or(b, nt->conv ? nt->conv->name : NULL, "—");
            ca_buf_puts(b, "</td><td>");
            if (nt->event_index != (size_t)-1)
                ca_report_local_time(b, r->cfg->tz_offset_min, nt->time_ms);
            else
                ca_buf_puts(b, "—");
            ca_buf_puts(b, "</td><td>");
            text(b, nt->text);
            ca_buf_puts(b, "</td></tr>\n");
        }
        ca_buf_puts(b, "</table>\n");
    } else {
        none_row(b);
    }
    more_rows(b, n_notes > QUALITY_ROWS ? n_notes - QUALITY_ROWS : 0);

    ca_buf_puts(b, "<h3>警告与错误 Warnings and errors</h3>\n");
    size_t nd = r->diag ? ca_diag_len(r->diag) : 0;
    shown = more = 0;
    for (size_t i = 0; i < nd; i++) {
        const ca_diag_item *d = ca_diag_at(r->diag, i);
        if (d->level < CA_DIAG_WARN)
            continue;
        if (shown == QUALITY_ROWS) {
            more++;
            continue;
        }
        if (!shown++)
            ca_buf_puts(b, "<table>\n<tr><th>级别 Level</th><th>位置 Where</th>"
                           "<th>问题 Problem</th></tr>\n");
        ca_buf_puts(b, d->level == CA_DIAG_ERROR ? "<tr><td>error</td><td>"
                                                 : "<tr><td>warning</td><td>");
        text_or(b, d->file, "—");
        if (d->file && d->line > 0)
            ca_buf_printf(b, ":%ld", d->line);
        ca_buf_puts(b, "</td><td>");
        text(b, d->msg);
        ca_buf_puts(b, "</td></tr>\n");
    }
    if (shown)
        ca_buf_puts(b, "</table>\n");
    else
        none_row(b);
    more_rows(b, more);
    if (r->diag && ca_diag_suppressed(r->diag))
        ca_buf_printf(b, "<p class=\"muted\">另有 %zu 项超出每个文件的记录上限 %zu more beyond the "
                         "per-file limit.</p>\n",
                      ca_diag_suppressed(r->diag), ca_diag_suppressed(r->diag));
    return 0;
}

int ca_write_compliance_html(const ca_report *r, const char *path)
{
    char *tmp;
    FILE *f = ca_outfile_open(path, &tmp);
    if (!f)
        return -1;
    ca_buf b = CA_BUF_INIT;
    ca_count *by_rule = NULL, *by_dept = NULL;
    size_t n_rule = 0, n_dept = 0;
    int rc = 0;
    if (ca_count_findings(r->findings, CA_COUNT_RULE, &by_rule, &n_rule) < 0 ||
        ca_count_findings(r->findings, CA_COUNT_DEPARTMENT, &by_dept, &n_dept) < 0) {
        errno = ENOMEM;
        rc = -1;
    }
    if (rc == 0) {
        write_head(&b, r);
        write_meta(&b, r);
        write_by_rule(&b, by_rule, n_rule);
        write_by_department(&b, by_dept, n_dept);
        rc = write_findings(&b, f, r);
    }
    if (rc == 0)
        rc = write_quality(&b, r);
    if (rc == 0) {
        ca_buf_puts(&b, "<p class=\"muted\">chataudit ");
        text_or(&b, r->tool_version, CA_VERSION);
        ca_buf_puts(&b, "</p>\n</body>\n</html>\n");
        rc = ca_outfile_write_buf(f, &b);
    }
    int err = errno;
    ca_free(by_rule);
    ca_free(by_dept);
    ca_buf_free(&b);
    if (rc < 0)
        return ca_outfile_fail(f, tmp, path, err);
    return ca_outfile_commit(f, tmp, path);
}
