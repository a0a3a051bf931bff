/*
 * csvrows_libcsv.c — the CSV reader as it was before analyzer/csvrows.c
 * wrote out libcsv's state machine: libcsv driven one line at a time.
 * Kept verbatim (names prefixed ref_) as the reference the tests compare
 * the reader with; included by tests/test_csvrows.c and tests/fuzz/fuzz_csvrows.c.
 */
#include <csv.h>
#include <stdio.h>
#include <string.h>
#include "buf.h"
#include "ca.h"

typedef struct ref_csv ref_csv;

typedef struct ref_row {
    ca_buf data;      /* fields back to back, each NUL-terminated */
    size_t *offs;
    size_t *lens;
    char **ptrs;
    size_t n, cap;
    long line;
} ref_row;

struct ref_csv {
    struct csv_parser p;
    const char *text, *pos, *end;
    size_t max_record;
    long line;           /* line number of the next line to feed */
    long rec_start;      /* line the current record started on */
    const char *rec_next;/* where the line after the record's first begins */
    size_t rec_bytes;
    ref_row cur;             /* record being built by the callbacks */
    ref_row ready[2];        /* completed records (libcsv may finish 1 per line) */
    int n_ready, next_ready;
    int oom;
    int started;         /* a field of the current record was seen */
    char err[256];
};

static void ref_reset_row(ref_row *r)
{
    ca_buf_reset(&r->data);
    r->n = 0;
}

static void ref_free_row(ref_row *r)
{
    ca_buf_free(&r->data);
    ca_free(r->offs);
    ca_free(r->lens);
    ca_free(r->ptrs);
}

/* Appends a field, normalizing CR LF and lone CR to LF. */
static void ref_on_field(void *s, size_t len, void *ud)
{
    ref_csv *c = ud;
    ref_row *r = &c->cur;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        size_t *no = ca_realloc(r->offs, cap * sizeof *no);
        if (no) r->offs = no;
        size_t *nl = ca_realloc(r->lens, cap * sizeof *nl);
        if (nl) r->lens = nl;
        char **np = ca_realloc(r->ptrs, cap * sizeof *np);
        if (np) r->ptrs = np;
        if (!no || !nl || !np) {
            c->oom = 1;
            return;
        }
        r->cap = cap;
    }
    size_t start = r->data.len;
    const char *f = s ? s : "";
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (f[i] != '\r') {
            run++;
            continue;
        }
        ca_buf_put(&r->data, f + i - run, run);
        run = 0;
        /* CR LF, CR CR LF and a lone CR are each one line break */
        if (i + 1 >= len || (f[i + 1] != '\n' && f[i + 1] != '\r'))
            ca_buf_putc(&r->data, '\n');
    }
    ca_buf_put(&r->data, f + len - run, run);
    ca_buf_putc(&r->data, '\0');
    if (r->data.oom) {
        c->oom = 1;
        return;
    }
    r->offs[r->n] = start;
    r->lens[r->n] = r->data.len - start - 1;
    r->n++;
    c->started = 1;
}

static void ref_on_row(int term, void *ud)
{
    ref_csv *c = ud;
    (void)term;
    if (c->n_ready >= 2) { /* cannot happen: one line ends at most one record */
        c->oom = 1;
        snprintf(c->err, sizeof c->err, "internal error: more than one record on a line");
        return;
    }
    ref_row *dst = &c->ready[c->n_ready++];
    ref_row tmp = *dst;
    *dst = c->cur;
    dst->line = c->rec_start;
    c->cur = tmp;
    ref_reset_row(&c->cur);
    c->started = 0;
    c->rec_bytes = 0;
}

static ref_csv *ref_csv_open(const char *text, size_t len, size_t max_record)
{
    ref_csv *c = ca_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0) {
        ca_free(c);
        return NULL;
    }
    csv_set_realloc_func(&c->p, ca_realloc);
    csv_set_free_func(&c->p, ca_free);
    c->text = c->pos = text;
    c->end = text + len;
    c->max_record = max_record ? max_record : 1 << 20;
    c->line = 1;
    c->rec_start = 1;
    c->rec_next = text;
    return c;
}

static void ref_csv_close(ref_csv *c)
{
    if (!c)
        return;
    csv_free(&c->p);
    ref_free_row(&c->cur);
    ref_free_row(&c->ready[0]);
    ref_free_row(&c->ready[1]);
    ca_free(c);
}

static const char *ref_csv_errmsg(const ref_csv *c) { return c->err; }

/* Restarts the parser after a malformed record. */
static int ref_restart(ref_csv *c)
{
    csv_free(&c->p);
    if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
        return -1;
    csv_set_realloc_func(&c->p, ca_realloc);
    csv_set_free_func(&c->p, ca_free);
    ref_reset_row(&c->cur);
    c->started = 0;
    c->rec_bytes = 0;
    return 0;
}

static ca_status ref_take_ready(ref_csv *c, char ***fields, size_t **lens, size_t *nf, long *line)
{
    ref_row *r = &c->ready[c->next_ready++];
    for (size_t i = 0; i < r->n; i++)
        r->ptrs[i] = r->data.data + r->offs[i];
    *fields = r->ptrs;
    *lens = r->lens;
    *nf = r->n;
    *line = r->line;
    return CA_OK;
}

/* Length of the line at p: up to and including '\n', or a lone '\r' (one
 * not followed by '\r' or '\n': old Mac files).  "\r\r\n" is one ending. */
static size_t ref_line_length(const char *p, const char *end)
{
    for (const char *q = p; q < end; q++) {
        if (*q == '\n')
            return (size_t)(q - p) + 1;
        if (*q == '\r' && q + 1 < end && q[1] != '\n' && q[1] != '\r')
            return (size_t)(q - p) + 1;
    }
    return (size_t)(end - p);
}

/* After a record longer than the limit: skips to its end.  Inside a
 * quoted field that is the first line end outside quotes (tracking quote
 * parity), so the field's contents are never read as records. */
static void ref_skip_long_record(ref_csv *c)
{
    int quoted = c->p.quoted && c->p.pstate == 2; /* FIELD_BEGUN inside quotes */
    const char *p = c->pos;
    while (p < c->end) {
        char ch = *p++;
        if (ch == '"')
            quoted = !quoted;
        else if (ch == '\n' && !quoted)
            break;
        if (ch == '\n')
            c->line++;
    }
    c->line++;
    c->pos = p;
}

static ca_status ref_csv_next(ref_csv *c, char ***fields, size_t **lens, size_t *nf, long *line)
{
    for (;;) {
        if (c->next_ready < c->n_ready)
            return ref_take_ready(c, fields, lens, nf, line);
        c->n_ready = c->next_ready = 0;
        if (c->oom)
            return CA_FATAL;
        if (c->pos >= c->end) {
            if (c->text == NULL)
                return CA_EOF;
            long start = c->rec_start;
            if (csv_fini(&c->p, ref_on_field, ref_on_row, c) != 0) {
                /* A quote opened and never closed: the record is lost, but
                 * not the lines after its first one, which are read again
                 * as records of their own. */
                snprintf(c->err, sizeof c->err,
                         "malformed CSV: quoted field opened on line %ld is never closed", start);
                *line = start;
                c->pos = c->rec_next;
                c->line = start + 1;
                if (ref_restart(c) < 0)
                    return CA_FATAL;
                c->rec_start = c->line;
                return CA_FAILED;
            }
            c->text = NULL;
            continue;
        }
        size_t n = ref_line_length(c->pos, c->end);
        const char *chunk = c->pos;
        long this_line = c->line;
        c->pos += n;
        c->line++;
        if (!c->started && c->p.pstate == 0 && c->p.entry_pos == 0) {
            c->rec_start = this_line;
            c->rec_next = c->pos;
        }
        c->rec_bytes += n;
        if (c->rec_bytes > c->max_record) {
            snprintf(c->err, sizeof c->err,
                     "CSV record longer than %zu bytes (unbalanced quote?)", c->max_record);
            *line = c->rec_start;
            c->pos = chunk; /* skip from the line that went over the limit */
            c->line = this_line;
            ref_skip_long_record(c);
            if (ref_restart(c) < 0)
                return CA_FATAL;
            c->n_ready = c->next_ready = 0;
            c->rec_start = c->line;
            return CA_FAILED;
        }
        size_t used = csv_parse(&c->p, chunk, n, ref_on_field, ref_on_row, c);
        if (c->oom)
            return CA_FATAL;
        if (used != n) {
            int e = csv_error(&c->p);
            long start = c->rec_start;
            size_t col = 1; /* in characters, as an editor shows it */
            for (size_t i = 0; i < used; i++)
                if (((unsigned char)chunk[i] & 0xC0) != 0x80)
                    col++;
            snprintf(c->err, sizeof c->err, "malformed CSV: %s (at line %ld, column %zu)",
                     e == CSV_EPARSE ? "a quote inside an unquoted field or text after a closing quote"
                                     : csv_strerror(e),
                     this_line, col);
            *line = start;
            /* Records completed earlier on this line are dropped with it. */
            c->n_ready = c->next_ready = 0;
            if (ref_restart(c) < 0)
                return CA_FATAL;
            c->rec_start = c->line;
            return CA_FAILED;
        }
    }
}
