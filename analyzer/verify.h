/*
 * verify.h — screenshot verification (SPEC §8, policy 4.2.5.3).
 *
 * An investigator types or OCRs a screenshot of a chat into a text file;
 * ca_verify_screenshot finds the conversation and span of messages it
 * shows in the imported logs and says whether the screenshot is faithful,
 * altered, fabricated, selective (omitted messages or cropped context that
 * changes the meaning) or not found, line by line.
 *
 * How: every message gets a 256-bit signature of its character bigrams
 * (after folding: NFKC-like width and case, traditional → simplified,
 * punctuation and symbols dropped, OCR confusables such as 己/已/巳, 未/末,
 * 人/入, 0/O, 1/l/I made one).  The screenshot's lines look their bigrams
 * up in the signatures to find seed messages; around the best seeds a
 * monotonic alignment (dynamic programming) matches screenshot lines to
 * messages, allowing a long message wrapped over several screenshot lines,
 * lines that are absent from the log and messages the screenshot omits.
 */
#ifndef CA_VERIFY_H
#define CA_VERIFY_H

#include "buf.h"
#include "config.h"
#include "event.h"
#include "importer.h"

typedef enum {
    CA_VLINE_EXACT = 0,     /* the message as written (white space aside) */
    CA_VLINE_OCR_NOISE,     /* differs only by OCR noise: confusables, width, punctuation */
    CA_VLINE_ALTERED,       /* a real change of content (see the diff) */
    CA_VLINE_ABSENT,        /* no such message in the span */
    CA_VLINE_WRONG_SENDER   /* the message exists, said by someone else */
} ca_vline_status;

typedef enum {
    CA_VERDICT_FAITHFUL = 0,
    CA_VERDICT_ALTERED,
    CA_VERDICT_FABRICATED,
    CA_VERDICT_SELECTIVE,
    CA_VERDICT_NOT_FOUND
} ca_verdict;

/* One piece of a character diff between the log message and the
 * screenshot line. */
typedef enum { CA_VDIFF_EQUAL = 0, CA_VDIFF_DELETE, CA_VDIFF_INSERT } ca_vdiff_op;
typedef struct ca_vdiff {
    ca_vdiff_op op;   /* DELETE: in the log only; INSERT: in the screenshot only */
    char *text;       /* original characters of that side (owned) */
} ca_vdiff;

/* One chat bubble of the screenshot (one line, or several lines the phone
 * wrapped that together match one message). */
typedef struct ca_vline {
    long line, line_end;      /* 1-based lines of the screenshot file */
    char *sender;             /* the name as written, or NULL (owned) */
    char *text;               /* the content as written; wrapped lines joined by '\n' (owned) */
    char *time_text;          /* the phone time line above it, or NULL (owned) */
    ca_vline_status status;
    size_t match;             /* import index of the matched event, or (size_t)-1 */
    const char *match_who;    /* its sender as the log names them (borrowed), or NULL */
    double similarity;        /* 0..1 on folded text; 0 when absent */
    ca_vdiff *diff;           /* for altered / wrong-sender lines with a text change */
    size_t n_diff;
} ca_vline;

/* Context left out of the screenshot: a message inside the span it omits,
 * or one just before/after it that changes the meaning. */
typedef struct ca_vcontext {
    size_t event;             /* import index */
    const char *who;          /* its sender as the log names them (borrowed) */
    const char *position;     /* "inside", "before", "after" (static) */
    const char *reason;       /* "omitted", "recall", "correction", "question" (static) */
    int counts;               /* 1: it decides the verdict (0: media, shown only) */
    size_t after_line;        /* inside: the vline it comes after (index), or (size_t)-1 */
} ca_vcontext;

typedef struct ca_vresult {
    char *path;                         /* the screenshot file as named (owned) */
    char *group, *accused, *date;       /* header lines, or NULL (owned) */
    int64_t date_day;                   /* date: as days since 1970-01-01, or -1 */
    ca_verdict verdict;
    double confidence;                  /* 0..1 */
    const char *platform, *conv_id, *conv_name; /* matched conversation (borrowed from the import), or NULL */
    size_t span_first, span_last;       /* import indexes, (size_t)-1 when not found */
    size_t span_events;                 /* alignable events in the span */
    ca_vline *lines;
    size_t n_lines;
    ca_vcontext *context;               /* omitted and cropped, in event order */
    size_t n_context;
    char **evidence;                    /* sentences, in order (owned) */
    size_t n_evidence;
} ca_vresult;

typedef struct ca_verify ca_verify;

/*
 * Builds the signature index over every message and recall event of imp
 * (after ca_import_finish).  cfg and imp are borrowed and must outlive the
 * verifier.  Returns NULL on out of memory.  The verifier is read-only
 * afterwards: screenshots may be verified one after another.
 */
ca_verify *ca_verify_new(const ca_config *cfg, const ca_import *imp);
void ca_verify_free(ca_verify *v);

/*
 * Verifies one screenshot whose text is text[0..len) (UTF-8; path is only
 * its display name).  On success returns CA_OK with *out set (free it with
 * ca_vresult_free); CA_FAILED when the text holds no chat line (a message
 * in *err, static); CA_FATAL on out of memory.
 */
ca_status ca_verify_screenshot(const ca_verify *v, const char *path, const char *text, size_t len,
                               ca_vresult **out, const char **err);
void ca_vresult_free(ca_vresult *r);

const char *ca_verdict_name(ca_verdict v);
const char *ca_vline_status_name(ca_vline_status s);

/* The import's display text of an event as the verifier compares it (its
 * text, a link/file title, or a placeholder like "[图片]").  Static or
 * borrowed. */
const char *ca_verify_event_text(const ca_event *e);

/* Writes the result for a terminal / for machines (SPEC §8); times in the
 * zone tz_offset_min.  0 or -1 on out of memory. */
int ca_vresult_text(ca_buf *b, const ca_vresult *r, const ca_import *imp, int tz_offset_min);
int ca_vresult_json(ca_buf *b, const ca_vresult *r, const ca_import *imp, int tz_offset_min);
/* The self-contained HTML side-by-side page (reports/verify_html.c). */
int ca_vresult_html(ca_buf *b, const ca_vresult *r, const ca_import *imp, int tz_offset_min);

#endif
