/*
 * arena.c — region allocator and the string intern table.
 */
#include <string.h>
#include "arena.h"

typedef struct block {
    struct block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} block;

struct ca_arena {
    block *head;
    size_t chunk;     /* size of the next normal block */
    size_t max_chunk; /* blocks grow geometrically up to this */
    size_t bytes;
};

ca_arena *ca_arena_new(size_t chunk)
{
    ca_arena *a = ca_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->max_chunk = chunk ? chunk : 64 * 1024;
    a->chunk = a->max_chunk < 64 * 1024 ? a->max_chunk : 64 * 1024;
    return a;
}

void ca_arena_free(ca_arena *a)
{
    if (!a)
        return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        ca_free(b);
    }
    ca_free(a);
}

void *ca_arena_alloc(ca_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    block *b = a->head;
    if (!b || b->size - b->used < n) {
        /* Large requests get a block of their own behind the current one,
         * so the current block's free space is not wasted. */
        size_t size = n > a->chunk / 4 ? n : a->chunk;
        block *nb = size >= ((size_t)2 << 20) ? ca_malloc_large(sizeof *nb + size)
                                              : ca_malloc(sizeof *nb + size);
        if (!nb)
            return NULL;
        nb->size = size;
        nb->used = 0;
        a->bytes += sizeof *nb + size;
        if (b && size != a->chunk) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
            if (a->chunk < a->max_chunk) /* small arenas stay small */
                a->chunk *= 2;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void *ca_arena_calloc(ca_arena *a, size_t n)
{
    void *p = ca_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *ca_arena_strndup(ca_arena *a, const char *s, size_t n)
{
    char *d = ca_arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *ca_arena_strdup(ca_arena *a, const char *s)
{
    return s ? ca_arena_strndup(a, s, strlen(s)) : NULL;
}

size_t ca_arena_bytes(const ca_arena *a) { return a->bytes; }

int ca_arena_owns(const ca_arena *a, const void *p)
{
    const unsigned char *q = p;
    for (const block *b = a ? a->head : NULL; b; b = b->next)
        if (q >= b->data && q < b->data + b->size)
            return 1;
    return 0;
}

/* ---- intern table: open addressing over (hash, pointer) slots ---- */

typedef struct slot {
    uint64_t hash;
    const char *s;
    size_t len;
} slot;

struct ca_interner {
    ca_arena *arena;
    slot *slots;
    size_t cap, count;
};

ca_interner *ca_intern_new(void)
{
    ca_interner *t = ca_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->arena = ca_arena_new(0);
    t->cap = 1024;
    t->slots = ca_calloc(t->cap, sizeof *t->slots);
    if (!t->arena || !t->slots) {
        ca_intern_free(t);
        return NULL;
    }
    return t;
}

void ca_intern_free(ca_interner *t)
{
    if (!t)
        return;
    ca_arena_free(t->arena);
    ca_free(t->slots);
    ca_free(t);
}

static int grow(ca_interner *t)
{
    size_t cap = t->cap * 2;
    slot *ns = ca_calloc(cap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].s)
            continue;
        size_t j = t->slots[i].hash & (cap - 1);
        while (ns[j].s)
            j = (j + 1) & (cap - 1);
        ns[j] = t->slots[i];
    }
    ca_free(t->slots);
    t->slots = ns;
    t->cap = cap;
    return 0;
}

const char *ca_intern(ca_interner *t, const char *s, size_t n)
{
    if (t->count * 8 > t->cap * 7 && grow(t) < 0)
        return NULL;
    uint64_t h = ca_hash64(s, n, 0);
    size_t j = h & (t->cap - 1);
    while (t->slots[j].s) {
        if (t->slots[j].hash == h && t->slots[j].len == n &&
            memcmp(t->slots[j].s, s, n) == 0)
            return t->slots[j].s;
        j = (j + 1) & (t->cap - 1);
    }
    const char *copy = ca_arena_strndup(t->arena, s, n);
    if (!copy)
        return NULL;
    t->slots[j] = (slot){h, copy, n};
    t->count++;
    /* If growing fails the table stays correct; past 7/8 full it refuses
     * new strings (out of memory) rather than probe forever. */
    if (t->count * 2 > t->cap && grow(t) < 0 && t->count * 8 > t->cap * 7)
        return NULL;
    return copy;
}

const char *ca_intern_cstr(ca_interner *t, const char *s)
{
    return s ? ca_intern(t, s, strlen(s)) : NULL;
}

size_t ca_intern_count(const ca_interner *t) { return t->count; }
