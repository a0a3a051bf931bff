/*
 * matcher.h — one pass over a text finds every occurrence of thousands of
 * literal terms (an Aho–Corasick automaton over UTF-8 bytes) and every
 * match of a handful of PCRE2 patterns (JIT-compiled, UTF mode).  The text
 * and the terms are expected to be normalized already (normalize.h); the
 * matcher compares bytes and knows nothing of case or width.
 *
 * Life cycle: ca_matcher_new, any number of ca_matcher_add and
 * ca_matcher_add_regex, one ca_matcher_build, then ca_matcher_scan from any
 * number of threads, each with its own ca_match_scratch, and finally
 * ca_matcher_free.  A built matcher is immutable.
 */
#ifndef CA_MATCHER_H
#define CA_MATCHER_H

#include "ca.h"

typedef struct ca_matcher ca_matcher;

/* Creates an empty matcher.  Returns NULL on out of memory.  Free with
 * ca_matcher_free. */
ca_matcher *ca_matcher_new(void);

/* Frees the matcher and everything it owns.  NULL is a no-op.  No scan may
 * be running, and scratches made for it must not be used afterwards (free
 * them before or after, either order is fine). */
void ca_matcher_free(ca_matcher *m);

/* Adds the literal term[0..len) (bytes; NUL bytes allowed) reported with id.
 * An empty term is ignored.  A term added again with another id is
 * reported under every id it was added with, one match per id in the order
 * the ids were added (so one automaton can serve several lexicons that
 * share a term); added again with the same id, it is reported once.  Returns 0, or -1 on out of
 * memory or when the matcher is already built (the matcher is unchanged
 * and still usable in both cases). */
int ca_matcher_add(ca_matcher *m, const char *term, size_t len, uint32_t id);

/* Compiles the NUL-terminated PCRE2 pattern (UTF and UCP mode, then
 * pcre2_jit_compile) and adds it, reported with id.  Returns 0, or -1 with
 * a NUL-terminated message in err[0..errlen) (truncated to fit; err may be
 * NULL when errlen is 0):
 *   "offset N: <pcre2 message>"   the pattern does not compile (N is the
 *                                 byte offset PCRE2 reports),
 *   "out of memory",
 *   "matcher already built".
 * Patterns see the scanned text as it is: for normalized text (lower case,
 * half-width) write them in that form, or use (?i). */
int ca_matcher_add_regex(ca_matcher *m, const char *pattern, uint32_t id, char *err,
                         size_t errlen);

/* Builds the automaton after the last add.  Returns 0, or -1 on out of
 * memory (the matcher is then unbuilt: it may be freed, or built again).
 * Calling it on a built matcher does nothing and returns 0. */
int ca_matcher_build(ca_matcher *m);

/* One match: text[start..end) in byte offsets of the scanned text. */
typedef struct ca_match {
    size_t start, end;
    uint32_t id;
} ca_match;

/* Called once per match; mt is valid for the call only.  Returns nonzero to
 * stop the scan. */
typedef int (*ca_match_fn)(void *ud, const ca_match *mt);

/* Per-thread state of a scan: PCRE2 match data, JIT stack and match limits
 * for each pattern of one matcher. */
typedef struct ca_match_scratch ca_match_scratch;

/* Creates a scratch for the built matcher m; it may be used with m only
 * (given to a scan of another matcher, that scan runs no patterns and
 * counts them in ca_match_scratch_failures), by one thread at a time.
 * Returns NULL on out of memory or when m is not built. */
ca_match_scratch *ca_match_scratch_new(const ca_matcher *m);

/* Frees s.  NULL is a no-op. */
void ca_match_scratch_free(ca_match_scratch *s);

/* Number of pattern searches that scans with s abandoned since s was made
 * (PCRE2 match limit, depth limit or JIT stack exhausted: catastrophic
 * backtracking).  The matches of that pattern after the failure point are
 * lost for that text; a caller that must not lose hits silently reports
 * a nonzero value. */
size_t ca_match_scratch_failures(const ca_match_scratch *s);

/* Scans text[0..len) and calls fn for every occurrence of every term,
 * overlapping ones included, and every match of every pattern, in order
 * of end offset; at equal end offsets terms come first, longest first,
 * then patterns in the order they were added.  A pattern reports its
 * leftmost non-empty matches, each search resuming where the previous match
 * ended (the usual global search: a pattern's matches do not overlap one
 * another).  Patterns need valid UTF-8: they are run on each maximal valid
 * stretch of the text, and invalid bytes never match a pattern (terms match
 * any bytes).  s may be NULL to scan for terms only.  Thread-safe with one
 * scratch per thread; the matcher is not modified.  Returns the number of
 * matches reported, including the one whose callback stopped the scan;
 * 0 for a matcher that is not built. */
size_t ca_matcher_scan(const ca_matcher *m, ca_match_scratch *s, const char *text, size_t len,
                       ca_match_fn fn, void *ud);

/* As ca_matcher_scan, for text the caller knows to be valid UTF-8 (as
 * ca_normalize makes it): the patterns run on the whole text without the
 * UTF-8 check.  Text that is not valid UTF-8 must not be given (PCRE2
 * would read it unchecked). */
size_t ca_matcher_scan_valid(const ca_matcher *m, ca_match_scratch *s, const char *text,
                             size_t len, ca_match_fn fn, void *ud);

/* Number of distinct terms plus the number of patterns added so far. */
size_t ca_matcher_count(const ca_matcher *m);

/* Length in bytes of the longest term added (0 if none): a term occurrence
 * that overlaps [a, b) lies inside [a - max, b + max). */
size_t ca_matcher_max_term_len(const ca_matcher *m);

/* Number of patterns added. */
size_t ca_matcher_pattern_count(const ca_matcher *m);

/* Bytes the matcher holds (tables and compiled patterns), for memory
 * accounting; an estimate that leaves out allocator overhead. */
size_t ca_matcher_memory(const ca_matcher *m);

/* Whether code point cp is a decimal digit as \d sees it in UCP mode (ASCII
 * or general category Nd): 1 for every such code point, and 0 for every
 * other one PCRE2's own tables know (the table may hold the digits of a
 * newer Unicode than PCRE2's).  The prefilter of ^(?=.*?\d{N}) patterns
 * uses it; exported for the test that compares it with PCRE2. */
int ca_matcher_is_digit(uint32_t cp);

#endif
