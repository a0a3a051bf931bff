/*
 * lexicon.c — lexicon files into a matcher, with the provenance of every
 * term kept for evidence.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "arena.h"
#include "lexicon.h"

#define LEX_MAX_FILE ((size_t)64 << 20)

typedef struct lex_entry {
    const char *term; /* the line as written, trimmed */
    const char *file; /* shared by every entry of one file */
    long line;
    const char *key;  /* what the matcher got: the normalized term, or the
                       * pattern (NUL-terminated) */
    size_t key_len;
    int is_re;
} lex_entry;

struct ca_lexicon {
    ca_matcher *m;
    ca_arena *arena; /* entry strings and file names */
    lex_entry *entries;
    size_t n, cap;
    int built;
};

ca_lexicon *ca_lexicon_new(void)
{
    ca_lexicon *lx = ca_calloc(1, sizeof *lx);
    if (!lx)
        return NULL;
    lx->m = ca_matcher_new();
    lx->arena = ca_arena_new(0);
    if (!lx->m || !lx->arena) {
        ca_lexicon_free(lx);
        return NULL;
    }
    return lx;
}

void ca_lexicon_free(ca_lexicon *lx)
{
    if (!lx)
        return;
    ca_matcher_free(lx->m);
    ca_arena_free(lx->arena);
    ca_free(lx->entries);
    ca_free(lx);
}

/* Length of the valid UTF-8 prefix of s[0..n) (strict: no overlongs,
 * surrogates or code points past U+10FFFF). */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t need;
        unsigned lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        if (i + need >= n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k <= need; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += need + 1;
    }
    return n;
}

/* Bytes of blank at s[0..n): space, tab, CR, VT, FF, U+00A0, U+3000. */
static size_t blank_at(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[0];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (n >= 2 && c == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (n >= 3 && c == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

/* Blank ending at s[n) (the mirror of blank_at). */
static size_t blank_before(const char *s, size_t n)
{
    unsigned char c = (unsigned char)s[n - 1];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    if (n >= 2 && c == 0xA0 && (unsigned char)s[n - 2] == 0xC2)
        return 2;
    if (n >= 3 && c == 0x80 && (unsigned char)s[n - 2] == 0x80 && (unsigned char)s[n - 3] == 0xE3)
        return 3;
    return 0;
}

/* Appends an entry for the line, returning its id; -1 on out of memory. */
static long push_entry(ca_lexicon *lx, const char *file, const char *s, size_t n, long line)
{
    if (lx->n == lx->cap) {
        size_t cap = lx->cap ? lx->cap * 2 : 256;
        lex_entry *ne = ca_realloc(lx->entries, cap * sizeof *ne);
        if (!ne)
            return -1;
        lx->entries = ne;
        lx->cap = cap;
    }
    if (lx->n >= UINT32_MAX)
        return -1;
    char *term = ca_arena_strndup(lx->arena, s, n);
    if (!term)
        return -1;
    lx->entries[lx->n] = (lex_entry){term, file, line, NULL, 0, 0};
    return (long)lx->n++;
}

/* Outcome of one line. */
enum { LINE_OK, LINE_BAD, LINE_OOM };

static int load_pattern(ca_lexicon *lx, const char *file, const char *s, size_t n, long line,
                        ca_buf *tmp, ca_diag *diag)
{
    const char *pat = s + 3;
    size_t plen = n - 3;
    if (plen == 0) {
        ca_diag_add(diag, CA_DIAG_WARN, file, line, "re: empty pattern; ignored");
        return LINE_OK;
    }
    ca_buf_reset(tmp);
    if (ca_buf_put(tmp, pat, plen) != 0)
        return LINE_OOM;
    long id = push_entry(lx, file, s, n, line);
    if (id < 0)
        return LINE_OOM;
    lx->entries[id].key = lx->entries[id].term + 3;
    lx->entries[id].key_len = plen;
    lx->entries[id].is_re = 1;
    char err[512];
    if (ca_matcher_add_regex(lx->m, ca_buf_cstr(tmp), (uint32_t)id, err, sizeof err) != 0) {
        lx->n--; /* the id is not handed out (its string stays in the arena) */
        if (!ca_starts_with(err, "offset "))
            return LINE_OOM;
        ca_diag_add(diag, CA_DIAG_ERROR, file, line, "re: pattern does not compile: %s", err);
        return LINE_BAD;
    }
    return LINE_OK;
}

static int load_term(ca_lexicon *lx, const char *file, const char *s, size_t n, long line,
                     ca_lex_normalize_fn fn, void *ud, ca_buf *tmp, ca_diag *diag)
{
    const char *term = s;
    size_t tlen = n;
    if (fn) {
        ca_buf_reset(tmp);
        if (fn(ud, s, n, tmp) != 0 || tmp->oom)
            return LINE_OOM;
        term = tmp->data;
        tlen = tmp->len;
    }
    if (tlen == 0) {
        ca_diag_add(diag, CA_DIAG_WARN, file, line, "term is empty after normalization; ignored");
        return LINE_OK;
    }
    /* entry first: if the matcher then fails, the entry is an unused id */
    long id = push_entry(lx, file, s, n, line);
    if (id < 0)
        return LINE_OOM;
    const char *key = term == s ? lx->entries[id].term : ca_arena_strndup(lx->arena, term, tlen);
    if (!key || ca_matcher_add(lx->m, term, tlen, (uint32_t)id) != 0)
        return LINE_OOM;
    lx->entries[id].key = key;
    lx->entries[id].key_len = tlen;
    return LINE_OK;
}

int ca_lexicon_load_buffer(ca_lexicon *lx, const char *name, const char *data, size_t len,
                           ca_lex_normalize_fn fn, void *ud, ca_diag *diag)
{
    if (lx->built) {
        ca_diag_add(diag, CA_DIAG_ERROR, name, 0, "lexicon already built; file not loaded");
        return CA_FATAL;
    }
    const char *file = ca_arena_strdup(lx->arena, name ? name : "");
    if (!file) {
        ca_diag_add(diag, CA_DIAG_ERROR, name, 0, "out of memory");
        return CA_FATAL;
    }
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    ca_buf tmp = CA_BUF_INIT;
    int status = CA_OK;
    long line = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        const char *line_start = data + pos;
        const char *s = line_start;
        size_t n = end - pos;
        pos = end + 1;
        line++;
        size_t b;
        while (n && (b = blank_at(s, n)) != 0) {
            s += b;
            n -= b;
        }
        while (n && (b = blank_before(s, n)) != 0)
            n -= b;
        if (n == 0 || s[0] == '#')
            continue;
        size_t valid = utf8_valid_len((const unsigned char *)s, n);
        if (valid < n) {
            ca_diag_add(diag, CA_DIAG_ERROR, file, line, "not valid UTF-8 (byte %zu); line ignored",
                        (size_t)(s - line_start) + valid + 1);
            status = CA_FAILED;
            continue;
        }
        int r = n >= 3 && memcmp(s, "re:", 3) == 0
                    ? load_pattern(lx, file, s, n, line, &tmp, diag)
                    : load_term(lx, file, s, n, line, fn, ud, &tmp, diag);
        if (r == LINE_BAD)
            status = CA_FAILED;
        if (r == LINE_OOM) {
            ca_diag_add(diag, CA_DIAG_ERROR, file, 0, "out of memory");
            status = CA_FATAL;
            break;
        }
    }
    ca_buf_free(&tmp);
    return status;
}

int ca_lexicon_load(ca_lexicon *lx, const char *path, ca_lex_normalize_fn fn, void *ud,
                    ca_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "cannot open lexicon: %s", strerror(errno));
        return CA_FATAL;
    }
    ca_buf b = CA_BUF_INIT;
    char chunk[65536];
    size_t got;
    int too_big = 0;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > LEX_MAX_FILE) {
            too_big = 1;
            break;
        }
        if (ca_buf_put(&b, chunk, got) != 0)
            break;
    }
    int read_error = ferror(f) ? errno : 0;
    fclose(f);
    int status;
    if (too_big) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "lexicon is larger than 64 MiB");
        status = CA_FATAL;
    } else if (b.oom) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "out of memory");
        status = CA_FATAL;
    } else if (read_error) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "cannot read lexicon: %s", strerror(read_error));
        status = CA_FATAL;
    } else {
        status = ca_lexicon_load_buffer(lx, path, b.data ? b.data : "", b.len, fn, ud, diag);
    }
    ca_buf_free(&b);
    return status;
}

int ca_lexicon_build(ca_lexicon *lx)
{
    if (lx->built)
        return 0;
    if (ca_matcher_build(lx->m) != 0)
        return -1;
    lx->built = 1;
    return 0;
}

const ca_matcher *ca_lexicon_matcher(const ca_lexicon *lx) { return lx->m; }

int ca_lexicon_add_to(const ca_lexicon *lx, ca_matcher *m, uint32_t base)
{
    if (lx->n > UINT32_MAX - base)
        return -1;
    for (size_t i = 0; i < lx->n; i++) {
        const lex_entry *e = &lx->entries[i];
        uint32_t id = base + (uint32_t)i;
        if (!e->key)
            continue; /* an id whose term the lexicon's own matcher lacks (oom) */
        if (e->is_re ? ca_matcher_add_regex(m, e->key, id, NULL, 0) != 0
                     : ca_matcher_add(m, e->key, e->key_len, id) != 0)
            return -1;
    }
    return 0;
}
size_t ca_lexicon_size(const ca_lexicon *lx) { return lx->n; }

const char *ca_lexicon_term(const ca_lexicon *lx, uint32_t id)
{
    return id < lx->n ? lx->entries[id].term : NULL;
}

const char *ca_lexicon_source(const ca_lexicon *lx, uint32_t id, long *line)
{
    if (id >= lx->n)
        return NULL;
    if (line)
        *line = lx->entries[id].line;
    return lx->entries[id].file;
}

typedef struct cover {
    size_t start, end, shift;
    int found;
} cover;

/* An allow occurrence [a, b) clears the hit [s, e) when it contains it, or
 * overlaps it while reaching outside it (it straddles a word boundary
 * inside the hit); one that lies within the hit does not. */
static int on_allow(void *ud, const ca_match *mt)
{
    cover *c = ud;
    size_t a = mt->start + c->shift, b = mt->end + c->shift;
    int overlap = a < c->end && b > c->start;
    if ((a <= c->start && b >= c->end) || (overlap && (a < c->start || b > c->end))) {
        c->found = 1;
        return 1;
    }
    return 0;
}

int ca_lexicon_allowed(const ca_lexicon *allow, ca_match_scratch *s, const char *text,
                       size_t len, size_t start, size_t end)
{
    if (!allow || !allow->built || start >= end || end > len)
        return 0;
    const ca_matcher *m = allow->m;
    cover c = {start, end, 0, 0};
    if (s && ca_matcher_pattern_count(m) > 0) {
        ca_matcher_scan(m, s, text, len, on_allow, &c);
        return c.found;
    }
    /* An occurrence [a, b) that overlaps the span has b - a <= w, so it
     * lies inside [start - w, end + w): only that window is scanned. */
    size_t w = ca_matcher_max_term_len(m);
    if (w == 0)
        return 0;
    size_t from = start > w ? start - w : 0;
    size_t to = end + w < len ? end + w : len;
    c.shift = from;
    ca_matcher_scan(m, NULL, text + from, to - from, on_allow, &c);
    return c.found;
}
