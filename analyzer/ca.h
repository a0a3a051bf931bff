/*
 * ca.h — chataudit core: status codes, the allocation choke point, and the
 * small helpers every module may use.  Parsers, rules and reports include
 * only headers from analyzer/, never each other's.
 */
#ifndef CA_H
#define CA_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define CA_VERSION "0.1.0"

/* Graded status codes (after libarchive): the more negative, the more of the
 * input is lost.  CA_FAILED loses one record, CA_FATAL the whole input. */
typedef enum {
    CA_OK = 0,
    CA_EOF = 1,
    CA_WARN = -10,
    CA_FAILED = -20,
    CA_FATAL = -30
} ca_status;

/* The allocation choke point.  Every allocation in chataudit goes through
 * these; they return NULL on failure (never abort), so callers must check.
 * ca_alloc_fail_after(n) makes the n-th following allocation (1-based) and
 * every later one fail; n = 0 disables the hook.  Test use only. */
void *ca_malloc(size_t n);
void *ca_calloc(size_t count, size_t size);
void *ca_realloc(void *p, size_t n);
char *ca_strdup(const char *s);
char *ca_strndup(const char *s, size_t n);
void ca_free(void *p);
/* Large blocks (>= 2 MiB) for arenas and event storage: 2 MiB aligned and
 * advised as huge pages where the kernel allows it, which saves hundreds
 * of thousands of page faults on a large import.  Free with ca_free. */
void *ca_malloc_large(size_t n);
void ca_alloc_fail_after(long n);
/* Number of allocations made since start (for tests of the hook). */
long ca_alloc_count(void);

/* Room for at least n elements of size bytes in the array p of *cap
 * elements: p itself when it has it, else p grown (doubling, from at least
 * min_cap) with *cap updated.  NULL on out of memory or overflow; p and
 * *cap are then unchanged and still valid.  Free with ca_free. */
void *ca_grow(void *p, size_t *cap, size_t n, size_t size, size_t min_cap);

/* Case-sensitive prefix/suffix tests on NUL-terminated strings. */
int ca_starts_with(const char *s, const char *prefix);
int ca_ends_with(const char *s, const char *suffix);

/* strcmp that orders NULL before every string and equals two NULLs. */
int ca_strcmp0(const char *a, const char *b);
/* Trims spaces and tabs at both ends and CR at the end, in place;
 * returns the first kept character. */
char *ca_trim(char *s);

/* 64-bit FNV-1a of n bytes; stable across runs and machines. */
uint64_t ca_hash64(const void *p, size_t n, uint64_t seed);

#define CA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define CA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CA_PRINTF(f, a)
#endif

#endif
