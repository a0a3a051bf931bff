/*
 * normalize.c — the text normaliser (see normalize.h for the steps).
 *
 * Storage: text has cap + 1 bytes.  map is one block of 2 * (cap + 1)
 * uint32_t: map[0..cap] are the public start offsets, and ends[0..cap] at
 * map + cap + 1 are the offsets just past the original character(s) that
 * produced each normalized byte — what ca_norm_span needs to leave out
 * characters dropped after a match.
 *
 * The input is cut into composition segments: a code point plus the ones
 * after it that may compose or reorder with it under NFKC (combining marks,
 * Hangul vowel and trailing jamo, halfwidth voiced sound marks ...).  A
 * segment is normalized with utf8proc and every byte it produces maps to
 * the whole segment, so the map is exact to the user-visible character.
 * Fast paths that never call utf8proc: ASCII, and the CJK ideographs
 * U+3400–U+4DBF and U+4E00–U+9FFF (no decomposition, no case, never
 * compose), which only go through the traditional → simplified table.
 */
#include <string.h>
#include <utf8proc.h>
#include "normalize.h"

/* NFKC + case fold.  No UTF8PROC_IGNORE: without CA_NORM_STRIP nothing is
 * removed, and with it the classification below drops those anyway. */
#define UOPTS (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | \
               UTF8PROC_CASEFOLD)
/* Code points per segment.  Longer runs of combining marks (Zalgo text)
 * are cut, as in Unicode's stream-safe format (30 non-starters). */
#define SEG_MAX 32
/* Decomposed code points per segment: the longest decomposition is 18
 * (U+FDFA), so SEG_MAX * 18 fits. */
#define DEC_MAX 1024

/* What a following combining mark would attach to, under CA_NORM_STRIP. */
enum { B_NONE, B_ALPHA, B_OTHER };

typedef struct {
    ca_norm *n;
    char *t;
    uint32_t *ms, *me; /* start and end offsets, see above */
    size_t len, cap;
    int strip;
    int base;
} writer;

/* ASCII after case folding, and under CA_NORM_STRIP (0 = dropped). */
static const unsigned char ascii_fold[128] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
    '@', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '[', '\\', ']', '^', '_',
    '`', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '{', '|', '}', '~', 127,
};
static const unsigned char ascii_strip[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
    ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
    ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
    ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
    ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
    ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
    ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z',
};

/* Step 1: styled digits and letters → ASCII.  Sorted by lo.  kind 'n':
 * value + (cp - lo); 't': tens, 10 * (1 + cp - lo); 'l': letter
 * value + (cp - lo).  Ranges NFKC already maps to a bare digit or letter
 * (① ⓪ ㉑ Ⓐ 𝐀 🄰 ...) are not here. */
static const struct style {
    uint32_t lo, hi;
    char kind;
    unsigned char value;
} styles[] = {
    {0x0262, 0x0262, 'l', 'g'},  /* LATIN LETTER SMALL CAPITAL G */
    {0x026A, 0x026A, 'l', 'i'},
    {0x0274, 0x0274, 'l', 'n'},
    {0x0280, 0x0280, 'l', 'r'},
    {0x028F, 0x028F, 'l', 'y'},
    {0x0299, 0x0299, 'l', 'b'},
    {0x029C, 0x029C, 'l', 'h'},
    {0x029F, 0x029F, 'l', 'l'},
    {0x1D00, 0x1D00, 'l', 'a'},
    {0x1D04, 0x1D04, 'l', 'c'},
    {0x1D05, 0x1D05, 'l', 'd'},
    {0x1D07, 0x1D07, 'l', 'e'},
    {0x1D0A, 0x1D0A, 'l', 'j'},
    {0x1D0B, 0x1D0B, 'l', 'k'},
    {0x1D0D, 0x1D0D, 'l', 'm'},
    {0x1D0F, 0x1D0F, 'l', 'o'},
    {0x1D18, 0x1D18, 'l', 'p'},
    {0x1D1B, 0x1D1B, 'l', 't'},
    {0x1D1C, 0x1D1C, 'l', 'u'},
    {0x1D20, 0x1D20, 'l', 'v'},
    {0x1D21, 0x1D21, 'l', 'w'},
    {0x1D22, 0x1D22, 'l', 'z'},
    {0x2474, 0x2487, 'n', 1},    /* ⑴..⒇ PARENTHESIZED DIGIT ONE..NUMBER TWENTY */
    {0x2488, 0x249B, 'n', 1},    /* ⒈..⒛ DIGIT ONE FULL STOP..NUMBER TWENTY FULL STOP */
    {0x249C, 0x24B5, 'l', 'a'},  /* ⒜..⒵ PARENTHESIZED LATIN SMALL LETTER */
    {0x24EB, 0x24F4, 'n', 11},   /* ⓫..⓴ NEGATIVE CIRCLED NUMBER ELEVEN..TWENTY */
    {0x24F5, 0x24FE, 'n', 1},    /* ⓵..⓾ DOUBLE CIRCLED DIGIT ONE..NUMBER TEN */
    {0x24FF, 0x24FF, 'n', 0},    /* ⓿ NEGATIVE CIRCLED DIGIT ZERO */
    {0x2776, 0x277F, 'n', 1},    /* ❶..❿ DINGBAT NEGATIVE CIRCLED */
    {0x2780, 0x2789, 'n', 1},    /* ➀..➉ DINGBAT CIRCLED SANS-SERIF */
    {0x278A, 0x2793, 'n', 1},    /* ➊..➓ DINGBAT NEGATIVE CIRCLED SANS-SERIF */
    {0x3220, 0x3229, 'n', 1},    /* ㈠..㈩ PARENTHESIZED IDEOGRAPH ONE..TEN */
    {0x3248, 0x324F, 't', 0},    /* ㉈..㉏ CIRCLED NUMBER TEN..EIGHTY ON BLACK SQUARE */
    {0x3280, 0x3289, 'n', 1},    /* ㊀..㊉ CIRCLED IDEOGRAPH ONE..TEN */
    {0xA730, 0xA730, 'l', 'f'},  /* LATIN LETTER SMALL CAPITAL F */
    {0xA731, 0xA731, 'l', 's'},
    {0xA7AF, 0xA7AF, 'l', 'q'},
    {0x1F100, 0x1F100, 'n', 0},  /* 🄀 DIGIT ZERO FULL STOP */
    {0x1F101, 0x1F10A, 'n', 0},  /* 🄁..🄊 DIGIT ZERO COMMA..DIGIT NINE COMMA */
    {0x1F10B, 0x1F10B, 'n', 0},  /* 🄋 DINGBAT CIRCLED SANS-SERIF DIGIT ZERO */
    {0x1F10C, 0x1F10C, 'n', 0},  /* 🄌 DINGBAT NEGATIVE CIRCLED SANS-SERIF DIGIT ZERO */
    {0x1F110, 0x1F129, 'l', 'a'}, /* 🄐..🄩 PARENTHESIZED LATIN CAPITAL LETTER */
    {0x1F12A, 0x1F12A, 'l', 's'}, /* 🄪 TORTOISE SHELL BRACKETED LATIN CAPITAL S */
    {0x1F150, 0x1F169, 'l', 'a'}, /* 🅐..🅩 NEGATIVE CIRCLED LATIN CAPITAL LETTER */
    {0x1F170, 0x1F189, 'l', 'a'}, /* 🅰..🆉 NEGATIVE SQUARED LATIN CAPITAL LETTER */
    {0x1F1E6, 0x1F1FF, 'l', 'a'}, /* 🇦..🇿 REGIONAL INDICATOR SYMBOL LETTER */
};

/* Writes the ASCII for a styled character to o; returns its length, or 0
 * if c is not one. */
static int style_map(uint32_t c, char o[2])
{
    if (c < styles[0].lo || c > styles[CA_ARRAY_LEN(styles) - 1].hi)
        return 0;
    size_t lo = 0, hi = CA_ARRAY_LEN(styles);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (styles[mid].hi < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == CA_ARRAY_LEN(styles) || c < styles[lo].lo)
        return 0;
    const struct style *st = &styles[lo];
    unsigned v = st->value + (c - st->lo);
    if (st->kind == 'l') {
        o[0] = (char)v;
        return 1;
    }
    if (st->kind == 't')
        v = 10 * (1 + (c - st->lo));
    if (v >= 10) {
        o[0] = (char)('0' + v / 10);
        o[1] = (char)('0' + v % 10);
        return 2;
    }
    o[0] = (char)('0' + v);
    return 1;
}

/* Step 4: the financial numerals (simplified forms; the traditional ones
 * arrive here through step 3).  -1 if c is none. */
static inline int financial(uint32_t c)
{
    /* the low bytes of the eleven, so that most characters are turned
     * away by one bit test instead of a chain of compares */
    static const uint64_t low_bytes[4] = {0x0001000000002000ull, 0x0000000000001040ull,
                                          0x0000000000400040ull, 0x4240000000040002ull};
    if (!(low_bytes[(c & 0xFFu) >> 6] >> (c & 63u) & 1u))
        return -1;
    switch (c) {
    case 0x96F6: return 0;  /* 零 */
    case 0x58F9: return 1;  /* 壹 */
    case 0x8D30: return 2;  /* 贰 */
    case 0x53C1: return 3;  /* 叁 */
    case 0x8086: return 4;  /* 肆 */
    case 0x4F0D: return 5;  /* 伍 */
    case 0x9646: return 6;  /* 陆 */
    case 0x67D2: return 7;  /* 柒 */
    case 0x634C: return 8;  /* 捌 */
    case 0x7396: return 9;  /* 玖 */
    case 0x62FE: return 10; /* 拾 */
    default: return -1;
    }
}

/* The CJK ideographs of the fast path: no decomposition, no case, never
 * part of a composition. */
static inline int cjk_fast(uint32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

/* Every ideograph the traditional → simplified table may hold. */
static inline int ideograph(uint32_t c)
{
    return cjk_fast(c) || (c >= 0x20000 && c <= 0x3FFFF) ||
           (c >= 0xF900 && c <= 0xFAFF);
}

static int grow(writer *w, size_t extra)
{
    ca_norm *n = w->n;
    size_t need = w->len + extra;
    size_t ncap = n->cap > 32 ? n->cap : 32;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 32)
            return -1;
        ncap *= 2;
    }
    char *t = ca_realloc(n->text, ncap + 1);
    if (!t)
        return -1;
    n->text = t;
    w->t = t;
    uint32_t *m = ca_realloc(n->map, 2 * (ncap + 1) * sizeof *m);
    if (!m)
        return -1;
    /* The ends half moves up to its new place. */
    if (w->len)
        memmove(m + ncap + 1, m + n->cap + 1, w->len * sizeof *m);
    n->map = m;
    n->cap = ncap;
    w->ms = m;
    w->me = m + ncap + 1;
    w->cap = ncap;
    return 0;
}

static inline int reserve(writer *w, size_t k)
{
    return w->len + k <= w->cap ? 0 : grow(w, k);
}

#if defined(__GNUC__)
#define HOT_INLINE static inline __attribute__((always_inline))
#else
#define HOT_INLINE static inline
#endif

/* The caller has reserved the room. */
HOT_INLINE void put_byte(writer *w, unsigned c, uint32_t os, uint32_t oe)
{
    w->t[w->len] = (char)c;
    w->ms[w->len] = os;
    w->me[w->len] = oe;
    w->len++;
}

HOT_INLINE void put_utf8(writer *w, uint32_t c, uint32_t os, uint32_t oe)
{
    unsigned char b[4];
    size_t k;
    if (c < 0x800) {
        b[0] = (unsigned char)(0xC0 | (c >> 6));
        k = 2;
    } else if (c < 0x10000) {
        b[0] = (unsigned char)(0xE0 | (c >> 12));
        b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        k = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | (c >> 18));
        b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
        b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        k = 4;
    }
    b[k - 1] = (unsigned char)(0x80 | (c & 0x3F));
    char *t = w->t + w->len;
    uint32_t *ms = w->ms + w->len, *me = w->me + w->len;
    for (size_t i = 0; i < k; i++) {
        t[i] = (char)b[i];
        ms[i] = os;
        me[i] = oe;
    }
    w->len += k;
}

/* Step 5 for a non-ASCII code point: is it kept under CA_NORM_STRIP?
 * Updates what a following mark attaches to. */
static int keep(writer *w, uint32_t c)
{
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)c);
    switch (p->category) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
        if (p->ignorable) /* invisible fillers: U+115F, U+1160, U+3164 ... */
            break;
        w->base = ideograph(c) ? B_OTHER : B_ALPHA;
        return 1;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        w->base = B_OTHER;
        return 1;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
        /* Kept right after a letter of an alphabetic script (or a mark kept
         * on one); variation selectors, CGJ (ignorable) and overlays
         * (class 1: strike-through) go.  Once anything is dropped the
         * marks after it go too: keeping them would put a mark next to a
         * letter it was never composed with, and the output would not be
         * in NFC (normalizing twice would change it). */
        if (w->base == B_ALPHA && !p->ignorable && p->combining_class != 1)
            return 1;
        break;
    case UTF8PROC_CATEGORY_CN:
        /* Ideographs newer than libutf8proc's Unicode version. */
        if (c >= 0x20000 && c <= 0x3FFFF) {
            w->base = B_OTHER;
            return 1;
        }
        break;
    default:
        break;
    }
    w->base = B_NONE;
    return 0;
}

/* Under CA_NORM_STRIP, a Hangul vowel or trailing jamo c may land next to
 * a leading jamo or LV syllable once what stood between them is dropped
 * ("ㄱ，ㅏ"); NFC composes such neighbours, so it is composed here too, or
 * normalizing the output again would change it.  The syllable maps to both
 * originals. */
static int hangul_after_gap(writer *w, uint32_t c, uint32_t os, uint32_t oe)
{
    if (w->len >= 3) {
        const unsigned char *b = (const unsigned char *)w->t + w->len - 3;
        if ((b[0] & 0xF0) == 0xE0) { /* the last character is 3 bytes long */
            uint32_t prev = ((b[0] & 0x0Fu) << 12) | ((b[1] & 0x3Fu) << 6) | (b[2] & 0x3Fu);
            uint32_t comp = 0;
            if (c <= 0x1175 && prev >= 0x1100 && prev <= 0x1112)
                comp = 0xAC00 + ((prev - 0x1100) * 21 + (c - 0x1161)) * 28;
            else if (c >= 0x11A8 && prev >= 0xAC00 && prev <= 0xD7A3 &&
                     (prev - 0xAC00) % 28 == 0)
                comp = prev + (c - 0x11A7);
            if (comp) {
                w->len -= 3;
                put_utf8(w, comp, w->ms[w->len], oe);
                return 0;
            }
        }
    }
    if (reserve(w, 4) < 0)
        return -1;
    put_utf8(w, c, os, oe);
    return 0;
}

/* Appends one code point of NFKC + case-fold output (steps 3-5). */
static int emit(writer *w, uint32_t c, uint32_t os, uint32_t oe)
{
    if (c < 0x80) {
        unsigned o = w->strip ? ascii_strip[c] : ascii_fold[c];
        if (w->strip) {
            w->base = o >= 'a' ? B_ALPHA : o ? B_OTHER : B_NONE;
            if (!o)
                return 0;
        }
        if (reserve(w, 1) < 0)
            return -1;
        put_byte(w, o, os, oe);
        return 0;
    }
    if (ideograph(c)) {
        c = ca_norm_t2s(c);
        int d = financial(c);
        if (w->strip)
            w->base = B_OTHER;
        if (reserve(w, 4) < 0)
            return -1;
        if (d >= 10) {
            put_byte(w, '1', os, oe);
            put_byte(w, '0' + (unsigned)d - 10, os, oe);
        } else if (d >= 0) {
            put_byte(w, '0' + (unsigned)d, os, oe);
        } else {
            put_utf8(w, c, os, oe);
        }
        return 0;
    }
    if (w->strip) {
        if (!keep(w, c))
            return 0;
        if ((c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2))
            return hangul_after_gap(w, c, os, oe);
    }
    if (reserve(w, 4) < 0)
        return -1;
    put_utf8(w, c, os, oe);
    return 0;
}

/* Decodes the code point at p (< end) and sets *n to its length; an
 * invalid sequence is U+FFFD of length 1 with *bad set. */
static inline uint32_t decode(const unsigned char *p, const unsigned char *end,
                              int *n, int *bad)
{
    unsigned c = p[0];
    size_t avail = (size_t)(end - p);
    *bad = 0;
    if (c < 0x80) {
        *n = 1;
        return c;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (avail >= 2 && (p[1] & 0xC0) == 0x80) {
            *n = 2;
            return ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        }
    } else if (c >= 0xE0 && c <= 0xEF) {
        if (avail >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
            uint32_t cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
            if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) {
                *n = 3;
                return cp;
            }
        }
    } else if (c >= 0xF0 && c <= 0xF4) {
        if (avail >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
            (p[3] & 0xC0) == 0x80) {
            uint32_t cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) |
                          ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
            if (cp >= 0x10000 && cp <= 0x10FFFF) {
                *n = 4;
                return cp;
            }
        }
    }
    *n = 1;
    *bad = 1;
    return 0xFFFD;
}

/* May c, as the first code point of its NFKC decomposition, compose with
 * or reorder against what precedes it? */
static int joins_prev(uint32_t c, const utf8proc_property_t *p)
{
    if (p->combining_class != 0)
        return 1;
    if (p->comb_index != UINT16_MAX && p->comb_index >= 0x8000)
        return 1; /* second of a canonical composition pair */
    /* Hangul vowel and trailing consonant jamo (algorithmic composition) */
    return (c >= 0x1161 && c <= 0x1175) || (c >= 0x11A8 && c <= 0x11C2);
}

/* Is there no segment boundary before c (c must go with what precedes)? */
static int needs_prev(uint32_t c)
{
    if (c < 0x300 || cjk_fast(c))
        return 0;
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)c);
    if (joins_prev(c, p))
        return 1;
    if (p->decomp_seqindex != UINT16_MAX || p->casefold_seqindex != UINT16_MAX) {
        utf8proc_int32_t d[32];
        utf8proc_ssize_t k = utf8proc_decompose_char((utf8proc_int32_t)c, d, 32,
            UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD, NULL);
        if (k > 0 && k <= 32 && (uint32_t)d[0] != c)
            return joins_prev((uint32_t)d[0], utf8proc_get_property(d[0]));
    }
    return 0;
}

/* Step 1 again on NFKC + case-fold output, which can produce styled
 * letters (U+A7AE Ɪ folds to ɪ, U+1DAB ᶫ is ʟ): maps them and composes
 * again, since the ASCII letter may compose with a following mark.
 * Returns the new length. */
static utf8proc_ssize_t restyle(utf8proc_int32_t *buf, utf8proc_ssize_t r)
{
    utf8proc_ssize_t i, j;
    char st[2];
    for (i = 0; i < r; i++)
        if (buf[i] >= 0x262 && style_map((uint32_t)buf[i], st) > 0)
            break;
    if (i == r)
        return r;
    utf8proc_int32_t tmp[DEC_MAX];
    for (i = j = 0; i < r && j < DEC_MAX - 1; i++) {
        int k = buf[i] >= 0x262 ? style_map((uint32_t)buf[i], st) : 0;
        if (k == 0)
            tmp[j++] = buf[i];
        for (int m = 0; m < k; m++)
            tmp[j++] = (unsigned char)st[m];
    }
    memcpy(buf, tmp, (size_t)j * sizeof *buf);
    return utf8proc_normalize_utf32(buf, j, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

/* Normalizes the segment that starts at p with code point c (length l);
 * returns the number of input bytes consumed, or -1 on out of memory. */
static long segment(writer *w, const unsigned char *s, const unsigned char *p,
                    const unsigned char *end, uint32_t c, int l, int bad)
{
    uint32_t os = (uint32_t)(p - s);
    if (bad) /* invalid byte: U+FFFD, never handed to utf8proc */
        return emit(w, 0xFFFD, os, os + 1) < 0 ? -1 : 1;
    const unsigned char *q = p + l;
    int ncp = 1;
    while (q < end && *q >= 0x80 && ncp < SEG_MAX) {
        int l2, bad2;
        uint32_t c2 = decode(q, end, &l2, &bad2);
        if (bad2 || !needs_prev(c2))
            break;
        q += l2;
        ncp++;
    }
    uint32_t oe = (uint32_t)(q - s);
    /* Step 1.  Only the first code point of a segment can be styled (the
     * others join what precedes them); its ASCII goes through NFKC with
     * the marks that follow it, so 🅰 + U+0301 composes to á. */
    char st[2 + SEG_MAX * 4];
    int k = style_map(c, st);
    if (k > 0 && ncp == 1) {
        for (int i = 0; i < k; i++)
            if (emit(w, (unsigned char)st[i], os, oe) < 0)
                return -1;
        return l;
    }
    const unsigned char *seg = p;
    size_t seg_len = (size_t)(q - p);
    if (k > 0) {
        memcpy(st + k, p + l, (size_t)(q - p) - (size_t)l);
        seg = (const unsigned char *)st;
        seg_len = (size_t)k + (size_t)(q - p) - (size_t)l;
    }
    if (ncp == 1 && c >= 0xFF01 && c <= 0xFF5E) /* full width: NFKC is c - 0xFEE0 */
        return emit(w, c - 0xFEE0, os, oe) < 0 ? -1 : l;
    if (ncp == 1 && c >= 0x80) {
        const utf8proc_property_t *pr = utf8proc_get_property((utf8proc_int32_t)c);
        if (pr->decomp_seqindex == UINT16_MAX && pr->casefold_seqindex == UINT16_MAX)
            return emit(w, c, os, oe) < 0 ? -1 : l; /* NFKC leaves it alone */
    }
    utf8proc_int32_t buf[DEC_MAX];
    utf8proc_ssize_t r = utf8proc_decompose(seg, (utf8proc_ssize_t)seg_len, buf,
                                            DEC_MAX, UOPTS);
    if (r < 0 || r > DEC_MAX) {
        /* Cannot happen for valid UTF-8 within SEG_MAX; be safe anyway:
         * the first code point alone. */
        q = p + l;
        oe = os + (uint32_t)l;
        if (k > 0) {
            for (int i = 0; i < k; i++)
                if (emit(w, (unsigned char)st[i], os, oe) < 0)
                    return -1;
            return l;
        }
        r = utf8proc_decompose_char((utf8proc_int32_t)c, buf, DEC_MAX,
                                    UOPTS, NULL);
        if (r < 0 || r > DEC_MAX) {
            buf[0] = 0xFFFD;
            r = 1;
        }
    }
    r = utf8proc_normalize_utf32(buf, r, UOPTS);
    r = restyle(buf, r);
    for (utf8proc_ssize_t i = 0; i < r; i++)
        if (emit(w, (uint32_t)buf[i], os, oe) < 0)
            return -1;
    return (long)(q - p);
}

void ca_norm_init(ca_norm *n)
{
    memset(n, 0, sizeof *n);
}

void ca_norm_free(ca_norm *n)
{
    ca_free(n->text);
    ca_free(n->map);
    memset(n, 0, sizeof *n);
}

int ca_normalize(const char *str, size_t len, unsigned flags, ca_norm *out)
{
    writer w;
    w.n = out;
    w.t = out->text;
    w.ms = out->map;
    w.me = out->map ? out->map + out->cap + 1 : NULL;
    w.len = 0;
    w.cap = out->map && out->text ? out->cap : 0;
    w.strip = (flags & CA_NORM_STRIP) != 0;
    w.base = B_NONE;
    if (len >= UINT32_MAX)
        goto fail;
    /* Most text keeps its length or shrinks; growth is rare. */
    if (reserve(&w, len + len / 8 + 16) < 0)
        goto fail;

    if (!len)
        str = ""; /* NULL is fine for an empty input */
    const unsigned char *s = (const unsigned char *)str, *p = s, *end = s + len;
    const unsigned char *ascii = w.strip ? ascii_strip : ascii_fold;
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            /* A letter followed by a combining mark goes to segment(). */
            if (p + 1 < end && p[1] >= 0x80) {
                int l2, bad2;
                uint32_t c2 = decode(p + 1, end, &l2, &bad2);
                if (!bad2 && needs_prev(c2)) {
                    long r = segment(&w, s, p, end, c, 1, 0);
                    if (r < 0)
                        goto fail;
                    p += r;
                    continue;
                }
            }
            unsigned o = ascii[c];
            w.base = o >= 'a' ? B_ALPHA : o >= '0' ? B_OTHER : B_NONE;
            if (o || !w.strip) {
                if (reserve(&w, 1) < 0)
                    goto fail;
                uint32_t at = (uint32_t)(p - s);
                put_byte(&w, o, at, at + 1);
            }
            p++;
            continue;
        }
        /* The common case of Chinese text: a 3-byte ideograph that is its
         * own simplified form and no financial numeral is copied as it is
         * (what emit() would write, without decoding and encoding it). */
        if (c >= 0xE3 && c <= 0xE9 && end - p >= 3 && (p[1] & 0xC0) == 0x80 &&
            (p[2] & 0xC0) == 0x80) {
            uint32_t c3 = (c & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
            if (cjk_fast(c3) && financial(c3) < 0 && ca_norm_t2s(c3) == c3) {
                if (reserve(&w, 3) < 0)
                    goto fail;
                uint32_t at = (uint32_t)(p - s);
                for (int k = 0; k < 3; k++) {
                    w.t[w.len + (size_t)k] = (char)p[k];
                    w.ms[w.len + (size_t)k] = at;
                    w.me[w.len + (size_t)k] = at + 3;
                }
                w.len += 3;
                if (w.strip)
                    w.base = B_OTHER;
                p += 3;
                continue;
            }
        }
        int l, bad;
        uint32_t cp = decode(p, end, &l, &bad);
        if (cjk_fast(cp)) {
            uint32_t at = (uint32_t)(p - s);
            if (emit(&w, cp, at, at + (uint32_t)l) < 0)
                goto fail;
            p += l;
            continue;
        }
        long r = segment(&w, s, p, end, cp, l, bad);
        if (r < 0)
            goto fail;
        p += r;
    }
    w.t[w.len] = '\0';
    w.ms[w.len] = (uint32_t)len;
    w.me[w.len] = (uint32_t)len;
    out->len = w.len;
    return 0;

fail:
    out->len = 0;
    if (out->text)
        out->text[0] = '\0';
    if (out->map)
        out->map[0] = 0;
    return -1;
}

void ca_norm_span(const ca_norm *n, size_t a, size_t b, size_t *orig_start,
                  size_t *orig_end)
{
    if (!n->map) {
        *orig_start = *orig_end = 0;
        return;
    }
    if (a > n->len)
        a = n->len;
    if (b > n->len)
        b = n->len;
    if (a >= b) {
        *orig_start = *orig_end = n->map[a];
        return;
    }
    const uint32_t *ends = n->map + n->cap + 1;
    *orig_start = n->map[a];
    *orig_end = ends[b - 1];
}
