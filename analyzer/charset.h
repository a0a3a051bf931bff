/*
 * charset.h — decode an export's bytes to UTF-8.
 */
#ifndef CA_CHARSET_H
#define CA_CHARSET_H

#include "ca.h"

typedef struct ca_text {
    char *data;          /* UTF-8, NUL-terminated, BOM removed; ca_free it */
    size_t len;
    const char *charset; /* "UTF-8", "UTF-8-BOM", "UTF-16LE", "UTF-16BE", "GB18030" */
    size_t n_replaced;   /* invalid bytes/sequences turned into U+FFFD */
} ca_text;

/*
 * Decodes raw bytes: a BOM decides (UTF-8, UTF-16LE/BE); else valid UTF-8 is
 * UTF-8, and so is text with at least as many valid UTF-8 multi-byte
 * sequences as invalid ones; else text that GB18030 decodes with fewer
 * errors than UTF-8 is GB18030; else UTF-8 with
 * each invalid sequence replaced by U+FFFD and counted — never dropped.
 * NUL bytes are replaced by U+FFFD too (they would cut C strings).
 * Returns CA_OK, or CA_FATAL on out of memory.
 */
ca_status ca_decode(const unsigned char *raw, size_t n, ca_text *out);

/* Decodes a buffer known to be in charset cs ("GB18030", "UTF-16LE", ...). */
ca_status ca_decode_as(const unsigned char *raw, size_t n, const char *cs,
                       ca_text *out);

/* Reads the file at path whole and decodes it as ca_decode does.  Returns
 * the UTF-8 text (ca_free it) and *len, or NULL with errno set (ENOENT for
 * a missing file, EIO for a read error, ENOMEM). */
char *ca_read_text(const char *path, size_t *len);

/* Returns the number of bytes of the valid UTF-8 sequence at s (1-4), or 0
 * if s[0..n) does not start with one. */
int ca_utf8_seq_len(const unsigned char *s, size_t n);
/* Decodes one code point at *p (advancing it); invalid → U+FFFD, 1 byte. */
uint32_t ca_utf8_next(const char **p, const char *end);

#endif
