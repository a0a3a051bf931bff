/*
 * verify.c — screenshot verification (SPEC §8).  See verify.h for the
 * method; the steps below are: folding, the signature index, parsing the
 * screenshot, seeds and windows, the alignment, classification and
 * context, the verdict.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "normalize.h"
#include "roster.h"
#include "timeparse.h"
#include "verify.h"

#define NO_EVENT ((size_t)-1)
#define MAX_MERGE 6          /* screenshot lines one wrapped message may take */
#define MAX_WINDOWS 40       /* candidate spans aligned per screenshot */
#define MAX_SEEDS 400
#define MAX_LINES 400        /* chat lines of one screenshot file */
#define CTX_AFTER_EVENTS 6   /* how far after the span a correction is looked for */
#define CTX_MINUTES 60

/* Gains and penalties of the alignment (a matched line scores 2·sim − 1). */
#define PEN_ABSENT (-0.5)    /* a screenshot line matched to nothing */
#define PEN_OMIT_TEXT (-0.2) /* a message inside the span left out */
#define PEN_OMIT_MEDIA (-0.02)
#define PEN_SENDER (-0.4)    /* the line's sender is someone else */
#define PEN_RAW (-0.2)       /* reading "名字：内容" as content only */
#define MIN_SIM 0.5

/* ------------------------------------------------------------ folding */

/* One code point as the verifier compares it: case and width folded,
 * traditional → simplified, OCR confusables made one; 0 for characters
 * that do not count (space, punctuation, symbols, emoji). */
static uint32_t fold_cp(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            c += 32;
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
        switch (c) {
        case 'o': return '0';
        case 'l': case 'i': return '1';
        default: return c;
        }
    }
    if (c == 0x3007)
        return '0';
    if (c < 0xC0 || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE00 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFFEF) || c >= 0x1F000 ||
        (c >= 0xE000 && c <= 0xF8FF) || c == 0x3164 || (c >= 0x0300 && c <= 0x036F))
        return 0;
    c = ca_norm_t2s(c);
    switch (c) {
    case 0x5DF2: case 0x5DF3: return 0x5DF1;   /* 已 巳 → 己 */
    case 0x672B: return 0x672A;                /* 末 → 未 */
    case 0x5165: return 0x4EBA;                /* 入 → 人 */
    case 0x58EB: return 0x571F;                /* 士 → 土 */
    case 0x66F0: return 0x65E5;                /* 曰 → 日 */
    case 0x620C: case 0x620D: return 0x620A;   /* 戌 戍 → 戊 */
    case 0x592D: return 0x5929;                /* 夭 → 天 */
    default: return c;
    }
}

/* Decodes one UTF-8 character at s[*i] (invalid bytes: U+FFFD). */
static uint32_t utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    size_t left = n - *i;
    uint32_t c = u[0];
    int k = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (k == 0 || (size_t)k > left) {
        (*i)++;
        return 0xFFFD;
    }
    if (k == 1) {
        (*i)++;
        return c;
    }
    c &= 0x7Fu >> k;
    for (int t = 1; t < k; t++) {
        if ((u[t] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        c = (c << 6) | (u[t] & 0x3F);
    }
    *i += (size_t)k;
    return c;
}

/* A folded string with, per character, its byte range in the original. */
typedef struct fstr {
    uint32_t *cp, *ob, *oe;
    size_t n, cap;
    uint64_t sig[4];
    int bits;
} fstr;

static void fstr_free(fstr *f)
{
    ca_free(f->cp);
    ca_free(f->ob);
    ca_free(f->oe);
    memset(f, 0, sizeof *f);
}

static int fstr_push(fstr *f, uint32_t c, uint32_t ob, uint32_t oe)
{
    if (f->n == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 32;
        uint32_t *a = ca_realloc(f->cp, nc * sizeof *a);
        if (!a)
            return -1;
        f->cp = a;
        if (!(a = ca_realloc(f->ob, nc * sizeof *a)))
            return -1;
        f->ob = a;
        if (!(a = ca_realloc(f->oe, nc * sizeof *a)))
            return -1;
        f->oe = a;
        f->cap = nc;
    }
    f->cp[f->n] = c;
    f->ob[f->n] = ob;
    f->oe[f->n] = oe;
    f->n++;
    return 0;
}

static inline uint32_t bigram_bit(uint32_t a, uint32_t b)
{
    uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u) * 0x85EBCA77u;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    return (h >> 24) & 255u;
}

static void sig_of(const uint32_t *cp, size_t n, uint64_t sig[4], int *bits)
{
    sig[0] = sig[1] = sig[2] = sig[3] = 0;
    if (n == 1) {
        uint32_t b = bigram_bit(cp[0], 0);
        sig[b >> 6] |= 1ull << (b & 63);
    }
    for (size_t i = 0; i + 1 < n; i++) {
        uint32_t b = bigram_bit(cp[i], cp[i + 1]);
        sig[b >> 6] |= 1ull << (b & 63);
    }
    if (bits)
        *bits = __builtin_popcountll(sig[0]) + __builtin_popcountll(sig[1]) +
                __builtin_popcountll(sig[2]) + __builtin_popcountll(sig[3]);
}

/* Normalizes (NFKC, case fold, STRIP) then folds, keeping the original
 * byte range of every character.  0 or -1 (oom). */
static int fold_text(const char *s, size_t len, ca_norm *nm, fstr *out)
{
    /* on failure out is freed (and zeroed), so no caller leaks what was
     * pushed before the allocation that failed */
    out->n = 0;
    if (ca_normalize(s, len, CA_NORM_STRIP, nm) < 0) {
        fstr_free(out);
        return -1;
    }
    size_t i = 0;
    while (i < nm->len) {
        size_t p = i;
        uint32_t c = fold_cp(utf8_next(nm->text, nm->len, &i));
        if (!c)
            continue;
        size_t a, b;
        ca_norm_span(nm, p, i, &a, &b);
        if (fstr_push(out, c, (uint32_t)a, (uint32_t)b) < 0) {
            fstr_free(out);
            return -1;
        }
    }
    sig_of(out->cp, out->n, out->sig, &out->bits);
    return 0;
}

/* fold_cp of ASCII and of every three-byte UTF-8 character (U+0800–
 * U+FFFF: Chinese, CJK and full-width punctuation), precomputed: the index
 * folds every message of the import. */
#define CJK_LO 0x0800u
#define CJK_HI 0xFFFFu
typedef struct fold_table {
    uint32_t ascii[128];
    uint32_t cjk[CJK_HI - CJK_LO + 1];
} fold_table;

static void fold_table_init(fold_table *t)
{
    for (uint32_t c = 0; c < 128; c++)
        t->ascii[c] = fold_cp(c);
    for (uint32_t c = CJK_LO; c <= CJK_HI; c++)
        t->cjk[c - CJK_LO] = fold_cp(c);
}

/* The quick fold of the index (no NFKC: a table per character). */
static size_t fold_quick(const fold_table *t, const char *s, size_t len, uint32_t *out, size_t max)
{
    size_t i = 0, n = 0;
    while (i < len && n < max) {
        unsigned char b = (unsigned char)s[i];
        uint32_t c;
        if (b < 0x80) {
            c = t->ascii[b];
            i++;
        } else {
            c = utf8_next(s, len, &i);
            c = c >= CJK_LO && c <= CJK_HI ? t->cjk[c - CJK_LO] : fold_cp(c);
        }
        if (c)
            out[n++] = c;
    }
    return n;
}

/* Levenshtein distance on code points (two rows). */
static size_t lev(const uint32_t *a, size_t n, const uint32_t *b, size_t m, size_t *row)
{
    size_t *prev = row, *cur = row + m + 1;
    for (size_t j = 0; j <= m; j++)
        prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            cur[j] = d;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    return prev[m];
}

/* Edit distance of a as a substring of b (free start and end in b). */
static size_t lev_sub(const uint32_t *a, size_t n, const uint32_t *b, size_t m, size_t *row)
{
    size_t *prev = row, *cur = row + m + 1;
    for (size_t j = 0; j <= m; j++)
        prev[j] = 0;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            cur[j] = d;
        }
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    size_t best = n;
    for (size_t j = 0; j <= m; j++)
        if (prev[j] < best)
            best = prev[j];
    return best;
}

#define MAX_CMP 1500 /* characters compared; longer texts are cut */

typedef struct scratch {
    size_t *row;
} scratch;

static double similarity(const fstr *a, const fstr *b, scratch *sc)
{
    size_t n = a->n < MAX_CMP ? a->n : MAX_CMP, m = b->n < MAX_CMP ? b->n : MAX_CMP;
    if (n == 0 && m == 0)
        return 1.0;
    if (n == 0 || m == 0)
        return 0.0;
    size_t mx = n > m ? n : m, mn = n < m ? n : m;
    if ((double)mn / (double)mx < MIN_SIM * 0.9)
        return 0.0;
    return 1.0 - (double)lev(a->cp, n, b->cp, m, sc->row) / (double)mx;
}

/* ------------------------------------------------------------- index */

typedef struct vconv {
    size_t start, end;         /* import indexes [start, end) */
    const char *platform, *id, *name;
} vconv;

typedef struct name_slot {
    uint64_t h;
    char *folded;
} name_slot;

struct ca_verify {
    const ca_config *cfg;
    const ca_import *imp;
    size_t n;
    uint64_t (*sig)[4];        /* per event; zero for events not compared */
    uint16_t *flen;            /* folded length, capped */
    uint32_t *conv_of;
    vconv *convs;
    size_t n_convs;
    name_slot *names;          /* folded display names (open addressing) */
    size_t names_cap;
    fold_table fold;
};

static int alignable(const ca_event *e)
{
    return e->kind == CA_KIND_MESSAGE || e->kind == CA_KIND_RECALL;
}

/* Messages without text (a picture, a sticker) count little when omitted. */
static int is_media(const ca_event *e)
{
    if (e->kind != CA_KIND_MESSAGE)
        return 1;
    return !(e->text && *e->text) && !(e->title && *e->title);
}

const char *ca_verify_event_text(const ca_event *e)
{
    if (e->text && *e->text)
        return e->text;
    if (e->title && *e->title)
        return e->title;
    static const char *const placeholder[CA_TYPE__COUNT] = {
        [CA_TYPE_IMAGE] = "[图片]", [CA_TYPE_VOICE] = "[语音]", [CA_TYPE_VIDEO] = "[视频]",
        [CA_TYPE_FILE] = "[文件]", [CA_TYPE_LINK] = "[链接]", [CA_TYPE_MINIPROGRAM] = "[小程序]",
        [CA_TYPE_STICKER] = "[动画表情]", [CA_TYPE_LOCATION] = "[位置]",
        [CA_TYPE_QUOTE] = "[引用]", [CA_TYPE_RECORD] = "[聊天记录]", [CA_TYPE_REDPACKET] = "[红包]",
        [CA_TYPE_TRANSFER] = "[转账]", [CA_TYPE_CARD] = "[名片]", [CA_TYPE_CALL] = "[通话]",
        [CA_TYPE_OTHER] = "[消息]"};
    if (e->kind == CA_KIND_RECALL)
        return "撤回了一条消息";
    const char *p = (unsigned)e->type < CA_TYPE__COUNT ? placeholder[e->type] : NULL;
    return p ? p : "";
}

static uint64_t hash_str(const char *s)
{
    return ca_hash64(s, strlen(s), 0x5eed);
}

static int names_add(ca_verify *v, const char *name, ca_norm *nm, fstr *f)
{
    if (!name || !*name)
        return 0;
    if (fold_text(name, strlen(name), nm, f) < 0)
        return -1;
    if (f->n == 0)
        return 0;
    ca_buf b = CA_BUF_INIT;
    for (size_t i = 0; i < f->n; i++)
        ca_buf_put_utf8(&b, f->cp[i]);
    if (b.oom)
        return -1;
    uint64_t h = hash_str(b.data);
    size_t mask = v->names_cap - 1, k = (size_t)h & mask;
    while (v->names[k].folded) {
        if (v->names[k].h == h && strcmp(v->names[k].folded, b.data) == 0) {
            ca_buf_free(&b);
            return 0;
        }
        k = (k + 1) & mask;
    }
    v->names[k].h = h;
    v->names[k].folded = ca_buf_detach(&b);
    return v->names[k].folded ? 1 : -1;
}

static int names_has(const ca_verify *v, const fstr *f)
{
    if (!f->n || !v->names_cap)
        return 0;
    ca_buf b = CA_BUF_INIT;
    for (size_t i = 0; i < f->n; i++)
        ca_buf_put_utf8(&b, f->cp[i]);
    if (b.oom)
        return 0;
    uint64_t h = hash_str(b.data);
    size_t mask = v->names_cap - 1, k = (size_t)h & mask;
    int found = 0;
    while (v->names[k].folded) {
        if (v->names[k].h == h && strcmp(v->names[k].folded, b.data) == 0) {
            found = 1;
            break;
        }
        k = (k + 1) & mask;
    }
    ca_buf_free(&b);
    return found;
}

/* The signature and folded length of a NUL-terminated text in one pass
 * (fold_quick + sig_of fused, with the three-byte UTF-8 of Chinese text
 * decoded inline): the index's inner loop. */
static size_t sign_text(const fold_table *t, const char *s, uint64_t sig[4])
{
    const unsigned char *p = (const unsigned char *)s;
    uint64_t g[4] = {0, 0, 0, 0};
    uint32_t prev = 0;
    size_t n = 0;
    for (;;) {
        unsigned b = p[0];
        uint32_t c;
        if (b < 0x80) {
            if (!b)
                break;
            c = t->ascii[b];
            p++;
        } else if ((b & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            c = ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            p += 3;
            c = c >= CJK_LO ? t->cjk[c - CJK_LO] : fold_cp(c); /* < U+0800: overlong */
        } else {
            size_t i = 0;
            c = fold_cp(utf8_next((const char *)p, strnlen((const char *)p, 4), &i));
            p += i;
        }
        if (!c)
            continue;
        if (n) {
            uint32_t bit = bigram_bit(prev, c);
            g[bit >> 6] |= 1ull << (bit & 63);
        }
        prev = c;
        n++;
    }
    if (n == 1) {
        uint32_t bit = bigram_bit(prev, 0);
        g[bit >> 6] |= 1ull << (bit & 63);
    }
    memcpy(sig, g, sizeof g);
    return n;
}

typedef struct sign_part {
    ca_verify *v;
    size_t from, to;
    pthread_t thread;
} sign_part;

static void *sign_range(void *arg)
{
    sign_part *p = arg;
    ca_verify *v = p->v;
    for (size_t i = p->from; i < p->to; i++) {
        const ca_event *e = ca_import_event(v->imp, i);
        if (!alignable(e)) {
            memset(v->sig[i], 0, sizeof v->sig[i]);
            v->flen[i] = 0;
            continue;
        }
        size_t fn = sign_text(&v->fold, ca_verify_event_text(e), v->sig[i]);
        v->flen[i] = (uint16_t)(fn > 65535 ? 65535 : fn ? fn : 1);
    }
    return NULL;
}

/* The signature of every event, on up to 8 threads (each writes its own
 * range of the arrays).  0 or -1. */
static int sign_events(ca_verify *v)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = cpus > 1 ? (size_t)(cpus < 8 ? cpus : 8) : 1;
    if (v->n < 100000)
        nt = 1;
    sign_part parts[8];
    size_t started = 0;
    for (size_t k = 0; k < nt; k++) {
        parts[k].v = v;
        parts[k].from = v->n * k / nt;
        parts[k].to = v->n * (k + 1) / nt;
    }
    for (size_t k = 1; k < nt; k++) {
        if (pthread_create(&parts[k].thread, NULL, sign_range, &parts[k]) != 0)
            break;
        started = k;
    }
    /* ranges whose thread did not start run here */
    for (size_t k = started + 1; k < nt; k++)
        sign_range(&parts[k]);
    sign_range(&parts[0]);
    for (size_t k = 1; k <= started; k++)
        pthread_join(parts[k].thread, NULL);
    return 0;
}

ca_verify *ca_verify_new(const ca_config *cfg, const ca_import *imp)
{
    ca_verify *v = ca_calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->cfg = cfg;
    v->imp = imp;
    v->n = ca_import_count(imp);
    size_t n = v->n ? v->n : 1;
    v->sig = ca_malloc_large(n * sizeof *v->sig); /* huge pages: fewer faults */
    v->flen = ca_malloc_large(n * sizeof *v->flen);
    v->conv_of = ca_malloc_large(n * sizeof *v->conv_of);
    if (!v->sig || !v->flen || !v->conv_of)
        goto oom;
    fold_table_init(&v->fold);
    if (sign_events(v) < 0)
        goto oom;
    size_t cap_convs = 0;
    /* distinct display-name pointers are few: names are interned by the
     * store, so remember the last one seen to skip repeats cheaply */
    const char **seen = NULL;
    size_t n_seen = 0, cap_seen = 0;
    for (size_t i = 0; i < v->n; i++) {
        const ca_event *e = ca_import_event(imp, i);
        if (i == 0 || ca_strcmp0(e->conv, ca_import_event(imp, i - 1)->conv) ||
            ca_strcmp0(e->platform, ca_import_event(imp, i - 1)->platform)) {
            if (v->n_convs == cap_convs) {
                cap_convs = cap_convs ? cap_convs * 2 : 64;
                vconv *nc = ca_realloc(v->convs, cap_convs * sizeof *nc);
                if (!nc)
                    goto oom;
                v->convs = nc;
            }
            vconv *c = &v->convs[v->n_convs++];
            c->start = i;
            c->platform = e->platform;
            c->id = e->conv;
            const ca_group_reg *reg = ca_config_group(cfg, e->platform, e->conv);
            c->name = reg && reg->name && reg->name[0] ? reg->name : NULL;
        }
        vconv *c = &v->convs[v->n_convs - 1];
        c->end = i + 1;
        if (e->kind == CA_KIND_RENAME && e->title)
            c->name = e->title;
        else if (!c->name && e->conv_name)
            c->name = e->conv_name;
        v->conv_of[i] = (uint32_t)(v->n_convs - 1);
        if (!alignable(e))
            continue;
        if (e->sender_name && (n_seen == 0 || seen[n_seen - 1] != e->sender_name)) {
            size_t k;
            for (k = n_seen; k > 0 && n_seen - k < 8; k--)
                if (seen[k - 1] == e->sender_name)
                    break;
            if (k == 0 || n_seen - k >= 8) {
                if (n_seen == cap_seen) {
                    cap_seen = cap_seen ? cap_seen * 2 : 256;
                    const char **ns = ca_realloc(seen, cap_seen * sizeof *ns);
                    if (!ns) {
                        ca_free(seen);
                        goto oom;
                    }
                    seen = ns;
                }
                seen[n_seen++] = e->sender_name;
            }
        }
    }
    for (size_t k = 0; k < v->n_convs; k++)
        if (!v->convs[k].name)
            v->convs[k].name = v->convs[k].id;
    /* the names a screenshot may show on a line of their own */
    size_t want = (n_seen + 4 * ca_roster_count(cfg->roster) + 16) * 2;
    v->names_cap = 64;
    while (v->names_cap < want)
        v->names_cap *= 2;
    v->names = ca_calloc(v->names_cap, sizeof *v->names);
    ca_norm nm;
    ca_norm_init(&nm);
    fstr f;
    memset(&f, 0, sizeof f);
    int bad = !v->names;
    for (size_t k = 0; k < n_seen && !bad; k++)
        bad = names_add(v, seen[k], &nm, &f) < 0;
    for (size_t k = 0; k < ca_roster_count(cfg->roster) && !bad; k++) {
        const ca_employee *emp = ca_roster_at(cfg->roster, k);
        bad = names_add(v, emp->name, &nm, &f) < 0;
        for (size_t a = 0; a < emp->n_aliases && !bad; a++)
            bad = names_add(v, emp->aliases[a], &nm, &f) < 0;
        if (!bad && emp->department && emp->name) {
            ca_buf b = CA_BUF_INIT;
            ca_buf_printf(&b, "%s-%s", emp->department, emp->name);
            bad = b.oom || names_add(v, b.data, &nm, &f) < 0;
            ca_buf_free(&b);
        }
    }
    ca_free(seen);
    ca_norm_free(&nm);
    fstr_free(&f);
    if (bad)
        goto oom;
    return v;
oom:
    ca_verify_free(v);
    return NULL;
}

void ca_verify_free(ca_verify *v)
{
    if (!v)
        return;
    for (size_t k = 0; k < v->names_cap; k++)
        ca_free(v->names[k].folded);
    ca_free(v->names);
    ca_free(v->sig);
    ca_free(v->flen);
    ca_free(v->conv_of);
    ca_free(v->convs);
    ca_free(v);
}

/* ------------------------------------------------------ the screenshot */

typedef struct item {
    long line;
    char *sender;        /* owned or NULL */
    int sender_colon;    /* the sender came from "名字：" on this line */
    int sender_known;    /* ... and the name is one the logs or roster know */
    int quote;           /* a quoted message shown under a reply: 「名字：内容」, 引用 名字：内容 */
    size_t quote_at;     /* where the quoted text starts in content (after "名字：") */
    char *content;       /* owned */
    char *raw;           /* the whole line (owned) */
    int block;
    char *time_text;     /* owned or NULL */
    int64_t hint_day;    /* -1 unknown */
    int hint_min;        /* -1 none */
    fstr fc, fr;         /* folded content; folded raw line (colon lines only) */
} item;

typedef struct shot {
    item *items;
    size_t n, cap;
    char *group, *accused, *date;
    int64_t date_day;
} shot;

static void shot_free(shot *s)
{
    for (size_t i = 0; i < s->n; i++) {
        ca_free(s->items[i].sender);
        ca_free(s->items[i].content);
        ca_free(s->items[i].raw);
        ca_free(s->items[i].time_text);
        fstr_free(&s->items[i].fc);
        fstr_free(&s->items[i].fr);
    }
    ca_free(s->items);
    ca_free(s->group);
    ca_free(s->accused);
    ca_free(s->date);
}

/* Matches the UTF-8 literal lit at s; advances *p past it. */
static int eat(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0)
        return 0;
    *p += n;
    return 1;
}

static void skip_blank(const char **p)
{
    for (;;) {
        if (**p == ' ' || **p == '\t')
            (*p)++;
        else if (!eat(p, "\xe3\x80\x80"))
            break;
    }
}

static int eat_num(const char **p, int maxdigits, int *out)
{
    int v = 0, k = 0;
    while (k < maxdigits && (*p)[0] >= '0' && (*p)[0] <= '9') {
        v = v * 10 + ((*p)[0] - '0');
        (*p)++;
        k++;
    }
    if (!k)
        return 0;
    *out = v;
    return 1;
}

static int weekday_of(int64_t day) /* 0 Sunday */
{
    int64_t w = (day + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* Parses a date as headers and phones write it: YYYY-MM-DD, YYYY/M/D,
 * YYYY年M月D日, M月D日 (the year of ref_day).  Sets *day; 0 or -1. */
static int eat_date(const char **p, int64_t ref_day, int64_t *day)
{
    const char *s = *p;
    int y = -1, m, d;
    if (eat_num(&s, 4, &y) && (eat(&s, "-") || eat(&s, "/") || eat(&s, "年"))) {
        if (!eat_num(&s, 2, &m) || !(eat(&s, "-") || eat(&s, "/") || eat(&s, "月")) ||
            !eat_num(&s, 2, &d))
            return -1;
        eat(&s, "日");
        eat(&s, "号");
    } else {
        s = *p;
        if (!eat_num(&s, 2, &m) || !eat(&s, "月") || !eat_num(&s, 2, &d))
            return -1;
        if (!eat(&s, "日"))
            eat(&s, "号");
        if (ref_day >= 0) {
            int ry, rm, rd;
            ca_civil_from_days(ref_day, &ry, &rm, &rd);
            y = ry;
        } else {
            y = -1;
        }
    }
    if (m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    *day = y >= 1970 ? ca_days_from_civil(y, m, d) : -1;
    *p = s;
    return 0;
}

/*
 * Whether the whole line is a phone time line: "14:05", "昨天 14:05",
 * "星期二 09:12", "周二 9:12", "2026年11月3日 下午2:05", "11月3日 14:05",
 * "2026-11-03 14:05".  Sets *day (-1 when unknown) and *minute.
 */
static int parse_time_line(const char *line, int64_t ref_day, int64_t *day, int *minute)
{
    static const char *const wd[][2] = {{"日", "天"}, {"一", NULL}, {"二", NULL}, {"三", NULL},
                                         {"四", NULL}, {"五", NULL}, {"六", NULL}};
    const char *p = line;
    skip_blank(&p);
    *day = ref_day;
    if (eat(&p, "今天"))
        *day = ref_day;
    else if (eat(&p, "昨天"))
        *day = ref_day >= 0 ? ref_day - 1 : -1;
    else if (eat(&p, "前天"))
        *day = ref_day >= 0 ? ref_day - 2 : -1;
    else if (eat(&p, "星期") || eat(&p, "周") || eat(&p, "礼拜")) {
        int w = -1;
        for (int k = 0; k < 7 && w < 0; k++)
            if (eat(&p, wd[k][0]) || (wd[k][1] && eat(&p, wd[k][1])))
                w = k;
        if (w < 0)
            return 0;
        if (ref_day >= 0) {
            int delta = (weekday_of(ref_day) - w + 7) % 7;
            *day = ref_day - (delta ? delta : 7);
        } else {
            *day = -1;
        }
    } else {
        const char *q = p;
        int64_t dd;
        if (eat_date(&q, ref_day, &dd) == 0 && (*q == ' ' || *q == '\t' || (unsigned char)*q >= 0x80)) {
            p = q;
            *day = dd;
        }
    }
    skip_blank(&p);
    int pm = 0, am = 0, noon = 0;
    if (eat(&p, "下午") || eat(&p, "晚上") || eat(&p, "傍晚"))
        pm = 1;
    else if (eat(&p, "上午") || eat(&p, "早上") || eat(&p, "凌晨"))
        am = 1;
    else if (eat(&p, "中午"))
        noon = 1;
    skip_blank(&p);
    int h, mi, sec;
    if (!eat_num(&p, 2, &h) || !(eat(&p, ":") || eat(&p, "：")) || !(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9'))
        return 0;
    eat_num(&p, 2, &mi);
    if (eat(&p, ":"))
        eat_num(&p, 2, &sec);
    skip_blank(&p);
    if (*p)
        return 0;
    if (h > 23 || mi > 59)
        return 0;
    if (pm && h < 12)
        h += 12;
    if (noon && h < 11)
        h += 12;
    if (am && h == 12)
        h = 0;
    *minute = h * 60 + mi;
    return 1;
}

static char *dup_trim(const char *s, size_t n)
{
    while (n && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    /* ideographic spaces at both ends */
    while (n >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0) {
        s += 3;
        n -= 3;
    }
    while (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
        n -= 3;
    return ca_strndup(s, n);
}

/* A header line "group: …", "accused: …", "date: …" (or 群/被举报人/日期). */
static int parse_header(shot *sh, const char *line, int *bad)
{
    static const struct { const char *key; int which; } keys[] = {
        {"group", 0}, {"群聊", 0}, {"群名", 0}, {"群", 0},
        {"accused", 1}, {"被举报人", 1}, {"当事人", 1},
        {"date", 2}, {"日期", 2}};
    const char *p = line;
    skip_blank(&p);
    for (size_t k = 0; k < CA_ARRAY_LEN(keys); k++) {
        size_t n = strlen(keys[k].key);
        if (strncasecmp(p, keys[k].key, n) != 0)
            continue;
        const char *q = p + n;
        skip_blank(&q);
        if (!eat(&q, ":") && !eat(&q, "："))
            continue;
        char *val = dup_trim(q, strlen(q));
        if (!val) {
            *bad = 1;
            return 1;
        }
        char **slot = keys[k].which == 0 ? &sh->group : keys[k].which == 1 ? &sh->accused : &sh->date;
        ca_free(*slot);
        *slot = val;
        if (keys[k].which == 2) {
            const char *d = val;
            int64_t day;
            sh->date_day = eat_date(&d, -1, &day) == 0 ? day : -1;
        }
        return 1;
    }
    return 0;
}

static const char *const name_stoppers[] = {
    "，", "。", "！", "？", "、", "；", "（", "）", "【", "】", "《", "》", "“", "”", "…",
    ",", ".", "!", "?", ";", "(", ")", "[", "]", "\"", "@", "/", "=", "<", ">"};

/* "名字：内容" / "名字: 内容": the length of the name part and where the
 * content starts, or 0. */
static size_t split_name(const char *s, size_t *content_at)
{
    size_t i = 0, chars = 0;
    while (s[i]) {
        if (strncmp(s + i, "：", 3) == 0 || s[i] == ':') {
            size_t sep = s[i] == ':' ? 1 : 3;
            if (i == 0)
                return 0;
            /* "会议14:05开始" is a time, not a name */
            if (sep == 1 && i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' && s[i + 1] >= '0' && s[i + 1] <= '9')
                return 0;
            if (sep == 1 && strncmp(s + i, "://", 3) == 0)
                return 0;
            size_t j = i + sep;
            while (s[j] == ' ' || s[j] == '\t')
                j++;
            if (!s[j])
                return 0;
            *content_at = j;
            return i;
        }
        for (size_t k = 0; k < CA_ARRAY_LEN(name_stoppers); k++)
            if (strncmp(s + i, name_stoppers[k], strlen(name_stoppers[k])) == 0)
                return 0;
        size_t before = i;
        utf8_next(s, strlen(s + i) + i, &i);
        if (i == before)
            i++;
        if (++chars > 16)
            return 0;
    }
    return 0;
}

static item *new_item(shot *sh)
{
    if (sh->n == sh->cap) {
        size_t nc = sh->cap ? sh->cap * 2 : 32;
        item *ni = ca_realloc(sh->items, nc * sizeof *ni);
        if (!ni)
            return NULL;
        sh->items = ni;
        sh->cap = nc;
    }
    item *it = &sh->items[sh->n++];
    memset(it, 0, sizeof *it);
    it->hint_day = -1;
    it->hint_min = -1;
    return it;
}

static int known_name(const ca_verify *v, const char *s, ca_norm *nm, fstr *f)
{
    if (fold_text(s, strlen(s), nm, f) < 0 || f->n == 0 || f->n > 24)
        return 0;
    if (names_has(v, f))
        return 1;
    return ca_roster_resolve(v->cfg->roster, NULL, NULL, s) != NULL;
}

static int parse_shot(const ca_verify *v, const char *text, size_t len, shot *sh)
{
    memset(sh, 0, sizeof *sh);
    sh->date_day = -1;
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }
    /* pass 1: headers, so that 昨天 resolves against date: wherever it is */
    char **lines = NULL;
    size_t nl = 0, capl = 0;
    int bad = 0;
    for (size_t i = 0; i < len && !bad;) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        if (nl == capl) {
            capl = capl ? capl * 2 : 64;
            char **nlines = ca_realloc(lines, capl * sizeof *nlines);
            if (!nlines) {
                bad = 1;
                break;
            }
            lines = nlines;
        }
        if (!(lines[nl] = dup_trim(text + i, j - i)))
            bad = 1;
        else
            nl++;
        i = j + 1;
    }
    char *is_header = ca_calloc(nl ? nl : 1, 1);
    bad |= !is_header;
    for (size_t k = 0; k < nl && !bad; k++)
        is_header[k] = (char)parse_header(sh, lines[k], &bad);
    ca_norm nm;
    ca_norm_init(&nm);
    fstr f;
    memset(&f, 0, sizeof f);
    int block = 0;
    char *block_name = NULL;      /* a name line's name, for the lines under it */
    char *time_text = NULL;
    int64_t hint_day = -1;
    int hint_min = -1;
    for (size_t k = 0; k < nl && !bad; k++) {
        const char *s = lines[k];
        if (is_header[k])
            continue;
        if (!*s) {
            block++;
            ca_free(block_name);
            block_name = NULL;
            continue;
        }
        int64_t day;
        int minute;
        if (parse_time_line(s, sh->date_day, &day, &minute)) {
            ca_free(time_text);
            time_text = ca_strdup(s);
            hint_day = day;
            hint_min = minute;
            bad |= !time_text;
            continue;
        }
        /* a line that is only a name, with content lines under it */
        if (k + 1 < nl && lines[k + 1][0] && !is_header[k + 1] && known_name(v, s, &nm, &f)) {
            ca_free(block_name);
            block_name = ca_strdup(s);
            bad |= !block_name;
            continue;
        }
        item *it = new_item(sh);
        if (!it) {
            bad = 1;
            break;
        }
        it->line = (long)k + 1;
        it->block = block;
        it->raw = ca_strdup(s);
        /* a quoted message under a reply: 「名字：内容」 / 引用 名字：内容 */
        size_t qlen = 0;
        static const char *const quote_marks[] = {"「", "『", "引用：", "引用:", "引用 ", "[引用]"};
        for (size_t q = 0; q < CA_ARRAY_LEN(quote_marks) && !qlen; q++)
            if (strncmp(s, quote_marks[q], strlen(quote_marks[q])) == 0)
                qlen = strlen(quote_marks[q]);
        char *inner = NULL;
        if (qlen && s[qlen]) {
            size_t n = strlen(s + qlen);
            if (n >= 3 && (memcmp(s + qlen + n - 3, "」", 3) == 0 || memcmp(s + qlen + n - 3, "』", 3) == 0))
                n -= 3;
            inner = dup_trim(s + qlen, n);
            bad |= !inner;
            it->quote = 1;
            s = inner ? inner : s;
        }
        size_t at = 0, nlen = split_name(s, &at);
        if (nlen) {
            it->sender = dup_trim(s, nlen);
            it->content = ca_strdup(s + at);
            it->sender_colon = 1;
            it->sender_known = it->sender && known_name(v, it->sender, &nm, &f);
            if (block_name && it->sender && !it->sender_known && !it->quote) {
                /* under a name line, "客户验收标准确定：…" is content */
                ca_free(it->sender);
                ca_free(it->content);
                it->sender = NULL;
                it->content = NULL;
                it->sender_colon = 0;
                nlen = 0;
            }
        }
        if (!nlen) {
            it->sender = block_name ? ca_strdup(block_name) : NULL;
            it->sender_known = block_name != NULL;
            it->content = ca_strdup(s);
            bad |= block_name && !it->sender;
        }
        if (it->quote) {
            /* the quoted name is not the bubble's sender: keep it in the text */
            ca_free(it->content);
            ca_free(it->sender);
            it->content = ca_strdup(s);
            it->sender = NULL;
            it->sender_colon = it->sender_known = 0;
            it->quote_at = nlen ? at : 0;
        }
        ca_free(inner);
        if (time_text) {
            it->time_text = time_text;
            it->hint_day = hint_day;
            it->hint_min = hint_min;
            time_text = NULL;
        }
        if (!it->raw || !it->content || (nlen && !it->quote && !it->sender)) {
            bad = 1;
            break;
        }
        if (it->sender && (strcmp(it->sender, "我") == 0 || strcasecmp(it->sender, "me") == 0)) {
            /* the phone's owner: not a name the logs can check */
            ca_free(it->sender);
            it->sender = NULL;
            it->sender_known = 1;
        }
        if (fold_text(it->content, strlen(it->content), &nm, &it->fc) < 0 ||
            (it->sender_colon && fold_text(it->raw, strlen(it->raw), &nm, &it->fr) < 0))
            bad = 1;
    }
    ca_free(block_name);
    ca_free(time_text);
    ca_norm_free(&nm);
    fstr_free(&f);
    for (size_t k = 0; k < nl; k++)
        ca_free(lines[k]);
    ca_free(lines);
    ca_free(is_header);
    return bad ? -1 : 0;
}

/* ------------------------------------------------------------ people */

static const char *event_who(const ca_verify *v, const ca_event *e)
{
    const ca_employee *emp = e->employee ? ca_roster_by_id(v->cfg->roster, e->employee) : NULL;
    /* the exporter's own messages and notices say "你" / "我" */
    int self = e->sender_name && (strcmp(e->sender_name, "你") == 0 || strcmp(e->sender_name, "我") == 0);
    if (e->sender_name && *e->sender_name && !(self && emp && emp->name))
        return e->sender_name;
    if (emp && emp->name)
        return emp->name;
    return e->sender ? e->sender : "";
}

static int fold_eq_or_contains(const fstr *a, const fstr *b)
{
    if (!a->n || !b->n)
        return 0;
    const fstr *lo = a->n <= b->n ? a : b, *hi = a->n <= b->n ? b : a;
    if (lo->n < 2 && lo->n != hi->n)
        return 0;
    for (size_t i = 0; i + lo->n <= hi->n; i++)
        if (memcmp(hi->cp + i, lo->cp, lo->n * sizeof *lo->cp) == 0)
            return 1;
    return 0;
}

/* Whether the name a screenshot shows can be the event's sender: the
 * display name, the platform id, the roster name or an alias, or a name
 * the roster resolves to the same employee. */
static int sender_matches(const ca_verify *v, const char *name, const ca_event *e, ca_norm *nm)
{
    fstr a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int ok = 0;
    if (fold_text(name, strlen(name), nm, &a) < 0)
        goto done;
    const char *cands[4] = {e->sender_name, e->sender, NULL, NULL};
    const ca_employee *emp = e->employee ? ca_roster_by_id(v->cfg->roster, e->employee) : NULL;
    if (emp) {
        cands[2] = emp->name;
        cands[3] = emp->id;
    }
    for (size_t k = 0; k < 4 && !ok; k++) {
        if (!cands[k] || !*cands[k])
            continue;
        if (fold_text(cands[k], strlen(cands[k]), nm, &b) < 0)
            goto done;
        ok = k == 3 ? (a.n == b.n && memcmp(a.cp, b.cp, a.n * sizeof *a.cp) == 0)
                    : fold_eq_or_contains(&a, &b);
    }
    for (size_t k = 0; emp && k < emp->n_aliases && !ok; k++) {
        if (fold_text(emp->aliases[k], strlen(emp->aliases[k]), nm, &b) < 0)
            goto done;
        ok = a.n == b.n && memcmp(a.cp, b.cp, a.n * sizeof *a.cp) == 0;
    }
    if (!ok && e->employee) {
        const ca_employee *r = ca_roster_resolve(v->cfg->roster, e->platform, NULL, name);
        ok = r && strcmp(r->id, e->employee) == 0;
    }
done:
    fstr_free(&a);
    fstr_free(&b);
    return ok;
}

static int same_person(const ca_event *a, const ca_event *b)
{
    if (a->employee && b->employee)
        return strcmp(a->employee, b->employee) == 0;
    if (a->sender && b->sender)
        return strcmp(a->sender, b->sender) == 0;
    return 0;
}

/* ------------------------------------------------------- the alignment */

typedef struct run {        /* screenshot lines i..i+k-1 read as one bubble */
    fstr f;
    char *text;             /* joined by '\n' (owned) */
    int ok;                 /* may be read as one bubble */
    int unsplit;            /* the first line's "名字：" is not a name anyone knows: kept as text */
} run;

typedef struct window {
    size_t conv;
    size_t *ev;             /* import indexes of the alignable events */
    size_t m;
    double score;
    /* the alignment: per item, the event position in ev (or -1) and run length */
    long *match;
    int *runlen;
    int *use_raw;
    double *sim;
} window;

typedef struct aligner {
    const ca_verify *v;
    const shot *sh;
    run *runs;              /* [i * MAX_MERGE + k - 1] */
    scratch sc;
    ca_norm nm;
    int tz;
} aligner;

static run *run_at(const aligner *al, size_t i, size_t k)
{
    return &al->runs[i * MAX_MERGE + k - 1];
}

static int build_runs(aligner *al)
{
    const shot *sh = al->sh;
    al->runs = ca_calloc(sh->n * MAX_MERGE + 1, sizeof *al->runs);
    if (!al->runs)
        return -1;
    for (size_t i = 0; i < sh->n; i++) {
        for (size_t k = 1; k <= MAX_MERGE && i + k <= sh->n; k++) {
            const item *last = &sh->items[i + k - 1];
            if (k > 1 && (last->sender_colon || last->block != sh->items[i].block || last->time_text ||
                          last->quote || sh->items[i].quote || !run_at(al, i, k - 1)->ok))
                break;
            run *r = run_at(al, i, k);
            r->ok = 1;
            if (k == 1)
                continue; /* items[i].fc is used directly */
            ca_buf b = CA_BUF_INIT;
            r->unsplit = sh->items[i].sender_colon && !sh->items[i].sender_known;
            for (size_t t = 0; t < k; t++) {
                if (t)
                    ca_buf_putc(&b, '\n');
                ca_buf_puts(&b, t == 0 && r->unsplit ? sh->items[i].raw : sh->items[i + t].content);
            }
            r->text = ca_buf_detach(&b);
            if (!r->text || fold_text(r->text, strlen(r->text), &al->nm, &r->f) < 0)
                return -1;
        }
    }
    return 0;
}

static const fstr *run_fstr(const aligner *al, size_t i, size_t k)
{
    return k == 1 ? &al->sh->items[i].fc : &run_at(al, i, k)->f;
}

static void free_runs(aligner *al)
{
    for (size_t i = 0; al->runs && i < al->sh->n * MAX_MERGE; i++) {
        fstr_free(&al->runs[i].f);
        ca_free(al->runs[i].text);
    }
    ca_free(al->runs);
}

static void local_day_min(int64_t ms, int tz, int64_t *day, int *minute)
{
    int64_t s = ms / 1000 + (int64_t)tz * 60;
    int64_t d = s >= 0 ? s / 86400 : -((-s + 86399) / 86400);
    *day = d;
    *minute = (int)((s - d * 86400) / 60);
}

/* The gain of reading lines i..i+k-1 as event e; -INFINITY when they
 * cannot be that message.  *raw tells which reading won, *sim its
 * similarity. */
static double gain_of(aligner *al, size_t i, size_t k, const ca_event *e, const fstr *ef, int *raw,
                      double *simp)
{
    const item *it = &al->sh->items[i];
    const fstr *a = run_fstr(al, i, k);
    *raw = 0;
    *simp = 0;
    if (it->quote) /* compared with the quoted message after the alignment */
        return -INFINITY;
    double best = -INFINITY;
    double s = 0;
    int bits = a->bits;
    int common = __builtin_popcountll(a->sig[0] & ef->sig[0]) + __builtin_popcountll(a->sig[1] & ef->sig[1]) +
                 __builtin_popcountll(a->sig[2] & ef->sig[2]) + __builtin_popcountll(a->sig[3] & ef->sig[3]);
    size_t shorter = a->n < ef->n ? a->n : ef->n;
    if (e->kind == CA_KIND_RECALL)
        /* "静静撤回了一条消息" on one phone is "你撤回了一条消息" on the
         * exporter's: any recall notice is the recall */
        s = strstr(k == 1 ? it->content : run_at(al, i, k)->text, "撤回") ? 1.0 : 0.0;
    else if (bits && (double)common < 0.3 * bits && shorter > 3)
        s = 0;
    else
        s = similarity(a, ef, &al->sc);
    double need = shorter <= 3 ? 1.0 : k > 1 ? 0.7 : MIN_SIM;
    if (s >= need - 1e-9) {
        best = 2 * s - 1;
        if (it->sender && !(k > 1 && run_at(al, i, k)->unsplit) && !sender_matches(al->v, it->sender, e, &al->nm))
            best += PEN_SENDER;
        *simp = s;
    }
    if (k == 1 && it->sender_colon && !it->sender_known && it->fr.n) {
        double r = similarity(&it->fr, ef, &al->sc);
        if (r >= MIN_SIM && 2 * r - 1 + PEN_RAW > best) {
            best = 2 * r - 1 + PEN_RAW;
            *raw = 1;
            *simp = r;
        }
    }
    if (best > -INFINITY && it->hint_min >= 0) {
        int64_t d;
        int mi;
        local_day_min(e->time_ms, al->tz, &d, &mi);
        int diff = mi - it->hint_min;
        if (it->hint_day >= 0 && d != it->hint_day)
            best -= 0.2;
        else if (diff >= -1 && diff <= 1)
            best += 0.2;
        else
            best -= 0.1;
    }
    return best;
}

/* Aligns the screenshot to the window's events; fills w->match etc. */
static int align_window(aligner *al, window *w)
{
    const shot *sh = al->sh;
    size_t n = sh->n, m = w->m;
    fstr *ef = ca_calloc(m ? m : 1, sizeof *ef);
    size_t S = (n + 1) * (m + 1) * 2;
    double *dp = ca_malloc(S * sizeof *dp);
    int *from = ca_malloc(S * sizeof *from);
    double *gain = ca_malloc((n * MAX_MERGE * (m ? m : 1) + 1) * sizeof *gain);
    double *gsim = ca_malloc((n * MAX_MERGE * (m ? m : 1) + 1) * sizeof *gsim);
    char *graw = ca_malloc(n * MAX_MERGE * (m ? m : 1) + 1);
    int rc = -1;
    if (!ef || !dp || !from || !gain || !gsim || !graw)
        goto done;
    for (size_t j = 0; j < m; j++) {
        const char *t = ca_verify_event_text(ca_import_event(al->v->imp, w->ev[j]));
        if (fold_text(t, strlen(t), &al->nm, &ef[j]) < 0)
            goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 1; k <= MAX_MERGE; k++)
            for (size_t j = 0; j < m; j++) {
                size_t g = (i * MAX_MERGE + k - 1) * m + j;
                gain[g] = -INFINITY;
                if (i + k > n || !run_at(al, i, k)->ok)
                    continue;
                int raw;
                gain[g] = gain_of(al, i, k, ca_import_event(al->v->imp, w->ev[j]), &ef[j], &raw, &gsim[g]);
                graw[g] = (char)raw;
            }
#define ST(i, j, s) ((((i) * (m + 1)) + (j)) * 2 + (s))
    for (size_t x = 0; x < S; x++) {
        dp[x] = -INFINITY;
        from[x] = 0;
    }
    for (size_t i = 0; i <= n; i++)
        for (size_t j = 0; j <= m; j++)
            for (int s = 0; s < 2; s++) {
                double best = (i == 0 && j == 0 && s == 0) ? 0 : -INFINITY;
                int how = 0;
                /* 1: skip event j-1; 2: line i-1 absent; 10*k+s': match */
                if (j > 0 && dp[ST(i, j - 1, s)] > -INFINITY) {
                    double pen = 0;
                    if (s)
                        pen = is_media(ca_import_event(al->v->imp, w->ev[j - 1])) ? PEN_OMIT_MEDIA
                                                                                  : PEN_OMIT_TEXT;
                    if (dp[ST(i, j - 1, s)] + pen > best) {
                        best = dp[ST(i, j - 1, s)] + pen;
                        how = 1;
                    }
                }
                double pen_absent = i > 0 && sh->items[i - 1].quote ? 0 : PEN_ABSENT;
                if (i > 0 && dp[ST(i - 1, j, s)] + pen_absent > best) {
                    best = dp[ST(i - 1, j, s)] + pen_absent;
                    how = 2;
                }
                if (s == 1 && i > 0 && j > 0)
                    for (size_t k = 1; k <= MAX_MERGE && k <= i; k++) {
                        double g = gain[((i - k) * MAX_MERGE + k - 1) * m + (j - 1)];
                        if (g == -INFINITY)
                            continue;
                        for (int ps = 0; ps < 2; ps++) {
                            double p = dp[ST(i - k, j - 1, ps)];
                            if (p > -INFINITY && p + g > best + 1e-12) {
                                best = p + g;
                                how = 10 * (int)k + ps;
                            }
                        }
                    }
                dp[ST(i, j, s)] = best;
                from[ST(i, j, s)] = how;
            }
    /* the best end: all lines read, trailing events free */
    double best = dp[ST(n, m, 0)];
    size_t bj = m;
    int bs = 0;
    for (size_t j = 0; j <= m; j++)
        if (dp[ST(n, j, 1)] > best + 1e-12) {
            best = dp[ST(n, j, 1)];
            bj = j;
            bs = 1;
        }
    w->score = best;
    for (size_t i = 0; i < n; i++) {
        w->match[i] = -1;
        w->runlen[i] = 1;
        w->use_raw[i] = 0;
        w->sim[i] = 0;
    }
    size_t i = n, j = bj;
    int s = bs;
    while (i > 0 || j > 0) {
        int how = from[ST(i, j, s)];
        if (how == 1)
            j--;
        else if (how == 2)
            i--;
        else if (how >= 10) {
            size_t k = (size_t)(how / 10);
            int ps = how % 10;
            size_t g = ((i - k) * MAX_MERGE + k - 1) * m + (j - 1);
            w->match[i - k] = (long)(j - 1);
            w->runlen[i - k] = (int)k;
            w->use_raw[i - k] = graw[g];
            w->sim[i - k] = gsim[g];
            i -= k;
            j--;
            s = ps;
        } else {
            break;
        }
    }
#undef ST
    rc = 0;
done:
    for (size_t x = 0; ef && x < m; x++)
        fstr_free(&ef[x]);
    ca_free(ef);
    ca_free(dp);
    ca_free(from);
    ca_free(gain);
    ca_free(gsim);
    ca_free(graw);
    return rc;
}

/* ------------------------------------------------------ seeds, windows */

typedef struct seed {
    size_t ev;
    double score;
} seed;

static int cmp_seed(const void *pa, const void *pb)
{
    const seed *a = pa, *b = pb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->ev < b->ev ? -1 : a->ev > b->ev;
}

/* Whether the conversation is the one the group: header names. */
static int conv_named(const ca_verify *v, const vconv *c, const fstr *g, ca_norm *nm)
{
    const char *names[2] = {c->name, c->id};
    int ok = 0;
    fstr f;
    memset(&f, 0, sizeof f);
    for (size_t k = 0; k < 2 && !ok; k++)
        if (names[k] && fold_text(names[k], strlen(names[k]), nm, &f) == 0)
            ok = fold_eq_or_contains(g, &f);
    fstr_free(&f);
    (void)v;
    return ok;
}

/* Seeds: messages that contain most of the bigrams of a screenshot line,
 * confirmed by an edit distance (whole line, or the line as a part of a
 * longer message the phone wrapped). */
static int find_seeds(aligner *al, const char *conv_ok, seed **out, size_t *n_out)
{
    const ca_verify *v = al->v;
    const shot *sh = al->sh;
    /* per screenshot line, the SEEDS_PER_LINE best candidates by share of
     * its bigrams found (then closeness of length): bounded work however
     * alike the messages of the log are */
    enum { SEEDS_PER_LINE = 12 };
    seed *cand = ca_malloc((sh->n * SEEDS_PER_LINE + 1) * sizeof *cand);
    size_t *nc = ca_calloc(sh->n + 1, sizeof *nc);
    uint32_t *buf = ca_malloc(MAX_CMP * sizeof *buf);
    seed *seeds = ca_malloc((sh->n * SEEDS_PER_LINE + 1) * sizeof *seeds);
    if (!cand || !nc || !buf || !seeds) {
        ca_free(cand);
        ca_free(nc);
        ca_free(buf);
        ca_free(seeds);
        return -1;
    }
    for (size_t e = 0; e < v->n; e++) {
        if (!v->flen[e] || (conv_ok && !conv_ok[v->conv_of[e]]))
            continue;
        const uint64_t *es = v->sig[e];
        for (size_t i = 0; i < sh->n; i++) {
            const fstr *a = &sh->items[i].fc;
            if (a->n < 4)
                continue;
            int common = __builtin_popcountll(a->sig[0] & es[0]) + __builtin_popcountll(a->sig[1] & es[1]) +
                         __builtin_popcountll(a->sig[2] & es[2]) + __builtin_popcountll(a->sig[3] & es[3]);
            if ((double)common < 0.6 * a->bits)
                continue;
            double lr = (double)(a->n < v->flen[e] ? a->n : v->flen[e]) /
                        (double)(a->n > v->flen[e] ? a->n : v->flen[e]);
            double score = (double)common / a->bits + 0.25 * lr;
            seed *top = cand + i * SEEDS_PER_LINE;
            size_t k = nc[i];
            if (k == SEEDS_PER_LINE && score <= top[k - 1].score)
                continue;
            if (k < SEEDS_PER_LINE)
                nc[i]++;
            else
                k--;
            /* insertion into the sorted list (ties: the earlier event stays first) */
            while (k > 0 && top[k - 1].score < score) {
                top[k] = top[k - 1];
                k--;
            }
            top[k].ev = e;
            top[k].score = score;
        }
    }
    /* confirm each candidate with an edit distance against its line */
    size_t ns = 0;
    for (size_t i = 0; i < sh->n; i++) {
        const fstr *a = &sh->items[i].fc;
        size_t an = a->n < MAX_CMP ? a->n : MAX_CMP;
        for (size_t c = 0; c < nc[i]; c++) {
            const ca_event *e = ca_import_event(v->imp, cand[i * SEEDS_PER_LINE + c].ev);
            const char *t = ca_verify_event_text(e);
            size_t fn = fold_quick(&v->fold, t, strlen(t), buf, MAX_CMP);
            size_t mx = an > fn ? an : fn;
            double sim = 1.0 - (double)lev(a->cp, an, buf, fn, al->sc.row) / (double)(mx ? mx : 1);
            if (fn > an) {
                double part = 1.0 - (double)lev_sub(a->cp, an, buf, fn, al->sc.row) / (double)an;
                if (part * 0.9 > sim)
                    sim = part * 0.9;
            }
            if (sim >= 0.6) {
                seeds[ns].ev = cand[i * SEEDS_PER_LINE + c].ev;
                seeds[ns].score = sim;
                ns++;
            }
        }
    }
    ca_free(cand);
    ca_free(nc);
    ca_free(buf);
    if (ns > 1)
        qsort(seeds, ns, sizeof *seeds, cmp_seed);
    *out = seeds;
    *n_out = ns;
    return 0;
}

/* ------------------------------------------------------------- diff */

static int diff_push(ca_vline *vl, ca_vdiff_op op, const char *s, size_t a, size_t b)
{
    if (b <= a)
        return 0;
    if (vl->n_diff && vl->diff[vl->n_diff - 1].op == op) {
        ca_vdiff *d = &vl->diff[vl->n_diff - 1];
        size_t old = strlen(d->text);
        char *nt = ca_realloc(d->text, old + (b - a) + 1);
        if (!nt)
            return -1;
        memcpy(nt + old, s + a, b - a);
        nt[old + b - a] = '\0';
        d->text = nt;
        return 0;
    }
    ca_vdiff *nd = ca_realloc(vl->diff, (vl->n_diff + 1) * sizeof *nd);
    if (!nd)
        return -1;
    vl->diff = nd;
    nd[vl->n_diff].op = op;
    if (!(nd[vl->n_diff].text = ca_strndup(s + a, b - a)))
        return -1;
    vl->n_diff++;
    return 0;
}

/*
 * The character diff of a screenshot text (folded as sf) against the log
 * text (folded as lf): an LCS on folded characters, written back as the
 * original characters — equal and deleted pieces from the log text (so
 * punctuation the OCR dropped does not show as a change), inserted pieces
 * from the screenshot.
 */
static int make_diff(ca_vline *vl, const char *stext, const fstr *sf, const char *ltext, const fstr *lf)
{
    size_t n = lf->n, m = sf->n;
    if (n > MAX_CMP || m > MAX_CMP || (n + 1) * (m + 1) > 4000000) {
        /* too long for a table: the whole texts */
        if (diff_push(vl, CA_VDIFF_DELETE, ltext, 0, strlen(ltext)) < 0)
            return -1;
        return diff_push(vl, CA_VDIFF_INSERT, stext, 0, strlen(stext));
    }
    uint16_t *L = ca_malloc((n + 1) * (m + 1) * sizeof *L);
    if (!L)
        return -1;
#define LL(i, j) L[(i) * (m + 1) + (j)]
    for (size_t i = n + 1; i-- > 0;)
        for (size_t j = m + 1; j-- > 0;) {
            if (i == n || j == m)
                LL(i, j) = 0;
            else if (lf->cp[i] == sf->cp[j])
                LL(i, j) = (uint16_t)(LL(i + 1, j + 1) + 1);
            else
                LL(i, j) = LL(i + 1, j) > LL(i, j + 1) ? LL(i + 1, j) : LL(i, j + 1);
        }
    /* walk; the log text is covered whole: characters the folding drops
     * (punctuation the OCR may have lost) count as equal */
    size_t i = 0, j = 0, lpos = 0;
    size_t llen = strlen(ltext);
    int rc = 0;
    while ((i < n || j < m) && rc == 0) {
        /* a match that deleting would not lose waits: deletions stay in
         * one piece ("@销售部-马骏 马总" against "马总") */
        int eq = i < n && j < m && lf->cp[i] == sf->cp[j] && LL(i + 1, j) != LL(i, j);
        int del = !eq && i < n && (j == m || LL(i + 1, j) >= LL(i, j + 1));
        /* an insertion after punctuation the screenshot also shows goes
         * after that punctuation */
        int ins_after_gap = !eq && !del && j < m && (j ? sf->ob[j] > sf->oe[j - 1] : sf->ob[j] > 0);
        if ((eq || del || ins_after_gap) && i < n && lf->ob[i] > lpos) {
            rc = diff_push(vl, CA_VDIFF_EQUAL, ltext, lpos, lf->ob[i]);
            lpos = lf->ob[i];
            continue;
        }
        if (eq) {
            rc = diff_push(vl, CA_VDIFF_EQUAL, ltext, lf->ob[i], lf->oe[i]);
            lpos = lf->oe[i];
            i++;
            j++;
        } else if (del) {
            rc = diff_push(vl, CA_VDIFF_DELETE, ltext, lf->ob[i], lf->oe[i]);
            lpos = lf->oe[i];
            i++;
        } else {
            rc = diff_push(vl, CA_VDIFF_INSERT, stext, sf->ob[j], sf->oe[j]);
            j++;
        }
    }
    if (rc == 0 && lpos < llen)
        rc = diff_push(vl, CA_VDIFF_EQUAL, ltext, lpos, llen);
#undef LL
    ca_free(L);
    return rc;
}

/* Length of the white-space character at s (ASCII, U+00A0, U+2000–U+200B,
 * U+202F, U+205F, U+3000), or 0. */
static size_t space_at(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (*u == ' ' || *u == '\t' || *u == '\n' || *u == '\r')
        return 1;
    if (u[0] == 0xC2 && u[1] == 0xA0)
        return 2;
    if (u[0] == 0xE2 && u[1] == 0x80 && ((u[2] >= 0x80 && u[2] <= 0x8B) || u[2] == 0xAF))
        return 3;
    if (u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F)
        return 3;
    if (u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* White space aside, the same bytes. */
static int same_but_space(const char *a, const char *b)
{
    for (;;) {
        size_t k;
        while ((k = space_at(a)) != 0)
            a += k;
        while ((k = space_at(b)) != 0)
            b += k;
        if (!*a || !*b)
            return !*a && !*b;
        if (*a++ != *b++)
            return 0;
    }
}

/* ---------------------------------------------------------- context */

static const char *const retraction_words[] = {
    "撤回", "更正", "纠正", "说错", "打错", "写错", "发错", "搞错", "弄错", "以此为准",
    "作废", "不是", "不对", "订正", "修正", "收回"};

/* A retraction or correction: one of the words above, where 不是 and 不对
 * count only as "不是…是…" / "不对，…" and never inside the questions
 * 是不是 / 对不对. */
static int has_retraction(const char *t)
{
    for (size_t k = 0; t && k < CA_ARRAY_LEN(retraction_words); k++) {
        const char *w = retraction_words[k];
        int negation = strcmp(w, "不是") == 0 || strcmp(w, "不对") == 0;
        for (const char *p = strstr(t, w); p; p = strstr(p + 1, w)) {
            if (!negation)
                return 1;
            size_t off = (size_t)(p - t);
            if (off >= 3 && (memcmp(p - 3, "是", 3) == 0 || memcmp(p - 3, "对", 3) == 0))
                continue; /* 是不是 / 对不对 */
            if (strcmp(w, "不是") == 0 ? strstr(p + 6, "是") != NULL : 1)
                return 1;
        }
    }
    return 0;
}

static int is_question(const char *t)
{
    if (!t)
        return 0;
    if (strstr(t, "?") || strstr(t, "？"))
        return 1;
    /* a clause-final 吗/么/呢 */
    size_t n = strlen(t);
    while (n && (t[n - 1] == ' ' || t[n - 1] == '\n'))
        n--;
    static const char *const finals[] = {"吗", "么", "呢"};
    for (size_t k = 0; k < CA_ARRAY_LEN(finals); k++)
        if (n >= 3 && memcmp(t + n - 3, finals[k], 3) == 0)
            return 1;
    return 0;
}

static int mentions(const ca_event *e, const ca_event *who)
{
    for (uint32_t k = 0; k < e->n_mentions; k++)
        if ((who->employee && e->mention_ids && e->mention_ids[k] &&
             strcmp(e->mention_ids[k], who->employee) == 0))
            return 1;
    return 0;
}

/* ---------------------------------------------------------- results */

const char *ca_verdict_name(ca_verdict v)
{
    static const char *const n[] = {"faithful", "altered", "fabricated", "selective", "not-found"};
    return (unsigned)v < CA_ARRAY_LEN(n) ? n[v] : "?";
}

const char *ca_vline_status_name(ca_vline_status s)
{
    static const char *const n[] = {"exact", "ocr-noise", "altered", "absent", "wrong-sender"};
    return (unsigned)s < CA_ARRAY_LEN(n) ? n[s] : "?";
}

void ca_vresult_free(ca_vresult *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_lines; i++) {
        ca_free(r->lines[i].sender);
        ca_free(r->lines[i].text);
        ca_free(r->lines[i].time_text);
        for (size_t d = 0; d < r->lines[i].n_diff; d++)
            ca_free(r->lines[i].diff[d].text);
        ca_free(r->lines[i].diff);
    }
    ca_free(r->lines);
    ca_free(r->context);
    for (size_t i = 0; i < r->n_evidence; i++)
        ca_free(r->evidence[i]);
    ca_free(r->evidence);
    ca_free(r->path);
    ca_free(r->group);
    ca_free(r->accused);
    ca_free(r->date);
    ca_free(r);
}

static int add_evidence(ca_vresult *r, const char *fmt, ...) CA_PRINTF(2, 3);
static int add_evidence(ca_vresult *r, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char **ne = ca_realloc(r->evidence, (r->n_evidence + 1) * sizeof *ne);
    if (!ne)
        return -1;
    r->evidence = ne;
    if (!(ne[r->n_evidence] = ca_strdup(msg)))
        return -1;
    r->n_evidence++;
    return 0;
}

static int add_context(ca_vresult *r, const ca_verify *v, size_t ev, const char *pos, const char *reason,
                       int counts, size_t after_line)
{
    ca_vcontext *nc = ca_realloc(r->context, (r->n_context + 1) * sizeof *nc);
    if (!nc)
        return -1;
    r->context = nc;
    nc[r->n_context].event = ev;
    nc[r->n_context].who = event_who(v, ca_import_event(v->imp, ev));
    nc[r->n_context].position = pos;
    nc[r->n_context].reason = reason;
    nc[r->n_context].counts = counts;
    nc[r->n_context].after_line = after_line;
    r->n_context++;
    return 0;
}

/* A short quotation of a text for an evidence sentence. */
static void quote(char *out, size_t cap, const char *t)
{
    size_t i = 0, o = 0, chars = 0;
    size_t n = t ? strlen(t) : 0;
    while (i < n && o + 8 < cap && chars < 30) {
        size_t p = i;
        uint32_t c = utf8_next(t, n, &i);
        if (c == '\n' || c == '\r') {
            out[o++] = ' ';
        } else {
            memcpy(out + o, t + p, i - p);
            o += i - p;
        }
        chars++;
    }
    if (i < n && o + 4 < cap) {
        memcpy(out + o, "…", 3);
        o += 3;
    }
    out[o] = '\0';
}

static void fmt_time(int64_t ms, int tz, char out[32])
{
    char iso[32];
    ca_time_format(ms, tz, iso);
    snprintf(out, 32, "%.10s %.8s", iso, iso + 11);
}

/* Fills r from the best window's alignment. */
static int fill_result(aligner *al, const window *w, ca_vresult *r)
{
    const ca_verify *v = al->v;
    const shot *sh = al->sh;
    const vconv *c = &v->convs[w->conv];
    r->platform = c->platform;
    r->conv_id = c->id;
    r->conv_name = c->name;
    r->lines = ca_calloc(sh->n ? sh->n : 1, sizeof *r->lines);
    if (!r->lines)
        return -1;
    long first = -1, last = -1;
    size_t matched = 0, anchors = 0, absent = 0, altered = 0;
    double simsum = 0, alt_best = 0, anchor_weight = 0;
    char q1[160], q2[160], tbuf[32];
    for (size_t i = 0; i < sh->n;) {
        const item *it = &sh->items[i];
        ca_vline *vl = &r->lines[r->n_lines++];
        size_t k = w->match[i] >= 0 ? (size_t)w->runlen[i] : 1;
        int raw = w->match[i] >= 0 && (w->use_raw[i] || (k > 1 && run_at(al, i, k)->unsplit));
        vl->line = it->line;
        vl->line_end = sh->items[i + k - 1].line;
        vl->match = NO_EVENT;
        if (!raw && it->sender && !(vl->sender = ca_strdup(it->sender)))
            return -1;
        const char *stext = k > 1 ? run_at(al, i, k)->text : raw ? it->raw : it->content;
        const fstr *sf = k > 1 ? run_fstr(al, i, k) : raw ? &it->fr : &it->fc;
        if (!(vl->text = ca_strdup(stext)))
            return -1;
        if (it->time_text && !(vl->time_text = ca_strdup(it->time_text)))
            return -1;
        if (w->match[i] < 0 && it->quote) {
            /* the quoted message: what the reply above it quotes */
            const ca_event *reply = NULL;
            for (size_t l = r->n_lines - 1; l-- > 0 && !reply;)
                if (r->lines[l].match != NO_EVENT)
                    reply = ca_import_event(v->imp, r->lines[l].match);
            size_t target = NO_EVENT;
            for (size_t x = c->start; reply && reply->reply_to && x < c->end && target == NO_EVENT; x++) {
                const ca_event *q = ca_import_event(v->imp, x);
                if (q->id && strcmp(q->id, reply->reply_to) == 0 && q->kind == CA_KIND_MESSAGE)
                    target = x;
            }
            const char *qt = target != NO_EVENT ? ca_verify_event_text(ca_import_event(v->imp, target))
                             : reply ? reply->quote_text : NULL;
            if (qt && *qt) {
                /* compared without the "名字：" the quote shows first */
                const char *qs = stext + it->quote_at;
                fstr qf, tf;
                memset(&qf, 0, sizeof qf);
                memset(&tf, 0, sizeof tf);
                if (fold_text(qt, strlen(qt), &al->nm, &qf) < 0 || fold_text(qs, strlen(qs), &al->nm, &tf) < 0) {
                    fstr_free(&qf);
                    fstr_free(&tf);
                    return -1;
                }
                double sim = similarity(&tf, &qf, &al->sc);
                if (sim < 0.999 && sim >= MIN_SIM && make_diff(vl, qs, &tf, qt, &qf) < 0) {
                    fstr_free(&qf);
                    fstr_free(&tf);
                    return -1;
                }
                fstr_free(&tf);
                fstr_free(&qf);
                vl->match = target;
                vl->similarity = sim;
                if (target != NO_EVENT)
                    vl->match_who = event_who(v, ca_import_event(v->imp, target));
                vl->status = sim >= 0.999 ? (same_but_space(stext + it->quote_at, qt) ? CA_VLINE_EXACT
                                                                                        : CA_VLINE_OCR_NOISE)
                             : sim >= MIN_SIM ? CA_VLINE_ALTERED : CA_VLINE_ABSENT;
                if (vl->status == CA_VLINE_ALTERED) {
                    altered++;
                    quote(q1, sizeof q1, qt);
                    if (add_evidence(r, "line %ld: the quoted message reads \"%s\" in the log", it->line, q1) < 0)
                        return -1;
                }
                if (vl->status != CA_VLINE_ABSENT) {
                    i++;
                    continue;
                }
                vl->match = NO_EVENT;
            }
        }
        if (w->match[i] < 0) {
            vl->status = CA_VLINE_ABSENT;
            absent++;
            quote(q1, sizeof q1, stext);
            if (add_evidence(r, "line %ld: \"%s\"%s%s is not in the log", it->line, q1,
                             it->sender ? " by " : "", it->sender ? it->sender : "") < 0)
                return -1;
            i++;
            continue;
        }
        size_t ev = w->ev[w->match[i]];
        const ca_event *e = ca_import_event(v->imp, ev);
        const char *ltext = ca_verify_event_text(e);
        vl->match = ev;
        vl->match_who = event_who(v, e);
        vl->similarity = w->sim[i];
        if (first < 0)
            first = w->match[i];
        last = w->match[i];
        matched++;
        simsum += w->sim[i];
        if (w->sim[i] >= 0.6 && sf->n >= 4)
            anchors++;
        anchor_weight += sf->n >= 4 ? w->sim[i] * (double)sf->n : 0;
        fstr lf;
        memset(&lf, 0, sizeof lf);
        if (fold_text(ltext, strlen(ltext), &al->nm, &lf) < 0)
            return -1;
        int same = (lf.n == sf->n && memcmp(lf.cp, sf->cp, lf.n * sizeof *lf.cp) == 0) ||
                   e->kind == CA_KIND_RECALL;
        if (same)
            vl->status = same_but_space(stext, ltext) ? CA_VLINE_EXACT : CA_VLINE_OCR_NOISE;
        else
            vl->status = CA_VLINE_ALTERED;
        if (!same && make_diff(vl, stext, sf, ltext, &lf) < 0) {
            fstr_free(&lf);
            return -1;
        }
        fstr_free(&lf);
        fmt_time(e->time_ms, al->tz, tbuf);
        if (vl->sender && !sender_matches(v, vl->sender, e, &al->nm)) {
            vl->status = CA_VLINE_WRONG_SENDER;
            altered++;
            quote(q1, sizeof q1, ltext);
            if (add_evidence(r, "line %ld: the log has \"%s\" from %s (%s, message %s), the screenshot "
                                "shows it from %s", it->line, q1, event_who(v, e), tbuf,
                             e->id ? e->id : "(no id)", vl->sender) < 0)
                return -1;
        } else if (vl->status == CA_VLINE_ALTERED) {
            altered++;
            if (w->sim[i] > alt_best)
                alt_best = w->sim[i];
            ca_buf was = CA_BUF_INIT, now = CA_BUF_INIT;
            for (size_t d = 0; d < vl->n_diff; d++) {
                if (vl->diff[d].op == CA_VDIFF_DELETE)
                    ca_buf_printf(&was, "%s%s", was.len ? "…" : "", vl->diff[d].text);
                else if (vl->diff[d].op == CA_VDIFF_INSERT)
                    ca_buf_printf(&now, "%s%s", now.len ? "…" : "", vl->diff[d].text);
            }
            quote(q1, sizeof q1, was.len ? was.data : "");
            quote(q2, sizeof q2, now.len ? now.data : "");
            int bad = was.oom || now.oom;
            ca_buf_free(&was);
            ca_buf_free(&now);
            char what[400];
            if (!*q1)
                snprintf(what, sizeof what, "the screenshot adds \"%s\"", q2);
            else if (!*q2)
                snprintf(what, sizeof what, "the screenshot leaves out \"%s\"", q1);
            else
                snprintf(what, sizeof what, "the log has \"%s\" where the screenshot has \"%s\"", q1, q2);
            if (bad || add_evidence(r, "line %ld: altered: %s (log message %s, %s, %s)", it->line, what,
                                    e->id ? e->id : "(no id)", tbuf, event_who(v, e)) < 0)
                return -1;
        }
        i += k;
    }
    /* not found: nothing matched that could anchor the screenshot */
    /* not found: what matched is too little text to place the screenshot
     * ("好的，收到" is in every group) */
    if (matched == 0 || anchors == 0 || anchor_weight < 8) {
        r->verdict = CA_VERDICT_NOT_FOUND;
        r->platform = r->conv_id = r->conv_name = NULL;
        for (size_t l = 0; l < r->n_lines; l++) {
            ca_vline *vl = &r->lines[l];
            vl->status = CA_VLINE_ABSENT;
            vl->match = NO_EVENT;
            vl->similarity = 0;
            for (size_t d = 0; d < vl->n_diff; d++)
                ca_free(vl->diff[d].text);
            ca_free(vl->diff);
            vl->diff = NULL;
            vl->n_diff = 0;
        }
        for (size_t k = 0; k < r->n_evidence; k++)
            ca_free(r->evidence[k]);
        r->n_evidence = 0;
        r->confidence = 0.9;
        return add_evidence(r, "no span of messages in the logs matches the screenshot");
    }
    r->span_first = w->ev[first];
    r->span_last = w->ev[last];
    r->span_events = (size_t)(last - first + 1);
    /* omitted: events inside the span no line matched */
    char *used = ca_calloc(w->m ? w->m : 1, 1);
    if (!used)
        return -1;
    for (size_t i = 0; i < sh->n; i++)
        if (w->match[i] >= 0)
            used[w->match[i]] = 1;
    size_t omitted = 0;
    size_t cur_line = NO_EVENT;
    for (long j = first; j <= last; j++) {
        if (used[j]) {
            for (size_t l = 0; l < r->n_lines; l++)
                if (r->lines[l].match == w->ev[j])
                    cur_line = l;
            continue;
        }
        const ca_event *e = ca_import_event(v->imp, w->ev[j]);
        int counts = !is_media(e) || e->kind == CA_KIND_RECALL;
        omitted += counts;
        if (add_context(r, v, w->ev[j], "inside", e->kind == CA_KIND_RECALL ? "recall" : "omitted", counts,
                        cur_line) < 0) {
            ca_free(used);
            return -1;
        }
        if (counts) {
            fmt_time(e->time_ms, al->tz, tbuf);
            quote(q1, sizeof q1, ca_verify_event_text(e));
            if (add_evidence(r, "omitted: message %s (%s, %s) \"%s\" lies inside the span but is not in "
                                "the screenshot", e->id ? e->id : "(no id)", tbuf, event_who(v, e), q1) < 0) {
                ca_free(used);
                return -1;
            }
        }
    }
    ca_free(used);
    /* cropped context: the question answered just before, a recall or a
     * correction by the same people just after */
    size_t cropped = 0;
    const ca_event *fe = ca_import_event(v->imp, r->span_first);
    const ca_event *le = ca_import_event(v->imp, r->span_last);
    for (size_t l = 0; l < r->n_lines; l++) {
        const ca_vline *vl = &r->lines[l];
        if (vl->match == NO_EVENT)
            continue;
        const ca_event *e = ca_import_event(v->imp, vl->match);
        if (!e->reply_to)
            continue;
        for (size_t x = c->start; x < r->span_first; x++) {
            const ca_event *q = ca_import_event(v->imp, x);
            if (q->id && strcmp(q->id, e->reply_to) == 0 && q->kind == CA_KIND_MESSAGE) {
                int shown = 0;
                for (size_t l2 = 0; l2 < r->n_lines; l2++)
                    shown |= r->lines[l2].match == x;
                if (shown)
                    break;
                cropped++;
                fmt_time(q->time_ms, al->tz, tbuf);
                quote(q1, sizeof q1, ca_verify_event_text(q));
                if (add_context(r, v, x, "before", "question", 1, NO_EVENT) < 0 ||
                    add_evidence(r, "cropped: line %ld quotes message %s (%s, %s) \"%s\", which the "
                                    "screenshot leaves out", vl->line, q->id, tbuf, event_who(v, q), q1) < 0)
                    return -1;
                break;
            }
        }
    }
    if (!cropped && r->span_first > c->start && !is_question(ca_verify_event_text(fe))) {
        size_t x = r->span_first;
        while (x > c->start && !alignable(ca_import_event(v->imp, x - 1)))
            x--;
        const ca_event *q = x > c->start ? ca_import_event(v->imp, x - 1) : NULL;
        int shown = 0;
        for (size_t l = 0; q && l < r->n_lines; l++)
            shown |= r->lines[l].match == x - 1;
        if (q && !shown && q->kind == CA_KIND_MESSAGE && !same_person(q, fe) && is_question(q->text) &&
            fe->time_ms - q->time_ms <= (int64_t)CTX_MINUTES * 60000 &&
            (mentions(fe, q) || mentions(q, fe) || fe->time_ms - q->time_ms <= 30 * 60000)) {
            cropped++;
            fmt_time(q->time_ms, al->tz, tbuf);
            quote(q1, sizeof q1, q->text);
            if (add_context(r, v, x - 1, "before", "question", 1, NO_EVENT) < 0 ||
                add_evidence(r, "cropped: the screenshot starts with an answer; the question it answers, "
                                "message %s (%s, %s) \"%s\", is left out", q->id ? q->id : "(no id)", tbuf,
                             event_who(v, q), q1) < 0)
                return -1;
        } else if (q && !shown && q->kind == CA_KIND_MESSAGE && !same_person(q, fe) &&
                   fe->time_ms - q->time_ms <= 30 * 60000 && q->text && (mentions(q, fe) || mentions(fe, q))) {
            /* the message the first line answers: it @mentions the first
             * sender, or the first line @mentions its sender (an insult
             * cropped above the apology it drew) */
            cropped++;
            fmt_time(q->time_ms, al->tz, tbuf);
            quote(q1, sizeof q1, q->text);
            if (add_context(r, v, x - 1, "before", "answered", 1, NO_EVENT) < 0 ||
                add_evidence(r, "cropped: the message the screenshot's first line answers, message %s (%s, %s) "
                                "\"%s\", is left out", q->id ? q->id : "(no id)", tbuf, event_who(v, q), q1) < 0)
                return -1;
        }
    }
    for (size_t x = r->span_last + 1, seen = 0; x < c->end && seen < CTX_AFTER_EVENTS; x++) {
        const ca_event *a = ca_import_event(v->imp, x);
        if (!alignable(a))
            continue;
        seen++;
        if (a->time_ms - le->time_ms > (int64_t)CTX_MINUTES * 60000)
            break;
        int by_span = 0;
        for (size_t l = 0; l < r->n_lines && !by_span; l++)
            if (r->lines[l].match != NO_EVENT) {
                const ca_event *m = ca_import_event(v->imp, r->lines[l].match);
                by_span = same_person(a, m) || (a->reply_to && m->id && strcmp(a->reply_to, m->id) == 0);
            }
        if (!by_span)
            continue;
        const char *why = a->kind == CA_KIND_RECALL ? "recall"
                          : a->kind == CA_KIND_MESSAGE && has_retraction(a->text) ? "correction" : NULL;
        if (!why)
            continue;
        cropped++;
        fmt_time(a->time_ms, al->tz, tbuf);
        quote(q1, sizeof q1, ca_verify_event_text(a));
        if (add_context(r, v, x, "after", why, 1, NO_EVENT) < 0 ||
            add_evidence(r, "cropped: right after the span %s %s (%s, message %s): \"%s\"", event_who(v, a),
                         a->kind == CA_KIND_RECALL ? "recalled a message" : "corrected or retracted",
                         tbuf, a->id ? a->id : "(no id)", q1) < 0)
            return -1;
    }
    /* the verdict and how sure it is */
    double mean = matched ? simsum / (double)matched : 0;
    if (absent) {
        r->verdict = CA_VERDICT_FABRICATED;
        r->confidence = 0.5 + 0.5 * (double)matched / (double)(matched + absent) * mean;
    } else if (altered) {
        r->verdict = CA_VERDICT_ALTERED;
        r->confidence = alt_best > 0 ? 0.5 + 0.5 * alt_best : 0.9;
    } else if (omitted || cropped) {
        r->verdict = CA_VERDICT_SELECTIVE;
        r->confidence = omitted ? 0.6 + 0.35 * mean : 0.5 + 0.3 * mean;
    } else {
        r->verdict = CA_VERDICT_FAITHFUL;
        r->confidence = 0.5 + 0.5 * mean * (anchors ? 1.0 : 0.8);
    }
    if (r->confidence > 0.99)
        r->confidence = 0.99;
    if (r->verdict == CA_VERDICT_FAITHFUL) {
        size_t ex = 0;
        for (size_t l = 0; l < r->n_lines; l++)
            ex += r->lines[l].status == CA_VLINE_EXACT;
        return add_evidence(r, "every line matches the log (%zu of %zu exactly), nothing inside the span "
                               "is left out", ex, r->n_lines);
    }
    return 0;
}

static void free_windows(window *wins, size_t n)
{
    for (size_t k = 0; wins && k < n; k++) {
        ca_free(wins[k].ev);
        ca_free(wins[k].match);
        ca_free(wins[k].runlen);
        ca_free(wins[k].use_raw);
        ca_free(wins[k].sim);
    }
    ca_free(wins);
}

/* Whether enough text matched to place the screenshot (fill_result's
 * test for not-found). */
static int window_anchored(const aligner *al, const window *w)
{
    double weight = 0;
    int anchors = 0;
    for (size_t i = 0; i < al->sh->n; i++) {
        if (w->match[i] < 0)
            continue;
        size_t n = w->use_raw[i] ? al->sh->items[i].fr.n : run_fstr(al, i, (size_t)w->runlen[i])->n;
        anchors += w->sim[i] >= 0.6 && n >= 4;
        weight += n >= 4 ? w->sim[i] * (double)n : 0;
    }
    return anchors && weight >= 8;
}

/* Seeds, windows around them (merged when they overlap) and the alignment
 * of each; *best is the best window or -1.  The windows go to *out
 * (free_windows).  0 or -1 on out of memory. */
static int search_windows(aligner *al, const char *conv_ok, window **out, size_t *n_out, long *best)
{
    const ca_verify *v = al->v;
    size_t n = al->sh->n;
    seed *seeds = NULL;
    size_t n_seeds = 0, n_wins = 0;
    *best = -1;
    *n_out = 0;
    window *wins = *out = ca_calloc(MAX_WINDOWS + 1, sizeof *wins);
    if (!wins || find_seeds(al, conv_ok, &seeds, &n_seeds) < 0)
        return -1;
    size_t margin = n + 8;
    int rc = 0;
    for (size_t s = 0; s < n_seeds && n_wins < MAX_WINDOWS && rc == 0; s++) {
        size_t e = seeds[s].ev, cv = v->conv_of[e];
        size_t lo = e > v->convs[cv].start + margin ? e - margin : v->convs[cv].start;
        size_t hi = e + margin + 1 < v->convs[cv].end ? e + margin + 1 : v->convs[cv].end;
        size_t k;
        for (k = 0; k < n_wins; k++)
            if (wins[k].conv == cv && wins[k].ev[0] <= hi && wins[k].ev[wins[k].m - 1] + 1 >= lo)
                break;
        if (k < n_wins) {
            /* grow the window to cover both */
            size_t a = wins[k].ev[0] < lo ? wins[k].ev[0] : lo;
            size_t b = wins[k].ev[wins[k].m - 1] + 1 > hi ? wins[k].ev[wins[k].m - 1] + 1 : hi;
            lo = a;
            hi = b;
            ca_free(wins[k].ev);
            wins[k].ev = NULL;
        } else {
            k = n_wins++;
            *n_out = n_wins;
            wins[k].conv = cv;
        }
        wins[k].m = 0;
        if (!(wins[k].ev = ca_malloc((hi - lo) * sizeof *wins[k].ev))) {
            rc = -1;
            break;
        }
        for (size_t x = lo; x < hi; x++)
            if (alignable(ca_import_event(v->imp, x)))
                wins[k].ev[wins[k].m++] = x;
        if (!wins[k].m)
            wins[k].ev[wins[k].m++] = lo;
    }
    ca_free(seeds);
    for (size_t k = 0; k < n_wins && rc == 0; k++) {
        window *w = &wins[k];
        w->match = ca_malloc(n * sizeof *w->match);
        w->runlen = ca_malloc(n * sizeof *w->runlen);
        w->use_raw = ca_malloc(n * sizeof *w->use_raw);
        w->sim = ca_malloc(n * sizeof *w->sim);
        if (!w->match || !w->runlen || !w->use_raw || !w->sim || align_window(al, w) < 0) {
            rc = -1;
            break;
        }
        if (*best < 0 || w->score > wins[*best].score + 1e-9 ||
            (fabs(w->score - wins[*best].score) <= 1e-9 && w->ev[0] < wins[*best].ev[0]))
            *best = (long)k;
    }
    return rc;
}

ca_status ca_verify_screenshot(const ca_verify *v, const char *path, const char *text, size_t len,
                               ca_vresult **out, const char **err)
{
    *out = NULL;
    *err = NULL;
    shot sh;
    aligner al;
    memset(&al, 0, sizeof al);
    ca_norm_init(&al.nm);
    al.v = v;
    al.sh = &sh;
    al.tz = v->cfg->tz_offset_min;
    ca_vresult *r = NULL;
    window *wins = NULL;
    size_t n_wins = 0;
    char *conv_ok = NULL;
    ca_status st = CA_FATAL;
    if (parse_shot(v, text, len, &sh) < 0)
        goto done;
    if (sh.n == 0) {
        *err = "no chat line found (expected lines like \"名字：内容\", or content lines)";
        st = CA_FAILED;
        goto done;
    }
    if (sh.n > MAX_LINES) {
        *err = "more than 400 chat lines: split the screenshots into files of their own";
        st = CA_FAILED;
        goto done;
    }
    r = ca_calloc(1, sizeof *r);
    if (!r || !(r->path = ca_strdup(path ? path : "-")))
        goto done;
    r->span_first = r->span_last = NO_EVENT;
    r->date_day = sh.date_day;
    if ((sh.group && !(r->group = ca_strdup(sh.group))) || (sh.accused && !(r->accused = ca_strdup(sh.accused))) ||
        (sh.date && !(r->date = ca_strdup(sh.date))))
        goto done;
    al.sc.row = ca_malloc(2 * (MAX_CMP + 2) * sizeof *al.sc.row);
    if (!al.sc.row || build_runs(&al) < 0)
        goto done;
    /* the group: header narrows the search when it names a conversation */
    if (sh.group) {
        fstr g;
        memset(&g, 0, sizeof g);
        conv_ok = ca_calloc(v->n_convs ? v->n_convs : 1, 1);
        if (!conv_ok || fold_text(sh.group, strlen(sh.group), &al.nm, &g) < 0) {
            fstr_free(&g);
            goto done;
        }
        size_t hits = 0;
        for (size_t c = 0; c < v->n_convs; c++)
            hits += conv_ok[c] = (char)conv_named(v, &v->convs[c], &g, &al.nm);
        fstr_free(&g);
        if (!hits) {
            ca_free(conv_ok);
            conv_ok = NULL;
        }
    }
    long best = -1;
    if (search_windows(&al, conv_ok, &wins, &n_wins, &best) < 0)
        goto done;
    /* a group: header that names the wrong group must not hide the match */
    int group_missed = 0;
    if (conv_ok && (best < 0 || !window_anchored(&al, &wins[best]))) {
        free_windows(wins, n_wins);
        wins = NULL;
        n_wins = 0;
        if (search_windows(&al, NULL, &wins, &n_wins, &best) < 0)
            goto done;
        group_missed = best >= 0 && window_anchored(&al, &wins[best]);
    }
    if (best < 0) {
        for (size_t i = 0; i < sh.n; i++) {
            ca_vline *nl = ca_realloc(r->lines, (r->n_lines + 1) * sizeof *nl);
            if (!nl)
                goto done;
            r->lines = nl;
            ca_vline *vl = &r->lines[r->n_lines++];
            memset(vl, 0, sizeof *vl);
            vl->line = vl->line_end = sh.items[i].line;
            vl->status = CA_VLINE_ABSENT;
            vl->match = NO_EVENT;
            if ((sh.items[i].sender && !(vl->sender = ca_strdup(sh.items[i].sender))) ||
                !(vl->text = ca_strdup(sh.items[i].content)) ||
                (sh.items[i].time_text && !(vl->time_text = ca_strdup(sh.items[i].time_text))))
                goto done;
        }
        r->verdict = CA_VERDICT_NOT_FOUND;
        r->confidence = 0.95;
        if (add_evidence(r, "no message in the logs shares enough text with any line of the screenshot") < 0)
            goto done;
    } else if (fill_result(&al, &wins[best], r) < 0) {
        goto done;
    } else if (group_missed && add_evidence(r, "the group: line names \"%s\", but the screenshot matches %s",
                                            sh.group, r->conv_name ? r->conv_name : "another group") < 0) {
        goto done;
    }
    *out = r;
    r = NULL;
    st = CA_OK;
done:
    free_windows(wins, n_wins);
    ca_free(conv_ok);
    if (al.runs)
        free_runs(&al);
    ca_free(al.sc.row);
    ca_norm_free(&al.nm);
    shot_free(&sh);
    ca_vresult_free(r);
    return st;
}

/* ------------------------------------------------------------ output */

static void put_oneline(ca_buf *b, const char *t)
{
    for (; t && *t; t++) {
        if (*t == '\n')
            ca_buf_puts(b, " ⏎ ");
        else if (*t != '\r')
            ca_buf_putc(b, *t);
    }
}

int ca_vresult_text(ca_buf *b, const ca_vresult *r, const ca_import *imp, int tz)
{
    char tb[32], tb2[32];
    ca_buf_printf(b, "screenshot: %s\nverdict: %s (confidence %.2f)\n", r->path, ca_verdict_name(r->verdict),
                  r->confidence);
    if (r->group)
        ca_buf_printf(b, "group: %s\n", r->group);
    if (r->accused)
        ca_buf_printf(b, "accused: %s\n", r->accused);
    if (r->date)
        ca_buf_printf(b, "date: %s\n", r->date);
    if (r->conv_id) {
        ca_buf_printf(b, "conversation: %s (%s %s)\n", r->conv_name ? r->conv_name : r->conv_id, r->platform,
                      r->conv_id);
        const ca_event *f = ca_import_event(imp, r->span_first), *l = ca_import_event(imp, r->span_last);
        fmt_time(f->time_ms, tz, tb);
        fmt_time(l->time_ms, tz, tb2);
        ca_buf_printf(b, "span: %s .. %s, %zu message%s\n", tb, tb2, r->span_events,
                      r->span_events == 1 ? "" : "s");
    }
    ca_buf_puts(b, "\nlines:\n");
    for (size_t i = 0; i < r->n_lines; i++) {
        const ca_vline *vl = &r->lines[i];
        char ln[32];
        if (vl->line_end != vl->line)
            snprintf(ln, sizeof ln, "%ld-%ld", vl->line, vl->line_end);
        else
            snprintf(ln, sizeof ln, "%ld", vl->line);
        ca_buf_printf(b, "  %-6s %-13s ", ln, ca_vline_status_name(vl->status));
        if (vl->sender)
            ca_buf_printf(b, "%s: ", vl->sender);
        put_oneline(b, vl->text);
        ca_buf_putc(b, '\n');
        if (vl->match == (size_t)-1)
            continue;
        const ca_event *e = ca_import_event(imp, vl->match);
        fmt_time(e->time_ms, tz, tb);
        ca_buf_printf(b, "  %-6s %-13s %s message %s, %s, %s: ", "", "",
                      vl->status == CA_VLINE_EXACT || vl->status == CA_VLINE_OCR_NOISE ? "=" : "≠",
                      e->id ? e->id : "(no id)", tb, vl->match_who ? vl->match_who : "");
        put_oneline(b, ca_verify_event_text(e));
        ca_buf_putc(b, '\n');
        if (vl->n_diff) {
            ca_buf_printf(b, "  %-6s %-13s diff: ", "", "");
            for (size_t d = 0; d < vl->n_diff; d++) {
                const char *open = vl->diff[d].op == CA_VDIFF_DELETE ? "[-" : vl->diff[d].op == CA_VDIFF_INSERT ? "{+" : "";
                const char *close = vl->diff[d].op == CA_VDIFF_DELETE ? "-]" : vl->diff[d].op == CA_VDIFF_INSERT ? "+}" : "";
                ca_buf_puts(b, open);
                put_oneline(b, vl->diff[d].text);
                ca_buf_puts(b, close);
            }
            ca_buf_putc(b, '\n');
        }
    }
    if (r->n_context) {
        ca_buf_puts(b, "\ncontext left out:\n");
        for (size_t k = 0; k < r->n_context; k++) {
            const ca_vcontext *c = &r->context[k];
            const ca_event *e = ca_import_event(imp, c->event);
            fmt_time(e->time_ms, tz, tb);
            ca_buf_printf(b, "  %-7s %-11s%s message %s, %s, %s: ", c->position, c->reason,
                          c->counts ? "" : " (media)", e->id ? e->id : "(no id)", tb, c->who ? c->who : "");
            put_oneline(b, ca_verify_event_text(e));
            ca_buf_putc(b, '\n');
        }
    }
    ca_buf_puts(b, "\nevidence:\n");
    for (size_t k = 0; k < r->n_evidence; k++)
        ca_buf_printf(b, "  - %s\n", r->evidence[k]);
    return b->oom ? -1 : 0;
}

static void json_key(ca_buf *b, const char *k)
{
    ca_buf_json_str(b, k);
    ca_buf_putc(b, ':');
}

static void json_time(ca_buf *b, int64_t ms, int tz)
{
    char iso[32];
    ca_time_format(ms, tz, iso);
    ca_buf_json_str(b, iso);
}

static void json_event(ca_buf *b, const ca_event *e, const char *who, int tz)
{
    json_key(b, "message_id");
    ca_buf_json_str(b, e->id);
    ca_buf_putc(b, ',');
    json_key(b, "message_time");
    json_time(b, e->time_ms, tz);
    ca_buf_putc(b, ',');
    json_key(b, "message_sender");
    ca_buf_json_str(b, who);
    ca_buf_putc(b, ',');
    json_key(b, "message_employee");
    ca_buf_json_str(b, e->employee);
    ca_buf_putc(b, ',');
    json_key(b, "message_text");
    ca_buf_json_str(b, ca_verify_event_text(e));
    ca_buf_putc(b, ',');
    json_key(b, "src");
    ca_buf src = CA_BUF_INIT;
    ca_buf_printf(&src, "%s:%ld", e->src_path ? e->src_path : "", e->src_line);
    if (src.oom)
        b->oom = 1;
    ca_buf_json_str(b, ca_buf_cstr(&src));
    ca_buf_free(&src);
}

int ca_vresult_json(ca_buf *b, const ca_vresult *r, const ca_import *imp, int tz)
{
    ca_buf_putc(b, '{');
    json_key(b, "screenshot");
    ca_buf_json_str(b, r->path);
    ca_buf_putc(b, ',');
    json_key(b, "verdict");
    ca_buf_json_str(b, ca_verdict_name(r->verdict));
    ca_buf_printf(b, ",\"confidence\":%.2f,", r->confidence);
    json_key(b, "group");
    ca_buf_json_str(b, r->group);
    ca_buf_putc(b, ',');
    json_key(b, "accused");
    ca_buf_json_str(b, r->accused);
    ca_buf_putc(b, ',');
    json_key(b, "date");
    ca_buf_json_str(b, r->date);
    ca_buf_putc(b, ',');
    json_key(b, "conversation");
    if (r->conv_id) {
        ca_buf_putc(b, '{');
        json_key(b, "platform");
        ca_buf_json_str(b, r->platform);
        ca_buf_putc(b, ',');
        json_key(b, "id");
        ca_buf_json_str(b, r->conv_id);
        ca_buf_putc(b, ',');
        json_key(b, "name");
        ca_buf_json_str(b, r->conv_name);
        ca_buf_puts(b, "},");
        const ca_event *f = ca_import_event(imp, r->span_first), *l = ca_import_event(imp, r->span_last);
        json_key(b, "span");
        ca_buf_putc(b, '{');
        json_key(b, "first_message_id");
        ca_buf_json_str(b, f->id);
        ca_buf_putc(b, ',');
        json_key(b, "last_message_id");
        ca_buf_json_str(b, l->id);
        ca_buf_putc(b, ',');
        json_key(b, "first_time");
        json_time(b, f->time_ms, tz);
        ca_buf_putc(b, ',');
        json_key(b, "last_time");
        json_time(b, l->time_ms, tz);
        ca_buf_printf(b, ",\"messages\":%zu},", r->span_events);
    } else {
        ca_buf_puts(b, "null,\"span\":null,");
    }
    json_key(b, "lines");
    ca_buf_putc(b, '[');
    for (size_t i = 0; i < r->n_lines; i++) {
        const ca_vline *vl = &r->lines[i];
        ca_buf_printf(b, "%s{\"line\":%ld,\"line_end\":%ld,", i ? "," : "", vl->line, vl->line_end);
        json_key(b, "sender");
        ca_buf_json_str(b, vl->sender);
        ca_buf_putc(b, ',');
        json_key(b, "text");
        ca_buf_json_str(b, vl->text);
        ca_buf_putc(b, ',');
        json_key(b, "time");
        ca_buf_json_str(b, vl->time_text);
        ca_buf_putc(b, ',');
        json_key(b, "status");
        ca_buf_json_str(b, ca_vline_status_name(vl->status));
        ca_buf_printf(b, ",\"similarity\":%.2f", vl->similarity);
        if (vl->match != (size_t)-1) {
            ca_buf_putc(b, ',');
            json_event(b, ca_import_event(imp, vl->match), vl->match_who, tz);
        } else {
            ca_buf_puts(b, ",\"message_id\":null");
        }
        if (vl->n_diff) {
            ca_buf_puts(b, ",\"diff\":[");
            for (size_t d = 0; d < vl->n_diff; d++) {
                static const char *const ops[] = {"equal", "delete", "insert"};
                ca_buf_printf(b, "%s{\"op\":\"%s\",\"text\":", d ? "," : "", ops[vl->diff[d].op]);
                ca_buf_json_str(b, vl->diff[d].text);
                ca_buf_putc(b, '}');
            }
            ca_buf_putc(b, ']');
        }
        ca_buf_putc(b, '}');
    }
    ca_buf_puts(b, "],");
    json_key(b, "context");
    ca_buf_putc(b, '[');
    for (size_t k = 0; k < r->n_context; k++) {
        const ca_vcontext *c = &r->context[k];
        ca_buf_printf(b, "%s{\"position\":\"%s\",\"reason\":\"%s\",\"counts\":%s,", k ? "," : "", c->position,
                      c->reason, c->counts ? "true" : "false");
        json_event(b, ca_import_event(imp, c->event), c->who, tz);
        ca_buf_putc(b, '}');
    }
    ca_buf_puts(b, "],");
    json_key(b, "evidence");
    ca_buf_putc(b, '[');
    for (size_t k = 0; k < r->n_evidence; k++) {
        if (k)
            ca_buf_putc(b, ',');
        ca_buf_json_str(b, r->evidence[k]);
    }
    ca_buf_puts(b, "]}\n");
    return b->oom ? -1 : 0;
}
