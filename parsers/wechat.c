/*
 * wechat.c — what every WeChat export shares: Type/SubType codes, the XML
 * payloads (type 49 appmsg, type 10002 sysmsg), the plain-text system
 * messages (type 10000) and @mentions.  See wechat.h and
 * shared/formats/wechat.md §3–§4.
 *
 * XML is read with libxml2 under a strict regime (wx_xml_read): no network,
 * no DTD loading, no entity expansion (documents declaring a DTD or entities
 * are refused before parsing), errors never printed, depth limited.  Every
 * string handed to an event comes from the sink.
 *
 * "你" / "You" in system messages is the exporting account (wx_self): its
 * id is self->id, else self->name, else the static "self"; its name is
 * self->name, else the word as written ("你" or "You").
 */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

#include "buf.h"
#include "timeparse.h"
#include "wechat.h"

/* Deepest element nesting accepted in a payload (real ones nest < 10). */
#define WX_XML_MAX_DEPTH 64
/* System texts longer than this are not matched against the wordings. */
#define WX_MATCH_MAX 2048
/* At most this many distinct @mentions are kept per message. */
#define WX_MAX_MENTIONS 256

/* ------------------------------------------------------------- reasons */

static const char WHY_EMPTY[] = "XML payload is empty";
static const char WHY_DTD[] =
    "XML payload declares a DTD or entities; refused (no entity expansion)";
static const char WHY_BIG[] = "XML payload is larger than 2 GiB; refused";
static const char WHY_DEPTH[] = "XML payload nests elements deeper than 64 levels; refused";
static const char WHY_OOM[] = "out of memory while reading an XML payload";
static const char WHY_BAD[] = "XML payload is not well-formed";
static const char WHY_TRUNC[] =
    "XML payload is not well-formed (an element is not closed: truncated?)";
static const char WHY_ENTITY[] =
    "XML payload is not well-formed (undeclared entity reference)";
static const char WHY_CHAR[] = "XML payload is not well-formed (invalid character)";
static const char WHY_TAGS[] =
    "XML payload is not well-formed (mismatched start and end tags)";
static const char WHY_EXTRA[] =
    "XML payload is not well-formed (content after the root element)";

/* ------------------------------------------------------ small helpers */

typedef struct wx_ctx {
    ca_sink *s;
    int oom;
} wx_ctx;

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **p, size_t *n)
{
    while (*n && is_blank((unsigned char)**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n && is_blank((unsigned char)(*p)[*n - 1]))
        (*n)--;
}

static const char *xstr(wx_ctx *c, const char *p, size_t n)
{
    const char *r = ca_sink_str(c->s, p, n);
    if (!r)
        c->oom = 1;
    return r;
}

static const char *xintern(wx_ctx *c, const char *p, size_t n)
{
    const char *r = ca_sink_intern(c->s, p, n);
    if (!r)
        c->oom = 1;
    return r;
}

/* Sink copy of a ca_buf's contents (NULL and c->oom on failure). */
static const char *xbuf(wx_ctx *c, ca_buf *b)
{
    if (b->oom) {
        c->oom = 1;
        return NULL;
    }
    return xstr(c, ca_buf_cstr(b), b->len);
}

static int bytes_eq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    return an == bn && memcmp(a, b, an) == 0;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Case-insensitive (ASCII) search for needle in p[0..n). */
static const char *find_ci(const char *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k == 0 || k > n)
        return k == 0 ? p : NULL;
    for (size_t i = 0; i + k <= n; i++) {
        size_t j = 0;
        while (j < k && ascii_lower((unsigned char)p[i + j]) ==
                            ascii_lower((unsigned char)needle[j]))
            j++;
        if (j == k)
            return p + i;
    }
    return NULL;
}

static int is_id_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '@';
}

/* Length of a leading "wxid_xxx:\n" (or ":\r\n") sender prefix, or 0. */
static size_t id_prefix_len(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && i <= 64 && is_id_char((unsigned char)p[i]))
        i++;
    if (i == 0 || i > 64 || i >= n || p[i] != ':')
        return 0;
    i++;
    if (i < n && p[i] == '\r')
        i++;
    if (i < n && p[i] == '\n')
        return i + 1;
    return 0;
}

/* Skips blanks and a sender prefix that is followed by markup ('<'). */
static void skip_xml_prefix(const char **p, size_t *n)
{
    trim(p, n);
    if (*n && **p != '<') {
        size_t k = id_prefix_len(*p, *n);
        if (k) {
            const char *q = *p + k;
            size_t m = *n - k;
            trim(&q, &m);
            if (m && *q == '<') {
                *p = q;
                *n = m;
            }
        }
    }
}

/* --------------------------------------------------------- type codes */

static ca_type appmsg_type(long sub)
{
    switch (sub) {
    case 1: case 53: case 87:        /* text-like, 接龙, group announcement */
        return CA_TYPE_TEXT;
    case 2: case 8:                  /* image, uploaded GIF */
        return CA_TYPE_IMAGE;
    case 3: case 4: case 5: case 76: case 92: /* music, video share, link */
        return CA_TYPE_LINK;
    case 6: case 74:                 /* file, file upload notice */
        return CA_TYPE_FILE;
    case 15:                         /* emotion */
        return CA_TYPE_STICKER;
    case 17:                         /* real-time location share */
        return CA_TYPE_LOCATION;
    case 19: case 40:                /* merged chat record, favourites */
        return CA_TYPE_RECORD;
    case 33: case 36:
        return CA_TYPE_MINIPROGRAM;
    case 57:
        return CA_TYPE_QUOTE;
    case 2000:
        return CA_TYPE_TRANSFER;
    case 2001: case 2003:
        return CA_TYPE_REDPACKET;
    default:                         /* 7, 16, 24, 50, 51, 62, 63, 88 ... */
        return CA_TYPE_OTHER;
    }
}

ca_type wx_type_from_code(long type, long subtype)
{
    switch (type) {
    case 1:
        return CA_TYPE_TEXT;
    case 3:
        return CA_TYPE_IMAGE;
    case 34:
        return CA_TYPE_VOICE;
    case 43: case 62:
        return CA_TYPE_VIDEO;
    case 47:
        return CA_TYPE_STICKER;
    case 48:
        return CA_TYPE_LOCATION;
    case 42: case 66:
        return CA_TYPE_CARD;
    case 50: case 52: case 53:
        return CA_TYPE_CALL;
    case 49:
        return appmsg_type(subtype);
    case 64: case 9999: case 10000: case 10002:
        return CA_TYPE_NONE;
    default:                         /* 35 mail, 37 verify, 40, 51 ... */
        return CA_TYPE_OTHER;
    }
}

/* ----------------------------------------------------------- XML read */

static pthread_once_t wx_xml_once = PTHREAD_ONCE_INIT;

static void wx_xml_init(void)
{
    xmlInitParser();
}

#if LIBXML_VERSION >= 21200
static void wx_xml_silent(void *ud, const xmlError *e)
#else
static void wx_xml_silent(void *ud, xmlErrorPtr e)
#endif
{
    (void)ud;
    (void)e;
}

static int too_deep(xmlNodePtr root)
{
    int depth = 1;
    xmlNodePtr n = root;
    while (n) {
        if (depth > WX_XML_MAX_DEPTH)
            return 1;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            depth++;
            continue;
        }
        while (n && !n->next && n != root) {
            n = n->parent;
            depth--;
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    return 0;
}

struct _xmlDoc *wx_xml_read(const char *xml, size_t n, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (!xml || n == 0) {
        *why = WHY_EMPTY;
        return NULL;
    }
    if (n > (size_t)INT_MAX) {
        *why = WHY_BIG;
        return NULL;
    }
    /* No DTD, no entities: refused before libxml2 sees them.  The check is
     * case-insensitive so no spelling slips through. */
    if (find_ci(xml, n, "<!DOCTYPE") || find_ci(xml, n, "<!ENTITY")) {
        *why = WHY_DTD;
        return NULL;
    }
    pthread_once(&wx_xml_once, wx_xml_init);

    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        *why = WHY_OOM;
        return NULL;
    }
    /* Errors go nowhere (per context, so thread-safe); the options below
     * also silence the plain error channels. */
    if (ctxt->sax)
        ctxt->sax->serror = wx_xml_silent;
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
               XML_PARSE_NOCDATA | XML_PARSE_IGNORE_ENC | XML_PARSE_COMPACT;
    /* Deliberately absent: XML_PARSE_NOENT, XML_PARSE_DTDLOAD,
     * XML_PARSE_DTDATTR, XML_PARSE_DTDVALID, XML_PARSE_XINCLUDE,
     * XML_PARSE_HUGE (keeps libxml2's own size and depth limits). */
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)n, NULL, "UTF-8", opts);
    if (!doc) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        int code = e ? e->code : 0;
        switch (code) {
        case XML_ERR_NO_MEMORY:
            *why = WHY_OOM;
            break;
        case XML_ERR_UNDECLARED_ENTITY:
        case XML_WAR_UNDECLARED_ENTITY:
        case XML_ERR_ENTITY_LOOP:
            *why = WHY_ENTITY;
            break;
        case XML_ERR_INVALID_CHAR:
        case XML_ERR_INVALID_ENCODING:
        case XML_ERR_INVALID_CHARREF:
            *why = WHY_CHAR;
            break;
        case XML_ERR_TAG_NAME_MISMATCH:
            *why = WHY_TAGS;
            break;
        case XML_ERR_DOCUMENT_END:
            *why = WHY_EXTRA;
            break;
        case XML_ERR_TAG_NOT_FINISHED:
        case XML_ERR_LTSLASH_REQUIRED:
        case XML_ERR_GT_REQUIRED:
            *why = WHY_TRUNC;
            break;
        default:
            *why = WHY_BAD;
            break;
        }
        xmlFreeParserCtxt(ctxt);
        return NULL;
    }
    xmlFreeParserCtxt(ctxt);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root) {
        xmlFreeDoc(doc);
        *why = WHY_BAD;
        return NULL;
    }
    if (doc->intSubset || doc->extSubset || too_deep(root)) {
        *why = doc->intSubset || doc->extSubset ? WHY_DTD : WHY_DEPTH;
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* --------------------------------------------------------- tree access */

static int name_is(xmlNodePtr n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr el_child(xmlNodePtr n, const char *name)
{
    if (!n)
        return NULL;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (name_is(c, name))
            return c;
    return NULL;
}

static xmlNodePtr el_next(xmlNodePtr n, const char *name)
{
    for (n = n ? n->next : NULL; n; n = n->next)
        if (name_is(n, name))
            return n;
    return NULL;
}

/* "a/b/c" below n. */
static xmlNodePtr el_path(xmlNodePtr n, const char *path)
{
    char part[64];
    while (n && *path) {
        const char *slash = strchr(path, '/');
        size_t k = slash ? (size_t)(slash - path) : strlen(path);
        if (k >= sizeof part)
            return NULL;
        memcpy(part, path, k);
        part[k] = 0;
        n = el_child(n, part);
        path += k + (slash ? 1 : 0);
    }
    return n;
}

/* First descendant element (document order) named name. */
static xmlNodePtr el_desc(xmlNodePtr root, const char *name)
{
    xmlNodePtr n = root ? root->children : NULL;
    while (n) {
        if (name_is(n, name))
            return n;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && !n->next) {
            n = n->parent;
            if (n == root)
                return NULL;
        }
        if (n)
            n = n->next;
    }
    return NULL;
}

/* Text content of n copied to the sink, blanks trimmed when trim_it; NULL
 * when n is NULL or the text is empty. */
static const char *ntext(wx_ctx *c, xmlNodePtr n, int trim_it)
{
    if (!n)
        return NULL;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return NULL;
    const char *p = (const char *)t;
    size_t k = strlen(p);
    if (trim_it)
        trim(&p, &k);
    const char *r = k ? xstr(c, p, k) : NULL;
    xmlFree(t);
    return r;
}

/* Attribute value (sink copy, trimmed) or NULL. */
static const char *nattr(wx_ctx *c, xmlNodePtr n, const char *name)
{
    if (!n)
        return NULL;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return NULL;
    const char *p = (const char *)v;
    size_t k = strlen(p);
    trim(&p, &k);
    const char *r = k ? xstr(c, p, k) : NULL;
    xmlFree(v);
    return r;
}

static int attr_is(xmlNodePtr n, const char *name, const char *value)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v)
        return 0;
    const char *p = (const char *)v;
    size_t k = strlen(p);
    trim(&p, &k);
    int r = bytes_eq(p, k, value);
    xmlFree(v);
    return r;
}

/* Integer text of n; def when absent or not a number. */
static long nlong(xmlNodePtr n, long def)
{
    if (!n)
        return def;
    xmlChar *t = xmlNodeGetContent(n);
    if (!t)
        return def;
    const char *p = (const char *)t;
    while (is_blank((unsigned char)*p))
        p++;
    char *end;
    long v = strtol(p, &end, 10);
    int ok = end != p;
    while (ok && is_blank((unsigned char)*end))
        end++;
    ok = ok && *end == 0;
    xmlFree(t);
    return ok ? v : def;
}

/* ------------------------------------------------------ strip markup */

static int tag_name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ':';
}

/*
 * If s[0..n) starts with a tag of the inline-markup family (a, img,
 * revokemsg, _wc_custom_link_; open, close or empty), returns its length
 * and sets *is_a_open; else 0.
 */
static size_t markup_tag(const char *s, size_t n, int *is_a_open)
{
    size_t i = 1;
    int closing = 0;
    *is_a_open = 0;
    if (i < n && s[i] == '/') {
        closing = 1;
        i++;
    }
    size_t name0 = i;
    while (i < n && tag_name_char((unsigned char)s[i]))
        i++;
    size_t nl = i - name0;
    if (nl == 0 || i >= n)
        return 0;
    if (!(s[i] == '>' || s[i] == '/' || is_blank((unsigned char)s[i])))
        return 0;
    const char *nm = s + name0;
    int known = 0, is_a = 0;
    if (nl == 1 && ascii_lower((unsigned char)nm[0]) == 'a')
        known = is_a = 1;
    else if (nl == 3 && find_ci(nm, 3, "img") == nm)
        known = 1;
    else if (nl >= 4 && find_ci(nm, 4, "revo") == nm)
        known = 1;
    else if (nl >= 7 && find_ci(nm, 7, "_wc_cus") == nm)
        known = 1;
    if (!known)
        return 0;
    char q = 0;
    for (; i < n; i++) {
        char ch = s[i];
        if (q) {
            if (ch == q)
                q = 0;
        } else if (ch == '"' || ch == '\'') {
            q = ch;
        } else if (ch == '>') {
            *is_a_open = is_a && !closing && s[i - 1] != '/';
            return i + 1;
        } else if (ch == '<') {
            return 0;
        }
    }
    return 0;
}

/* Decodes an entity at s[0..n) (s[0] == '&') into b; returns its length
 * or 0 when it is not one. */
static size_t put_entity(ca_buf *b, const char *s, size_t n)
{
    static const struct { const char *name; char ch; } named[] = {
        {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''},
    };
    for (size_t k = 0; k < CA_ARRAY_LEN(named); k++) {
        size_t l = strlen(named[k].name);
        if (l <= n && memcmp(s, named[k].name, l) == 0) {
            ca_buf_putc(b, named[k].ch);
            return l;
        }
    }
    if (n >= 4 && s[1] == '#') {
        size_t i = 2;
        int hex = 0;
        if (s[i] == 'x' || s[i] == 'X') {
            hex = 1;
            i++;
        }
        uint32_t cp = 0;
        size_t d0 = i;
        while (i < n && i - d0 < 8) {
            int ch = (unsigned char)s[i], v;
            if (ch >= '0' && ch <= '9')
                v = ch - '0';
            else if (hex && ch >= 'a' && ch <= 'f')
                v = ch - 'a' + 10;
            else if (hex && ch >= 'A' && ch <= 'F')
                v = ch - 'A' + 10;
            else
                break;
            cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
            i++;
        }
        if (i == d0 || i >= n || s[i] != ';')
            return 0;
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        ca_buf_put_utf8(b, cp);
        return i + 1;
    }
    return 0;
}

/* Appends the markup-free text of s[0..n) to b. */
static void strip_into(ca_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    int cdata = 0;
    static const char edit[] = "重新编辑";
    while (i < n) {
        char ch = s[i];
        if (ch == '<') {
            if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
                cdata++;
                i += 9;
                continue;
            }
            int a_open;
            size_t tl = markup_tag(s + i, n - i, &a_open);
            if (tl) {
                i += tl;
                if (a_open) {
                    /* <a ...>重新编辑</a> goes entirely. */
                    const char *close = find_ci(s + i, n - i, "</a>");
                    if (close) {
                        const char *in = s + i;
                        size_t il = (size_t)(close - in);
                        trim(&in, &il);
                        if (bytes_eq(in, il, edit))
                            i = (size_t)(close - s) + 4;
                    }
                }
                continue;
            }
        } else if (ch == ']' && cdata && n - i >= 3 && memcmp(s + i, "]]>", 3) == 0) {
            cdata--;
            i += 3;
            continue;
        } else if (ch == '&') {
            size_t el = put_entity(b, s + i, n - i);
            if (el) {
                i += el;
                continue;
            }
        }
        ca_buf_putc(b, ch);
        i++;
    }
}

const char *wx_strip_markup(const char *s, size_t n, ca_sink *sink)
{
    wx_ctx c = {sink, 0};
    ca_buf b;
    ca_buf_init(&b);
    if (s)
        strip_into(&b, s, n);
    const char *r = xbuf(&c, &b);
    ca_buf_free(&b);
    return r;
}

/* ----------------------------------------------------------- mentions */

/* Length of the name-ending separator at p (U+2005, U+3000, blanks), or 0. */
static size_t mention_end(const char *p, const char *e)
{
    unsigned char ch = (unsigned char)*p;
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r')
        return 1;
    if (e - p >= 3 && ch == 0xE2 && (unsigned char)p[1] == 0x80 &&
        (unsigned char)p[2] == 0x85)
        return 3;
    if (e - p >= 3 && ch == 0xE3 && (unsigned char)p[1] == 0x80 &&
        (unsigned char)p[2] == 0x80)
        return 3;
    return 0;
}

static int email_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int wx_find_mentions(const char *text, ca_sink *s, ca_event *ev)
{
    ev->mentions = NULL;
    ev->n_mentions = 0;
    if (!text)
        return 0;
    size_t len = strlen(text);
    const char *e = text + len;
    size_t cap = 0;
    for (const char *p = text; p < e; p++)
        if (*p == '@')
            cap++;
    if (cap == 0)
        return 0;
    if (cap > WX_MAX_MENTIONS)
        cap = WX_MAX_MENTIONS;
    const char **names = NULL;
    uint32_t n = 0;
    for (const char *p = text; p < e; p++) {
        if (*p != '@')
            continue;
        if (p > text && email_char((unsigned char)p[-1]))
            continue;
        const char *a = p + 1, *q = a;
        while (q < e && !mention_end(q, e))
            q++;
        size_t nl = (size_t)(q - a);
        if (nl == 0)
            continue;
        if (bytes_eq(a, nl, "所有人") || (nl == 3 && find_ci(a, 3, "all") == a)) {
            ev->flags |= CA_EV_MENTION_ALL;
            p = q - 1;
            continue;
        }
        int dup = 0;
        for (uint32_t k = 0; k < n && !dup; k++)
            dup = bytes_eq(a, nl, names[k]);
        if (!dup && n < cap) {
            if (!names) {
                names = ca_sink_alloc(s, cap * sizeof *names);
                if (!names)
                    return -1;
            }
            const char *nm = ca_sink_intern(s, a, nl);
            if (!nm)
                return -1;
            names[n++] = nm;
        }
        /* Continue after the name: an '@' inside a name is not a mention. */
        p = q - 1;
    }
    ev->mentions = names;
    ev->n_mentions = n;
    return 0;
}

/* ------------------------------------------------------------ people */

typedef struct wx_people {
    const char **ids;
    const char **names;
    uint32_t n, cap;
    int weak;  /* some entry known by name only */
} wx_people;

static void people_add(wx_ctx *c, wx_people *p, const char *id, const char *name)
{
    if (!id)
        return;
    for (uint32_t i = 0; i < p->n; i++)
        if (p->ids[i] == id)  /* interned */
            return;
    if (p->n == p->cap) {
        uint32_t nc = p->cap ? p->cap * 2 : 4;
        const char **ni = ca_sink_alloc(c->s, nc * sizeof *ni);
        const char **nn = ca_sink_alloc(c->s, nc * sizeof *nn);
        if (!ni || !nn) {
            c->oom = 1;
            return;
        }
        if (p->n) {
            memcpy(ni, p->ids, p->n * sizeof *ni);
            memcpy(nn, p->names, p->n * sizeof *nn);
        }
        p->ids = ni;
        p->names = nn;
        p->cap = nc;
    }
    p->ids[p->n] = id;
    p->names[p->n] = name ? name : id;
    p->n++;
}

static void people_add_self(wx_ctx *c, wx_people *p, const wx_self *self, int en)
{
    const char *id, *name;
    const char *sid = self ? self->id : NULL, *sname = self ? self->name : NULL;
    if (sid && *sid)
        id = xintern(c, sid, strlen(sid));
    else if (sname && *sname)
        id = xintern(c, sname, strlen(sname));
    else
        id = xintern(c, "self", 4);
    if (sname && *sname)
        name = xintern(c, sname, strlen(sname));
    else
        name = xintern(c, en ? "You" : "你", strlen(en ? "You" : "你"));
    people_add(c, p, id, name);
}

/* A link of a sysmsgtemplate's link_list named name[0..n), or NULL. */
static xmlNodePtr find_link(xmlNodePtr links, const char *name, size_t n)
{
    if (!links)
        return NULL;
    char buf[64];
    if (n >= sizeof buf)
        return NULL;
    memcpy(buf, name, n);
    buf[n] = 0;
    for (xmlNodePtr l = el_child(links, "link"); l; l = el_next(l, "link"))
        if (attr_is(l, "name", buf))
            return l;
    return NULL;
}

/* Adds a link's members (username as id, nickname as name). */
static int add_link_members(wx_ctx *c, wx_people *p, xmlNodePtr link)
{
    int added = 0;
    xmlNodePtr ml = el_child(link, "memberlist");
    for (xmlNodePtr m = el_child(ml, "member"); m; m = el_next(m, "member")) {
        const char *u = ntext(c, el_child(m, "username"), 1);
        const char *nk = ntext(c, el_child(m, "nickname"), 1);
        if (!u && !nk)
            continue;
        const char *id = u ? xintern(c, u, strlen(u)) : xintern(c, nk, strlen(nk));
        const char *nm = nk ? xintern(c, nk, strlen(nk)) : id;
        if (!u)
            p->weak = 1;
        people_add(c, p, id, nm);
        added++;
    }
    return added;
}

/* The username of the link member whose nickname is name, or NULL. */
static const char *member_id_by_nick(wx_ctx *c, xmlNodePtr links, const char *name, size_t n)
{
    if (!links)
        return NULL;
    for (xmlNodePtr l = el_child(links, "link"); l; l = el_next(l, "link")) {
        xmlNodePtr ml = el_child(l, "memberlist");
        for (xmlNodePtr m = el_child(ml, "member"); m; m = el_next(m, "member")) {
            xmlChar *nk = xmlNodeGetContent(el_child(m, "nickname"));
            if (!nk)
                continue;
            const char *q = (const char *)nk;
            size_t ql = strlen(q);
            trim(&q, &ql);
            int hit = ql == n && memcmp(q, name, n) == 0;
            xmlFree(nk);
            if (hit) {
                const char *u = ntext(c, el_child(m, "username"), 1);
                if (u)
                    return xintern(c, u, strlen(u));
            }
        }
    }
    return NULL;
}

static int is_placeholder(const char *p, size_t n)
{
    if (n < 3 || p[0] != '$' || p[n - 1] != '$')
        return 0;
    for (size_t i = 1; i + 1 < n; i++)
        if (!(isalnum((unsigned char)p[i]) || p[i] == '_'))
            return 0;
    return 1;
}

/* Strips one pair of surrounding quotes ("…" or “…”) and blanks. */
static void unquote(const char **p, size_t *n)
{
    trim(p, n);
    if (*n >= 2 && (*p)[0] == '"' && (*p)[*n - 1] == '"') {
        (*p)++;
        *n -= 2;
    } else if (*n >= 6 && memcmp(*p, "“", 3) == 0 && memcmp(*p + *n - 3, "”", 3) == 0) {
        *p += 3;
        *n -= 6;
    }
    trim(p, n);
}

/* One name of a wording: a template placeholder, "你"/"You", or a name. */
static void resolve_one(wx_ctx *c, wx_people *p, const char *a, size_t n,
                        xmlNodePtr links, const wx_self *self)
{
    unquote(&a, &n);
    if (n == 0)
        return;
    if (is_placeholder(a, n)) {
        /* A placeholder with no members names nobody: the caller then
         * falls back to the rendered text. */
        xmlNodePtr l = find_link(links, a + 1, n - 2);
        if (l)
            add_link_members(c, p, l);
        return;
    }
    if (bytes_eq(a, n, "你")) {
        people_add_self(c, p, self, 0);
        return;
    }
    if (bytes_eq(a, n, "You") || bytes_eq(a, n, "you")) {
        people_add_self(c, p, self, 1);
        return;
    }
    const char *id = member_id_by_nick(c, links, a, n);
    const char *nm = xintern(c, a, n);
    if (!id) {
        id = nm;
        p->weak = 1;
    }
    people_add(c, p, id, nm);
}

/* Finds the earliest separator of a name list at or after p. */
static const char *next_sep(const char *p, const char *e, int en, size_t *sl)
{
    for (const char *q = p; q < e; q++) {
        /* "B"、"C" and "B"和"C" inside one pair of pattern quotes */
        if (e - q >= 5 && (memcmp(q, "\"、\"", 5) == 0 || memcmp(q, "\"和\"", 5) == 0)) {
            *sl = 5;
            return q;
        }
        if (e - q >= 3 && memcmp(q, "、", 3) == 0) {
            *sl = 3;
            return q;
        }
        if (en && e - q >= 2 && q[0] == ',' && q[1] == ' ') {
            *sl = 2;
            return q;
        }
        if (en && e - q >= 5 && memcmp(q, " and ", 5) == 0) {
            *sl = 5;
            return q;
        }
    }
    return NULL;
}

/* A list of names: a single placeholder, quoted names ("A", "B"), or names
 * split on 、 (English: also ", " and " and "). */
static void resolve_list(wx_ctx *c, wx_people *p, const char *a, size_t n, int en,
                         xmlNodePtr links, const wx_self *self)
{
    trim(&a, &n);
    if (is_placeholder(a, n)) {
        resolve_one(c, p, a, n, links, self);
        return;
    }
    const char *e = a + n;
    if (en && n >= 2 && a[0] == '"' && memchr(a + 1, '"', n - 1)) {
        /* "A", "B" and "C": every quoted run is a name. */
        const char *q = a;
        while (q < e) {
            const char *o = memchr(q, '"', (size_t)(e - q));
            if (!o)
                break;
            const char *cl = memchr(o + 1, '"', (size_t)(e - o - 1));
            if (!cl)
                break;
            resolve_one(c, p, o + 1, (size_t)(cl - o - 1), links, self);
            q = cl + 1;
        }
        return;
    }
    const char *q = a;
    for (;;) {
        size_t sl = 0;
        const char *sep = next_sep(q, e, en, &sl);
        const char *end = sep ? sep : e;
        resolve_one(c, p, q, (size_t)(end - q), links, self);
        if (!sep)
            break;
        q = sep + sl;
    }
}

/* -------------------------------------------------------- wordings */

enum { F_ASELF = 1, F_TSELF = 2, F_EN = 4 };

typedef struct wx_wording {
    ca_kind kind;
    const char *pat;    /* "{}" captures a non-empty run */
    const char *roles;  /* per capture: A actor, T targets, L both, N title, X skip */
    unsigned flags;
} wx_wording;

/* Order matters: the first match wins (wechat.md §3.4). */
static const wx_wording wx_wordings[] = {
    /* Chinese UI */
    {CA_KIND_JOIN, "你邀请\"{}\"加入了群聊", "T", F_ASELF},
    {CA_KIND_JOIN, "\"{}\"邀请你和\"{}\"加入了群聊", "AT", F_TSELF},
    {CA_KIND_JOIN, "\"{}\"邀请你加入了群聊，群聊参与人还有：{}", "AX", F_TSELF},
    {CA_KIND_JOIN, "\"{}\"邀请你加入了群聊", "A", F_TSELF},
    {CA_KIND_JOIN, "\"{}\"邀请\"{}\"加入了群聊", "AT", 0},
    {CA_KIND_JOIN, "你通过扫描\"{}\"分享的二维码加入群聊", "A", F_TSELF},
    {CA_KIND_JOIN, "\"{}\"通过扫描你分享的二维码加入群聊", "T", F_ASELF},
    {CA_KIND_JOIN, "\"{}\"通过扫描\"{}\"分享的二维码加入群聊", "TA", 0},
    {CA_KIND_REMOVE, "你将\"{}\"移出了群聊", "T", F_ASELF},
    {CA_KIND_REMOVE, "你被\"{}\"移出群聊", "A", F_TSELF},
    {CA_KIND_REMOVE, "\"{}\"将\"{}\"移出了群聊", "AT", 0},
    {CA_KIND_RENAME, "你修改群名为“{}”", "N", F_ASELF},
    {CA_KIND_RENAME, "\"{}\"修改群名为“{}”", "AN", 0},
    {CA_KIND_RENAME, "你修改群名为\"{}\"", "N", F_ASELF},
    {CA_KIND_RENAME, "\"{}\"修改群名为\"{}\"", "AN", 0},
    {CA_KIND_RECALL, "你撤回了一条消息", "", F_ASELF},
    {CA_KIND_RECALL, "\"{}\" 撤回了一条消息", "A", 0},
    {CA_KIND_RECALL, "\"{}\"撤回了一条消息", "A", 0},
    {CA_KIND_OWNER, "你已成为新群主", "", F_TSELF},
    {CA_KIND_OWNER, "\"{}\"已成为新群主", "T", 0},
    {CA_KIND_LEAVE, "你退出了群聊", "", F_ASELF | F_TSELF},
    {CA_KIND_LEAVE, "\"{}\"退出了群聊", "L", 0},
    {CA_KIND_LEAVE, "{}退出了群聊", "L", 0},
    /* English UI (ASCII letters compared without case) */
    {CA_KIND_JOIN, "You invited {} to the group chat", "T", F_ASELF | F_EN},
    {CA_KIND_JOIN, "\"{}\" invited you and {} to the group chat", "AT", F_TSELF | F_EN},
    {CA_KIND_JOIN, "\"{}\" invited you to a group chat with {}", "AX", F_TSELF | F_EN},
    {CA_KIND_JOIN, "\"{}\" invited you to the group chat", "A", F_TSELF | F_EN},
    {CA_KIND_JOIN, "\"{}\" invited {} to the group chat", "AT", F_EN},
    {CA_KIND_JOIN, "You joined the group chat via the QR Code shared by {}", "A",
     F_TSELF | F_EN},
    {CA_KIND_JOIN, "\"{}\" joined the group chat via the QR Code shared by you", "T",
     F_ASELF | F_EN},
    {CA_KIND_JOIN, "\"{}\" joined the group chat via the QR Code shared by {}", "TA", F_EN},
    {CA_KIND_REMOVE, "You removed {} from the group chat", "T", F_ASELF | F_EN},
    {CA_KIND_REMOVE, "You were removed from the group chat by {}", "A", F_TSELF | F_EN},
    {CA_KIND_REMOVE, "\"{}\" removed {} from the group chat", "AT", F_EN},
    {CA_KIND_RENAME, "You changed the group name to \"{}\"", "N", F_ASELF | F_EN},
    {CA_KIND_RENAME, "\"{}\" changed the group name to \"{}\"", "AN", F_EN},
    {CA_KIND_RECALL, "You recalled a message", "", F_ASELF | F_EN},
    {CA_KIND_RECALL, "You have recalled a message", "", F_ASELF | F_EN},
    {CA_KIND_RECALL, "You've recalled a message", "", F_ASELF | F_EN},
    {CA_KIND_RECALL, "\"{}\" has recalled a message", "A", F_EN},
    {CA_KIND_RECALL, "\"{}\" recalled a message", "A", F_EN},
    {CA_KIND_OWNER, "You are now the group owner", "", F_TSELF | F_EN},
    {CA_KIND_OWNER, "\"{}\" is now the group owner", "T", F_EN},
    {CA_KIND_LEAVE, "\"{}\" left the group chat", "L", F_EN},
};

typedef struct wx_span {
    const char *p;
    size_t n;
} wx_span;

/* Anchored match of pattern pat against t[0..te); captures lazy. */
static int wmatch(const char *pat, const char *t, const char *te, wx_span *caps, int ncap)
{
    while (*pat) {
        if (pat[0] == '{' && pat[1] == '}') {
            if (ncap >= 2)
                return 0;
            for (const char *e = t + 1; e <= te; e++) {
                if (e < te && ((unsigned char)*e & 0xC0) == 0x80)
                    continue;
                caps[ncap].p = t;
                caps[ncap].n = (size_t)(e - t);
                if (wmatch(pat + 2, e, te, caps, ncap + 1))
                    return 1;
            }
            return 0;
        }
        if (t >= te || ascii_lower((unsigned char)*pat) != ascii_lower((unsigned char)*t))
            return 0;
        pat++;
        t++;
    }
    return t == te;
}

/*
 * Recognises a system wording in text[0..n) and fills ev.  links is the
 * link_list of a sysmsgtemplate when text is its template ("$var$" names
 * its members), else NULL.  Returns 1 on a match, 0 otherwise.
 */
static int wx_classify(wx_ctx *c, const char *text, size_t n, xmlNodePtr links,
                       const wx_self *self, ca_event *ev)
{
    static const char edit[] = "重新编辑";  /* left by exporters stripping only tags */
    trim(&text, &n);
    if (n >= sizeof edit - 1 && memcmp(text + n - (sizeof edit - 1), edit, sizeof edit - 1) == 0)
        n -= sizeof edit - 1;
    trim(&text, &n);
    if (n && text[n - 1] == '.')
        n--;
    trim(&text, &n);
    if (n == 0 || n > WX_MATCH_MAX)
        return 0;
    const char *te = text + n;
    for (size_t w = 0; w < CA_ARRAY_LEN(wx_wordings); w++) {
        const wx_wording *wd = &wx_wordings[w];
        wx_span caps[2] = {{NULL, 0}, {NULL, 0}};
        if (!wmatch(wd->pat, text, te, caps, 0))
            continue;
        int en = (wd->flags & F_EN) != 0;
        wx_people actor = {0}, targets = {0};
        const char *title = NULL;
        int bad = 0;
        if (wd->flags & F_ASELF)
            people_add_self(c, &actor, self, en);
        if (wd->flags & F_TSELF)
            people_add_self(c, &targets, self, en);
        for (size_t r = 0; r < 2 && wd->roles[r]; r++) {
            const char *a = caps[r].p;
            size_t an = caps[r].n;
            trim(&a, &an);
            if (an == 0) {
                bad = 1;
                break;
            }
            switch (wd->roles[r]) {
            case 'A':
                resolve_one(c, &actor, a, an, links, self);
                break;
            case 'T':
                resolve_list(c, &targets, a, an, en, links, self);
                break;
            case 'L':
                resolve_one(c, &actor, a, an, links, self);
                resolve_one(c, &targets, a, an, links, self);
                break;
            case 'N':
                title = xstr(c, a, an);
                break;
            default:
                break;
            }
        }
        if (bad || c->oom)
            continue;
        if (strchr(wd->roles, 'A') && actor.n == 0)
            continue;
        if (strchr(wd->roles, 'T') && targets.n == 0)
            continue;
        ev->kind = wd->kind;
        if (actor.n) {
            ev->actor = actor.ids[0];
            ev->actor_name = actor.names[0];
        }
        if (targets.n) {
            ev->targets = targets.ids;
            ev->target_names = targets.names;
            ev->n_targets = targets.n;
        }
        if (title)
            ev->title = title;
        /* A recall and a leave are the acts of one person: the sender. */
        if ((wd->kind == CA_KIND_RECALL || wd->kind == CA_KIND_LEAVE) && actor.n) {
            ev->sender = actor.ids[0];
            ev->sender_name = actor.names[0];
            if (wd->flags & F_ASELF) {
                ev->flags |= CA_EV_FROM_SELF;
                ev->flags &= ~CA_EV_SENDER_WEAK;
            } else if (actor.weak) {
                ev->flags |= CA_EV_SENDER_WEAK;
            } else {
                ev->flags &= ~CA_EV_SENDER_WEAK;
            }
        }
        return 1;
    }
    return 0;
}

/* ----------------------------------------------------------- system */

static void clear_system_fields(ca_event *ev)
{
    ev->kind = CA_KIND_NOTICE;
    ev->type = CA_TYPE_NONE;
    ev->actor = ev->actor_name = NULL;
    ev->targets = ev->target_names = NULL;
    ev->n_targets = 0;
    ev->title = NULL;
}

/* Cleaned, trimmed text of s[0..n) (markup stripped), sink-owned. */
static const char *clean_text(wx_ctx *c, const char *s, size_t n)
{
    ca_buf b;
    ca_buf_init(&b);
    strip_into(&b, s, n);
    const char *p = ca_buf_cstr(&b);
    size_t k = b.len;
    trim(&p, &k);
    const char *r = NULL;
    if (b.oom)
        c->oom = 1;
    else
        r = xstr(c, p, k);
    ca_buf_free(&b);
    return r;
}

/* Renders a sysmsgtemplate template: $name$ → the link's member nicknames
 * joined by its separator (default 、), $revoke$ dropped; a link without
 * members renders as its title (or nothing). */
static void render_template(wx_ctx *c, ca_buf *b, const char *t, size_t n, xmlNodePtr links)
{
    size_t i = 0;
    while (i < n) {
        if (t[i] == '$') {
            size_t j = i + 1;
            while (j < n && j - i <= 64 && (isalnum((unsigned char)t[j]) || t[j] == '_'))
                j++;
            if (j < n && t[j] == '$' && j > i + 1) {
                const char *nm = t + i + 1;
                size_t nl = j - i - 1;
                if (bytes_eq(nm, nl, "revoke")) {
                    i = j + 1;
                    continue;
                }
                xmlNodePtr l = find_link(links, nm, nl);
                if (l) {
                    const char *sep = ntext(c, el_child(l, "separator"), 0);
                    if (!sep)
                        sep = "、";
                    int k = 0;
                    xmlNodePtr ml = el_child(l, "memberlist");
                    for (xmlNodePtr m = el_child(ml, "member"); m; m = el_next(m, "member")) {
                        const char *nk = ntext(c, el_child(m, "nickname"), 1);
                        if (!nk)
                            nk = ntext(c, el_child(m, "username"), 1);
                        if (!nk)
                            continue;
                        if (k++)
                            ca_buf_puts(b, sep);
                        ca_buf_puts(b, nk);
                    }
                    if (k == 0) {
                        const char *tt = ntext(c, el_child(l, "title"), 1);
                        if (!tt)
                            tt = ntext(c, el_child(l, "plain"), 1);
                        if (tt)
                            ca_buf_puts(b, tt);
                    }
                    i = j + 1;
                    continue;
                }
            }
        }
        ca_buf_putc(b, t[i]);
        i++;
    }
}

/* Drops $revoke$ from a template (for matching against the wordings). */
static void template_skeleton(ca_buf *b, const char *t, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (n - i >= 8 && memcmp(t + i, "$revoke$", 8) == 0) {
            i += 8;
            continue;
        }
        ca_buf_putc(b, t[i++]);
    }
}

static ca_status sys_template(wx_ctx *c, xmlNodePtr ct, const wx_self *self, ca_event *ev)
{
    xmlNodePtr links = el_child(ct, "link_list");
    const char *tmpl = ntext(c, el_child(ct, "template"), 0);
    if (!tmpl) {
        const char *plain = ntext(c, el_child(ct, "plain"), 1);
        if (plain) {
            ev->text = clean_text(c, plain, strlen(plain));
            if (ev->text)
                wx_classify(c, ev->text, strlen(ev->text), NULL, self, ev);
        }
        return c->oom ? CA_FATAL : CA_OK;
    }
    ca_buf b;
    ca_buf_init(&b);
    render_template(c, &b, tmpl, strlen(tmpl), links);
    const char *rendered = xbuf(c, &b);
    ca_buf_reset(&b);
    if (rendered)
        ev->text = clean_text(c, rendered, strlen(rendered));
    template_skeleton(&b, tmpl, strlen(tmpl));
    const char *skel = xbuf(c, &b);
    ca_buf_free(&b);
    if (c->oom)
        return CA_FATAL;
    if (!wx_classify(c, skel, strlen(skel), links, self, ev) && ev->text)
        wx_classify(c, ev->text, strlen(ev->text), links, self, ev);
    return c->oom ? CA_FATAL : CA_OK;
}

/* pat template: "${wxid}" → wxid. */
static const char *render_pat(wx_ctx *c, const char *t)
{
    ca_buf b;
    ca_buf_init(&b);
    size_t n = strlen(t);
    for (size_t i = 0; i < n;) {
        if (t[i] == '$' && i + 1 < n && t[i + 1] == '{') {
            const char *cl = memchr(t + i + 2, '}', n - i - 2);
            if (cl) {
                ca_buf_put(&b, t + i + 2, (size_t)(cl - (t + i + 2)));
                i = (size_t)(cl - t) + 1;
                continue;
            }
        }
        ca_buf_putc(&b, t[i++]);
    }
    const char *r = NULL;
    if (b.oom)
        c->oom = 1;
    else
        r = clean_text(c, ca_buf_cstr(&b), b.len);
    ca_buf_free(&b);
    return r;
}

static void set_single_target(wx_ctx *c, ca_event *ev, const char *id)
{
    wx_people p = {0};
    people_add(c, &p, xintern(c, id, strlen(id)), NULL);
    if (p.n) {
        ev->targets = p.ids;
        ev->target_names = p.names;
        ev->n_targets = p.n;
    }
}

static ca_status sys_xml(wx_ctx *c, xmlNodePtr root, const wx_self *self, ca_event *ev)
{
    if (attr_is(root, "type", "revokemsg") || (el_child(root, "revokemsg") &&
                                               !el_child(root, "sysmsgtemplate"))) {
        xmlNodePtr rv = el_child(root, "revokemsg");
        const char *rep = ntext(c, el_child(rv, "replacemsg"), 0);
        if (rep) {
            ev->text = clean_text(c, rep, strlen(rep));
            if (ev->text)
                wx_classify(c, ev->text, strlen(ev->text), NULL, self, ev);
        }
        ev->kind = CA_KIND_RECALL;
        const char *id = ntext(c, el_child(rv, "newmsgid"), 1);
        if (!id || bytes_eq(id, strlen(id), "0"))
            id = ntext(c, el_child(rv, "msgid"), 1);
        if (id)
            ev->reply_to = id;
        return c->oom ? CA_FATAL : CA_OK;
    }
    if (attr_is(root, "type", "pat")) {
        xmlNodePtr pat = el_child(root, "pat");
        const char *from = ntext(c, el_child(pat, "fromusername"), 1);
        const char *patted = ntext(c, el_child(pat, "pattedusername"), 1);
        const char *tmpl = ntext(c, el_child(pat, "template"), 0);
        ev->kind = CA_KIND_NOTICE;
        if (tmpl)
            ev->text = render_pat(c, tmpl);
        if (from) {
            ev->actor = xintern(c, from, strlen(from));
            ev->actor_name = NULL;
        }
        if (patted)
            set_single_target(c, ev, patted);
        return c->oom ? CA_FATAL : CA_OK;
    }
    if (attr_is(root, "type", "delchatroommember") || el_child(root, "delchatroommember")) {
        xmlNodePtr d = el_child(root, "delchatroommember");
        if (!d)
            d = root;
        const char *plain = ntext(c, el_child(d, "plain"), 1);
        if (!plain)
            plain = ntext(c, el_child(d, "text"), 1);
        if (plain) {
            ev->text = clean_text(c, plain, strlen(plain));
            if (ev->text)
                wx_classify(c, ev->text, strlen(ev->text), NULL, self, ev);
        }
        ev->kind = CA_KIND_REMOVE;
        /* The removed members' ids. */
        wx_people ids = {0};
        xmlNodePtr ml = el_desc(d, "memberlist");
        for (xmlNodePtr u = el_child(ml, "username"); u; u = el_next(u, "username")) {
            const char *id = ntext(c, u, 1);
            if (id)
                people_add(c, &ids, xintern(c, id, strlen(id)), NULL);
        }
        if (ids.n && ids.n == ev->n_targets) {
            for (uint32_t i = 0; i < ids.n; i++)
                ids.names[i] = ev->target_names[i];
            ev->targets = ids.ids;
            ev->target_names = ids.names;
        } else if (ids.n && ev->n_targets == 0) {
            ev->targets = ids.ids;
            ev->target_names = ids.names;
            ev->n_targets = ids.n;
        }
        return c->oom ? CA_FATAL : CA_OK;
    }
    xmlNodePtr ct = el_desc(root, "content_template");
    if (ct)
        return sys_template(c, ct, self, ev);
    /* Anything else: the first non-empty text among the usual elements. */
    static const char *const fields[] = {"plain", "content", "text", "replacemsg", "title"};
    const char *t = NULL;
    for (size_t i = 0; i < CA_ARRAY_LEN(fields) && !t; i++)
        t = ntext(c, el_desc(root, fields[i]), 1);
    if (!t)
        t = ntext(c, root, 1);
    if (t) {
        ev->text = clean_text(c, t, strlen(t));
        if (ev->text)
            wx_classify(c, ev->text, strlen(ev->text), NULL, self, ev);
    }
    return c->oom ? CA_FATAL : CA_OK;
}

ca_status wx_parse_system(const char *content, size_t n, const wx_self *self,
                          long line, ca_sink *s, ca_event *ev)
{
    wx_ctx c = {s, 0};
    clear_system_fields(ev);
    ev->text = NULL;
    if (!content)
        return CA_OK;
    const char *p = content;
    size_t m = n;
    skip_xml_prefix(&p, &m);
    int is_xml = (m >= 7 && memcmp(p, "<sysmsg", 7) == 0 &&
                  (m == 7 || p[7] == '>' || p[7] == '/' || is_blank((unsigned char)p[7]))) ||
                 (m >= 5 && memcmp(p, "<?xml", 5) == 0);
    if (!is_xml) {
        ev->text = clean_text(&c, content, n);
        if (ev->text)
            wx_classify(&c, ev->text, strlen(ev->text), NULL, self, ev);
        return c.oom ? CA_FATAL : CA_OK;
    }
    const char *why = NULL;
    xmlDocPtr doc = wx_xml_read(p, m, &why);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!doc || !name_is(root, "sysmsg")) {
        if (why == WHY_OOM) {
            xmlFreeDoc(doc);
            return CA_FATAL;
        }
        if (doc)
            ca_sink_warn(s, line,
                         "type-10002 system message: expected a <sysmsg> root element, "
                         "found <%.40s>; kept as a notice with the raw text",
                         (const char *)root->name);
        else
            ca_sink_warn(s, line,
                         "type-10002 system message: %s; kept as a notice with the raw text",
                         why);
        xmlFreeDoc(doc);
        ev->text = xstr(&c, content, n);
        return c.oom ? CA_FATAL : CA_WARN;
    }
    ca_status st = sys_xml(&c, root, self, ev);
    xmlFreeDoc(doc);
    if (ev->kind != CA_KIND_MESSAGE)
        ev->type = CA_TYPE_NONE;
    return c.oom ? CA_FATAL : st;
}

/* ----------------------------------------------------------- appmsg */

/* Reads up to maxd digits at *p into *v; 0, or -1 when there is none. */
static int read_num(const char **p, int maxd, int *v)
{
    int x = 0, d = 0;
    while (d < maxd && **p >= '0' && **p <= '9') {
        x = x * 10 + (**p - '0');
        (*p)++;
        d++;
    }
    *v = x;
    return d ? 0 : -1;
}

/* "YYYY-M-D H:MM[:SS]" (also '/' and 'T') as local time in zone tz
 * (minutes east of UTC) → epoch ms.  0, or -1 when s is not such a time. */
static int local_time(const char *s, int tz, int64_t *out)
{
    int y, mo, d, h, mi, se = 0;
    const char *p = s;
    while (is_blank((unsigned char)*p))
        p++;
    if (read_num(&p, 4, &y) || (*p != '-' && *p != '/'))
        return -1;
    char ds = *p++;
    if (read_num(&p, 2, &mo) || *p++ != ds || read_num(&p, 2, &d))
        return -1;
    if (*p != 'T' && !is_blank((unsigned char)*p))
        return -1;
    while (*p == 'T' || is_blank((unsigned char)*p))
        p++;
    if (read_num(&p, 2, &h) || *p++ != ':' || read_num(&p, 2, &mi))
        return -1;
    if (*p == ':') {
        p++;
        if (read_num(&p, 2, &se))
            return -1;
    }
    while (is_blank((unsigned char)*p))
        p++;
    if (*p)
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return -1;
    int64_t days = ca_days_from_civil(y, mo, d);
    *out = (days * 86400 + (int64_t)h * 3600 + mi * 60 + se - (int64_t)tz * 60) * 1000;
    return 0;
}

static ca_type record_item_type(long dt)
{
    switch (dt) {
    case 1: return CA_TYPE_TEXT;
    case 2: return CA_TYPE_IMAGE;
    case 3: return CA_TYPE_VOICE;
    case 4: return CA_TYPE_VIDEO;
    case 5: return CA_TYPE_LINK;
    case 6: return CA_TYPE_LOCATION;
    case 7: return CA_TYPE_LINK;        /* music */
    case 8: return CA_TYPE_FILE;
    case 16: return CA_TYPE_CARD;
    case 17: return CA_TYPE_RECORD;
    case 19: return CA_TYPE_MINIPROGRAM;
    default: return CA_TYPE_OTHER;      /* 22 channels, 26 channel card ... */
    }
}

/* Fills ev->items from the <recordinfo> in a recorditem. */
static ca_status parse_record(wx_ctx *c, xmlNodePtr appmsg, long line, ca_event *ev)
{
    xmlNodePtr ri = el_child(appmsg, "recorditem");
    if (!ri)
        return CA_OK;
    xmlChar *inner = xmlNodeGetContent(ri);
    if (!inner)
        return CA_OK;
    const char *p = (const char *)inner;
    size_t n = strlen(p);
    trim(&p, &n);
    if (n == 0) {
        xmlFree(inner);
        return CA_OK;
    }
    const char *why = NULL;
    xmlDocPtr doc = wx_xml_read(p, n, &why);
    xmlFree(inner);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!doc || !name_is(root, "recordinfo")) {
        if (why == WHY_OOM) {
            xmlFreeDoc(doc);
            return CA_FATAL;
        }
        if (doc)
            ca_sink_warn(c->s, line,
                         "merged chat record: expected <recordinfo> in <recorditem>, "
                         "found <%.40s>; items not read", (const char *)root->name);
        else
            ca_sink_warn(c->s, line,
                         "merged chat record: <recorditem> %s; items not read", why);
        xmlFreeDoc(doc);
        return CA_WARN;
    }
    xmlNodePtr dl = el_child(root, "datalist");
    size_t cnt = 0;
    for (xmlNodePtr it = el_child(dl, "dataitem"); it; it = el_next(it, "dataitem"))
        cnt++;
    if (cnt) {
        ca_record_item *items = ca_sink_alloc(c->s, cnt * sizeof *items);
        if (!items) {
            xmlFreeDoc(doc);
            return CA_FATAL;
        }
        int tz = ca_sink_tz(c->s);
        size_t i = 0;
        for (xmlNodePtr it = el_child(dl, "dataitem"); it; it = el_next(it, "dataitem"), i++) {
            ca_record_item *ri_ = &items[i];
            const char *nm = ntext(c, el_child(it, "sourcename"), 1);
            ri_->sender_name = nm ? xintern(c, nm, strlen(nm)) : NULL;
            ri_->time_text = ntext(c, el_child(it, "sourcetime"), 1);
            long dt = 0;
            const char *dts = nattr(c, it, "datatype");
            if (dts) {
                char *end;
                dt = strtol(dts, &end, 10);
                if (*end)
                    dt = 0;
            }
            ri_->type = record_item_type(dt);
            ri_->text = ntext(c, el_child(it, "datadesc"), 1);
            if (!ri_->text)
                ri_->text = ntext(c, el_child(it, "datatitle"), 1);
            long epoch = nlong(el_child(it, "srcMsgCreateTime"), 0);
            if (epoch > 0)
                ri_->time_ms = (int64_t)epoch * 1000;
            else if (ri_->time_text && local_time(ri_->time_text, tz, &ri_->time_ms) != 0)
                ri_->time_ms = 0;
        }
        ev->items = items;
        ev->n_items = (uint32_t)cnt;
    }
    xmlFreeDoc(doc);
    return c->oom ? CA_FATAL : CA_OK;
}

/* Removes a "sender:\n" prefix of quoted content when it names the quoted
 * sender (or looks like a wxid). */
static void strip_quote_prefix(const char **p, size_t *n, const char *chatusr,
                               const char *fromusr)
{
    size_t k = id_prefix_len(*p, *n);
    if (!k)
        return;
    size_t idl = k - 1;
    while (idl && ((*p)[idl] == '\n' || (*p)[idl] == '\r' || (*p)[idl] == ':'))
        idl--;
    idl++;
    int ok = (chatusr && bytes_eq(*p, idl, chatusr)) ||
             (fromusr && bytes_eq(*p, idl, fromusr)) ||
             (idl > 5 && memcmp(*p, "wxid_", 5) == 0);
    if (ok) {
        *p += k;
        *n -= k;
    }
}

static void parse_quote(wx_ctx *c, xmlNodePtr appmsg, const char *title, ca_event *ev)
{
    xmlNodePtr rm = el_child(appmsg, "refermsg");
    ev->text = title;
    if (!rm)
        return;
    const char *svrid = ntext(c, el_child(rm, "svrid"), 1);
    if (svrid && !bytes_eq(svrid, strlen(svrid), "0"))
        ev->reply_to = svrid;
    const char *chatusr = ntext(c, el_child(rm, "chatusr"), 1);
    const char *fromusr = ntext(c, el_child(rm, "fromusr"), 1);
    const char *disp = ntext(c, el_child(rm, "displayname"), 1);
    if (chatusr)
        ev->quote_sender = xintern(c, chatusr, strlen(chatusr));
    else if (fromusr && !ca_ends_with(fromusr, "@chatroom"))
        ev->quote_sender = xintern(c, fromusr, strlen(fromusr));
    else if (disp)
        ev->quote_sender = xintern(c, disp, strlen(disp));
    xmlChar *raw = xmlNodeGetContent(el_child(rm, "content"));
    if (!raw)
        return;
    const char *q = (const char *)raw;
    size_t qn = strlen(q);
    trim(&q, &qn);
    strip_quote_prefix(&q, &qn, chatusr, fromusr);
    trim(&q, &qn);
    long rtype = nlong(el_child(rm, "type"), 0);
    const char *qt = NULL;
    if (rtype == 49 && qn && q[0] == '<') {
        /* A quoted app message: its title says what it was. */
        const char *why;
        xmlDocPtr d = wx_xml_read(q, qn, &why);
        if (d) {
            xmlNodePtr r = xmlDocGetRootElement(d);
            xmlNodePtr am = name_is(r, "appmsg") ? r : el_child(r, "appmsg");
            qt = ntext(c, el_child(am, "title"), 1);
            xmlFreeDoc(d);
        } else if (why == WHY_OOM) {
            c->oom = 1;
        }
    }
    if (!qt && qn)
        qt = xstr(c, q, qn);
    ev->quote_text = qt;
    xmlFree(raw);
}

/* title, then des on the next line when it adds something. */
static const char *title_des(wx_ctx *c, const char *title, const char *des)
{
    if (!des || (title && strcmp(title, des) == 0))
        return title;
    if (!title)
        return des;
    ca_buf b;
    ca_buf_init(&b);
    ca_buf_puts(&b, title);
    ca_buf_putc(&b, '\n');
    ca_buf_puts(&b, des);
    const char *r = xbuf(c, &b);
    ca_buf_free(&b);
    return r;
}

static ca_status appmsg_fallback(wx_ctx *c, const char *xml, size_t n, ca_event *ev)
{
    ev->kind = CA_KIND_MESSAGE;
    if (ev->type == CA_TYPE_NONE)
        ev->type = CA_TYPE_OTHER;
    ev->text = xstr(c, xml, n);
    return c->oom ? CA_FATAL : CA_WARN;
}

ca_status wx_parse_appmsg(const char *xml, size_t n, long line, ca_sink *s, ca_event *ev)
{
    wx_ctx c = {s, 0};
    const char *p = xml ? xml : "";
    size_t m = xml ? n : 0;
    skip_xml_prefix(&p, &m);
    const char *why = NULL;
    xmlDocPtr doc = wx_xml_read(p, m, &why);
    if (!doc) {
        if (why == WHY_OOM)
            return CA_FATAL;
        ca_sink_warn(s, line, "type-49 app message: %s; kept as raw text", why);
        return appmsg_fallback(&c, xml ? xml : "", xml ? n : 0, ev);
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr am = name_is(root, "appmsg") ? root : el_child(root, "appmsg");
    if (!am) {
        ca_sink_warn(s, line,
                     "type-49 app message: expected <msg><appmsg>, found <%.40s>; "
                     "kept as raw text", (const char *)root->name);
        xmlFreeDoc(doc);
        return appmsg_fallback(&c, xml, n, ev);
    }
    ca_status st = CA_OK;
    ev->kind = CA_KIND_MESSAGE;
    long sub = nlong(el_child(am, "type"), -1);
    if (sub >= 0 || ev->type == CA_TYPE_NONE)
        ev->type = appmsg_type(sub);
    const char *title = ntext(&c, el_child(am, "title"), 1);
    const char *des = ntext(&c, el_child(am, "des"), 1);
    const char *url = ntext(&c, el_child(am, "url"), 1);
    switch (sub) {
    case 57:
        parse_quote(&c, am, title, ev);
        break;
    case 2000: {
        xmlNodePtr w = el_child(am, "wcpayinfo");
        const char *fee = ntext(&c, el_child(w, "feedesc"), 1);
        const char *memo = ntext(&c, el_child(w, "pay_memo"), 1);
        ev->title = title;
        if (fee && memo) {
            ca_buf b;
            ca_buf_init(&b);
            ca_buf_puts(&b, fee);
            ca_buf_putc(&b, ' ');
            ca_buf_puts(&b, memo);
            ev->text = xbuf(&c, &b);
            ca_buf_free(&b);
        } else {
            ev->text = fee ? fee : memo ? memo : title_des(&c, title, des);
        }
        break;
    }
    case 2001: case 2003: {
        xmlNodePtr w = el_child(am, "wcpayinfo");
        const char *t = ntext(&c, el_child(w, "receivertitle"), 1);
        if (!t)
            t = ntext(&c, el_child(w, "sendertitle"), 1);
        ev->title = title;
        ev->text = t ? t : title_des(&c, title, des);
        break;
    }
    case 33: case 36: {
        const char *app = ntext(&c, el_child(am, "sourcedisplayname"), 1);
        const char *page = ntext(&c, el_path(am, "weappinfo/pagepath"), 1);
        ev->title = title ? title : app;
        ev->text = title_des(&c, ev->title, des);
        ev->url = url ? url : page;
        break;
    }
    case 87: {
        const char *ann = ntext(&c, el_child(am, "textannouncement"), 1);
        ev->title = title;
        ev->text = ann ? ann : title_des(&c, title, des);
        break;
    }
    case 19: case 40:
        ev->title = title;
        ev->text = title_des(&c, title, des);
        ev->url = url;
        st = parse_record(&c, am, line, ev);
        break;
    default:
        ev->title = title;
        ev->text = title_des(&c, title, des);
        ev->url = url;
        break;
    }
    xmlFreeDoc(doc);
    if (c.oom || st == CA_FATAL)
        return CA_FATAL;
    return st;
}
