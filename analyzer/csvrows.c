/*
 * csvrows.c — the CSV reader, fed one line at a time, so every record
 * knows the line it started on and a malformed record costs only itself.
 *
 * The field splitter is libcsv's state machine (csv_parse with CSV_STRICT |
 * CSV_STRICT_FINI | CSV_EMPTY_IS_NULL, default space, terminator, quote
 * and delimiter) written out here so that the common runs — the bytes of an
 * unquoted field up to the next comma, space or line end; the bytes of a
 * quoted field up to the next quote — are copied in one go straight into
 * the record, instead of a callback per field and a bounds-checked store
 * per byte.  Its behaviour is libcsv's, byte for byte: unquoted fields lose
 * their leading and trailing spaces and tabs, blank lines (also lines of
 * spaces) are no records, a quote inside an unquoted field or anything but
 * spaces, a comma or a line end after a closing quote is an error at that
 * byte, and a quote still open at the end is an error.
 * tests/test_csvrows.c checks it against libcsv driven the old way
 * (tests/ref/csvrows_libcsv.c) on random and edge-case inputs.
 */
#include <stdio.h>
#include <string.h>
#include "csvrows.h"

/* libcsv's parser states */
enum { ROW_NOT_BEGUN, FIELD_NOT_BEGUN, FIELD_BEGUN, FIELD_MIGHT_HAVE_ENDED };

typedef struct row {
    char *data;       /* fields back to back, each NUL-terminated */
    size_t len, cap;
    size_t *offs;
    size_t *lens;
    char **ptrs;
    size_t n, cap_f;
    long line;
} row;

struct ca_csv {
    const char *text, *pos, *end;
    size_t max_record;
    long line;           /* line number of the next line to feed */
    long rec_start;      /* line the current record started on */
    const char *rec_next;/* where the line after the record's first begins */
    size_t rec_bytes;
    /* the splitter's state (libcsv's pstate, quoted, spaces, entry_pos;
     * the current field is cur.data[fstart ..]) */
    int pstate, quoted;
    size_t spaces;
    size_t fstart;
    int field_cr;        /* the current field holds a CR */
    row cur;             /* record being built */
    row ready;           /* the completed record (one line ends at most one) */
    int n_ready, next_ready;
    int oom;
    int started;         /* a field of the current record was seen */
    char err[256];
};

static void free_row(row *r)
{
    ca_free(r->data);
    ca_free(r->offs);
    ca_free(r->lens);
    ca_free(r->ptrs);
}

/* Room for n more bytes of the current record. */
static int reserve(ca_csv *c, size_t n)
{
    row *r = &c->cur;
    if (r->cap - r->len >= n)
        return 0;
    char *d = n <= SIZE_MAX - r->len ? ca_grow(r->data, &r->cap, r->len + n, 1, 256) : NULL;
    if (!d) {
        c->oom = 1;
        return -1;
    }
    r->data = d;
    return 0;
}

/* libcsv's SUBMIT_FIELD: the field is cur.data[fstart .. cur.len); CR LF,
 * CR CR LF and a lone CR in it become LF.  One byte (the NUL) must be
 * reserved. */
static void submit_field(ca_csv *c)
{
    row *r = &c->cur;
    if (!c->quoted)
        r->len -= c->spaces;
    if (r->n == r->cap_f) {
        size_t cap = r->cap_f ? r->cap_f * 2 : 16;
        size_t *no = ca_realloc(r->offs, cap * sizeof *no);
        if (no)
            r->offs = no;
        size_t *nl = ca_realloc(r->lens, cap * sizeof *nl);
        if (nl)
            r->lens = nl;
        char **np = ca_realloc(r->ptrs, cap * sizeof *np);
        if (np)
            r->ptrs = np;
        if (!no || !nl || !np) {
            c->oom = 1;
            return;
        }
        r->cap_f = cap;
    }
    size_t start = c->fstart;
    if (c->field_cr) {
        char *f = r->data + start;
        size_t len = r->len - start, o = 0;
        for (size_t i = 0; i < len; i++) {
            if (f[i] != '\r') {
                f[o++] = f[i];
                continue;
            }
            /* CR LF, CR CR LF and a lone CR are each one line break */
            if (i + 1 >= len || (f[i + 1] != '\n' && f[i + 1] != '\r'))
                f[o++] = '\n';
        }
        r->len = start + o;
    }
    r->data[r->len++] = '\0';
    r->offs[r->n] = start;
    r->lens[r->n] = r->len - start - 1;
    r->n++;
    c->started = 1;
    c->pstate = FIELD_NOT_BEGUN;
    c->quoted = 0;
    c->spaces = 0;
    c->field_cr = 0;
    c->fstart = r->len;
}

/* The splitter at the start of a record: after one is submitted, or
 * after a malformed one. */
static void restart(ca_csv *c)
{
    c->cur.len = 0;
    c->cur.n = 0;
    c->fstart = 0;
    c->pstate = ROW_NOT_BEGUN;
    c->quoted = 0;
    c->spaces = 0;
    c->field_cr = 0;
    c->started = 0;
    c->rec_bytes = 0;
}

/* libcsv's SUBMIT_ROW */
static void submit_row(ca_csv *c)
{
    row tmp = c->ready;
    c->ready = c->cur;
    c->ready.line = c->rec_start;
    c->n_ready = 1;
    c->cur = tmp;
    restart(c);
}

/* Bytes that end an unquoted field: , " CR LF. */
static const unsigned char unq_stop[256] = {
    ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [','] = 1,
};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* Nonzero when one of the 8 bytes of v is zero / below n (n <= 0x80). */
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)
#define HAS_LESS(v, n) (((v) - ONES * (n)) & ~(v) & HIGHS)

/* The first byte at or after pos in s[0..n) that unq_stop marks (n if
 * none): eight bytes at a time (little-endian words), looking for a comma,
 * a quote or a byte below 0x0E (which takes in CR and LF), then byte by
 * byte. */
static size_t unquoted_end(const char *s, size_t pos, size_t n)
{
    while (pos + 8 <= n) {
        uint64_t v;
        memcpy(&v, s + pos, 8);
        uint64_t m = HAS_LESS(v, 0x0E) | HAS_ZERO(v ^ (ONES * ',')) | HAS_ZERO(v ^ (ONES * '"'));
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
        if (m)
            break;
#endif
        if (m) {
            /* the lowest marked byte is a real match of one of the tests
             * (the borrow only marks bytes above one); below 0x0E it may
             * be a tab or another control, which goes on */
            size_t k = pos + (size_t)__builtin_ctzll(m) / 8;
            if (unq_stop[(unsigned char)s[k]])
                return k;
            pos = k + 1;
            continue;
        }
        pos += 8;
    }
    while (pos < n && !unq_stop[(unsigned char)s[pos]])
        pos++;
    return pos;
}

/*
 * libcsv's csv_parse over one line: returns the bytes consumed, n unless
 * the byte at the returned offset is a syntax error (c->oom tells out of
 * memory apart).  Every byte of the line lands at most once in the record,
 * plus one NUL per field, so reserving 2n + 1 up front makes the stores
 * below unchecked.
 */
static size_t parse_line(ca_csv *c, const char *s, size_t n)
{
    if (reserve(c, 2 * n + 1) < 0)
        return 0;
    row *r = &c->cur;
    size_t pos = 0;
    while (pos < n) {
        unsigned char ch;
        switch (c->pstate) {
        case ROW_NOT_BEGUN:
        case FIELD_NOT_BEGUN:
            ch = (unsigned char)s[pos++];
            if (ch == ' ' || ch == '\t')
                continue;
            if (ch == '\r' || ch == '\n') {
                if (c->pstate == FIELD_NOT_BEGUN) {
                    submit_field(c);
                    if (c->oom)
                        return pos;
                    submit_row(c);
                    r = &c->cur;
                    /* the rest of the line is line ends: reserve again
                     * for the record that a later line may start */
                    if (reserve(c, 2 * (n - pos) + 1) < 0)
                        return pos;
                }
                continue;
            }
            if (ch == ',') {
                submit_field(c);
                if (c->oom)
                    return pos;
                continue;
            }
            c->pstate = FIELD_BEGUN;
            if (ch == '"') {
                c->quoted = 1;
            } else { /* the field's first byte: FIELD_BEGUN copies it */
                c->quoted = 0;
                c->spaces = 0;
                pos--;
            }
            continue;
        case FIELD_BEGUN:
            if (c->quoted) {
                /* everything up to the next quote is the field's */
                const char *q = memchr(s + pos, '"', n - pos);
                size_t run = (q ? (size_t)(q - s) : n) - pos;
                if (run) {
                    memcpy(r->data + r->len, s + pos, run);
                    if (!c->field_cr && memchr(s + pos, '\r', run))
                        c->field_cr = 1;
                    r->len += run;
                    pos += run;
                }
                if (q) {
                    pos++;
                    r->data[r->len++] = '"';
                    c->pstate = FIELD_MIGHT_HAVE_ENDED;
                }
                continue;
            }
            {
                /* up to the next comma, quote or line end in one go; its
                 * trailing spaces and tabs are libcsv's "spaces" */
                size_t start = pos;
                pos = unquoted_end(s, pos, n);
                size_t run = pos - start, t = 0;
                if (run) {
                    memcpy(r->data + r->len, s + start, run);
                    r->len += run;
                    while (t < run && (s[pos - 1 - t] == ' ' || s[pos - 1 - t] == '\t'))
                        t++;
                    c->spaces = t == run ? c->spaces + run : t;
                }
            }
            if (pos >= n)
                continue;
            ch = (unsigned char)s[pos++];
            if (ch == '"')
                return pos - 1; /* a quote inside an unquoted field */
            submit_field(c);
            if (c->oom)
                return pos;
            if (ch != ',') { /* CR or LF */
                submit_row(c);
                r = &c->cur;
                if (reserve(c, 2 * (n - pos) + 1) < 0)
                    return pos;
            }
            continue;
        default: /* FIELD_MIGHT_HAVE_ENDED: after a quote in a quoted field */
            ch = (unsigned char)s[pos++];
            if (ch == ',' || ch == '\r' || ch == '\n') {
                r->len -= c->spaces + 1; /* the spaces and the closing quote */
                submit_field(c);
                if (c->oom)
                    return pos;
                if (ch != ',') {
                    submit_row(c);
                    r = &c->cur;
                    if (reserve(c, 2 * (n - pos) + 1) < 0)
                        return pos;
                }
            } else if (ch == ' ' || ch == '\t') {
                r->data[r->len++] = (char)ch;
                c->spaces++;
            } else if (ch == '"' && !c->spaces) {
                c->pstate = FIELD_BEGUN; /* a doubled quote: one is kept */
            } else {
                return pos - 1; /* text after a closing quote */
            }
            continue;
        }
    }
    return n;
}

/* libcsv's csv_fini: -1 when a quoted field is still open. */
static int parse_fini(ca_csv *c)
{
    if (c->pstate == FIELD_BEGUN && c->quoted)
        return -1;
    if (c->pstate != ROW_NOT_BEGUN) {
        if (reserve(c, 1) < 0)
            return 0;
        if (c->pstate == FIELD_MIGHT_HAVE_ENDED)
            c->cur.len -= c->spaces + 1;
        submit_field(c);
        if (c->oom)
            return 0;
        submit_row(c);
    }
    return 0;
}

ca_csv *ca_csv_open(const char *text, size_t len, size_t max_record)
{
    ca_csv *c = ca_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->text = c->pos = text;
    c->end = text + len;
    c->max_record = max_record ? max_record : 1 << 20;
    c->line = 1;
    c->rec_start = 1;
    c->rec_next = text;
    return c;
}

void ca_csv_close(ca_csv *c)
{
    if (!c)
        return;
    free_row(&c->cur);
    free_row(&c->ready);
    ca_free(c);
}

const char *ca_csv_errmsg(const ca_csv *c) { return c->err; }


static ca_status take_ready(ca_csv *c, char ***fields, size_t **lens, size_t *nf, long *line)
{
    row *r = &c->ready;
    c->next_ready++;
    for (size_t i = 0; i < r->n; i++)
        r->ptrs[i] = r->data + r->offs[i];
    *fields = r->ptrs;
    *lens = r->lens;
    *nf = r->n;
    *line = r->line;
    return CA_OK;
}

/* Length of the line at p: up to and including '\n', or a lone '\r' (one
 * not followed by '\r' or '\n': old Mac files).  "\r\r\n" is one ending. */
static size_t line_length(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *lim = nl ? nl + 1 : end;
    const char *q = memchr(p, '\r', (size_t)(lim - p));
    if (!q)
        return (size_t)(lim - p);
    for (; q < lim; q++) {
        if (*q == '\n')
            return (size_t)(q - p) + 1;
        if (*q == '\r' && q + 1 < end && q[1] != '\n' && q[1] != '\r')
            return (size_t)(q - p) + 1;
    }
    return (size_t)(lim - p);
}

/* After a record longer than the limit: skips to its end.  Inside a
 * quoted field that is the first line end outside quotes (tracking quote
 * parity), so the field's contents are never read as records. */
static void skip_long_record(ca_csv *c)
{
    int quoted = c->quoted && c->pstate == FIELD_BEGUN;
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

ca_status ca_csv_next(ca_csv *c, char ***fields, size_t **lens, size_t *nf, long *line)
{
    for (;;) {
        if (c->next_ready < c->n_ready)
            return take_ready(c, fields, lens, nf, line);
        c->n_ready = c->next_ready = 0;
        if (c->oom)
            return CA_FATAL;
        if (c->pos >= c->end) {
            if (c->text == NULL)
                return CA_EOF;
            long start = c->rec_start;
            if (parse_fini(c) != 0) {
                /* A quote opened and never closed: the record is lost, but
                 * not the lines after its first one, which are read again
                 * as records of their own. */
                snprintf(c->err, sizeof c->err,
                         "malformed CSV: quoted field opened on line %ld is never closed", start);
                *line = start;
                c->pos = c->rec_next;
                c->line = start + 1;
                restart(c);
                c->rec_start = c->line;
                return CA_FAILED;
            }
            if (c->oom)
                return CA_FATAL;
            c->text = NULL;
            continue;
        }
        size_t n = line_length(c->pos, c->end);
        const char *chunk = c->pos;
        long this_line = c->line;
        c->pos += n;
        c->line++;
        if (!c->started && c->pstate == ROW_NOT_BEGUN && c->cur.len == 0) {
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
            skip_long_record(c);
            restart(c);
            c->n_ready = c->next_ready = 0;
            c->rec_start = c->line;
            return CA_FAILED;
        }
        size_t used = parse_line(c, chunk, n);
        if (c->oom)
            return CA_FATAL;
        if (used != n) {
            long start = c->rec_start;
            size_t col = 1; /* in characters, as an editor shows it */
            for (size_t i = 0; i < used; i++)
                if (((unsigned char)chunk[i] & 0xC0) != 0x80)
                    col++;
            snprintf(c->err, sizeof c->err, "malformed CSV: %s (at line %ld, column %zu)",
                     "a quote inside an unquoted field or text after a closing quote", this_line,
                     col);
            *line = start;
            /* Records completed earlier on this line are dropped with it. */
            c->n_ready = c->next_ready = 0;
            restart(c);
            c->rec_start = c->line;
            return CA_FAILED;
        }
    }
}
