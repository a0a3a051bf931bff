/*
 * common.c — shared helpers of the CSV-based parsers.
 */
#include <string.h>
#include "../analyzer/buf.h"
#include "../analyzer/timeparse.h"
#include "common.h"

static size_t line_len(const char *head)
{
    size_t n = 0;
    while (head[n] && head[n] != '\r' && head[n] != '\n')
        n++;
    return n;
}

int pc_first_line_is(const char *head, const char *sig)
{
    size_t n = line_len(head);
    return n == strlen(sig) && memcmp(head, sig, n) == 0;
}

int pc_first_line_starts(const char *head, const char *sig)
{
    size_t n = line_len(head), k = strlen(sig);
    return n >= k && memcmp(head, sig, k) == 0 && (n == k || head[k] == ',');
}

const char *pc_clean_str(ca_sink *s, long line, const char *p, size_t n)
{
    const char *nul = memchr(p, '\0', n);
    if (!nul)
        return ca_sink_str(s, p, n);
    ca_buf b = CA_BUF_INIT;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            ca_buf_putc(&b, p[i]);
        } else {
            ca_buf_put_utf8(&b, 0xFFFD);
            count++;
        }
    }
    const char *r = b.oom ? NULL : ca_sink_str(s, ca_buf_cstr(&b), b.len);
    ca_buf_free(&b);
    ca_sink_warn(s, line, "%zu NUL character%s (\\u0000) in the text replaced by U+FFFD", count,
                 count == 1 ? "" : "s");
    return r;
}

int pc_first_line_commas(const char *head)
{
    int n = 0;
    for (size_t i = 0; i < line_len(head); i++)
        n += head[i] == ',';
    return n;
}

const char *pc_conv_from_path(ca_sink *s, const ca_entry *e, const char *const *suffixes)
{
    /* "<digits>@chatroom" anywhere in the path wins. */
    const char *at = strstr(e->path, "@chatroom");
    if (at) {
        const char *b = at;
        while (b > e->path && b[-1] >= '0' && b[-1] <= '9')
            b--;
        if (b < at)
            return ca_sink_intern(s, b, (size_t)(at - b) + strlen("@chatroom"));
    }
    const char *name = e->name;
    size_t n = strlen(name);
    const char *dot = strrchr(name, '.');
    if (dot && dot > name)
        n = (size_t)(dot - name);
    for (size_t i = 0; suffixes && suffixes[i]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && memcmp(name + n - k, suffixes[i], k) == 0) {
            n -= k;
            break;
        }
    }
    return ca_sink_intern(s, name, n);
}

int pc_col(char **fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ca_trim(fields[i]), name) == 0)
            return (int)i;
    return -1;
}

const char *pc_field(ca_sink *s, char **f, size_t *fl, size_t nf, int i)
{
    if (i < 0 || (size_t)i >= nf || fl[i] == 0)
        return NULL;
    return ca_sink_str(s, f[i], fl[i]);
}

const char *pc_rawfield(char **f, size_t *fl, size_t nf, int i)
{
    if (i < 0 || (size_t)i >= nf || fl[i] == 0)
        return NULL;
    return f[i];
}

const char *pc_ifield(ca_sink *s, char **f, size_t *fl, size_t nf, int i)
{
    if (i < 0 || (size_t)i >= nf || fl[i] == 0)
        return NULL;
    return ca_sink_intern(s, f[i], fl[i]);
}

int pc_time(ca_sink *s, long line, const char *field, int64_t *ms, uint32_t *flags)
{
    int tf = 0;
    if (!field || ca_time_parse(field, strlen(field), ca_sink_tz(s), ms, &tf) != 0) {
        ca_sink_error(s, line,
                      "expected a time (epoch, YYYY-MM-DD HH:MM:SS, YYYY/M/D H:MM or ISO 8601), "
                      "found \"%.40s\"; record skipped",
                      field ? field : "");
        return -1;
    }
    if ((tf & CA_TP_NO_SECONDS) && flags)
        *flags |= CA_EV_TIME_MINUTE;
    return 0;
}

ca_status pc_read_csv(const ca_entry *e, ca_sink *s, size_t min_fields,
                      pc_header_fn header, pc_row_fn row, void *ud)
{
    ca_csv *csv = ca_csv_open(e->text, e->len, ca_sink_max_line(s));
    if (!csv)
        return CA_FATAL;
    char **f;
    size_t *fl, nf;
    long line;
    int have_header = 0;
    ca_status st = CA_OK, r;
    while ((r = ca_csv_next(csv, &f, &fl, &nf, &line)) != CA_EOF) {
        if (r == CA_FATAL) {
            st = CA_FATAL;
            break;
        }
        if (r == CA_FAILED) {
            ca_sink_record(s);
            ca_sink_error(s, line, "%s; record skipped", ca_csv_errmsg(csv));
            continue;
        }
        if (!have_header) {
            have_header = 1;
            if (header && (st = header(ud, s, f, nf)) != CA_OK)
                break;
            continue;
        }
        ca_sink_record(s);
        if (nf < min_fields) {
            ca_sink_error(s, line, "expected %zu fields, found %zu; record skipped",
                          min_fields, nf);
            continue;
        }
        if ((st = row(ud, s, line, f, fl, nf)) == CA_FATAL)
            break;
        st = CA_OK;
    }
    ca_csv_close(csv);
    return st;
}
