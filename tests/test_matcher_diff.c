/* Differential tests of the matcher: every scan of random texts against a
 * straightforward reference (memmem for every term, a global pcre2_match
 * loop for every pattern), compared match by match in the order the API
 * promises.  The pieces the terms and texts are made of are chosen to hit
 * the automaton's corners: CJK characters that share their first one or
 * two bytes, one- and two-byte terms, lone lead and continuation bytes
 * (invalid UTF-8), terms that share prefixes and suffixes, and, for the
 * patterns, ASCII, full-width and Arabic-Indic digits and newlines.  Valid
 * terms are also scanned over invalid text: the matcher then takes
 * three-byte characters whole (matcher.c, "Three-byte characters in one
 * step"), which must not change a match. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "check.h"
#include "matcher.h"
#include "match_hits.h"


static uint64_t rng_state = 0x2545F4914F6CDD1DULL;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* 一 丁 七 丐 中 share E4 B8; 乐 乔 share E4 B9; 犯 罪 率 偷 东 西 come
 * from the sample lexicon's pattern; 亀 (E4 BA 80) and 倀 (E5 80 80) end
 * in the byte of 一 (E4 B8 80), so one bit of a state's follow filter
 * stands for all three; 。 and … have other lead bytes.  Then every other
 * length of UTF-8: ASCII, digits (ASCII, full width, Arabic-Indic, the
 * Devanagari ३ of three bytes, the mathematical 𝟘 of four), é and я of
 * two bytes, the emoji 😀 of four (no digit), and raw bytes. */
static const char *const valid_pieces[] = {
    "一", "丁", "七", "丐", "中", "乐", "乔", "犯", "罪", "率", "偷", "东", "西",
    "亀", "倀", "。", "…",  "a",  "b",  "x",  "1",  "2",  "9",  "０", "１", "٣",
    "३",  "𝟘",  "é",  "я",  "😀", "\n", " ",
};
static const char *const raw_pieces[] = {"\xe4", "\xe4\xb8", "\xb8", "\x80", "\xff", "\xe4\xb8\xe4"};

/* A piece of text: valid UTF-8, or sometimes raw bytes when !valid. */
static size_t random_piece(char *out, int valid)
{
    size_t nv = CA_ARRAY_LEN(valid_pieces), nr = CA_ARRAY_LEN(raw_pieces);
    const char *p = !valid && rnd() % 8 == 0 ? raw_pieces[rnd() % nr] : valid_pieces[rnd() % nv];
    memcpy(out, p, strlen(p));
    return strlen(p);
}

/* Matches sorted as the scan must report them: by end, then terms before
 * patterns, terms longest first then by id (ids rise in the order added),
 * patterns by their number (kept in start's place: see ref_patterns). */
typedef struct ref_match {
    ca_match m;
    int pattern; /* -1 for a term, else the pattern number */
} ref_match;

static int cmp_ref(const void *a, const void *b)
{
    const ref_match *x = a, *y = b;
    if (x->m.end != y->m.end)
        return x->m.end < y->m.end ? -1 : 1;
    if ((x->pattern < 0) != (y->pattern < 0))
        return x->pattern < 0 ? -1 : 1;
    if (x->pattern >= 0)
        return x->pattern < y->pattern ? -1 : x->pattern > y->pattern;
    if (x->m.start != y->m.start)
        return x->m.start < y->m.start ? -1 : 1;
    return x->m.id < y->m.id ? -1 : x->m.id > y->m.id;
}

typedef struct refs {
    ref_match *v;
    size_t n, cap;
} refs;

static void ref_add(refs *r, size_t start, size_t end, uint32_t id, int pattern)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->v = realloc(r->v, r->cap * sizeof *r->v);
    }
    r->v[r->n++] = (ref_match){{start, end, id}, pattern};
}

/* The global search the API describes, on valid text: leftmost non-empty
 * matches, each search resuming where the previous match ended. */
static void ref_pattern(refs *r, pcre2_code *code, const char *text, size_t len, uint32_t id,
                        int k)
{
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    size_t off = 0;
    while (off < len) {
        int rc = pcre2_match(code, (PCRE2_SPTR)text, len, off, PCRE2_NOTEMPTY, md, NULL);
        if (rc < 0)
            break;
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        size_t a = ov[0], b = ov[1];
        if (a > b)
            a = b;
        if (b > off) {
            if (b > a)
                ref_add(r, a, b, id, k);
            off = b;
            continue;
        }
        off++;
        while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
            off++;
    }
    pcre2_match_data_free(md);
}

static int same_stream(const hits *got, const refs *want)
{
    if (got->n != want->n)
        return 0;
    for (size_t i = 0; i < got->n; i++)
        if (got->v[i].start != want->v[i].m.start || got->v[i].end != want->v[i].m.end ||
            got->v[i].id != want->v[i].m.id)
            return 0;
    return 1;
}

enum { ROUNDS = 60, MAX_TERMS = 400, TEXTS = 40 };

/* One round: a random automaton (sometimes with patterns), random texts,
 * every scan compared with the reference.  The terms are valid UTF-8 when
 * valid_terms, the texts when valid (patterns need both).  Returns the
 * matches seen. */
static size_t diff_round(int valid_terms, int valid, const char *const *pats, size_t n_pats)
{
    size_t n_terms = 1 + rnd() % MAX_TERMS, seen = 0;
    char (*terms)[64] = malloc(n_terms * sizeof *terms);
    size_t *lens = malloc(n_terms * sizeof *lens);
    ca_matcher *m = ca_matcher_new();
    for (size_t i = 0; i < n_terms; i++) {
        size_t pieces = 1 + rnd() % 4;
        lens[i] = 0;
        if (i > 0 && rnd() % 4 == 0) { /* share a prefix or a suffix with a term */
            size_t j = rnd() % i, cut = rnd() % (lens[j] + 1);
            while (valid_terms && cut < lens[j] && ((unsigned char)terms[j][cut] & 0xC0) == 0x80)
                cut++; /* valid text: cut between characters */
            if (rnd() % 2) { /* the first cut bytes of term j, then more */
                memcpy(terms[i], terms[j], cut);
                lens[i] = cut;
            } else { /* its last bytes, then more: a shared middle */
                memcpy(terms[i], terms[j] + cut, lens[j] - cut);
                lens[i] = lens[j] - cut;
            }
            if (lens[i] > 40) {
                lens[i] = 40;
                while (valid_terms && lens[i] && ((unsigned char)terms[i][lens[i]] & 0xC0) == 0x80)
                    lens[i]--;
            }
        }
        for (size_t k = 0; k < pieces; k++)
            lens[i] += random_piece(terms[i] + lens[i], valid_terms);
        CHECK_INT(ca_matcher_add(m, terms[i], lens[i], (uint32_t)i), 0);
    }
    pcre2_code **codes = calloc(n_pats ? n_pats : 1, sizeof *codes);
    for (size_t k = 0; k < n_pats; k++) {
        char err[128];
        CHECK_INT(ca_matcher_add_regex(m, pats[k], (uint32_t)(n_terms + k), err, sizeof err), 0);
        int ec;
        PCRE2_SIZE eo;
        codes[k] = pcre2_compile((PCRE2_SPTR)pats[k], PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
                                 &ec, &eo, NULL);
        CHECK(codes[k] != NULL);
    }
    CHECK_INT(ca_matcher_build(m), 0);
    ca_match_scratch *s = ca_match_scratch_new(m);
    char text[1024];
    for (int t = 0; t < TEXTS; t++) {
        size_t len = 0, pieces = rnd() % 120;
        for (size_t k = 0; k < pieces && len < sizeof text - 64; k++) {
            if (rnd() % 6 == 0) { /* a term, so that there are hits */
                size_t j = rnd() % n_terms;
                memcpy(text + len, terms[j], lens[j]);
                len += lens[j];
            } else {
                len += random_piece(text + len, valid);
            }
        }
        refs want = {0};
        for (size_t i = 0; i < n_terms; i++) {
            for (size_t at = 0; at + lens[i] <= len; at++)
                if (memcmp(text + at, terms[i], lens[i]) == 0)
                    ref_add(&want, at, at + lens[i], (uint32_t)i, -1);
        }
        for (size_t k = 0; k < n_pats; k++)
            ref_pattern(&want, codes[k], text, len, (uint32_t)(n_terms + k), (int)k);
        /* a term added twice: reported once per id, in the order added —
         * which cmp_ref's id order gives, ids rising with the adds */
        if (want.n)
            qsort(want.v, want.n, sizeof *want.v, cmp_ref);
        hits got = {0};
        size_t n = valid ? ca_matcher_scan_valid(m, s, text, len, collect, &got)
                         : ca_matcher_scan(m, NULL, text, len, collect, &got);
        if (!valid && n_pats == 0 && rnd() % 2) { /* the other entry point: same terms */
            hits again = {0};
            CHECK_INT(ca_matcher_scan(m, s, text, len, collect, &again), n);
            CHECK(same_stream(&again, &want));
            hits_free(&again);
        }
        CHECK_INT(n, want.n);
        CHECK(same_stream(&got, &want));
        if (!same_stream(&got, &want)) {
            fprintf(stderr, "round mismatch: %zu terms, text of %zu bytes, got %zu\n", n_terms, len, got.n);
            for (size_t i = 0; i < got.n || i < want.n; i++)
                if (i >= got.n || i >= want.n || got.v[i].end != want.v[i].m.end ||
                    got.v[i].start != want.v[i].m.start || got.v[i].id != want.v[i].m.id) {
                    fprintf(stderr, "  first difference at %zu: got %zu-%zu:%u, want %zu-%zu:%u\n", i,
                            i < got.n ? got.v[i].start : 0, i < got.n ? got.v[i].end : 0,
                            i < got.n ? got.v[i].id : 0, i < want.n ? want.v[i].m.start : 0,
                            i < want.n ? want.v[i].m.end : 0, i < want.n ? want.v[i].m.id : 0);
                    break;
                }
            for (size_t i = 0; i < len && i < 24; i++)
                fprintf(stderr, "%02x ", (unsigned char)text[i]);
            fprintf(stderr, "\n");
            for (size_t i = 0; i < 6 && i < got.n; i++)
                fprintf(stderr, " got %zu-%zu:%u", got.v[i].start, got.v[i].end, got.v[i].id);
            fprintf(stderr, "\n");
            for (size_t i = 0; i < 6 && i < want.n; i++)
                fprintf(stderr, " want %zu-%zu:%u", want.v[i].m.start, want.v[i].m.end, want.v[i].m.id);
            fprintf(stderr, "\n");
            t = TEXTS;
        }
        seen += got.n;
        hits_free(&got);
        free(want.v);
    }
    for (size_t k = 0; k < n_pats; k++)
        pcre2_code_free(codes[k]);
    free(codes);
    ca_match_scratch_free(s);
    ca_matcher_free(m);
    free(terms);
    free(lens);
    return seen;
}

TEST(matcher_diff_terms_any_bytes)
{
    size_t seen = 0;
    for (int r = 0; r < ROUNDS; r++)
        seen += diff_round(0, 0, NULL, 0);
    CHECK(seen > 10000); /* the comparison means something */
}

/* Valid terms (the whole-character shortcut is on) over texts with raw
 * bytes: lone lead and continuation bytes next to three-byte characters. */
TEST(matcher_diff_valid_terms_any_text)
{
    size_t seen = 0;
    for (int r = 0; r < ROUNDS; r++)
        seen += diff_round(1, 0, NULL, 0);
    CHECK(seen > 10000);
}

/* Valid terms over valid text without patterns, with few terms (mostly
 * sparse states) and many (dense rows, long suffix chains). */
TEST(matcher_diff_valid_terms_valid_text)
{
    size_t seen = 0;
    for (int r = 0; r < ROUNDS; r++)
        seen += diff_round(1, 1, NULL, 0);
    CHECK(seen > 10000);
}

TEST(matcher_diff_terms_and_patterns)
{
    /* the shapes of the sample lexicons' patterns, prefiltered or not */
    static const char *const pats[] = {
        "^(?=.*?(?:犯罪率|偷东西)).*?\\K(?:一.{0,2}率|中.{0,3}偷东西)",
        "^(?=.*?\\d{3})(?:.{0,2}[a-z]{1,2}\\d{2,4}|.*?\\K(?:一|丁)\\d{2,})",
        "^(?=.*?一七)[^\\n]*?\\K七",
        "(?<![a-z])(?:ab|xb)(?![a-z0-9])",
        "\\d+",
        "^(?=.*?\\d{2})[^\\n]*?\\K(?:一|a)\\d", /* two digits of any kind in a row */
        "^(?=.*?\\d{4}).{0,3}七",
    };
    size_t seen = 0;
    for (int r = 0; r < ROUNDS; r++)
        seen += diff_round(1, 1, pats, CA_ARRAY_LEN(pats));
    CHECK(seen > 10000);
}

TEST_MAIN()
