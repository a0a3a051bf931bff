/*
 * parallel.h — run one function on several threads at once, for the
 * phases of a run that split their own work (a shared counter, or a range
 * per thread).  The caller is thread 0; whatever threads cannot be started
 * run their share on the caller afterwards, so the work is always done and
 * the result never depends on how many threads there were.
 */
#ifndef CA_PARALLEL_H
#define CA_PARALLEL_H

/* Calls fn(arg, tid, threads) for tid = 0 .. threads - 1, concurrently
 * where threads can be started (threads < 1 counts as 1, at most 64), and
 * returns when every call has returned.  fn must not assume that calls run
 * at the same time: one that waits for another would deadlock when they
 * run in turn. */
void ca_parallel(int threads, void (*fn)(void *arg, int tid, int threads), void *arg);

#endif
