/*
 * verify_html.c — the side-by-side page of a screenshot verification:
 * screenshot line | log message, differences highlighted (<mark> in the
 * screenshot, <del>/<ins> in the log), omitted messages in place, cropped
 * context before and after.  Self-contained: inline styles, no scripts,
 * no external resources; every piece of chat text escaped.
 */
#include <string.h>
#include "timeparse.h"
#include "verify.h"

static void text(ca_buf *b, const char *s)
{
    if (s)
        ca_buf_html_text(b, s, strlen(s));
}

/* Chat text with its line breaks kept. */
static void chat(ca_buf *b, const char *s)
{
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        ca_buf_html_text(b, s, n);
        if (!nl)
            break;
        ca_buf_puts(b, "<br>");
        s = nl + 1;
    }
}

static void when(ca_buf *b, int64_t ms, int tz)
{
    char iso[32];
    ca_time_format(ms, tz, iso);
    ca_buf_printf(b, "%.10s %.8s", iso, iso + 11);
}

static const char *status_colour(ca_vline_status s)
{
    static const char *const c[] = {"#e6f4ea", "#eef6e0", "#fde8e8", "#fde8e8", "#fff1d6"};
    return (unsigned)s < CA_ARRAY_LEN(c) ? c[s] : "#fff";
}

static void log_cell(ca_buf *b, const ca_event *e, const char *who, int tz)
{
    ca_buf_puts(b, "<div style=\"color:#555;font-size:12px\">");
    text(b, who);
    ca_buf_puts(b, " · ");
    when(b, e->time_ms, tz);
    ca_buf_puts(b, " · message ");
    text(b, e->id ? e->id : "(no id)");
    ca_buf_puts(b, "</div>");
}

static void context_row(ca_buf *b, const ca_vcontext *c, const ca_import *imp, int tz)
{
    const ca_event *e = ca_import_event(imp, c->event);
    static const struct { const char *reason, *label; } labels[] = {
        {"omitted", "omitted from the screenshot"}, {"recall", "recall left out"},
        {"correction", "correction left out"}, {"question", "question left out"},
        {"answered", "the message answered, left out"}};
    const char *label = c->reason;
    for (size_t k = 0; k < CA_ARRAY_LEN(labels); k++)
        if (strcmp(labels[k].reason, c->reason) == 0)
            label = labels[k].label;
    ca_buf_printf(b, "<tr style=\"background:%s\"><td style=\"padding:6px;border:1px solid #ddd;"
                     "color:#a00\"><i>(", c->counts ? "#fde8e8" : "#f4f4f4");
    text(b, c->position);
    ca_buf_puts(b, ": ");
    text(b, label);
    if (!c->counts)
        ca_buf_puts(b, ", media");
    ca_buf_puts(b, ")</i></td><td style=\"padding:6px;border:1px solid #ddd\">");
    log_cell(b, e, c->who, tz);
    ca_buf_puts(b, "<del style=\"background:#fbd0d0\">");
    chat(b, ca_verify_event_text(e));
    ca_buf_puts(b, "</del></td><td style=\"padding:6px;border:1px solid #ddd\">");
    text(b, c->position);
    ca_buf_puts(b, " ");
    text(b, c->reason);
    ca_buf_puts(b, "</td></tr>\n");
}

int ca_vresult_html(ca_buf *b, const ca_vresult *r, const ca_import *imp, int tz)
{
    ca_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
                   "<title>chataudit verify: ");
    text(b, r->path);
    ca_buf_puts(b, "</title></head>\n<body style=\"font-family:sans-serif;margin:16px;color:#222\">\n"
                   "<h1 style=\"font-size:20px\">Screenshot verification</h1>\n"
                   "<table style=\"border-collapse:collapse;margin-bottom:12px\">");
    static const char *const verdict_colour[] = {"#1e7e34", "#b00020", "#b00020", "#b36b00", "#555"};
    ca_buf_puts(b, "<tr><td style=\"padding:2px 12px 2px 0\">screenshot</td><td>");
    text(b, r->path);
    ca_buf_printf(b, "</td></tr>\n<tr><td style=\"padding:2px 12px 2px 0\">verdict</td><td><b style=\"color:%s\">",
                  verdict_colour[r->verdict]);
    text(b, ca_verdict_name(r->verdict));
    ca_buf_printf(b, "</b> (confidence %.2f)</td></tr>\n", r->confidence);
    const struct { const char *k, *v; } head[] = {{"group", r->group}, {"accused", r->accused}, {"date", r->date}};
    for (size_t k = 0; k < CA_ARRAY_LEN(head); k++) {
        if (!head[k].v)
            continue;
        ca_buf_printf(b, "<tr><td style=\"padding:2px 12px 2px 0\">%s</td><td>", head[k].k);
        text(b, head[k].v);
        ca_buf_puts(b, "</td></tr>\n");
    }
    if (r->conv_id) {
        ca_buf_puts(b, "<tr><td style=\"padding:2px 12px 2px 0\">conversation</td><td>");
        text(b, r->conv_name);
        ca_buf_puts(b, " (");
        text(b, r->platform);
        ca_buf_puts(b, " ");
        text(b, r->conv_id);
        ca_buf_puts(b, ")</td></tr>\n<tr><td style=\"padding:2px 12px 2px 0\">span</td><td>");
        when(b, ca_import_event(imp, r->span_first)->time_ms, tz);
        ca_buf_puts(b, " – ");
        when(b, ca_import_event(imp, r->span_last)->time_ms, tz);
        ca_buf_printf(b, ", %zu messages</td></tr>\n", r->span_events);
    }
    ca_buf_puts(b, "</table>\n<table style=\"border-collapse:collapse;width:100%\">\n"
                   "<tr style=\"background:#f0f0f0\"><th style=\"padding:6px;border:1px solid #ddd;"
                   "text-align:left;width:42%\">Screenshot</th><th style=\"padding:6px;border:1px solid #ddd;"
                   "text-align:left;width:42%\">Log</th><th style=\"padding:6px;border:1px solid #ddd;"
                   "text-align:left\">Status</th></tr>\n");
    for (size_t k = 0; k < r->n_context; k++)
        if (strcmp(r->context[k].position, "before") == 0)
            context_row(b, &r->context[k], imp, tz);
    for (size_t i = 0; i < r->n_lines; i++) {
        const ca_vline *vl = &r->lines[i];
        ca_buf_printf(b, "<tr style=\"background:%s;vertical-align:top\"><td style=\"padding:6px;"
                         "border:1px solid #ddd\"><div style=\"color:#555;font-size:12px\">line %ld",
                      status_colour(vl->status), vl->line);
        if (vl->line_end != vl->line)
            ca_buf_printf(b, "–%ld", vl->line_end);
        if (vl->time_text) {
            ca_buf_puts(b, " · ");
            text(b, vl->time_text);
        }
        ca_buf_puts(b, "</div>");
        if (vl->sender) {
            if (vl->status == CA_VLINE_WRONG_SENDER)
                ca_buf_puts(b, "<mark>");
            ca_buf_puts(b, "<b>");
            text(b, vl->sender);
            ca_buf_puts(b, "</b>");
            if (vl->status == CA_VLINE_WRONG_SENDER)
                ca_buf_puts(b, "</mark>");
            ca_buf_puts(b, ": ");
        }
        if (vl->n_diff) {
            /* the screenshot's own text with what the log lacks marked */
            for (size_t d = 0; d < vl->n_diff; d++) {
                if (vl->diff[d].op == CA_VDIFF_DELETE)
                    continue;
                if (vl->diff[d].op == CA_VDIFF_INSERT)
                    ca_buf_puts(b, "<mark>");
                chat(b, vl->diff[d].text);
                if (vl->diff[d].op == CA_VDIFF_INSERT)
                    ca_buf_puts(b, "</mark>");
            }
        } else {
            chat(b, vl->text);
        }
        ca_buf_puts(b, "</td><td style=\"padding:6px;border:1px solid #ddd\">");
        if (vl->match == (size_t)-1) {
            ca_buf_puts(b, "<i style=\"color:#a00\">no such message in the log</i>");
        } else {
            const ca_event *e = ca_import_event(imp, vl->match);
            log_cell(b, e, vl->match_who, tz);
            if (vl->status == CA_VLINE_WRONG_SENDER) {
                ca_buf_puts(b, "<div>sent by <ins style=\"background:#d4f4dc\">");
                text(b, vl->match_who);
                ca_buf_puts(b, "</ins></div>");
            }
            if (vl->n_diff) {
                for (size_t d = 0; d < vl->n_diff; d++) {
                    static const char *const open[] = {"", "<del style=\"background:#fbd0d0\">",
                                                       "<ins style=\"background:#d4f4dc\">"};
                    static const char *const close[] = {"", "</del>", "</ins>"};
                    ca_buf_puts(b, open[vl->diff[d].op]);
                    chat(b, vl->diff[d].text);
                    ca_buf_puts(b, close[vl->diff[d].op]);
                }
            } else {
                chat(b, ca_verify_event_text(e));
            }
        }
        ca_buf_puts(b, "</td><td style=\"padding:6px;border:1px solid #ddd\">");
        text(b, ca_vline_status_name(vl->status));
        if (vl->match != (size_t)-1)
            ca_buf_printf(b, "<br><span style=\"color:#555;font-size:12px\">similarity %.2f</span>",
                          vl->similarity);
        ca_buf_puts(b, "</td></tr>\n");
        for (size_t k = 0; k < r->n_context; k++)
            if (strcmp(r->context[k].position, "inside") == 0 && r->context[k].after_line == i)
                context_row(b, &r->context[k], imp, tz);
    }
    for (size_t k = 0; k < r->n_context; k++)
        if (strcmp(r->context[k].position, "after") == 0)
            context_row(b, &r->context[k], imp, tz);
    ca_buf_puts(b, "</table>\n<h2 style=\"font-size:16px\">Evidence</h2>\n<ul>\n");
    for (size_t k = 0; k < r->n_evidence; k++) {
        ca_buf_puts(b, "<li>");
        text(b, r->evidence[k]);
        ca_buf_puts(b, "</li>\n");
    }
    ca_buf_printf(b, "</ul>\n<p style=\"color:#777;font-size:12px\">chataudit %s · the screenshot side shows "
                     "<mark>characters the log does not have</mark>; the log side shows "
                     "<del>characters the screenshot left out or changed</del> and "
                     "<ins>what the screenshot shows instead</ins>.</p>\n</body></html>\n",
                  CA_VERSION);
    return b->oom ? -1 : 0;
}
