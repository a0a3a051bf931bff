/*
 * latency_html.c — latency.html (SPEC §9, §6.2): how fast the responsible
 * people answered, as one self-contained file (inline CSS and SVG, no
 * script, nothing fetched), and the latency headline of index.html.
 *
 * The figures are those of latency.csv, computed from the same rounded
 * business minutes (tenths) that latency.csv shows:
 *   count       every tracked message (open ones included);
 *   median, p90 over the answered ones (met and breached), interpolated
 *               between ranks as Excel's PERCENTILE.INC does;
 *   on time     met / (met + breached + unanswered): open ones are not
 *               judged yet;
 *   unanswered  no reply by the end of the export, past the deadline.
 * Every name, group name and message text goes through ca_buf_html_text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "outfile.h"
#include "report.h"
#include "timeparse.h"

#define FLUSH_AT (1u << 16)

static const char CSS[] =
    "body{font-family:\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",Arial,sans-serif;"
    "color:#222;line-height:1.45;max-width:1200px;margin:24px auto;padding:0 16px}"
    "h1{font-size:22px;margin:0 0 12px}"
    "h2{font-size:18px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}"
    "table{border-collapse:collapse;margin:8px 0}"
    "th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}"
    "th{background:#f5f5f5;font-weight:600}td.n,th.n{text-align:right;white-space:nowrap}"
    "tr.total td{font-weight:600;background:#fafafa}"
    ".mono{font-family:Consolas,Menlo,monospace;font-size:12px}"
    ".muted{color:#777}nav a{margin-right:12px}"
    ".msg{white-space:pre-wrap;word-break:break-word;max-width:320px}"
    ".wide{overflow-x:auto}"
    "td.src{word-break:break-all;font-size:11px;color:#777;max-width:200px}"
    ".st{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}"
    ".st.met{background:#2e7d32}.st.breached{background:#e65100}"
    ".st.unanswered{background:#b71c1c}.st.open{background:#78909c}"
    "svg text{font-size:12px;fill:#333}"
    "@media print{nav{display:none}}";

/* ---------------------------------------------------------------- tally */

/* The figures of one group of latency records. */
typedef struct tally {
    size_t n, met, breached, unanswered, open;
    int64_t *tenths;            /* answered ones' business minutes ×10, sorted */
    size_t n_tenths;
} tally;

static int64_t tenths_of(const ca_latency *l)
{
    return (l->business_ms + 3000) / 6000; /* = latency.csv's digits */
}

/* Tallies the records for which pick(l, key) holds.  0 or -1 (oom). */
static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int tally_of(const ca_findings *f, int (*pick)(const ca_latency *, const void *),
                    const void *key, tally *t)
{
    memset(t, 0, sizeof *t);
    size_t n = f ? f->n_latency : 0;
    for (size_t i = 0; i < n; i++) {
        const ca_latency *l = &f->latency[i];
        if (pick && !pick(l, key))
            continue;
        t->n++;
        t->met += l->status == CA_LAT_MET;
        t->breached += l->status == CA_LAT_BREACHED;
        t->unanswered += l->status == CA_LAT_UNANSWERED;
        t->open += l->status == CA_LAT_OPEN;
    }
    size_t answered = t->met + t->breached;
    if (!answered)
        return 0;
    if (!(t->tenths = ca_calloc(answered, sizeof *t->tenths)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        const ca_latency *l = &f->latency[i];
        if ((pick && !pick(l, key)) || (l->status != CA_LAT_MET && l->status != CA_LAT_BREACHED))
            continue;
        t->tenths[t->n_tenths++] = tenths_of(l);
    }
    qsort(t->tenths, t->n_tenths, sizeof *t->tenths, cmp_i64);
    return 0;
}

static void tally_free(tally *t)
{
    ca_free(t->tenths);
    t->tenths = NULL;
}

/* The p-th percentile (PERCENTILE.INC) of the answered minutes, in
 * hundredths of a minute (exact: the inputs are tenths). */
static int64_t percentile_hundredths(const tally *t, int p)
{
    if (!t->n_tenths)
        return -1;
    /* rank h = (n-1)·p/100 = whole + frac/100 */
    int64_t h100 = (int64_t)(t->n_tenths - 1) * p;
    size_t whole = (size_t)(h100 / 100);
    int64_t frac = h100 % 100;
    int64_t lo = t->tenths[whole];
    int64_t hi = whole + 1 < t->n_tenths ? t->tenths[whole + 1] : lo;
    /* (lo + (hi-lo)·frac/100) tenths, in thousandths then rounded to hundredths */
    int64_t thousandths = lo * 100 + (hi - lo) * frac;
    return (thousandths + 5) / 10;
}

static void put_hundredths(ca_buf *b, int64_t h)
{
    if (h < 0) {
        ca_buf_puts(b, "—");
        return;
    }
    /* one decimal, as latency.csv shows minutes */
    int64_t tenths = (h + 5) / 10;
    ca_buf_printf(b, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* On time as a share of the judged ones, "87.5%", or "—". */
static void put_share(ca_buf *b, const tally *t)
{
    size_t judged = t->met + t->breached + t->unanswered;
    if (!judged) {
        ca_buf_puts(b, "—");
        return;
    }
    uint64_t permille = ((uint64_t)t->met * 1000 + judged / 2) / judged;
    ca_buf_printf(b, "%llu.%llu%%", (unsigned long long)(permille / 10),
                  (unsigned long long)(permille % 10));
}

/* ---------------------------------------------------------- small writers */

static void text(ca_buf *b, const char *s)
{
    if (s)
        ca_buf_html_text(b, s, strlen(s));
}

static void text_or(ca_buf *b, const char *s, const char *fallback)
{
    text(b, s && *s ? s : fallback);
}

/* "孙丽 (E2001)", or the bare id. */
static void person(ca_buf *b, const ca_report *r, const char *id)
{
    const ca_employee *e = id && r->cfg->roster ? ca_roster_by_id(r->cfg->roster, id) : NULL;
    if (e && e->name) {
        text(b, e->name);
        ca_buf_puts(b, " <span class=\"muted\">");
        text(b, id);
        ca_buf_puts(b, "</span>");
    } else {
        text_or(b, id, "—");
    }
}

static void tally_cells(ca_buf *b, const tally *t)
{
    ca_buf_printf(b, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu</td>"
                     "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">",
                  t->n, t->met, t->breached, t->unanswered, t->open);
    put_hundredths(b, percentile_hundredths(t, 50));
    ca_buf_puts(b, "</td><td class=\"n\">");
    put_hundredths(b, percentile_hundredths(t, 90));
    ca_buf_puts(b, "</td><td class=\"n\">");
    put_share(b, t);
    ca_buf_puts(b, "</td>");
}

static const char TALLY_HEAD[] =
    "<th class=\"n\">跟踪 Tracked</th><th class=\"n\">按时 Met</th><th class=\"n\">超时 Breached</th>"
    "<th class=\"n\">未回复 Unanswered</th><th class=\"n\">未决 Open</th>"
    "<th class=\"n\">中位数 Median</th><th class=\"n\">P90</th><th class=\"n\">按时率 On time</th>";

/* ---------------------------------------------------------- the sections */

static void write_head(ca_buf *b, const ca_report *r)
{
    ca_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>回复时效报告 Reply latency report — ");
    text_or(b, ca_report_company(r->cfg), "");
    ca_buf_puts(b, " — ");
    text_or(b, r->period, "");
    ca_buf_puts(b, "</title>\n<style>");
    ca_buf_puts(b, CSS);
    ca_buf_puts(b, "</style>\n</head>\n<body>\n<h1>回复时效报告 · Reply latency report</h1>\n");
}

static void write_calendar(ca_buf *b, const ca_report *r)
{
    const ca_policy *p = &r->cfg->policy;
    if (!p->business_hours) {
        ca_buf_puts(b, "自然时间（business_hours = no）Wall-clock minutes");
        return;
    }
    static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    const char *sep = "";
    for (int d = 0; d < 7; d++)
        if (p->workdays >> d & 1u) {
            ca_buf_printf(b, "%s%s", sep, days[d]);
            sep = ",";
        }
    ca_buf_printf(b, " %02d:%02d–%02d:%02d", p->open_min / 60, p->open_min % 60, p->close_min / 60,
                  p->close_min % 60);
    for (int k = 0; k < p->n_breaks; k++)
        ca_buf_printf(b, "%s%02d:%02d–%02d:%02d", k ? ", " : "，休息 breaks ",
                      p->breaks[k].start / 60, p->breaks[k].start % 60, p->breaks[k].end / 60,
                      p->breaks[k].end % 60);
    ca_buf_printf(b, "；holidays.csv %zu 天 days", r->cfg->n_holidays);
}

static void write_meta(ca_buf *b, const ca_report *r, const tally *all)
{
    char tz[32];
    ca_time_format(0, r->cfg->tz_offset_min, tz);
    const ca_policy *p = &r->cfg->policy;
    ca_buf_puts(b, "<table>\n<tr><th>公司 Company</th><td>");
    text_or(b, ca_report_company(r->cfg), "—");
    ca_buf_puts(b, "</td></tr>\n<tr><th>期间 Period</th><td>");
    text_or(b, r->period, "—");
    ca_buf_printf(b, "</td></tr>\n<tr><th>时区 Time zone</th><td>UTC%s</td></tr>\n", tz + 19);
    ca_buf_puts(b, "<tr><th>工具 Tool</th><td>chataudit ");
    text_or(b, r->tool_version, CA_VERSION);
    ca_buf_puts(b, "</td></tr>\n<tr><th>工作时间 Business time</th><td>");
    write_calendar(b, r);
    ca_buf_printf(b, "</td></tr>\n<tr><th>时限 Deadlines</th><td>reply.employee %d · reply.leader %d · "
                     "reply.public %d 分钟 minutes</td></tr>\n",
                  p->employee_question_minutes, p->leader_request_minutes,
                  p->public_question_minutes);
    ca_buf_printf(b, "<tr><th>跟踪消息 Tracked</th><td>%zu（按时 met %zu · 超时 breached %zu · "
                     "未回复 unanswered %zu · 未决 open %zu）</td></tr>\n</table>\n",
                  all->n, all->met, all->breached, all->unanswered, all->open);
    ca_buf_puts(b, "<p class=\"muted\">中位数与 P90 按已回复的消息计算（PERCENTILE.INC）；按时率 = 按时 ÷ "
                   "（按时 + 超时 + 未回复），未决的不计。Median and P90 are over the answered messages "
                   "(interpolated as Excel's PERCENTILE.INC), in business minutes as latency.csv shows "
                   "them; on time = met ÷ (met + breached + unanswered); open messages (deadline after "
                   "the end of the export) are not judged.</p>\n");
    ca_buf_puts(b, "<nav><a href=\"#by-rule\">按规则 By rule</a><a href=\"#chart\">分布 Distribution</a>"
                   "<a href=\"#by-person\">按负责人 By person</a><a href=\"#by-group\">按群 By group</a>"
                   "<a href=\"#all\">明细 Every message</a><a href=\"#quality\">数据质量 Data quality</a>"
                   "</nav>\n");
}

static int by_rule(const ca_latency *l, const void *key) { return !strcmp(l->rule, key); }
static int by_person(const ca_latency *l, const void *key)
{
    return !ca_strcmp0(l->responder_id, key);
}
static int by_group(const ca_latency *l, const void *key) { return l->conv == key; }

static int write_by_rule(ca_buf *b, const ca_report *r, const tally *all)
{
    static const char *const rules[] = {"reply.employee", "reply.leader", "reply.public"};
    ca_buf_puts(b, "<h2 id=\"by-rule\">按规则 By rule</h2>\n<table>\n<tr><th>规则 Rule</th>"
                   "<th>说明 About</th>");
    ca_buf_puts(b, TALLY_HEAD);
    ca_buf_puts(b, "</tr>\n");
    for (size_t k = 0; k < CA_ARRAY_LEN(rules); k++) {
        tally t;
        if (tally_of(r->findings, by_rule, rules[k], &t) < 0)
            return -1;
        ca_buf_puts(b, "<tr><td>");
        text(b, rules[k]);
        ca_buf_puts(b, "</td><td>");
        text(b, ca_rule_title(rules[k], NULL));
        ca_buf_puts(b, "</td>");
        tally_cells(b, &t);
        ca_buf_puts(b, "</tr>\n");
        tally_free(&t);
    }
    ca_buf_puts(b, "<tr class=\"total\"><td>合计 Total</td><td></td>");
    tally_cells(b, all);
    ca_buf_puts(b, "</tr>\n</table>\n");
    return 0;
}

/* A histogram of the answered messages' business minutes, bars split
 * into met and breached. */
static void write_chart(ca_buf *b, const ca_report *r)
{
    static const struct { int64_t upto; const char *label; } bins[] = {
        {50, "0–5"},     {100, "5–10"},   {200, "10–20"},  {300, "20–30"},
        {600, "30–60"},  {1200, "60–120"}, {2400, "120–240"}, {INT64_MAX, "240+"},
    };
    size_t met[CA_ARRAY_LEN(bins)] = {0}, late[CA_ARRAY_LEN(bins)] = {0}, max = 0;
    size_t n = r->findings ? r->findings->n_latency : 0;
    for (size_t i = 0; i < n; i++) {
        const ca_latency *l = &r->findings->latency[i];
        if (l->status != CA_LAT_MET && l->status != CA_LAT_BREACHED)
            continue;
        int64_t t = tenths_of(l);
        size_t k = 0;
        while (t >= bins[k].upto) /* [from, upto) tenths; the last bin has no end */
            k++;
        if (l->status == CA_LAT_MET)
            met[k]++;
        else
            late[k]++;
    }
    for (size_t k = 0; k < CA_ARRAY_LEN(bins); k++)
        if (met[k] + late[k] > max)
            max = met[k] + late[k];
    ca_buf_puts(b, "<h2 id=\"chart\">回复用时分布 Distribution of business minutes to the reply</h2>\n");
    if (!max) {
        ca_buf_puts(b, "<p class=\"muted\">本期没有已回复的跟踪消息。No answered tracked messages.</p>\n");
        return;
    }
    const int bw = 90, h = 160, top = 20, left = 10;
    int width = left * 2 + bw * (int)CA_ARRAY_LEN(bins);
    ca_buf_printf(b, "<svg role=\"img\" aria-label=\"回复用时分布 Distribution of reply minutes\" "
                     "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
                  width, top + h + 40, width, top + h + 40);
    for (size_t k = 0; k < CA_ARRAY_LEN(bins); k++) {
        int x = left + bw * (int)k + 10;
        int hm = (int)(met[k] * (size_t)h / max), hl = (int)(late[k] * (size_t)h / max);
        int base = top + h;
        if (hm)
            ca_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#2e7d32\"/>",
                          x, base - hm, bw - 20, hm);
        if (hl)
            ca_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#e65100\"/>",
                          x, base - hm - hl, bw - 20, hl);
        ca_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%zu</text>", x + (bw - 20) / 2,
                      base - hm - hl - 4, met[k] + late[k]);
        ca_buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                      x + (bw - 20) / 2, base + 16, bins[k].label);
    }
    ca_buf_printf(b, "<text x=\"%d\" y=\"%d\">分钟 business minutes · "
                     "<tspan fill=\"#2e7d32\">■</tspan> 按时 met "
                     "<tspan fill=\"#e65100\">■</tspan> 超时 breached</text>\n</svg>\n",
                  left, top + h + 36);
}

/* The distinct responders, sorted by id. */
static int cmp_str(const void *a, const void *b)
{
    return ca_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

static int write_by_person(ca_buf *b, const ca_report *r)
{
    size_t n = r->findings ? r->findings->n_latency : 0, nk = 0;
    ca_buf_puts(b, "<h2 id=\"by-person\">按负责人 By responsible person</h2>\n");
    if (!n) {
        ca_buf_puts(b, "<p class=\"muted\">无 None.</p>\n");
        return 0;
    }
    const char **keys = ca_calloc(n, sizeof *keys);
    if (!keys)
        return -1;
    for (size_t i = 0; i < n; i++)
        keys[nk++] = r->findings->latency[i].responder_id;
    qsort(keys, nk, sizeof *keys, cmp_str);
    ca_buf_puts(b, "<table>\n<tr><th>负责人 Responsible</th><th>部门 Department</th>");
    ca_buf_puts(b, TALLY_HEAD);
    ca_buf_puts(b, "</tr>\n");
    int rc = 0;
    for (size_t i = 0; i < nk && rc == 0; i++) {
        if (i && !ca_strcmp0(keys[i], keys[i - 1]))
            continue;
        tally t;
        if (tally_of(r->findings, by_person, keys[i], &t) < 0) {
            rc = -1;
            break;
        }
        const ca_employee *e = keys[i] ? ca_roster_by_id(r->cfg->roster, keys[i]) : NULL;
        ca_buf_puts(b, "<tr><td>");
        person(b, r, keys[i]);
        ca_buf_puts(b, "</td><td>");
        text_or(b, e ? e->department : NULL, "—");
        ca_buf_puts(b, "</td>");
        tally_cells(b, &t);
        ca_buf_puts(b, "</tr>\n");
        tally_free(&t);
    }
    ca_buf_puts(b, "</table>\n");
    ca_free(keys);
    return rc;
}

static int write_by_group(ca_buf *b, const ca_report *r)
{
    ca_buf_puts(b, "<h2 id=\"by-group\">按群 By group</h2>\n");
    if (!r->findings || !r->findings->n_latency) {
        ca_buf_puts(b, "<p class=\"muted\">无 None.</p>\n");
        return 0;
    }
    ca_buf_puts(b, "<table>\n<tr><th>群 Group</th><th>平台 Platform</th>");
    ca_buf_puts(b, TALLY_HEAD);
    ca_buf_puts(b, "</tr>\n");
    /* the records are sorted by conversation: one row per run of them */
    const ca_findings *f = r->findings;
    for (size_t i = 0; i < f->n_latency; i++) {
        const ca_conv *c = f->latency[i].conv;
        if (i && f->latency[i - 1].conv == c)
            continue;
        tally t;
        if (tally_of(f, by_group, c, &t) < 0)
            return -1;
        ca_buf_puts(b, "<tr><td>");
        text_or(b, c ? c->name : NULL, "—");
        if (c && c->id && c->name && strcmp(c->id, c->name) != 0) {
            ca_buf_puts(b, " <span class=\"muted mono\">");
            text(b, c->id);
            ca_buf_puts(b, "</span>");
        }
        ca_buf_puts(b, "</td><td>");
        text_or(b, c ? c->platform : NULL, "—");
        ca_buf_puts(b, "</td>");
        tally_cells(b, &t);
        ca_buf_puts(b, "</tr>\n");
        tally_free(&t);
    }
    ca_buf_puts(b, "</table>\n");
    return 0;
}

static void write_record(ca_buf *b, const ca_report *r, const ca_latency *l)
{
    char t[32];
    const ca_conv *c = l->conv;
    ca_buf_puts(b, "<tr><td>");
    text(b, l->rule);
    ca_buf_puts(b, "</td><td>");
    text_or(b, c ? c->name : NULL, "—");
    ca_buf_puts(b, "</td><td class=\"n\">");
    ca_report_local_time(b, r->cfg->tz_offset_min, l->asked_ms);
    ca_buf_puts(b, "</td><td>");
    person(b, r, l->asker_id);
    ca_buf_puts(b, "</td><td class=\"msg\">");
    if (l->question) /* ID, mobile and card numbers masked (ca_latency_keep): the report is emailed */
        ca_html_clipped(b, l->question, CA_LATENCY_TEXT_MAX);
    else if (l->has_question)
        text(b, ca_type_name(l->question_type));
    ca_buf_puts(b, "</td><td>");
    person(b, r, l->responder_id);
    ca_buf_puts(b, "</td><td class=\"n\">");
    if (l->deadline_ms != INT64_MAX)
        ca_report_local_time(b, r->cfg->tz_offset_min, l->deadline_ms);
    ca_buf_puts(b, "</td><td class=\"n\">");
    if (l->answered_ms >= 0)
        ca_report_local_time(b, r->cfg->tz_offset_min, l->answered_ms);
    else
        ca_buf_puts(b, "—");
    ca_buf_puts(b, "</td><td>");
    if (l->answered_by && ca_strcmp0(l->answered_by, l->responder_id) != 0)
        person(b, r, l->answered_by);
    ca_buf_puts(b, "</td><td class=\"n\">");
    ca_buf_puts(b, ca_latency_minutes_text(l->business_ms, t));
    ca_buf_printf(b, "</td><td><span class=\"st %s\">%s</span></td><td class=\"src mono\">",
                  ca_latency_status_name(l->status), ca_latency_status_name(l->status));
    if (l->src_path) {
        text(b, l->src_path);
        if (l->src_line > 0)
            ca_buf_printf(b, ":%ld", l->src_line);
    }
    ca_buf_puts(b, "</td></tr>\n");
}

static int write_all(ca_buf *b, FILE *out, const ca_report *r)
{
    size_t n = r->findings ? r->findings->n_latency : 0;
    ca_buf_printf(b, "<h2 id=\"all\">每条跟踪消息 Every tracked message (%zu)</h2>\n", n);
    if (!n) {
        ca_buf_puts(b, "<p class=\"muted\">无 None.</p>\n");
        return 0;
    }
    ca_buf_puts(b, "<div class=\"wide\"><table>\n<tr><th>规则 Rule</th><th>群 Group</th><th>时间 Asked</th>"
                   "<th>提出人 Asker</th><th>消息 Message</th><th>负责人 Responsible</th>"
                   "<th>时限 Deadline</th><th>回复 Answered</th><th>回复人 Answered by</th>"
                   "<th class=\"n\">分钟 Minutes</th><th>状态 Status</th><th>来源 Source</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        write_record(b, r, &r->findings->latency[i]);
        if (b->len >= FLUSH_AT && ca_outfile_write_buf(out, b) < 0)
            return -1;
    }
    ca_buf_puts(b, "</table></div>\n<p class=\"muted\">回复人一栏只在回复者不是负责人时填写（reply.public："
                   "行政中心任何成员的回复都算）。Answered by is filled in only when someone other than "
                   "the responsible person answered (reply.public: any admin-centre member's reply "
                   "counts).</p>\n");
    return 0;
}

static void write_quality(ca_buf *b, const ca_report *r)
{
    size_t n = r->findings ? r->findings->n_notes : 0, shown = 0;
    ca_buf_puts(b, "<h2 id=\"quality\">未能判断 Not judged (data quality)</h2>\n");
    for (size_t i = 0; i < n; i++) {
        const ca_note *note = &r->findings->notes[i];
        if (!note->rule || strncmp(note->rule, "reply.", 6) != 0)
            continue;
        if (!shown++)
            ca_buf_puts(b, "<table>\n<tr><th>规则 Rule</th><th>群 Group</th><th>时间 Time</th>"
                           "<th>说明 Note</th></tr>\n");
        ca_buf_puts(b, "<tr><td>");
        text(b, note->rule);
        ca_buf_puts(b, "</td><td>");
        text_or(b, note->conv ? note->conv->name : NULL, "—");
        ca_buf_puts(b, "</td><td class=\"n\">");
        if (note->time_ms)
            ca_report_local_time(b, r->cfg->tz_offset_min, note->time_ms);
        ca_buf_puts(b, "</td><td>");
        text(b, note->text);
        ca_buf_puts(b, "</td></tr>\n");
    }
    if (shown)
        ca_buf_puts(b, "</table>\n");
    else
        ca_buf_puts(b, "<p class=\"muted\">无 None.</p>\n");
}

int ca_write_latency_html(const ca_report *r, const char *path)
{
    char *tmp;
    FILE *f = ca_outfile_open(path, &tmp);
    if (!f)
        return -1;
    ca_buf b = CA_BUF_INIT;
    tally all;
    int rc = tally_of(r->findings, NULL, NULL, &all);
    if (rc == 0) {
        write_head(&b, r);
        write_meta(&b, r, &all);
        rc = write_by_rule(&b, r, &all);
    }
    if (rc == 0) {
        write_chart(&b, r);
        rc = write_by_person(&b, r);
    }
    if (rc == 0)
        rc = write_by_group(&b, r);
    if (rc == 0)
        rc = write_all(&b, f, r);
    if (rc == 0) {
        write_quality(&b, r);
        ca_buf_puts(&b, "</body>\n</html>\n");
        rc = ca_outfile_write_buf(f, &b);
    } else if (!errno) {
        errno = ENOMEM;
    }
    int err = errno;
    tally_free(&all);
    ca_buf_free(&b);
    if (rc < 0)
        return ca_outfile_fail(f, tmp, path, err);
    return ca_outfile_commit(f, tmp, path);
}

/* ------------------------------------------------------- index.html */

#define IFONT "font-family:'Microsoft YaHei','PingFang SC',Arial,sans-serif;"
#define ITH "<th align=\"left\" style=\"padding:4px 8px;background:#f0f0f0;border-bottom:1px solid #ddd\">"
#define ITHN "<th align=\"right\" style=\"padding:4px 8px;background:#f0f0f0;border-bottom:1px solid #ddd\">"
#define ITD "<td style=\"padding:4px 8px;border-bottom:1px solid #eee\">"
#define ITDN "<td align=\"right\" style=\"padding:4px 8px;border-bottom:1px solid #eee\">"

int ca_write_latency_headline(ca_buf *b, const ca_report *r)
{
    static const char *const rules[] = {"reply.employee", "reply.leader", "reply.public"};
    ca_buf_puts(b, "<h2 style=\"" IFONT "font-size:16px;color:#222;margin:24px 0 8px\">"
                   "回复时效 Reply latency</h2>\n");
    tally all;
    if (tally_of(r->findings, NULL, NULL, &all) < 0)
        return -1;
    if (!all.n) {
        ca_buf_puts(b, "<p style=\"margin:0\">本期没有需跟踪回复的消息。No tracked messages.</p>\n");
        return 0;
    }
    ca_buf_puts(b, "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
                   "style=\"border-collapse:collapse;" IFONT "font-size:13px\">"
                   "<tr>" ITH "规则 Rule</th>" ITHN "跟踪 Tracked</th>" ITHN "按时率 On time</th>"
                   ITHN "超时 Breached</th>" ITHN "未回复 Unanswered</th>" ITHN "未决 Open</th></tr>\n");
    int rc = 0;
    for (size_t k = 0; k <= CA_ARRAY_LEN(rules) && rc == 0; k++) {
        tally t;
        int total = k == CA_ARRAY_LEN(rules);
        if (total)
            t = all;
        else if (tally_of(r->findings, by_rule, rules[k], &t) < 0) {
            rc = -1;
            break;
        }
        ca_buf_puts(b, "<tr>" ITD);
        ca_buf_puts(b, total ? "<b>合计 Total</b>" : rules[k]);
        ca_buf_printf(b, "</td>" ITDN "%zu</td>" ITDN, t.n);
        put_share(b, &t);
        ca_buf_printf(b, "</td>" ITDN "<span style=\"color:%s\">%zu</span></td>" ITDN
                         "<span style=\"color:%s\">%zu</span></td>" ITDN "%zu</td></tr>\n",
                      t.breached ? "#c62828" : "#222", t.breached,
                      t.unanswered ? "#c62828" : "#222", t.unanswered, t.open);
        if (!total)
            tally_free(&t);
    }
    ca_buf_puts(b, "</table>\n");
    tally_free(&all);
    return rc;
}
