/*
 * lexicon.h — term lists (SPEC §4 "lexicons") loaded into a matcher.
 *
 * A lexicon file is UTF-8 text (a leading BOM is skipped), one term per
 * line, LF or CRLF.  Leading and trailing blanks (space, tab, U+3000,
 * U+00A0) are trimmed; blank lines and lines whose first character is '#'
 * are ignored ('#' later in a line is part of the term, so "#话题#" works).
 * A line "re:PATTERN" is a PCRE2 pattern (UTF mode, see matcher.h); any
 * other line is a literal term, passed through a normalize callback so that
 * terms are normalized exactly as message text is.
 *
 * Every accepted line gets an id (0, 1, 2 … across all files loaded into
 * one lexicon) under which the lexicon keeps the line as written and its
 * file and line number, for evidence such as
 * "matched '口交' (porn.txt:12)".
 *
 * Several category files may go into one lexicon, so that one pass over a
 * message finds the hits of every category: the ids of a file are the
 * range [ca_lexicon_size() before its load, ca_lexicon_size() after).
 * A term listed in two files is reported under the ids of both (a scan
 * finds it once per id, in the order loaded).
 *
 * Diagnostics (to the ca_diag given to ca_lexicon_load; file = the path as
 * given, line = the 1-based line number):
 *   error   "re: pattern does not compile: offset N: <PCRE2 message>"
 *   error   "not valid UTF-8 (byte N); line ignored"   (N: 1-based column)
 *   warning "term is empty after normalization; ignored"
 *   warning "re: empty pattern; ignored"
 *   error   "cannot open lexicon: <strerror>"            (line 0)
 *   error   "cannot read lexicon: <strerror>"            (line 0)
 *   error   "lexicon is larger than 64 MiB"              (line 0)
 *   error   "out of memory"                              (line 0)
 *   error   "lexicon already built; file not loaded"     (line 0)
 */
#ifndef CA_LEXICON_H
#define CA_LEXICON_H

#include "buf.h"
#include "diag.h"
#include "matcher.h"

/* Normalizes s[0..n) (valid UTF-8), appending the result to out (which the
 * caller passes empty).  Returns 0, or nonzero on failure (out of memory);
 * out->oom set counts as failure too. */
typedef int (*ca_lex_normalize_fn)(void *ud, const char *s, size_t n, ca_buf *out);

typedef struct ca_lexicon ca_lexicon;

/* Creates an empty lexicon.  Returns NULL on out of memory.  Free with
 * ca_lexicon_free. */
ca_lexicon *ca_lexicon_new(void);

/* Frees the lexicon, its matcher and every string it returned.  NULL is a
 * no-op. */
void ca_lexicon_free(ca_lexicon *lx);

/* Loads the lexicon file at path (may be called for several files before
 * ca_lexicon_build).  Each literal term is normalized with fn(ud, …) before
 * it is added (fn NULL: added as written).  Problems go to diag (may be
 * NULL) as listed above.  Returns
 *   CA_OK      every line loaded (warnings may have been recorded),
 *   CA_FAILED  some lines were bad and skipped; the others are loaded,
 *   CA_FATAL   the file could not be read, is too large, memory ran out or
 *              the lexicon is already built: diag says why; lines loaded
 *              before an out-of-memory failure stay loaded. */
int ca_lexicon_load(ca_lexicon *lx, const char *path, ca_lex_normalize_fn fn, void *ud,
                    ca_diag *diag);

/* As ca_lexicon_load, on the file contents data[0..len) already in memory;
 * name is used in diagnostics and by ca_lexicon_source. */
int ca_lexicon_load_buffer(ca_lexicon *lx, const char *name, const char *data, size_t len,
                           ca_lex_normalize_fn fn, void *ud, ca_diag *diag);

/* Builds the matcher after the last load.  Returns 0, or -1 on out of
 * memory (the lexicon may then be built again or freed).  Building twice
 * is a no-op. */
int ca_lexicon_build(ca_lexicon *lx);

/* The lexicon's matcher, owned by the lexicon; scan it only after
 * ca_lexicon_build.  Match ids are lexicon ids. */
const ca_matcher *ca_lexicon_matcher(const ca_lexicon *lx);

/* Adds every term (normalized, as the lexicon's own matcher has it) and
 * every pattern of lx to the unbuilt matcher m, each reported with id
 * base + its lexicon id: several lexicons go into one automaton, so that
 * one pass over a text finds the hits of all of them (a term two lexicons
 * list is reported under both).  lx need not be built.  Returns 0, or -1
 * on out of memory, when m is built or base + ca_lexicon_size(lx) overflows. */
int ca_lexicon_add_to(const ca_lexicon *lx, ca_matcher *m, uint32_t base);

/* Number of ids handed out (accepted lines). */
size_t ca_lexicon_size(const ca_lexicon *lx);

/* The line of id as written in the file, trimmed ("re:…" for a pattern),
 * or NULL for an unknown id.  Owned by the lexicon, valid until it is
 * freed. */
const char *ca_lexicon_term(const ca_lexicon *lx, uint32_t id);

/* The file id came from (the path as given to ca_lexicon_load), with its
 * 1-based line number in *line (line may be NULL); NULL for an unknown id.
 * Owned by the lexicon, valid until it is freed. */
const char *ca_lexicon_source(const ca_lexicon *lx, uint32_t id, long *line);

/* Allow-list test: returns 1 when the hit text[start..end) is cleared by
 * an occurrence in text of a term of the built lexicon allow, 0 otherwise
 * (also for a NULL or unbuilt allow list or an empty or out-of-range span).
 * An occurrence clears the hit when it contains it, or when it overlaps
 * it and reaches outside it, i.e. the hit straddles the edge of a benign
 * word: in 路口交通 the porn hit 口交 is cleared by the allow term 口交通
 * (contains it) and by 路口 (straddles its start).  An allow term lying
 * wholly within the hit clears nothing, so allow-listing 路口 does not
 * excuse a hit on a longer term such as 路口xx that contains it.  text is
 * the same normalized text the hit was found in.  Terms are looked for
 * only around the span (the longest allow term either side).  Patterns
 * of the allow list count only when s, a scratch of the allow list's
 * matcher, is given; the whole text is then scanned. */
int ca_lexicon_allowed(const ca_lexicon *allow, ca_match_scratch *s, const char *text,
                       size_t len, size_t start, size_t end);

#endif
