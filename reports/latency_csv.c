/*
 * latency_csv.c — latency.csv (SPEC §9): one row per tracked message and
 * responsible person of the reply rules, in the latency records' order
 * (conversation, time, rule, responder), for Excel: UTF-8 with a BOM, CRLF
 * line ends, RFC 4180 quoting, every text cell through ca_buf_csv_cell.
 *
 * business_minutes has one decimal (45.6), the business time from the
 * message to the reply — or to the end of the export when there is none.
 */
#include <errno.h>
#include <string.h>
#include "outfile.h"
#include "report.h"
#include "timeparse.h"

static void cell(ca_buf *b, const char *s)
{
    if (s)
        ca_buf_csv_cell(b, s, strlen(s));
}

static void write_row(ca_buf *b, const ca_report *r, const ca_latency *l)
{
    char t[32];
    int tz = r->cfg->tz_offset_min;
    const ca_conv *c = l->conv;
    cell(b, l->rule);
    ca_buf_putc(b, ',');
    cell(b, c ? c->platform : NULL);
    ca_buf_putc(b, ',');
    cell(b, c ? c->id : NULL);
    ca_buf_putc(b, ',');
    cell(b, c ? c->name : NULL);
    ca_buf_putc(b, ',');
    cell(b, l->asker_id);
    ca_buf_putc(b, ',');
    cell(b, ca_time_format(l->asked_ms, tz, t));
    ca_buf_putc(b, ',');
    cell(b, l->message_id);
    ca_buf_putc(b, ',');
    cell(b, l->responder_id);
    ca_buf_putc(b, ',');
    if (l->deadline_ms != INT64_MAX)
        cell(b, ca_time_format(l->deadline_ms, tz, t));
    ca_buf_putc(b, ',');
    if (l->answered_ms >= 0)
        cell(b, ca_time_format(l->answered_ms, tz, t));
    ca_buf_putc(b, ',');
    cell(b, ca_latency_minutes_text(l->business_ms, t));
    ca_buf_putc(b, ',');
    cell(b, ca_latency_status_name(l->status));
    ca_buf_puts(b, "\r\n");
}

static void row_of(ca_buf *b, const void *ctx, size_t i)
{
    const ca_report *r = ctx;
    write_row(b, r, &r->findings->latency[i]);
}

int ca_write_latency_csv(const ca_report *r, const char *path)
{
    return ca_write_csv_report(path,
                               "rule,platform,group_id,group_name,asker_id,asked_at,message_id,"
                               "responder_id,deadline,answered_at,business_minutes,status",
                               r->findings ? r->findings->n_latency : 0, row_of, r);
}
