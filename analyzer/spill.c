/*
 * spill.c — the spill store (spill.h).
 *
 * A segment on disk is its events' records, then a 32-byte trailer:
 *
 *   record*  trailer{ "CAS1", count u32, strings u32, crc u32,
 *                     string_bytes u64, payload_bytes u64 }   (little endian)
 *
 * crc is the CRC-32 of the records and the trailer's other fields; strings the number of distinct string
 * pointers the records introduce (the reader's back-reference table);
 * string_bytes the bytes of the copied strings with their NULs (one arena
 * block for all of them).  A record is the event against the one before it
 * in the segment (the first against an all-zero event):
 *
 *   varint  mask     which of the fields below are present (CHG_*): a
 *                    string field whose pointer differs from the previous
 *                    event's, kind/type, flags, src_line other than the
 *                    previous + 1, seq other than the previous + 1, arrays
 *   zigzag  time_ms − the previous event's (always)
 *   [varint kind, varint type] [zigzag src_line delta] [varint flags]
 *   [zigzag seq delta]
 *   str*    the changed string fields, in bit order
 *   [arrays: varint which (ARR_*), varint n_mentions, n_targets, n_items;
 *            the present arrays' entries as str; each item as str
 *            sender_name, str time_text, zigzag time_ms − the event's,
 *            varint type, str text]
 *
 * and a str is one varint v: 0 NULL; odd: the string (v >> 1) of the
 * segment's table, i.e. a pointer met before in the segment; 2: a lasting
 * pointer, as a zigzag delta from the previous lasting pointer of the
 * segment; 2·(len + 2): a copied string of len bytes, which follow.  Both
 * new kinds are added to the table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stddef.h>
#ifdef CA_WITH_LIBDEFLATE
#include <libdeflate.h>
#else
#include <zlib.h>
#endif
#include "spill.h"

#define TRAILER 32
#define MAGIC 0x31534143u /* "CAS1" */

/* The string fields, in mask-bit order (the gaps are the other CHG_ bits). */
enum {
    CHG_KT = 1u << 4,
    CHG_LINE = 1u << 5,
    CHG_ARRAYS = 1u << 6,
    CHG_FLAGS = 1u << 7,
    CHG_SEQ = 1u << 21,
};
#define STR_FIELD(bit, field) {bit, offsetof(ca_event, field)}
static const struct { unsigned bit; size_t off; } str_fields[] = {
    STR_FIELD(0, id),           STR_FIELD(1, text),         STR_FIELD(2, sender),
    STR_FIELD(3, sender_name),  STR_FIELD(8, employee),     STR_FIELD(9, reply_to),
    STR_FIELD(10, quote_sender), STR_FIELD(11, quote_text), STR_FIELD(12, url),
    STR_FIELD(13, title),       STR_FIELD(14, actor),       STR_FIELD(15, actor_name),
    STR_FIELD(16, actor_employee), STR_FIELD(17, conv_name), STR_FIELD(18, conv),
    STR_FIELD(19, platform),    STR_FIELD(20, src_path),
};
#define N_STR_FIELDS CA_ARRAY_LEN(str_fields)
#define CHG_ALL ((1u << 22) - 1)

enum {
    ARR_MENTIONS = 1u << 0,
    ARR_MENTION_IDS = 1u << 1,
    ARR_TARGETS = 1u << 2,
    ARR_TARGET_NAMES = 1u << 3,
    ARR_TARGET_EMPLOYEES = 1u << 4,
    ARR_ITEMS = 1u << 5,
};

static inline const char *field(const ca_event *e, size_t off)
{
    const char *p;
    memcpy(&p, (const char *)e + off, sizeof p);
    return p;
}

static inline void set_field(ca_event *e, size_t off, const char *p)
{
    memcpy((char *)e + off, &p, sizeof p);
}

static uint32_t crc_update(uint32_t crc, const void *p, size_t n)
{
#ifdef CA_WITH_LIBDEFLATE
    return libdeflate_crc32(crc, p, n);
#else
    return (uint32_t)crc32_z(crc, p, n);
#endif
}

static inline uint64_t zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

static void put_le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_le32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static uint64_t get_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The segment's CRC: of the records, then of the trailer's other fields. */
static uint32_t trailer_crc(uint32_t crc, const unsigned char *t)
{
    return crc_update(crc_update(crc, t, 12), t + 16, TRAILER - 16);
}

/* A slot of the writer's pointer table: valid in the segment whose
 * generation it carries, so starting a segment clears nothing. */
typedef struct pslot {
    const char *p;
    uint32_t gen, idx;
} pslot;

struct ca_spill {
    int fd;
    char *dir;                 /* for messages */
    unsigned char *buf;        /* holds the file's bytes [buf_off, buf_off + used) */
    size_t used;
    uint64_t buf_off;
    _Atomic uint64_t flushed;  /* bytes readers may read */
    int failed;                /* a write failed: the store is unusable */
    char err[CA_SPILL_ERRMAX];

    /* the segment being put */
    int in_seg;
    size_t crc_from;           /* bytes of buf before this are in crc */
    uint32_t crc;
    pslot *slots;
    size_t cap;                /* a power of 2, or 0 */
    uint32_t gen, nstr;
    uint64_t str_bytes;
    uintptr_t last_lasting;
    ca_spill_lasting_fn lasting;
    void *ud;
};

/* ------------------------------------------------------------- file */

ca_spill *ca_spill_open(const char *dir, char *err)
{
    if (!dir || !*dir)
        dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    ca_spill *sp = ca_calloc(1, sizeof *sp);
    char *dcopy = ca_strdup(dir);
    unsigned char *buf = ca_malloc(CA_SPILL_WBUF);
    if (!sp || !dcopy || !buf) {
        if (err)
            snprintf(err, CA_SPILL_ERRMAX, "out of memory");
        ca_free(sp), ca_free(dcopy), ca_free(buf);
        return NULL;
    }
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        /* no O_TMPFILE here: a named file, unlinked at once */
        size_t n = strlen(dir);
        char *path = ca_malloc(n + sizeof "/chataudit-spill-XXXXXX");
        if (!path) {
            if (err)
                snprintf(err, CA_SPILL_ERRMAX, "out of memory");
            ca_free(sp), ca_free(dcopy), ca_free(buf);
            return NULL;
        }
        memcpy(path, dir, n);
        strcpy(path + n, "/chataudit-spill-XXXXXX");
        fd = mkostemp(path, O_CLOEXEC);
        if (fd >= 0 && unlink(path) != 0) {
            int e = errno;
            close(fd);
            fd = -1;
            errno = e;
        }
        ca_free(path);
    }
    if (fd < 0) {
        if (err)
            snprintf(err, CA_SPILL_ERRMAX, "cannot create a temporary file in %s: %s", dir,
                     strerror(errno));
        ca_free(sp), ca_free(dcopy), ca_free(buf);
        return NULL;
    }
    sp->fd = fd;
    sp->dir = dcopy;
    sp->buf = buf;
    atomic_init(&sp->flushed, 0);
    return sp;
}

void ca_spill_close(ca_spill *sp)
{
    if (!sp)
        return;
    close(sp->fd);
    ca_free(sp->dir);
    ca_free(sp->buf);
    ca_free(sp->slots);
    ca_free(sp);
}

const char *ca_spill_errmsg(const ca_spill *sp) { return sp->err; }
uint64_t ca_spill_size(const ca_spill *sp) { return sp->buf_off + sp->used; }
int ca_spill_fd(const ca_spill *sp) { return sp->fd; }

static int fail(ca_spill *sp, const char *what, int e)
{
    sp->failed = 1;
    snprintf(sp->err, sizeof sp->err, "cannot write the spill file in %s: %s", sp->dir,
             what ? what : strerror(e));
    return -1;
}

/* Writes buf to the file; the store fails on error. */
static int wflush(ca_spill *sp)
{
    if (sp->in_seg) {
        sp->crc = crc_update(sp->crc, sp->buf + sp->crc_from, sp->used - sp->crc_from);
        sp->crc_from = 0;
    }
    size_t done = 0;
    while (done < sp->used) {
        ssize_t w = pwrite(sp->fd, sp->buf + done, sp->used - done, (off_t)(sp->buf_off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return fail(sp, NULL, errno);
        if (w == 0)
            return fail(sp, "no progress", 0);
        done += (size_t)w;
    }
    sp->buf_off += sp->used;
    sp->used = 0;
    atomic_store_explicit(&sp->flushed, sp->buf_off, memory_order_release);
    return 0;
}

ca_status ca_spill_flush(ca_spill *sp)
{
    if (sp->failed)
        return CA_FATAL;
    sp->err[0] = '\0';
    return wflush(sp) == 0 ? CA_OK : CA_FATAL;
}

/* ---------------------------------------------------------- writing */

/* Room for n (≤ the buffer) more bytes in buf. */
static inline int room(ca_spill *sp, size_t n)
{
    return CA_SPILL_WBUF - sp->used >= n ? 0 : wflush(sp);
}

static inline int put_varint(ca_spill *sp, uint64_t v)
{
    if (room(sp, 10) < 0)
        return -1;
    unsigned char *p = sp->buf + sp->used;
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    sp->used = (size_t)(p - sp->buf);
    return 0;
}

static int put_bytes(ca_spill *sp, const char *s, size_t n)
{
    while (n) {
        if (sp->used == CA_SPILL_WBUF && wflush(sp) < 0)
            return -1;
        size_t k = CA_SPILL_WBUF - sp->used < n ? CA_SPILL_WBUF - sp->used : n;
        memcpy(sp->buf + sp->used, s, k);
        sp->used += k;
        s += k;
        n -= k;
    }
    return 0;
}

static inline size_t ptr_slot(const char *p, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32) & (cap - 1);
}

/* The table slot of p in this segment (a free one when p is new); NULL on
 * out of memory (the table grows at half full). */
static pslot *table_find(ca_spill *sp, const char *p)
{
    if ((size_t)sp->nstr * 2 >= sp->cap) {
        size_t cap = sp->cap ? sp->cap * 2 : 1024;
        if (cap > SIZE_MAX / sizeof(pslot))
            return NULL;
        pslot *ns = ca_calloc(cap, sizeof *ns);
        if (!ns)
            return NULL;
        for (size_t i = 0; i < sp->cap; i++) {
            if (sp->slots[i].gen != sp->gen)
                continue;
            size_t j = ptr_slot(sp->slots[i].p, cap);
            while (ns[j].gen == sp->gen)
                j = (j + 1) & (cap - 1);
            ns[j] = sp->slots[i];
        }
        ca_free(sp->slots);
        sp->slots = ns;
        sp->cap = cap;
    }
    size_t j = ptr_slot(p, sp->cap);
    while (sp->slots[j].gen == sp->gen && sp->slots[j].p != p)
        j = (j + 1) & (sp->cap - 1);
    return &sp->slots[j];
}

#define OOM (-2) /* put_str and friends: -1 write error, -2 out of memory */

static int put_str(ca_spill *sp, const char *s)
{
    if (!s)
        return put_varint(sp, 0);
    pslot *sl = table_find(sp, s);
    if (!sl)
        return OOM;
    if (sl->gen == sp->gen)
        return put_varint(sp, (uint64_t)sl->idx << 1 | 1);
    if (sp->nstr == UINT32_MAX)
        return OOM;
    *sl = (pslot){s, sp->gen, sp->nstr++};
    if (sp->lasting && sp->lasting(sp->ud, s)) {
        uintptr_t v = (uintptr_t)s;
        int64_t d = (int64_t)((uint64_t)v - (uint64_t)sp->last_lasting);
        sp->last_lasting = v;
        return put_varint(sp, 2) < 0 ? -1 : put_varint(sp, zigzag(d));
    }
    size_t n = strlen(s);
    sp->str_bytes += n + 1;
    if (put_varint(sp, ((uint64_t)n + 2) << 1) < 0)
        return -1;
    return put_bytes(sp, s, n);
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        int r_ = (x);                                                                              \
        if (r_ < 0)                                                                                \
            return r_;                                                                             \
    } while (0)

static int put_strv(ca_spill *sp, const char *const *v, uint32_t n)
{
    for (uint32_t k = 0; k < n; k++)
        TRY(put_str(sp, v[k]));
    return 0;
}

static int put_arrays(ca_spill *sp, const ca_event *e)
{
    uint32_t which = (e->mentions ? ARR_MENTIONS : 0) | (e->mention_ids ? ARR_MENTION_IDS : 0) |
                     (e->targets ? ARR_TARGETS : 0) | (e->target_names ? ARR_TARGET_NAMES : 0) |
                     (e->target_employees ? ARR_TARGET_EMPLOYEES : 0) |
                     (e->items ? ARR_ITEMS : 0);
    TRY(put_varint(sp, which));
    TRY(put_varint(sp, e->n_mentions));
    TRY(put_varint(sp, e->n_targets));
    TRY(put_varint(sp, e->n_items));
    if (e->mentions)
        TRY(put_strv(sp, e->mentions, e->n_mentions));
    if (e->mention_ids)
        TRY(put_strv(sp, e->mention_ids, e->n_mentions));
    if (e->targets)
        TRY(put_strv(sp, e->targets, e->n_targets));
    if (e->target_names)
        TRY(put_strv(sp, e->target_names, e->n_targets));
    if (e->target_employees)
        TRY(put_strv(sp, e->target_employees, e->n_targets));
    if (e->items)
        for (uint32_t k = 0; k < e->n_items; k++) {
            const ca_record_item *it = &e->items[k];
            TRY(put_str(sp, it->sender_name));
            TRY(put_str(sp, it->time_text));
            TRY(put_varint(sp, zigzag((int64_t)((uint64_t)it->time_ms - (uint64_t)e->time_ms))));
            TRY(put_varint(sp, (uint32_t)it->type));
            TRY(put_str(sp, it->text));
        }
    return 0;
}

static int put_event(ca_spill *sp, const ca_event *e, const ca_event *prev)
{
    uint32_t mask = 0;
    for (size_t f = 0; f < N_STR_FIELDS; f++)
        if (field(e, str_fields[f].off) != field(prev, str_fields[f].off))
            mask |= 1u << str_fields[f].bit;
    if (e->kind != prev->kind || e->type != prev->type)
        mask |= CHG_KT;
    if ((uint64_t)e->src_line != (uint64_t)prev->src_line + 1)
        mask |= CHG_LINE;
    if (e->flags != prev->flags)
        mask |= CHG_FLAGS;
    if (e->seq != prev->seq + 1)
        mask |= CHG_SEQ;
    if (e->mentions || e->mention_ids || e->targets || e->target_names || e->target_employees ||
        e->items || e->n_mentions || e->n_targets || e->n_items)
        mask |= CHG_ARRAYS;
    TRY(put_varint(sp, mask));
    TRY(put_varint(sp, zigzag((int64_t)((uint64_t)e->time_ms - (uint64_t)prev->time_ms))));
    if (mask & CHG_KT) {
        TRY(put_varint(sp, (uint32_t)e->kind));
        TRY(put_varint(sp, (uint32_t)e->type));
    }
    if (mask & CHG_LINE)
        TRY(put_varint(sp, zigzag((int64_t)((uint64_t)e->src_line - (uint64_t)prev->src_line - 1))));
    if (mask & CHG_FLAGS)
        TRY(put_varint(sp, e->flags));
    if (mask & CHG_SEQ)
        TRY(put_varint(sp, zigzag((int64_t)(e->seq - prev->seq - 1))));
    for (size_t f = 0; f < N_STR_FIELDS; f++)
        if (mask & (1u << str_fields[f].bit))
            TRY(put_str(sp, field(e, str_fields[f].off)));
    if (mask & CHG_ARRAYS)
        TRY(put_arrays(sp, e));
    return 0;
}

/* Forgets a segment that could not be put: the next one is written where
 * it began. */
static void rollback(ca_spill *sp, uint64_t seg_off)
{
    sp->in_seg = 0;
    if (seg_off >= sp->buf_off) {
        sp->used = (size_t)(seg_off - sp->buf_off);
    } else { /* part of it was written: it will be overwritten */
        sp->buf_off = seg_off;
        sp->used = 0;
        atomic_store_explicit(&sp->flushed, seg_off, memory_order_release);
    }
}

/* The events of a put: an array of events, or of pointers to them. */
typedef struct evsrc {
    const ca_event *ev;
    const ca_event *const *evp;
} evsrc;

static inline const ca_event *at(evsrc src, size_t i) { return src.ev ? &src.ev[i] : src.evp[i]; }

static void describe(evsrc src, size_t n, ca_spill_seg *out)
{
    const ca_event *e0 = n ? at(src, 0) : NULL;
    out->time_min = out->time_max = e0 ? e0->time_ms : 0;
    out->seq_min = out->seq_max = e0 ? e0->seq : 0;
    out->platform = e0 ? e0->platform : NULL;
    out->conv = e0 ? e0->conv : NULL;
    for (size_t i = 1; i < n; i++) {
        const ca_event *e = at(src, i);
        if (e->time_ms < out->time_min)
            out->time_min = e->time_ms;
        if (e->time_ms > out->time_max)
            out->time_max = e->time_ms;
        if (e->seq < out->seq_min)
            out->seq_min = e->seq;
        if (e->seq > out->seq_max)
            out->seq_max = e->seq;
        if (e->platform != out->platform)
            out->platform = NULL;
        if (e->conv != out->conv)
            out->conv = NULL;
    }
}

static ca_status put_segment(ca_spill *sp, evsrc src, size_t n, ca_spill_lasting_fn lasting,
                             void *ud, ca_spill_seg *out)
{
    if (sp->failed)
        return CA_FATAL;
    sp->err[0] = '\0';
    if (n > UINT32_MAX) {
        snprintf(sp->err, sizeof sp->err, "a spill segment of %zu events is too large", n);
        return CA_FATAL;
    }
    uint64_t seg_off = sp->buf_off + sp->used;
    sp->in_seg = 1;
    sp->crc_from = sp->used;
    sp->crc = crc_update(0, NULL, 0);
    if (++sp->gen == 0) { /* the generations wrapped: clear the table once */
        if (sp->slots)
            memset(sp->slots, 0, sp->cap * sizeof *sp->slots);
        sp->gen = 1;
    }
    sp->nstr = 0;
    sp->str_bytes = 0;
    sp->last_lasting = 0;
    sp->lasting = lasting;
    sp->ud = ud;
    static const ca_event zero;
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        r = put_event(sp, at(src, i), i ? at(src, i - 1) : &zero);
    if (r == OOM) {
        rollback(sp, seg_off);
        snprintf(sp->err, sizeof sp->err, "out of memory");
        return CA_FATAL;
    }
    if (r < 0) {
        sp->in_seg = 0;
        return CA_FATAL;
    }
    sp->crc = crc_update(sp->crc, sp->buf + sp->crc_from, sp->used - sp->crc_from);
    sp->in_seg = 0;
    uint64_t payload = sp->buf_off + sp->used - seg_off;
    if (room(sp, TRAILER) < 0)
        return CA_FATAL;
    unsigned char *t = sp->buf + sp->used;
    put_le32(t, MAGIC);
    put_le32(t + 4, (uint32_t)n);
    put_le32(t + 8, sp->nstr);
    put_le64(t + 16, sp->str_bytes);
    put_le64(t + 24, payload);
    sp->crc = trailer_crc(sp->crc, t);
    put_le32(t + 12, sp->crc);
    sp->used += TRAILER;
    out->offset = seg_off;
    out->bytes = payload + TRAILER;
    out->count = (uint32_t)n;
    out->crc = sp->crc;
    describe(src, n, out);
    return CA_OK;
}

ca_status ca_spill_put(ca_spill *sp, const ca_event *ev, size_t n,
                       ca_spill_lasting_fn lasting, void *ud, ca_spill_seg *out)
{
    return put_segment(sp, (evsrc){ev, NULL}, n, lasting, ud, out);
}

ca_status ca_spill_putv(ca_spill *sp, const ca_event *const *ev, size_t n,
                        ca_spill_lasting_fn lasting, void *ud, ca_spill_seg *out)
{
    return put_segment(sp, (evsrc){NULL, ev}, n, lasting, ud, out);
}

/* ---------------------------------------------------------- reading */

typedef struct reader {
    const unsigned char *p, *end;
    const char **tab;    /* the segment's strings by index */
    uint32_t ntab, maxtab;
    char *strs;          /* room for the copied strings: strs_left bytes */
    uint64_t strs_left;
    uintptr_t last_lasting;
    ca_arena *arena;
    const char *bad;     /* what was wrong, NULL while all is well */
    int oom;
} reader;

static inline uint64_t get_varint(reader *r)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p == r->end) {
            r->bad = "a record runs past the segment";
            return 0;
        }
        unsigned char c = *r->p++;
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80))
            return v;
    }
    r->bad = "a number is too long";
    return 0;
}

static inline uint32_t get_u32(reader *r)
{
    uint64_t v = get_varint(r);
    if (v > UINT32_MAX) {
        r->bad = "a count is out of range";
        return 0;
    }
    return (uint32_t)v;
}

static const char *get_str(reader *r)
{
    uint64_t v = get_varint(r);
    if (r->bad || v == 0)
        return NULL;
    if (v & 1) {
        if ((v >> 1) >= r->ntab) {
            r->bad = "a string refers past the table";
            return NULL;
        }
        return r->tab[v >> 1];
    }
    if (r->ntab == r->maxtab) {
        r->bad = "more strings than the trailer says";
        return NULL;
    }
    const char *s;
    if (v == 2) {
        int64_t d = unzigzag(get_varint(r));
        if (r->bad)
            return NULL;
        r->last_lasting = (uintptr_t)((uint64_t)r->last_lasting + (uint64_t)d);
        s = (const char *)r->last_lasting;
    } else {
        uint64_t n = (v >> 1) - 2;
        if (n > (uint64_t)(r->end - r->p) || n >= r->strs_left) {
            r->bad = "a string runs past the segment";
            return NULL;
        }
        char *d = r->strs;
        memcpy(d, r->p, (size_t)n);
        d[n] = '\0';
        r->p += n;
        r->strs += n + 1;
        r->strs_left -= n + 1;
        s = d;
    }
    r->tab[r->ntab++] = s;
    return s;
}

/* An array of n entries whose encoding takes at least min_bytes each, in
 * the arena; NULL (and r->bad or r->oom) when it cannot be. */
static void *get_array(reader *r, uint32_t n, size_t size, size_t min_bytes)
{
    if ((uint64_t)n * min_bytes > (uint64_t)(r->end - r->p)) {
        r->bad = "an array runs past the segment";
        return NULL;
    }
    void *a = ca_arena_alloc(r->arena, (size_t)n * size);
    if (!a)
        r->oom = 1;
    return a;
}

static const char **get_strv(reader *r, uint32_t n)
{
    const char **v = get_array(r, n, sizeof *v, 1);
    for (uint32_t k = 0; v && k < n && !r->bad; k++)
        v[k] = get_str(r);
    return v;
}

static void get_arrays(reader *r, ca_event *e)
{
    uint32_t which = get_u32(r);
    e->n_mentions = get_u32(r);
    e->n_targets = get_u32(r);
    e->n_items = get_u32(r);
    if (r->bad)
        return;
    if (which & ARR_MENTIONS)
        e->mentions = get_strv(r, e->n_mentions);
    if ((which & ARR_MENTION_IDS) && !r->bad && !r->oom)
        e->mention_ids = get_strv(r, e->n_mentions);
    if ((which & ARR_TARGETS) && !r->bad && !r->oom)
        e->targets = get_strv(r, e->n_targets);
    if ((which & ARR_TARGET_NAMES) && !r->bad && !r->oom)
        e->target_names = get_strv(r, e->n_targets);
    if ((which & ARR_TARGET_EMPLOYEES) && !r->bad && !r->oom)
        e->target_employees = get_strv(r, e->n_targets);
    if ((which & ARR_ITEMS) && !r->bad && !r->oom) {
        ca_record_item *items = get_array(r, e->n_items, sizeof *items, 5);
        for (uint32_t k = 0; items && k < e->n_items && !r->bad; k++) {
            ca_record_item *it = &items[k];
            it->sender_name = get_str(r);
            it->time_text = get_str(r);
            it->time_ms = (int64_t)((uint64_t)e->time_ms + (uint64_t)unzigzag(get_varint(r)));
            it->type = (ca_type)get_u32(r);
            it->text = get_str(r);
        }
        e->items = items;
    }
    if (which & ~(uint32_t)0x3F)
        r->bad = "unknown arrays";
}

static void get_event(reader *r, ca_event *e, const ca_event *prev)
{
    uint64_t mask = get_varint(r);
    if (mask & ~(uint64_t)CHG_ALL) {
        r->bad = "unknown fields";
        return;
    }
    memset(e, 0, sizeof *e);
    e->time_ms = (int64_t)((uint64_t)prev->time_ms + (uint64_t)unzigzag(get_varint(r)));
    e->kind = prev->kind;
    e->type = prev->type;
    if (mask & CHG_KT) {
        e->kind = (ca_kind)get_u32(r);
        e->type = (ca_type)get_u32(r);
    }
    e->src_line = (long)((uint64_t)prev->src_line + 1);
    if (mask & CHG_LINE)
        e->src_line = (long)((uint64_t)e->src_line + (uint64_t)unzigzag(get_varint(r)));
    e->flags = mask & CHG_FLAGS ? get_u32(r) : prev->flags;
    e->seq = prev->seq + 1;
    if (mask & CHG_SEQ)
        e->seq += (uint64_t)unzigzag(get_varint(r));
    for (size_t f = 0; f < N_STR_FIELDS && !r->bad; f++)
        set_field(e, str_fields[f].off,
                  mask & (1u << str_fields[f].bit) ? get_str(r) : field(prev, str_fields[f].off));
    if ((mask & CHG_ARRAYS) && !r->bad)
        get_arrays(r, e);
}

/* Reads n bytes at off; returns the bytes read (short at the end of the
 * file) or -1 with errno. */
static ssize_t read_at(int fd, unsigned char *p, size_t n, uint64_t off)
{
    size_t done = 0;
    while (done < n) {
        ssize_t k = pread(fd, p + done, n - done, (off_t)(off + done));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        done += (size_t)k;
    }
    return (ssize_t)done;
}

#define ERR(...) (err ? snprintf(err, CA_SPILL_ERRMAX, __VA_ARGS__) : 0)

ca_status ca_spill_get(const ca_spill *sp, const ca_spill_seg *seg, ca_arena *arena,
                       ca_event *out, char *err)
{
    unsigned long long off = (unsigned long long)seg->offset;
    uint64_t flushed = atomic_load_explicit(&sp->flushed, memory_order_acquire);
    if (seg->bytes < TRAILER || seg->bytes > SIZE_MAX || seg->offset > flushed ||
        seg->bytes > flushed - seg->offset) {
        ERR("the spill segment at offset %llu (%llu bytes) is not in the file (%llu bytes written)",
            off, (unsigned long long)seg->bytes, (unsigned long long)flushed);
        return CA_FATAL;
    }
    size_t bytes = (size_t)seg->bytes;
    unsigned char *buf = ca_malloc(bytes);
    if (!buf) {
        ERR("out of memory");
        return CA_FATAL;
    }
    ssize_t got = read_at(sp->fd, buf, bytes, seg->offset);
    if (got < 0) {
        ERR("cannot read the spill file in %s: %s", sp->dir, strerror(errno));
        ca_free(buf);
        return CA_FATAL;
    }
    if ((size_t)got < bytes) {
        ERR("the spill file in %s is truncated: the segment at offset %llu needs %zu bytes, %zd "
            "read",
            sp->dir, off, bytes, got);
        ca_free(buf);
        return CA_FATAL;
    }
    const unsigned char *t = buf + bytes - TRAILER;
    size_t payload = bytes - TRAILER;
    uint32_t nstr = get_le32(t + 8);
    uint64_t str_bytes = get_le64(t + 16);
    if (get_le32(t) != MAGIC || get_le32(t + 4) != seg->count || get_le32(t + 12) != seg->crc ||
        get_le64(t + 24) != payload ||
        trailer_crc(crc_update(crc_update(0, NULL, 0), buf, payload), t) != seg->crc ||
        nstr > payload || str_bytes > payload) {
        ERR("the spill file in %s is corrupt: the segment at offset %llu does not check", sp->dir,
            off);
        ca_free(buf);
        return CA_FATAL;
    }
    reader r = {.p = buf, .end = buf + payload, .maxtab = nstr, .arena = arena};
    r.tab = ca_malloc((nstr ? nstr : 1) * sizeof *r.tab);
    r.strs = str_bytes ? ca_arena_alloc(arena, (size_t)str_bytes) : NULL;
    r.strs_left = r.strs ? str_bytes : 0;
    if (!r.tab || (str_bytes && !r.strs)) {
        ERR("out of memory");
        ca_free(r.tab);
        ca_free(buf);
        return CA_FATAL;
    }
    static const ca_event zero;
    for (uint32_t i = 0; i < seg->count && !r.bad && !r.oom; i++)
        get_event(&r, &out[i], i ? &out[i - 1] : &zero);
    if (!r.bad && !r.oom && r.p != r.end)
        r.bad = "bytes left after the last record";
    ca_free(r.tab);
    ca_free(buf);
    if (r.oom) {
        ERR("out of memory");
        return CA_FATAL;
    }
    if (r.bad) {
        ERR("the spill file in %s is corrupt: the segment at offset %llu: %s", sp->dir, off, r.bad);
        return CA_FATAL;
    }
    return CA_OK;
}
