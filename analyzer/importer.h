/*
 * importer.h — inputs → normalized events: walks inputs, decodes each entry,
 * detects its format, runs its parser into the event store, then sorts the
 * events into per-conversation, time-ordered streams and removes
 * duplicates.  Also keeps the per-file import summary.
 */
#ifndef CA_IMPORTER_H
#define CA_IMPORTER_H

#include <stdio.h>
#include "walk.h"
#include "config.h"
#include "diag.h"
#include "event.h"
#include "format.h"
#include "spill.h"

typedef struct ca_import ca_import;

/* Per-entry statistics for the import summary. */
typedef struct ca_file_stats {
    const char *path;
    const char *format;        /* NULL: unrecognised */
    const char *charset;
    size_t records;
    size_t events[CA_KIND__COUNT];
    size_t warnings, errors;
    size_t replaced;           /* invalid bytes replaced by U+FFFD */
    size_t duplicates;         /* events dropped as duplicates */
    const char *incomplete;    /* why the export is incomplete, or NULL */
    const char *unrecognised;  /* why no format matched, or NULL */
} ca_file_stats;

/* cfg and lim are borrowed and must outlive the import; force_format may
 * be NULL (detect).  diag receives every problem.  NULL on oom. */
ca_import *ca_import_new(const ca_config *cfg, const ca_limits *lim,
                         const ca_format *force_format, ca_diag *diag);
void ca_import_free(ca_import *imp);

/* Reads one INPUT (file, folder or archive).  Returns CA_OK, CA_WARN when
 * parts were unreadable, CA_FATAL when the input could not be read at all
 * or memory ran out. */
ca_status ca_import_input(ca_import *imp, const char *input);

/* As ca_import_input, and the SHA-256 of a regular-file INPUT taken while
 * it is read (ca_walk_input_hash: "" for a folder or a file that could not
 * be read to its end). */
ca_status ca_import_input_hash(ca_import *imp, const char *input, char sha256[65],
                               uint64_t *hashed);

/* Parses entries on n threads while the caller's thread reads (and
 * decompresses) the inputs, and finishes conversations on n threads in
 * ca_import_finish (from 10 000 events); n <= 1: everything on the caller's
 * thread (the default).  The result — events, their order and seq
 * numbers, file records, duplicate counts, diagnostics — is the same for
 * every n. */
void ca_import_set_threads(ca_import *imp, int n);

/* on (the default): entries of plain zip archives are inflated where they
 * are parsed, on the parser threads (ca_walk_input_deferred); 0: by the
 * walker through libarchive.  The result is the same either way. */
void ca_import_set_zip_fast(ca_import *imp, int on);

/* Calls fn after every entry with the bytes of the current INPUT read so
 * far and the events imported so far (for a progress line). */
void ca_import_set_progress(ca_import *imp, void (*fn)(void *ud, uint64_t input_done,
                                                       size_t events),
                            void *ud);

/* Reads one entry from memory (tests, fuzzers): path is its display path. */
ca_status ca_import_buffer(ca_import *imp, const char *path,
                           const unsigned char *data, size_t len);

/* Sorts, resolves who everyone is, removes duplicates (counted in the
 * files' records) and links quote replies to the messages they quote, a
 * conversation at a time.  Call once, after the last input.  CA_FATAL on
 * out of memory. */
ca_status ca_import_finish(ca_import *imp);

/* The events in output order (after finish): by platform, conversation,
 * time, then source position.  Borrowed; valid until ca_import_free.
 * Spilled, ca_import_count is the number before the de-duplication and
 * ca_import_event is NULL: the events are read a conversation at a time
 * (ca_import_conv_load). */
size_t ca_import_count(const ca_import *imp);
const ca_event *ca_import_event(const ca_import *imp, size_t i);

/* Before the first input: the events are not kept in memory but written
 * to a temporary file in dir (NULL: $TMPDIR, else /tmp; nothing is left
 * there, even after a crash) as each entry is read, and read back one
 * conversation at a time once the import is finished — so that memory
 * grows with the largest conversation, not with the input (SPEC §11).
 * CA_OK, or CA_FATAL with the reason in err (CA_SPILL_ERRMAX bytes): the
 * import then keeps the events in memory. */
ca_status ca_import_set_spill(ca_import *imp, const char *dir, char *err);
int ca_import_spilled(const ca_import *imp);

/* After the finish: the conversations, in output order, and conversation
 * c's events in time order, de-duplicated, with who everyone is and the
 * quote links — in memory, the import's own (arena unused); spilled, read
 * back into arena (on any thread, several at once; the duplicates are
 * counted into the file records the first time each is read).  CA_OK, or
 * CA_FATAL (out of memory, or the spill could not be read: said on
 * stderr). */
size_t ca_import_n_convs(const ca_import *imp);
/* Spilled: the event numbered seq of conversation c as it was parsed
 * (before identity, de-duplication and quote links: its text is the
 * same), read back alone with the few around it into arena.  CA_OK, or
 * CA_FATAL (out of memory, no such event, or a read error). */
struct ca_arena;
ca_status ca_import_event_by_seq(ca_import *imp, size_t c, uint64_t seq, struct ca_arena *arena,
                                 const ca_event **out);
struct ca_arena;
ca_status ca_import_conv_load(ca_import *imp, size_t c, struct ca_arena *arena,
                              ca_event ***out, size_t *n);

size_t ca_import_nfiles(const ca_import *imp);
const ca_file_stats *ca_import_file(const ca_import *imp, size_t i);
uint64_t ca_import_bytes_in(const ca_import *imp);

/* Writes every event as NDJSON; 0 or -1 (write error or oom). */
int ca_import_write_ndjson(ca_import *imp, FILE *out);
/* Writes the human-readable import summary. */
void ca_import_write_summary(const ca_import *imp, FILE *out);

/* ---- test support: a sink not tied to any input ---- */
ca_sink *ca_test_sink_new(void);
void ca_test_sink_free(ca_sink *s);
size_t ca_test_sink_nwarn(ca_sink *s);   /* warnings + errors recorded */
const char *ca_test_sink_last_msg(ca_sink *s);
size_t ca_test_sink_nevents(ca_sink *s);
const ca_event *ca_test_sink_event(ca_sink *s, size_t i);

#endif
