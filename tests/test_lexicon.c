/* Unit tests of lexicon files: comments, BOM, CRLF, re: lines, the exact
 * diagnostics, provenance of ids, and the allow list. */
#include <unistd.h>
#include "check.h"
#include "lexicon.h"

static char tmp_dir[64];
static char tmp_files[32][160];
static int n_tmp_files;

static void remove_tmp_files(void)
{
    for (int i = 0; i < n_tmp_files; i++)
        unlink(tmp_files[i]);
    if (tmp_dir[0])
        rmdir(tmp_dir);
}

/* Writes data to <a temporary directory>/name and returns the path, valid
 * until the process exits (when the files are removed). */
static const char *write_file(const char *name, const char *data, size_t len)
{
    if (!tmp_dir[0]) {
        strcpy(tmp_dir, "/tmp/ca_lexicon_XXXXXX");
        if (!mkdtemp(tmp_dir))
            return NULL;
        atexit(remove_tmp_files);
    }
    if (n_tmp_files == (int)CA_ARRAY_LEN(tmp_files))
        return NULL;
    char *path = tmp_files[n_tmp_files++];
    snprintf(path, sizeof tmp_files[0], "%s/%s", tmp_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    fwrite(data, 1, len, f);
    fclose(f);
    return path;
}

#define WRITE(name, lit) write_file(name, lit, sizeof lit - 1)

/* Test normalizer: ASCII lower case, and spaces, '*', '.' and '-' removed
 * (the real one, normalize.h, does far more). */
static int norm_fn(void *ud, const char *s, size_t n, ca_buf *out)
{
    int *calls = ud;
    if (calls)
        ++*calls;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '*' || c == '.' || c == '-')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        ca_buf_putc(out, c);
    }
    return out->oom ? -1 : 0;
}

static int fail_fn(void *ud, const char *s, size_t n, ca_buf *out)
{
    (void)ud, (void)s, (void)n, (void)out;
    return -1;
}

typedef struct hits {
    char text[1024];
    const ca_lexicon *lx;
    const char *subject;
} hits;

/* Collects "term@start-end" for every match. */
static int on_hit(void *ud, const ca_match *mt)
{
    hits *h = ud;
    size_t o = strlen(h->text);
    snprintf(h->text + o, sizeof h->text - o, "%s%s@%zu-%zu", o ? " " : "",
             ca_lexicon_term(h->lx, mt->id), mt->start, mt->end);
    return 0;
}

static const char *scan(const ca_lexicon *lx, ca_match_scratch *s, const char *text)
{
    static hits h;
    memset(&h, 0, sizeof h);
    h.lx = lx;
    ca_matcher_scan(ca_lexicon_matcher(lx), s, text, strlen(text), on_hit, &h);
    return h.text;
}

/* The i-th diagnostic as "level FILE:LINE: msg" with the file's directory
 * left out. */
static const char *diag_str(const ca_diag *d, size_t i)
{
    static char out[600];
    if (i >= ca_diag_len(d))
        return "(none)";
    const ca_diag_item *it = ca_diag_at(d, i);
    const char *base = it->file ? strrchr(it->file, '/') : NULL;
    snprintf(out, sizeof out, "%s %s:%ld: %s",
             it->level == CA_DIAG_ERROR ? "error" : it->level == CA_DIAG_WARN ? "warning" : "note",
             base ? base + 1 : it->file ? it->file : "", it->line, it->msg);
    return out;
}

TEST(lexicon_comments_and_blanks)
{
    const char *p = WRITE("porn.txt", "# porn terms\n"
                                      "\n"
                                      "  口交  \n"
                                      "   # indented comment\n"
                                      "\t\n"
                                      "色情\n"
                                      "#话题#\n"
                                      "　约炮　\n"); /* U+3000 around */
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load(lx, p, NULL, NULL, d), CA_OK);
    CHECK_INT(ca_diag_len(d), 0);
    CHECK_INT(ca_lexicon_build(lx), 0);
    CHECK_INT(ca_lexicon_size(lx), 3);
    CHECK_STR(ca_lexicon_term(lx, 0), "口交");
    CHECK_STR(ca_lexicon_term(lx, 1), "色情");
    CHECK_STR(ca_lexicon_term(lx, 2), "约炮");
    CHECK(ca_lexicon_term(lx, 3) == NULL);
    long line = 0;
    CHECK_STR(ca_lexicon_source(lx, 0, &line), p);
    CHECK_INT(line, 3);
    ca_lexicon_source(lx, 2, &line);
    CHECK_INT(line, 8);
    CHECK(ca_lexicon_source(lx, 3, &line) == NULL);
    CHECK_STR(scan(lx, NULL, "不要约炮，也不要色情"), "约炮@6-12 色情@24-30");
    /* the evidence a rule writes */
    uint32_t id = 0;
    char ev[128];
    const char *src = ca_lexicon_source(lx, id, &line);
    snprintf(ev, sizeof ev, "matched '%s' (%s:%ld)", ca_lexicon_term(lx, id),
             strrchr(src, '/') + 1, line);
    CHECK_STR(ev, "matched '口交' (porn.txt:3)");
    ca_lexicon_free(lx);
    ca_diag_free(d);
}

TEST(lexicon_bom_and_crlf)
{
    const char *p = WRITE("ad.txt", "\xEF\xBB\xBF" "代开发票\r\n"
                                    "# comment\r\n"
                                    "\r\n"
                                    "刷单\r\n"
                                    "兼职日结"); /* no newline at the end */
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load(lx, p, NULL, NULL, d), CA_OK);
    CHECK_INT(ca_lexicon_build(lx), 0);
    CHECK_INT(ca_lexicon_size(lx), 3);
    CHECK_STR(ca_lexicon_term(lx, 0), "代开发票"); /* no BOM */
    CHECK_STR(ca_lexicon_term(lx, 1), "刷单");     /* no CR */
    CHECK_STR(ca_lexicon_term(lx, 2), "兼职日结");
    long line;
    ca_lexicon_source(lx, 2, &line);
    CHECK_INT(line, 5);
    CHECK_STR(scan(lx, NULL, "代开发票刷单"), "代开发票@0-12 刷单@12-18");
    ca_lexicon_free(lx);
    ca_diag_free(d);
}

TEST(lexicon_regex_lines)
{
    const char *p = WRITE("ad.txt", "加微信\n"
                                    "re:(加|vx|wx)[a-z0-9_-]{5,}\n"
                                    "re:\\d{5,}\n");
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    int calls = 0;
    CHECK_INT(ca_lexicon_load(lx, p, norm_fn, &calls, d), CA_OK);
    CHECK_INT(calls, 1); /* patterns are not normalized */
    CHECK_INT(ca_lexicon_build(lx), 0);
    CHECK_INT(ca_matcher_count(ca_lexicon_matcher(lx)), 3);
    CHECK_STR(ca_lexicon_term(lx, 1), "re:(加|vx|wx)[a-z0-9_-]{5,}");
    ca_match_scratch *s = ca_match_scratch_new(ca_lexicon_matcher(lx));
    CHECK_STR(scan(lx, s, "加微信vx_abc123"), "加微信@0-9 re:(加|vx|wx)[a-z0-9_-]{5,}@9-18");
    CHECK_STR(scan(lx, s, "订单 123456"), "re:\\d{5,}@7-13");
    ca_match_scratch_free(s);
    ca_lexicon_free(lx);
    ca_diag_free(d);
}

TEST(lexicon_bad_pattern_message)
{
    const char *p = WRITE("politics.txt", "好词\n"
                                          "re:加(微信\n"
                                          "re:ok\\d+\n"
                                          "re:a{2,1}\n");
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load(lx, p, NULL, NULL, d), CA_FAILED);
    CHECK_INT(ca_diag_len(d), 2);
    CHECK_INT(ca_diag_count(d, CA_DIAG_ERROR), 2);
    CHECK_STR(diag_str(d, 0), "error politics.txt:2: re: pattern does not compile: offset 10: "
                              "missing closing parenthesis");
    CHECK_STR(diag_str(d, 1), "error politics.txt:4: re: pattern does not compile: offset 5: "
                              "numbers out of order in {} quantifier");
    /* as the user sees it */
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    ca_diag_print(d, f, CA_DIAG_WARN);
    fclose(f);
    char want[512];
    snprintf(want, sizeof want,
             "chataudit: %s:2: re: pattern does not compile: offset 10: missing closing "
             "parenthesis\n",
             p);
    CHECK(strncmp(out, want, strlen(want)) == 0);
    free(out);
    /* the good lines are loaded, with ids in order and no gap */
    CHECK_INT(ca_lexicon_size(lx), 2);
    CHECK_STR(ca_lexicon_term(lx, 1), "re:ok\\d+");
    long line;
    ca_lexicon_source(lx, 1, &line);
    CHECK_INT(line, 3);
    CHECK_INT(ca_lexicon_build(lx), 0);
    ca_match_scratch *s = ca_match_scratch_new(ca_lexicon_matcher(lx));
    CHECK_STR(scan(lx, s, "ok42 好词"), "re:ok\\d+@0-4 好词@5-11");
    ca_match_scratch_free(s);
    ca_lexicon_free(lx);
    ca_diag_free(d);
}

TEST(lexicon_empty_after_normalization)
{
    const char *p = WRITE("abuse.txt", "S.B\n"
                                       "***\n"
                                       "re:\n");
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load(lx, p, norm_fn, NULL, d), CA_OK);
    CHECK_INT(ca_diag_len(d), 2);
    CHECK_INT(ca_diag_count(d, CA_DIAG_WARN), 2);
    CHECK_STR(diag_str(d, 0), "warning abuse.txt:2: term is empty after normalization; ignored");
    CHECK_STR(diag_str(d, 1), "warning abuse.txt:3: re: empty pattern; ignored");
    CHECK_INT(ca_lexicon_size(lx), 1);
    CHECK_STR(ca_lexicon_term(lx, 0), "S.B"); /* as written, for evidence */
    CHECK_INT(ca_lexicon_build(lx), 0);
    CHECK_STR(scan(lx, NULL, "你sb"), "S.B@3-5"); /* matched normalized */
    ca_lexicon_free(lx);
    ca_diag_free(d);
}

TEST(lexicon_invalid_utf8_line)
{
    const char *p = WRITE("violence.txt", "砍人\n"
                                          "ab\xff" "cd\n"
                                          "炸弹\n");
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load(lx, p, NULL, NULL, d), CA_FAILED);
    CHECK_STR(diag_str(d, 0), "error violence.txt:2: not valid UTF-8 (byte 3); line ignored");
    CHECK_INT(ca_lexicon_size(lx), 2);
    ca_lexicon_free(lx);
    ca_diag_free(d);
}

TEST(lexicon_unreadable_file)
{
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load(lx, "/nonexistent/religion.txt", NULL, NULL, d), CA_FATAL);
    CHECK_STR(diag_str(d, 0),
              "error religion.txt:0: cannot open lexicon: No such file or directory");
    CHECK_STR(ca_diag_at(d, 0)->file, "/nonexistent/religion.txt");
    /* a failing normalizer (out of memory) stops the load */
    const char *p = WRITE("x.txt", "a\nb\n");
    CHECK_INT(ca_lexicon_load(lx, p, fail_fn, NULL, d), CA_FATAL);
    CHECK_STR(diag_str(d, 1), "error x.txt:0: out of memory");
    ca_lexicon_free(lx);
    ca_diag_free(d);
}

typedef struct spans {
    ca_match v[16];
    size_t n;
} spans;

static int on_span(void *ud, const ca_match *mt)
{
    spans *sp = ud;
    if (sp->n < CA_ARRAY_LEN(sp->v))
        sp->v[sp->n++] = *mt;
    return 0;
}

TEST(lexicon_several_files)
{
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *lx = ca_lexicon_new();
    const char *a = WRITE("a.txt", "甲\n乙\n");
    CHECK_INT(ca_lexicon_load(lx, a, NULL, NULL, d), CA_OK);
    size_t first_b = ca_lexicon_size(lx);
    const char *b = WRITE("b.txt", "# b\n丙\n甲\n"); /* 甲 again: reported under both ids */
    CHECK_INT(ca_lexicon_load(lx, b, NULL, NULL, d), CA_OK);
    CHECK_INT(first_b, 2);
    CHECK_INT(ca_lexicon_size(lx), 4);
    CHECK_INT(ca_lexicon_build(lx), 0);
    long line;
    CHECK(strstr(ca_lexicon_source(lx, 2, &line), "/b.txt") != NULL);
    CHECK_INT(line, 2);
    /* 甲 is hit once per file that lists it: id 0 (a.txt:1), then id 3 (b.txt:3) */
    CHECK_STR(scan(lx, NULL, "甲丙"), "甲@0-3 甲@0-3 丙@3-6");
    spans sp = {0};
    ca_matcher_scan(ca_lexicon_matcher(lx), NULL, "甲", strlen("甲"), on_span, &sp);
    CHECK_INT(sp.n, 2);
    CHECK_INT(sp.v[0].id, 0);
    CHECK_INT(sp.v[1].id, 3);
    CHECK(strstr(ca_lexicon_source(lx, 3, &line), "/b.txt") != NULL);
    CHECK_INT(line, 3);
    CHECK(strstr(ca_lexicon_source(lx, 0, &line), "/a.txt") != NULL);
    /* loading after the build is refused */
    CHECK_INT(ca_lexicon_load(lx, a, NULL, NULL, d), CA_FATAL);
    CHECK(strstr(diag_str(d, 0), "lexicon already built; file not loaded") != NULL);
    CHECK_INT(ca_lexicon_build(lx), 0);
    ca_lexicon_free(lx);
    ca_diag_free(d);
}


/* "term@start-end" for the hits of lx in text that allow does not clear:
 * what a content rule reports. */
static const char *unallowed(const ca_lexicon *lx, const ca_lexicon *allow,
                             ca_match_scratch *s, const char *text)
{
    static char out[256];
    out[0] = '\0';
    spans sp = {0};
    ca_matcher_scan(ca_lexicon_matcher(lx), NULL, text, strlen(text), on_span, &sp);
    for (size_t i = 0; i < sp.n; i++) {
        if (ca_lexicon_allowed(allow, s, text, strlen(text), sp.v[i].start, sp.v[i].end))
            continue;
        size_t o = strlen(out);
        snprintf(out + o, sizeof out - o, "%s%s@%zu-%zu", o ? " " : "",
                 ca_lexicon_term(lx, sp.v[i].id), sp.v[i].start, sp.v[i].end);
    }
    return out;
}

static ca_lexicon *lexicon_of(const char *name, const char *lines)
{
    ca_lexicon *lx = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load_buffer(lx, name, lines, strlen(lines), NULL, NULL, NULL), CA_OK);
    CHECK_INT(ca_lexicon_build(lx), 0);
    return lx;
}

TEST(lexicon_allow_list)
{
    ca_diag *d = ca_diag_new(0);
    ca_lexicon *porn = ca_lexicon_new();
    ca_lexicon *allow = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load(porn, WRITE("porn.txt", "口交\n"), NULL, NULL, d), CA_OK);
    CHECK_INT(ca_lexicon_load(allow, WRITE("allow.txt", "路口\n口交通\n"), NULL, NULL, d),
              CA_OK);
    CHECK_INT(ca_lexicon_build(porn), 0);
    CHECK_INT(ca_lexicon_build(allow), 0);
    CHECK_STR(unallowed(porn, allow, NULL, "前面路口交通拥堵"), "");
    CHECK_STR(unallowed(porn, allow, NULL, "我们口交吧"), "口交@6-12");
    CHECK_STR(unallowed(porn, allow, NULL, "路口交通，我们口交"), "口交@21-27");
    /* edges: empty or out-of-range spans, no allow list */
    CHECK_INT(ca_lexicon_allowed(allow, NULL, "路口交通", 12, 3, 3), 0);
    CHECK_INT(ca_lexicon_allowed(allow, NULL, "路口交通", 12, 3, 13), 0);
    CHECK_INT(ca_lexicon_allowed(NULL, NULL, "路口交通", 12, 3, 9), 0);
    ca_lexicon_free(porn);
    ca_lexicon_free(allow);
    ca_diag_free(d);
}

TEST(lexicon_allow_list_contain_or_straddle)
{
    ca_lexicon *porn = lexicon_of("porn.txt", "口交\n");
    /* 路口 straddles the start of the hit 口交 (3-9) in 路口交通 */
    ca_lexicon *allow = lexicon_of("allow.txt", "路口\n");
    CHECK_INT(ca_lexicon_allowed(allow, NULL, "路口交通", 12, 3, 9), 1);
    CHECK_STR(unallowed(porn, allow, NULL, "前面路口交通拥堵"), "");
    ca_lexicon_free(allow);
    /* 口交通 contains it; so does a term equal to the hit's whole word */
    allow = lexicon_of("allow.txt", "口交通\n");
    CHECK_INT(ca_lexicon_allowed(allow, NULL, "路口交通", 12, 3, 9), 1);
    ca_lexicon_free(allow);
    allow = lexicon_of("allow.txt", "路口交通\n");
    CHECK_INT(ca_lexicon_allowed(allow, NULL, "前面路口交通拥堵", 24, 9, 15), 1);
    ca_lexicon_free(allow);
    /* 交通 straddles the end */
    allow = lexicon_of("allow.txt", "交通\n");
    CHECK_INT(ca_lexicon_allowed(allow, NULL, "路口交通", 12, 3, 9), 1);
    ca_lexicon_free(allow);
    /* an allow term inside the hit, or next to it, clears nothing */
    allow = lexicon_of("allow.txt", "交\n我们\n");
    CHECK_STR(unallowed(porn, allow, NULL, "我们口交"), "口交@6-12");
    ca_lexicon_free(allow);
    ca_lexicon *violence = lexicon_of("violence.txt", "路口杀人\n");
    allow = lexicon_of("allow.txt", "路口\n");
    CHECK_STR(unallowed(violence, allow, NULL, "十字路口杀人了"), "路口杀人@6-18");
    ca_lexicon_free(allow);
    ca_lexicon_free(violence);
    ca_lexicon_free(porn);
}

TEST(lexicon_allow_list_patterns)
{
    ca_lexicon *allow = ca_lexicon_new();
    CHECK_INT(ca_lexicon_load_buffer(allow, "allow.txt", "re:[路街]口交[通汇]\n", 27, NULL, NULL,
                                     NULL),
              CA_OK);
    CHECK_INT(ca_lexicon_build(allow), 0);
    ca_match_scratch *s = ca_match_scratch_new(ca_lexicon_matcher(allow));
    CHECK_INT(ca_lexicon_allowed(allow, s, "街口交汇处", 15, 3, 9), 1);
    CHECK_INT(ca_lexicon_allowed(allow, s, "我们口交", 12, 6, 12), 0);
    /* without a scratch patterns are not consulted */
    CHECK_INT(ca_lexicon_allowed(allow, NULL, "街口交汇处", 15, 3, 9), 0);
    ca_match_scratch_free(s);
    ca_lexicon_free(allow);
}

/* Loads and builds with the n-th allocation failing; 1 when all went
 * through. */
static int load_with_failure(const char *path, long n)
{
    ca_diag *d = ca_diag_new(0);
    ca_alloc_fail_after(n);
    int ok = 0;
    ca_lexicon *lx = ca_lexicon_new();
    if (lx) {
        int st = ca_lexicon_load(lx, path, norm_fn, NULL, d);
        CHECK(st == CA_OK || st == CA_FATAL);
        if (st == CA_OK && ca_lexicon_build(lx) == 0) {
            ca_alloc_fail_after(0);
            ok = strcmp(scan(lx, NULL, "ab 色情"), "AB@0-2 色情@3-9") == 0;
            CHECK(ok);
        }
    }
    ca_alloc_fail_after(0);
    ca_lexicon_free(lx);
    ca_diag_free(d);
    return ok;
}

TEST(lexicon_out_of_memory)
{
    const char *p = WRITE("oom.txt", "# x\nAB\n色情\nre:\\d{3}\n");
    long n = 1;
    while (!load_with_failure(p, n) && n < 1000)
        n++;
    CHECK(n > 5 && n < 1000);
}

TEST_MAIN()
