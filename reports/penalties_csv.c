/*
 * penalties_csv.c — penalties.csv (SPEC §9): one row per red-line, content
 * or reply incident of the period, in the ledger's numbering order (person,
 * class, time), including incidents that carry no sanction (a reply below
 * manager level: empty sanction, 0 points) and dismissed ones (status
 * dismissed, no offence number).  UTF-8 with a BOM, CRLF, every text cell
 * through ca_buf_csv_cell (formula guard).
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
    ca_buf_putc(b, ',');
}

static void write_row(ca_buf *b, const ca_report *r, const ca_penalties *p, const ca_incident *in)
{
    /* the person as the incident's last finding names them */
    const ca_lfinding *who = &p->findings[in->first + in->n - 1];
    char when[32];
    cell(b, in->person_id);
    cell(b, who->person_name);
    cell(b, who->department);
    cell(b, who->level);
    cell(b, in->pclass);
    if (in->offence_no)
        ca_buf_put_long(b, in->offence_no);
    ca_buf_putc(b, ',');
    cell(b, in->id);
    cell(b, in->rule);
    cell(b, ca_time_format(in->first_ms, r->cfg->tz_offset_min, when));
    cell(b, in->sanction);
    if (in->fine_yuan >= 0)
        ca_buf_put_long(b, in->fine_yuan);
    ca_buf_putc(b, ',');
    ca_buf_put_long(b, in->points);
    ca_buf_putc(b, ',');
    ca_buf_puts(b, ca_incident_status_name(in->status));
    ca_buf_puts(b, "\r\n");
}

/* One row per incident of the period (the ledger holds every period). */
static void row_of(ca_buf *b, const void *ctx, size_t i)
{
    const ca_report *r = ctx;
    const ca_penalties *p = r->pen;
    if (ca_strcmp0(p->incidents[i].period, r->period) == 0)
        write_row(b, r, p, &p->incidents[i]);
}

int ca_write_penalties_csv(const ca_report *r, const char *path)
{
    return ca_write_csv_report(path,
                               "person_id,name,department,level,class,offence_no,incident_id,rules,"
                               "first_time,sanction,fine_yuan,points,status",
                               r->pen ? r->pen->n_incidents : 0, row_of, r);
}
