/*
 * format.h — the contract between the driver and the format parsers.
 *
 * A parser is a table entry (ca_format): a bid on the first bytes and the
 * entry name, and a parse function that turns one decoded entry into
 * events pushed into a sink.  Adding a format is adding a file and a line
 * to the table in parsers/formats.c.
 */
#ifndef CA_FORMAT_H
#define CA_FORMAT_H

#include "ca.h"
#include "event.h"
#include "config.h"

/* One input entry, decoded to UTF-8. */
typedef struct ca_entry {
    const char *path;     /* display path, e.g. "oct.zip!wechat/研发部.csv" */
    const char *name;     /* last path component */
    const char *text;     /* UTF-8, NUL-terminated, BOM removed */
    size_t len;
    const char *charset;  /* what it was decoded from */
} ca_entry;

typedef struct ca_sink ca_sink;

/* Strings and arrays for events: owned by the sink's store, valid for the
 * life of the import.  NULL on out of memory. */
const char *ca_sink_str(ca_sink *s, const char *p, size_t n);
const char *ca_sink_cstr(ca_sink *s, const char *p);       /* NULL → NULL */
const char *ca_sink_intern(ca_sink *s, const char *p, size_t n);
void *ca_sink_alloc(ca_sink *s, size_t n);                  /* zeroed */
/* Hands an event over; its strings must come from the sink (or be static).
 * The parser sets ev->src_line (the line or record number); the sink sets
 * ev->src_path to the entry's path; ev->platform defaults to the format's
 * platform.  Returns CA_OK or CA_FATAL (out of memory). */
ca_status ca_sink_emit(ca_sink *s, const ca_event *ev);
/* For parsers that learn who the exporting account is only part-way
 * through a file: ca_sink_mark returns a position in the events emitted so
 * far; ca_sink_patch_self then gives every event emitted since that mark
 * whose sender, actor or target is the placeholder "self" (the interned
 * string), or that is a message of the account (CA_EV_FROM_SELF) without a
 * sender, the account's id self_id.  No-op when self_id is NULL. */
size_t ca_sink_mark(const ca_sink *s);
void ca_sink_patch_self(ca_sink *s, size_t mark, const char *self_id);

/* Counts one record read from the entry (whether or not it made events). */
void ca_sink_record(ca_sink *s);
/* Reports a problem at a line of this entry: a warning (data kept) or an
 * error (record skipped).  The message says what was expected and found. */
void ca_sink_warn(ca_sink *s, long line, const char *fmt, ...) CA_PRINTF(3, 4);
void ca_sink_error(ca_sink *s, long line, const char *fmt, ...) CA_PRINTF(3, 4);
/* Marks the export as incomplete (e.g. DingTalk complete:false) with why. */
void ca_sink_incomplete(ca_sink *s, const char *why);
/* Company time zone, minutes east of UTC. */
int ca_sink_tz(const ca_sink *s);
const ca_config *ca_sink_config(const ca_sink *s);
/* The longest line/record a parser should accept, in bytes. */
size_t ca_sink_max_line(const ca_sink *s);

typedef struct ca_format {
    const char *name;        /* "memotrace-csv" */
    const char *platform;    /* "wechat" */
    const char *description; /* one line for `chataudit formats` */
    /* 0 = not mine; 100 = certain by content signature; names alone should
     * bid at most 30.  head is the decoded start of the entry (<= 4 KiB,
     * NUL-terminated, BOM removed). */
    int (*bid)(const char *head, size_t n, const char *name);
    /* Parses the whole entry.  Returns CA_OK (possibly after per-record
     * errors reported through the sink), or CA_FATAL when the entry could
     * not be read at all (the sink has the reason). */
    ca_status (*parse)(const ca_entry *e, ca_sink *s);
} ca_format;

/* The registry (parsers/formats.c). */
extern const ca_format *const ca_formats[];
extern const size_t ca_n_formats;
const ca_format *ca_format_by_name(const char *name);
/* What a format's events can show, as CA_EV_GROUP_NAMES / CA_EV_SHOWS_LEAVE
 * flags; the sink adds them to every event of the format. */
uint32_t ca_format_event_flags(const ca_format *f);
/* Highest bid wins; ties go to the earlier table entry.  NULL if all 0. */
const ca_format *ca_format_detect(const char *head, size_t n, const char *name,
                                  int *bid_out);

#endif
