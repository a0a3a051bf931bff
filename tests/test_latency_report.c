/*
 * test_latency_report.c — latency.csv, latency.html and index.html's
 * latency headline from latency records built by hand: the CSV
 * conventions, escaping of hostile chat text and group names, and the
 * figures (median, P90, on-time share) against numbers worked out by hand.
 */
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "config.h"
#include "finding.h"
#include "report.h"
#include "timeparse.h"

#define MIN_MS 60000LL
#define HOSTILE "<img src=x onerror=alert(1)>"

static int64_t at(const char *s)
{
    int64_t ms = 0;
    ca_time_parse(s, strlen(s), 480, &ms, NULL);
    return ms;
}

typedef struct fixture {
    ca_config cfg;
    ca_event ev[6];
    const ca_event *p[6];
    ca_conv conv[2];
    ca_findings fs;
    ca_report r;
    char dir[64];
} fixture;

/* A record of conversation c's event q: asked at q's time, answered
 * business minutes (in tenths) later, or never (tenths < 0). */
static void record(fixture *x, int c, size_t q, const char *rule, const char *responder,
                   int tenths, ca_latency_status st)
{
    const ca_event *e = x->conv[c].events[q];
    ca_latency l = {.rule = rule, .conv = &x->conv[c], .event_index = q, .asker_id = "E21",
                    .asked_ms = e->time_ms, .message_id = e->id, .responder_id = responder,
                    .deadline_ms = e->time_ms + 20 * MIN_MS, .answered_ms = -1,
                    .answer_index = (size_t)-1, .status = st};
    l.business_ms = tenths >= 0 ? tenths * 6000LL : 90 * MIN_MS;
    l.business_minutes = (long)(l.business_ms / MIN_MS);
    if (tenths >= 0) {
        l.answered_ms = e->time_ms + l.business_ms;
        l.answered_by = responder;
    }
    CHECK(ca_latency_keep(&l) == 0);
    CHECK(ca_findings_add_latency(&x->fs, &l) == 0);
}

static fixture *setup(void)
{
    fixture *x = calloc(1, sizeof *x);
    ca_config_defaults(&x->cfg);
    static const char *times[] = {"2026-11-03 09:00:00", "2026-11-03 10:00:00", "2026-11-03 11:00:00",
                                  "2026-11-03 12:00:00", "2026-11-03 13:00:00", "2026-11-04 09:00:00"};
    static const char *texts[] = {"评审几点？", HOSTILE "？", "=1+1 吗", "文档在哪里", "何时发版？",
                                  "@all 会议室呢"};
    static const char *ids[] = {"m1", "m2", "m3", "m4", "m5", "m6"};
    for (int i = 0; i < 6; i++) {
        x->ev[i] = (ca_event){.platform = "wechat", .conv = "g", .id = ids[i], .time_ms = at(times[i]),
                              .kind = CA_KIND_MESSAGE, .type = CA_TYPE_TEXT, .sender = "wxid_a",
                              .employee = "E21", .text = texts[i], .src_path = "a.zip!g.csv",
                              .src_line = i + 2};
        x->p[i] = &x->ev[i];
    }
    x->conv[0] = (ca_conv){.platform = "wechat", .id = "g1@chatroom", .name = "=HYPERLINK(\"x\")",
                           .events = x->p, .n_events = 5};
    x->conv[1] = (ca_conv){.platform = "wechat", .id = "g2@chatroom", .name = "<b>研发</b>",
                           .events = x->p + 5, .n_events = 1, .index = 1};
    ca_findings_init(&x->fs);
    /* answered: 5.0, 10.0, 20.0 (met), 45.6 (breached); one unanswered; one open */
    record(x, 0, 0, "reply.employee", "E20", 50, CA_LAT_MET);
    record(x, 0, 1, "reply.employee", "E20", 100, CA_LAT_MET);
    record(x, 0, 2, "reply.employee", "E20", 200, CA_LAT_MET);
    record(x, 0, 3, "reply.employee", "E20", 456, CA_LAT_BREACHED);
    record(x, 0, 4, "reply.employee", "E20", -1, CA_LAT_UNANSWERED);
    record(x, 1, 0, "reply.public", "E10", -1, CA_LAT_OPEN);
    ca_findings_finalize(&x->fs);
    x->r = (ca_report){.cfg = &x->cfg, .period = "2026-11", .tool_version = CA_VERSION,
                       .convs = x->conv, .n_convs = 2, .findings = &x->fs};
    snprintf(x->dir, sizeof x->dir, "/tmp/ca_latency_XXXXXX");
    if (!mkdtemp(x->dir))
        x->dir[0] = '\0';
    return x;
}

static char *write_read(fixture *x, int (*fn)(const ca_report *, const char *), const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", x->dir, name);
    CHECK_INT(fn(&x->r, path), 0);
    /* raw bytes (BOM and all) */
    FILE *f = fopen(path, "rb");
    char *text = calloc(1, 1 << 20);
    if (f && text)
        CHECK(fread(text, 1, (1 << 20) - 1, f) > 0);
    if (f)
        fclose(f);
    unlink(path);
    return text;
}

static void teardown(fixture *x)
{
    rmdir(x->dir);
    ca_findings_free(&x->fs);
    ca_config_free(&x->cfg);
    free(x);
}

TEST(latency_csv_conventions)
{
    fixture *x = setup();
    char *csv = write_read(x, ca_write_latency_csv, "latency.csv");
    CHECK(csv != NULL);
    const char *head = "\xEF\xBB\xBF"
                       "rule,platform,group_id,group_name,asker_id,asked_at,message_id,responder_id,"
                       "deadline,answered_at,business_minutes,status\r\n";
    CHECK(csv && strncmp(csv, head, strlen(head)) == 0);
    size_t lines = 0, bare = 0;
    for (const char *p = csv; p && *p; p++)
        if (*p == '\n') {
            lines++;
            bare += p == csv || p[-1] != '\r';
        }
    CHECK_INT(lines, 7);
    CHECK_INT(bare, 0);
    /* the group name is a formula: guarded and quoted */
    CHECK(csv && strstr(csv, ",\"'=HYPERLINK(\"\"x\"\")\","));
    CHECK(csv && strstr(csv, "reply.employee,wechat,g1@chatroom,\"'=HYPERLINK(\"\"x\"\")\",E21,"
                             "2026-11-03T12:00:00+08:00,m4,E20,2026-11-03T12:20:00+08:00,"
                             "2026-11-03T12:45:36+08:00,45.6,breached\r\n"));
    /* unanswered: no answered_at, minutes to the end of the export */
    CHECK(csv && strstr(csv, ",m5,E20,2026-11-03T13:20:00+08:00,,90.0,unanswered\r\n"));
    CHECK(csv && strstr(csv, ",<b>研发</b>,E21,2026-11-04T09:00:00+08:00,m6,E10,"
                             "2026-11-04T09:20:00+08:00,,90.0,open\r\n"));
    free(csv);
    teardown(x);
}

TEST(latency_html_escapes_and_figures)
{
    fixture *x = setup();
    char *html = write_read(x, ca_write_latency_html, "latency.html");
    CHECK(html != NULL);
    CHECK(html && !strstr(html, HOSTILE));
    CHECK(html && strstr(html, "&lt;img src=x onerror=alert(1)&gt;？"));
    CHECK(html && !strstr(html, "<b>研发</b>"));
    CHECK(html && strstr(html, "&lt;b&gt;研发&lt;/b&gt;"));
    CHECK(html && !strstr(html, "<script"));
    /* reply.employee: answered 5.0 10.0 20.0 45.6 → median 15.0; P90 at
     * rank 2.7 = 20 + 0.7 × 25.6 = 37.92 → 37.9; on time 3 of 5 judged */
    CHECK(html && strstr(html, "<td class=\"n\">5</td><td class=\"n\">3</td><td class=\"n\">1</td>"
                               "<td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">15.0</td>"
                               "<td class=\"n\">37.9</td><td class=\"n\">60.0%</td>"));
    /* reply.public: one open message, nothing judged */
    CHECK(html && strstr(html, "<td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0</td>"
                               "<td class=\"n\">0</td><td class=\"n\">1</td><td class=\"n\">—</td>"
                               "<td class=\"n\">—</td><td class=\"n\">—</td>"));
    CHECK(html && strstr(html, "<svg"));
    free(html);
    teardown(x);
}

/* What latency.html shows of a tracked message was kept with the record:
 * the events can go before the report is written. */
TEST(latency_reports_need_no_events)
{
    fixture *x = setup();
    char *html = write_read(x, ca_write_latency_html, "a.html");
    char *csv = write_read(x, ca_write_latency_csv, "a.csv");
    for (int i = 0; i < 6; i++) /* what a freed conversation's memory might hold */
        x->ev[i] = (ca_event){.text = "gone", .id = "gone", .src_path = "gone"};
    x->conv[0].n_events = x->conv[1].n_events = 0;
    char *html2 = write_read(x, ca_write_latency_html, "b.html");
    char *csv2 = write_read(x, ca_write_latency_csv, "b.csv");
    CHECK(strstr(html, "文档在哪里") != NULL && strstr(html, "a.zip!g.csv:5") != NULL);
    CHECK_STR(html2, html);
    CHECK_STR(csv2, csv);
    free(html);
    free(html2);
    free(csv);
    free(csv2);
    teardown(x);
}

TEST(index_headline)
{
    fixture *x = setup();
    ca_buf b = CA_BUF_INIT;
    CHECK_INT(ca_write_latency_headline(&b, &x->r), 0);
    const char *s = ca_buf_cstr(&b);
    CHECK(s && strstr(s, "回复时效 Reply latency"));
    CHECK(s && strstr(s, "60.0%"));
    CHECK(s && !strstr(s, "<svg") && !strstr(s, "<style") && !strstr(s, "class="));
    ca_buf_free(&b);
    teardown(x);
}

TEST(empty_latency_reports)
{
    fixture *x = setup();
    ca_findings empty;
    ca_findings_init(&empty);
    x->r.findings = &empty;
    char *csv = write_read(x, ca_write_latency_csv, "latency.csv");
    CHECK(csv && !strcmp(csv, "\xEF\xBB\xBF"
                              "rule,platform,group_id,group_name,asker_id,asked_at,message_id,"
                              "responder_id,deadline,answered_at,business_minutes,status\r\n"));
    char *html = write_read(x, ca_write_latency_html, "latency.html");
    CHECK(html && strstr(html, "No answered tracked messages"));
    free(csv);
    free(html);
    x->r.findings = &x->fs;
    teardown(x);
}

TEST_MAIN()
