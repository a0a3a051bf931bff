/*
 * test_zipfast.c — the zip fast path of the input walker (archive.c,
 * ca_walk_memory_deferred / ca_walk_input_deferred) against the libarchive
 * path: for zips written byte by byte here (so that flags, descriptors,
 * sizes and CRCs can be made wrong on purpose), both walks must give the
 * same entries, paths, data, diagnostics and input hash.  Each case is
 * walked three ways: libarchive only; deferred entries inflated in the
 * callback (CA_FAILED on failure); deferred entries kept and inflated only
 * at the walker's sync, as the importer's parser threads do.  Then the
 * importer itself, fast path on and off, at 1, 2 and 5 threads.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <unistd.h>
#include <zlib.h>

#include "archive_mem.h"
#include "check.h"
#include "diag.h"
#include "import_helper.h"
#include "walk.h"

/* ------------------------------------------------------------ zip writer */

typedef struct zbuf {
    unsigned char *p;
    size_t n, cap;
} zbuf;

static void zput(zbuf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void z16(zbuf *b, unsigned v)
{
    unsigned char c[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    zput(b, c, 2);
}

static void z32(zbuf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    zput(b, c, 4);
}

/* What one entry is and how it is to be spoilt. */
typedef struct zent {
    const char *name;
    const unsigned char *data;
    size_t len;
    int method;        /* 0 stored, 8 deflate, other: written stored with this id */
    unsigned flags;    /* e.g. 0x800 UTF-8 name, 1 encrypted */
    int descriptor;    /* sizes and CRC after the data (flag 8), local fields 0 */
    int bad_crc;       /* a wrong CRC in both headers */
    int corrupt;       /* the compressed bytes garbled */
    int symlink;       /* a Unix symbolic link (external attributes) */
    int zip64;         /* sizes 0xFFFFFFFF and a zip64 extra field */
} zent;

static zbuf make_zip(const zent *ents, size_t n, const char *comment)
{
    zbuf z = {0}, cd = {0};
    for (size_t i = 0; i < n; i++) {
        const zent *e = &ents[i];
        unsigned char *c = NULL;
        size_t clen = e->len;
        if (e->method == 8) {
            uLongf cap = compressBound((uLong)e->len) + 16;
            c = malloc(cap);
            z_stream s;
            memset(&s, 0, sizeof s);
            CHECK(deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK);
            s.next_in = (Bytef *)(uintptr_t)e->data;
            s.avail_in = (uInt)e->len;
            s.next_out = c;
            s.avail_out = (uInt)cap;
            CHECK(deflate(&s, Z_FINISH) == Z_STREAM_END);
            clen = s.total_out;
            deflateEnd(&s);
        } else {
            c = malloc(e->len + 1);
            memcpy(c, e->data, e->len);
        }
        if (e->corrupt && clen > 4)
            for (size_t k = clen / 3; k < clen / 3 + 4; k++)
                c[k] ^= 0x5A;
        uint32_t crc = (uint32_t)crc32(0, e->data, (uInt)e->len) ^ (e->bad_crc ? 0x1234u : 0);
        unsigned flags = e->flags | (e->descriptor ? 8u : 0u);
        uint32_t off = (uint32_t)z.n;
        size_t nl = strlen(e->name);
        unsigned extra = e->zip64 ? 20 : 0;
        z32(&z, 0x04034b50);
        z16(&z, e->zip64 ? 45 : 20);
        z16(&z, flags);
        z16(&z, (unsigned)e->method);
        z16(&z, 0);
        z16(&z, 0x5b21); /* 2025-09-01 */
        z32(&z, e->descriptor ? 0 : crc);
        z32(&z, e->descriptor ? 0 : e->zip64 ? 0xFFFFFFFF : (uint32_t)clen);
        z32(&z, e->descriptor ? 0 : e->zip64 ? 0xFFFFFFFF : (uint32_t)e->len);
        z16(&z, (unsigned)nl);
        z16(&z, extra);
        zput(&z, e->name, nl);
        if (e->zip64) {
            z16(&z, 1);
            z16(&z, 16);
            z32(&z, (uint32_t)e->len);
            z32(&z, 0);
            z32(&z, (uint32_t)clen);
            z32(&z, 0);
        }
        zput(&z, c, clen);
        if (e->descriptor) {
            z32(&z, 0x08074b50);
            z32(&z, crc);
            z32(&z, (uint32_t)clen);
            z32(&z, (uint32_t)e->len);
        }
        z32(&cd, 0x02014b50);
        z16(&cd, 0x0300 | 20); /* made on Unix */
        z16(&cd, e->zip64 ? 45 : 20);
        z16(&cd, flags);
        z16(&cd, (unsigned)e->method);
        z16(&cd, 0);
        z16(&cd, 0x5b21);
        z32(&cd, crc);
        z32(&cd, e->zip64 ? 0xFFFFFFFF : (uint32_t)clen);
        z32(&cd, e->zip64 ? 0xFFFFFFFF : (uint32_t)e->len);
        z16(&cd, (unsigned)nl);
        z16(&cd, e->zip64 ? 20 : 0);
        z16(&cd, 0);
        z16(&cd, 0);
        z16(&cd, 0);
        int dir = nl > 0 && e->name[nl - 1] == '/';
        uint32_t mode = e->symlink ? 0120777 : dir ? 040755 : 0100644;
        z32(&cd, mode << 16);
        z32(&cd, off);
        zput(&cd, e->name, nl);
        if (e->zip64) {
            z16(&cd, 1);
            z16(&cd, 16);
            z32(&cd, (uint32_t)e->len);
            z32(&cd, 0);
            z32(&cd, (uint32_t)clen);
            z32(&cd, 0);
        }
        free(c);
    }
    uint32_t cd_off = (uint32_t)z.n;
    zput(&z, cd.p, cd.n);
    size_t cl = comment ? strlen(comment) : 0;
    z32(&z, 0x06054b50);
    z16(&z, 0);
    z16(&z, 0);
    z16(&z, (unsigned)n);
    z16(&z, (unsigned)n);
    z32(&z, (uint32_t)cd.n);
    z32(&z, cd_off);
    z16(&z, (unsigned)cl);
    if (cl)
        zput(&z, comment, cl);
    free(cd.p);
    return z;
}

/* ----------------------------------------------------- what a walk gives */

/* Everything a walk hands over, as text: one line per entry (path, name,
 * depth, length, CRC of the data) and per diagnostic, in order. */
typedef struct trace {
    char *text;
    size_t len;
    FILE *f;
    ca_diag *walk_diag; /* the walker's problems, moved in at each entry */
    int deferred;       /* entries handed over compressed */
    int keep;           /* inflate at sync, not in the callback */
    /* kept deferred entries (keep mode): their line, data and the
     * diagnostics before them, until the sync */
    struct pend {
        char *pre;      /* walker diagnostics before the entry, as text */
        char *line;     /* NULL: a plain entry, already complete */
        unsigned char *cdata;
        ca_deferred d;
        long idx;
    } pend[64];
    int npend;
} trace;

static char *diag_text(ca_diag *d)
{
    char *t = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&t, &n);
    static const char *lv[] = {"NOTE", "WARN", "ERROR"};
    for (size_t i = 0; i < ca_diag_len(d); i++) {
        const ca_diag_item *it = ca_diag_at(d, i);
        fprintf(f, "diag %s [%s] %s\n", lv[it->level], it->file ? it->file : "", it->msg);
    }
    fclose(f);
    ca_diag *junk = ca_diag_new(0);
    ca_diag_merge(junk, d);
    ca_diag_free(junk);
    return t;
}

static void entry_line(trace *t, FILE *f, const ca_raw_entry *e, const unsigned char *data)
{
    fprintf(f, "entry [%s] (%s) depth %d len %zu crc %08lx\n", e->path, e->name, e->depth,
            e->len, crc32(0, data, (uInt)e->len));
    (void)t;
}

static void flush_pending(trace *t)
{
    for (int i = 0; i < t->npend; i++) {
        struct pend *p = &t->pend[i];
        fputs(p->pre, t->f);
        if (p->line)
            fputs(p->line, t->f);
        free(p->pre);
        free(p->line);
        free(p->cdata);
    }
    t->npend = 0;
}

static ca_status on_entry(void *ud, const ca_raw_entry *e)
{
    trace *t = ud;
    char *pre = diag_text(t->walk_diag);
    if (!e->deferred) {
        CHECK(e->data != NULL);
        if (t->keep) {
            char *line = NULL;
            size_t n = 0;
            FILE *f = open_memstream(&line, &n);
            entry_line(t, f, e, e->data);
            fclose(f);
            CHECK(t->npend < 64);
            t->pend[t->npend++] = (struct pend){pre, line, NULL, {0}, -1};
        } else {
            fputs(pre, t->f);
            free(pre);
            entry_line(t, t->f, e, e->data);
        }
        return CA_OK;
    }
    t->deferred++;
    CHECK(e->data == NULL && e->deferred->usize == e->len);
    if (!t->keep) {
        unsigned char *out = malloc(e->len + 1);
        int r = ca_deferred_inflate(e->deferred, out);
        if (r == 0) {
            fputs(pre, t->f);
            entry_line(t, t->f, e, out);
        } else {
            fputs(pre, t->f); /* the walker's problems before it stay */
        }
        free(pre);
        free(out);
        return r == 0 ? CA_OK : CA_FAILED;
    }
    char *line = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&line, &n);
    fprintf(f, "entry [%s] (%s) depth %d len %zu", e->path, e->name, e->depth, e->len);
    fclose(f);
    unsigned char *c = malloc(e->deferred->csize + 1);
    memcpy(c, e->deferred->cdata, e->deferred->csize);
    ca_deferred d = *e->deferred;
    d.cdata = c;
    CHECK(t->npend < 64);
    t->pend[t->npend++] = (struct pend){pre, line, c, d, e->defer_index};
    return CA_OK;
}

/* The sync of keep mode: inflates the kept entries in order; at the first
 * failure drops it and everything after (keeping the diagnostics made
 * before it) and the walker's later problems. */
static long on_sync(void *ud)
{
    trace *t = ud;
    long failed = -1;
    for (int i = 0; i < t->npend; i++) {
        struct pend *p = &t->pend[i];
        if (!p->cdata)
            continue;
        unsigned char *out = malloc(p->d.usize + 1);
        if (ca_deferred_inflate(&p->d, out) != 0) {
            failed = p->idx;
            fputs(p->pre, t->f);
            for (int k = i; k < t->npend; k++) {
                free(t->pend[k].pre);
                free(t->pend[k].line);
                free(t->pend[k].cdata);
            }
            t->npend = i;
            free(out);
            free(diag_text(t->walk_diag));
            break;
        }
        char buf[64];
        snprintf(buf, sizeof buf, " crc %08lx\n", crc32(0, out, (uInt)p->d.usize));
        size_t ln = strlen(p->line);
        p->line = realloc(p->line, ln + strlen(buf) + 1);
        strcpy(p->line + ln, buf);
        free(out);
    }
    flush_pending(t);
    return failed;
}

typedef enum { PLAIN, INLINE, KEEP } mode;

/* Walks the zip in memory (or the file path, when given) the given way. */
static char *walk_trace(const char *name, const zbuf *z, const ca_limits *lim, mode m,
                        const char *path, int *deferred, char sha[65])
{
    trace t;
    memset(&t, 0, sizeof t);
    t.f = open_memstream(&t.text, &t.len);
    t.walk_diag = ca_diag_new(0);
    t.keep = m == KEEP;
    ca_status st;
    uint64_t bytes = 0, hashed = 0;
    if (path)
        st = m == PLAIN ? ca_walk_input_hash(path, lim, t.walk_diag, on_entry, &t, &bytes, sha,
                                             &hashed)
                        : ca_walk_input_deferred(path, lim, t.walk_diag, on_entry,
                                                 m == KEEP ? on_sync : NULL, &t, &bytes, sha,
                                                 &hashed);
    else
        st = m == PLAIN ? ca_walk_memory(name, z->p, z->n, lim, t.walk_diag, on_entry, &t)
                        : ca_walk_memory_deferred(name, z->p, z->n, lim, t.walk_diag, on_entry,
                                                  m == KEEP ? on_sync : NULL, &t);
    flush_pending(&t);
    char *rest = diag_text(t.walk_diag);
    fputs(rest, t.f);
    free(rest);
    fprintf(t.f, "status %d bytes %llu hashed %llu\n", (int)st, (unsigned long long)bytes,
            (unsigned long long)hashed);
    fclose(t.f);
    ca_diag_free(t.walk_diag);
    if (deferred)
        *deferred = t.deferred;
    return t.text;
}

/* The three walks agree; returns how many entries the inline walk deferred. */
static int same_walks(const char *label, const zbuf *z, const ca_limits *lim)
{
    ca_limits def;
    ca_limits_default(&def);
    if (!lim)
        lim = &def;
    int d1 = 0, d2 = 0;
    char *a = walk_trace("t.zip", z, lim, PLAIN, NULL, NULL, NULL);
    char *b = walk_trace("t.zip", z, lim, INLINE, NULL, &d1, NULL);
    char *c = walk_trace("t.zip", z, lim, KEEP, NULL, &d2, NULL);
    if (strcmp(a, b) != 0 || strcmp(a, c) != 0) {
        fprintf(stderr, "%s: the walks differ\n--- libarchive\n%s--- inline\n%s--- at sync\n%s",
                label, a, b, c);
        check_failures++;
    }
    /* the same from a file: the mapped path, and the input hash */
    char dir[] = "/tmp/ca-zipfast-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/t.zip", dir);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(z->p, 1, z->n, f) == z->n && fclose(f) == 0);
    char s1[65], s2[65], s3[65];
    char *fa = walk_trace(NULL, z, lim, PLAIN, path, NULL, s1);
    char *fb = walk_trace(NULL, z, lim, INLINE, path, NULL, s2);
    char *fc = walk_trace(NULL, z, lim, KEEP, path, NULL, s3);
    if (strcmp(fa, fb) != 0 || strcmp(fa, fc) != 0) {
        fprintf(stderr, "%s: the file walks differ\n--- libarchive\n%s--- inline\n%s--- at sync\n%s",
                label, fa, fb, fc);
        check_failures++;
    }
    CHECK(strlen(s1) == 64);
    CHECK_STR(s1, s2);
    CHECK_STR(s1, s3);
    unlink(path);
    rmdir(dir);
    if (getenv("CA_TEST_VERBOSE"))
        fprintf(stderr, "%s (%d deferred):\n%s", label, d1, a);
    free(a), free(b), free(c), free(fa), free(fb), free(fc);
    return d1;
}

/* ---------------------------------------------------------------- data */

static unsigned char *csv_text(int seed, size_t *len)
{
    char *t = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&t, &n);
    fputs("id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n", f);
    for (int k = 0; k < 300 + seed * 41; k++)
        fprintf(f, "%d,%d%06d,文本,0,wxid_%d,%d@chatroom,第%d条 消息 重复重复重复,,2026-11-0%d %02d:%02d:00\n",
                k, seed + 1, k, k % 7, 1000 + seed, k, 1 + k % 9, k % 24, k % 60);
    fclose(f);
    *len = n;
    return (unsigned char *)t;
}

#define N_CSV 4
static unsigned char *csv[N_CSV];
static size_t csv_len[N_CSV];

static void need_csv(void)
{
    if (!csv[0])
        for (int i = 0; i < N_CSV; i++)
            csv[i] = csv_text(i, &csv_len[i]);
}

#define E(nm, i, m) {nm, csv[i], csv_len[i], m, 0, 0, 0, 0, 0, 0}

/* ---------------------------------------------------------------- tests */

TEST(stored_deflated_empty_comment)
{
    need_csv();
    static const unsigned char nothing[1] = {0};
    zent e[] = {E("wechat/g0_0_9.csv", 0, 8), E("g1_0_9.csv", 1, 0),
                {"empty.csv", nothing, 0, 8, 0, 0, 0, 0, 0, 0},
                {"empty2.csv", nothing, 0, 0, 0, 0, 0, 0, 0, 0}, E("dir/g2_0_9.csv", 2, 8)};
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), "made by a test");
    CHECK_INT(same_walks("plain", &z, NULL), 5);
    free(z.p);
}

TEST(data_descriptors)
{
    need_csv();
    zent e[] = {E("a.csv", 0, 8), E("b.csv", 1, 8), E("c.csv", 2, 0)};
    e[0].descriptor = e[1].descriptor = 1;
    e[2].descriptor = 1; /* a stored entry with a descriptor: the usual way */
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
    CHECK_INT(same_walks("descriptors", &z, NULL), 2);
    free(z.p);
}

TEST(names_utf8_and_gbk)
{
    need_csv();
    zent e[] = {E("微信/研发部.csv", 0, 8), E("\xd1\xd0\xb7\xa2\xb2\xbf.csv", 1, 8),
                E("caf\xc3\xa9.csv", 2, 8), E("bad\xff\xfe.csv", 3, 8)};
    e[0].flags = 0x800;
    e[2].flags = 0x800;
    e[3].flags = 0x800; /* not UTF-8 although flagged */
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
    CHECK(same_walks("names", &z, NULL) >= 3);
    free(z.p);
}

TEST(bad_crc_replays)
{
    need_csv();
    for (int bad = 0; bad < 4; bad++) {
        zent e[] = {E("a.csv", 0, 8), E("b.csv", 1, 8), E("c.csv", 2, 0), E("d.csv", 3, 8)};
        e[bad].bad_crc = 1;
        zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
        CHECK(same_walks("bad crc", &z, NULL) >= 1);
        free(z.p);
    }
}

TEST(corrupt_data_replays)
{
    need_csv();
    for (int bad = 0; bad < 3; bad++) {
        zent e[] = {E("a.csv", 0, 8), E("b.csv", 1, 8), E("c.csv", 2, 8)};
        e[bad].corrupt = 1;
        zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
        same_walks("corrupt data", &z, NULL);
        free(z.p);
    }
}

TEST(truncated_zip)
{
    need_csv();
    zent e[] = {E("a.csv", 0, 8), E("b.csv", 1, 8)};
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
    size_t full = z.n;
    for (size_t cut = 100; cut < full; cut += full / 7) {
        z.n = cut;
        CHECK_INT(same_walks("truncated", &z, NULL), 0);
    }
    free(z.p);
}

TEST(encrypted_entry_and_other_method)
{
    need_csv();
    zent e[] = {E("a.csv", 0, 8), E("locked.csv", 1, 0), E("b.csv", 2, 8), E("bz.csv", 3, 12)};
    e[1].flags = 1;
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
    CHECK_INT(same_walks("encrypted", &z, NULL), 2);
    free(z.p);
}

TEST(zip64_usual_way)
{
    need_csv();
    zent e[] = {E("a.csv", 0, 8), E("big.csv", 1, 8)};
    e[1].zip64 = 1;
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
    CHECK_INT(same_walks("zip64", &z, NULL), 1);
    free(z.p);
}

TEST(nested_zip_dirs_symlinks_duplicates)
{
    need_csv();
    zent in[] = {E("inner.csv", 0, 8)};
    zbuf inner = make_zip(in, 1, NULL);
    static const unsigned char target[] = "a.csv";
    zent e[] = {E("a.csv", 1, 8), {"dir/", target, 0, 0, 0, 0, 0, 0, 0, 0},
                {"link.csv", target, 5, 0, 0, 0, 0, 0, 1, 0},
                {"inner.zip", inner.p, inner.n, 0, 0, 0, 0, 0, 0, 0}, E("a.csv", 2, 8),
                E("b.csv", 3, 8)};
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
    CHECK_INT(same_walks("nested", &z, NULL), 3);
    e[4].bad_crc = 1; /* the duplicate is bad: said instead of "already read" */
    zbuf z2 = make_zip(e, CA_ARRAY_LEN(e), NULL);
    same_walks("nested, bad duplicate", &z2, NULL);
    free(z.p), free(z2.p), free(inner.p);
}

TEST(limits_same)
{
    need_csv();
    zent e[] = {E("a.csv", 0, 8), E("b.csv", 1, 8), E("c.csv", 2, 8), E("d.csv", 3, 8)};
    zbuf z = make_zip(e, CA_ARRAY_LEN(e), NULL);
    ca_limits lim;
    ca_limits_default(&lim);
    lim.max_entries = 2;
    same_walks("max_entries", &z, &lim);
    ca_limits_default(&lim);
    lim.max_entry_size = csv_len[1];
    same_walks("max_entry_size", &z, &lim);
    ca_limits_default(&lim);
    lim.max_total_size = csv_len[0] + csv_len[1] + 10;
    same_walks("max_total_size", &z, &lim);
    ca_limits_default(&lim);
    lim.max_ratio = 2;
    same_walks("max_ratio", &z, &lim);
    e[1].bad_crc = 1; /* a replay restores the counters */
    zbuf z2 = make_zip(e, CA_ARRAY_LEN(e), NULL);
    ca_limits_default(&lim);
    lim.max_total_size = csv_len[0] + csv_len[1] + csv_len[2] + 10;
    same_walks("replay and total", &z2, &lim);
    free(z.p), free(z2.p);
}

/* The importer: fast path on and off, 1, 2 and 5 threads, one result. */
static char *import_zip(const char *path, int threads, int fast)
{
    run *r = run_new(NULL, NULL);
    ca_import_set_threads(r->imp, threads);
    ca_import_set_zip_fast(r->imp, fast);
    char sha[65];
    uint64_t hashed = 0;
    ca_import_input_hash(r->imp, path, sha, &hashed);
    CHECK_INT(ca_import_finish(r->imp), CA_OK);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    fprintf(f, "sha %s %llu\n", sha, (unsigned long long)hashed);
    CHECK_INT(ca_import_write_ndjson(r->imp, f), 0);
    for (size_t i = 0; i < ndiag(r); i++)
        fprintf(f, "diag %s\n", diag_msg(r, i));
    for (size_t i = 0; i < ca_import_nfiles(r->imp); i++) {
        const ca_file_stats *fs = ca_import_file(r->imp, i);
        fprintf(f, "file %s %s %zu %zu %zu\n", fs->path, fs->format ? fs->format : "-",
                fs->records, fs->warnings, fs->errors);
    }
    fclose(f);
    run_free(r);
    return out;
}

TEST(import_threads_fast_same_result)
{
    need_csv();
    static const unsigned char nothing[1] = {0};
    zent in[] = {E("inner.csv", 0, 8)};
    zbuf inner = make_zip(in, 1, NULL);
    for (int variant = 0; variant < 3; variant++) {
        zent e[24];
        size_t n = 0;
        char names[24][32];
        for (int i = 0; i < 20; i++) {
            snprintf(names[i], sizeof names[i], "g%02d_0_9.csv", i);
            e[n++] = (zent)E(names[i], i % N_CSV, i % 5 == 3 ? 0 : 8);
        }
        e[n++] = (zent){"g03_0_9.csv", csv[3], csv_len[3], 8, 0, 0, 0, 0, 0, 0};
        e[n++] = (zent){"inner.zip", inner.p, inner.n, 0, 0, 0, 0, 0, 0, 0};
        e[n++] = (zent){"empty.csv", nothing, 0, 8, 0, 0, 0, 0, 0, 0};
        if (variant == 1)
            e[7].bad_crc = 1;
        if (variant == 2)
            e[12].corrupt = 1;
        zbuf z = make_zip(e, n, NULL);
        char dir[] = "/tmp/ca-zipfast-XXXXXX";
        CHECK(mkdtemp(dir) != NULL);
        char path[128];
        snprintf(path, sizeof path, "%s/t.zip", dir);
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(z.p, 1, z.n, f) == z.n && fclose(f) == 0);
        char *want = import_zip(path, 1, 0);
        CHECK(strlen(want) > 100000);
        CHECK(strstr(want, "already read; skipped") != NULL);
        if (variant == 1)
            CHECK(strstr(want, "bad CRC") != NULL);
        for (int t = 1; t <= 5; t++) {
            if (t == 3 || t == 4)
                continue;
            for (int fast = 0; fast <= 1; fast++) {
                char *got = import_zip(path, t, fast);
                if (strcmp(want, got) != 0) {
                    fprintf(stderr, "variant %d threads %d fast %d differs\n", variant, t, fast);
                    check_failures++;
                }
                free(got);
            }
        }
        free(want);
        unlink(path);
        rmdir(dir);
        free(z.p);
    }
    free(inner.p);
}

TEST_MAIN()
