/*
 * alloc.c — the allocation choke point and small shared helpers.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <stdatomic.h>
#include "ca.h"

static atomic_long alloc_count;
static atomic_long fail_at; /* 0: never fail */

void ca_alloc_fail_after(long n)
{
    atomic_store(&fail_at, n > 0 ? atomic_load(&alloc_count) + n : 0);
}

long ca_alloc_count(void) { return atomic_load(&alloc_count); }

/* Returns 1 when the test hook says this allocation must fail. */
static int should_fail(void)
{
    long n = atomic_fetch_add(&alloc_count, 1) + 1;
    long f = atomic_load(&fail_at);
    return f > 0 && n >= f;
}

void *ca_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *ca_calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *ca_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void *ca_grow(void *p, size_t *cap, size_t n, size_t size, size_t min_cap)
{
    if (n <= *cap && p)
        return p;
    size_t c = *cap > min_cap ? *cap : min_cap ? min_cap : 1;
    while (c < n) {
        if (c > SIZE_MAX / 2)
            return NULL;
        c *= 2;
    }
    if (size && c > SIZE_MAX / size)
        return NULL;
    void *np = ca_realloc(p, c * size);
    if (np)
        *cap = c;
    return np;
}

char *ca_strndup(const char *s, size_t n)
{
    char *d = ca_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ca_strdup(const char *s) { return s ? ca_strndup(s, strlen(s)) : NULL; }

void ca_free(void *p) { free(p); }

void *ca_malloc_large(size_t n)
{
    if (should_fail())
        return NULL;
    const size_t huge = (size_t)2 << 20;
    if (n < huge)
        return malloc(n ? n : 1);
    void *p = NULL;
    if (posix_memalign(&p, huge, n) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, n & ~(huge - 1), MADV_HUGEPAGE);
#endif
    return p;
}

int ca_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

int ca_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && memcmp(s + a - b, suffix, b) == 0;
}

int ca_strcmp0(const char *a, const char *b)
{
    if (a == b)
        return 0;
    if (!a)
        return -1;
    if (!b)
        return 1;
    return strcmp(a, b);
}

char *ca_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

uint64_t ca_hash64(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *c = p;
    uint64_t h = 1469598103934665603ULL ^ seed;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 1099511628211ULL;
    }
    return h;
}
