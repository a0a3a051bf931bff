/*
 * charset.c — bytes of an export to UTF-8 (SPEC §3 "Charset").
 */
#include <errno.h>
#include <stdio.h>
#include <iconv.h>
#include <string.h>
#include "buf.h"
#include "charset.h"

int ca_utf8_seq_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    int len;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4; min = 0x10000;
    } else {
        return 0;
    }
    if (n < (size_t)len)
        return 0;
    uint32_t cp = c & (0x7F >> len);
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

uint32_t ca_utf8_next(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    int len = ca_utf8_seq_len(s, (size_t)(end - *p));
    if (len == 0) {
        (*p)++;
        return 0xFFFD;
    }
    *p += len;
    if (len == 1)
        return s[0];
    uint32_t cp = s[0] & (0x7F >> len);
    for (int i = 1; i < len; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    return cp;
}

/* Copies UTF-8, replacing each invalid sequence and NUL by U+FFFD. */
static ca_status utf8_clean(const unsigned char *s, size_t n, ca_text *out)
{
    ca_buf b = CA_BUF_INIT;
    size_t replaced = 0, i = 0;
    if (ca_buf_reserve(&b, n) < 0)
        return CA_FATAL;
    while (i < n) {
        size_t run = i;
        /* ASCII without NUL, eight bytes at a time */
        while (run + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + run, 8);
            if ((w & 0x8080808080808080ULL) ||
                ((w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL))
                break;
            run += 8;
        }
        while (run < n && s[run] < 0x80 && s[run] != 0)
            run++;
        if (run > i) {
            ca_buf_put(&b, s + i, run - i);
            i = run;
            continue;
        }
        /* CJK text is mostly three-byte sequences: a run of them at once */
        run = i;
        while (run + 3 <= n && (s[run] & 0xF0) == 0xE0 && (s[run + 1] & 0xC0) == 0x80 &&
               (s[run + 2] & 0xC0) == 0x80 && (s[run] != 0xE0 || s[run + 1] >= 0xA0) &&
               (s[run] != 0xED || s[run + 1] < 0xA0))
            run += 3;
        if (run > i) {
            ca_buf_put(&b, s + i, run - i);
            i = run;
            continue;
        }
        int len = s[i] ? ca_utf8_seq_len(s + i, n - i) : 0;
        if (len == 0) {
            ca_buf_put_utf8(&b, 0xFFFD);
            replaced++;
            i++;
        } else {
            ca_buf_put(&b, s + i, (size_t)len);
            i += (size_t)len;
        }
    }
    out->len = b.len;
    out->data = ca_buf_detach(&b);
    out->n_replaced = replaced;
    return out->data ? CA_OK : CA_FATAL;
}

/* Counts invalid UTF-8 sequences and valid multi-byte ones. */
static void utf8_stats(const unsigned char *s, size_t n, size_t *bad, size_t *multi)
{
    *bad = *multi = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int len = ca_utf8_seq_len(s + i, n - i);
        if (len == 0) {
            (*bad)++;
            i++;
        } else {
            (*multi)++;
            i += (size_t)len;
        }
    }
}

/* Converts with iconv; each undecodable byte becomes U+FFFD.  Returns
 * CA_OK, or CA_FATAL on oom / unknown charset. */
static ca_status iconv_decode(const unsigned char *raw, size_t n, const char *cs,
                              ca_text *out, size_t *replaced)
{
    iconv_t cd = iconv_open("UTF-8", cs);
    if (cd == (iconv_t)-1)
        return CA_FATAL;
    ca_buf b = CA_BUF_INIT;
    char *in = (char *)(uintptr_t)raw;
    size_t inleft = n;
    *replaced = 0;
    while (inleft > 0) {
        if (ca_buf_reserve(&b, inleft * 2 + 16) < 0)
            break;
        char *o = b.data + b.len;
        size_t oleft = b.cap - b.len - 1;
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        b.len = (size_t)(o - b.data);
        b.data[b.len] = '\0';
        if (r == (size_t)-1) {
            if (errno == E2BIG)
                continue;
            /* EILSEQ or EINVAL (truncated at the end): skip one code unit,
             * two bytes in UTF-16 so the rest stays aligned */
            size_t unit = strncmp(cs, "UTF-16", 6) == 0 ? 2 : 1;
            if (unit > inleft)
                unit = inleft;
            ca_buf_put_utf8(&b, 0xFFFD);
            (*replaced)++;
            in += unit;
            inleft -= unit;
            iconv(cd, NULL, NULL, NULL, NULL);
        }
    }
    iconv_close(cd);
    if (b.oom) {
        ca_buf_free(&b);
        return CA_FATAL;
    }
    /* iconv may emit NULs (UTF-16 input); clean them like UTF-8 input. */
    ca_text t = {0};
    ca_status st = utf8_clean((const unsigned char *)ca_buf_cstr(&b), b.len, &t);
    ca_buf_free(&b);
    if (st != CA_OK)
        return st;
    *replaced += t.n_replaced;
    out->data = t.data;
    out->len = t.len;
    return CA_OK;
}

ca_status ca_decode_as(const unsigned char *raw, size_t n, const char *cs, ca_text *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "UTF-8-BOM") == 0) {
        out->charset = cs;
        return utf8_clean(raw, n, out);
    }
    size_t replaced = 0;
    ca_status st = iconv_decode(raw, n, cs, out, &replaced);
    out->charset = cs;
    out->n_replaced = replaced;
    return st;
}

ca_status ca_decode(const unsigned char *raw, size_t n, ca_text *out)
{
    if (n >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF)
        return ca_decode_as(raw + 3, n - 3, "UTF-8-BOM", out);
    if (n >= 2 && raw[0] == 0xFF && raw[1] == 0xFE)
        return ca_decode_as(raw + 2, n - 2, "UTF-16LE", out);
    if (n >= 2 && raw[0] == 0xFE && raw[1] == 0xFF)
        return ca_decode_as(raw + 2, n - 2, "UTF-16BE", out);
    size_t bad, multi;
    utf8_stats(raw, n, &bad, &multi);
    /* GB18030 read as UTF-8 yields almost no valid multi-byte sequences;
     * UTF-8 with a few damaged bytes yields many. */
    if (bad == 0 || multi >= bad)
        return ca_decode_as(raw, n, "UTF-8", out);
    /* Not UTF-8: an Excel/WPS re-save in GB18030 (a superset of GBK). */
    ca_text gb;
    if (ca_decode_as(raw, n, "GB18030", &gb) != CA_OK)
        return CA_FATAL;
    if (gb.n_replaced < bad) {
        *out = gb;
        return CA_OK;
    }
    ca_free(gb.data);
    return ca_decode_as(raw, n, "UTF-8", out);
}

char *ca_read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ca_buf b = CA_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        ca_buf_put(&b, tmp, n);
    int failed = ferror(f);
    fclose(f);
    ca_text t = {0};
    if (b.oom || failed ||
        ca_decode((const unsigned char *)ca_buf_cstr(&b), b.len, &t) != CA_OK) {
        ca_buf_free(&b);
        errno = failed ? EIO : ENOMEM;
        return NULL;
    }
    ca_buf_free(&b);
    *len = t.len;
    return t.data;
}
