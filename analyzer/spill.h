/*
 * spill.h — the spill store: events written to an anonymous temporary file
 * in segments and read back one segment at a time, so that an import keeps
 * only a table of segment descriptors in memory instead of every event.
 *
 * A segment is the events of one put (the plan: one conversation of one
 * parsed entry, in input order).  Writing is buffered (one write buffer,
 * CA_SPILL_WBUF bytes) and single-writer: ca_spill_put, ca_spill_flush and
 * ca_spill_close are called from one thread.  Reading is ca_spill_get, which
 * any number of threads may call at once on the same store (pread, no shared
 * offset, nothing mutable shared), also while the writer appends, for the
 * segments the writer has flushed.
 *
 * Strings.  The writer asks the caller, through a lasting predicate, about
 * each distinct string pointer of a segment: a lasting one (interned, static,
 * the configuration's — anything that outlives the store's use) is written
 * as its pointer value and read back as the same pointer, so `==` on
 * interned strings keeps working; any other is copied into the file and read
 * back as a copy in the reader's arena.  Within one segment a pointer that
 * occurs twice (the same field of consecutive events, sender == sender_name,
 * ...) comes back as one pointer twice; across segments copies are distinct.
 * Arrays (mentions, targets, items, ...) always come back as fresh arrays in
 * the arena; a NULL array stays NULL, a non-NULL one stays non-NULL (also
 * with a count of 0), NULL entries stay NULL.
 *
 * The file is created in the directory given (else $TMPDIR, else /tmp) with
 * O_TMPFILE, or mkostemp and an immediate unlink where the file system lacks
 * O_TMPFILE: it has no name while it is used, and nothing is left behind
 * even when the process is killed.  It is never mapped: the data is not
 * resident.  The store's memory is the write buffer and, while a segment is
 * put, a table of its distinct string pointers (16 bytes a slot, at most
 * half full; kept for the next put); a get holds the segment's bytes and 8
 * bytes a distinct string until it returns.  Every segment ends with a trailer and is checked by a CRC-32 on
 * reading; a short read, a changed byte or a descriptor that does not match
 * the file is an error, never a crash.
 */
#ifndef CA_SPILL_H
#define CA_SPILL_H

#include "ca.h"
#include "arena.h"
#include "event.h"

typedef struct ca_spill ca_spill;

#define CA_SPILL_WBUF ((size_t)1 << 20) /* the write buffer */
#define CA_SPILL_ERRMAX 512             /* room for an error message */

/* Where a segment is and what it holds; the caller keeps these (the store
 * keeps none).  Filled by ca_spill_put; read by ca_spill_get, which checks
 * offset, bytes, count and crc against the file. */
typedef struct ca_spill_seg {
    uint64_t offset;      /* in the file */
    uint64_t bytes;       /* on disk, trailer included */
    uint32_t count;       /* events */
    uint32_t crc;         /* CRC-32 of the segment (its trailer's own field excepted) */
    int64_t time_min, time_max; /* of the events' time_ms (0, 0 when count is 0) */
    uint64_t seq_min, seq_max;  /* of the events' seq (0, 0 when count is 0) */
    const char *platform; /* every event's platform pointer when they share one, else NULL */
    const char *conv;     /* every event's conv pointer when they share one, else NULL */
} ca_spill_seg;

/* Whether the string s (never NULL) outlives the store's readers: then its
 * pointer is written and read back as it is; else it is copied. */
typedef int (*ca_spill_lasting_fn)(void *ud, const char *s);

/* Creates the store's file in dir (NULL or "": $TMPDIR when set and not
 * empty, else /tmp).  Returns the store, or NULL with the reason in err
 * (CA_SPILL_ERRMAX bytes; may be NULL), e.g. "cannot create a temporary
 * file in /x: No such file or directory", or "out of memory". */
ca_spill *ca_spill_open(const char *dir, char *err);

/* Closes the file (and with it the data) and frees the store.  Segments
 * read before stay valid (they live in their arenas).  NULL is a no-op. */
void ca_spill_close(ca_spill *sp);

/* Appends ev[0..n) (n may be 0) as one segment and describes it in *out.
 * lasting: see ca_spill_lasting_fn; NULL copies every string.  Called on
 * the writer's thread only.  Returns CA_OK, or CA_FATAL with the reason in
 * ca_spill_errmsg: out of memory (the store is unchanged and stays usable;
 * *out is not set) or a write error (the store has failed: every later put
 * or flush fails too; segments already flushed stay readable). */
ca_status ca_spill_put(ca_spill *sp, const ca_event *ev, size_t n,
                       ca_spill_lasting_fn lasting, void *ud, ca_spill_seg *out);

/* As ca_spill_put, of the events *ev[0..n) (a conversation's events picked
 * out of an entry's, without copying them together first). */
ca_status ca_spill_putv(ca_spill *sp, const ca_event *const *ev, size_t n,
                        ca_spill_lasting_fn lasting, void *ud, ca_spill_seg *out);

/* Writes what the write buffer holds to the file: segments put before are
 * then readable.  Writer's thread only.  CA_OK or CA_FATAL (write error, the
 * store has failed; message in ca_spill_errmsg). */
ca_status ca_spill_flush(ca_spill *sp);

/* The writer's last error message ("" when none).  Valid until the next
 * put, flush or close; for the writer's thread. */
const char *ca_spill_errmsg(const ca_spill *sp);

/* Reads the segment seg into out[0..seg->count): the events exactly as they
 * were put, every copied string and every array allocated in arena (which
 * the caller owns and need not share: one arena per thread).  The segment
 * must have been flushed.  Thread-safe against other gets and against the
 * writer.  Returns CA_OK, or CA_FATAL with the reason in err (CA_SPILL_ERRMAX
 * bytes; may be NULL): a read error, a short read ("truncated"), a segment
 * that does not check ("corrupt"), a segment not flushed yet, or out of
 * memory.  out may then be partly written; what the arena received stays in
 * it. */
ca_status ca_spill_get(const ca_spill *sp, const ca_spill_seg *seg, ca_arena *arena,
                       ca_event *out, char *err);

/* Bytes put so far (the file's logical size, buffered bytes included). */
uint64_t ca_spill_size(const ca_spill *sp);

/* The file descriptor (tests: corrupt or truncate the file). */
int ca_spill_fd(const ca_spill *sp);

#endif
