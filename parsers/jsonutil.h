/*
 * jsonutil.h — json-c helpers the JSON-based parsers share: whole
 * documents and JSON Lines with precise error locations, field access by
 * dotted path, ids kept as exact strings, and every time shape.
 */
#ifndef CA_PARSERS_JSONUTIL_H
#define CA_PARSERS_JSONUTIL_H

#include <json-c/json.h>
#include "../analyzer/format.h"

/*
 * Parses the whole entry as one JSON value (depth limit 64).  On success
 * returns CA_OK and *out (json_object_put it).  On a syntax error reports
 * "invalid JSON at line L, column C: <json-c's reason>; entry skipped"
 * through ca_sink_error and returns CA_FATAL.
 */
ca_status pj_parse_doc(const ca_entry *e, ca_sink *s, json_object **out);

/*
 * JSON Lines: calls fn for each non-blank line parsed as a JSON value, with
 * its 1-based line number.  A line that is not valid JSON is reported
 * ("invalid JSON: <reason>; line skipped") and counted as a record, and the
 * next line is read.  Returns CA_OK, or CA_FATAL if fn returned it.
 */
typedef ca_status (*pj_line_fn)(void *ud, ca_sink *s, long line, json_object *o);
ca_status pj_each_line(const ca_entry *e, ca_sink *s, pj_line_fn fn, void *ud);

/* The value at a dotted path ("msg.content", "a.b.c"), or NULL.  Borrowed. */
json_object *pj_get(json_object *o, const char *path);

/*
 * A field as a sink-owned string: strings as they are (NUL bytes replaced
 * and reported), integers as their exact decimal digits (64-bit ids never
 * pass through a double), booleans as "true"/"false"; NULL when absent,
 * null, empty, an object or an array.  line is for the report.
 */
const char *pj_str(ca_sink *s, long line, json_object *o, const char *path);
/* The same, interned (ids, names). */
const char *pj_istr(ca_sink *s, long line, json_object *o, const char *path);

/* An integer field (number or numeric string); def when absent or not a
 * number. */
int64_t pj_int(json_object *o, const char *path, int64_t def);

/*
 * A time field: a number (epoch seconds, or milliseconds when > 10^11) or
 * a string in any shape ca_time_parse accepts (zone-less times are company
 * time).  Returns 0 and *ms, or -1 (absent or not a time; nothing
 * reported — the caller says what it expected).
 */
int pj_time(ca_sink *s, json_object *o, const char *path, int64_t *ms);

#endif
