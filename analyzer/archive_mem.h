/*
 * archive_mem.h — the in-memory entry point of the input walker, for the
 * fuzzer and the tests: walks one buffer as if it were a file named name.
 */
#ifndef CA_ARCHIVE_MEM_H
#define CA_ARCHIVE_MEM_H

#include "walk.h"

/*
 * Like ca_walk_input, but the INPUT is the len bytes at data, shown as name.
 * An archive is opened from memory (depth 1); anything else is handed to fn
 * as one plain entry (depth 0).  Same diagnostics and return values as
 * ca_walk_input, except that there is no file to be missing.
 */
ca_status ca_walk_memory(const char *name, const unsigned char *data, size_t len,
                         const ca_limits *lim, ca_diag *diag, ca_entry_fn fn,
                         void *ud);

/* As ca_walk_memory, handing over deferred entries as ca_walk_input_deferred
 * does (tests compare both paths). */
ca_status ca_walk_memory_deferred(const char *name, const unsigned char *data, size_t len,
                                  const ca_limits *lim, ca_diag *diag, ca_entry_fn fn,
                                  ca_sync_fn sync, void *ud);

#endif
