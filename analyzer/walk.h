/*
 * walk.h — the input walker (named walk.h, not archive.h, so that
 * libarchive's <archive.h> is not shadowed; implemented in archive.c): files, folders (recursively, in sorted
 * order), and archives of every kind libarchive reads (zip, tar, tar.gz,
 * tar.xz, tar.bz2, 7z, gz/xz/bz2 of a single file), nested to any depth up
 * to a limit.  Entries are streamed into memory, never extracted to disk, so
 * an entry name like "../../etc/passwd" cannot write anywhere.
 */
#ifndef CA_WALK_H
#define CA_WALK_H

#include "ca.h"
#include "diag.h"

typedef struct ca_limits {
    uint64_t max_entry_size;  /* bytes of one decompressed entry (256 MiB) */
    uint64_t max_total_size;  /* bytes decompressed from one INPUT (8 GiB) */
    uint64_t max_ratio;       /* decompressed / compressed per archive (200),
                                 checked once an archive yielded > 1 MiB */
    int max_depth;            /* archives inside archives (4; top level = 1) */
    uint64_t max_entries;     /* entries per archive (100 000) */
    size_t max_line;          /* longest line a parser accepts (1 MiB) */
} ca_limits;

void ca_limits_default(ca_limits *l);

/* The still compressed data of a zip entry (the fast path, see
 * ca_walk_input_deferred): method 0 (stored) or 8 (deflate), csize bytes at
 * cdata that should inflate to exactly usize bytes of CRC-32 crc. */
typedef struct ca_deferred {
    const unsigned char *cdata;
    size_t csize;
    size_t usize;
    uint32_t crc;
    int method;
} ca_deferred;

/* One leaf entry handed to the callback.  All pointers are borrowed and
 * valid only during the callback. */
typedef struct ca_raw_entry {
    const char *path;   /* display path: "oct.zip!wechat/研发部.csv" */
    const char *name;   /* last component: "研发部.csv" */
    const unsigned char *data; /* NULL when deferred is set */
    size_t len;         /* the entry's size (decompressed, also when deferred) */
    int depth;          /* 0 for a plain file, 1 inside one archive, ... */
    uint64_t input_done; /* bytes of the INPUT read from disk so far (progress) */
    const ca_deferred *deferred; /* NULL: data holds the entry */
    long defer_index;   /* the how-manieth deferred entry of its archive (from 0) */
} ca_raw_entry;

/* Returns CA_OK to go on, CA_FATAL to stop the whole walk; for a deferred
 * entry also CA_FAILED: ca_deferred_inflate failed and the callback kept
 * nothing of the entry (the walker then reads it again the slow way). */
typedef ca_status (*ca_entry_fn)(void *ud, const ca_raw_entry *e);

/*
 * Inflates a deferred entry into out, which has room for d->usize + 1
 * bytes, and NUL-terminates it.  Returns 0 when out holds exactly what the
 * libarchive path would have delivered (the stream ends at csize with
 * usize bytes of the right CRC-32), -1 otherwise (the entry must then be
 * read again by the walker, which reports what is wrong).  Thread-safe.
 */
int ca_deferred_inflate(const ca_deferred *d, unsigned char *out);

/*
 * Called by the walker at the end of every archive that yielded deferred
 * entries (never from within fn).  Waits until every deferred entry handed
 * over so far is inflated; returns -1 when all were, else the defer_index
 * of the first that failed, after having dropped everything fn received
 * from that entry on, and every diagnostic the walker recorded since that
 * entry was handed over (the walker then reads the rest of the archive
 * again the slow way, from that entry, and reports it all again).
 */
typedef long (*ca_sync_fn)(void *ud);

/*
 * Walks one INPUT (a file, a folder or an archive) and calls fn for every
 * leaf entry that is not itself an archive.  Problems (unreadable file,
 * truncated or corrupt archive, encrypted entry, a limit exceeded) are
 * recorded in diag as CA_DIAG_ERROR with the path and the reason, the bad
 * part is skipped and the walk goes on.
 * Returns CA_OK when everything was read, CA_WARN when some parts could not
 * be read (diag says which), CA_FATAL when the input could not be read at
 * all (missing file, not readable) or fn asked to stop.
 * *bytes_in (optional) receives the bytes read from disk.
 */
ca_status ca_walk_input(const char *input, const ca_limits *lim, ca_diag *diag,
                        ca_entry_fn fn, void *ud, uint64_t *bytes_in);

/*
 * As ca_walk_input, and when INPUT is a regular file, its SHA-256 taken
 * from the walk's own reads, so that the file is read once: sha256
 * receives 64 lower-case hex digits and *hashed (optional) the bytes
 * hashed (the file's size).  Bytes the walk did not read in order (a zip's
 * central directory, read first; the rest of a file skipped as too large)
 * are read again for the hash only.  For a folder, or when the file could
 * not be read to its end, sha256 is "" (hash the folder with
 * ca_sha256_path).  sha256 NULL: no hash.
 */
ca_status ca_walk_input_hash(const char *input, const ca_limits *lim, ca_diag *diag,
                             ca_entry_fn fn, void *ud, uint64_t *bytes_in, char sha256[65],
                             uint64_t *hashed);

/*
 * As ca_walk_input_hash, for a consumer of deferred entries: a plain zip
 * archive at the top level of INPUT (or INPUT itself) hands over regular
 * entries that are not archives themselves with their data still
 * compressed (ca_raw_entry.deferred), for the callback to inflate, e.g. on
 * another thread, with ca_deferred_inflate.  What the callback receives in
 * the end (entries, paths, order, diagnostics, hash) is the same as with
 * ca_walk_input_hash.  sync may be NULL when fn inflates in the callback
 * (returning CA_FAILED on failure).
 */
ca_status ca_walk_input_deferred(const char *input, const ca_limits *lim, ca_diag *diag,
                                 ca_entry_fn fn, ca_sync_fn sync, void *ud,
                                 uint64_t *bytes_in, char sha256[65], uint64_t *hashed);

/* Returns 1 if data starts with the signature of an archive or compressed
 * stream chataudit opens (zip, gzip, xz, bzip2, zstd, 7z, tar), else 0. */
int ca_is_archive(const unsigned char *data, size_t len);

#endif
