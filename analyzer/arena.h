/*
 * arena.h — region allocator and string interning.  An arena owns every
 * block handed out and frees them in one go; nothing inside is freed alone.
 * Not thread-safe: one arena per owner (an import, a conversation, a worker).
 */
#ifndef CA_ARENA_H
#define CA_ARENA_H

#include "ca.h"

typedef struct ca_arena ca_arena;

/* Creates an arena whose blocks are at least chunk bytes (0: default 64 KiB).
 * Returns NULL on out of memory. */
ca_arena *ca_arena_new(size_t chunk);
/* Frees the arena and everything allocated from it.  NULL is a no-op. */
void ca_arena_free(ca_arena *a);
/* Returns n bytes aligned to 8, owned by the arena, or NULL on oom. */
void *ca_arena_alloc(ca_arena *a, size_t n);
void *ca_arena_calloc(ca_arena *a, size_t n);
/* Copies n bytes of s and a NUL; NULL on oom. */
char *ca_arena_strndup(ca_arena *a, const char *s, size_t n);
char *ca_arena_strdup(ca_arena *a, const char *s);
/* Bytes obtained from the system so far (for memory accounting). */
size_t ca_arena_bytes(const ca_arena *a);
/* Whether p points into one of a's blocks (a may be NULL: no).  The cost
 * grows with the number of blocks, which grow geometrically. */
int ca_arena_owns(const ca_arena *a, const void *p);

typedef struct ca_interner ca_interner;

/* An intern table: equal strings become the same pointer, so ids and names
 * compare with ==.  Strings live in the table's own arena until
 * ca_intern_free.  Returns NULL on oom. */
ca_interner *ca_intern_new(void);
void ca_intern_free(ca_interner *t);
/* Returns the canonical copy of s[0..n) (NUL-terminated), or NULL on oom. */
const char *ca_intern(ca_interner *t, const char *s, size_t n);
const char *ca_intern_cstr(ca_interner *t, const char *s);
size_t ca_intern_count(const ca_interner *t);

#endif
