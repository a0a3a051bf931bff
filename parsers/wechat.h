/*
 * wechat.h — what every WeChat export shares, whatever tool wrote it: the
 * Type/SubType codes, the XML payloads (type 49 appmsg, type 10002 sysmsg),
 * the plain-text system messages (type 10000) and @mentions.  Used by the
 * WeChat format parsers only.
 */
#ifndef CA_PARSERS_WECHAT_H
#define CA_PARSERS_WECHAT_H

#include "../analyzer/format.h"

/* Who "你" / "You" is in system messages of this export: the exporting
 * account.  Either field may be NULL when the export does not say.  In
 * events, self's id is id, else name, else the literal "self"; its name is
 * name, else the word as written ("你" / "You"). */
typedef struct wx_self {
    const char *id;    /* wxid of the exporting account */
    const char *name;  /* its display name */
} wx_self;

/* Maps a WeChat Type and SubType (appmsg type for 49) to an event type.
 * System types (10000, 10002) map to CA_TYPE_NONE. */
ca_type wx_type_from_code(long type, long subtype);

/*
 * Fills ev (kind message; type, text, title, url, reply_to, quote_sender,
 * quote_text, items, n_items) from a type-49 appmsg XML payload.  Strings
 * are allocated from the sink.  The caller presets ev->type (e.g. from
 * wx_type_from_code(49, SubType)).  A payload that is not well-formed XML,
 * or that carries a DTD / entity declarations (refused: no entity
 * expansion, no network), is reported through ca_sink_warn at line, and ev
 * keeps the preset type (CA_TYPE_NONE becomes other) with the raw text.
 * Returns CA_OK, CA_WARN (payload unreadable, ev filled as a fallback) or
 * CA_FATAL (out of memory).
 */
ca_status wx_parse_appmsg(const char *xml, size_t n, long line, ca_sink *s,
                          ca_event *ev);

/*
 * Fills ev from a system message, either plain text (type 10000, inline
 * markup like <revokemsg>, <a href>, CDATA stripped first) or sysmsg XML
 * (type 10002: revokemsg, sysmsgtemplate, pat, delchatroommember ...).
 * Recognises, in Chinese and English UI wording (wechat.md §3.4): invite,
 * QR-code join, remove, leave, rename, recall, owner change; "你"/"You"
 * becomes self.  Sets ev->kind (join, remove, leave, rename, recall, owner,
 * or notice for anything else), actor/actor_name, targets/target_names,
 * title (new group name), reply_to (recalled id when the XML carries it),
 * and ev->text to the rendered plain text.  ev->sender is left as the
 * caller set it except for recalls and leaves, where it becomes the person
 * who recalled or left.
 * Returns CA_OK, CA_WARN (bad XML; kind notice with the raw text) or
 * CA_FATAL (out of memory).
 */
ca_status wx_parse_system(const char *content, size_t n, const wx_self *self,
                          long line, ca_sink *s, ca_event *ev);

/*
 * Finds @mentions in text: "@" followed by a name ended by U+2005, U+3000,
 * a space, a tab, CR/LF or the end of the text (names may contain other
 * characters; "@所有人" / "@All" set CA_EV_MENTION_ALL instead of naming
 * someone).  An "@" preceded by [A-Za-z0-9._-] (an e-mail address) is not
 * a mention.  Names are kept once each, in order, at most 256.  Sets
 * ev->mentions / n_mentions (allocated from the sink).  0 or -1 on oom.
 */
int wx_find_mentions(const char *text, ca_sink *s, ca_event *ev);

/*
 * Removes inline markup from system text: CDATA wrappers, <revokemsg>,
 * <a href=...>...</a> (keeps the link text unless it is 重新编辑),
 * <img ...>, <_wc_custom_link_ ...>, and decodes &lt; &gt; &amp; &quot;
 * &apos;.  Returns a sink-owned string (NULL on oom).
 */
const char *wx_strip_markup(const char *s, size_t n, ca_sink *sink);

/* A strict, safe libxml2 read of a payload: no network, no DTD loading,
 * documents with <!DOCTYPE or <!ENTITY refused, depth limited.  Returns
 * the document (xmlFreeDoc it) or NULL with *why set to a static reason. */
struct _xmlDoc;
struct _xmlDoc *wx_xml_read(const char *xml, size_t n, const char **why);

#endif
