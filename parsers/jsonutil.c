/*
 * jsonutil.c — json-c helpers of the JSON-based parsers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../analyzer/timeparse.h"
#include "common.h"
#include "jsonutil.h"

/* Line and column (in characters) of byte offset off in text. */
static void locate(const char *text, size_t off, long *line, long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

ca_status pj_parse_doc(const ca_entry *e, ca_sink *s, json_object **out)
{
    *out = NULL;
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return CA_FATAL;
    if (e->len > INT32_MAX) {
        json_tokener_free(tok);
        ca_sink_error(s, 0, "JSON document larger than 2 GiB; entry skipped");
        return CA_FATAL;
    }
    json_object *o = json_tokener_parse_ex(tok, e->text, (int)e->len);
    enum json_tokener_error err = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (err == json_tokener_continue) {
        err = json_tokener_error_parse_eof;
        end = e->len;
    }
    if (err == json_tokener_success) {
        /* only blanks may follow the value */
        while (end < e->len && strchr(" \t\r\n", e->text[end]))
            end++;
        if (end < e->len) {
            json_object_put(o);
            o = NULL;
            long line, col;
            locate(e->text, end, &line, &col);
            ca_sink_error(s, line, "invalid JSON at line %ld, column %ld: text after the end of the "
                          "document; entry skipped", line, col);
            json_tokener_free(tok);
            return CA_FATAL;
        }
        json_tokener_free(tok);
        *out = o;
        return CA_OK;
    }
    long line, col;
    locate(e->text, end, &line, &col);
    ca_sink_error(s, line, "invalid JSON at line %ld, column %ld: %s; entry skipped", line, col,
                  json_tokener_error_desc(err));
    json_object_put(o);
    json_tokener_free(tok);
    return CA_FATAL;
}

ca_status pj_each_line(const ca_entry *e, ca_sink *s, pj_line_fn fn, void *ud)
{
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        return CA_FATAL;
    const char *p = e->text, *end = e->text + e->len;
    long line = 0;
    ca_status st = CA_OK;
    while (p < end && st != CA_FATAL) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        line++;
        const char *q = p;
        while (q < eol && strchr(" \t\r", *q))
            q++;
        size_t n = (size_t)(eol - q);
        while (n && strchr(" \t\r", q[n - 1]))
            n--;
        p = nl ? nl + 1 : end;
        if (!n)
            continue;
        ca_sink_record(s);
        if (n > ca_sink_max_line(s)) {
            ca_sink_error(s, line, "line longer than %zu bytes; line skipped", ca_sink_max_line(s));
            continue;
        }
        json_tokener_reset(tok);
        json_object *o = json_tokener_parse_ex(tok, q, (int)n);
        enum json_tokener_error err = json_tokener_get_error(tok);
        if (err == json_tokener_continue)
            err = json_tokener_error_parse_eof;
        if (err == json_tokener_success && json_tokener_get_parse_end(tok) < n) {
            json_object_put(o);
            ca_sink_error(s, line, "invalid JSON: text after the end of the value; line skipped");
            continue;
        }
        if (err != json_tokener_success) {
            json_object_put(o);
            ca_sink_error(s, line, "invalid JSON: %s; line skipped", json_tokener_error_desc(err));
            continue;
        }
        st = fn(ud, s, line, o);
        json_object_put(o);
    }
    json_tokener_free(tok);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

json_object *pj_get(json_object *o, const char *path)
{
    char key[128];
    while (o && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key || !json_object_is_type(o, json_type_object))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        json_object *v = NULL;
        if (!json_object_object_get_ex(o, key, &v))
            return NULL;
        o = v;
        path += n;
        if (*path == '.')
            path++;
    }
    return o;
}

static const char *value_str(ca_sink *s, long line, json_object *v, int intern)
{
    if (!v)
        return NULL;
    char num[32];
    const char *p = NULL;
    size_t n = 0;
    switch (json_object_get_type(v)) {
    case json_type_string:
        p = json_object_get_string(v);
        n = (size_t)json_object_get_string_len(v);
        break;
    case json_type_int:
        /* json-c keeps integers as int64 or uint64: exact */
        if (json_object_get_int64(v) == INT64_MAX)
            snprintf(num, sizeof num, "%" PRIu64, json_object_get_uint64(v));
        else
            snprintf(num, sizeof num, "%" PRId64, json_object_get_int64(v));
        p = num;
        n = strlen(num);
        break;
    case json_type_double:
        p = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        n = strlen(p);
        break;
    case json_type_boolean:
        p = json_object_get_boolean(v) ? "true" : "false";
        n = strlen(p);
        break;
    default:
        return NULL;
    }
    if (!n)
        return NULL;
    if (memchr(p, '\0', n))
        return pc_clean_str(s, line, p, n);
    return intern ? ca_sink_intern(s, p, n) : ca_sink_str(s, p, n);
}

const char *pj_str(ca_sink *s, long line, json_object *o, const char *path)
{
    return value_str(s, line, pj_get(o, path), 0);
}

const char *pj_istr(ca_sink *s, long line, json_object *o, const char *path)
{
    return value_str(s, line, pj_get(o, path), 1);
}

int64_t pj_int(json_object *o, const char *path, int64_t def)
{
    json_object *v = pj_get(o, path);
    if (!v)
        return def;
    if (json_object_is_type(v, json_type_int))
        return json_object_get_int64(v);
    if (json_object_is_type(v, json_type_double))
        return (int64_t)json_object_get_double(v);
    if (json_object_is_type(v, json_type_string)) {
        const char *t = json_object_get_string(v);
        char *endp;
        errno = 0;
        long long x = strtoll(t, &endp, 10);
        if (endp != t && !*endp && !errno)
            return x;
    }
    return def;
}

int pj_time(ca_sink *s, json_object *o, const char *path, int64_t *ms)
{
    json_object *v = pj_get(o, path);
    if (!v)
        return -1;
    if (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        if (d <= 0 || d > 1e15)
            return -1;
        *ms = d > 1e11 ? (int64_t)d : (int64_t)(d * 1000.0);
        return 0;
    }
    if (json_object_is_type(v, json_type_string)) {
        const char *t = json_object_get_string(v);
        return ca_time_parse(t, (size_t)json_object_get_string_len(v), ca_sink_tz(s), ms, NULL);
    }
    return -1;
}
