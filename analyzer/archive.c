/*
 * archive.c — the input walker (see walk.h): plain files, folders walked
 * in sorted byte order, and archives read with libarchive, nested up to a
 * depth limit.  Entries are streamed into memory; nothing is written to disk.
 *
 * Diagnostics.  Each is recorded with file = the display path named below
 * and line = 0; the wording is "what is wrong; what was done".  Tests assert
 * these texts exactly, so change them together with tests/test_archive.c.
 *
 *   ERROR  FILE   cannot open: <strerror>; file skipped
 *                 (a file or folder that is missing or cannot be opened,
 *                 a dangling symbolic link in a folder)
 *   ERROR  FILE   cannot read: <strerror>; file skipped
 *   ERROR  DIR    cannot read folder: <strerror>; folder skipped
 *   ERROR  DIR    folder loop through a symbolic link; folder skipped
 *   ERROR  INPUT  not a regular file or folder; input skipped
 *                 (an INPUT that is a device, fifo or socket)
 *   NOTE   FILE   not a regular file (<kind>); file skipped
 *                 (a fifo, socket or device met in a folder)
 *   ERROR  FILE   file larger than the limit of <max_entry_size> bytes; file skipped
 *   ERROR  ARCH   cannot open archive: <libarchive error>; archive skipped
 *   ERROR  ARCH   archive is encrypted; cannot be read
 *                 (encrypted headers, e.g. 7z -mhe)
 *   ERROR  ARCH   corrupt or truncated archive: <libarchive error>; rest of archive skipped
 *   ERROR  ARCH   archive has more than <max_entries> entries; rest of archive skipped
 *   ERROR  ENTRY  corrupt entry header: <libarchive error>; entry skipped
 *   ERROR  ENTRY  entry is encrypted; cannot be read
 *   ERROR  ENTRY  corrupt or truncated entry: <libarchive error>; entry and rest of archive skipped
 *   ERROR  ENTRY  corrupt entry: <libarchive error>; entry skipped
 *   ERROR  ENTRY  entry larger than the limit of <max_entry_size> bytes; entry skipped
 *   ERROR  ENTRY  compression ratio exceeds <max_ratio>:1 (possible zip bomb); rest of archive skipped
 *   ERROR  ENTRY  total decompressed size exceeds the limit of <max_total_size> bytes; rest of input skipped
 *   ERROR  ENTRY  archive nested more than <max_depth> levels deep; archive skipped
 *                 (ENTRY is the nested archive that would be one level too deep)
 *   ERROR  any    out of memory; rest of archive skipped   (inside an archive)
 *   ERROR  FILE   out of memory; file skipped              (a plain file)
 *   ERROR  DIR    out of memory; folder skipped            (listing a folder)
 *   NOTE   ENTRY  not a regular file (<kind>); entry skipped
 *                 kind: symbolic link, hard link, fifo, socket, character
 *                 device, block device, unknown type
 *   NOTE   ARCH   archive is empty; nothing to read
 *                 (also a compressed stream of NUL bytes, which reads as an
 *                 empty tar)
 *   WARN   ENTRY  archive warning: <libarchive warning>; entry read anyway
 *
 * FILE/DIR/INPUT is the path as walked ("samples/2026-11/x.csv"), ARCH the
 * display path of an archive ("a.zip", "a.zip!b.tar.gz") and ENTRY the one of
 * an entry ("a.zip!b.tar.gz!dir/c.csv").  A single compressed file (x.csv.gz)
 * has one entry named after it without the suffix: "x.csv.gz!x.csv".
 *
 * Status: any ERROR makes the walk return CA_WARN; CA_FATAL is returned when
 * the INPUT itself cannot be opened or read (missing, unreadable, not a file
 * or folder) or the callback returned CA_FATAL.  A corrupt top-level archive
 * is CA_WARN: it was read, its content is bad.
 *
 * Limits.  An entry is read in chunks of CHUNK bytes into a buffer that grows
 * geometrically and never beyond max_entry_size + 2 bytes (one byte past the
 * limit shows it was exceeded, one holds a NUL: entry data handed to the
 * callback is NUL-terminated after len); the declared size of an entry is
 * not trusted.  An entry that is too large is still drained
 * (into a small scratch buffer, not kept) so that the ratio and total limits
 * keep bounding the work a hostile archive can cause.  The ratio is the bytes
 * decompressed so far from one archive (direct entries, not those of nested
 * archives) over that archive's compressed size; it is checked once more
 * than 1 MiB was produced.  The total counts every byte decompressed from
 * one INPUT at every nesting level; plain files do not count.
 *
 * Names.  libarchive converts entry names through the thread's LC_CTYPE, so
 * the walk runs under a thread-local C.UTF-8 locale (uselocale, restored
 * around every callback).  A name that is not valid UTF-8 (zip files made on
 * Chinese Windows store GBK names without the UTF-8 flag) is decoded as
 * GB18030 when it decodes cleanly; remaining invalid bytes become U+FFFD and
 * control characters '?', so display paths are always printable UTF-8.
 * Folder paths are kept byte for byte: they are also used to open the files.
 *
 * bytes_in: the size of each archive file opened plus the bytes read from
 * each plain file.
 */
#include "walk.h"
#include "archive_mem.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <locale.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef CA_WITH_LIBDEFLATE
#include <libdeflate.h>
#endif

#define CHUNK ((size_t)256 * 1024)          /* one archive_read_data call */
#define RATIO_GRACE ((uint64_t)1024 * 1024) /* ratio checked beyond this */
#define SNIFF 512                           /* bytes read to detect archives */
#define KEEP_MAX ((size_t)16 * 1024 * 1024) /* larger buffers are not kept */

void ca_limits_default(ca_limits *l)
{
    l->max_entry_size = (uint64_t)256 * 1024 * 1024;
    l->max_total_size = (uint64_t)8 * 1024 * 1024 * 1024;
    l->max_ratio = 200;
    l->max_depth = 4;
    l->max_entries = 100000;
    l->max_line = (size_t)1024 * 1024;
}

/* ------------------------------------------------------------ signatures */

/* A ustar header's checksum: the octal field at 148..155 equals the sum of
 * the 512 header bytes with the field itself counted as spaces (unsigned,
 * or signed as some old tars computed it). */
static int tar_checksum_ok(const unsigned char *h)
{
    size_t i = 148;
    unsigned long want = 0;
    int digits = 0;
    while (i < 156 && h[i] == ' ')
        i++;
    for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++, digits++)
        want = want * 8 + (unsigned long)(h[i] - '0');
    if (digits == 0)
        return 0;
    for (; i < 156; i++)
        if (h[i] != ' ' && h[i] != '\0')
            return 0;
    unsigned long usum = 0;
    long ssum = 0;
    for (i = 0; i < 512; i++) {
        unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
        usum += c;
        ssum += (signed char)c;
    }
    return want == usum || (long)want == ssum;
}

/* gzip, xz, bzip2, zstd: streams that may hold a tar or a single file. */
static int is_compressed_stream(const unsigned char *d, size_t n)
{
    static const unsigned char xz[6] = {0xFD, '7', 'z', 'X', 'Z', 0x00};
    static const unsigned char zstd[4] = {0x28, 0xB5, 0x2F, 0xFD};
    static const unsigned char bz_block[6] = {0x31, 0x41, 0x59, 0x26, 0x53, 0x59};
    static const unsigned char bz_end[6] = {0x17, 0x72, 0x45, 0x38, 0x50, 0x90};
    if (n >= 3 && d[0] == 0x1F && d[1] == 0x8B && d[2] == 0x08)
        return 1;
    if (n >= 6 && memcmp(d, xz, 6) == 0)
        return 1;
    if (n >= 10 && d[0] == 'B' && d[1] == 'Z' && d[2] == 'h' && d[3] >= '1' &&
        d[3] <= '9' && (memcmp(d + 4, bz_block, 6) == 0 || memcmp(d + 4, bz_end, 6) == 0))
        return 1;
    if (n >= 4 && memcmp(d, zstd, 4) == 0)
        return 1;
    return 0;
}

int ca_is_archive(const unsigned char *d, size_t n)
{
    static const unsigned char sevenz[6] = {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C};
    if (!d)
        return 0;
    if (n >= 4 && d[0] == 'P' && d[1] == 'K' &&
        ((d[2] == 3 && d[3] == 4) || (d[2] == 5 && d[3] == 6)))
        return 1;
    if (n >= 6 && memcmp(d, sevenz, 6) == 0)
        return 1;
    if (is_compressed_stream(d, n))
        return 1;
    if (n >= 512 && memcmp(d + 257, "ustar", 5) == 0 && tar_checksum_ok(d))
        return 1;
    return 0;
}

/* --------------------------------------------------------------- walker */

typedef struct walker {
    const ca_limits *lim;
    ca_diag *diag;
    ca_entry_fn fn;
    void *ud;
    char *path;            /* display path of the current item */
    size_t path_len, path_cap;
    uint64_t total;        /* bytes decompressed from this INPUT */
    uint64_t bytes_in;
    unsigned char *scratch; /* CHUNK bytes to drain oversized entries */
    locale_t loc, old_loc; /* our C.UTF-8 and the caller's */
    iconv_t gb;            /* GB18030 -> UTF-8, opened on first use */
    int gb_state;          /* 0 not tried, 1 open, -1 unavailable */
    int warned;            /* some part could not be read */
    int stop;              /* the callback returned CA_FATAL */
    int over;              /* the total limit was hit: rest of INPUT skipped */
    struct archive *top;   /* the archive read from disk now, for progress */
    uint64_t top_base;     /* bytes_in before it */
    /* the SHA-256 of the INPUT when it is a regular file, taken from the
     * reads of the walk: bytes [0, hashed) are in hash */
    struct sha256_ctx *hash; /* NULL: not asked for */
    uint64_t hashed;
    int hash_fd;             /* the INPUT's fd while it is read, else -1 */
    int hash_bad;            /* a read for the hash failed */
    int hash_done;           /* hash holds the whole file */
    /* the zip fast path: the consumer takes deferred entries */
    int defer;
    ca_sync_fn sync;
} walker;

/* Bytes the walk read from the INPUT at offset off: hashed when they
 * continue the hashed prefix (reads out of order, e.g. a zip's central
 * directory, are hashed again at the end by hash_rest). */
static void hash_feed(walker *w, int fd, uint64_t off, const unsigned char *p, size_t n)
{
    if (!w->hash || fd != w->hash_fd || off > w->hashed || off + n <= w->hashed)
        return;
    size_t skip = (size_t)(w->hashed - off);
    sha256_update(w->hash, n - skip, p + skip);
    w->hashed += n - skip;
}

/* Hashes what the walk did not read in order, from w->hashed to the end
 * of the file. */
static void hash_rest(walker *w, int fd)
{
    if (!w->hash || fd != w->hash_fd)
        return;
    unsigned char buf[1 << 16];
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof buf, (off_t)w->hashed);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            w->hash_bad = 1;
            break;
        }
        if (n == 0) {
            w->hash_done = 1;
            break;
        }
        sha256_update(w->hash, (size_t)n, buf);
        w->hashed += (uint64_t)n;
    }
    w->hash_fd = -1;
}

/* libarchive reading the INPUT's fd, the reads also feeding the hash. */
typedef struct hreader {
    walker *w;
    int fd;
    uint64_t pos;
    unsigned char buf[64 * 1024];
} hreader;

static la_ssize_t hr_read(struct archive *a, void *ud, const void **out)
{
    hreader *h = ud;
    for (;;) {
        ssize_t n = read(h->fd, h->buf, sizeof h->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            archive_set_error(a, errno, "Error reading fd %d", h->fd);
            return -1;
        }
        hash_feed(h->w, h->fd, h->pos, h->buf, (size_t)n);
        h->pos += (uint64_t)n;
        *out = h->buf;
        return n;
    }
}

static la_int64_t hr_seek(struct archive *a, void *ud, la_int64_t off, int whence)
{
    hreader *h = ud;
    off_t r = lseek(h->fd, (off_t)off, whence);
    if (r < 0) {
        archive_set_error(a, errno, "Error seeking in fd %d", h->fd);
        return ARCHIVE_FATAL;
    }
    h->pos = (uint64_t)r;
    return r;
}

static void wadd(walker *w, ca_diag_level level, const char *fmt, va_list ap) CA_PRINTF(3, 0);
static void wadd(walker *w, ca_diag_level level, const char *fmt, va_list ap)
{
    if (level == CA_DIAG_ERROR)
        w->warned = 1;
    if (w->diag)
        ca_diag_vadd(w->diag, level, w->path ? w->path : "", 0, fmt, ap);
}

static void err(walker *w, const char *fmt, ...) CA_PRINTF(2, 3);
static void err(walker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wadd(w, CA_DIAG_ERROR, fmt, ap);
    va_end(ap);
}

static void note(walker *w, ca_diag_level level, const char *fmt, ...) CA_PRINTF(3, 4);
static void note(walker *w, ca_diag_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    wadd(w, level, fmt, ap);
    va_end(ap);
}

/* strerror is not thread-safe; this is the GNU strerror_r. */
static const char *errstr(int e, char *buf, size_t n)
{
    return strerror_r(e, buf, n);
}

static const char *aerr(struct archive *a)
{
    const char *s = archive_error_string(a);
    return s && *s ? s : "unknown error";
}

static int is_crypto_msg(const char *s)
{
    return strstr(s, "ncrypt") != NULL || strstr(s, "assphrase") != NULL;
}

/* Appends sep (if not 0) and n bytes of s to the path; returns the previous
 * length to restore with path_pop, or (size_t)-1 on out of memory. */
static size_t path_push(walker *w, char sep, const char *s, size_t n)
{
    size_t old = w->path_len;
    size_t need = old + (sep ? 1 : 0) + n + 1;
    if (need < n)
        return (size_t)-1;
    if (need > w->path_cap) {
        size_t cap = w->path_cap ? w->path_cap : 256;
        while (cap < need)
            cap *= 2;
        char *p = ca_realloc(w->path, cap);
        if (!p)
            return (size_t)-1;
        w->path = p;
        w->path_cap = cap;
    }
    if (sep)
        w->path[w->path_len++] = sep;
    memcpy(w->path + w->path_len, s, n);
    w->path_len += n;
    w->path[w->path_len] = '\0';
    return old;
}

static void path_pop(walker *w, size_t old)
{
    w->path_len = old;
    if (w->path)
        w->path[old] = '\0';
}

/* Hands e to the callback, which runs under the caller's locale, not ours;
 * returns what it returned. */
static ca_status deliver_raw(walker *w, ca_raw_entry *e)
{
    if (w->loc)
        uselocale(w->old_loc);
    ca_status st = w->fn(w->ud, e);
    if (w->loc)
        uselocale(w->loc);
    if (st == CA_FATAL)
        w->stop = 1;
    return st;
}

static void deliver(walker *w, const unsigned char *data, size_t len, int depth,
                    const char *name)
{
    static const unsigned char empty[1] = {0};
    uint64_t done = w->top ? w->top_base + (uint64_t)archive_filter_bytes(w->top, -1) : w->bytes_in;
    ca_raw_entry e = {w->path, name, data ? data : empty, len, depth, done, NULL, -1};
    deliver_raw(w, &e);
}

/* ---------------------------------------------------------- entry names */

/* Length of the valid UTF-8 sequence at s (1-4), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static int utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

/* Strict GB18030 -> UTF-8; NULL when unavailable, invalid or out of memory. */
static char *from_gb18030(walker *w, const char *s, size_t n)
{
    if (w->gb_state == 0) {
        w->gb = iconv_open("UTF-8", "GB18030");
        w->gb_state = w->gb == (iconv_t)-1 ? -1 : 1;
    }
    if (w->gb_state < 0 || n > SIZE_MAX / 4 - 4)
        return NULL;
    size_t cap = n * 4 + 4;
    char *out = ca_malloc(cap);
    if (!out)
        return NULL;
    iconv(w->gb, NULL, NULL, NULL, NULL);
    char *in = (char *)(uintptr_t)s; /* iconv's prototype is not const */
    char *o = out;
    size_t inleft = n, outleft = cap - 1;
    if (iconv(w->gb, &in, &inleft, &o, &outleft) == (size_t)-1 ||
        iconv(w->gb, NULL, NULL, &o, &outleft) == (size_t)-1) {
        ca_free(out);
        return NULL;
    }
    *o = '\0';
    return out;
}

/* A printable UTF-8 copy of an entry name (see the top comment); NULL on oom. */
static char *clean_name(walker *w, const char *raw)
{
    size_t n = strlen(raw);
    char *conv = NULL;
    const char *src = raw;
    if (!utf8_valid(raw, n) && (conv = from_gb18030(w, raw, n)) != NULL &&
        utf8_valid(conv, strlen(conv))) {
        src = conv;
        n = strlen(conv);
    }
    char *out = n < SIZE_MAX / 3 ? ca_malloc(n * 3 + 1) : NULL;
    if (out) {
        const unsigned char *p = (const unsigned char *)src;
        size_t o = 0;
        for (size_t i = 0; i < n;) {
            size_t k = utf8_seq(p + i, n - i);
            if (k == 0) {
                memcpy(out + o, "\xEF\xBF\xBD", 3);
                o += 3;
                i++;
            } else if (k == 1 && (p[i] < 0x20 || p[i] == 0x7F)) {
                out[o++] = '?';
                i++;
            } else {
                memcpy(out + o, p + i, k);
                o += k;
                i += k;
            }
        }
        out[o] = '\0';
    }
    ca_free(conv);
    return out;
}

/* The last component of an entry path ("dir/a.csv" -> "a.csv"). */
static const char *last_component(const char *s)
{
    const char *best = s;
    for (const char *p = s; *p; p++)
        if ((*p == '/' || *p == '\\') && p[1] != '\0')
            best = p + 1;
    return best;
}

/* The name of the single entry of a compressed file: its own name without
 * .gz/.xz/.bz2/.zst (any case).  Returns a copy or NULL on oom. */
static char *raw_entry_name(const char *arch_name)
{
    static const char *const sfx[] = {".gz", ".xz", ".bz2", ".zst", ".zstd"};
    size_t n = strlen(arch_name);
    for (size_t i = 0; i < CA_ARRAY_LEN(sfx); i++) {
        size_t k = strlen(sfx[i]);
        if (n > k && strncasecmp(arch_name + n - k, sfx[i], k) == 0)
            return ca_strndup(arch_name, n - k);
    }
    return ca_strdup(arch_name);
}

static const char *type_name(mode_t ft)
{
    switch (ft) {
    case AE_IFLNK: return "symbolic link";
    case AE_IFIFO: return "fifo";
    case AE_IFSOCK: return "socket";
    case AE_IFCHR: return "character device";
    case AE_IFBLK: return "block device";
    default: return "unknown type";
    }
}

/* -------------------------------------------------------------- archives */

typedef struct ebuf {
    unsigned char *data;
    size_t len, cap;
} ebuf;

/* Grows b to hold at least need bytes, never more than maxcap. */
static int ebuf_grow(ebuf *b, size_t need, size_t maxcap)
{
    size_t cap = b->cap ? b->cap : 64 * 1024;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? SIZE_MAX : cap * 2;
    if (cap > maxcap)
        cap = maxcap;
    if (cap < need)
        return -1;
    unsigned char *p = ca_realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static void ebuf_free(ebuf *b)
{
    ca_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static int ratio_exceeded(uint64_t produced, uint64_t csize, uint64_t max_ratio)
{
    if (csize == 0)
        csize = 1;
    if (max_ratio > UINT64_MAX / csize)
        return 0;
    return produced > max_ratio * csize;
}

enum { RD_OK, RD_SKIP, RD_STOP };

/* Reads the current entry into b.  RD_OK: b holds it (NUL-terminated after
 * len); RD_SKIP: the entry was reported and skipped, the archive goes on;
 * RD_STOP: reported, the rest of the archive (or of the INPUT) is skipped. */
static int read_entry(walker *w, struct archive *a, ebuf *b, uint64_t *produced,
                      uint64_t csize)
{
    const ca_limits *lim = w->lim;
    size_t limit = lim->max_entry_size >= (uint64_t)(SIZE_MAX - 2)
                       ? SIZE_MAX - 2
                       : (size_t)lim->max_entry_size;
    int too_big = 0;
    b->len = 0;
    for (;;) {
        unsigned char *dst;
        size_t want;
        if (!too_big) {
            size_t left = limit + 1 - b->len; /* >= 1: reading past the limit */
            want = left < CHUNK ? left : CHUNK;
            if (b->cap - b->len < want + 1 && ebuf_grow(b, b->len + want + 1, limit + 2) != 0) {
                err(w, "out of memory; rest of archive skipped");
                return RD_STOP;
            }
            dst = b->data + b->len;
        } else {
            if (!w->scratch && !(w->scratch = ca_malloc(CHUNK))) {
                err(w, "out of memory; rest of archive skipped");
                return RD_STOP;
            }
            dst = w->scratch;
            want = CHUNK;
        }
        la_ssize_t n = archive_read_data(a, dst, want);
        if (n == 0)
            break;
        if (n < 0) {
            const char *m = aerr(a);
            if (is_crypto_msg(m)) {
                err(w, "entry is encrypted; cannot be read");
                return n == ARCHIVE_FATAL ? RD_STOP : RD_SKIP;
            }
            if (n == ARCHIVE_FATAL) {
                err(w, "corrupt or truncated entry: %s; entry and rest of archive skipped", m);
                return RD_STOP;
            }
            err(w, "corrupt entry: %s; entry skipped", m);
            return RD_SKIP;
        }
        *produced += (uint64_t)n;
        w->total += (uint64_t)n;
        if (*produced > RATIO_GRACE && ratio_exceeded(*produced, csize, lim->max_ratio)) {
            err(w, "compression ratio exceeds %llu:1 (possible zip bomb); rest of archive skipped",
                (unsigned long long)lim->max_ratio);
            return RD_STOP;
        }
        if (w->total > lim->max_total_size) {
            err(w, "total decompressed size exceeds the limit of %llu bytes; rest of input skipped",
                (unsigned long long)lim->max_total_size);
            w->over = 1;
            return RD_STOP;
        }
        if (!too_big) {
            b->len += (size_t)n;
            if (b->len > limit) {
                err(w, "entry larger than the limit of %llu bytes; entry skipped",
                    (unsigned long long)lim->max_entry_size);
                too_big = 1;
            }
        }
    }
    if (too_big)
        return RD_SKIP;
    if (!b->data && ebuf_grow(b, 1, limit + 2) != 0) {
        err(w, "out of memory; rest of archive skipped");
        return RD_STOP;
    }
    b->data[b->len] = '\0';
    return RD_OK;
}

/* ------------------------------------------------------ the zip fast path */

/*
 * For a consumer of deferred entries (ca_walk_input_deferred), a zip at
 * depth 1 is still walked by libarchive — names, types, encryption, header
 * problems, limits and the order of entries are its — but the data of a
 * regular entry is not read through libarchive when this walker can find
 * it itself: the entry's data offset (where libarchive stands after the
 * header) is looked up in the archive's own central directory, parsed here
 * from the mapped file.  The entry is then handed over still compressed,
 * and libarchive skips its data.  Whatever this code is not sure of (zip64,
 * encryption flags, methods other than stored and deflate, local and
 * central headers that differ, a stored entry with a data descriptor, an
 * entry that could hit a limit, an entry that is itself an archive) is read
 * the usual way.  An entry whose inflation then fails (bad CRC, corrupt or
 * truncated data, wrong size) makes the walker open the archive again, skip
 * the headers before that entry, restore its counters, and read the rest of
 * the archive the usual way, which reports the problem in its own words.
 */

typedef struct zrec {
    uint64_t data_off; /* where the entry's data starts, after its local header */
    uint32_t csize, usize, crc;
    uint16_t flags, method;
} zrec;

typedef struct zipidx {
    const unsigned char *base; /* the whole archive */
    size_t size;
    zrec *rec;                 /* sorted by data_off */
    size_t n;
    int mapped;                /* base is a mapping of the file (drop_pages may drop) */
} zipidx;

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int cmp_zrec(const void *a, const void *b)
{
    const zrec *x = a, *y = b;
    return x->data_off < y->data_off ? -1 : x->data_off > y->data_off;
}

/* Parses the central directory of the size bytes at base.  Returns 0 and
 * fills zi (records of entries whose local header could be read), or -1
 * when it is not a plain zip this code reads (no end record, zip64, more
 * than one disk) or on oom. */
static int zipidx_build(zipidx *zi, const unsigned char *base, size_t size)
{
    memset(zi, 0, sizeof *zi);
    if (!base || size < 22)
        return -1;
    size_t lo = size - 22 > 65535 ? size - 22 - 65535 : 0, eocd = SIZE_MAX;
    for (size_t i = size - 22 + 1; i-- > lo;)
        if (base[i] == 'P' && base[i + 1] == 'K' && base[i + 2] == 5 && base[i + 3] == 6 &&
            i + 22 + rd16(base + i + 20) == size) {
            eocd = i;
            break;
        }
    if (eocd == SIZE_MAX)
        return -1;
    const unsigned char *e = base + eocd;
    uint32_t n = rd16(e + 10), cd_size = rd32(e + 12), cd_off = rd32(e + 16);
    if (rd16(e + 4) != 0 || rd16(e + 6) != 0 || rd16(e + 8) != n || n == 0xFFFF ||
        cd_size == 0xFFFFFFFF || cd_off == 0xFFFFFFFF || (uint64_t)cd_off + cd_size != eocd)
        return -1;
    zi->rec = ca_malloc((n ? n : 1) * sizeof *zi->rec);
    if (!zi->rec)
        return -1;
    size_t p = cd_off;
    for (uint32_t k = 0; k < n; k++) {
        if (p + 46 > eocd || rd32(base + p) != 0x02014b50)
            break;
        const unsigned char *c = base + p;
        size_t next = p + 46 + rd16(c + 28) + rd16(c + 30) + rd16(c + 32);
        uint32_t lho = rd32(c + 42);
        p = next;
        if (lho == 0xFFFFFFFF || (uint64_t)lho + 30 > cd_off || rd32(base + lho) != 0x04034b50)
            continue;
        const unsigned char *l = base + lho;
        zrec r = {(uint64_t)lho + 30 + rd16(l + 26) + rd16(l + 28), rd32(c + 20), rd32(c + 24),
                  rd32(c + 16), rd16(c + 8), rd16(c + 10)};
        /* the local header must say the same, or 0 where a data
         * descriptor follows */
        int dd = (r.flags & 8) != 0;
        if (rd16(l + 6) != r.flags || rd16(l + 8) != r.method ||
            (rd32(l + 14) != r.crc && !(dd && rd32(l + 14) == 0)) ||
            (rd32(l + 18) != r.csize && !(dd && rd32(l + 18) == 0)) ||
            (rd32(l + 22) != r.usize && !(dd && rd32(l + 22) == 0)) ||
            r.csize == 0xFFFFFFFF || r.usize == 0xFFFFFFFF || r.data_off + r.csize > cd_off)
            continue;
        zi->rec[zi->n++] = r;
    }
    qsort(zi->rec, zi->n, sizeof *zi->rec, cmp_zrec);
    zi->base = base;
    zi->size = size;
    return 0;
}

static void zipidx_free(zipidx *zi)
{
    ca_free(zi->rec);
    memset(zi, 0, sizeof *zi);
}

static const zrec *zipidx_find(const zipidx *zi, uint64_t data_off)
{
    size_t lo = 0, hi = zi->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (zi->rec[mid].data_off < data_off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < zi->n && zi->rec[lo].data_off == data_off &&
        (lo + 1 == zi->n || zi->rec[lo + 1].data_off != data_off))
        return &zi->rec[lo];
    return NULL; /* absent, or two records at one offset */
}

/* A data descriptor after a deflated entry says what the central directory
 * says (with or without its signature, read as libarchive reads it). */
static int descriptor_ok(const zipidx *zi, const zrec *r)
{
    uint64_t at = r->data_off + r->csize;
    if (at + 16 > zi->size)
        return 0;
    const unsigned char *d = zi->base + at;
    if (rd32(d) == 0x08074b50)
        d += 4;
    return rd32(d) == r->crc && rd32(d + 4) == r->csize && rd32(d + 8) == r->usize;
}

/* zlib's raw inflate of the entry's data into out[0..n): all of it (whole:
 * the stream must end exactly there, every input byte used) or its first
 * n bytes (n <= its size).  0 or -1. */
static int zlib_inflate(const ca_deferred *d, unsigned char *out, size_t n, int whole)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -15) != Z_OK)
        return -1;
    z.next_in = (Bytef *)(uintptr_t)d->cdata;
    z.avail_in = (uInt)d->csize;
    z.next_out = out;
    z.avail_out = (uInt)n;
    int r = Z_OK, ok;
    if (whole) {
        r = inflate(&z, Z_FINISH);
        ok = r == Z_STREAM_END && z.avail_in == 0 && z.avail_out == 0;
    } else {
        while (z.avail_out > 0 && r == Z_OK)
            r = inflate(&z, Z_SYNC_FLUSH);
        ok = z.avail_out == 0 && (r == Z_OK || r == Z_STREAM_END || r == Z_BUF_ERROR);
    }
    inflateEnd(&z);
    return ok ? 0 : -1;
}

/* The first n bytes the entry inflates to (n <= its size); 0 or -1. */
static int inflate_prefix(const ca_deferred *d, unsigned char *out, size_t n)
{
    if (d->method == 0) {
        memcpy(out, d->cdata, n);
        return 0;
    }
    return zlib_inflate(d, out, n, 0);
}

int ca_deferred_inflate(const ca_deferred *d, unsigned char *out)
{
    if (!d || !out)
        return -1;
    if (d->method == 0) {
        if (d->csize != d->usize)
            return -1;
        memcpy(out, d->cdata, d->usize);
    } else if (d->method == 8) {
#ifdef CA_WITH_LIBDEFLATE
        struct libdeflate_decompressor *z = libdeflate_alloc_decompressor();
        if (!z)
            return -1;
        size_t in_used = 0, out_got = 0;
        enum libdeflate_result r = libdeflate_deflate_decompress_ex(
            z, d->cdata, d->csize, out, d->usize, &in_used, &out_got);
        libdeflate_free_decompressor(z);
        if (r != LIBDEFLATE_SUCCESS || in_used != d->csize || out_got != d->usize)
            return -1;
#else
        if (zlib_inflate(d, out, d->usize, 1) < 0)
            return -1;
#endif
    } else {
        return -1;
    }
    out[d->usize] = '\0';
#ifdef CA_WITH_LIBDEFLATE
    uint32_t crc = libdeflate_crc32(0, out, d->usize);
#else
    uint32_t crc = (uint32_t)crc32_z(0, out, d->usize);
#endif
    return crc == d->crc ? 0 : -1;
}

/* Where the walk of an archive stood before a deferred entry: what a
 * replay from that entry restores. */
typedef struct defer_mark {
    uint64_t count;    /* headers read, that of the entry included */
    uint64_t produced; /* bytes decompressed from the archive before it */
    uint64_t total;    /* w->total before it */
    int warned;
} defer_mark;

typedef struct defer_log {
    defer_mark *m;
    size_t n, cap;
} defer_log;

/* How an entry was handled by try_defer. */
enum { DF_NO, DF_DONE, DF_FAILED, DF_OOM };

/* Hands the current entry over still compressed when that is sure to give
 * what read_entry would; DF_NO: read it the usual way. */
/* The whole pages of the archive's mapping in [p, p + n), handed over
 * (the entry's bytes were copied): they need not stay resident, so that the
 * mapping of a large archive does not count in the run's memory.  Read
 * again from the file, should anything look at them later. */
static void drop_pages(const unsigned char *p, size_t n)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    uintptr_t lo = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t hi = ((uintptr_t)p + n) & ~((uintptr_t)page - 1);
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

static int try_defer(walker *w, struct archive *a, struct archive_entry *e, const zipidx *zi,
                     defer_log *log, uint64_t count, uint64_t *produced, uint64_t csize,
                     int depth, const char *name)
{
    const ca_limits *lim = w->lim;
    la_int64_t off = archive_filter_bytes(a, 0);
    const zrec *r = off >= 0 ? zipidx_find(zi, (uint64_t)off) : NULL;
    if (!r || (r->flags & 0x41) || (r->method != 0 && r->method != 8) ||
        (r->method == 0 && ((r->flags & 8) || r->csize != r->usize)) ||
        (r->method == 8 && (r->flags & 8) && !descriptor_ok(zi, r)) ||
        !archive_entry_size_is_set(e) || archive_entry_size(e) != (la_int64_t)r->usize)
        return DF_NO;
    /* a limit that could be hit inside the entry: read_entry says it */
    uint64_t after = *produced + r->usize;
    if (r->usize > lim->max_entry_size ||
        (after > RATIO_GRACE && ratio_exceeded(after, csize, lim->max_ratio)) ||
        w->total + r->usize > lim->max_total_size)
        return DF_NO;
    ca_deferred d = {zi->base + r->data_off, r->csize, r->usize, r->crc, r->method};
    unsigned char head[SNIFF];
    size_t hn = r->usize < SNIFF ? r->usize : SNIFF;
    if (inflate_prefix(&d, head, hn) != 0 || ca_is_archive(head, hn))
        return DF_NO; /* nested archives take the usual way */
    defer_mark *nm = ca_grow(log->m, &log->cap, log->n + 1, sizeof *nm, 64);
    if (!nm)
        return DF_OOM;
    log->m = nm;
    log->m[log->n] = (defer_mark){count, *produced, w->total, w->warned};
    long idx = (long)log->n++;
    *produced = after;
    w->total += r->usize;
    uint64_t end = r->data_off + r->csize;
    uint64_t done = w->bytes_in;
    if (w->top) {
        uint64_t read = (uint64_t)archive_filter_bytes(w->top, -1);
        done = w->top_base + (read > end ? read : end);
    }
    ca_raw_entry re = {w->path, name, NULL, r->usize, depth, done, &d, idx};
    int rc = deliver_raw(w, &re) == CA_FAILED ? DF_FAILED : DF_DONE;
    if (zi->mapped)
        drop_pages(d.cdata, r->csize);
    return rc;
}

/* How to open an archive again for a replay. */
typedef struct zsrc {
    int fd;                    /* >= 0: the archive file (read from 0) */
    const unsigned char *data; /* the whole archive, mapped or in memory */
    size_t len;
    int mapped;                /* data is a mapping of fd */
    int compressed;
    int hashing;               /* fd is the INPUT being hashed */
} zsrc;

/* Opens an archive from fd (if >= 0) or from memory; NULL after a report. */
static struct archive *open_archive(walker *w, int fd, const unsigned char *data,
                                    size_t len, int compressed, hreader *hr)
{
    struct archive *a = archive_read_new();
    if (!a) {
        err(w, "out of memory; rest of archive skipped");
        return NULL;
    }
    /* Only the formats chataudit needs: format_all would also enable mtree,
     * whose entries can name files on this machine. */
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_7zip(a);
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_filter_zstd(a);
    /* raw takes any bytes: only behind a compression filter, where it
     * stands for "a single compressed file". */
    if (compressed)
        archive_read_support_format_raw(a);
    int r;
    if (hr) { /* as archive_read_open_fd, through the hashing reader */
        archive_read_set_read_callback(a, hr_read);
        archive_read_set_seek_callback(a, hr_seek);
        archive_read_set_callback_data(a, hr);
        r = archive_read_open1(a);
    } else {
        r = fd >= 0 ? archive_read_open_fd(a, fd, 64 * 1024) : archive_read_open_memory(a, data, len);
    }
    if (r != ARCHIVE_OK) {
        err(w, "cannot open archive: %s; archive skipped", aerr(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

static void walk_archive(walker *w, struct archive *a, int depth, uint64_t csize,
                         const char *arch_name, const zsrc *src);

/* Data of a leaf (depth = where it was found): a nested archive or an entry. */
static void handle_data(walker *w, const unsigned char *data, size_t len, int depth,
                        const char *name)
{
    if (!ca_is_archive(data, len)) {
        deliver(w, data, len, depth, name);
        return;
    }
    if (depth + 1 > w->lim->max_depth) {
        err(w, "archive nested more than %d levels deep; archive skipped", w->lim->max_depth);
        return;
    }
    struct archive *a = open_archive(w, -1, data, len, is_compressed_stream(data, len), NULL);
    if (a)
        walk_archive(w, a, depth + 1, len, name, NULL);
}

/* Opens the archive of src again for a replay from a deferred entry and
 * reads the headers before it; NULL after a report.  *hr receives the
 * hashing reader to free after the archive. */
static struct archive *reopen(walker *w, const zsrc *src, uint64_t skip, hreader **hr)
{
    *hr = NULL;
    if (src->fd >= 0 && lseek(src->fd, 0, SEEK_SET) != 0) {
        char eb[128];
        err(w, "cannot read: %s; file skipped", errstr(errno, eb, sizeof eb));
        return NULL;
    }
    if (src->fd >= 0 && src->hashing) {
        if (!(*hr = ca_malloc(sizeof **hr))) {
            err(w, "out of memory; rest of archive skipped");
            return NULL;
        }
        (*hr)->w = w;
        (*hr)->fd = src->fd;
        (*hr)->pos = 0;
    }
    struct archive *a = open_archive(w, src->fd, src->data, src->len, src->compressed, *hr);
    for (uint64_t i = 0; a && i < skip; i++) {
        struct archive_entry *e;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF || r == ARCHIVE_FATAL) { /* it read them before */
            err(w, "corrupt or truncated archive: %s; rest of archive skipped", aerr(a));
            archive_read_free(a);
            a = NULL;
        }
    }
    return a;
}

/* Walks the entries of an open archive at depth (1 = top level) and frees
 * it.  csize: its compressed size; arch_name: its own name; src (may be
 * NULL): where the whole archive is, for the zip fast path. */
static void walk_archive(walker *w, struct archive *a, int depth, uint64_t csize,
                         const char *arch_name, const zsrc *src)
{
    ebuf b = {NULL, 0, 0};
    uint64_t produced = 0, count = 0;
    zipidx zi;
    int have_zi = w->defer && src && depth == 1 && archive_filter_count(a) == 1 &&
                  zipidx_build(&zi, src->data, src->len) == 0;
    if (have_zi)
        zi.mapped = src->mapped;
    int fast = have_zi;
    defer_log log = {NULL, 0, 0};
    hreader *rhr = NULL;
    long failed = -1; /* a deferred entry the callback could not inflate */
again:
    while (!w->stop && !w->over) {
        struct archive_entry *e = NULL;
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) {
            if (count == 0)
                note(w, CA_DIAG_NOTE, "archive is empty; nothing to read");
            break;
        }
        if (++count > w->lim->max_entries) {
            err(w, "archive has more than %llu entries; rest of archive skipped",
                (unsigned long long)w->lim->max_entries);
            break;
        }
        if (r == ARCHIVE_FATAL) {
            const char *m = aerr(a);
            if (is_crypto_msg(m))
                err(w, "archive is encrypted; cannot be read");
            else
                err(w, "corrupt or truncated archive: %s; rest of archive skipped", m);
            break;
        }
        char *name;
        if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
            name = raw_entry_name(arch_name);
        } else {
            const char *pn = e ? archive_entry_pathname(e) : NULL;
            if (!pn && e)
                pn = archive_entry_pathname_utf8(e);
            name = clean_name(w, pn ? pn : "(unnamed)");
        }
        size_t saved = name ? path_push(w, '!', name, strlen(name)) : (size_t)-1;
        if (saved == (size_t)-1) {
            ca_free(name);
            err(w, "out of memory; rest of archive skipped");
            break;
        }
        int stop = 0;
        mode_t ft = e ? archive_entry_filetype(e) : 0;
        if (!e || (r != ARCHIVE_OK && r != ARCHIVE_WARN)) {
            err(w, "corrupt entry header: %s; entry skipped", aerr(a));
        } else if (ft == AE_IFDIR) {
            /* nothing to read */
        } else if (archive_entry_hardlink(e)) {
            note(w, CA_DIAG_NOTE, "not a regular file (hard link); entry skipped");
        } else if (ft != AE_IFREG && ft != 0) {
            note(w, CA_DIAG_NOTE, "not a regular file (%s); entry skipped", type_name(ft));
        } else if (archive_entry_is_encrypted(e)) {
            err(w, "entry is encrypted; cannot be read");
        } else {
            if (r == ARCHIVE_WARN)
                note(w, CA_DIAG_WARN, "archive warning: %s; entry read anyway", aerr(a));
            int df = fast && r == ARCHIVE_OK
                         ? try_defer(w, a, e, &zi, &log, count, &produced, csize, depth,
                                     last_component(name))
                         : DF_NO;
            if (df == DF_FAILED) {
                failed = (long)log.n - 1;
                stop = 1;
            } else if (df == DF_OOM) {
                err(w, "out of memory; rest of archive skipped");
                stop = 1;
            } else if (df == DF_NO) {
                switch (read_entry(w, a, &b, &produced, csize)) {
                case RD_OK:
                    handle_data(w, b.data, b.len, depth, last_component(name));
                    break;
                case RD_SKIP:
                    break;
                default:
                    stop = 1;
                }
                if (b.cap > KEEP_MAX)
                    ebuf_free(&b);
            }
        }
        path_pop(w, saved);
        ca_free(name);
        if (stop)
            break;
    }
    if (fast && log.n > 0) {
        if (failed < 0 && w->sync) {
            if (w->loc)
                uselocale(w->old_loc);
            failed = w->sync(w->ud);
            if (w->loc)
                uselocale(w->loc);
        }
        if (failed >= 0 && (size_t)failed < log.n) {
            /* read again, the usual way, from the entry that failed */
            defer_mark m = log.m[failed];
            fast = 0;
            failed = -1;
            count = m.count - 1;
            produced = m.produced;
            w->total = m.total;
            w->warned = m.warned;
            w->over = 0;
            int was_top = w->top == a;
            archive_read_free(a);
            ca_free(rhr);
            a = reopen(w, src, m.count - 1, &rhr);
            if (was_top)
                w->top = a;
            if (a)
                goto again;
        }
    }
    if (have_zi)
        zipidx_free(&zi);
    ca_free(log.m);
    ebuf_free(&b);
    if (a)
        archive_read_free(a);
    ca_free(rhr);
}

/* --------------------------------------------------------- files, folders */

/* Reads fd to its end into a buffer (at most lim->max_entry_size bytes),
 * prefix already holding the first got bytes.  Returns 0, or -1 after a
 * report. */
static int read_plain(walker *w, int fd, const struct stat *st, const unsigned char *prefix,
                      size_t got, unsigned char **out, size_t *outlen, int *fatal)
{
    uint64_t max = w->lim->max_entry_size;
    size_t limit = max >= (uint64_t)(SIZE_MAX - 2) ? SIZE_MAX - 2 : (size_t)max;
    if (st->st_size < 0 || (uint64_t)st->st_size > limit || got > limit) {
        err(w, "file larger than the limit of %llu bytes; file skipped", (unsigned long long)max);
        return -1;
    }
    size_t cap = (size_t)st->st_size + 1 > got + 1 ? (size_t)st->st_size + 1 : got + 1;
    unsigned char *buf = ca_malloc(cap);
    if (!buf) {
        err(w, "out of memory; file skipped");
        return -1;
    }
    memcpy(buf, prefix, got);
    size_t len = got;
    for (;;) {
        if (cap - len < 2) {
            size_t ncap = cap < limit / 2 ? cap * 2 : limit + 2;
            unsigned char *nb = ncap > cap ? ca_realloc(buf, ncap) : NULL;
            if (!nb) {
                if (ncap > cap)
                    err(w, "out of memory; file skipped");
                else
                    err(w, "file larger than the limit of %llu bytes; file skipped",
                        (unsigned long long)max);
                ca_free(buf);
                return -1;
            }
            buf = nb;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            char eb[128];
            err(w, "cannot read: %s; file skipped", errstr(errno, eb, sizeof eb));
            ca_free(buf);
            *fatal = 1;
            return -1;
        }
        if (n == 0)
            break;
        hash_feed(w, fd, len, buf + len, (size_t)n);
        len += (size_t)n;
        w->bytes_in += (uint64_t)n;
        if (len > limit) {
            err(w, "file larger than the limit of %llu bytes; file skipped", (unsigned long long)max);
            ca_free(buf);
            return -1;
        }
    }
    buf[len] = '\0';
    *out = buf;
    *outlen = len;
    return 0;
}

/* A regular file at w->path.  *fatal is set when it cannot be read at all. */
static void walk_file(walker *w, const char *name, int top, int *fatal)
{
    char eb[128];
    int fd = open(w->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        err(w, "cannot open: %s; file skipped", errstr(errno, eb, sizeof eb));
        *fatal = 1;
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        err(w, "cannot read: %s; file skipped", errstr(errno, eb, sizeof eb));
        *fatal = 1;
        close(fd);
        return;
    }
    if (!S_ISREG(st.st_mode)) { /* replaced since it was looked at */
        err(w, "not a regular file or folder; input skipped");
        *fatal = 1;
        close(fd);
        return;
    }
    if (top && w->hash)
        w->hash_fd = fd;
    unsigned char prefix[SNIFF];
    size_t got = 0;
    while (got < SNIFF) {
        ssize_t n = read(fd, prefix + got, SNIFF - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            err(w, "cannot read: %s; file skipped", errstr(errno, eb, sizeof eb));
            *fatal = 1;
            w->hash_fd = -1;
            close(fd);
            return;
        }
        if (n == 0)
            break;
        hash_feed(w, fd, got, prefix + got, (size_t)n);
        got += (size_t)n;
    }
    if (ca_is_archive(prefix, got)) {
        w->bytes_in += (uint64_t)st.st_size;
        if (w->lim->max_depth < 1) {
            err(w, "archive nested more than %d levels deep; archive skipped", w->lim->max_depth);
        } else if (lseek(fd, 0, SEEK_SET) != 0) {
            err(w, "cannot read: %s; file skipped", errstr(errno, eb, sizeof eb));
            *fatal = 1;
        } else {
            hreader *hr = w->hash_fd == fd ? ca_malloc(sizeof *hr) : NULL;
            if (hr) {
                hr->w = w;
                hr->fd = fd;
                hr->pos = 0;
            }
            int compressed = is_compressed_stream(prefix, got);
            zsrc src = {fd, NULL, 0, 0, compressed, hr != NULL};
            void *map = MAP_FAILED;
            if (w->defer && !compressed && got >= 4 && prefix[0] == 'P' && prefix[1] == 'K' &&
                st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX)
                map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (map != MAP_FAILED) {
                src.data = map;
                src.len = (size_t)st.st_size;
                src.mapped = 1;
            }
            struct archive *a = open_archive(w, fd, NULL, 0, compressed, hr);
            if (a) {
                w->top = a;
                w->top_base = w->bytes_in - (uint64_t)st.st_size;
                walk_archive(w, a, 1, (uint64_t)st.st_size, name, &src);
                w->top = NULL;
            }
            if (map != MAP_FAILED)
                munmap(map, (size_t)st.st_size);
            ca_free(hr); /* walk_archive freed the archive */
        }
        hash_rest(w, fd);
        close(fd);
        return;
    }
    w->bytes_in += got;
    unsigned char *data = NULL;
    size_t len = 0;
    int r = read_plain(w, fd, &st, prefix, got, &data, &len, fatal);
    hash_rest(w, fd);
    close(fd);
    if (r == 0) {
        deliver(w, data, len, 0, name);
        ca_free(data);
    }
}

typedef struct dir_up {
    dev_t dev;
    ino_t ino;
    const struct dir_up *up;
} dir_up;

static void walk_path(walker *w, const char *name, int top, const dir_up *up, int *fatal);

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(walker *w, const struct stat *st, const dir_up *up, int *fatal)
{
    char eb[128];
    for (const dir_up *p = up; p; p = p->up)
        if (p->dev == st->st_dev && p->ino == st->st_ino) {
            err(w, "folder loop through a symbolic link; folder skipped");
            return;
        }
    DIR *d = opendir(w->path);
    if (!d) {
        err(w, "cannot read folder: %s; folder skipped", errstr(errno, eb, sizeof eb));
        *fatal = 1;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int failed = 0, oom = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (!de) {
            if (errno != 0) {
                err(w, "cannot read folder: %s; folder skipped", errstr(errno, eb, sizeof eb));
                *fatal = 1;
                failed = 1;
            }
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            char **nn = ncap < SIZE_MAX / sizeof *nn ? ca_realloc(names, ncap * sizeof *nn) : NULL;
            if (!nn) {
                failed = oom = 1;
                break;
            }
            names = nn;
            cap = ncap;
        }
        if (!(names[n] = ca_strdup(de->d_name))) {
            failed = oom = 1;
            break;
        }
        n++;
    }
    closedir(d);
    if (oom)
        err(w, "out of memory; folder skipped");
    if (!failed) {
        qsort(names, n, sizeof *names, cmp_names);
        dir_up me = {st->st_dev, st->st_ino, up};
        int child_fatal = 0; /* a bad file in a folder is not fatal */
        for (size_t i = 0; i < n && !w->stop && !w->over; i++) {
            int slash = w->path_len > 0 && w->path[w->path_len - 1] == '/';
            size_t saved = path_push(w, slash ? 0 : '/', names[i], strlen(names[i]));
            if (saved == (size_t)-1) {
                err(w, "out of memory; file skipped");
                break;
            }
            walk_path(w, names[i], 0, &me, &child_fatal);
            path_pop(w, saved);
        }
    }
    for (size_t i = 0; i < n; i++)
        ca_free(names[i]);
    ca_free(names);
}

static void walk_path(walker *w, const char *name, int top, const dir_up *up, int *fatal)
{
    char eb[128];
    struct stat st;
    if (stat(w->path, &st) != 0) {
        err(w, "cannot open: %s; file skipped", errstr(errno, eb, sizeof eb));
        *fatal = 1;
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        walk_dir(w, &st, up, fatal);
    } else if (S_ISREG(st.st_mode)) {
        walk_file(w, name, top, fatal);
    } else if (top) {
        err(w, "not a regular file or folder; input skipped");
        *fatal = 1;
    } else {
        const char *kind = S_ISFIFO(st.st_mode)   ? "fifo"
                           : S_ISSOCK(st.st_mode) ? "socket"
                           : S_ISCHR(st.st_mode)  ? "character device"
                           : S_ISBLK(st.st_mode)  ? "block device"
                                                  : "unknown type";
        note(w, CA_DIAG_NOTE, "not a regular file (%s); file skipped", kind);
    }
}

/* ------------------------------------------------------------ entry points */

static int walker_init(walker *w, const char *path, size_t path_len, const ca_limits *lim,
                       ca_diag *diag, ca_entry_fn fn, void *ud)
{
    memset(w, 0, sizeof *w);
    w->hash_fd = -1;
    w->lim = lim;
    w->diag = diag;
    w->fn = fn;
    w->ud = ud;
    w->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!w->loc)
        w->loc = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
    if (w->loc)
        w->old_loc = uselocale(w->loc);
    if (path_push(w, 0, path, path_len) == (size_t)-1) {
        if (diag)
            ca_diag_add(diag, CA_DIAG_ERROR, NULL, 0, "out of memory; file skipped");
        return -1;
    }
    return 0;
}

static ca_status walker_done(walker *w, int fatal)
{
    if (w->loc) {
        uselocale(w->old_loc);
        freelocale(w->loc);
    }
    if (w->gb_state > 0)
        iconv_close(w->gb);
    ca_free(w->scratch);
    ca_free(w->path);
    if (fatal || w->stop)
        return CA_FATAL;
    return w->warned ? CA_WARN : CA_OK;
}

/* How a walk hands over entries (NULL: all decompressed, no sync). */
typedef struct walk_opts {
    int defer;
    ca_sync_fn sync;
} walk_opts;

static ca_status walk_input(const char *input, const ca_limits *lim, ca_diag *diag,
                            ca_entry_fn fn, void *ud, uint64_t *bytes_in, char sha256[65],
                            uint64_t *hashed, const walk_opts *o);
static ca_status walk_memory(const char *name, const unsigned char *data, size_t len,
                             const ca_limits *lim, ca_diag *diag, ca_entry_fn fn, void *ud,
                             const walk_opts *o);

ca_status ca_walk_input(const char *input, const ca_limits *lim, ca_diag *diag,
                        ca_entry_fn fn, void *ud, uint64_t *bytes_in)
{
    return ca_walk_input_hash(input, lim, diag, fn, ud, bytes_in, NULL, NULL);
}

ca_status ca_walk_input_hash(const char *input, const ca_limits *lim, ca_diag *diag,
                             ca_entry_fn fn, void *ud, uint64_t *bytes_in, char sha256[65],
                             uint64_t *hashed)
{
    return walk_input(input, lim, diag, fn, ud, bytes_in, sha256, hashed, NULL);
}

static ca_status walk_input(const char *input, const ca_limits *lim, ca_diag *diag,
                            ca_entry_fn fn, void *ud, uint64_t *bytes_in, char sha256[65],
                            uint64_t *hashed, const walk_opts *o)
{
    if (sha256)
        sha256[0] = '\0';
    if (hashed)
        *hashed = 0;
    if (bytes_in)
        *bytes_in = 0;
    if (!input || !lim || !fn)
        return CA_FATAL;
    size_t n = strlen(input);
    while (n > 1 && input[n - 1] == '/')
        n--;
    walker w;
    int fatal = 0;
    if (walker_init(&w, input, n, lim, diag, fn, ud) != 0) {
        fatal = 1;
    } else {
        const char *slash = NULL;
        for (size_t i = 0; i < w.path_len; i++)
            if (w.path[i] == '/' && i + 1 < w.path_len)
                slash = w.path + i;
        if (o) {
            w.defer = o->defer;
            w.sync = o->sync;
        }
        struct sha256_ctx ctx;
        if (sha256) {
            sha256_init(&ctx);
            w.hash = &ctx;
        }
        walk_path(&w, slash ? slash + 1 : w.path, 1, NULL, &fatal);
        if (sha256 && w.hash_done && !w.hash_bad) {
            uint8_t dg[SHA256_DIGEST_SIZE];
            sha256_digest(&ctx, sizeof dg, dg);
            for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
                snprintf(sha256 + 2 * i, 3, "%02x", dg[i]);
            if (hashed)
                *hashed = w.hashed;
        }
        w.hash = NULL;
    }
    if (bytes_in)
        *bytes_in = w.bytes_in;
    return walker_done(&w, fatal);
}

ca_status ca_walk_input_deferred(const char *input, const ca_limits *lim, ca_diag *diag,
                                 ca_entry_fn fn, ca_sync_fn sync, void *ud,
                                 uint64_t *bytes_in, char sha256[65], uint64_t *hashed)
{
    walk_opts o = {1, sync};
    return walk_input(input, lim, diag, fn, ud, bytes_in, sha256, hashed, &o);
}

ca_status ca_walk_memory(const char *name, const unsigned char *data, size_t len,
                         const ca_limits *lim, ca_diag *diag, ca_entry_fn fn, void *ud)
{
    return walk_memory(name, data, len, lim, diag, fn, ud, NULL);
}

ca_status ca_walk_memory_deferred(const char *name, const unsigned char *data, size_t len,
                                  const ca_limits *lim, ca_diag *diag, ca_entry_fn fn,
                                  ca_sync_fn sync, void *ud)
{
    walk_opts o = {1, sync};
    return walk_memory(name, data, len, lim, diag, fn, ud, &o);
}

static ca_status walk_memory(const char *name, const unsigned char *data, size_t len,
                             const ca_limits *lim, ca_diag *diag, ca_entry_fn fn, void *ud,
                             const walk_opts *o)
{
    if (!name || (!data && len) || !lim || !fn)
        return CA_FATAL;
    walker w;
    int fatal = 0;
    if (walker_init(&w, name, strlen(name), lim, diag, fn, ud) != 0) {
        fatal = 1;
    } else {
        if (o) {
            w.defer = o->defer;
            w.sync = o->sync;
        }
        const char *base = last_component(name);
        if (!ca_is_archive(data, len)) {
            if (len > lim->max_entry_size)
                err(&w, "file larger than the limit of %llu bytes; file skipped",
                    (unsigned long long)lim->max_entry_size);
            else
                deliver(&w, data, len, 0, base);
        } else if (lim->max_depth < 1) {
            err(&w, "archive nested more than %d levels deep; archive skipped", lim->max_depth);
        } else {
            int compressed = is_compressed_stream(data, len);
            zsrc src = {-1, data, len, 0, compressed, 0};
            struct archive *a = open_archive(&w, -1, data, len, compressed, NULL);
            if (a)
                walk_archive(&w, a, 1, len, base, &src);
        }
    }
    return walker_done(&w, fatal);
}
