/*
 * test_verify.c — screenshot verification (SPEC §8) on the sample month:
 * the suite of tests/data/verify/cases.tsv (every verdict must be right;
 * the accuracy is printed), the diff of an altered line, the JSON and the
 * HTML page, and bad screenshots.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "config.h"
#include "diag.h"
#include "importer.h"
#include "verify.h"

static ca_config cfg;
static ca_import *imp;
static ca_verify *ver;
static ca_diag *diag;
static ca_limits lim;

/* Imports samples/2026-11 and the suite's extra finance group once. */
static void setup(void)
{
    if (ver)
        return;
    diag = ca_diag_new(0);
    ca_config_defaults(&cfg);
    if (ca_config_load(&cfg, CA_SOURCE_DIR "/samples/config", 1, diag) != CA_OK) {
        ca_diag_print(diag, stderr, CA_DIAG_WARN);
        abort();
    }
    ca_limits_default(&lim);
    imp = ca_import_new(&cfg, &lim, NULL, diag);
    if (!imp || ca_import_input(imp, CA_SOURCE_DIR "/samples/2026-11") != CA_OK ||
        ca_import_input(imp, CA_TEST_DATA "/verify/logs") != CA_OK || ca_import_finish(imp) != CA_OK)
        abort();
    ver = ca_verify_new(&cfg, imp);
    if (!ver)
        abort();
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(1 << 16);
    *len = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

static ca_vresult *verify_file(const char *name)
{
    setup();
    char path[512];
    snprintf(path, sizeof path, "%s/verify/shots/%s", CA_TEST_DATA, name);
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        fprintf(stderr, "%s: cannot read\n", path);
        check_failures++;
        return NULL;
    }
    ca_vresult *r = NULL;
    const char *err = NULL;
    ca_status st = ca_verify_screenshot(ver, name, text, len, &r, &err);
    free(text);
    CHECK_INT(st, CA_OK);
    return r;
}

static const ca_vline *line_n(const ca_vresult *r, long line)
{
    for (size_t i = 0; r && i < r->n_lines; i++)
        if (r->lines[i].line == line)
            return &r->lines[i];
    return NULL;
}

TEST(suite)
{
    char path[512];
    snprintf(path, sizeof path, "%s/verify/cases.tsv", CA_TEST_DATA);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char row[1024];
    int cases = 0, right = 0, lines_right = 0, lines = 0;
    int per_verdict[5] = {0}, per_verdict_right[5] = {0};
    while (fgets(row, sizeof row, f)) {
        if (row[0] == '#' || row[0] == '\n')
            continue;
        row[strcspn(row, "\n")] = '\0';
        char *file = strtok(row, "\t"), *want = strtok(NULL, "\t"), *statuses = strtok(NULL, "\t"),
             *context = strtok(NULL, "\t");
        if (!file || !want || !statuses || !context) {
            fprintf(stderr, "cases.tsv: malformed row\n");
            check_failures++;
            continue;
        }
        ca_vresult *r = verify_file(file);
        if (!r)
            continue;
        cases++;
        int vi;
        for (vi = 0; vi < 5 && strcmp(ca_verdict_name((ca_verdict)vi), want) != 0; vi++)
            ;
        CHECK(vi < 5);
        per_verdict[vi < 5 ? vi : 0]++;
        if (strcmp(ca_verdict_name(r->verdict), want) == 0) {
            right++;
            per_verdict_right[vi < 5 ? vi : 0]++;
        } else {
            fprintf(stderr, "%s: verdict %s, expected %s\n", file, ca_verdict_name(r->verdict), want);
            check_failures++;
        }
        /* the line statuses, in order */
        size_t k = 0;
        for (char *save = NULL, *s = strtok_r(statuses, " ", &save); s; s = strtok_r(NULL, " ", &save), k++) {
            lines++;
            const char *got = k < r->n_lines ? ca_vline_status_name(r->lines[k].status) : "(none)";
            if (strcmp(got, s) == 0) {
                lines_right++;
            } else {
                fprintf(stderr, "%s: bubble %zu is %s, expected %s\n", file, k + 1, got, s);
                check_failures++;
            }
        }
        if (k != r->n_lines) {
            fprintf(stderr, "%s: %zu bubbles, expected %zu\n", file, r->n_lines, k);
            check_failures++;
        }
        /* the context that decides a selective verdict */
        ca_buf ctx = CA_BUF_INIT;
        for (size_t c = 0; c < r->n_context; c++)
            if (r->context[c].counts)
                ca_buf_printf(&ctx, "%s%s:%s", ctx.len ? " " : "", r->context[c].position, r->context[c].reason);
        const char *got_ctx = ctx.len ? ca_buf_cstr(&ctx) : "-";
        if (strcmp(got_ctx, context) != 0) {
            fprintf(stderr, "%s: context \"%s\", expected \"%s\"\n", file, got_ctx, context);
            check_failures++;
        }
        ca_buf_free(&ctx);
        /* every result is valid JSON with the fields of SPEC §8 */
        ca_buf js = CA_BUF_INIT;
        CHECK_INT(ca_vresult_json(&js, r, imp, cfg.tz_offset_min), 0);
        json_object *o = json_tokener_parse(ca_buf_cstr(&js));
        CHECK(o != NULL);
        json_object *jl = NULL, *jv = NULL;
        CHECK(o && json_object_object_get_ex(o, "verdict", &jv) &&
              strcmp(json_object_get_string(jv), ca_verdict_name(r->verdict)) == 0);
        CHECK(o && json_object_object_get_ex(o, "lines", &jl) &&
              json_object_array_length(jl) == r->n_lines);
        json_object_put(o);
        ca_buf_free(&js);
        ca_vresult_free(r);
    }
    fclose(f);
    CHECK(cases >= 30);
    printf("verify suite: %d cases, %d verdicts right (accuracy %.1f%%); %d of %d line statuses right\n", cases,
           right, cases ? 100.0 * right / cases : 0.0, lines_right, lines);
    for (int v = 0; v < 5; v++)
        printf("  %-10s %d/%d\n", ca_verdict_name((ca_verdict)v), per_verdict_right[v], per_verdict[v]);
    CHECK_INT(right, cases);
}

/* The new user's test: one word (a number) changed gives altered, the
 * changed characters, and the message it should have matched. */
TEST(altered_word_highlighted)
{
    ca_vresult *r = verify_file("altered-number-discount.txt");
    if (!r)
        return;
    CHECK_STR(ca_verdict_name(r->verdict), "altered");
    CHECK_STR(r->accused, "E4002");
    CHECK_STR(r->conv_id, "24986620375@chatroom");
    const ca_vline *l = line_n(r, 7);
    CHECK(l != NULL);
    if (l) {
        CHECK_INT(l->status, CA_VLINE_ALTERED);
        CHECK(l->match != (size_t)-1);
        if (l->match != (size_t)-1)
            CHECK_STR(ca_import_event(imp, l->match)->id, "8162945220680470875");
        ca_buf d = CA_BUF_INIT;
        for (size_t k = 0; k < l->n_diff; k++)
            ca_buf_printf(&d, "%s%s%s", l->diff[k].op == CA_VDIFF_DELETE ? "[-" : l->diff[k].op == CA_VDIFF_INSERT ? "{+" : "",
                          l->diff[k].text, l->diff[k].op == CA_VDIFF_DELETE ? "-]" : l->diff[k].op == CA_VDIFF_INSERT ? "+}" : "");
        CHECK_STR(ca_buf_cstr(&d), "可以，最低[-8-]{+7+}.5折，再低要找我");
        ca_buf_free(&d);
    }
    ca_buf t = CA_BUF_INIT;
    CHECK_INT(ca_vresult_text(&t, r, imp, cfg.tz_offset_min), 0);
    CHECK(strstr(ca_buf_cstr(&t), "verdict: altered") != NULL);
    CHECK(strstr(ca_buf_cstr(&t), "diff: 可以，最低[-8-]{+7+}.5折") != NULL);
    ca_buf_free(&t);
    ca_vresult_free(r);
}

/* Time lines are kept with the bubble under them; 昨天 resolves against
 * date: (a wrong day would cost the alignment, not break it). */
TEST(time_lines)
{
    ca_vresult *r = verify_file("faithful-yesterday.txt");
    if (!r)
        return;
    CHECK_STR(r->date, "2026-11-03");
    CHECK(r->n_lines == 2);
    if (r->n_lines == 2) {
        CHECK_STR(r->lines[0].time_text, "昨天 09:30");
        CHECK_STR(r->lines[1].time_text, "昨天 09:41");
        CHECK_STR(r->lines[0].sender, "陈总");
    }
    ca_vresult_free(r);
    r = verify_file("faithful-long-date.txt");
    if (r && r->n_lines == 3) {
        CHECK_STR(r->lines[0].time_text, "2026年11月10日 上午10:00");
        CHECK(r->lines[1].time_text == NULL);
    }
    ca_vresult_free(r);
}

/* A message the phone wrapped over three lines is one bubble. */
TEST(wrapped_lines)
{
    ca_vresult *r = verify_file("faithful-wrapped.txt");
    if (!r)
        return;
    CHECK(r->n_lines == 3);
    if (r->n_lines == 3) {
        CHECK_INT(r->lines[0].line, 1);
        CHECK_INT(r->lines[0].line_end, 3);
        CHECK_INT(r->lines[0].status, CA_VLINE_EXACT);
    }
    ca_vresult_free(r);
}

/* The page escapes chat text and loads nothing from outside. */
TEST(html_page)
{
    ca_vresult *r = verify_file("faithful-html-injection.txt");
    if (!r)
        return;
    ca_buf h = CA_BUF_INIT;
    CHECK_INT(ca_vresult_html(&h, r, imp, cfg.tz_offset_min), 0);
    const char *s = ca_buf_cstr(&h);
    CHECK(strstr(s, "&lt;img src=x onerror=alert(1)&gt;") != NULL);
    CHECK(strstr(s, "<img") == NULL);
    CHECK(strstr(s, "<script") == NULL);
    CHECK(strstr(s, "http") == NULL);
    ca_buf_free(&h);
    ca_vresult_free(r);
    /* an altered line shows <mark> on the screenshot side and <del>/<ins>
     * on the log side; an omitted message is shown in place */
    r = verify_file("altered-number-discount.txt");
    if (r) {
        CHECK_INT(ca_vresult_html(&h, r, imp, cfg.tz_offset_min), 0);
        CHECK(strstr(ca_buf_cstr(&h), "<mark>7</mark>") != NULL);
        CHECK(strstr(ca_buf_cstr(&h), ">8</del>") != NULL);
        ca_buf_free(&h);
    }
    ca_vresult_free(r);
    r = verify_file("selective-middle-omitted.txt");
    if (r) {
        CHECK_INT(ca_vresult_html(&h, r, imp, cfg.tz_offset_min), 0);
        CHECK(strstr(ca_buf_cstr(&h), "omitted from the screenshot") != NULL);
        CHECK(strstr(ca_buf_cstr(&h), "好的刘总，大会议室已预订") != NULL);
        ca_buf_free(&h);
    }
    ca_vresult_free(r);
}

TEST(no_chat_lines)
{
    setup();
    const char *text = "group: 研发部群\naccused: E3001\n\n14:05\n";
    ca_vresult *r = NULL;
    const char *err = NULL;
    CHECK_INT(ca_verify_screenshot(ver, "empty.txt", text, strlen(text), &r, &err), CA_FAILED);
    CHECK(r == NULL);
    CHECK(err && strstr(err, "no chat line") != NULL);
}

/* Out of memory at every allocation of a verification fails cleanly. */
TEST(oom)
{
    setup();
    size_t len;
    char path[512];
    snprintf(path, sizeof path, "%s/verify/shots/selective-recall-after.txt", CA_TEST_DATA);
    char *text = slurp(path, &len);
    CHECK(text != NULL);
    int ok = 0;
    for (long n = 1; n < 5000 && text && !ok; n++) {
        ca_vresult *r = NULL;
        const char *err;
        ca_alloc_fail_after(n);
        ca_status st = ca_verify_screenshot(ver, "x", text, len, &r, &err);
        ca_alloc_fail_after(0);
        CHECK(st == CA_OK || st == CA_FATAL);
        if (st == CA_OK) {
            ok = 1;
            CHECK_STR(ca_verdict_name(r->verdict), "selective");
        }
        ca_vresult_free(r);
    }
    CHECK(ok);
    free(text);
}

TEST_MAIN()
