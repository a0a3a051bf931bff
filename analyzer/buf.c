/*
 * buf.c — growable buffer and the escape functions (one per sink).
 */
#include <stdio.h>
#include <string.h>
#include "buf.h"

void ca_buf_init(ca_buf *b) { memset(b, 0, sizeof *b); }

void ca_buf_free(ca_buf *b)
{
    ca_free(b->data);
    memset(b, 0, sizeof *b);
}

void ca_buf_reset(ca_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int ca_buf_reserve(ca_buf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (b->len + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *d = ca_realloc(b->data, cap);
    if (!d) {
        b->oom = 1;
        return -1;
    }
    b->data = d;
    b->cap = cap;
    d[b->len] = '\0'; /* an empty buffer is a valid string too */
    return 0;
}

int ca_buf_put_slow(ca_buf *b, const void *p, size_t n)
{
    if (ca_buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}


int ca_buf_put_long(ca_buf *b, long v)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--i] = '-';
    return ca_buf_put(b, tmp + i, sizeof tmp - (size_t)i);
}

int ca_buf_printf(ca_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof small)
        return ca_buf_put(b, small, (size_t)n);
    if (ca_buf_reserve(b, (size_t)n) < 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int ca_buf_put_utf8(ca_buf *b, uint32_t cp)
{
    char o[4];
    size_t n;
    if (cp < 0x80) {
        o[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return ca_buf_put(b, o, n);
}

const char *ca_buf_cstr(ca_buf *b) { return b->data ? b->data : ""; }

char *ca_buf_detach(ca_buf *b)
{
    if (b->oom) {
        ca_buf_free(b);
        return NULL;
    }
    char *d = b->data ? b->data : ca_strdup("");
    memset(b, 0, sizeof *b);
    return d;
}

/* Bytes that need a look in a JSON string: controls, '"', '\\', DEL, and
 * 0xE2 (the lead byte of U+2028 / U+2029, which break JavaScript). */
static const unsigned char json_special[256] = {
    [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
    [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0A] = 1, [0x0B] = 1, [0x0C] = 1, [0x0D] = 1,
    [0x0E] = 1, [0x0F] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
    [0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1A] = 1, [0x1B] = 1,
    [0x1C] = 1, [0x1D] = 1, [0x1E] = 1, [0x1F] = 1, ['"'] = 1, ['\\'] = 1, [0x7F] = 1,
    [0xE2] = 1,
};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull
/* Nonzero when one of the 8 bytes of v is zero / below n (n <= 0x80). */
#define HAS_ZERO(v) (((v) - ONES) & ~(v) & HIGHS)
#define HAS_LESS(v, n) (((v) - ONES * (n)) & ~(v) & HIGHS)

/* Length of the run of s[0..n) without a byte json_special marks: eight
 * bytes at a time while no byte of the word can be one. */
static size_t json_plain_run(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        uint64_t m = HAS_LESS(v, 0x20) | HAS_ZERO(v ^ (ONES * '"')) | HAS_ZERO(v ^ (ONES * '\\')) |
                     HAS_ZERO(v ^ (ONES * 0x7F)) | HAS_ZERO(v ^ (ONES * 0xE2));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (m) /* the lowest marked byte is a real match (the borrow only marks bytes above one) */
            return i + (size_t)__builtin_ctzll(m) / 8;
#else
        if (m)
            break;
#endif
        i += 8;
    }
    while (i < n && !json_special[s[i]])
        i++;
    return i;
}

int ca_buf_json_strn(ca_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (!s)
        return ca_buf_put(b, "null", 4);
    if (ca_buf_reserve(b, n + 2) < 0)
        return -1;
    ca_buf_putc(b, '"');
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        i += json_plain_run(u + i, n - i);
        ca_buf_put(b, s + start, i - start);
        if (i >= n)
            break;
        unsigned char c = u[i];
        const char *esc = NULL;
        char tmp[6];
        switch (c) {
        case '"': esc = "\\\""; break;
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        case 0xE2:
            if (i + 2 < n && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
                ca_buf_put(b, u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
                i += 3;
            } else {
                ca_buf_putc(b, c);
                i++;
            }
            continue;
        default:
            tmp[0] = '\\'; tmp[1] = 'u'; tmp[2] = '0'; tmp[3] = '0';
            tmp[4] = hex[c >> 4]; tmp[5] = hex[c & 15];
            ca_buf_put(b, tmp, 6);
            i++;
            continue;
        }
        ca_buf_put(b, esc, 2);
        i++;
    }
    return ca_buf_putc(b, '"');
}

int ca_buf_json_str(ca_buf *b, const char *s)
{
    return ca_buf_json_strn(b, s, s ? strlen(s) : 0);
}

static int html_escape(ca_buf *b, const char *s, size_t n, int attr)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc;
        switch (s[i]) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '"': esc = "&quot;"; break;
        case '\'': esc = "&#39;"; break;
        case '`': esc = attr ? "&#96;" : NULL; break;
        default: esc = NULL; break;
        }
        if (!esc) {
            run++;
            continue;
        }
        ca_buf_put(b, s + i - run, run);
        run = 0;
        ca_buf_puts(b, esc);
    }
    return ca_buf_put(b, s + n - run, run);
}

int ca_buf_html_text(ca_buf *b, const char *s, size_t n) { return html_escape(b, s, n, 0); }
int ca_buf_html_attr(ca_buf *b, const char *s, size_t n) { return html_escape(b, s, n, 1); }

int ca_buf_csv_cell(ca_buf *b, const char *s, size_t n)
{
    if (!s)
        return 0;
    int guard = n > 0 && strchr("=+-@\t\r", s[0]) != NULL;
    int quote = guard;
    for (size_t i = 0; i < n && !quote; i++)
        if (s[i] == '"' || s[i] == ',' || s[i] == '\n' || s[i] == '\r')
            quote = 1;
    if (!quote)
        return ca_buf_put(b, s, n);
    ca_buf_putc(b, '"');
    if (guard)
        ca_buf_putc(b, '\'');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        run++;
        if (s[i] == '"') {
            ca_buf_put(b, s + i + 1 - run, run);
            run = 0;
            ca_buf_putc(b, '"');
        }
    }
    ca_buf_put(b, s + n - run, run);
    return ca_buf_putc(b, '"');
}
