/*
 * findings_csv.c — findings.csv (SPEC §9): one row per finding, in the
 * findings' order, for Excel: UTF-8 with a BOM, CRLF line ends, RFC 4180
 * quoting, and every text cell through ca_buf_csv_cell (formula guard).
 */
#include <errno.h>
#include <string.h>
#include "outfile.h"
#include "report.h"
#include "timeparse.h"

/* Excel keeps at most 32 767 characters in a cell and spills the rest of
 * a longer one into the next row; a longer evidence text is cut (at a
 * character boundary) and marked. */
#define CSV_CELL_MAX 32000

static void cell(ca_buf *b, const char *s)
{
    if (s)
        ca_buf_csv_cell(b, s, strlen(s));
    ca_buf_putc(b, ',');
}

static void cell_capped(ca_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n <= CSV_CELL_MAX) {
        cell(b, s);
        return;
    }
    while (n > CSV_CELL_MAX || (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80))
        n--;
    ca_buf tmp = CA_BUF_INIT;
    ca_buf_put(&tmp, s, n);
    ca_buf_puts(&tmp, "…");
    if (tmp.oom)
        b->oom = 1; /* sticky: the writer sees it */
    else
        ca_buf_csv_cell(b, tmp.data, tmp.len);
    ca_buf_free(&tmp);
    ca_buf_putc(b, ',');
}

static void write_row(ca_buf *b, const ca_report *r, const ca_finding *f)
{
    char when[32];
    const ca_conv *c = f->conv;
    cell(b, f->id);
    cell(b, f->rule);
    cell(b, f->clause);
    cell(b, ca_severity_name(f->severity));
    cell(b, r->period);
    cell(b, c ? c->platform : NULL);
    cell(b, c ? c->id : NULL);
    cell(b, c ? c->name : NULL);
    cell(b, f->person_id);
    cell(b, f->person_name);
    cell(b, f->department);
    cell(b, ca_time_format(f->time_ms, r->cfg->tz_offset_min, when));
    cell(b, f->message_id);
    const ca_incident *in = ca_penalties_incident_of(r->pen, f->id);
    cell(b, in && ca_strcmp0(in->period, r->period) == 0 ? in->id : NULL);
    cell_capped(b, f->evidence);
    cell(b, f->detail);
    if (f->src_path) {
        ca_buf src = CA_BUF_INIT;
        if (f->src_line > 0)
            ca_buf_printf(&src, "%s:%ld", f->src_path, f->src_line);
        else
            ca_buf_puts(&src, f->src_path);
        if (src.oom)
            b->oom = 1;
        else
            ca_buf_csv_cell(b, src.data, src.len);
        ca_buf_free(&src);
    }
    ca_buf_puts(b, "\r\n");
}

static void row_of(ca_buf *b, const void *ctx, size_t i)
{
    const ca_report *r = ctx;
    write_row(b, r, &r->findings->items[i]);
}

int ca_write_findings_csv(const ca_report *r, const char *path)
{
    return ca_write_csv_report(path,
                               "finding_id,rule,clause,severity,period,platform,group_id,group_name,"
                               "person_id,person_name,department,time,message_id,incident_id,"
                               "evidence,detail,src",
                               r->findings ? r->findings->n : 0, row_of, r);
}
