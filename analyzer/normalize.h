/*
 * normalize.h — the text normaliser every content rule and the screenshot
 * verifier match on (SPEC §6.3), with a map from normalized bytes back to
 * the original ones so evidence highlights the original characters.
 *
 * Per character, in this order:
 *   1. styled digits and letters that Unicode normalisation leaves alone or
 *      wraps in punctuation become the bare ASCII digit or letter:
 *      ⑴ ⒈ ❶ ➀ ➊ ⓵ ⓫ ⓿ ㈠ ㊀ ㉈ 🄁 → digits, ⒜ 🄐 🅐 🅰 🇦 ᴀ → letters (also
 *      when step 2 produces them: U+A7AE Ɪ folds to ɪ → i);
 *   2. NFKC with Unicode case folding (libutf8proc): full width → half width,
 *      ① ⓪ ² 𝟏 → digits, Ⓐ 𝐀 𝒜 🄰 ℡ → letters, ÄB → äb, ß → ss, a letter and
 *      its combining marks composed, compatibility ideographs unified;
 *   3. traditional → simplified, one character to one (OpenCC's table,
 *      data/normalization/): 麼 → 么, 開會 → 开会;
 *   4. the financial numerals 零壹贰叁肆伍陆柒捌玖拾 (and, through step 3,
 *      貳 陸 ...) → 0–9, 拾 → 10.  Plain 〇一二三 are left alone;
 *   5. with CA_NORM_STRIP only: everything that is not a letter or a digit
 *      is dropped — white space, punctuation, symbols (emoji, ❤, ★ ...),
 *      controls, format characters (ZWSP, ZWJ, BOM, bidi controls),
 *      variation selectors, private use and unassigned code points,
 *      invisible fillers (U+3164 ...).  A combining mark is kept only right
 *      after a kept letter of an alphabetic script (or a mark kept on one):
 *      marks on Han, on digits, at the start or after a dropped character
 *      go, and so do enclosing marks (the keycap U+20E3) and strike-through
 *      overlays.  Hangul jamo that meet once the characters between them
 *      are dropped are composed ("ㄱ，ㅏ" → 가), as NFC would.
 * Normalizing the output again (with the same flags) changes nothing.
 * Invalid UTF-8 is read as U+FFFD, one byte at a time (dropped under STRIP).
 */
#ifndef CA_NORMALIZE_H
#define CA_NORMALIZE_H

#include "ca.h"

typedef struct ca_norm {
    char *text;       /* normalized UTF-8, NUL-terminated */
    size_t len;
    uint32_t *map;    /* map[i]: byte offset in the original of the character that produced normalized byte i; map[len] = original length */
    size_t cap;       /* internal */
} ca_norm;

/* Sets every field to zero; no allocation.  A zeroed ca_norm is valid too. */
void ca_norm_init(ca_norm *n);

/* Frees the storage; n is empty and reusable afterwards. */
void ca_norm_free(ca_norm *n);

/* flags */
#define CA_NORM_STRIP 0x1  /* drop characters inserted between letters: spaces, punctuation, symbols, emoji, zero-width and other format characters */

/*
 * Normalizes s[0..len) (UTF-8; need not be NUL-terminated, may contain NUL)
 * into out, replacing what out held and reusing its buffers.  Afterwards
 * out->text is NUL-terminated, out->map[0..out->len] is non-decreasing and
 * out->map[out->len] == len.  A character of the original that produces
 * several normalized characters (⑽ → "10", ß → "ss") maps all of them to
 * itself; characters that combine (A + U+0308 → "ä") count as one.
 * Without CA_NORM_STRIP nothing is removed, only transformed.
 * Returns 0, or -1 on out of memory or when len >= 2^32 - 1 (offsets are
 * 32-bit); out is then empty (len 0) but still must be freed.
 * Thread-safe: uses only const tables and out.
 */
int ca_normalize(const char *s, size_t len, unsigned flags, ca_norm *out);   /* 0, or -1 on out of memory; reuses out's buffers; thread-safe (tables are const) */

/*
 * Maps a normalized byte range [a,b) back to the original byte range.
 * [*orig_start, *orig_end) runs from the start of the original character that
 * produced byte a to the end of the one that produced byte b-1, so
 * characters dropped before a or after b-1 are outside (the span of "微信"
 * in the normalization of "加 微 信：abc" is exactly "微 信").  a and b are
 * clamped to [0, n->len]; an empty range (a >= b) gives an empty range at
 * the original position of byte a.  A range that starts or ends inside a
 * normalized character still covers that character's whole original.
 */
void ca_norm_span(const ca_norm *n, size_t a, size_t b, size_t *orig_start, size_t *orig_end);

/* Traditional → simplified for one code point (step 3 above); cp itself if
 * the table has no entry.  Generated: analyzer/norm_tables.c. */
uint32_t ca_norm_t2s(uint32_t cp);

#endif
