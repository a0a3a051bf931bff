/* Unit tests of the multi-pattern matcher: Aho–Corasick terms against a
 * naive search, PCRE2 patterns, ordering, threads, out of memory, speed. */
#include <pthread.h>
#include <time.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "check.h"
#include "matcher.h"
#include "match_hits.h"


/* Formats the hits as "start-end:id ..." for readable comparisons. */
static const char *fmt_hits(const hits *h)
{
    static char out[4096];
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < h->n && o < sizeof out - 64; i++)
        o += (size_t)snprintf(out + o, sizeof out - o, "%s%zu-%zu:%u", i ? " " : "",
                              h->v[i].start, h->v[i].end, h->v[i].id);
    return out;
}

static ca_matcher *matcher_of(const char *const *terms, size_t n)
{
    ca_matcher *m = ca_matcher_new();
    for (size_t i = 0; i < n; i++)
        CHECK_INT(ca_matcher_add(m, terms[i], strlen(terms[i]), (uint32_t)i + 1), 0);
    return m;
}

static const char *scan_str(const ca_matcher *m, ca_match_scratch *s, const char *text)
{
    hits h = {0};
    ca_matcher_scan(m, s, text, strlen(text), collect, &h);
    const char *r = fmt_hits(&h);
    hits_free(&h);
    return r;
}

TEST(matcher_overlapping_terms)
{
    static const char *const t[] = {"he", "she", "his", "hers"};
    ca_matcher *m = matcher_of(t, 4);
    CHECK_INT(ca_matcher_build(m), 0);
    /* u s h e r s: she 1-4, he 2-4 (same end: longest first), hers 2-6 */
    CHECK_STR(scan_str(m, NULL, "ushers"), "1-4:2 2-4:1 2-6:4");
    CHECK_STR(scan_str(m, NULL, "hishers"), "0-3:3 2-5:2 3-5:1 3-7:4");
    CHECK_STR(scan_str(m, NULL, "xyz"), "");
    CHECK_STR(scan_str(m, NULL, ""), "");
    CHECK_INT(ca_matcher_count(m), 4);
    ca_matcher_free(m);
}

TEST(matcher_nested_and_repeated)
{
    static const char *const t[] = {"a", "aa", "aaa"};
    ca_matcher *m = matcher_of(t, 3);
    CHECK_INT(ca_matcher_build(m), 0);
    CHECK_STR(scan_str(m, NULL, "aaaa"),
              "0-1:1 0-2:2 1-2:1 0-3:3 1-3:2 2-3:1 1-4:3 2-4:2 3-4:1");
    ca_matcher_free(m);
}

TEST(matcher_cjk_terms)
{
    /* 口交 inside 路口交通 is found (the allow list suppresses it, not the
     * matcher); 国人 inside 中国人 too; bytes are 3 per character */
    static const char *const t[] = {"口交", "路口", "交通", "中国人", "国人", "通"};
    ca_matcher *m = matcher_of(t, 6);
    CHECK_INT(ca_matcher_build(m), 0);
    CHECK_STR(scan_str(m, NULL, "路口交通很中国人"),
              "0-6:2 3-9:1 6-12:3 9-12:6 15-24:4 18-24:5");
    /* a term never matches across a character boundary: 口 is E5 8F A3,
     * 交 is E4 BA A4; the bytes A3 E4 must not start a hit */
    CHECK_STR(scan_str(m, NULL, "人口交人"), "3-9:1");
    ca_matcher_free(m);
}

TEST(matcher_duplicates_and_empty)
{
    ca_matcher *m = ca_matcher_new();
    CHECK_INT(ca_matcher_add(m, "赌博", strlen("赌博"), 7), 0);
    CHECK_INT(ca_matcher_add(m, "赌博", strlen("赌博"), 8), 0);
    CHECK_INT(ca_matcher_add(m, "赌博", strlen("赌博"), 7), 0); /* same id again: once */
    CHECK_INT(ca_matcher_add(m, "赌博", strlen("赌博"), 3), 0);
    CHECK_INT(ca_matcher_add(m, "", 0, 9), 0);
    CHECK_INT(ca_matcher_add(m, "a\0b", 3, 10), 0);
    CHECK_INT(ca_matcher_count(m), 2);
    CHECK_INT(ca_matcher_max_term_len(m), 6);
    CHECK_INT(ca_matcher_build(m), 0);
    CHECK_INT(ca_matcher_build(m), 0); /* twice: no-op */
    /* a term added with several ids is reported under each, in the order
     * they were added (one combined automaton serves several lexicons) */
    CHECK_STR(scan_str(m, NULL, "不要赌博"), "6-12:7 6-12:8 6-12:3");
    /* a callback that stops at the second id stops the scan there */
    hits st = {0};
    st.stop_after = 2;
    CHECK_INT(ca_matcher_scan(m, NULL, "赌博赌博", strlen("赌博赌博"), collect, &st), 2);
    CHECK_STR(fmt_hits(&st), "0-6:7 0-6:8");
    hits_free(&st);
    hits h = {0};
    CHECK_INT(ca_matcher_scan(m, NULL, "xa\0b", 4, collect, &h), 1);
    CHECK_STR(fmt_hits(&h), "1-4:10");
    hits_free(&h);
    /* adding after the build is refused */
    CHECK_INT(ca_matcher_add(m, "x", 1, 11), -1);
    char err[64];
    CHECK_INT(ca_matcher_add_regex(m, "x", 12, err, sizeof err), -1);
    CHECK_STR(err, "matcher already built");
    ca_matcher_free(m);
}

/* ---- many terms against a naive search ---------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

/* A small alphabet, half ASCII and half CJK, so terms overlap a lot. */
static const char *const alphabet[] = {"a", "b", "c", "d", "口", "交", "通", "路", "微", "信"};

static size_t random_string(char *out, size_t chars, size_t nalpha)
{
    size_t o = 0;
    for (size_t i = 0; i < chars; i++) {
        const char *c = alphabet[rnd() % nalpha];
        memcpy(out + o, c, strlen(c));
        o += strlen(c);
    }
    return o;
}

/* Field by field: ca_match has padding that memcmp would compare. */
static int same_hits(const hits *a, const hits *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].start != b->v[i].start || a->v[i].end != b->v[i].end ||
            a->v[i].id != b->v[i].id)
            return 0;
    return 1;
}

static int cmp_match(const void *a, const void *b)
{
    const ca_match *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

TEST(matcher_many_terms_vs_naive)
{
    enum { NTERMS = 10000, TEXT_CHARS = 6000 };
    char (*terms)[32] = malloc(NTERMS * sizeof *terms);
    size_t *lens = malloc(NTERMS * sizeof *lens);
    ca_matcher *m = ca_matcher_new();
    for (size_t i = 0; i < NTERMS; i++) {
        lens[i] = random_string(terms[i], 1 + rnd() % 7, CA_ARRAY_LEN(alphabet));
        CHECK_INT(ca_matcher_add(m, terms[i], lens[i], (uint32_t)i), 0);
    }
    CHECK_INT(ca_matcher_build(m), 0);
    char *text = malloc(TEXT_CHARS * 4);
    /* mostly the alphabet, some other bytes that reset the automaton */
    size_t len = 0;
    for (size_t i = 0; i < TEXT_CHARS; i++) {
        if (rnd() % 16 == 0)
            text[len++] = (char)" xyz\xe4"[rnd() % 5];
        else
            len += random_string(text + len, 1, CA_ARRAY_LEN(alphabet));
    }

    /* naive: every occurrence of every term under each of its ids (a term
     * drawn twice is reported under both); the count is of distinct terms */
    hits want = {0};
    size_t distinct = 0, dups = 0;
    for (size_t i = 0; i < NTERMS; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++)
            dup = lens[j] == lens[i] && memcmp(terms[j], terms[i], lens[i]) == 0;
        dups += dup;
        distinct += !dup;
        const char *p = text;
        while ((p = memmem(p, (size_t)(text + len - p), terms[i], lens[i])) != NULL) {
            ca_match mt = {(size_t)(p - text), (size_t)(p - text) + lens[i], (uint32_t)i};
            collect(&want, &mt);
            p++;
        }
    }
    CHECK_INT(ca_matcher_count(m), distinct);

    hits got = {0};
    CHECK_INT(ca_matcher_scan(m, NULL, text, len, collect, &got), want.n);
    int ordered = 1;
    for (size_t i = 1; i < got.n; i++)
        if (got.v[i].end < got.v[i - 1].end ||
            (got.v[i].end == got.v[i - 1].end && got.v[i].start < got.v[i - 1].start))
            ordered = 0;
    CHECK(ordered); /* by end, longest first at equal end */
    qsort(want.v, want.n, sizeof *want.v, cmp_match);
    qsort(got.v, got.n, sizeof *got.v, cmp_match);
    CHECK_INT(got.n, want.n);
    CHECK(same_hits(&got, &want));
    CHECK(want.n > 10000); /* the test means something */
    CHECK(dups > 100);     /* and has terms with several ids */
    hits_free(&want);
    hits_free(&got);
    free(text);
    free(terms);
    free(lens);
    ca_matcher_free(m);
}

/* Three-byte characters taken whole (matcher.c): a term going on from
 * the current state, a term going on from a shorter suffix only, terms
 * of one character, characters whose last byte shares a filter bit, a
 * character cut by the end of the text, and other UTF-8 lengths around. */
TEST(matcher_whole_characters)
{
    /* 一 E4 B8 80, 亀 E4 BA 80, 倀 E5 80 80: one follow bit (0x80 & 63) */
    static const char *const terms[] = {"中国", "国人民", "人", "一亀", "a中", "😀中", "é国"};
    ca_matcher *m = matcher_of(terms, CA_ARRAY_LEN(terms));
    CHECK_INT(ca_matcher_build(m), 0);
    /* 中中国: after 中, 中 again (the filter says no), then 国 (yes) */
    CHECK_STR(scan_str(m, NULL, "中中国"), "3-9:1");
    /* 中国人民: 国人民 goes on from the suffix 国 of 中国; 人 alone too */
    CHECK_STR(scan_str(m, NULL, "中国人民"), "0-6:1 6-9:3 3-12:2");
    /* 一倀 and 一亀: the same bit; only 一亀 is a term */
    CHECK_STR(scan_str(m, NULL, "一倀一亀"), "6-12:4");
    /* an ASCII letter, an emoji and a two-byte letter before a character */
    CHECK_STR(scan_str(m, NULL, "xa中😀中é国"), "1-5:5 5-12:6 12-17:7");
    /* the text ends inside a character: no lookup past the end */
    CHECK_STR(scan_str(m, NULL, "中\xe5\x9b"), "");
    CHECK_STR(scan_str(m, NULL, "人\xe4"), "0-3:3");
    /* a lone lead byte, then a whole 国: the state after the bad byte */
    CHECK_STR(scan_str(m, NULL, "中\xe4国人民"), "7-10:3 4-13:2");
    ca_matcher_free(m);
}

/* A term that is not valid UTF-8 (cut inside a character, or a lone
 * continuation byte) turns the whole-character lookups off: the terms
 * then still match inside characters. */
TEST(matcher_invalid_term_inside_characters)
{
    static const char *const terms[] = {"中国", "\xe5\x9b", "\xbd\xe4"};
    ca_matcher *m = matcher_of(terms, CA_ARRAY_LEN(terms));
    CHECK_INT(ca_matcher_build(m), 0);
    /* 中 E4 B8 AD, 国 E5 9B BD */
    CHECK_STR(scan_str(m, NULL, "中国中"), "3-5:2 0-6:1 5-7:3");
    ca_matcher_free(m);
}

/* ca_matcher_is_digit against PCRE2's own \d (UCP) on every code point:
 * no digit PCRE2 knows may be missing (the ^(?=.*?\d{N}) prefilter would
 * drop a match); the table may know the few digits of a newer Unicode. */
TEST(matcher_digit_table_covers_pcre2)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR) "^\\d$", PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP, &ec, &eo, NULL);
    CHECK(re != NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    size_t missing = 0, extra = 0, digits = 0;
    for (uint32_t cp = 0; cp < 0x110000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        unsigned char u[4];
        size_t n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (n == 1)
            u[0] = (unsigned char)cp;
        else {
            for (size_t k = n - 1; k > 0; k--)
                u[k] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - k))) & 0x3F));
            u[0] = (unsigned char)((0xF00u >> n) | (cp >> (6 * (n - 1))));
        }
        int pcre_digit = pcre2_match(re, u, n, 0, 0, md, NULL) >= 0;
        int ours = ca_matcher_is_digit(cp);
        digits += pcre_digit;
        missing += pcre_digit && !ours;
        extra += ours && !pcre_digit;
    }
    CHECK_INT(missing, 0);
    CHECK(digits >= 650); /* Unicode 14 has 660 decimal digits: the test means something */
    CHECK(extra <= 100);  /* the digits Unicode 15 and 16 added */
    pcre2_match_data_free(md);
    pcre2_code_free(re);
}

/* The ^(?=.*?\d{N}) prefilter on digits of every UTF-8 length, an emoji
 * (no digit) between digits, and a run cut by a malformed byte. */
TEST(matcher_digit_prefilter_exact)
{
    ca_matcher *m = ca_matcher_new();
    char err[128];
    CHECK_INT(ca_matcher_add_regex(m, "^(?=.*?\\d{3}).", 1, err, sizeof err), 0);
    CHECK_INT(ca_matcher_build(m), 0);
    ca_match_scratch *s = ca_match_scratch_new(m);
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"ab12c3", ""},
        {"ab123", "0-1:1"},
        {"x1٣३", "0-1:1"},             /* ASCII, two bytes, three bytes */
        {"𝟘𝟙x", ""},                  /* four bytes, only two */
        {"中文𝟘𝟙𝟚", "0-3:1"},
        {"1😀23", ""},                  /* an emoji between */
        {"😀😀😀😀😀😀😀😀", ""},        /* nothing but emoji, a block of eight at a time */
        {"一二三四五六七八九十1२3", "0-3:1"}, /* the run after a block of eight */
        {"12\xff" "3", ""},              /* the bad byte ends the stretch (and the run) */
        {"\xff" "123", "1-2:1"},
    };
    for (size_t i = 0; i < CA_ARRAY_LEN(cases); i++) {
        CHECK_STR(scan_str(m, s, cases[i].text), cases[i].want);
        /* the same verdicts through the entry point for valid text */
        if (!strchr(cases[i].text, '\xff')) {
            hits h = {0};
            ca_matcher_scan_valid(m, s, cases[i].text, strlen(cases[i].text), collect, &h);
            CHECK_STR(fmt_hits(&h), cases[i].want);
            hits_free(&h);
        }
    }
    ca_match_scratch_free(s);
    ca_matcher_free(m);
}

/* ---- patterns -------------------------------------------------------------- */

TEST(matcher_regex_hits)
{
    ca_matcher *m = ca_matcher_new();
    char err[128] = "";
    CHECK_INT(ca_matcher_add(m, "微信", strlen("微信"), 1), 0);
    CHECK_INT(ca_matcher_add(m, "45", 2, 5), 0);
    CHECK_INT(ca_matcher_add_regex(m, "加(微信|v|vx)[a-z0-9_]{5,}", 2, err, sizeof err), 0);
    CHECK_INT(ca_matcher_add_regex(m, "\\d{5,}", 3, err, sizeof err), 0);
    CHECK_INT(ca_matcher_add_regex(m, "x*", 4, err, sizeof err), 0); /* empty matches: none */
    CHECK_INT(ca_matcher_count(m), 5);
    CHECK_INT(ca_matcher_pattern_count(m), 3);
    CHECK_INT(ca_matcher_build(m), 0);
    ca_match_scratch *s = ca_match_scratch_new(m);
    CHECK(s != NULL);
    /* 加微信abc123 = bytes 0-15; 微信 3-9; 123456 is 18-24; xx 24-26 */
    CHECK_STR(scan_str(m, s, "加微信abc123，123456xx"), "3-9:1 0-15:2 21-23:5 18-24:3 24-26:4");
    /* at the same end offset terms come first, then patterns in order */
    CHECK_STR(scan_str(m, s, "12345微信"), "3-5:5 0-5:3 5-11:1");
    /* without a scratch: terms only */
    CHECK_STR(scan_str(m, NULL, "加微信abc123"), "3-9:1");
    /* a pattern's successive matches do not overlap */
    CHECK_STR(scan_str(m, s, "1234567890 12345"), "3-5:5 0-10:3 14-16:5 11-16:3");
    CHECK_INT(ca_match_scratch_failures(s), 0);
    /* valid UTF-8 scanned without the check: the same hits */
    const char *texts[] = {"加微信abc123，123456xx", "12345微信", "1234567890 12345", ""};
    for (size_t i = 0; i < CA_ARRAY_LEN(texts); i++) {
        hits a = {0}, b = {0};
        size_t na = ca_matcher_scan(m, s, texts[i], strlen(texts[i]), collect, &a);
        size_t nb = ca_matcher_scan_valid(m, s, texts[i], strlen(texts[i]), collect, &b);
        CHECK_INT(nb, na);
        CHECK(same_hits(&a, &b));
        hits_free(&a);
        hits_free(&b);
    }
    ca_match_scratch_free(s);
    ca_matcher_free(m);
}

TEST(matcher_regex_invalid_utf8)
{
    ca_matcher *m = ca_matcher_new();
    char err[128];
    CHECK_INT(ca_matcher_add_regex(m, "\\d+", 1, err, sizeof err), 0);
    CHECK_INT(ca_matcher_add_regex(m, "^.", 2, err, sizeof err), 0);
    CHECK_INT(ca_matcher_add(m, "\xff", 1, 3), 0);
    CHECK_INT(ca_matcher_build(m), 0);
    ca_match_scratch *s = ca_match_scratch_new(m);
    /* patterns run on each valid stretch (so ^ matches after a bad byte);
     * the term matches the bad byte itself */
    const char text[] = "12\xff" "34\xe4\xb8" "56";
    hits h = {0};
    ca_matcher_scan(m, s, text, sizeof text - 1, collect, &h);
    CHECK_STR(fmt_hits(&h), "0-1:2 0-2:1 2-3:3 3-4:2 3-5:1 7-8:2 7-9:1");
    hits_free(&h);
    ca_match_scratch_free(s);
    ca_matcher_free(m);
}

TEST(matcher_bad_regex_message)
{
    ca_matcher *m = ca_matcher_new();
    char err[128] = "";
    CHECK_INT(ca_matcher_add_regex(m, "加(微信", 1, err, sizeof err), -1);
    CHECK_STR(err, "offset 10: missing closing parenthesis");
    CHECK_INT(ca_matcher_add_regex(m, "a{2,1}", 1, err, sizeof err), -1);
    CHECK_STR(err, "offset 5: numbers out of order in {} quantifier");
    CHECK_INT(ca_matcher_add_regex(m, "ab\\", 1, err, sizeof err), -1);
    CHECK_STR(err, "offset 3: \\ at end of pattern");
    /* truncated to the buffer */
    char small[8];
    CHECK_INT(ca_matcher_add_regex(m, "(", 1, small, sizeof small), -1);
    CHECK_STR(small, "offset ");
    CHECK_INT(ca_matcher_count(m), 0);
    ca_matcher_free(m);
}

TEST(matcher_callback_stops)
{
    static const char *const t[] = {"a"};
    ca_matcher *m = matcher_of(t, 1);
    char err[64];
    CHECK_INT(ca_matcher_add_regex(m, "b", 9, err, sizeof err), 0);
    CHECK_INT(ca_matcher_build(m), 0);
    ca_match_scratch *s = ca_match_scratch_new(m);
    hits h = {.stop_after = 3};
    CHECK_INT(ca_matcher_scan(m, s, "ababab", 6, collect, &h), 3);
    CHECK_STR(fmt_hits(&h), "0-1:1 1-2:9 2-3:1");
    hits_free(&h);
    ca_match_scratch_free(s);
    ca_matcher_free(m);
}

TEST(matcher_unbuilt_and_wrong_scratch)
{
    ca_matcher *m = ca_matcher_new();
    CHECK_INT(ca_matcher_add(m, "a", 1, 1), 0);
    CHECK(ca_match_scratch_new(m) == NULL);
    hits h = {0};
    CHECK_INT(ca_matcher_scan(m, NULL, "a", 1, collect, &h), 0);
    CHECK_INT(ca_matcher_build(m), 0);
    ca_matcher *other = ca_matcher_new();
    char err[64];
    CHECK_INT(ca_matcher_add_regex(other, "a", 2, err, sizeof err), 0);
    CHECK_INT(ca_matcher_build(other), 0);
    ca_match_scratch *s = ca_match_scratch_new(other);
    /* a scratch of another matcher: terms are still found */
    CHECK_INT(ca_matcher_scan(m, s, "a", 1, collect, &h), 1);
    hits_free(&h);
    ca_match_scratch_free(s);
    ca_matcher_free(other);
    ca_matcher_free(m);
}

/* ---- threads ------------------------------------------------------------- */

typedef struct thread_job {
    const ca_matcher *m;
    const char *text;
    size_t len;
    hits out;
    int rounds;
} thread_job;

static void *scan_thread(void *arg)
{
    thread_job *j = arg;
    ca_match_scratch *s = ca_match_scratch_new(j->m);
    for (int r = 0; r < j->rounds; r++) {
        j->out.n = 0;
        ca_matcher_scan(j->m, s, j->text, j->len, collect, &j->out);
    }
    ca_match_scratch_free(s);
    return NULL;
}

TEST(matcher_threads_own_scratch)
{
    ca_matcher *m = ca_matcher_new();
    char term[64], err[64];
    for (uint32_t i = 0; i < 2000; i++) {
        size_t n = random_string(term, 2 + rnd() % 3, CA_ARRAY_LEN(alphabet));
        CHECK_INT(ca_matcher_add(m, term, n, i), 0);
    }
    CHECK_INT(ca_matcher_add_regex(m, "(口|交)+通", 5000, err, sizeof err), 0);
    CHECK_INT(ca_matcher_add_regex(m, "[abcd]{6,}", 5001, err, sizeof err), 0);
    CHECK_INT(ca_matcher_build(m), 0);
    size_t len = 0;
    char *text = malloc(200000);
    while (len < 150000)
        len += random_string(text + len, 1, CA_ARRAY_LEN(alphabet));

    thread_job ref = {m, text, len, {0}, 1};
    scan_thread(&ref);
    CHECK(ref.out.n > 1000);
    thread_job jobs[2] = {{m, text, len, {0}, 20}, {m, text, len, {0}, 20}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK_INT(pthread_create(&th[i], NULL, scan_thread, &jobs[i]), 0);
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        CHECK_INT(jobs[i].out.n, ref.out.n);
        CHECK(same_hits(&jobs[i].out, &ref.out));
        hits_free(&jobs[i].out);
    }
    hits_free(&ref.out);
    free(text);
    ca_matcher_free(m);
}

/* ---- out of memory ---------------------------------------------------------- */

/* Builds a small matcher with the n-th allocation failing; returns 1 when
 * every step succeeded and the scan is right. */
static int build_with_failure(long n)
{
    ca_alloc_fail_after(n);
    int ok = 0;
    ca_matcher *m = ca_matcher_new();
    char err[64];
    if (m && ca_matcher_add(m, "he", 2, 1) == 0 && ca_matcher_add(m, "she", 3, 2) == 0 &&
        ca_matcher_add_regex(m, "h.r", 3, err, sizeof err) == 0 && ca_matcher_build(m) == 0) {
        ca_match_scratch *s = ca_match_scratch_new(m);
        if (s) {
            ca_alloc_fail_after(0);
            ok = strcmp(scan_str(m, s, "ushers"), "1-4:2 2-4:1 2-5:3") == 0;
            CHECK(ok);
            ca_match_scratch_free(s);
        }
    }
    ca_alloc_fail_after(0);
    ca_matcher_free(m);
    return ok;
}

TEST(matcher_out_of_memory)
{
    long n = 1;
    while (!build_with_failure(n) && n < 1000)
        n++;
    CHECK(n > 5 && n < 1000); /* every earlier failure was clean */
    /* a failed build leaves the matcher buildable */
    ca_matcher *m = ca_matcher_new();
    CHECK_INT(ca_matcher_add(m, "abc", 3, 1), 0);
    ca_alloc_fail_after(2);
    CHECK_INT(ca_matcher_build(m), -1);
    ca_alloc_fail_after(0);
    CHECK_INT(ca_matcher_build(m), 0);
    CHECK_STR(scan_str(m, NULL, "xabc"), "1-4:1");
    ca_matcher_free(m);
}

/* ---- speed --------------------------------------------------------------- */

static size_t put_cjk(char *out, uint32_t cp)
{
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static int count_hit(void *ud, const ca_match *mt)
{
    (void)mt;
    ++*(size_t *)ud;
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints MB/s only: 10 000 CJK terms of 2-4 characters over 10 MB of chat-
 * like text (CJK from the same 3 000 common characters, ASCII, digits). */
TEST(matcher_speed)
{
    enum { NTERMS = 10000, TEXT_BYTES = 10 << 20 };
    ca_matcher *m = ca_matcher_new();
    char term[16];
    double t0 = now();
    for (uint32_t i = 0; i < NTERMS; i++) {
        size_t n = 0, chars = 2 + rnd() % 3;
        for (size_t k = 0; k < chars; k++)
            n += put_cjk(term + n, 0x4E00 + rnd() % 3000);
        CHECK_INT(ca_matcher_add(m, term, n, i), 0);
    }
    CHECK_INT(ca_matcher_build(m), 0);
    double t_build = now() - t0;
    char *text = malloc(TEXT_BYTES + 8);
    size_t len = 0;
    while (len < TEXT_BYTES) {
        uint32_t r = rnd() % 10;
        if (r < 7)
            len += put_cjk(text + len, 0x4E00 + rnd() % 3000);
        else if (r < 9)
            text[len++] = (char)('a' + rnd() % 26);
        else
            text[len++] = (char)" 0123456789"[rnd() % 11];
    }
    /* best of three: the machine may be shared */
    size_t count = 0;
    double t_scan = 1e9;
    for (int r = 0; r < 3; r++) {
        count = 0;
        t0 = now();
        ca_matcher_scan(m, NULL, text, len, count_hit, &count);
        if (now() - t0 < t_scan)
            t_scan = now() - t0;
    }
    fprintf(stderr, "matcher_speed: %d terms built in %.1f ms, %.1f MB of tables; "
                    "%.1f MB in %.1f ms = %.0f MB/s (%zu hits)\n",
            NTERMS, t_build * 1e3, (double)ca_matcher_memory(m) / 1e6, (double)len / 1e6,
            t_scan * 1e3, (double)len / 1e6 / t_scan, count);

    /* the same with two patterns of the ad rule's kind */
    char err[128];
    ca_matcher *mr = ca_matcher_new();
    rng_state = 0x9E3779B97F4A7C15ULL;
    for (uint32_t i = 0; i < NTERMS; i++) {
        size_t n = 0, chars = 2 + rnd() % 3;
        for (size_t k = 0; k < chars; k++)
            n += put_cjk(term + n, 0x4E00 + rnd() % 3000);
        ca_matcher_add(mr, term, n, i);
    }
    CHECK_INT(ca_matcher_add_regex(mr, "(加|vx|wx)[a-z0-9_-]{5,}", NTERMS, err, sizeof err), 0);
    CHECK_INT(ca_matcher_add_regex(mr, "1[3-9]\\d{9}", NTERMS + 1, err, sizeof err), 0);
    CHECK_INT(ca_matcher_build(mr), 0);
    ca_match_scratch *s = ca_match_scratch_new(mr);
    t_scan = 1e9;
    for (int r = 0; r < 3; r++) {
        count = 0;
        t0 = now();
        ca_matcher_scan(mr, s, text, len, count_hit, &count);
        if (now() - t0 < t_scan)
            t_scan = now() - t0;
    }
    fprintf(stderr, "matcher_speed: with 2 patterns: %.0f MB/s (%zu hits)\n",
            (double)len / 1e6 / t_scan, count);
    ca_match_scratch_free(s);
    ca_matcher_free(mr);
    free(text);
    ca_matcher_free(m);
}

TEST_MAIN()
