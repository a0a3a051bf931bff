/*
 * diag.c — bounded diagnostics with file and line.
 */
#include <stdio.h>
#include <string.h>
#include "diag.h"

typedef struct file_count {
    char *file;
    size_t n;
} file_count;

struct ca_diag {
    ca_diag_item *items;
    size_t len, cap;
    size_t max_per_file;
    size_t counts[3];
    size_t suppressed;
    file_count *files; /* kept items per file, for the bound */
    size_t n_files, cap_files;
};

ca_diag *ca_diag_new(size_t max_per_file)
{
    ca_diag *d = ca_calloc(1, sizeof *d);
    if (d)
        d->max_per_file = max_per_file ? max_per_file : 50;
    return d;
}

void ca_diag_free(ca_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->len; i++) {
        ca_free(d->items[i].file);
        ca_free(d->items[i].msg);
    }
    for (size_t i = 0; i < d->n_files; i++)
        ca_free(d->files[i].file);
    ca_free(d->files);
    ca_free(d->items);
    ca_free(d);
}

/* Returns the per-file counter for file, creating it; NULL on oom. */
static size_t *file_counter(ca_diag *d, const char *file)
{
    const char *key = file ? file : "";
    for (size_t i = d->n_files; i-- > 0;)
        if (strcmp(d->files[i].file, key) == 0)
            return &d->files[i].n;
    if (d->n_files == d->cap_files) {
        size_t cap = d->cap_files ? d->cap_files * 2 : 16;
        file_count *nf = ca_realloc(d->files, cap * sizeof *nf);
        if (!nf)
            return NULL;
        d->files = nf;
        d->cap_files = cap;
    }
    char *copy = ca_strdup(key);
    if (!copy)
        return NULL;
    d->files[d->n_files] = (file_count){copy, 0};
    return &d->files[d->n_files++].n;
}

static void push(ca_diag *d, ca_diag_item it)
{
    if (d->len == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        ca_diag_item *ni = ca_realloc(d->items, cap * sizeof *ni);
        if (!ni) {
            ca_free(it.file);
            ca_free(it.msg);
            d->suppressed++;
            return;
        }
        d->items = ni;
        d->cap = cap;
    }
    d->items[d->len++] = it;
}

void ca_diag_vadd(ca_diag *d, ca_diag_level level, const char *file, long line,
                  const char *fmt, va_list ap)
{
    if (!d)
        return;
    d->counts[level]++;
    size_t *n = file_counter(d, file);
    if (!n || *n >= d->max_per_file) {
        d->suppressed++;
        return;
    }
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    ca_diag_item it = {level, file ? ca_strdup(file) : NULL, line, ca_strdup(msg)};
    if ((file && !it.file) || !it.msg) {
        ca_free(it.file);
        ca_free(it.msg);
        d->suppressed++;
        return;
    }
    (*n)++;
    push(d, it);
}

void ca_diag_add(ca_diag *d, ca_diag_level level, const char *file, long line,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ca_diag_vadd(d, level, file, line, fmt, ap);
    va_end(ap);
}

size_t ca_diag_count(const ca_diag *d, ca_diag_level level) { return d->counts[level]; }
size_t ca_diag_len(const ca_diag *d) { return d->len; }
const ca_diag_item *ca_diag_at(const ca_diag *d, size_t i) { return &d->items[i]; }
size_t ca_diag_suppressed(const ca_diag *d) { return d->suppressed; }

size_t ca_diag_max_per_file(const ca_diag *d) { return d ? d->max_per_file : 0; }

void ca_diag_merge(ca_diag *dst, ca_diag *src)
{
    for (size_t i = 0; i < src->len; i++) {
        size_t *n = file_counter(dst, src->items[i].file);
        if (!n || *n >= dst->max_per_file) {
            ca_free(src->items[i].file);
            ca_free(src->items[i].msg);
            dst->suppressed++;
            continue;
        }
        (*n)++;
        push(dst, src->items[i]);
    }
    for (int l = 0; l < 3; l++)
        dst->counts[l] += src->counts[l];
    dst->suppressed += src->suppressed;
    src->len = 0;
    src->suppressed = 0;
    memset(src->counts, 0, sizeof src->counts);
}

void ca_diag_print(const ca_diag *d, FILE *f, ca_diag_level min_level)
{
    for (size_t i = 0; i < d->len; i++) {
        const ca_diag_item *it = &d->items[i];
        if (it->level < min_level)
            continue;
        fputs("chataudit: ", f);
        if (it->file) {
            fputs(it->file, f);
            if (it->line > 0)
                fprintf(f, ":%ld", it->line);
            fputs(": ", f);
        }
        fprintf(f, "%s%s\n", it->level == CA_DIAG_WARN ? "warning: " : "", it->msg);
    }
    if (d->suppressed)
        fprintf(f, "chataudit: %zu more problems not shown (limit per file reached)\n",
                d->suppressed);
}
