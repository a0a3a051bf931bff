/*
 * buf.h — growable byte buffer with sticky out-of-memory state, and the
 * escape functions, one per sink (JSON string, HTML text, HTML attribute,
 * CSV cell).  No chat text reaches an output without passing one of them.
 */
#ifndef CA_BUF_H
#define CA_BUF_H

#include "ca.h"

typedef struct ca_buf {
    char *data; /* always NUL-terminated when len > 0 or after ca_buf_cstr */
    size_t len;
    size_t cap;
    int oom;    /* set once an allocation failed; later writes are no-ops */
} ca_buf;

#define CA_BUF_INIT {NULL, 0, 0, 0}

void ca_buf_init(ca_buf *b);
/* Frees the storage; the buffer is empty and reusable afterwards. */
void ca_buf_free(ca_buf *b);
/* Empties the buffer, keeping its storage. */
void ca_buf_reset(ca_buf *b);
/* Ensures room for n more bytes; returns 0, or -1 (and sets oom). */
int ca_buf_reserve(ca_buf *b, size_t n);
/* Appends; return 0 or -1 on out of memory (sticky, see oom). */
int ca_buf_put_slow(ca_buf *b, const void *p, size_t n);

/* The fast paths are inline: appending is the inner loop of every writer. */
static inline int ca_buf_put(ca_buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap || b->oom)
        return ca_buf_put_slow(b, p, n);
    if (n)
        __builtin_memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static inline int ca_buf_putc(ca_buf *b, int c)
{
    if (b->len + 2 > b->cap || b->oom) {
        char ch = (char)c;
        return ca_buf_put_slow(b, &ch, 1);
    }
    b->data[b->len++] = (char)c;
    b->data[b->len] = '\0';
    return 0;
}

/* Appends the string s (inline: the length of a literal is folded). */
static inline int ca_buf_puts(ca_buf *b, const char *s) { return ca_buf_put(b, s, __builtin_strlen(s)); }

/* Appends v in decimal. */
int ca_buf_put_long(ca_buf *b, long v);
int ca_buf_printf(ca_buf *b, const char *fmt, ...) CA_PRINTF(2, 3);
/* Appends code point cp as UTF-8. */
int ca_buf_put_utf8(ca_buf *b, uint32_t cp);
/* Returns the contents as a NUL-terminated string owned by the buffer
 * (valid until the next write or free); "" for an empty buffer. */
const char *ca_buf_cstr(ca_buf *b);
/* Transfers ownership of the contents to the caller (free with ca_free);
 * the buffer is left empty.  Returns NULL on oom. */
char *ca_buf_detach(ca_buf *b);

/* Escapes, appending to b.  s may be NULL for the JSON one (writes null). */
int ca_buf_json_str(ca_buf *b, const char *s);        /* "..." with quotes */
int ca_buf_json_strn(ca_buf *b, const char *s, size_t n);
int ca_buf_html_text(ca_buf *b, const char *s, size_t n);
int ca_buf_html_attr(ca_buf *b, const char *s, size_t n);
/* RFC 4180 cell: quoted when needed, quotes doubled, and a cell whose first
 * character is = + - @ TAB or CR gets a leading ' (CSV injection guard). */
int ca_buf_csv_cell(ca_buf *b, const char *s, size_t n);

#endif
