/*
 * wxtext.h — what the WeChat JSON and text importers (chatlog-json,
 * weflow-json, chatlab-json, memotrace-json, memotrace-txt, weflow-txt,
 * wechatexporter-txt) share beyond wechat.h and jsonutil.h: reading a text
 * export line by line, the "YYYY-MM-DD HH:MM:SS" stamps of their headers,
 * the "[图片]"-style placeholders that stand for media, group events said in
 * plain text, and the line on which each record of a JSON array starts.
 */
#ifndef CA_PARSERS_WXTEXT_H
#define CA_PARSERS_WXTEXT_H

#include "../analyzer/format.h"
#include "jsonutil.h"
#include "wechat.h"

/* ------------------------------------------------------------- lines */

/* Iterates the lines of a text; a line excludes its LF and a CR before
 * it.  Line numbers are 1-based. */
typedef struct wt_lines {
    const char *p, *end;
    long line;          /* number of the line last returned */
} wt_lines;

void wt_lines_init(wt_lines *it, const char *text, size_t len);
/* The next line in *s / *n; 1, or 0 at the end of the text. */
int wt_lines_next(wt_lines *it, const char **s, size_t *n);

/* The first line of p[0..n), cut to 40 bytes at a character boundary,
 * as a NUL-terminated string in buf (for "found ..." in messages). */
const char *wt_excerpt(const char *p, size_t n, char *buf, size_t size);

/* 1 if s[0..n) holds only blanks (space, tab, CR) or nothing. */
int wt_blank(const char *s, size_t n);

/* 19 if s[0..n) starts with "YYYY-MM-DD HH:MM:SS" (digits in place), else
 * 0.  Only the shape is checked; ca_time_parse checks the date. */
size_t wt_stamp(const char *s, size_t n);

/* Sink copy of p[0..n) without the CR of each CR LF and without blank
 * lines at its end; NULL when nothing is left, or on out of memory (then
 * *oom is set). */
const char *wt_body(ca_sink *s, const char *p, size_t n, int *oom);

/*
 * Blocks of a text export whose messages start with a header line and are
 * separated by blank lines (MemoTrace, WeFlow TXT): a block starts at a
 * header line (is_header) that is the first line of the text or follows a
 * blank line, and runs to the next such line, so bodies may hold blank
 * lines and lines that look like headers after non-blank lines.
 */
typedef int (*wt_header_fn)(const char *line, size_t n);

typedef struct wt_block {
    long line;                 /* line number of the header (or stray text) */
    const char *head;          /* the header line; NULL for text found
                                * before the first header */
    size_t head_n;
    const char *body;          /* first to last non-blank line after the
                                * header (NULL when none); may hold CR LF */
    size_t body_n;
} wt_block;

typedef struct wt_blocks {
    wt_lines lines;
    wt_header_fn is_header;
    int prev_blank;
    int have_next;
    const char *next;
    size_t next_n;
    long next_line;
} wt_blocks;

void wt_blocks_init(wt_blocks *it, const char *text, size_t len, wt_header_fn is_header);
/* The next block in *b; 1, or 0 at the end. */
int wt_blocks_next(wt_blocks *it, wt_block *b);

/* For bids: the number of block headers in head, and whether its first
 * non-blank line is one. */
int wt_count_headers(const char *head, size_t n, wt_header_fn is_header, int *first_is_header);

/* ------------------------------------------------------- placeholders */

/*
 * The message type a body's leading placeholder stands for: "[图片]",
 * "[语音 0:05]", "【文件】…", "[链接]…" and the other words WeFlow,
 * WechatExporter and MemoTrace write for media.  Returns CA_TYPE_TEXT when
 * the body starts with none of them; *tok_len gets the placeholder's
 * length in bytes (0 for text).
 */
ca_type wt_placeholder_type(const char *body, size_t *tok_len);

/*
 * Title and URL of a card (link, file, mini program) from its rendered
 * text, unless already set: the rest of the first line after a leading
 * placeholder ("[链接]title", "[文件] name"), or a markdown "[title](url)";
 * the URL is the first http(s) URL of the text (not for files).
 */
void wt_card(ca_sink *s, const char *text, ca_event *ev);

/*
 * WeFlow's quote rendering "<reply>[引用 <sender>：<preview>]" (or
 * "[引用 <preview>]"): sets ev->text to the reply (NULL when empty) and,
 * unless already set, ev->quote_sender and ev->quote_text.  Returns 1 when
 * content had that shape, 0 when not (ev untouched), -1 on out of memory.
 */
int wt_weflow_quote(ca_sink *s, const char *content, ca_event *ev);

/* ------------------------------------------------------ system events */

/*
 * Whether text[0..n) is a group event in WeChat's wording (join, remove,
 * leave, rename, recall, owner change — wechat.md §3.4), told apart from
 * a chat message that merely talks about one only by matching the whole
 * line.  On a match fills ev through wx_parse_system and returns 1; 0
 * when it is not one (ev untouched); -1 on out of memory.
 */
int wt_system_event(ca_sink *s, long line, const char *text, size_t n, const wx_self *self,
                    ca_event *ev);

/*
 * chatlog renders template system messages with "nickname(wxid)"; splits
 * such a name in place into id and display name for the actor, targets and
 * sender of ev.  0, or -1 on out of memory.
 */
int wt_split_name_ids(ca_sink *s, ca_event *ev);

/* The type of a merged-record item from its datatype (wechat.md §3.2). */
ca_type wt_record_item_type(long datatype);

/*
 * The conversation of a file named by its group (pc_conv_from_path: the
 * "<digits>@chatroom" in the path, else the base name without extension
 * and suffixes) in *conv, and the base name in *conv_name when the
 * conversation is the chatroom id (else NULL).
 */
void wt_conv_from_path(ca_sink *s, const ca_entry *e, const char *const *suffixes,
                       const char **conv, const char **conv_name);

/* ---------------------------------------------------------- JSON */

/*
 * The line on which each element of a JSON array starts: the top-level
 * array when key is NULL, else the array that is the value of the
 * top-level object's member key.  Returns an array (ca_free it) of *count
 * line numbers in element order, or NULL with *count 0 (none found, or out
 * of memory).  The text must be valid JSON (parse it first).
 */
long *wt_json_elem_lines(const char *text, size_t len, const char *key, size_t *count);

/* First character of head that is not a blank, or '\0'. */
int wt_first_char(const char *head);
/* 1 if "key" followed by blanks and ':' occurs in head (a JSON member). */
int wt_json_has_key(const char *head, const char *key);

/* The name of a json-c type for messages ("an object", "a string" ...). */
const char *wt_json_type_name(json_object *o);

/* What the value at path is, for the "found ..." of a message: a string
 * in quotes (cut to 40 bytes at a character boundary), a number as
 * written, "nothing" when absent, else its type name.  Returns buf. */
const char *wt_found(json_object *o, const char *path, char *buf, size_t size);

/* 1 if the value at path is true, a non-zero number, or "true" / "1". */
int wt_json_true(json_object *o, const char *path);

/* Splits WeChat's combined local type (SubType << 32 | Type) in place:
 * a value above 2^32 - 1 becomes its low half, and its high half the
 * subtype. */
void wt_split_type(int64_t combined, long *type, long *subtype);

/* Sink copy of text with leading and trailing blanks removed, NULL if
 * nothing is left. */
const char *wt_trimmed(ca_sink *s, const char *p, size_t n);

#endif
