/*
 * importer.c — the import driver, the event store and the sink parsers
 * write into.
 */
#include <locale.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "buf.h"
#include "charset.h"
#include "convkind.h"
#include "finding.h"
#include "identity.h"
#include "importer.h"
#include "parallel.h"
#include "spill.h"
#include "timeparse.h"

#define EV_BLOCK 16384 /* events per storage block (~4 MiB) */

/* Where a parser writes one entry: the entry's events (numbered and moved
 * into the store when the entry is committed, in input order), strings in
 * the sink's arena, problems in the sink's diag.  The import's own sink
 * serves entries read on the calling thread; each parser thread has one. */
struct ca_sink {
    ca_import *imp;
    const ca_format *fmt;
    const char *path;       /* interned display path of the current entry */
    const char *last_conv;  /* groups.csv lookup cache: conv as parsed ... */
    const char *last_platform;
    const ca_group_reg *last_group; /* ... and its row (NULL: none) */
    const ca_format *flags_fmt;     /* ca_format_event_flags cache: format ... */
    uint32_t fmt_flags;             /* ... and its flags */
    ca_file_stats *fs;
    ca_arena *arena;        /* strings and records (lives as long as the import) */
    ca_diag *diag;
    ca_event *ev;           /* the current entry's events */
    size_t n_ev, cap_ev;
    int oom;
    /* test sink */
    char last_msg[512];
    size_t n_msgs;
};

typedef struct ca_pool ca_pool;

struct ca_import {
    const ca_config *cfg;
    const ca_limits *lim;
    const ca_format *force;
    ca_diag *diag;
    ca_arena *arena;
    ca_interner *intern;
    ca_event **blocks;      /* EV_BLOCK events each */
    size_t n_blocks, n_events;
    ca_event **order;       /* after finish */
    size_t n_order;
    ca_file_stats *files;
    size_t n_files, cap_files;
    uint64_t bytes_in;
    uint64_t seq;
    ca_sink sink;
    int oom;
    void (*progress)(void *ud, uint64_t input_done, size_t events);
    void *progress_ud;
    pthread_mutex_t intern_mu; /* the interner is shared by the parser threads */
    int threads;               /* parser threads (0: parse on the caller's) */
    int no_defer;              /* zip entries inflated by the walker, not here */
    ca_pool *pool;             /* while an input is read with threads */
    ca_arena **arenas;         /* the parser threads' arenas, kept to the end */
    size_t n_arenas;
    /* ca_import_set_spill: the events go to a spill file as each entry is
     * committed, a segment per conversation of the entry, in input order;
     * nothing of them stays in memory but the segment table.  After the
     * finish, conversation c's segments are seg_of[seg_at[c] ..
     * seg_at[c + 1]) (indexes into segs, in input order). */
    ca_spill *spill;
    int spill_failed;          /* the spill could not be written: said once, not as oom */
    ca_spill_seg *segs;
    size_t n_segs, cap_segs;
    const ca_event **put;      /* an entry's events of one conversation, for ca_spill_putv */
    size_t cap_put;
    size_t *taken;             /* spill_events: each of the entry's events' conversation */
    size_t cap_taken;
    size_t *seg_at, *seg_of;
    unsigned char *counted;    /* per conversation: its duplicates are in the file records */
    pthread_mutex_t stats_mu;  /* the file records' duplicate counts, when read back */
    /* after the finish (either way): conversation c is the events
     * order[conv_at[c] .. conv_at[c + 1]) (in memory), or its segments */
    size_t n_convs;
    size_t *conv_at;
};

/* The interner, under its lock while parser threads run (they intern
 * concurrently).  imp->pool is set before the threads start and cleared
 * after they are joined, both on the calling thread. */
static const char *intern_locked(ca_import *imp, const char *p, size_t n)
{
    if (!imp->pool)
        return ca_intern(imp->intern, p, n);
    pthread_mutex_lock(&imp->intern_mu);
    const char *r = ca_intern(imp->intern, p, n);
    pthread_mutex_unlock(&imp->intern_mu);
    return r;
}

/* ---------------------------------------------------------------- sink */

const char *ca_sink_str(ca_sink *s, const char *p, size_t n)
{
    const char *r = ca_arena_strndup(s->arena, p, n);
    if (!r)
        s->oom = 1;
    return r;
}

const char *ca_sink_cstr(ca_sink *s, const char *p)
{
    return p ? ca_sink_str(s, p, strlen(p)) : NULL;
}

const char *ca_sink_intern(ca_sink *s, const char *p, size_t n)
{
    const char *r = intern_locked(s->imp, p, n);
    if (!r)
        s->oom = 1;
    return r;
}

void *ca_sink_alloc(ca_sink *s, size_t n)
{
    void *r = ca_arena_calloc(s->arena, n);
    if (!r)
        s->oom = 1;
    return r;
}

int ca_sink_tz(const ca_sink *s) { return s->imp->cfg->tz_offset_min; }
const ca_config *ca_sink_config(const ca_sink *s) { return s->imp->cfg; }
size_t ca_sink_max_line(const ca_sink *s) { return s->imp->lim->max_line; }

void ca_sink_record(ca_sink *s)
{
    if (s->fs)
        s->fs->records++;
}

static void sink_report(ca_sink *s, ca_diag_level lv, long line, const char *fmt, va_list ap)
    CA_PRINTF(4, 0);
static void sink_report(ca_sink *s, ca_diag_level lv, long line, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    vsnprintf(s->last_msg, sizeof s->last_msg, fmt, ap2);
    va_end(ap2);
    s->n_msgs++;
    if (s->fs) {
        if (lv == CA_DIAG_ERROR)
            s->fs->errors++;
        else
            s->fs->warnings++;
    }
    ca_diag_vadd(s->diag, lv, s->path, line, fmt, ap);
}

void ca_sink_warn(ca_sink *s, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sink_report(s, CA_DIAG_WARN, line, fmt, ap);
    va_end(ap);
}

void ca_sink_error(ca_sink *s, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sink_report(s, CA_DIAG_ERROR, line, fmt, ap);
    va_end(ap);
}

void ca_sink_incomplete(ca_sink *s, const char *why)
{
    if (s->fs && !s->fs->incomplete)
        s->fs->incomplete = ca_sink_cstr(s, why);
    ca_diag_add(s->diag, CA_DIAG_WARN, s->path, 0, "export is incomplete: %s", why);
}

ca_status ca_sink_emit(ca_sink *s, const ca_event *ev)
{
    ca_import *imp = s->imp;
    if (s->oom)
        return CA_FATAL;
    if (s->n_ev == s->cap_ev) {
        size_t cap = s->cap_ev ? s->cap_ev * 2 : 256;
        ca_event *ne = cap < SIZE_MAX / sizeof *ne ? ca_realloc(s->ev, cap * sizeof *ne) : NULL;
        if (!ne)
            return s->oom = 1, CA_FATAL;
        s->ev = ne;
        s->cap_ev = cap;
    }
    ca_event *e = &s->ev[s->n_ev];
    *e = *ev;
    if (!e->platform)
        e->platform = s->fmt ? s->fmt->platform : "wechat";
    e->src_path = s->path;
    e->seq = 0; /* numbered when the entry is committed */
    if (s->fmt != s->flags_fmt || !s->flags_fmt) {
        s->flags_fmt = s->fmt;
        s->fmt_flags = ca_format_event_flags(s->fmt);
    }
    e->flags |= s->fmt_flags;
    if (!e->conv) /* parsers name the conversation; this is a safety net */
        e->conv = ca_sink_intern(s, "unknown", 7);
    if (e->kind != CA_KIND_MESSAGE)
        e->type = CA_TYPE_NONE;
    /* A group named only by its name (MemoTrace takes it from the file
     * name) is mapped to its platform id through groups.csv. */
    const ca_group_reg *g;
    if (e->conv == s->last_conv && e->platform == s->last_platform) {
        g = s->last_group;
    } else {
        g = ca_config_group(imp->cfg, e->platform, e->conv);
        s->last_conv = e->conv;
        s->last_platform = e->platform;
        s->last_group = g;
    }
    if (g && g->group_id[0] && strcmp(g->group_id, e->conv) != 0) {
        if (!e->conv_name)
            e->conv_name = e->conv;
        e->conv = ca_sink_intern(s, g->group_id, strlen(g->group_id));
    }
    if (g && !e->conv_name && g->name[0])
        e->conv_name = ca_sink_intern(s, g->name, strlen(g->name));
    s->n_ev++;
    if (s->fs && (unsigned)e->kind < CA_KIND__COUNT)
        s->fs->events[e->kind]++;
    return s->oom ? CA_FATAL : CA_OK;
}

size_t ca_sink_mark(const ca_sink *s) { return s->n_ev; }

void ca_sink_patch_self(ca_sink *s, size_t mark, const char *self_id)
{
    if (!self_id)
        return;
    const char *self = intern_locked(s->imp, "self", 4);
    if (!self) {
        s->oom = 1;
        return;
    }
    for (size_t i = mark; i < s->n_ev; i++) {
        ca_event *e = &s->ev[i];
        if (e->sender == self || (!e->sender && (e->flags & CA_EV_FROM_SELF)))
            e->sender = self_id;
        if (e->actor == self)
            e->actor = self_id;
        for (uint32_t k = 0; k < e->n_targets; k++)
            if (e->targets[k] == self)
                e->targets[k] = self_id;
    }
}

#define SEG_EVENTS 1024

/* Whether a string of an entry's events outlives the entry's arena (is
 * interned, static or the configuration's): then the spill keeps the
 * pointer. */
static int lasting(void *arena, const char *s)
{
    return !ca_arena_owns(arena, s);
}

/* Spills an entry's events (after the pointer-pair set, below). */
static ca_status spill_events(ca_import *imp, ca_event *ev, size_t n, ca_arena *arena);

/* A file record's strings that live in an entry's arena, copied into the
 * import's own before that arena goes. */
static ca_status keep_file_strings(ca_import *imp, ca_file_stats *fs, const ca_arena *arena)
{
    const char **s[] = {&fs->incomplete, &fs->unrecognised};
    for (size_t k = 0; k < CA_ARRAY_LEN(s); k++)
        if (*s[k] && ca_arena_owns(arena, *s[k]) && !(*s[k] = ca_arena_strdup(imp->arena, *s[k])))
            return imp->oom = 1, CA_FATAL;
    return CA_OK;
}

/* Copies an entry's events into the store, numbering them in input order.
 * CA_OK or CA_FATAL (out of memory). */
static ca_status store_events(ca_import *imp, const ca_event *ev, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (imp->n_events == imp->n_blocks * EV_BLOCK) {
            ca_event **nb = ca_realloc(imp->blocks, (imp->n_blocks + 1) * sizeof *nb);
            if (!nb)
                return imp->oom = 1, CA_FATAL;
            imp->blocks = nb;
            nb[imp->n_blocks] = ca_malloc_large(EV_BLOCK * sizeof(ca_event));
            if (!nb[imp->n_blocks])
                return imp->oom = 1, CA_FATAL;
            imp->n_blocks++;
        }
        ca_event *e = &imp->blocks[imp->n_events / EV_BLOCK][imp->n_events % EV_BLOCK];
        *e = ev[k];
        e->seq = imp->seq++;
        imp->n_events++;
    }
    return CA_OK;
}

/* -------------------------------------------------------------- import */

ca_import *ca_import_new(const ca_config *cfg, const ca_limits *lim,
                         const ca_format *force, ca_diag *diag)
{
    ca_import *imp = ca_calloc(1, sizeof *imp);
    if (!imp)
        return NULL;
    imp->cfg = cfg;
    imp->lim = lim;
    imp->force = force;
    imp->diag = diag;
    imp->arena = ca_arena_new((size_t)4 << 20);
    imp->intern = ca_intern_new();
    imp->sink.imp = imp;
    imp->sink.arena = imp->arena;
    imp->sink.diag = diag;
    pthread_mutex_init(&imp->intern_mu, NULL);
    pthread_mutex_init(&imp->stats_mu, NULL);
    if (!imp->arena || !imp->intern) {
        ca_import_free(imp);
        return NULL;
    }
    return imp;
}

void ca_import_free(ca_import *imp)
{
    if (!imp)
        return;
    for (size_t i = 0; i < imp->n_blocks; i++)
        ca_free(imp->blocks[i]);
    ca_free(imp->blocks);
    ca_free(imp->order);
    ca_free(imp->files);
    ca_free(imp->sink.ev);
    for (size_t i = 0; i < imp->n_arenas; i++)
        ca_arena_free(imp->arenas[i]);
    ca_free(imp->arenas);
    ca_arena_free(imp->arena);
    ca_intern_free(imp->intern);
    pthread_mutex_destroy(&imp->intern_mu);
    pthread_mutex_destroy(&imp->stats_mu);
    ca_spill_close(imp->spill);
    ca_free(imp->segs);
    ca_free(imp->put);
    ca_free(imp->taken);
    ca_free(imp->seg_at);
    ca_free(imp->seg_of);
    ca_free(imp->counted);
    ca_free(imp->conv_at);
    ca_free(imp);
}

static ca_file_stats *stats_of(ca_import *imp, const char *path);

/* A new file record for the interned path, in input order; NULL on oom. */
static ca_file_stats *new_file(ca_import *imp, const char *ipath)
{
    if (imp->n_files == imp->cap_files) {
        size_t cap = imp->cap_files ? imp->cap_files * 2 : 16;
        ca_file_stats *nf = ca_realloc(imp->files, cap * sizeof *nf);
        if (!nf)
            return NULL;
        imp->files = nf;
        imp->cap_files = cap;
    }
    ca_file_stats *fs = &imp->files[imp->n_files++];
    memset(fs, 0, sizeof *fs);
    fs->path = ipath;
    return fs;
}

/* A short printable excerpt of the first line, for "unrecognised" notes. */
static const char *first_line(ca_arena *arena, const char *text, size_t len)
{
    size_t n = 0;
    while (n < len && n < 60 && text[n] != '\n' && text[n] != '\r')
        n++;
    while (n > 0 && n < len && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--; /* do not cut a UTF-8 sequence */
    ca_buf b = CA_BUF_INIT;
    for (size_t i = 0; i < n; i++)
        ca_buf_putc(&b, (unsigned char)text[i] < 0x20 ? '?' : text[i]);
    const char *r = ca_arena_strdup(arena, ca_buf_cstr(&b));
    ca_buf_free(&b);
    return r;
}

/* Decodes the entry, detects its format and parses it into s, counting
 * into fs (whose path is the entry's interned path); problems go to
 * s->diag.  Runs on the caller's thread or on a parser thread: it touches
 * nothing of the import but the (locked) interner and the const config. */
static ca_status parse_entry(ca_import *imp, ca_sink *s, ca_file_stats *fs, const char *name,
                             const unsigned char *data, size_t len)
{
    ca_text t;
    if (ca_decode(data, len, &t) != CA_OK)
        return CA_FATAL;
    fs->charset = t.charset;
    fs->replaced = t.n_replaced;
    if (t.n_replaced)
        fs->warnings++;
    if (t.n_replaced)
        ca_diag_add(s->diag, CA_DIAG_WARN, fs->path, 0,
                    "%zu invalid byte sequence%s in %s text replaced by U+FFFD",
                    t.n_replaced, t.n_replaced == 1 ? "" : "s", t.charset);
    const ca_format *fmt = imp->force;
    if (!fmt) {
        char head[4097];
        size_t hn = t.len < 4096 ? t.len : 4096;
        memcpy(head, t.data, hn);
        head[hn] = '\0';
        fmt = ca_format_detect(head, hn, name, NULL);
    }
    ca_status st = CA_OK;
    if (!fmt) {
        fs->unrecognised = first_line(s->arena, t.data, t.len);
        if (!fs->unrecognised)
            s->oom = 1;
        ca_diag_add(s->diag, CA_DIAG_NOTE, fs->path, 0,
                    "not a recognised chat export (first line: \"%s\"); skipped",
                    fs->unrecognised ? fs->unrecognised : "");
    } else {
        fs->format = fmt->name;
        ca_entry e = {fs->path, name, t.data, t.len, t.charset};
        s->fmt = fmt;
        s->path = fs->path;
        s->fs = fs;
        st = fmt->parse(&e, s);
        if (st == CA_FATAL && !s->oom) {
            /* the entry is lost, the run goes on, and the loss is said */
            if (!fs->errors) {
                fs->errors++;
                ca_diag_add(s->diag, CA_DIAG_ERROR, fs->path, 0,
                            "could not be read as %s; entry skipped", fmt->name);
            }
            st = CA_WARN;
        }
        s->fs = NULL;
    }
    ca_free(t.data);
    return s->oom ? CA_FATAL : st;
}

/* One entry, parsed and stored on the caller's thread. */
static ca_status import_entry(ca_import *imp, const char *path, const char *name,
                              const unsigned char *data, size_t len)
{
    const char *ipath = intern_locked(imp, path, strlen(path));
    if (!ipath)
        return CA_FATAL;
    if (stats_of(imp, ipath)) { /* named twice (a folder and a file in it) */
        ca_diag_add(imp->diag, CA_DIAG_NOTE, path, 0, "already read; skipped");
        return CA_OK;
    }
    ca_file_stats *fs = new_file(imp, ipath);
    if (!fs)
        return CA_FATAL;
    ca_sink *s = &imp->sink;
    s->diag = imp->diag;
    /* spilled: the entry's strings in an arena of its own, gone with it */
    ca_arena *ea = imp->spill ? ca_arena_new(1u << 20) : NULL;
    if (imp->spill && !ea)
        return imp->oom = 1, CA_FATAL;
    if (ea)
        s->arena = ea;
    ca_status st = parse_entry(imp, s, fs, name, data, len);
    if (s->oom)
        imp->oom = 1;
    if ((ea ? spill_events(imp, s->ev, s->n_ev, ea) : store_events(imp, s->ev, s->n_ev)) != CA_OK ||
        (ea && keep_file_strings(imp, fs, ea) != CA_OK))
        st = CA_FATAL;
    s->n_ev = 0;
    if (ea) {
        s->arena = imp->arena;
        ca_arena_free(ea);
    }
    return imp->oom ? CA_FATAL : st;
}

/* ------------------------------------------------------- parser threads */

/*
 * With threads, the walker (on the caller's thread) decompresses entries
 * one after the other and hands each, copied, to a pool of parser threads;
 * each thread parses into its own sink (arena, events, diagnostics).  The
 * caller commits finished entries strictly in input order: file record,
 * diagnostics (the walker's own, recorded before the entry, come first),
 * events numbered with the next seq.  So the store, the seq numbers and
 * every diagnostic are what the single-threaded import makes, for any
 * number of threads.  At most POOL_JOBS(threads) entries and about
 * POOL_BYTES of entry bytes are in flight.
 */
#define POOL_BYTES ((size_t)64 << 20)
#define POOL_JOBS(n) ((size_t)(n) * 2 + 2)
#define POOL_MAX 64

typedef struct job {
    const char *path;      /* interned; NULL: no entry (diagnostics only) */
    char *name;
    unsigned char *data;   /* freed once parsed; the compressed bytes when deferred */
    size_t len;            /* the entry's (decompressed) size */
    int deferred;          /* data is still compressed: inflate with def */
    ca_deferred def;       /* its cdata points into data */
    long defer_index;
    const char *dup_path;  /* deferred entry already read: noted when committed */
    size_t files_before;   /* imp->n_files before its file record */
    int failed;            /* the inflation failed: nothing of it is kept */
    size_t file_idx;
    uint64_t input_done;
    ca_file_stats fs;
    ca_diag *diag;         /* the walker's problems before it, then its own */
    ca_arena *arena;       /* spilled: its strings, until it is committed */
    ca_event *ev;          /* its events, handed over by the sink */
    size_t n_ev;
    ca_status st;
    int oom;
    int done;              /* under the pool lock */
} job;

struct ca_pool {
    ca_import *imp;
    int n;                 /* threads started */
    pthread_t th[POOL_MAX];
    ca_sink sinks[POOL_MAX];
    locale_t loc;          /* the walker's C.UTF-8, for the parser threads too */
    ca_diag *walk_diag;    /* the walker's problems, moved into the next job */
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    job **ring;            /* [head, tail) in flight, [next, tail) not yet taken */
    size_t cap, head, next, tail;
    size_t bytes;          /* entry bytes in flight */
    int quit;
    int stop;              /* an entry failed fatally: the walk stops */
    /* a deferred entry failed: it and what follows until the walker's
     * sync are dropped (the walker reads them again) */
    int discarding;
    long failed_index;
    size_t files_keep;
};

static void job_free(job *j)
{
    if (!j)
        return;
    ca_free(j->name);
    ca_free(j->data);
    ca_free(j->ev);
    ca_diag_free(j->diag);
    ca_arena_free(j->arena);
    ca_free(j);
}

/* Replaces a deferred job's compressed bytes by the entry (NULL when it
 * failed, or when the entry was already read and only had to be checked). */
static void inflate_job(job *j)
{
    unsigned char *out = ca_malloc(j->def.usize + 1);
    if (!out)
        j->oom = 1;
    else if (ca_deferred_inflate(&j->def, out) != 0)
        j->failed = 1;
    if (j->failed || !j->path) {
        ca_free(out);
        out = NULL;
    }
    ca_free(j->data);
    j->data = out;
}

static void *pool_worker(void *arg)
{
    ca_sink *s = arg;
    ca_pool *p = s->imp->pool;
    if (p->loc)
        uselocale(p->loc);
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->next == p->tail && !p->quit)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->next == p->tail)
            break;
        job *j = p->ring[p->next++ % p->cap];
        pthread_mutex_unlock(&p->mu);
        if (j->deferred)
            inflate_job(j);
        ca_arena *own = s->arena;
        if (j->data && s->imp->spill && !(j->arena = ca_arena_new(1u << 20))) {
            j->oom = 1;
            ca_free(j->data);
            j->data = NULL;
        }
        if (j->data) {
            if (j->arena) /* spilled: the entry's strings go with it */
                s->arena = j->arena;
            s->diag = j->diag;
            j->st = parse_entry(s->imp, s, &j->fs, j->name, j->data, j->len);
            s->arena = own;
            j->oom = s->oom;
            s->oom = 0;
            ca_free(j->data);
            j->data = NULL;
            j->ev = s->ev; /* the events go with the job */
            j->n_ev = s->n_ev;
            s->ev = NULL;
            s->n_ev = s->cap_ev = 0;
        }
        pthread_mutex_lock(&p->mu);
        j->done = 1;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Commits a finished job on the caller's thread (in input order). */
static void commit_job(ca_pool *p, job *j)
{
    ca_import *imp = p->imp;
    if (p->discarding) { /* after a failed deferred entry: read again */
        job_free(j);
        return;
    }
    if (j->failed) { /* keep the walker's problems before it, drop the rest */
        if (imp->diag)
            ca_diag_merge(imp->diag, j->diag);
        p->discarding = 1;
        p->failed_index = j->defer_index;
        p->files_keep = j->files_before;
        job_free(j);
        return;
    }
    if (j->dup_path)
        ca_diag_add(j->diag, CA_DIAG_NOTE, j->dup_path, 0, "already read; skipped");
    if (j->path)
        imp->files[j->file_idx] = j->fs;
    if (imp->diag)
        ca_diag_merge(imp->diag, j->diag);
    if (j->oom ||
        (imp->spill ? spill_events(imp, j->ev, j->n_ev, j->arena) : store_events(imp, j->ev, j->n_ev)) != CA_OK ||
        (imp->spill && j->path && keep_file_strings(imp, &imp->files[j->file_idx], j->arena) != CA_OK))
        imp->oom = 1;
    if (j->st == CA_FATAL || imp->oom)
        p->stop = 1;
    if (imp->progress)
        imp->progress(imp->progress_ud, j->input_done, imp->n_events);
    job_free(j);
}

/* Commits the finished jobs at the head; all of them when all is set. */
static void pool_reap(ca_pool *p, int all)
{
    pthread_mutex_lock(&p->mu);
    while (p->head < p->tail) {
        job *j = p->ring[p->head % p->cap];
        if (!j->done) {
            if (!all)
                break;
            pthread_cond_wait(&p->done, &p->mu);
            continue;
        }
        p->head++;
        p->bytes -= j->len;
        pthread_mutex_unlock(&p->mu);
        commit_job(p, j);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
}

/* Queues j, first waiting (and committing) while too much is in flight. */
static void pool_submit(ca_pool *p, job *j)
{
    for (;;) {
        pool_reap(p, 0);
        pthread_mutex_lock(&p->mu);
        size_t inflight = p->tail - p->head;
        if (inflight == 0 || (inflight < p->cap && p->bytes + j->len <= POOL_BYTES)) {
            p->ring[p->tail++ % p->cap] = j;
            p->bytes += j->len;
            pthread_cond_signal(&p->work);
            pthread_mutex_unlock(&p->mu);
            return;
        }
        job *h = p->ring[p->head % p->cap];
        while (!h->done)
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

/* Fills j for a deferred entry: its compressed bytes, copied, are inflated
 * by the parser thread (also when the path was already read: whether the
 * walker would have said "already read" or reported the data depends on
 * the data).  Sets imp->oom on failure. */
static void pool_defer(ca_import *imp, job *j, const ca_raw_entry *e, const char *ipath)
{
    ca_file_stats *fs = NULL;
    j->deferred = 1;
    j->def = *e->deferred;
    j->defer_index = e->defer_index;
    j->len = e->len;
    if (!(j->data = ca_malloc(j->def.csize ? j->def.csize : 1))) {
        imp->oom = 1;
        return;
    }
    memcpy(j->data, j->def.cdata, j->def.csize);
    j->def.cdata = j->data;
    if (stats_of(imp, ipath)) {
        j->dup_path = ipath;
    } else if (!(fs = new_file(imp, ipath)) || !(j->name = ca_strdup(e->name))) {
        imp->oom = 1;
    } else {
        j->path = ipath;
        j->file_idx = (size_t)(fs - imp->files);
        j->fs = *fs;
    }
}

/* The walker's sync (ca_sync_fn): commits every job; after a failed
 * deferred entry, forgets the file records and the walker's problems that
 * came after it. */
static long pool_sync(void *ud)
{
    ca_import *imp = ud;
    ca_pool *p = imp->pool;
    pool_reap(p, 1);
    if (!p->discarding)
        return -1;
    p->discarding = 0;
    imp->n_files = p->files_keep;
    ca_diag *junk = ca_diag_new(ca_diag_max_per_file(imp->diag));
    if (!junk) {
        imp->oom = 1;
        return -1;
    }
    ca_diag_merge(junk, p->walk_diag);
    ca_diag_free(junk);
    return p->failed_index;
}

static ca_status pool_entry(void *ud, const ca_raw_entry *e)
{
    ca_import *imp = ud;
    ca_pool *p = imp->pool;
    if (p->stop || imp->oom)
        return CA_FATAL;
    job *j = ca_calloc(1, sizeof *j);
    if (!j || !(j->diag = ca_diag_new(ca_diag_max_per_file(imp->diag)))) {
        ca_free(j);
        imp->oom = 1;
        return CA_FATAL;
    }
    ca_diag_merge(j->diag, p->walk_diag);
    j->input_done = e->input_done;
    j->files_before = imp->n_files;
    const char *ipath = intern_locked(imp, e->path, strlen(e->path));
    ca_file_stats *fs = NULL;
    if (ipath && e->deferred) {
        pool_defer(imp, j, e, ipath);
    } else if (!ipath) {
        imp->oom = 1;
    } else if (stats_of(imp, ipath)) { /* named twice (a folder and a file in it) */
        ca_diag_add(j->diag, CA_DIAG_NOTE, e->path, 0, "already read; skipped");
    } else if (!(fs = new_file(imp, ipath)) || !(j->name = ca_strdup(e->name)) ||
               !(j->data = ca_malloc(e->len ? e->len : 1))) {
        imp->oom = 1;
    } else {
        j->path = ipath;
        j->file_idx = (size_t)(fs - imp->files);
        j->fs = *fs;
        memcpy(j->data, e->data, e->len);
        j->len = e->len;
    }
    if (imp->oom) {
        job_free(j);
        return CA_FATAL;
    }
    pool_submit(p, j); /* a job without data (diagnostics only) passes a thread too */
    return p->stop ? CA_FATAL : CA_OK;
}

/* Starts the parser threads; NULL on failure (then the caller parses). */
static ca_pool *pool_new(ca_import *imp)
{
    ca_pool *p = ca_calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->imp = imp;
    p->cap = POOL_JOBS(imp->threads);
    p->ring = ca_calloc(p->cap, sizeof *p->ring);
    p->walk_diag = ca_diag_new(ca_diag_max_per_file(imp->diag));
    ca_arena **na = ca_realloc(imp->arenas, (imp->n_arenas + (size_t)imp->threads) * sizeof *na);
    if (na)
        imp->arenas = na;
    if (!p->ring || !p->walk_diag || !na) {
        ca_free(p->ring);
        ca_diag_free(p->walk_diag);
        ca_free(p);
        return NULL;
    }
    p->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    imp->pool = p;
    for (int k = 0; k < imp->threads && k < POOL_MAX; k++) {
        ca_sink *s = &p->sinks[k];
        s->imp = imp;
        if (!(s->arena = ca_arena_new((size_t)4 << 20)))
            break;
        imp->arenas[imp->n_arenas++] = s->arena; /* its strings live on */
        if (pthread_create(&p->th[k], NULL, pool_worker, s) != 0)
            break;
        p->n++;
    }
    return p;
}

/* Commits what is left, stops the threads and frees the pool. */
static void pool_free(ca_pool *p)
{
    pool_reap(p, 1);
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int k = 0; k < p->n; k++)
        pthread_join(p->th[k], NULL);
    if (p->imp->diag) /* the walker's last problems */
        ca_diag_merge(p->imp->diag, p->walk_diag);
    for (int k = 0; k < POOL_MAX; k++)
        ca_free(p->sinks[k].ev);
    if (p->loc)
        freelocale(p->loc);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    ca_diag_free(p->walk_diag);
    ca_free(p->ring);
    p->imp->pool = NULL;
    ca_free(p);
}

void ca_import_set_zip_fast(ca_import *imp, int on)
{
    imp->no_defer = !on;
}

void ca_import_set_threads(ca_import *imp, int n)
{
    imp->threads = n > 1 ? (n < POOL_MAX ? n : POOL_MAX) : 0;
}

static ca_status on_entry(void *ud, const ca_raw_entry *e)
{
    ca_import *imp = ud;
    ca_status st;
    if (e->deferred) {
        unsigned char *buf = ca_malloc(e->len + 1);
        if (!buf) {
            imp->oom = 1;
            return CA_FATAL;
        }
        if (ca_deferred_inflate(e->deferred, buf) != 0) {
            ca_free(buf);
            return CA_FAILED; /* the walker reads it again and says why */
        }
        st = import_entry(imp, e->path, e->name, buf, e->len);
        ca_free(buf);
    } else {
        st = import_entry(imp, e->path, e->name, e->data, e->len);
    }
    if (imp->progress)
        imp->progress(imp->progress_ud, e->input_done, imp->n_events);
    return st == CA_FATAL ? CA_FATAL : CA_OK;
}

void ca_import_set_progress(ca_import *imp, void (*fn)(void *ud, uint64_t input_done, size_t events),
                            void *ud)
{
    imp->progress = fn;
    imp->progress_ud = ud;
}

ca_status ca_import_input(ca_import *imp, const char *input)
{
    return ca_import_input_hash(imp, input, NULL, NULL);
}

ca_status ca_import_input_hash(ca_import *imp, const char *input, char sha256[65],
                               uint64_t *hashed)
{
    uint64_t bytes = 0;
    ca_pool *p = imp->threads > 1 ? pool_new(imp) : NULL;
    ca_status st;
    if (p && p->n > 0) {
        if (imp->no_defer)
            st = ca_walk_input_hash(input, imp->lim, p->walk_diag, pool_entry, imp, &bytes,
                                    sha256, hashed);
        else
            st = ca_walk_input_deferred(input, imp->lim, p->walk_diag, pool_entry, pool_sync,
                                        imp, &bytes, sha256, hashed);
        pool_reap(p, 1);
        if (p->stop)
            st = CA_FATAL; /* as the walk would have stopped there */
        pool_free(p);
    } else {
        if (p)
            pool_free(p); /* no thread could start: parse here */
        if (imp->no_defer)
            st = ca_walk_input_hash(input, imp->lim, imp->diag, on_entry, imp, &bytes, sha256,
                                    hashed);
        else
            st = ca_walk_input_deferred(input, imp->lim, imp->diag, on_entry, NULL, imp, &bytes,
                                        sha256, hashed);
    }
    imp->bytes_in += bytes;
    if (imp->oom) {
        if (!imp->spill_failed) /* else said already */
            ca_diag_add(imp->diag, CA_DIAG_ERROR, input, 0, "out of memory");
        return CA_FATAL;
    }
    return st;
}

ca_status ca_import_buffer(ca_import *imp, const char *path, const unsigned char *data,
                           size_t len)
{
    const char *slash = strrchr(path, '/');
    const char *bang = strrchr(path, '!');
    const char *name = slash > bang ? slash + 1 : bang ? bang + 1 : path;
    imp->bytes_in += len;
    return import_entry(imp, path, name, data, len);
}

/* -------------------------------------------------------------- finish */

static int cmp_events(const void *pa, const void *pb)
{
    const ca_event *a = *(ca_event *const *)pa, *b = *(ca_event *const *)pb;
    int c;
    if ((c = ca_strcmp0(a->platform, b->platform)) != 0)
        return c;
    if ((c = ca_strcmp0(a->conv, b->conv)) != 0)
        return c;
    if (a->time_ms != b->time_ms)
        return a->time_ms < b->time_ms ? -1 : 1;
    /* Same instant: keep the order of the source, whatever the order in
     * which the inputs were named. */
    if ((c = ca_strcmp0(a->src_path, b->src_path)) != 0)
        return c;
    if (a->src_line != b->src_line)
        return a->src_line < b->src_line ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static ca_file_stats *stats_of(ca_import *imp, const char *path)
{
    for (size_t i = imp->n_files; i-- > 0;)
        if (imp->files[i].path == path)
            return &imp->files[i];
    return NULL;
}

/* A cheap signature of a text (its length and first and last eight
 * bytes), never 0: texts with different signatures differ, so the quote
 * search below calls strcmp only where they are equal. */
static uint64_t text_sig(const char *t)
{
    size_t n = strlen(t);
    uint64_t a = 0, b = 0;
    memcpy(&a, t, n < 8 ? n : 8);
    if (n > 8)
        memcpy(&b, t + n - 8, 8);
    uint64_t h = (a ^ (uint64_t)n * 0x9E3779B97F4A7C15ull) * 0xC2B2AE3D27D4EB4Full;
    h ^= b * 0x165667B19E3779F9ull;
    h ^= h >> 29;
    return h ? h : 1;
}

/* Links a quote reply that names its quoted message only by sender and
 * text (PyWxDump, MemoTrace v2, chatlog) to the nearest earlier message of
 * the conversation with that text: from the named sender when one matches
 * (the name may be a display name where the log has wxids), else the
 * nearest with that text.  ev[0..n): one conversation's events, in order,
 * the duplicates out.  sig: scratch for n signatures (NULL: none, every
 * candidate is compared). */
static void link_quotes(ca_event *const *ev, size_t n, uint64_t *sig)
{
    int sigs = 0;
    for (size_t i = 0; i < n; i++) {
        ca_event *q = ev[i];
        if (q->type != CA_TYPE_QUOTE || q->reply_to || !q->quote_text || !q->quote_text[0])
            continue;
        if (sig && !sigs) { /* the conversation's candidates, once it has a quote */
            for (size_t j = 0; j < n; j++) {
                const ca_event *m = ev[j];
                sig[j] = m->kind != CA_KIND_MESSAGE || !m->id || !m->text ? 0 : text_sig(m->text);
            }
            sigs = 1;
        }
        uint64_t qs = sig ? text_sig(q->quote_text) : 0;
        size_t lo = i > 5000 ? i - 5000 : 0;
        const ca_event *by_text = NULL;
        for (size_t j = i; j-- > lo;) {
            if (sig && sig[j] != qs)
                continue;
            const ca_event *m = ev[j];
            if (m->kind != CA_KIND_MESSAGE || !m->id || !m->text ||
                strcmp(m->text, q->quote_text) != 0)
                continue;
            if (!q->quote_sender || ca_strcmp0(q->quote_sender, m->sender_name) == 0 ||
                ca_strcmp0(q->quote_sender, m->sender) == 0) {
                by_text = m;
                break;
            }
            if (!by_text)
                by_text = m;
        }
        if (by_text)
            q->reply_to = by_text->id;
    }
}

/* A platform message id worth matching on: not empty, not all zeros
 * (WeChat keeps MsgSvrID 0 for local and some system rows). */
static int real_id(const char *id)
{
    if (!id || !*id)
        return 0;
    for (const char *p = id; *p; p++)
        if (*p != '0')
            return 1;
    return 0;
}

static int cmp_by_id(const void *pa, const void *pb)
{
    const ca_event *a = *(ca_event *const *)pa, *b = *(ca_event *const *)pb;
    int c;
    if ((c = ca_strcmp0(a->platform, b->platform)) != 0)
        return c;
    if ((c = ca_strcmp0(a->conv, b->conv)) != 0)
        return c;
    if ((c = strcmp(a->id, b->id)) != 0)
        return c;
    /* within one id: exact times before minute-precision re-saves, then
     * the usual order */
    int am = (a->flags & CA_EV_TIME_MINUTE) != 0, bm = (b->flags & CA_EV_TIME_MINUTE) != 0;
    if (am != bm)
        return am - bm;
    return cmp_events(pa, pb);
}

/* Whether b is the same record as a, seen in another export. */
static int same_record(const ca_event *a, const ca_event *b)
{
    if (a->src_path == b->src_path || a->kind != b->kind || a->type != b->type)
        return 0;
    int64_t d = a->time_ms - b->time_ms;
    if (d < -120000 || d > 120000)
        return 0;
    if (a->sender && b->sender && !(a->flags & CA_EV_SENDER_WEAK) &&
        !(b->flags & CA_EV_SENDER_WEAK) && strcmp(a->sender, b->sender) != 0)
        return 0;
    return 1;
}

/* The copy kept of a record seen twice takes the sender of the dropped
 * copy when only that one is resolved: a legacy export names its own
 * account "我", the other export names the same person as 销售部-何静 —
 * the finding must not lose its responsible person to the de-duplication. */
static void take_identity(ca_event *kept, const ca_event *dropped)
{
    if (kept->employee || !dropped->employee)
        return;
    kept->employee = dropped->employee;
    kept->sender = dropped->sender;
    kept->sender_name = dropped->sender_name;
    kept->flags = (kept->flags & ~CA_EV_SENDER_WEAK) | (dropped->flags & CA_EV_SENDER_WEAK);
}

#define CA_EV_DUP 0x80000000u /* internal: dropped as a duplicate */

/* A thread's scratch for the finish of its conversations: one buffer,
 * grown to the largest need so far, that each step uses in turn (the sort's
 * keys, the events by id, the content keys, the quote signatures). */
typedef struct finish_scratch {
    void *buf;
    size_t cap; /* bytes */
} finish_scratch;

/* At least bytes of scratch (its earlier contents lost), or NULL (out of
 * memory; the old buffer stays for the next call). */
static void *scratch_get(finish_scratch *s, size_t bytes)
{
    if (bytes > s->cap) {
        void *p = ca_grow(s->buf, &s->cap, bytes, 1, 1u << 16);
        if (!p)
            return NULL;
        s->buf = p;
    }
    return s->buf;
}

/* The same message seen in two exports (two people exported one group,
 * overlapping months) is kept once: same platform message id in the
 * conversation ev[0..n), same kind and type, within two minutes, from the
 * same sender where both sides name it by id.  O(n log n).  -1 on out of
 * memory. */
static int mark_duplicates(ca_event *const *ev, size_t n, finish_scratch *s)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += real_id(ev[i]->id);
    if (m < 2)
        return 0;
    ca_event **by_id = scratch_get(s, m * sizeof *by_id);
    if (!by_id)
        return -1;
    m = 0;
    for (size_t i = 0; i < n; i++)
        if (real_id(ev[i]->id))
            by_id[m++] = ev[i];
    qsort(by_id, m, sizeof *by_id, cmp_by_id);
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && strcmp(by_id[j]->id, by_id[i]->id) == 0)
            j++;
        for (size_t k = i + 1; k < j; k++)
            if (same_record(by_id[i], by_id[k])) {
                by_id[k]->flags |= CA_EV_DUP;
                take_identity(by_id[i], by_id[k]);
            }
        i = j;
    }
    return 0;
}

/* ---- de-duplication by content (SPEC §3): when the two sides do not
 * both carry a platform message id, the same record is the same
 * (conversation, time to the second — to the minute against a
 * minute-precision re-save —, person, kind and type, and the text of text
 * messages).  The person is the resolved employee where there is one, so a
 * display-name-only export meets a wxid export. */

static const char *who(const ca_event *e)
{
    if (e->kind == CA_KIND_MESSAGE || e->kind == CA_KIND_RECALL || e->kind == CA_KIND_LEAVE)
        return e->employee ? e->employee : e->sender ? e->sender : e->sender_name;
    return e->actor_employee ? e->actor_employee : e->actor_name ? e->actor_name : e->actor;
}

/* What else identifies the record: the text of text messages (media are
 * rendered differently by each tool), the new name of a rename, the first
 * target of a membership event. */
static const char *what(const ca_event *e)
{
    if (e->kind == CA_KIND_MESSAGE)
        return e->type == CA_TYPE_TEXT || e->type == CA_TYPE_QUOTE ? e->text : NULL;
    if (e->kind == CA_KIND_RENAME || e->kind == CA_KIND_NICK)
        return e->title;
    if (e->n_targets)
        return e->target_employees && e->target_employees[0] ? e->target_employees[0]
               : e->target_names                         ? e->target_names[0]
                                                         : e->targets[0];
    return NULL;
}

static uint64_t content_hash(const ca_event *e)
{
    uint64_t h = ca_hash64(e->platform, strlen(e->platform), 1);
    h = ca_hash64(e->conv, strlen(e->conv), h);
    int64_t minute = e->time_ms >= 0 ? e->time_ms / 60000 : (e->time_ms - 59999) / 60000;
    h = ca_hash64(&minute, sizeof minute, h);
    const char *w = who(e), *t = what(e);
    if (w)
        h = ca_hash64(w, strlen(w), h);
    uint32_t kt = (uint32_t)e->kind << 8 | (uint32_t)e->type;
    h = ca_hash64(&kt, sizeof kt, h);
    if (t)
        h = ca_hash64(t, strlen(t), h);
    return h;
}

/* Whether a and b are the same record by content; with by_id, two
 * records that both carry a platform message id are left to the id. */
static int same_content(const ca_event *a, const ca_event *b, int by_id)
{
    if (a->kind != b->kind || a->type != b->type || ca_strcmp0(a->platform, b->platform) ||
        ca_strcmp0(a->conv, b->conv) || ca_strcmp0(who(a), who(b)) || ca_strcmp0(what(a), what(b)))
        return 0;
    if (by_id && real_id(a->id) && real_id(b->id))
        return 0;
    if ((a->flags | b->flags) & CA_EV_TIME_MINUTE)
        return a->time_ms / 60000 == b->time_ms / 60000;
    return a->time_ms / 1000 == b->time_ms / 1000;
}

typedef struct hkey {
    uint64_t h;
    ca_event *e;
} hkey;

static int cmp_hkey(const void *pa, const void *pb)
{
    const hkey *a = pa, *b = pb;
    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return cmp_events(&a->e, &b->e);
}

/* Marks the copies by content among ev[0..n), one conversation's events
 * (the copies by id marked already).  -1 on out of memory. */
static int mark_content_duplicates(ca_event *const *ev, size_t n, finish_scratch *s)
{
    hkey *keys = scratch_get(s, n * sizeof *keys);
    if (!keys)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!(ev[i]->flags & CA_EV_DUP))
            keys[m++] = (hkey){content_hash(ev[i]), ev[i]};
    qsort(keys, m, sizeof *keys, cmp_hkey);
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && keys[j].h == keys[i].h)
            j++;
        /* keys[i..j) share a content hash.  A record is a copy when other
         * files already kept more records of its content than its own file
         * has shown so far: the content is kept as many times as the file
         * with the most copies has it (someone may really have sent "好的"
         * twice in one second). */
        for (size_t k = i + 1; k < j; k++) {
            ca_event *e = keys[k].e;
            size_t own = 0, kept = 0;
            for (size_t r = i; r < k; r++) {
                const ca_event *p = keys[r].e;
                if (p->src_path == e->src_path)
                    own += same_content(p, e, 0);
                else if (!(p->flags & CA_EV_DUP))
                    kept += same_content(p, e, 1);
            }
            if (kept > own)
                e->flags |= CA_EV_DUP;
        }
        i = j;
    }
    return 0;
}

/* ---- the finish, a conversation at a time.  Every step after the split
 * into conversations — the order by time, who everyone is, the
 * de-duplication (its keys include the conversation), the quote links —
 * reads and writes only the events of one conversation, so conversations
 * are finished side by side on threads, each by one thread, in cmp_events'
 * order whatever the number of threads. */

/* Pointer-pair set: open addressing, grown at half full, a value per
 * pair. */
typedef struct pslot {
    const char *p, *q;
    size_t val;
    int used;
} pslot;

typedef struct pset {
    pslot *slots;
    size_t cap, n;
} pset;

static size_t ptr_hash(const char *p, const char *q, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p ^ (uint64_t)(uintptr_t)q * 0xC2B2AE3D27D4EB4Full;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 17) & (cap - 1);
}

static pslot *pset_find(pset *t, const char *p, const char *q)
{
    size_t j = ptr_hash(p, q, t->cap);
    while (t->slots[j].used && (t->slots[j].p != p || t->slots[j].q != q))
        j = (j + 1) & (t->cap - 1);
    return &t->slots[j];
}

/* The slot of (p, q), added with value 0 when new; NULL on out of memory. */
static pslot *pset_add(pset *t, const char *p, const char *q)
{
    if ((t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        pslot *ns = ca_calloc(cap, sizeof *ns);
        if (!ns)
            return NULL;
        pset old = *t;
        t->slots = ns;
        t->cap = cap;
        for (size_t i = 0; i < old.cap; i++)
            if (old.slots[i].used)
                *pset_find(t, old.slots[i].p, old.slots[i].q) = old.slots[i];
        ca_free(old.slots);
    }
    pslot *sl = pset_find(t, p, q);
    if (!sl->used) {
        *sl = (pslot){p, q, 0, 1};
        t->n++;
    }
    return sl;
}

static int cmp_pslot(const void *a, const void *b)
{
    const pslot *x = a, *y = b;
    int c = ca_strcmp0(x->p, y->p);
    return c ? c : ca_strcmp0(x->q, y->q);
}

/* Sets each pair's value to its rank in ca_strcmp0 order of (p, q), equal
 * strings at different addresses one rank; returns the number of ranks,
 * or (size_t)-1 on out of memory. */
static size_t pset_rank(pset *t)
{
    pslot *v = ca_malloc((t->n ? t->n : 1) * sizeof *v);
    if (!v)
        return (size_t)-1;
    size_t k = 0;
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].used)
            v[k++] = t->slots[i];
    qsort(v, k, sizeof *v, cmp_pslot);
    size_t rank = 0;
    for (size_t i = 0; i < k; i++) {
        if (i && cmp_pslot(&v[i - 1], &v[i]) != 0)
            rank++;
        pset_find(t, v[i].p, v[i].q)->val = rank;
    }
    ca_free(v);
    return k ? rank + 1 : 0;
}

/* Spills an entry's events (their strings in arena), numbered in input
 * order: a segment for each of its conversations, in the order they first
 * appear, each conversation's events in entry order.  One pass over the
 * events whatever the number of conversations an entry interleaves (a
 * WeCom archive: thousands of chats).  CA_OK or CA_FATAL (out of memory,
 * or the spill could not be written: said in the diagnostics). */
static ca_status spill_events(ca_import *imp, ca_event *ev, size_t n, ca_arena *arena)
{
    for (size_t k = 0; k < n; k++)
        ev[k].seq = imp->seq++;
    imp->n_events += n;
    /* each grown array kept at once: a realloc that moved it freed the old */
    const ca_event **put = ca_grow(imp->put, &imp->cap_put, n ? n : 1, sizeof *put, 256);
    if (!put)
        return imp->oom = 1, CA_FATAL;
    imp->put = put;
    size_t *conv_of = ca_grow(imp->taken, &imp->cap_taken, n ? n : 1, sizeof *conv_of, 256);
    if (!conv_of)
        return imp->oom = 1, CA_FATAL;
    imp->taken = conv_of;
    /* each event's conversation, numbered in order of first appearance */
    pset convs = {0};
    size_t nc = 0, *end = NULL;
    ca_status st = CA_FATAL;
    for (size_t k = 0; k < n; k++) {
        pslot *sl = pset_add(&convs, ev[k].platform, ev[k].conv);
        if (!sl)
            goto oom;
        if (!sl->val)
            sl->val = ++nc;
        conv_of[k] = sl->val - 1;
    }
    /* the events by conversation, each one's in entry order: conversation
     * c is put[c ? end[c - 1] : 0 .. end[c]) */
    if (!(end = ca_calloc(nc ? nc : 1, sizeof *end)))
        goto oom;
    for (size_t k = 0; k < n; k++)
        end[conv_of[k]]++;
    for (size_t c = 1; c < nc; c++)
        end[c] += end[c - 1];
    for (size_t k = n; k-- > 0;)
        put[--end[conv_of[k]]] = &ev[k];
    /* now end[c] is where conversation c begins */
    for (size_t c = 0; c < nc; c++) {
        size_t first = end[c], m = (c + 1 < nc ? end[c + 1] : n) - first;
        const char *platform = put[first]->platform, *conv = put[first]->conv;
        /* at most SEG_EVENTS a segment: one event is read back with its
         * segment (ca_import_event_by_seq) */
        for (size_t from = 0; from < m; from += SEG_EVENTS) {
            size_t len = m - from < SEG_EVENTS ? m - from : SEG_EVENTS;
            ca_spill_seg *sg = ca_grow(imp->segs, &imp->cap_segs, imp->n_segs + 1, sizeof *sg, 64);
            if (!sg)
                goto oom;
            imp->segs = sg;
            if (ca_spill_putv(imp->spill, put + first + from, len, lasting, arena, &sg[imp->n_segs]) !=
                CA_OK) {
                if (!imp->oom && !imp->spill_failed)
                    ca_diag_add(imp->diag, CA_DIAG_ERROR, NULL, 0, "%s", ca_spill_errmsg(imp->spill));
                imp->spill_failed = 1;
                goto oom;
            }
            /* every event of the segment has these (the descriptor's may be NULL) */
            sg[imp->n_segs].platform = platform;
            sg[imp->n_segs].conv = conv;
            imp->n_segs++;
        }
    }
    st = CA_OK;
oom:
    ca_free(convs.slots);
    ca_free(end);
    if (st != CA_OK)
        imp->oom = 1;
    return st;
}

/* The number of bits v needs. */
static int bits_for(uint64_t v)
{
    int b = 0;
    while (b < 64 && (v >> b))
        b++;
    return b;
}

/* LSD radix sort of key[0..n) on its low bits, 11 a pass (stable), tmp
 * the same size; a pass whose digit is the same for every key is skipped.
 * Returns key or tmp, whichever holds the sorted keys. */
static uint64_t *radix_sort(uint64_t *key, uint64_t *tmp, size_t n, int bits)
{
    size_t count[2048];
    for (int shift = 0; shift < bits; shift += 11) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(key[i] >> shift) & 2047]++;
        if (count[(key[0] >> shift) & 2047] == n)
            continue;
        size_t sum = 0;
        for (size_t d = 0; d < 2048; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(key[i] >> shift) & 2047]++] = key[i];
        uint64_t *t = key;
        key = tmp;
        tmp = t;
    }
    return key;
}

/* Sorts ev[0..n), one conversation's events, as qsort with cmp_events
 * would: by time — nothing to do when they are in time order already, as
 * one export's events usually are, else a radix sort of (time from the
 * earliest, position) in one 64-bit word, or qsort when that does not fit
 * — then the events of one millisecond by the rest of cmp_events (path,
 * line, seq).  -1 on out of memory. */
static int sort_conversation(ca_event **ev, size_t n, finish_scratch *s)
{
    if (n < 2)
        return 0;
    int64_t tmin = ev[0]->time_ms, tmax = tmin;
    int in_order = 1;
    for (size_t i = 1; i < n; i++) {
        int64_t t = ev[i]->time_ms;
        in_order &= t >= ev[i - 1]->time_ms;
        tmin = t < tmin ? t : tmin;
        tmax = t > tmax ? t : tmax;
    }
    if (!in_order) {
        int tb = bits_for((uint64_t)tmax - (uint64_t)tmin), ib = bits_for(n - 1);
        if (n < 64 || tb + ib > 64) {
            qsort(ev, n, sizeof *ev, cmp_events);
            return 0;
        }
        uint64_t *key = scratch_get(s, n * (2 * sizeof *key + sizeof *ev));
        if (!key)
            return -1;
        uint64_t *tmp = key + n;
        ca_event **sorted = (ca_event **)(void *)(tmp + n);
        for (size_t i = 0; i < n; i++)
            key[i] = ((uint64_t)ev[i]->time_ms - (uint64_t)tmin) << ib | i;
        key = radix_sort(key, tmp, n, tb + ib);
        uint64_t imask = ((uint64_t)1 << ib) - 1;
        for (size_t i = 0; i < n; i++)
            sorted[i] = ev[key[i] & imask];
        memcpy(ev, sorted, n * sizeof *ev);
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        int ordered = 1;
        while (j < n && ev[j]->time_ms == ev[i]->time_ms) {
            if (ordered && cmp_events(&ev[j - 1], &ev[j]) > 0)
                ordered = 0;
            j++;
        }
        if (!ordered)
            qsort(ev + i, j - i, sizeof *ev, cmp_events);
        i = j;
    }
    return 0;
}

/* A run of events in storage order with one platform and conversation
 * (pointers), and the rank of that conversation. */
typedef struct ev_run {
    size_t from, to;
    const char *platform, *conv;
    size_t c;
} ev_run;

/* The finish's work on threads: the runs, a range of storage per thread;
 * then the conversations, largest first, each by one thread. */
typedef struct finish_job {
    ca_import *imp;
    ca_arena **arenas;          /* per thread, kept by the import */
    ev_run *runs[POOL_MAX];     /* per thread, in storage order */
    size_t n_runs[POOL_MAX];
    pset dups[POOL_MAX];        /* per thread: src_path → duplicates dropped */
    size_t n_convs;
    size_t *conv_at;            /* conversation c is order[conv_at[c] .. conv_at[c + 1]) ... */
    size_t *kept;               /* ... of which the first kept[c] are kept */
    size_t *run_at;             /* its runs are run_of[run_at[c] .. run_at[c + 1]) */
    const ev_run **run_of;
    size_t *by_size;            /* conversations, largest first */
    atomic_size_t next;
    atomic_int failed;
} finish_job;

static ca_event *event_at(const ca_import *imp, size_t i)
{
    return &imp->blocks[i / EV_BLOCK][i % EV_BLOCK];
}

static void find_runs(void *arg, int tid, int threads)
{
    finish_job *fj = arg;
    const ca_import *imp = fj->imp;
    size_t from = imp->n_events * (size_t)tid / (size_t)threads,
           to = imp->n_events * (size_t)(tid + 1) / (size_t)threads;
    ev_run *runs = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = from; i < to; i++) {
        const ca_event *e = event_at(imp, i);
        if (n && runs[n - 1].platform == e->platform && runs[n - 1].conv == e->conv)
            continue;
        ev_run *nr = ca_grow(runs, &cap, n + 1, sizeof *runs, 64);
        if (!nr) {
            atomic_store(&fj->failed, 1);
            break;
        }
        runs = nr;
        runs[n++] = (ev_run){i, to, e->platform, e->conv, 0};
        if (n > 1)
            runs[n - 2].to = i;
    }
    fj->runs[tid] = runs;
    fj->n_runs[tid] = n;
}

/* Finishes the events ev[0..n) of one conversation, in storage (input)
 * order: sorted, resolved, the duplicates marked and moved out of the kept
 * prefix (and counted by file in dups), the quotes linked.  Returns how
 * many are kept, or (size_t)-1 on out of memory. */
static size_t finish_events(ca_event **ev, size_t n, ca_identity *idn, ca_arena *arena,
                            finish_scratch *s, pset *dups)
{
    if (sort_conversation(ev, n, s) < 0)
        return (size_t)-1;
    int one_source = 1;
    for (size_t i = 0; i < n; i++) {
        if (ca_identity_apply(idn, ev[i], arena) < 0)
            return (size_t)-1;
        one_source &= ev[i]->src_path == ev[0]->src_path;
    }
    size_t kept = n;
    /* one source file (the common case: one export per group) has no
     * copies elsewhere */
    if (!one_source) {
        if (mark_duplicates(ev, n, s) < 0 || mark_content_duplicates(ev, n, s) < 0)
            return (size_t)-1;
        kept = 0;
        for (size_t i = 0; i < n; i++) {
            ca_event *e = ev[i];
            if (!(e->flags & CA_EV_DUP)) {
                ev[kept++] = e;
                continue;
            }
            e->flags &= ~CA_EV_DUP;
            pslot *sl = pset_add(dups, e->src_path, NULL);
            if (!sl)
                return (size_t)-1;
            sl->val++;
        }
    }
    /* no scratch for the signatures: every candidate compared, slower */
    link_quotes(ev, kept, scratch_get(s, kept * sizeof(uint64_t)));
    return kept;
}

/* Finishes conversation c: its events gathered from its runs, then
 * finish_events.  -1 on out of memory. */
static int finish_conversation(finish_job *fj, size_t c, ca_identity *idn, ca_arena *arena,
                               finish_scratch *s, pset *dups)
{
    ca_import *imp = fj->imp;
    ca_event **ev = imp->order + fj->conv_at[c];
    size_t n = fj->conv_at[c + 1] - fj->conv_at[c], at = 0;
    for (size_t r = fj->run_at[c]; r < fj->run_at[c + 1]; r++)
        for (size_t i = fj->run_of[r]->from; i < fj->run_of[r]->to; i++)
            ev[at++] = event_at(imp, i);
    size_t kept = finish_events(ev, n, idn, arena, s, dups);
    if (kept == (size_t)-1)
        return -1;
    fj->kept[c] = kept;
    return 0;
}

static void finish_conversations(void *arg, int tid, int threads)
{
    (void)threads;
    finish_job *fj = arg;
    finish_scratch s = {0};
    ca_identity *idn = ca_identity_new(fj->imp->cfg->roster);
    if (!idn)
        atomic_store(&fj->failed, 1);
    for (size_t k; idn && (k = atomic_fetch_add(&fj->next, 1)) < fj->n_convs;)
        if (finish_conversation(fj, fj->by_size[k], idn, fj->arenas[tid], &s, &fj->dups[tid]) < 0) {
            atomic_store(&fj->failed, 1);
            break;
        }
    ca_identity_free(idn);
    ca_free(s.buf);
}

typedef struct conv_size {
    size_t n, c;
} conv_size;

static int cmp_conv_size(const void *pa, const void *pb)
{
    const conv_size *a = pa, *b = pb;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return a->c < b->c ? -1 : a->c > b->c;
}

/* The conversations of the runs: their ranks, where each one's events go
 * in order[], its runs in storage order, and the conversations by size.
 * -1 on out of memory. */
static int plan_conversations(finish_job *fj, int threads)
{
    pset convs = {0};
    size_t n_runs = 0, nc;
    int ret = -1;
    conv_size *sizes = NULL;
    size_t *cursor = NULL;
    for (int t = 0; t < threads; t++)
        for (size_t i = 0; i < fj->n_runs[t]; i++, n_runs++)
            if (!pset_add(&convs, fj->runs[t][i].platform, fj->runs[t][i].conv))
                goto done;
    if ((nc = pset_rank(&convs)) == (size_t)-1)
        goto done;
    fj->n_convs = nc;
    fj->conv_at = ca_calloc(nc + 1, sizeof *fj->conv_at);
    fj->run_at = ca_calloc(nc + 1, sizeof *fj->run_at);
    fj->kept = ca_calloc(nc ? nc : 1, sizeof *fj->kept);
    fj->by_size = ca_malloc((nc ? nc : 1) * sizeof *fj->by_size);
    fj->run_of = ca_malloc((n_runs ? n_runs : 1) * sizeof *fj->run_of);
    sizes = ca_malloc((nc ? nc : 1) * sizeof *sizes);
    cursor = ca_malloc((nc ? nc : 1) * sizeof *cursor);
    if (!fj->conv_at || !fj->run_at || !fj->kept || !fj->by_size || !fj->run_of || !sizes ||
        !cursor)
        goto done;
    for (int t = 0; t < threads; t++)
        for (size_t i = 0; i < fj->n_runs[t]; i++) {
            ev_run *r = &fj->runs[t][i];
            r->c = pset_find(&convs, r->platform, r->conv)->val;
            fj->conv_at[r->c + 1] += r->to - r->from;
            fj->run_at[r->c + 1]++;
        }
    for (size_t c = 0; c < nc; c++) {
        sizes[c] = (conv_size){fj->conv_at[c + 1], c};
        fj->conv_at[c + 1] += fj->conv_at[c];
        fj->run_at[c + 1] += fj->run_at[c];
        cursor[c] = fj->run_at[c];
    }
    for (int t = 0; t < threads; t++)
        for (size_t i = 0; i < fj->n_runs[t]; i++)
            fj->run_of[cursor[fj->runs[t][i].c]++] = &fj->runs[t][i];
    qsort(sizes, nc, sizeof *sizes, cmp_conv_size);
    for (size_t k = 0; k < nc; k++)
        fj->by_size[k] = sizes[k].c;
    ret = 0;
done:
    ca_free(convs.slots);
    ca_free(sizes);
    ca_free(cursor);
    return ret;
}

/* Sorts the events into cmp_events' order, resolves who everyone is,
 * drops the duplicates (counted in their files' records) and links the
 * quotes; on the parser threads' number of threads for a large import,
 * with an arena each that the import keeps. */
/* The finish of a spilled import: the segments grouped into
 * conversations (ranked as cmp_events orders them), each conversation's in
 * input order.  The rest waits for ca_import_conv_load. */
static ca_status finish_spilled(ca_import *imp)
{
    if (imp->spill_failed || ca_spill_flush(imp->spill) != CA_OK) {
        if (!imp->spill_failed)
            ca_diag_add(imp->diag, CA_DIAG_ERROR, NULL, 0, "%s", ca_spill_errmsg(imp->spill));
        imp->spill_failed = 1;
        return CA_FATAL;
    }
    pset convs = {0};
    ca_status st = CA_FATAL;
    size_t nc = 0, *cursor = NULL;
    for (size_t i = 0; i < imp->n_segs; i++)
        if (!pset_add(&convs, imp->segs[i].platform, imp->segs[i].conv))
            goto done;
    if ((nc = pset_rank(&convs)) == (size_t)-1)
        goto done;
    imp->seg_at = ca_calloc(nc + 1, sizeof *imp->seg_at);
    imp->seg_of = ca_malloc((imp->n_segs ? imp->n_segs : 1) * sizeof *imp->seg_of);
    imp->counted = ca_calloc(nc ? nc : 1, sizeof *imp->counted);
    cursor = ca_malloc((nc ? nc : 1) * sizeof *cursor);
    if (!imp->seg_at || !imp->seg_of || !imp->counted || !cursor)
        goto done;
    for (size_t i = 0; i < imp->n_segs; i++)
        imp->seg_at[pset_find(&convs, imp->segs[i].platform, imp->segs[i].conv)->val + 1]++;
    for (size_t c = 0; c < nc; c++) {
        imp->seg_at[c + 1] += imp->seg_at[c];
        cursor[c] = imp->seg_at[c];
    }
    for (size_t i = 0; i < imp->n_segs; i++)
        imp->seg_of[cursor[pset_find(&convs, imp->segs[i].platform, imp->segs[i].conv)->val]++] = i;
    imp->n_convs = nc;
    imp->n_order = imp->n_events; /* before the de-duplication, which reading back does */
    st = CA_OK;
done:
    ca_free(convs.slots);
    ca_free(cursor);
    return st;
}

ca_status ca_import_finish(ca_import *imp)
{
    if (imp->spill)
        return finish_spilled(imp);
    imp->order = ca_malloc((imp->n_events ? imp->n_events : 1) * sizeof *imp->order);
    if (!imp->order)
        return CA_FATAL;
    int threads = imp->threads > 1 && imp->n_events >= 10000 ? imp->threads : 1;
    finish_job fj;
    memset(&fj, 0, sizeof fj);
    fj.imp = imp;
    atomic_init(&fj.next, 0);
    atomic_init(&fj.failed, 0);
    ca_arena *arenas[POOL_MAX] = {imp->arena};
    fj.arenas = arenas;
    if (threads > 1) {
        ca_arena **na = ca_realloc(imp->arenas, (imp->n_arenas + (size_t)threads) * sizeof *na);
        if (!na)
            return CA_FATAL;
        imp->arenas = na;
        for (int k = 0; k < threads; k++) {
            if (!(arenas[k] = ca_arena_new(1u << 20)))
                return CA_FATAL;
            imp->arenas[imp->n_arenas++] = arenas[k];
        }
    }
    ca_status st = CA_FATAL;
    ca_parallel(threads, find_runs, &fj);
    if (atomic_load(&fj.failed) || plan_conversations(&fj, threads) < 0)
        goto done;
    ca_parallel(threads, finish_conversations, &fj);
    if (atomic_load(&fj.failed))
        goto done;
    /* the kept events of the conversations, one after the other */
    if (!(imp->conv_at = ca_malloc((fj.n_convs + 1) * sizeof *imp->conv_at)))
        goto done;
    size_t out = 0;
    for (size_t c = 0; c < fj.n_convs; c++) {
        if (out != fj.conv_at[c])
            memmove(imp->order + out, imp->order + fj.conv_at[c], fj.kept[c] * sizeof *imp->order);
        imp->conv_at[c] = out;
        out += fj.kept[c];
    }
    imp->conv_at[fj.n_convs] = out;
    imp->n_convs = fj.n_convs;
    imp->n_order = out;
    for (int t = 0; t < threads; t++)
        for (size_t i = 0; i < fj.dups[t].cap; i++) {
            const pslot *sl = &fj.dups[t].slots[i];
            ca_file_stats *fs = sl->used ? stats_of(imp, sl->p) : NULL;
            if (fs)
                fs->duplicates += sl->val;
        }
    st = CA_OK;
done:
    for (int t = 0; t < threads; t++) {
        ca_free(fj.runs[t]);
        ca_free(fj.dups[t].slots);
    }
    ca_free(fj.conv_at);
    ca_free(fj.run_at);
    ca_free(fj.kept);
    ca_free(fj.by_size);
    ca_free(fj.run_of);
    return st;
}

size_t ca_import_count(const ca_import *imp) { return imp->n_order; }
const ca_event *ca_import_event(const ca_import *imp, size_t i)
{
    return imp->spill ? NULL : imp->order[i];
}
size_t ca_import_n_convs(const ca_import *imp) { return imp->n_convs; }
int ca_import_spilled(const ca_import *imp) { return imp->spill != NULL; }

ca_status ca_import_conv_load(ca_import *imp, size_t c, ca_arena *arena, ca_event ***out,
                              size_t *n)
{
    if (c >= imp->n_convs)
        return CA_FATAL;
    if (!imp->spill) {
        *out = imp->order + imp->conv_at[c];
        *n = imp->conv_at[c + 1] - imp->conv_at[c];
        return CA_OK;
    }
    size_t total = 0;
    for (size_t k = imp->seg_at[c]; k < imp->seg_at[c + 1]; k++)
        total += imp->segs[imp->seg_of[k]].count;
    ca_event *evs = ca_arena_alloc(arena, (total ? total : 1) * sizeof *evs);
    ca_event **ptrs = ca_arena_alloc(arena, (total ? total : 1) * sizeof *ptrs);
    if (!evs || !ptrs)
        return CA_FATAL;
    size_t at = 0;
    for (size_t k = imp->seg_at[c]; k < imp->seg_at[c + 1]; k++) {
        const ca_spill_seg *sg = &imp->segs[imp->seg_of[k]];
        char err[CA_SPILL_ERRMAX];
        if (ca_spill_get(imp->spill, sg, arena, evs + at, err) != CA_OK) {
            fprintf(stderr, "chataudit: %s\n", err);
            return CA_FATAL;
        }
        at += sg->count;
    }
    for (size_t i = 0; i < total; i++)
        ptrs[i] = &evs[i];
    /* a memo of its own: the strings read back are this arena's, and an
     * address may come again for another string once the arena goes */
    ca_identity *idn = ca_identity_new(imp->cfg->roster);
    finish_scratch s = {0};
    pset dups = {0};
    size_t kept = idn ? finish_events(ptrs, total, idn, arena, &s, &dups) : (size_t)-1;
    ca_identity_free(idn);
    ca_free(s.buf);
    if (kept != (size_t)-1) {
        pthread_mutex_lock(&imp->stats_mu);
        for (size_t i = 0; !imp->counted[c] && i < dups.cap; i++) {
            const pslot *sl = &dups.slots[i];
            ca_file_stats *fs = sl->used ? stats_of(imp, sl->p) : NULL;
            if (fs)
                fs->duplicates += sl->val;
        }
        imp->counted[c] = 1;
        pthread_mutex_unlock(&imp->stats_mu);
    }
    ca_free(dups.slots);
    if (kept == (size_t)-1)
        return CA_FATAL;
    *out = ptrs;
    *n = kept;
    return CA_OK;
}

ca_status ca_import_event_by_seq(ca_import *imp, size_t c, uint64_t seq, ca_arena *arena,
                                  const ca_event **out)
{
    *out = NULL;
    if (!imp->spill || c >= imp->n_convs)
        return CA_FATAL;
    /* the conversation's segments are in input order: seq ranges that
     * follow one another */
    size_t lo = imp->seg_at[c], hi = imp->seg_at[c + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (imp->segs[imp->seg_of[mid]].seq_max < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == imp->seg_at[c + 1])
        return CA_FATAL;
    const ca_spill_seg *sg = &imp->segs[imp->seg_of[lo]];
    if (sg->seq_min > seq || !sg->count)
        return CA_FATAL;
    ca_event *ev = ca_arena_alloc(arena, sg->count * sizeof *ev);
    char err[CA_SPILL_ERRMAX];
    if (!ev)
        return CA_FATAL;
    if (ca_spill_get(imp->spill, sg, arena, ev, err) != CA_OK) {
        fprintf(stderr, "chataudit: %s\n", err);
        return CA_FATAL;
    }
    for (size_t i = 0; i < sg->count; i++)
        if (ev[i].seq == seq) {
            *out = &ev[i];
            return CA_OK;
        }
    return CA_FATAL;
}

ca_status ca_import_set_spill(ca_import *imp, const char *dir, char *err)
{
    if (imp->spill || imp->n_events) {
        snprintf(err, CA_SPILL_ERRMAX, "the import has begun");
        return CA_FATAL;
    }
    return (imp->spill = ca_spill_open(dir, err)) ? CA_OK : CA_FATAL;
}
size_t ca_import_nfiles(const ca_import *imp) { return imp->n_files; }
const ca_file_stats *ca_import_file(const ca_import *imp, size_t i) { return &imp->files[i]; }
uint64_t ca_import_bytes_in(const ca_import *imp) { return imp->bytes_in; }

/* Writes ev[0..n) as NDJSON through b.  0 or -1. */
static int write_events(ca_buf *b, ca_event *const *ev, size_t n, int tz, FILE *out)
{
    for (size_t i = 0; i < n; i++) {
        ca_event_to_json(b, ev[i], tz);
        if (b->len >= 1 << 16 || i + 1 == n) {
            if (b->oom || fwrite(b->data, 1, b->len, out) != b->len)
                return -1;
            ca_buf_reset(b);
        }
    }
    return 0;
}

int ca_import_write_ndjson(ca_import *imp, FILE *out)
{
    ca_buf b = CA_BUF_INIT;
    int tz = imp->cfg->tz_offset_min, rc = 0;
    if (!imp->spill) {
        rc = write_events(&b, imp->order, imp->n_order, tz, out);
    } else { /* a conversation at a time, read back */
        for (size_t c = 0; c < imp->n_convs && rc == 0; c++) {
            ca_arena *a = ca_arena_new(1u << 20);
            ca_event **ev;
            size_t n;
            rc = a && ca_import_conv_load(imp, c, a, &ev, &n) == CA_OK
                     ? write_events(&b, ev, n, tz, out)
                     : -1;
            ca_arena_free(a);
        }
    }
    ca_buf_free(&b);
    return rc == 0 && fflush(out) == 0 ? 0 : -1;
}

static const ca_file_stats *stats_of_path(const ca_file_stats *f, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].path, path) == 0)
            return &f[i];
    return NULL;
}

typedef struct unresolved {
    const char *platform, *sender, *name;
    size_t messages;
} unresolved;

static int cmp_unresolved(const void *pa, const void *pb)
{
    const unresolved *a = pa, *b = pb;
    if (a->messages != b->messages)
        return a->messages > b->messages ? -1 : 1;
    int c = ca_strcmp0(a->platform, b->platform);
    if (!c)
        c = ca_strcmp0(a->sender, b->sender);
    return c ? c : ca_strcmp0(a->name, b->name);
}

static int cmp_unresolved_key(const void *pa, const void *pb)
{
    const unresolved *a = pa, *b = pb;
    int c = ca_strcmp0(a->platform, b->platform);
    if (!c)
        c = ca_strcmp0(a->sender, b->sender);
    return c ? c : ca_strcmp0(a->name, b->name);
}

/* Senders of messages that no roster entry matched, with their message
 * counts (SPEC §5): outsiders, former accounts, ambiguous names. */
static void write_unresolved(const ca_import *imp, FILE *out)
{
    size_t n = 0;
    for (size_t i = 0; i < imp->n_order; i++)
        n += imp->order[i]->kind == CA_KIND_MESSAGE && !imp->order[i]->employee;
    if (!n)
        return;
    unresolved *u = ca_malloc(n * sizeof *u);
    if (!u)
        return;
    n = 0;
    for (size_t i = 0; i < imp->n_order; i++) {
        const ca_event *e = imp->order[i];
        if (e->kind == CA_KIND_MESSAGE && !e->employee)
            u[n++] = (unresolved){e->platform, e->sender, e->sender_name, 1};
    }
    qsort(u, n, sizeof *u, cmp_unresolved_key);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m && cmp_unresolved_key(&u[m - 1], &u[i]) == 0)
            u[m - 1].messages++;
        else
            u[m++] = u[i];
    }
    qsort(u, m, sizeof *u, cmp_unresolved);
    fprintf(out, "  Unresolved senders (%zu, not matched to the roster):\n", m);
    for (size_t k = 0; k < m && k < 100; k++) {
        fprintf(out, "    %s %s", u[k].platform, u[k].sender ? u[k].sender : "(no id)");
        if (u[k].name && ca_strcmp0(u[k].name, u[k].sender) != 0)
            fprintf(out, " \"%s\"", u[k].name);
        fprintf(out, ": %zu message%s\n", u[k].messages, u[k].messages == 1 ? "" : "s");
    }
    if (m > 100)
        fprintf(out, "    and %zu more\n", m - 100);
    ca_free(u);
}

/* Conversations that look like one-to-one chats (convkind.h), which
 * `run` does not audit, with their message counts, in output order. */
static void write_private(const ca_import *imp, FILE *out)
{
    size_t n_private = 0, n_convs = 0;
    for (size_t start = 0, end; start < imp->n_order; start = end) {
        n_convs++;
        const ca_event *first = imp->order[start];
        size_t messages = 0;
        const char *name = NULL;
        for (end = start; end < imp->n_order && !ca_strcmp0(imp->order[end]->conv, first->conv) &&
                          !ca_strcmp0(imp->order[end]->platform, first->platform); end++) {
            messages += imp->order[end]->kind == CA_KIND_MESSAGE;
            if (!name)
                name = imp->order[end]->conv_name;
        }
        const char *why;
        const ca_group_reg *reg = ca_config_group(imp->cfg, first->platform, first->conv);
        if (!ca_conv_is_private(first->platform, first->conv, reg,
                                (const ca_event *const *)imp->order + start, end - start, &why))
            continue;
        if (!n_private++)
            fprintf(out, "  Private chats (one-to-one, not audited by run):\n");
        if (n_private > 100)
            continue;
        fprintf(out, "    %s %s", first->platform, first->conv);
        if (name && strcmp(name, first->conv) != 0)
            fprintf(out, " \"%s\"", name);
        fprintf(out, ": %zu message%s (%s)\n", messages, messages == 1 ? "" : "s", why);
    }
    if (n_private > 100)
        fprintf(out, "    and %zu more\n", n_private - 100);
    if (n_private)
        fprintf(out, "    %zu of %zu conversations look private\n", n_private, n_convs);
}

static int cmp_stats(const void *a, const void *b)
{
    return strcmp(((const ca_file_stats *)a)->path, ((const ca_file_stats *)b)->path);
}

void ca_import_write_summary(const ca_import *imp, FILE *out)
{
    ca_file_stats *sorted = ca_malloc((imp->n_files ? imp->n_files : 1) * sizeof *sorted);
    if (!sorted)
        return;
    if (imp->n_files)
        memcpy(sorted, imp->files, imp->n_files * sizeof *sorted);
    qsort(sorted, imp->n_files, sizeof *sorted, cmp_stats);
    size_t tot_rec = 0, tot_ev[CA_KIND__COUNT] = {0}, unrec = 0, dups = 0;
    fprintf(out, "Import summary\n");
    for (size_t i = 0; i < imp->n_files; i++) {
        const ca_file_stats *f = &sorted[i];
        if (!f->format) {
            unrec++;
            continue;
        }
        fprintf(out, "  %s\n    format %s, charset %s, %zu records", f->path, f->format,
                f->charset, f->records);
        size_t nev = 0;
        for (int k = 0; k < CA_KIND__COUNT; k++)
            nev += f->events[k];
        fprintf(out, ", %zu events", nev);
        const char *sep = " (";
        for (int k = 0; k < CA_KIND__COUNT; k++)
            if (f->events[k]) {
                fprintf(out, "%s%s %zu", sep, ca_kind_name((ca_kind)k), f->events[k]);
                sep = ", ";
            }
        fprintf(out, "%s\n", nev ? ")" : "");
        if (f->warnings || f->errors || f->replaced || f->duplicates)
            fprintf(out, "    %zu warnings, %zu records skipped, %zu bytes replaced, %zu duplicates dropped\n",
                    f->warnings, f->errors, f->replaced, f->duplicates);
        if (f->incomplete)
            fprintf(out, "    INCOMPLETE: %s\n", f->incomplete);
        tot_rec += f->records;
        dups += f->duplicates;
    }
    if (unrec) {
        fprintf(out, "  Unrecognised entries (%zu):\n", unrec);
        for (size_t i = 0; i < imp->n_files; i++)
            if (!sorted[i].format)
                fprintf(out, "    %s (first line: \"%s\")\n", sorted[i].path,
                        sorted[i].unrecognised ? sorted[i].unrecognised : "");
    }
    write_unresolved(imp, out);
    write_private(imp, out);
    /* Parts that never reached a parser: archives, entries, files. */
    size_t unreadable = 0;
    for (size_t i = 0; i < ca_diag_len(imp->diag); i++) {
        const ca_diag_item *it = ca_diag_at(imp->diag, i);
        if (it->level != CA_DIAG_ERROR || (it->file && stats_of_path(sorted, imp->n_files, it->file)))
            continue;
        if (!unreadable++)
            fprintf(out, "  Unreadable:\n");
        fprintf(out, "    %s: %s\n", it->file ? it->file : "", it->msg);
    }
    for (size_t i = 0; i < imp->n_order; i++) /* after de-duplication */
        tot_ev[imp->order[i]->kind]++;
    fprintf(out, "Total: %zu files, %zu records, %zu events", imp->n_files - unrec, tot_rec,
            imp->n_order);
    const char *sep = " (";
    for (int k = 0; k < CA_KIND__COUNT; k++)
        if (tot_ev[k]) {
            fprintf(out, "%s%s %zu", sep, ca_kind_name((ca_kind)k), tot_ev[k]);
            sep = ", ";
        }
    fprintf(out, "%s, %zu duplicates dropped, %zu warnings, %zu errors\n",
            imp->n_order ? ")" : "", dups, ca_diag_count(imp->diag, CA_DIAG_WARN),
            ca_diag_count(imp->diag, CA_DIAG_ERROR));
    ca_free(sorted);
}

/* ----------------------------------------------------------- test sink */

typedef struct test_sink {
    ca_config cfg;
    ca_limits lim;
    ca_diag *diag;
    ca_import *imp;
} test_sink;

static test_sink *test_sinks[64];

ca_sink *ca_test_sink_new(void)
{
    test_sink *t = ca_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    ca_config_defaults(&t->cfg);
    ca_limits_default(&t->lim);
    t->diag = ca_diag_new(0);
    t->imp = ca_import_new(&t->cfg, &t->lim, NULL, t->diag);
    if (!t->imp) {
        ca_diag_free(t->diag);
        ca_free(t);
        return NULL;
    }
    t->imp->sink.path = ca_intern_cstr(t->imp->intern, "test");
    t->imp->sink.diag = t->diag;
    for (size_t i = 0; i < CA_ARRAY_LEN(test_sinks); i++)
        if (!test_sinks[i]) {
            test_sinks[i] = t;
            break;
        }
    return &t->imp->sink;
}

static test_sink *find_test(ca_sink *s)
{
    for (size_t i = 0; i < CA_ARRAY_LEN(test_sinks); i++)
        if (test_sinks[i] && &test_sinks[i]->imp->sink == s)
            return test_sinks[i];
    return NULL;
}

void ca_test_sink_free(ca_sink *s)
{
    test_sink *t = find_test(s);
    if (!t)
        return;
    for (size_t i = 0; i < CA_ARRAY_LEN(test_sinks); i++)
        if (test_sinks[i] == t)
            test_sinks[i] = NULL;
    ca_import_free(t->imp);
    ca_diag_free(t->diag);
    ca_config_free(&t->cfg);
    ca_free(t);
}

size_t ca_test_sink_nwarn(ca_sink *s) { return s->n_msgs; }
const char *ca_test_sink_last_msg(ca_sink *s) { return s->last_msg; }
size_t ca_test_sink_nevents(ca_sink *s) { return s->n_ev; }
const ca_event *ca_test_sink_event(ca_sink *s, size_t i)
{
    return &s->ev[i];
}

/* ------------------------------------------------ conversations read back */

int ca_conv_events(const ca_conv *c, ca_arena *arena, const ca_event *const **ev, size_t *n)
{
    if (!c->imp) {
        *ev = c->events;
        *n = c->n_events;
        return 0;
    }
    ca_event **out;
    if (ca_import_conv_load(c->imp, c->index, arena, &out, n) != CA_OK)
        return -1;
    *ev = (const ca_event *const *)out;
    return 0;
}
