/*
 * outfile.c — write to a temporary name, sync, rename: a report appears
 * whole or not at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "outfile.h"
#include "timeparse.h"

static void cannot_write(const char *path, int err)
{
    fprintf(stderr, "chataudit: %s: cannot write: %s\n", path, strerror(err));
}

FILE *ca_outfile_open(const char *path, char **tmp_path)
{
    *tmp_path = NULL;
    size_t n = strlen(path) + 32;
    char *tmp = ca_malloc(n);
    if (!tmp) {
        cannot_write(path, ENOMEM);
        errno = ENOMEM;
        return NULL;
    }
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    /* O_EXCL: never write through a symlink someone left under our name */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int err = errno;
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        ca_free(tmp);
        cannot_write(path, err);
        errno = err;
        return NULL;
    }
    *tmp_path = tmp;
    return f;
}

/* The rename is durable only once the folder itself is synced; a failure
 * here loses nothing already written, so it is not reported. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? ca_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                      : ca_strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    ca_free(dir);
}

int ca_outfile_commit(FILE *f, char *tmp_path, const char *path)
{
    int err = 0;
    errno = 0;
    if (fflush(f) != 0 || ferror(f))
        err = errno ? errno : EIO;
    if (!err && fsync(fileno(f)) != 0 && errno != EINVAL && errno != EROFS)
        err = errno;
    if (fclose(f) != 0 && !err)
        err = errno;
    if (!err && rename(tmp_path, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp_path);
        ca_free(tmp_path);
        cannot_write(path, err);
        errno = err;
        return -1;
    }
    ca_free(tmp_path);
    sync_parent(path);
    return 0;
}

void ca_outfile_abort(FILE *f, char *tmp_path)
{
    if (f)
        fclose(f);
    if (tmp_path)
        unlink(tmp_path);
    ca_free(tmp_path);
}

int ca_outfile_fail(FILE *f, char *tmp_path, const char *path, int err)
{
    ca_outfile_abort(f, tmp_path);
    cannot_write(path, err);
    errno = err;
    return -1;
}

int ca_write_csv_report(const char *path, const char *header, size_t n,
                        void (*row)(ca_buf *b, const void *ctx, size_t i), const void *ctx)
{
    char *tmp;
    FILE *f = ca_outfile_open(path, &tmp);
    if (!f)
        return -1;
    ca_buf b = CA_BUF_INIT;
    ca_buf_puts(&b, "\xEF\xBB\xBF"); /* Excel reads the Chinese as UTF-8 */
    ca_buf_puts(&b, header);
    ca_buf_puts(&b, "\r\n");
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        row(&b, ctx, i);
        if (b.len >= 1 << 16)
            rc = ca_outfile_write_buf(f, &b);
    }
    if (rc == 0)
        rc = ca_outfile_write_buf(f, &b);
    int err = errno;
    ca_buf_free(&b);
    if (rc < 0)
        return ca_outfile_fail(f, tmp, path, err);
    return ca_outfile_commit(f, tmp, path);
}

void ca_html_clipped(ca_buf *b, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        ca_buf_html_text(b, s, n);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    ca_buf_html_text(b, s, max);
    ca_buf_puts(b, "…");
}

const char *ca_report_company(const ca_config *cfg)
{
    if (cfg->company_name && *cfg->company_name)
        return cfg->company_name;
    return cfg->policy.company_name ? cfg->policy.company_name : "";
}

void ca_report_local_time(ca_buf *b, int tz_offset_min, int64_t ms)
{
    char t[32];
    ca_time_format(ms, tz_offset_min, t);
    t[10] = ' ';
    t[19] = '\0';
    ca_buf_puts(b, t);
}

int ca_outfile_write_buf(FILE *f, ca_buf *b)
{
    if (b->oom) {
        errno = ENOMEM;
        return -1;
    }
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len) {
        if (!errno)
            errno = EIO;
        return -1;
    }
    ca_buf_reset(b);
    return 0;
}
