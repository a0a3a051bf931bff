/*
 * test_archive.c — the input walker (analyzer/archive.c).  Fixtures are made
 * at test time with libarchive's write API in a fresh folder under /tmp; the
 * tests chdir into it so display paths are short and exact.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "walk.h"
#include "archive_mem.h"
#include "check.h"
#include "diag.h"
#include "run.h"

/* ------------------------------------------------------------- fixtures */

static char tmp_dir[256];
static char old_cwd[4096];

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st, (void)flag, (void)f;
    return remove(p);
}

/* A fresh temp folder, made the working directory. */
static void setup(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/ca_test_archive_XXXXXX");
    if (!mkdtemp(tmp_dir) || !getcwd(old_cwd, sizeof old_cwd) || chdir(tmp_dir) != 0) {
        fprintf(stderr, "cannot set up a temp folder: %s\n", strerror(errno));
        exit(2);
    }
}

static void teardown(void)
{
    if (chdir(old_cwd) != 0)
        fprintf(stderr, "chdir back failed\n");
    nftw(tmp_dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
}

typedef struct mbuf {
    unsigned char *p;
    size_t len, cap;
} mbuf;

static la_ssize_t mb_write(struct archive *a, void *ud, const void *buf, size_t n)
{
    (void)a;
    mbuf *m = ud;
    if (m->len + n > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + n)
            cap *= 2;
        m->p = realloc(m->p, cap);
        if (!m->p)
            exit(2);
        m->cap = cap;
    }
    memcpy(m->p + m->len, buf, n);
    m->len += n;
    return (la_ssize_t)n;
}

/* F_FILL: len bytes of CSV-like rows "1,2,3\n" (compresses ~1000:1). */
enum { F_REG, F_DIR, F_LINK, F_FILL };

typedef struct fent {
    const char *name;
    const void *data; /* F_REG: bytes; F_LINK: target */
    size_t len;       /* F_REG: (size_t)-1 for strlen(data); F_FILL: size */
    int type;
} fent;

#define REG(n, d) {n, d, (size_t)-1, F_REG}
#define REGN(n, d, l) {n, d, l, F_REG}

/* Builds an archive in memory.  format: "zip", "zip-store", "zip-crypt",
 * "ustar", "7zip", "raw"; filter: NULL, "gzip", "xz", "bzip2". */
static mbuf build(const char *format, const char *filter, const fent *ents, size_t n)
{
    mbuf m = {NULL, 0, 0};
    struct archive *a = archive_write_new();
    int r = ARCHIVE_OK;
    if (strncmp(format, "zip", 3) == 0) {
        r = archive_write_set_format_zip(a);
        if (r == ARCHIVE_OK && strcmp(format, "zip-store") == 0)
            r = archive_write_set_options(a, "zip:compression=store");
        if (r == ARCHIVE_OK && strcmp(format, "zip-crypt") == 0) {
            r = archive_write_set_options(a, "zip:encryption=zipcrypt");
            if (r == ARCHIVE_OK)
                r = archive_write_set_passphrase(a, "secret");
        }
    } else if (strcmp(format, "ustar") == 0) {
        r = archive_write_set_format_ustar(a);
    } else if (strcmp(format, "7zip") == 0) {
        r = archive_write_set_format_7zip(a);
    } else if (strcmp(format, "raw") == 0) {
        r = archive_write_set_format_raw(a);
    }
    if (r == ARCHIVE_OK && filter) {
        if (strcmp(filter, "gzip") == 0)
            r = archive_write_add_filter_gzip(a);
        else if (strcmp(filter, "xz") == 0)
            r = archive_write_add_filter_xz(a);
        else if (strcmp(filter, "bzip2") == 0)
            r = archive_write_add_filter_bzip2(a);
    }
    if (r == ARCHIVE_OK)
        r = archive_write_set_bytes_in_last_block(a, 1);
    if (r == ARCHIVE_OK)
        r = archive_write_open2(a, &m, NULL, mb_write, NULL, NULL);
    if (r != ARCHIVE_OK) {
        fprintf(stderr, "fixture %s/%s: %s\n", format, filter ? filter : "-",
                archive_error_string(a));
        exit(2);
    }
    static char fill[6 * 10000];
    for (size_t i = 0; i < sizeof fill; i++)
        fill[i] = "1,2,3\n"[i % 6];
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, ents[i].name);
        archive_entry_set_mtime(e, 1700000000, 0);
        size_t len = ents[i].len == (size_t)-1 ? strlen(ents[i].data) : ents[i].len;
        switch (ents[i].type) {
        case F_DIR:
            archive_entry_set_filetype(e, AE_IFDIR);
            archive_entry_set_perm(e, 0755);
            break;
        case F_LINK:
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_perm(e, 0777);
            archive_entry_set_symlink(e, ents[i].data);
            break;
        default:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_entry_set_size(e, (la_int64_t)len);
        }
        if (archive_write_header(a, e) != ARCHIVE_OK) {
            fprintf(stderr, "fixture header %s: %s\n", ents[i].name, archive_error_string(a));
            exit(2);
        }
        if (ents[i].type == F_REG && len > 0 &&
            archive_write_data(a, ents[i].data, len) != (la_ssize_t)len) {
            fprintf(stderr, "fixture data %s: %s\n", ents[i].name, archive_error_string(a));
            exit(2);
        }
        if (ents[i].type == F_FILL)
            for (size_t done = 0; done < len;) {
                size_t k = len - done < sizeof fill ? len - done : sizeof fill;
                if (archive_write_data(a, fill, k) != (la_ssize_t)k) {
                    fprintf(stderr, "fixture fill: %s\n", archive_error_string(a));
                    exit(2);
                }
                done += k;
            }
        archive_entry_free(e);
    }
    if (archive_write_close(a) != ARCHIVE_OK) {
        fprintf(stderr, "fixture close: %s\n", archive_error_string(a));
        exit(2);
    }
    archive_write_free(a);
    return m;
}

/* Builds an archive straight into a file. */
static void build_file(const char *path, const char *format, const char *filter,
                       const fent *ents, size_t n)
{
    mbuf m = build(format, filter, ents, n);
    write_file(path, m.p, m.len);
    free(m.p);
}

/* ------------------------------------------------------------- collector */

#define MAXGOT 64

typedef struct got {
    int n;
    char path[MAXGOT][256];
    char name[MAXGOT][128];
    char data[MAXGOT][128]; /* first bytes, NUL-terminated */
    size_t len[MAXGOT];
    int depth[MAXGOT];
    int stop_after; /* return CA_FATAL after this many entries (0: never) */
} got;

static ca_status collect(void *ud, const ca_raw_entry *e)
{
    got *g = ud;
    CHECK(e->path != NULL && e->name != NULL && e->data != NULL);
    if (g->n < MAXGOT) {
        snprintf(g->path[g->n], sizeof g->path[0], "%s", e->path);
        snprintf(g->name[g->n], sizeof g->name[0], "%s", e->name);
        size_t k = e->len < sizeof g->data[0] - 1 ? e->len : sizeof g->data[0] - 1;
        memcpy(g->data[g->n], e->data, k);
        g->data[g->n][k] = '\0';
        g->len[g->n] = e->len;
        g->depth[g->n] = e->depth;
    }
    g->n++;
    return g->stop_after && g->n >= g->stop_after ? CA_FATAL : CA_OK;
}

static void dump_diag(const ca_diag *d)
{
    static const char *lv[] = {"NOTE", "WARN", "ERROR"};
    for (size_t i = 0; i < ca_diag_len(d); i++) {
        const ca_diag_item *it = ca_diag_at(d, i);
        fprintf(stderr, "    diag %s [%s] %s\n", lv[it->level], it->file ? it->file : "(null)",
                it->msg);
    }
}

static void dump_got(const got *g)
{
    for (int i = 0; i < g->n && i < MAXGOT; i++)
        fprintf(stderr, "    entry %d: %s (%s) depth %d len %zu\n", i, g->path[i], g->name[i],
                g->depth[i], g->len[i]);
}

static int has_diag(const ca_diag *d, ca_diag_level level, const char *file, const char *msg)
{
    for (size_t i = 0; i < ca_diag_len(d); i++) {
        const ca_diag_item *it = ca_diag_at(d, i);
        if (it->level == level && it->file && strcmp(it->file, file) == 0 &&
            strcmp(it->msg, msg) == 0)
            return 1;
    }
    return 0;
}

#define CHECK_DIAG(d, level, file, msg)                                        \
    do {                                                                       \
        if (!has_diag(d, level, file, msg)) {                                  \
            fprintf(stderr, "%s:%d: missing diag [%s] %s; have:\n", __FILE__, \
                    __LINE__, file, msg);                                      \
            dump_diag(d);                                                      \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

#define CHECK_ENTRY(g, i, p, nm, dep)                                          \
    do {                                                                       \
        if ((g)->n <= (i)) {                                                   \
            fprintf(stderr, "%s:%d: no entry %d, expected %s\n", __FILE__,    \
                    __LINE__, (i), (p));                                       \
            dump_got(g);                                                       \
            check_failures++;                                                  \
        } else {                                                               \
            CHECK_STR((g)->path[i], (p));                                      \
            CHECK_STR((g)->name[i], (nm));                                     \
            CHECK_INT((g)->depth[i], (dep));                                   \
        }                                                                      \
    } while (0)

/* Walks input with limits lim (NULL: defaults). */
static ca_status walk(const char *input, const ca_limits *lim, ca_diag *d, got *g,
                      uint64_t *bytes)
{
    ca_limits def;
    ca_limits_default(&def);
    memset(g->path, 0, sizeof g->path);
    g->n = 0;
    return ca_walk_input(input, lim ? lim : &def, d, collect, g, bytes);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- tests */

TEST(limits_default)
{
    ca_limits l;
    ca_limits_default(&l);
    CHECK(l.max_entry_size == (uint64_t)256 << 20);
    CHECK(l.max_total_size == (uint64_t)8 << 30);
    CHECK_INT(l.max_ratio, 200);
    CHECK_INT(l.max_depth, 4);
    CHECK_INT(l.max_entries, 100000);
    CHECK_INT(l.max_line, 1 << 20);
}

TEST(is_archive_signatures)
{
    static const unsigned char zip[] = "PK\3\4\24\0";
    static const unsigned char zip_empty[] = "PK\5\6\0\0";
    static const unsigned char gz[] = "\x1f\x8b\x08\0";
    static const unsigned char xz[] = "\xfd" "7zXZ\0\0";
    static const unsigned char bz2[] = "BZh91AY&SY\0";
    static const unsigned char zst[] = "\x28\xb5\x2f\xfd\0";
    static const unsigned char sz[] = "7z\xbc\xaf\x27\x1c\0";
    CHECK(ca_is_archive(zip, 6));
    CHECK(ca_is_archive(zip_empty, 6));
    CHECK(ca_is_archive(gz, 4));
    CHECK(ca_is_archive(xz, 6));
    CHECK(ca_is_archive(bz2, 10));
    CHECK(ca_is_archive(zst, 4));
    CHECK(ca_is_archive(sz, 6));
    CHECK(!ca_is_archive(NULL, 0));
    CHECK(!ca_is_archive(zip, 3));
    /* Text that merely starts like a signature is not an archive. */
    static const char *texts[] = {"BZh9,name,time\n1,2,3\n", "PK,col\n", "7z,x\n",
                                  ("\xef\xbb\xbf" "a,b\n"), "id,talker\n"};
    for (size_t i = 0; i < CA_ARRAY_LEN(texts); i++)
        CHECK(!ca_is_archive((const unsigned char *)texts[i], strlen(texts[i])));
    /* A real tar header is, a CSV with "ustar" at offset 257 is not. */
    fent e[] = {REG("a.csv", "x\n")};
    mbuf t = build("ustar", NULL, e, 1);
    CHECK(ca_is_archive(t.p, t.len));
    unsigned char csv[600];
    memset(csv, 'a', sizeof csv);
    memcpy(csv + 257, "ustar", 5);
    CHECK(!ca_is_archive(csv, sizeof csv));
    memcpy(csv, t.p, 512); /* a tar header with a wrong checksum */
    csv[0] ^= 1;
    CHECK(!ca_is_archive(csv, sizeof csv));
    free(t.p);
}

TEST(plain_file)
{
    setup();
    write_file("x.csv", "a,b\n1,2\n", 8);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    uint64_t bytes = 99;
    CHECK_INT(walk("x.csv", NULL, d, &g, &bytes), CA_OK);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "x.csv", "x.csv", 0);
    CHECK_INT(g.len[0], 8);
    CHECK_STR(g.data[0], "a,b\n1,2\n");
    CHECK_INT(bytes, 8);
    CHECK_INT(ca_diag_len(d), 0);
    /* A file in a folder, given by path: the display path is the path. */
    CHECK(mkdir("sub", 0755) == 0);
    write_file("sub/y.txt", "", 0);
    CHECK_INT(walk("sub/y.txt", NULL, d, &g, NULL), CA_OK);
    CHECK_ENTRY(&g, 0, "sub/y.txt", "y.txt", 0);
    CHECK_INT(g.len[0], 0);
    ca_diag_free(d);
    teardown();
}

TEST(folder_sorted)
{
    setup();
    CHECK(mkdir("in", 0755) == 0 && mkdir("in/sub", 0755) == 0);
    write_file("in/b.csv", "b\n", 2);
    write_file("in/B.csv", "B\n", 2);
    write_file("in/a.csv", "a\n", 2);
    write_file("in/sub/c.csv", "c\n", 2);
    write_file("in/研发部.csv", "r\n", 2);
    fent z[] = {REG("inner.csv", "i\n")};
    build_file("in/a.zip", "zip", NULL, z, 1);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("in/", NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 6);
    CHECK_ENTRY(&g, 0, "in/B.csv", "B.csv", 0);
    CHECK_ENTRY(&g, 1, "in/a.csv", "a.csv", 0);
    CHECK_ENTRY(&g, 2, "in/a.zip!inner.csv", "inner.csv", 1);
    CHECK_ENTRY(&g, 3, "in/b.csv", "b.csv", 0);
    CHECK_ENTRY(&g, 4, "in/sub/c.csv", "c.csv", 0);
    CHECK_ENTRY(&g, 5, "in/研发部.csv", "研发部.csv", 0);
    CHECK_STR(g.data[2], "i\n");
    CHECK_INT(ca_diag_len(d), 0);
    ca_diag_free(d);
    teardown();
}

TEST(folder_unreadable_parts)
{
    setup();
    CHECK(mkdir("in", 0755) == 0);
    write_file("in/a.csv", "a\n", 2);
    CHECK(symlink("missing.csv", "in/broken.csv") == 0);
    CHECK(symlink(".", "in/loop") == 0);
    CHECK(mkfifo("in/p.fifo", 0644) == 0);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("in", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "in/a.csv", "a.csv", 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "in/broken.csv",
               "cannot open: No such file or directory; file skipped");
    CHECK_DIAG(d, CA_DIAG_ERROR, "in/loop", "folder loop through a symbolic link; folder skipped");
    CHECK_DIAG(d, CA_DIAG_NOTE, "in/p.fifo", "not a regular file (fifo); file skipped");
    CHECK_INT(ca_diag_len(d), 3);
    ca_diag_free(d);
    teardown();
}

TEST(zip)
{
    setup();
    fent e[] = {{"dir/", NULL, 0, F_DIR},
                REG("dir/研发部.csv", "a,b\n1,2\n"),
                REG("b.csv", "bee\n"),
                {"link.csv", "b.csv", 0, F_LINK}};
    build_file("t.zip", "zip", NULL, e, CA_ARRAY_LEN(e));
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    uint64_t bytes = 0;
    CHECK_INT(walk("t.zip", NULL, d, &g, &bytes), CA_OK);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 0, "t.zip!dir/研发部.csv", "研发部.csv", 1);
    CHECK_STR(g.data[0], "a,b\n1,2\n");
    CHECK_ENTRY(&g, 1, "t.zip!b.csv", "b.csv", 1);
    CHECK_STR(g.data[1], "bee\n");
    CHECK_DIAG(d, CA_DIAG_NOTE, "t.zip!link.csv", "not a regular file (symbolic link); entry skipped");
    CHECK_INT(ca_diag_count(d, CA_DIAG_ERROR), 0);
    struct stat st;
    CHECK(stat("t.zip", &st) == 0 && bytes == (uint64_t)st.st_size);
    ca_diag_free(d);
    teardown();
}

/* One CSV in an archive of the given kind. */
static void one_entry_case(const char *file, const char *format, const char *filter)
{
    setup();
    fent e[] = {{"d/", NULL, 0, F_DIR}, REG("d/a.csv", "x,y\n3,4\n"), REG("b.csv", "b\n")};
    build_file(file, format, filter, e, CA_ARRAY_LEN(e));
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    char p0[128], p1[128];
    snprintf(p0, sizeof p0, "%s!d/a.csv", file);
    snprintf(p1, sizeof p1, "%s!b.csv", file);
    CHECK_INT(walk(file, NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 0, p0, "a.csv", 1);
    CHECK_STR(g.data[0], "x,y\n3,4\n");
    CHECK_ENTRY(&g, 1, p1, "b.csv", 1);
    CHECK_INT(ca_diag_len(d), 0);
    ca_diag_free(d);
    teardown();
}

TEST(tar) { one_entry_case("t.tar", "ustar", NULL); }
TEST(tar_gz) { one_entry_case("t.tar.gz", "ustar", "gzip"); }
TEST(tar_xz) { one_entry_case("t.tar.xz", "ustar", "xz"); }
TEST(tar_bz2) { one_entry_case("t.tar.bz2", "ustar", "bzip2"); }
TEST(sevenzip) { one_entry_case("t.7z", "7zip", NULL); }
TEST(zip_stored) { one_entry_case("s.zip", "zip-store", NULL); }
/* The format is found from the bytes, not the name. */
TEST(misnamed_archive) { one_entry_case("export.csv", "zip", NULL); }

TEST(single_compressed_file)
{
    setup();
    fent e[] = {REG("ignored", "a,b\n1,2\n")};
    build_file("x.csv.gz", "raw", "gzip", e, 1);
    build_file("y.csv.xz", "raw", "xz", e, 1);
    build_file("z.csv.BZ2", "raw", "bzip2", e, 1);
    build_file("noext", "raw", "gzip", e, 1);
    static const char *files[] = {"x.csv.gz", "y.csv.xz", "z.csv.BZ2", "noext"};
    static const char *paths[] = {"x.csv.gz!x.csv", "y.csv.xz!y.csv", "z.csv.BZ2!z.csv",
                                  "noext!noext"};
    static const char *names[] = {"x.csv", "y.csv", "z.csv", "noext"};
    for (size_t i = 0; i < CA_ARRAY_LEN(files); i++) {
        ca_diag *d = ca_diag_new(0);
        got g = {0};
        CHECK_INT(walk(files[i], NULL, d, &g, NULL), CA_OK);
        CHECK_INT(g.n, 1);
        CHECK_ENTRY(&g, 0, paths[i], names[i], 1);
        CHECK_STR(g.data[0], "a,b\n1,2\n");
        CHECK_INT(ca_diag_len(d), 0);
        ca_diag_free(d);
    }
    teardown();
}

TEST(nested_zip_in_tar_gz)
{
    setup();
    fent in[] = {REG("a.csv", "nested\n")};
    mbuf z = build("zip", NULL, in, 1);
    fent out[] = {REG("readme.txt", "hi\n"), REGN("inner.zip", z.p, z.len)};
    build_file("outer.tar.gz", "ustar", "gzip", out, 2);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("outer.tar.gz", NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 0, "outer.tar.gz!readme.txt", "readme.txt", 1);
    CHECK_ENTRY(&g, 1, "outer.tar.gz!inner.zip!a.csv", "a.csv", 2);
    CHECK_STR(g.data[1], "nested\n");
    CHECK_INT(ca_diag_len(d), 0);
    /* The same from memory. */
    mbuf t = build("ustar", "gzip", out, 2);
    ca_limits lim;
    ca_limits_default(&lim);
    g.n = 0;
    CHECK_INT(ca_walk_memory("m.tgz", t.p, t.len, &lim, d, collect, &g), CA_OK);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 1, "m.tgz!inner.zip!a.csv", "a.csv", 2);
    g.n = 0;
    CHECK_INT(ca_walk_memory("dir/p.csv", (const unsigned char *)"p\n", 2, &lim, d, collect, &g),
              CA_OK);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "dir/p.csv", "p.csv", 0);
    free(t.p);
    free(z.p);
    ca_diag_free(d);
    teardown();
}

TEST(truncated_zip)
{
    setup();
    static char big[100000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + (i * 7919) % 26);
    fent e[] = {REG("a.csv", "first\n"), REG("b.csv", "second\n"), REGN("c.csv", big, sizeof big)};
    mbuf m = build("zip-store", NULL, e, 3);
    write_file("t.zip", m.p, m.len / 2); /* cut inside c.csv: no central directory */
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("t.zip", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 0, "t.zip!a.csv", "a.csv", 1);
    CHECK_ENTRY(&g, 1, "t.zip!b.csv", "b.csv", 1);
    CHECK_STR(g.data[1], "second\n");
    CHECK_DIAG(d, CA_DIAG_ERROR, "t.zip!c.csv",
               "corrupt or truncated entry: Truncated ZIP file data; entry and rest of archive skipped");
    CHECK_INT(ca_diag_count(d, CA_DIAG_ERROR), 1);
    free(m.p);
    ca_diag_free(d);
    teardown();
}

TEST(truncated_tar_gz)
{
    setup();
    static char big[200000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof big; i++) { /* incompressible */
        x = x * 1103515245u + 12345u;
        big[i] = (char)(x >> 24);
    }
    fent e[] = {REG("a.csv", "first\n"), REGN("b.bin", big, sizeof big), REG("c.csv", "c\n")};
    mbuf m = build("ustar", "gzip", e, 3);
    write_file("t.tar.gz", m.p, m.len / 2);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("t.tar.gz", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "t.tar.gz!a.csv", "a.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "t.tar.gz!b.bin",
               "corrupt or truncated entry: truncated gzip input; entry and rest of archive skipped");
    CHECK_INT(ca_diag_count(d, CA_DIAG_ERROR), 1);
    free(m.p);
    ca_diag_free(d);
    teardown();
}

TEST(corrupt_archive)
{
    setup();
    /* Starts like a zip, then garbage. */
    write_file("bad.zip", "PK\3\4garbage garbage garbage garbage", 35);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("bad.zip", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "bad.zip",
               "corrupt or truncated archive: Truncated ZIP file header; rest of archive skipped");
    CHECK_INT(ca_diag_len(d), 1);
    /* A gzip header with a corrupt stream. */
    write_file("bad.csv.gz", "\x1f\x8b\x08\0\0\0\0\0\0\3garbage!garbage!", 26);
    ca_diag_free(d);
    d = ca_diag_new(0);
    CHECK_INT(walk("bad.csv.gz", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "bad.csv.gz",
               "cannot open archive: gzip decompression failed; archive skipped");
    CHECK_INT(ca_diag_len(d), 1);
    ca_diag_free(d);
    teardown();
}

TEST(empty_archive)
{
    setup();
    build_file("e.zip", "zip", NULL, NULL, 0);
    static char nul[4096];
    fent z[] = {REGN("x", nul, sizeof nul)};
    build_file("nul.gz", "raw", "gzip", z, 1); /* reads as an empty tar */
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("e.zip", NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_NOTE, "e.zip", "archive is empty; nothing to read");
    CHECK_INT(walk("nul.gz", NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_NOTE, "nul.gz", "archive is empty; nothing to read");
    CHECK_INT(ca_diag_len(d), 2);
    ca_diag_free(d);
    teardown();
}

TEST(corrupt_entry_crc)
{
    setup();
    fent e[] = {REG("a.csv", "hello,world\n"), REG("b.csv", "kept\n")};
    mbuf m = build("zip-store", NULL, e, 2);
    unsigned char *p = memmem(m.p, m.len, "hello", 5);
    CHECK(p != NULL);
    if (p)
        p[0] = 'j';
    write_file("crc.zip", m.p, m.len);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("crc.zip", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "crc.zip!b.csv", "b.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "crc.zip!a.csv",
               "corrupt entry: ZIP bad CRC: 0x8493cfc6 should be 0x68a85159; entry skipped");
    CHECK_INT(ca_diag_len(d), 1);
    free(m.p);
    ca_diag_free(d);
    teardown();
}

TEST(ratio_bomb)
{
    setup();
    double t0 = now_s();
    fent e[] = {REG("ok.csv", "fine\n"), {"big.csv", NULL, (size_t)50 << 20, F_FILL},
                REG("after.csv", "never\n")};
    build_file("bomb.zip", "zip", NULL, e, 3);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("bomb.zip", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "bomb.zip!ok.csv", "ok.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "bomb.zip!big.csv",
               "compression ratio exceeds 200:1 (possible zip bomb); rest of archive skipped");
    CHECK_INT(ca_diag_count(d, CA_DIAG_ERROR), 1);
    /* The same as a single .gz, and nested in a tar: only the bomb is lost. */
    fent z[] = {{"x", NULL, (size_t)50 << 20, F_FILL}};
    mbuf gz = build("raw", "gzip", z, 1);
    write_file("rows.csv.gz", gz.p, gz.len);
    ca_diag_free(d);
    d = ca_diag_new(0);
    CHECK_INT(walk("rows.csv.gz", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "rows.csv.gz!rows.csv",
               "compression ratio exceeds 200:1 (possible zip bomb); rest of archive skipped");
    fent t[] = {REGN("z.csv.gz", gz.p, gz.len), REG("after.csv", "kept\n")};
    build_file("t.tar", "ustar", NULL, t, 2);
    ca_diag_free(d);
    d = ca_diag_new(0);
    CHECK_INT(walk("t.tar", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "t.tar!after.csv", "after.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "t.tar!z.csv.gz!z.csv",
               "compression ratio exceeds 200:1 (possible zip bomb); rest of archive skipped");
    free(gz.p);
    ca_diag_free(d);
    double dt = now_s() - t0;
    if (dt > 10)
        fprintf(stderr, "ratio_bomb took %.1f s\n", dt);
    CHECK(dt < 10);
    teardown();
}

TEST(too_deep)
{
    setup();
    fent l5[] = {REG("deep.csv", "5\n")};
    mbuf m5 = build("zip", NULL, l5, 1);
    fent l4[] = {REG("d4.csv", "4\n"), REGN("l5.zip", m5.p, m5.len)};
    mbuf m4 = build("zip", NULL, l4, 2);
    fent l3[] = {REGN("l4.zip", m4.p, m4.len)};
    mbuf m3 = build("zip", NULL, l3, 1);
    fent l2[] = {REGN("l3.zip", m3.p, m3.len)};
    mbuf m2 = build("zip", NULL, l2, 1);
    fent l1[] = {REGN("l2.zip", m2.p, m2.len)};
    build_file("l1.zip", "zip", NULL, l1, 1);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("l1.zip", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "l1.zip!l2.zip!l3.zip!l4.zip!d4.csv", "d4.csv", 4);
    CHECK_DIAG(d, CA_DIAG_ERROR, "l1.zip!l2.zip!l3.zip!l4.zip!l5.zip",
               "archive nested more than 4 levels deep; archive skipped");
    CHECK_INT(ca_diag_len(d), 1);
    /* A lower limit. */
    ca_limits lim;
    ca_limits_default(&lim);
    lim.max_depth = 2;
    ca_diag_free(d);
    d = ca_diag_new(0);
    CHECK_INT(walk("l1.zip", &lim, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "l1.zip!l2.zip!l3.zip",
               "archive nested more than 2 levels deep; archive skipped");
    free(m2.p);
    free(m3.p);
    free(m4.p);
    free(m5.p);
    ca_diag_free(d);
    teardown();
}

TEST(too_many_entries)
{
    setup();
    fent e[] = {REG("e1.csv", "1\n"), REG("e2.csv", "2\n"), REG("e3.csv", "3\n"),
                REG("e4.csv", "4\n"), REG("e5.csv", "5\n")};
    build_file("many.zip", "zip", NULL, e, 5);
    ca_limits lim;
    ca_limits_default(&lim);
    lim.max_entries = 3;
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("many.zip", &lim, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 3);
    CHECK_ENTRY(&g, 2, "many.zip!e3.csv", "e3.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "many.zip", "archive has more than 3 entries; rest of archive skipped");
    CHECK_INT(ca_diag_len(d), 1);
    /* Exactly at the limit is fine. */
    lim.max_entries = 5;
    ca_diag_free(d);
    d = ca_diag_new(0);
    CHECK_INT(walk("many.zip", &lim, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 5);
    ca_diag_free(d);
    teardown();
}

TEST(entry_too_large)
{
    setup();
    static char big[1000], exact[100];
    memset(big, 'x', sizeof big);
    memset(exact, 'y', sizeof exact);
    fent e[] = {REG("small.csv", "small\n"), REGN("big.csv", big, sizeof big),
                REGN("exact.csv", exact, sizeof exact), REG("after.csv", "after\n")};
    build_file("t.zip", "zip", NULL, e, 4);
    fent r[] = {REGN("x", big, sizeof big)};
    build_file("big.csv.gz", "raw", "gzip", r, 1);
    write_file("big.txt", big, sizeof big);
    write_file("exact.txt", exact, sizeof exact);
    ca_limits lim;
    ca_limits_default(&lim);
    lim.max_entry_size = 100;
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("t.zip", &lim, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 3);
    CHECK_ENTRY(&g, 0, "t.zip!small.csv", "small.csv", 1);
    CHECK_ENTRY(&g, 1, "t.zip!exact.csv", "exact.csv", 1);
    CHECK_INT(g.len[1], 100);
    CHECK_ENTRY(&g, 2, "t.zip!after.csv", "after.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "t.zip!big.csv", "entry larger than the limit of 100 bytes; entry skipped");
    CHECK_INT(ca_diag_len(d), 1);
    CHECK_INT(walk("big.csv.gz", &lim, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "big.csv.gz!big.csv",
               "entry larger than the limit of 100 bytes; entry skipped");
    CHECK_INT(walk("big.txt", &lim, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "big.txt", "file larger than the limit of 100 bytes; file skipped");
    CHECK_INT(walk("exact.txt", &lim, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 1);
    CHECK_INT(g.len[0], 100);
    ca_diag_free(d);
    teardown();
}

TEST(total_limit)
{
    setup();
    static char six[600];
    memset(six, 's', sizeof six);
    CHECK(mkdir("in", 0755) == 0);
    fent e[] = {REGN("a.csv", six, sizeof six), REGN("b.csv", six, sizeof six), REG("c.csv", "c\n")};
    build_file("in/t.tar", "ustar", NULL, e, 3);
    write_file("in/z.csv", "z\n", 2);
    ca_limits lim;
    ca_limits_default(&lim);
    lim.max_total_size = 1000;
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("in", &lim, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1); /* a.csv; b.csv, c.csv and in/z.csv are the rest */
    CHECK_ENTRY(&g, 0, "in/t.tar!a.csv", "a.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "in/t.tar!b.csv",
               "total decompressed size exceeds the limit of 1000 bytes; rest of input skipped");
    CHECK_INT(ca_diag_len(d), 1);
    ca_diag_free(d);
    teardown();
}

TEST(encrypted_zip)
{
    setup();
    fent e[] = {REG("secret.csv", "s,e,c\n"), REG("other.csv", "o\n")};
    build_file("e.zip", "zip-crypt", NULL, e, 2);
    /* An encrypted zip next to a plain entry, inside a tar. */
    mbuf z = build("zip-crypt", NULL, e, 1);
    fent t[] = {REGN("e.zip", z.p, z.len), REG("plain.csv", "p\n")};
    build_file("t.tar", "ustar", NULL, t, 2);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("e.zip", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "e.zip!secret.csv", "entry is encrypted; cannot be read");
    CHECK_DIAG(d, CA_DIAG_ERROR, "e.zip!other.csv", "entry is encrypted; cannot be read");
    CHECK_INT(ca_diag_len(d), 2);
    ca_diag_free(d);
    d = ca_diag_new(0);
    CHECK_INT(walk("t.tar", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 1);
    CHECK_ENTRY(&g, 0, "t.tar!plain.csv", "plain.csv", 1);
    CHECK_DIAG(d, CA_DIAG_ERROR, "t.tar!e.zip!secret.csv", "entry is encrypted; cannot be read");
    free(z.p);
    ca_diag_free(d);
    /* zip -P, as users make them, mixed with a plain entry. */
    if (system("command -v zip >/dev/null 2>&1") != 0) {
        fprintf(stderr, "encrypted_zip: zip not installed, zip -P case skipped\n");
    } else {
        write_file("secret.csv", "s\n", 2);
        write_file("plain.csv", "p\n", 2);
        CHECK(system("zip -q -P pw m.zip secret.csv && zip -q m.zip plain.csv") == 0);
        d = ca_diag_new(0);
        CHECK_INT(walk("m.zip", NULL, d, &g, NULL), CA_WARN);
        CHECK_INT(g.n, 1);
        CHECK_ENTRY(&g, 0, "m.zip!plain.csv", "plain.csv", 1);
        CHECK_DIAG(d, CA_DIAG_ERROR, "m.zip!secret.csv", "entry is encrypted; cannot be read");
        CHECK_INT(ca_diag_len(d), 1);
        ca_diag_free(d);
    }
    teardown();
}

TEST(encrypted_7z)
{
    if (system("command -v 7z >/dev/null 2>&1") != 0) {
        fprintf(stderr, "encrypted_7z: 7z not installed, skipped\n");
        return;
    }
    setup();
    write_file("secret.csv", "s\n", 2);
    CHECK(system("7z a -bd -psecret e.7z secret.csv >/dev/null && "
                 "7z a -bd -psecret -mhe=on h.7z secret.csv >/dev/null") == 0);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("e.7z", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "e.7z!secret.csv", "entry is encrypted; cannot be read");
    CHECK_INT(walk("h.7z", NULL, d, &g, NULL), CA_WARN);
    CHECK_INT(g.n, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "h.7z", "archive is encrypted; cannot be read");
    CHECK_INT(ca_diag_len(d), 2);
    ca_diag_free(d);
    teardown();
}

TEST(missing_input)
{
    setup();
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    uint64_t bytes = 7;
    CHECK_INT(walk("nope.csv", NULL, d, &g, &bytes), CA_FATAL);
    CHECK_INT(g.n, 0);
    CHECK_INT(bytes, 0);
    CHECK_DIAG(d, CA_DIAG_ERROR, "nope.csv", "cannot open: No such file or directory; file skipped");
    CHECK_INT(walk("nodir/", NULL, d, &g, NULL), CA_FATAL);
    CHECK_DIAG(d, CA_DIAG_ERROR, "nodir", "cannot open: No such file or directory; file skipped");
    CHECK_INT(walk("/dev/null", NULL, d, &g, NULL), CA_FATAL);
    CHECK_DIAG(d, CA_DIAG_ERROR, "/dev/null", "not a regular file or folder; input skipped");
    CHECK_INT(ca_diag_len(d), 3);
    ca_diag_free(d);
    teardown();
}

TEST(path_traversal_is_data)
{
    setup();
    CHECK(mkdir("a", 0755) == 0 && mkdir("a/b", 0755) == 0);
    fent e[] = {REG("../../x.csv", "evil\n"), REG("/tmp/ca_test_archive_abs.csv", "abs\n")};
    build_file("a/b/t.tar", "ustar", NULL, e, 2);
    build_file("a/b/t.zip", "zip", NULL, e, 2);
    if (chdir("a/b") != 0)
        exit(2);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("t.tar", NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 0, "t.tar!../../x.csv", "x.csv", 1);
    CHECK_STR(g.data[0], "evil\n");
    CHECK_ENTRY(&g, 1, "t.tar!/tmp/ca_test_archive_abs.csv", "ca_test_archive_abs.csv", 1);
    CHECK_INT(walk("t.zip", NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 0, "t.zip!../../x.csv", "x.csv", 1);
    struct stat st;
    CHECK(stat("../../x.csv", &st) != 0);
    CHECK(stat("/tmp/ca_test_archive_abs.csv", &st) != 0);
    ca_diag_free(d);
    teardown();
}

TEST(gbk_entry_name)
{
    setup();
    /* 研发部.csv in GBK, as zip on Chinese Windows writes it (no UTF-8 flag). */
    fent e[] = {REG("\xD1\xD0\xB7\xA2\xB2\xBF.csv", "g\n"), REG("bad\x01\xff.csv", "b\n")};
    build_file("g.zip", "zip", NULL, e, 2);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    CHECK_INT(walk("g.zip", NULL, d, &g, NULL), CA_OK);
    CHECK_INT(g.n, 2);
    CHECK_ENTRY(&g, 0, "g.zip!研发部.csv", "研发部.csv", 1);
    CHECK_ENTRY(&g, 1, "g.zip!bad?\xEF\xBF\xBD.csv", "bad?\xEF\xBF\xBD.csv", 1);
    ca_diag_free(d);
    teardown();
}

TEST(callback_stop)
{
    setup();
    fent e[] = {REG("a.csv", "a\n"), REG("b.csv", "b\n"), REG("c.csv", "c\n")};
    build_file("t.zip", "zip", NULL, e, 3);
    CHECK(mkdir("in", 0755) == 0);
    write_file("in/a.csv", "a\n", 2);
    write_file("in/b.csv", "b\n", 2);
    ca_diag *d = ca_diag_new(0);
    got g = {0};
    g.stop_after = 2;
    CHECK_INT(walk("t.zip", NULL, d, &g, NULL), CA_FATAL);
    CHECK_INT(g.n, 2);
    g.stop_after = 1;
    CHECK_INT(walk("in", NULL, d, &g, NULL), CA_FATAL);
    CHECK_INT(g.n, 1);
    CHECK_INT(ca_diag_len(d), 0);
    ca_diag_free(d);
    teardown();
}

/* Every allocation failing in turn: no crash, no leak (under ASan), and the
 * loss is reported. */
/* The SHA-256 taken during the walk equals ca_sha256_path's (a second
 * read of the file), whatever kind of file and however the walk reads it:
 * zip (central directory first, then the entries), tar.gz, plain, a zip cut
 * short, a file skipped as too large; a folder gets "" (hashed apart). */
static void check_hash(const char *input, const ca_limits *lim, int want_hash)
{
    ca_diag *d = ca_diag_new(0);
    got g1 = {0}, g2 = {0};
    char sha[65] = "x", want[65];
    uint64_t hashed = 0, b1 = 0, b2 = 0, wb = 0;
    ca_status s1 = walk(input, lim, d, &g1, &b1);
    ca_limits def;
    ca_limits_default(&def);
    ca_status s2 = ca_walk_input_hash(input, lim ? lim : &def, d, collect, &g2, &b2, sha, &hashed);
    CHECK_INT(s2, s1);
    CHECK_INT(g2.n, g1.n); /* the same walk */
    CHECK_INT(b2, b1);
    CHECK_INT(ca_sha256_path(input, want, &wb), 0);
    if (want_hash) {
        CHECK_STR(sha, want);
        CHECK_INT(hashed, wb);
    } else {
        CHECK_STR(sha, "");
    }
    ca_diag_free(d);
}

TEST(input_hash_during_walk)
{
    setup();
    static char big[300000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)('a' + (i * 7919) % 26);
    fent e[] = {REG("a.csv", "first\n"), REGN("b.csv", big, sizeof big), REG("c.csv", "third\n")};
    build_file("t.zip", "zip-store", NULL, e, 3);
    build_file("z.zip", "zip", NULL, e, 3);
    build_file("t.tar.gz", "ustar", "gzip", e, 3);
    mbuf m = build("zip-store", NULL, e, 3);
    write_file("cut.zip", m.p, m.len / 2);
    free(m.p);
    write_file("plain.csv", big, sizeof big);
    write_file("empty.csv", "", 0);
    CHECK(mkdir("dir", 0777) == 0);
    write_file("dir/x.csv", "x\n", 2);
    check_hash("t.zip", NULL, 1);
    check_hash("z.zip", NULL, 1);
    check_hash("t.tar.gz", NULL, 1);
    check_hash("cut.zip", NULL, 1);
    check_hash("plain.csv", NULL, 1);
    check_hash("empty.csv", NULL, 1);
    ca_limits lim;
    ca_limits_default(&lim);
    lim.max_entry_size = 1000; /* plain.csv skipped unread, b.csv drained */
    check_hash("plain.csv", &lim, 1);
    check_hash("t.zip", &lim, 1);
    check_hash("dir", NULL, 0);
    teardown();
}

TEST(out_of_memory)
{
    setup();
    fent in[] = {REG("a.csv", "nested\n")};
    mbuf z = build("zip", NULL, in, 1);
    fent out[] = {REG("readme.txt", "hi\n"), REGN("inner.zip", z.p, z.len),
                  REG("\xD1\xD0.csv", "gbk\n")};
    build_file("o.tar.gz", "ustar", "gzip", out, 3);
    CHECK(mkdir("in", 0755) == 0);
    write_file("in/p.csv", "p\n", 2);
    if (rename("o.tar.gz", "in/o.tar.gz") != 0)
        exit(2);
    int ok = 0;
    for (long n = 1; n < 500 && !ok; n++) {
        ca_diag *d = ca_diag_new(0);
        got g = {0};
        ca_limits lim;
        ca_limits_default(&lim);
        ca_alloc_fail_after(n);
        ca_status st = ca_walk_input("in", &lim, d, collect, &g, NULL);
        ca_alloc_fail_after(0);
        if (st == CA_OK) {
            ok = 1;
            CHECK(n > 10); /* the walk does allocate: the hook was exercised */
            CHECK_INT(g.n, 4);
        } else {
            CHECK(st == CA_WARN || st == CA_FATAL);
            CHECK(ca_diag_count(d, CA_DIAG_ERROR) > 0 || g.n < 4);
        }
        ca_diag_free(d);
    }
    CHECK(ok);
    free(z.p);
    teardown();
}
TEST_MAIN()
