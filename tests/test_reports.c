/* Unit tests of the report writers: findings.csv, compliance.html and
 * index.html from a ca_report built by hand — escaping of hostile chat
 * text, the CSV conventions Excel needs, the email body's constraints,
 * determinism, and writing through a temporary file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "config.h"
#include "diag.h"
#include "finding.h"
#include "importer.h"
#include "outfile.h"
#include "report.h"
#include "timeparse.h"
#include "walk.h"

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *data = malloc(cap + 1);
    size_t got;
    while ((got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            data = realloc(data, (cap *= 2) + 1);
    }
    fclose(f);
    data[n] = '\0';
    if (len)
        *len = n;
    return data;
}

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][512];
    static int k;
    char *p = buf[k++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(p);
        else
            unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Names in dir, sorted, joined by spaces. */
static void list_dir(const char *dir, char *out, size_t cap)
{
    char names[32][128];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 32)
        if (e->d_name[0] != '.')
            snprintf(names[n++], sizeof names[0], "%.120s", e->d_name);
    if (d)
        closedir(d);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[j], names[i]) < 0) {
                char t[128];
                memcpy(t, names[i], sizeof t);
                memcpy(names[i], names[j], sizeof t);
                memcpy(names[j], t, sizeof t);
            }
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, names[i], cap - strlen(out) - 1);
    }
}

static int64_t at(const char *s)
{
    int64_t ms = 0;
    ca_time_parse(s, strlen(s), 480, &ms, NULL);
    return ms;
}

/* Runs fn with stderr captured; returns what it printed (static). */
static const char *captured;
static int capture_stderr(int (*fn)(const ca_report *, const char *), const ca_report *r,
                          const char *path)
{
    static char text[2048];
    char tmpl[] = "/tmp/ca_stderr_XXXXXX";
    int fd = mkstemp(tmpl);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    int rc = fn(r, path);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, text, sizeof text - 1);
    text[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(tmpl);
    captured = text;
    return rc;
}

/* ---- the fixture: two conversations, four findings, a small import ---- */

#define HOSTILE "<img src=x onerror=alert(1)>"
#define FORMULA_NAME "=HYPERLINK(\"http://x\")"

typedef struct fixture {
    ca_config cfg;
    ca_diag *diag;
    ca_limits lim;
    ca_import *imp;
    ca_event ev1[8], ev2[3];
    const ca_event *p1[8], *p2[3];
    ca_conv conv[2];
    ca_findings fs;
    ca_unresolved *unresolved;
    size_t n_unresolved;
    ca_input_file input;
    ca_report r;
    char dir[64];
} fixture;

static ca_event message(const char *platform, const char *conv, const char *id, const char *when,
                        const char *sender, const char *name, const char *text, long line)
{
    return (ca_event){.platform = platform, .conv = conv, .id = id, .time_ms = at(when),
                      .kind = CA_KIND_MESSAGE, .type = CA_TYPE_TEXT, .sender = sender,
                      .sender_name = name, .text = text, .src_path = "oct.zip!g1.csv",
                      .src_line = line};
}

static void add_finding(fixture *x, const char *rule, const char *clause, ca_severity sev,
                        int conv, size_t ev, const char *pid, const char *pname,
                        const char *dept, const char *evidence, size_t hs, size_t he,
                        const char *detail)
{
    const ca_event *e = x->conv[conv].events[ev];
    ca_finding f = {.rule = rule, .clause = clause, .severity = sev, .conv = &x->conv[conv],
                    .event_index = ev, .person_id = pid, .person_name = pname,
                    .department = dept, .time_ms = e->time_ms, .message_id = e->id,
                    .evidence = evidence ? ca_strdup(evidence) : NULL, .hl_start = hs,
                    .hl_end = he, .detail = detail ? ca_strdup(detail) : NULL,
                    .src_path = e->src_path, .src_line = e->src_line};
    CHECK(ca_finding_keep(&f, &x->conv[conv], ev) == 0);
    ca_findings_add(&x->fs, &f);
}

static fixture *setup(void)
{
    fixture *x = calloc(1, sizeof *x);
    ca_config_defaults(&x->cfg);
    x->cfg.company_name = ca_strdup("示例公司 <Acme>");
    x->diag = ca_diag_new(0);
    ca_diag_add(x->diag, CA_DIAG_WARN, "oct.zip!bad.csv", 7, "row with <script>alert(1)</script>");
    ca_limits_default(&x->lim);

    /* a real import (empty roster: every sender unresolved) and an entry
     * no format recognises, for the data-quality section */
    x->imp = ca_import_new(&x->cfg, &x->lim, NULL, x->diag);
    const char *csv =
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,11,文本,0,wxid_stranger,g@chatroom,你好,,2026-11-03 09:00:00\n"
        "2,12,文本,0,wxid_stranger,g@chatroom,在吗,,2026-11-03 09:01:00\n";
    ca_import_buffer(x->imp, "oct.zip!g_0_3.csv", (const unsigned char *)csv, strlen(csv));
    const char *junk = "just some notes, not a chat export\n";
    ca_import_buffer(x->imp, "oct.zip!notes.bin", (const unsigned char *)junk, strlen(junk));
    ca_import_finish(x->imp);

    const char *g1 = "g1@chatroom";
    x->ev1[0] = message("wechat", g1, "m0", "2026-11-03 08:50:00", "wxid_a", "张三", "最早的一条", 1);
    x->ev1[1] = message("wechat", g1, "m1", "2026-11-03 09:00:00", "wxid_a", "张三", "早上好", 2);
    x->ev1[2] = message("wechat", g1, "m2", "2026-11-03 09:01:00", "wxid_b", "李四", "今天的会几点？", 3);
    x->ev1[3] = message("wechat", g1, "m3", "2026-11-03 09:02:00", "wxid_c", "王五", HOSTILE, 4);
    x->ev1[4] = message("wechat", g1, "m4", "2026-11-03 09:03:00", "wxid_d", "赵六",
                        "加我微信 abc12345 便宜卖货", 5);
    x->ev1[5] = message("wechat", g1, "m5", "2026-11-03 09:04:00", "wxid_a", "张三", "好的", 6);
    x->ev1[6] = message("wechat", g1, "m6", "2026-11-03 09:05:00", "wxid_b", "李四", "收到", 7);
    x->ev1[7] = message("wechat", g1, "m7", "2026-11-03 09:06:00", "wxid_b", "李四", "最后一条", 8);
    for (int i = 0; i < 8; i++)
        x->p1[i] = &x->ev1[i];
    x->conv[0] = (ca_conv){.platform = "wechat", .id = g1, .name = "研发部工作群",
                           .events = x->p1, .n_events = 8, .index = 0};

    const char *g2 = "cid2";
    x->ev2[0] = (ca_event){.platform = "dingtalk", .conv = g2, .time_ms = at("2026-11-04 09:59:00"),
                           .kind = CA_KIND_JOIN, .actor = "dt_a", .actor_name = "张三",
                           .src_path = "oct.zip!g2.json", .src_line = 1};
    static const char *targets[] = {"dt_h"}, *target_names[] = {FORMULA_NAME};
    x->ev2[0].targets = targets;
    x->ev2[0].target_names = target_names;
    x->ev2[0].n_targets = 1;
    x->ev2[1] = message("dingtalk", g2, "d1", "2026-11-04 10:00:00", "dt_h", FORMULA_NAME,
                        "他说\"你好\",然后走了", 2);
    x->ev2[2] = message("dingtalk", g2, "d2", "2026-11-04 10:02:00", "dt_h", FORMULA_NAME,
                        "我的手机 13812345678", 3);
    x->ev2[1].src_path = x->ev2[2].src_path = "oct.zip!g2.json";
    for (int i = 0; i < 3; i++)
        x->p2[i] = &x->ev2[i];
    x->conv[1] = (ca_conv){.platform = "dingtalk", .id = g2, .name = "<b>销售群</b>",
                           .events = x->p2, .n_events = 3, .index = 1};

    ca_findings_init(&x->fs);
    add_finding(x, "content.ad", "4.2.3", CA_SEV_MINOR, 0, 3, "E3", "王五", "研发部", HOSTILE, 5,
                28, "link <b>bold</b> to an unlisted domain");
    add_finding(x, "content.ad", "4.2.3", CA_SEV_MINOR, 0, 4, "E4", "赵六", "研发部",
                "加我微信 abc12345 便宜卖货", 0, 21, "solicitation: 加我微信 + handle");
    add_finding(x, "content.privacy", "4.2.1", CA_SEV_MAJOR, 1, 2, "dt_h", FORMULA_NAME, NULL,
                "我的手机 13812345678", 13, 24, "contains \"a phone number\", here");
    add_finding(x, "group.outsider", "3.1.2", CA_SEV_MAJOR, 1, 0, "E1", "张三", "行政中心", NULL, 0,
                0, "an outsider joined");
    ca_findings_finalize(&x->fs);

    /* what ca_run counts for the reports: each conversation's messages in
     * the period, and the import's unresolved senders, a conversation at a
     * time */
    int64_t from = at("2026-11-01 00:00:00"), to = at("2026-12-01 00:00:00");
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < x->conv[k].n_events; i++) {
            const ca_event *e = x->conv[k].events[i];
            x->conv[k].period_messages +=
                e->kind == CA_KIND_MESSAGE && e->time_ms >= from && e->time_ms < to;
        }
    ca_unresolved_tally *t = ca_unresolved_tally_new();
    CHECK(t != NULL);
    for (size_t c = 0; t && c < ca_import_n_convs(x->imp); c++) {
        ca_event **ev;
        size_t n;
        CHECK_INT(ca_import_conv_load(x->imp, c, NULL, &ev, &n), CA_OK);
        CHECK(ca_unresolved_tally_add(t, (const ca_event *const *)ev, n, c, from, to) == 0);
    }
    CHECK(t && ca_unresolved_tally_list(t, &x->unresolved, &x->n_unresolved) == 0);
    ca_unresolved_tally_free(t);
    x->input = (ca_input_file){.path = "oct.zip", .bytes = 1234};
    memset(x->input.sha256, 'a', 64);
    x->r = (ca_report){.cfg = &x->cfg, .period = "2026-11",
                       .period_start_ms = at("2026-11-01 00:00:00"),
                       .period_end_ms = at("2026-12-01 00:00:00"), .tool_version = CA_VERSION,
                       .inputs = &x->input, .n_inputs = 1, .convs = x->conv, .n_convs = 2,
                       .findings = &x->fs, .imp = x->imp, .unresolved = x->unresolved,
                       .n_unresolved = x->n_unresolved, .diag = x->diag, .n_messages = 10};
    snprintf(x->dir, sizeof x->dir, "/tmp/ca_reports_XXXXXX");
    if (!mkdtemp(x->dir))
        x->dir[0] = '\0';
    return x;
}

static void teardown(fixture *x)
{
    remove_tree(x->dir);
    ca_findings_free(&x->fs);
    ca_free(x->unresolved);
    ca_import_free(x->imp);
    ca_diag_free(x->diag);
    ca_config_free(&x->cfg);
    free(x);
}

/* Writes one report into the fixture's folder and reads it back. */
static char *write_read(fixture *x, int (*fn)(const ca_report *, const char *), const char *name,
                        size_t *len)
{
    const char *p = path_in(x->dir, name);
    CHECK_INT(fn(&x->r, p), 0);
    return slurp(p, len);
}

/* ---- findings.csv ---- */

TEST(csv_bom_header_and_crlf)
{
    fixture *x = setup();
    size_t n;
    char *csv = write_read(x, ca_write_findings_csv, "findings.csv", &n);
    CHECK(csv != NULL);
    const char *head = "\xEF\xBB\xBF"
                       "finding_id,rule,clause,severity,period,platform,group_id,group_name,"
                       "person_id,person_name,department,time,message_id,incident_id,evidence,"
                       "detail,src\r\n";
    CHECK(strncmp(csv, head, strlen(head)) == 0);
    size_t lines = 0, bare_lf = 0;
    for (size_t i = 0; i < n; i++)
        if (csv[i] == '\n') {
            lines++;
            bare_lf += i == 0 || csv[i - 1] != '\r';
        }
    CHECK_INT(lines, 5); /* header + 4 findings */
    CHECK_INT(bare_lf, 0);
    CHECK(n >= 2 && csv[n - 2] == '\r' && csv[n - 1] == '\n');
    free(csv);
    teardown(x);
}

TEST(csv_formula_guard_and_quoting)
{
    fixture *x = setup();
    char *csv = write_read(x, ca_write_findings_csv, "findings.csv", NULL);
    /* the name that would be a live formula in Excel is quoted and guarded */
    CHECK(strstr(csv, ",\"'=HYPERLINK(\"\"http://x\"\")\",") != NULL);
    CHECK(strstr(csv, ",=HYPERLINK") == NULL);
    /* quotes doubled, a comma kept inside its cell */
    CHECK(strstr(csv, ",\"contains \"\"a phone number\"\", here\",") != NULL);
    /* hostile evidence stays plain text in the CSV */
    CHECK(strstr(csv, "," HOSTILE ",") != NULL);
    free(csv);
    teardown(x);
}

TEST(csv_row_fields)
{
    fixture *x = setup();
    char *csv = write_read(x, ca_write_findings_csv, "findings.csv", NULL);
    /* the privacy finding: every column in order, time in the company zone,
     * incident_id empty, src as path:line */
    const ca_finding *f = NULL;
    for (size_t i = 0; i < x->fs.n; i++)
        if (strcmp(x->fs.items[i].rule, "content.privacy") == 0)
            f = &x->fs.items[i];
    CHECK(f != NULL);
    char row[512];
    snprintf(row, sizeof row,
             "\r\n%s,content.privacy,4.2.1,major,2026-11,dingtalk,cid2,<b>销售群</b>,dt_h,"
             "\"'=HYPERLINK(\"\"http://x\"\")\",,2026-11-04T10:02:00+08:00,d2,,我的手机 13812345678,"
             "\"contains \"\"a phone number\"\", here\",oct.zip!g2.json:3\r\n",
             f ? f->id : "");
    CHECK(strstr(csv, row) != NULL);
    CHECK(strstr(csv, ",minor,") != NULL);
    free(csv);
    teardown(x);
}

TEST(csv_long_evidence_cut_at_a_character)
{
    fixture *x = setup();
    /* Excel holds 32 767 characters in a cell and spills the rest into
     * the next row: a longer evidence is cut, never inside a character */
    ca_finding *f = &x->fs.items[0];
    ca_free(f->evidence);
    f->evidence = ca_malloc(40000 * 3 + 1);
    for (int i = 0; i < 40000; i++)
        memcpy(f->evidence + 3 * i, "中", 3);
    f->evidence[40000 * 3] = '\0';
    char *csv = write_read(x, ca_write_findings_csv, "findings.csv", NULL);
    const char *cell = strstr(csv, "中");
    CHECK(cell != NULL);
    size_t len = cell ? strcspn(cell, ",") : 0;
    CHECK(len <= 32000 + 3);
    CHECK(len >= 6 && memcmp(cell + len - 6, "中…", 6) == 0);
    free(csv);
    teardown(x);
}

/* ---- compliance.html ---- */

TEST(compliance_escapes_chat_text)
{
    fixture *x = setup();
    char *html = write_read(x, ca_write_compliance_html, "compliance.html", NULL);
    CHECK(html != NULL);
    CHECK(strstr(html, "&lt;img src=x onerror=alert(1)&gt;") != NULL); /* as context */
    CHECK(strstr(html, "&lt;img <mark>src=x onerror=alert(1)&gt;</mark>") != NULL);
    CHECK(strstr(html, "<img src=x") == NULL);
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL); /* the warning */
    CHECK(strstr(html, "&lt;b&gt;销售群&lt;/b&gt;") != NULL);              /* group name */
    CHECK(strstr(html, "<b>销售群") == NULL);
    CHECK(strstr(html, "link &lt;b&gt;bold&lt;/b&gt; to") != NULL);         /* detail */
    CHECK(strstr(html, "示例公司 &lt;Acme&gt;") != NULL);                   /* company */
    CHECK(strstr(html, "=HYPERLINK(&quot;http://x&quot;)") != NULL);        /* name */
    free(html);
    teardown(x);
}

TEST(compliance_marks_evidence_in_context)
{
    fixture *x = setup();
    char *html = write_read(x, ca_write_compliance_html, "compliance.html", NULL);
    CHECK(strstr(html, "<mark>加我微信 abc12345</mark> 便宜卖货") != NULL);
    CHECK(strstr(html, "我的手机 <mark>13812345678</mark>") != NULL);
    /* two messages either side of each trigger, no more */
    CHECK(strstr(html, "早上好") != NULL);
    CHECK(strstr(html, "收到") != NULL);
    CHECK(strstr(html, "最早的一条") == NULL);
    CHECK(strstr(html, "最后一条") == NULL);
    /* the join that triggered group.outsider, with who joined */
    CHECK(strstr(html, "[join] 张三 → =HYPERLINK(&quot;http://x&quot;)") != NULL);
    /* grouped by rule in clause order, then department */
    const char *g = strstr(html, "<h3 id=\"r-group.outsider\"");
    const char *p = strstr(html, "<h3 id=\"r-content.privacy\"");
    const char *a = strstr(html, "<h3 id=\"r-content.ad\"");
    CHECK(g && p && a && g < p && p < a);
    CHECK(strstr(html, "oct.zip!g1.csv:5") != NULL); /* src */
    CHECK(strstr(html, "<svg") != NULL && strstr(html, "<rect") != NULL);
    CHECK(strstr(html, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") != NULL);
    CHECK(strstr(html, "2026-11") != NULL && strstr(html, "chataudit " CA_VERSION) != NULL);
    free(html);
    teardown(x);
}

TEST(compliance_data_quality)
{
    fixture *x = setup();
    char *html = write_read(x, ca_write_compliance_html, "compliance.html", NULL);
    const char *q = strstr(html, "id=\"quality\"");
    CHECK(q != NULL);
    if (q) {
        CHECK(strstr(q, "wxid_stranger") != NULL);    /* unresolved sender */
        CHECK(strstr(q, "oct.zip!notes.bin") != NULL); /* unrecognised entry */
        CHECK(strstr(q, "oct.zip!bad.csv:7") != NULL); /* the warning's place */
    }
    free(html);
    teardown(x);
}

TEST(compliance_highlight_widened_to_characters)
{
    fixture *x = setup();
    /* offsets inside a character and past the end must not split UTF-8 */
    ca_finding *f = &x->fs.items[0];
    ca_free(f->evidence);
    f->evidence = ca_strdup("中文ab");
    f->hl_start = 1;
    f->hl_end = 4;
    f->event_index = (size_t)-1;
    CHECK(ca_finding_keep(f, NULL, (size_t)-1) == 0);
    char *html = write_read(x, ca_write_compliance_html, "compliance.html", NULL);
    CHECK(strstr(html, "<mark>中文</mark>ab") != NULL);
    f->hl_start = 6;
    f->hl_end = 99;
    free(html);
    html = write_read(x, ca_write_compliance_html, "compliance.html", NULL);
    CHECK(strstr(html, "中文<mark>ab</mark>") != NULL);
    free(html);
    teardown(x);
}

/* What compliance.html shows around a finding was kept with it: the
 * events can go before the report is written. */
TEST(compliance_needs_no_events)
{
    fixture *x = setup();
    size_t na, nb;
    char *a = write_read(x, ca_write_compliance_html, "a.html", &na);
    for (int i = 0; i < 8; i++) /* what freed memory might hold; kinds and times stay */
        x->ev1[i].text = x->ev1[i].sender_name = x->ev1[i].id = "gone";
    for (int i = 0; i < 3; i++)
        x->ev2[i].text = x->ev2[i].sender_name = x->ev2[i].actor_name = "gone";
    x->ev2[0].target_names = NULL;
    char *b = write_read(x, ca_write_compliance_html, "b.html", &nb);
    CHECK(strstr(a, "最早的一条") == NULL && strstr(a, "早上好") != NULL); /* two before */
    CHECK(strstr(a, "收到") != NULL && strstr(a, "最后一条") == NULL); /* two after */
    CHECK(strstr(b, "gone") == NULL);
    CHECK(na == nb && memcmp(a, b, na) == 0);
    free(a);
    free(b);
    teardown(x);
}

/* A context message is masked as a whole, then cut: a mobile number
 * across the cut is masked as it would be in the whole text. */
TEST(compliance_context_masked_before_the_cut)
{
    fixture *x = setup();
    char long_text[700];
    memset(long_text, 'a', 595);
    strcpy(long_text + 595, "13998765432 after");
    ca_event ev[2] = {message("wechat", "g9", "n1", "2026-11-05 09:00:00", "wxid_a", "张三",
                              "广告 trigger", 1),
                      message("wechat", "g9", "n2", "2026-11-05 09:01:00", "wxid_b", "李四",
                              long_text, 2)};
    const ca_event *p[2] = {&ev[0], &ev[1]};
    ca_conv c = {.platform = "wechat", .id = "g9", .name = "g9", .events = p, .n_events = 2};
    ca_finding f = {.rule = "content.ad", .clause = "4.2.3", .severity = CA_SEV_MINOR, .conv = &c,
                    .event_index = 0, .person_id = "E1", .time_ms = ev[0].time_ms,
                    .message_id = "n1", .evidence = ca_strdup("广告 trigger"), .hl_start = 0,
                    .hl_end = 6, .detail = ca_strdup("ad"), .src_path = "x.zip!g9.csv",
                    .src_line = 1};
    CHECK(ca_finding_keep(&f, &c, 0) == 0);
    CHECK_INT(f.n_context, 2);
    CHECK_INT(f.hit, 0);
    CHECK(f.evidence_inline);
    CHECK_INT(strlen(f.context[1].text), 601); /* the report reads no further */
    CHECK(strncmp(f.context[1].text + 595, "139**", 5) == 0);
    CHECK(ca_findings_add(&x->fs, &f) == 0);
    ev[1].text = "gone";
    char *html = write_read(x, ca_write_compliance_html, "c.html", NULL);
    CHECK(strstr(html, "aaaa139**…") != NULL);
    CHECK(strstr(html, "13998") == NULL && strstr(html, "gone") == NULL);
    free(html);
    teardown(x);
}

/* ---- index.html ---- */

static void check_email_safe(const char *html)
{
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "<svg") == NULL);
    CHECK(strstr(html, "<style") == NULL);
    CHECK(strstr(html, "http") == NULL);
    CHECK(strstr(html, "<a ") == NULL && strstr(html, "href") == NULL);
    CHECK(strstr(html, "<img") == NULL);
}

TEST(index_is_an_email_body)
{
    fixture *x = setup();
    char *html = write_read(x, ca_write_index_html, "index.html", NULL);
    CHECK(html != NULL);
    check_email_safe(html);
    CHECK(strstr(html, "compliance.html") != NULL && strstr(html, "findings.csv") != NULL);
    CHECK(strstr(html, "示例公司 &lt;Acme&gt;") != NULL);
    /* the formula name is escaped and kept from becoming a link */
    CHECK(strstr(html, "=HYPERLINK(&quot;h&#8203;ttp:&#8203;//x&quot;)") != NULL);
    /* totals by rule, department and person */
    CHECK(strstr(html, "content.ad") != NULL && strstr(html, "研发部") != NULL);
    CHECK(strstr(html, "王五") != NULL);
    free(html);
    teardown(x);
}

TEST(index_stays_small_with_100k_findings)
{
    fixture *x = setup();
    static const char *rules[][2] = {
        {"group.create", "3.1.1"}, {"group.name", "3.1.2"}, {"group.outsider", "3.1.2"},
        {"member.onboard", "3.2.1"}, {"member.nickname", "3.2.2"}, {"member.invite", "3.2.3"},
        {"member.leave", "3.2.4"}, {"content.privacy", "4.2.1"}, {"content.offtopic", "4.2.1"},
        {"content.ad", "4.2.3"}, {"redline.politics", "4.2.5.1"}, {"redline.religion", "4.2.5.1"},
        {"redline.porn", "4.2.5.1"}, {"redline.violence", "4.2.5.1"}, {"redline.abuse", "4.2.5.2"},
        {"redline.tamper", "4.2.5.3"}, {"content.forward", "4.2.6"}, {"reply.employee", "5.1.1"},
        {"reply.leader", "5.1.2"}, {"reply.public", "5.1.3"}};
    static char ids[2000][8], people[2000][48], depts[300][64];
    for (int i = 0; i < 2000; i++) {
        snprintf(ids[i], sizeof ids[i], "E%04d", i);
        snprintf(people[i], sizeof people[i], "一个相当长的员工姓名%04d", i);
    }
    for (int i = 0; i < 300; i++)
        snprintf(depts[i], sizeof depts[i], "一个名字相当长的部门第%03d部", i);
    for (int i = 0; i < 100000; i++) {
        int p = (i * 7919) % 2000;
        ca_finding f = {.rule = rules[i % 20][0], .clause = rules[i % 20][1],
                        .severity = (ca_severity)(i % 4), .conv = &x->conv[i % 2],
                        .event_index = (size_t)-1, .person_id = ids[p], .person_name = people[p],
                        .department = depts[p % 300], .time_ms = at("2026-11-05 10:00:00") + i,
                        .detail = ca_strdup("detail")};
        ca_findings_add(&x->fs, &f);
    }
    ca_findings_finalize(&x->fs);
    x->r.n_messages = 1000000;
    size_t n;
    char *html = write_read(x, ca_write_index_html, "index.html", &n);
    CHECK(html != NULL);
    CHECK(n < 100 * 1024);
    check_email_safe(html);
    CHECK(strstr(html, "100004") != NULL); /* the total */
    free(html);
    teardown(x);
}

/* ---- every writer ---- */

TEST(writing_twice_is_byte_identical)
{
    fixture *x = setup();
    int (*fns[])(const ca_report *, const char *) = {ca_write_findings_csv,
                                                      ca_write_compliance_html, ca_write_index_html};
    const char *names[][2] = {{"a.csv", "b.csv"}, {"a.html", "b.html"}, {"ai.html", "bi.html"}};
    for (int i = 0; i < 3; i++) {
        size_t na, nb;
        char *a = write_read(x, fns[i], names[i][0], &na);
        char *b = write_read(x, fns[i], names[i][1], &nb);
        CHECK(a && b && na == nb && memcmp(a, b, na) == 0);
        free(a);
        free(b);
    }
    teardown(x);
}

TEST(writers_leave_only_the_reports)
{
    fixture *x = setup();
    CHECK_INT(ca_write_findings_csv(&x->r, path_in(x->dir, "findings.csv")), 0);
    CHECK_INT(ca_write_compliance_html(&x->r, path_in(x->dir, "compliance.html")), 0);
    CHECK_INT(ca_write_index_html(&x->r, path_in(x->dir, "index.html")), 0);
    /* and writing again replaces them */
    CHECK_INT(ca_write_index_html(&x->r, path_in(x->dir, "index.html")), 0);
    char names[512];
    list_dir(x->dir, names, sizeof names);
    CHECK_STR(names, "compliance.html findings.csv index.html");
    teardown(x);
}

TEST(write_to_missing_folder_fails)
{
    fixture *x = setup();
    int (*fns[])(const ca_report *, const char *) = {ca_write_findings_csv,
                                                      ca_write_compliance_html, ca_write_index_html};
    for (int i = 0; i < 3; i++) {
        const char *p = path_in(x->dir, "missing/out.file");
        CHECK_INT(capture_stderr(fns[i], &x->r, p), -1);
        char want[600];
        snprintf(want, sizeof want, "chataudit: %s: cannot write: No such file or directory\n", p);
        CHECK_STR(captured, want);
    }
    char names[512];
    list_dir(x->dir, names, sizeof names);
    CHECK_STR(names, "");
    teardown(x);
}

TEST(failed_rename_removes_the_temporary_file)
{
    fixture *x = setup();
    /* the temporary file can be written, but a folder holds the final name */
    const char *p = path_in(x->dir, "findings.csv");
    mkdir(p, 0700);
    CHECK_INT(capture_stderr(ca_write_findings_csv, &x->r, p), -1);
    char want[600];
    snprintf(want, sizeof want, "chataudit: %s: cannot write: Is a directory\n", p);
    CHECK_STR(captured, want);
    char names[512];
    list_dir(x->dir, names, sizeof names);
    CHECK_STR(names, "findings.csv"); /* the folder; no .tmp left behind */
    teardown(x);
}

TEST(outfile_abort_leaves_nothing)
{
    fixture *x = setup();
    char *tmp;
    const char *p = path_in(x->dir, "half.csv");
    FILE *f = ca_outfile_open(p, &tmp);
    CHECK(f != NULL);
    CHECK(tmp && ca_starts_with(tmp, p) && strstr(tmp, ".tmp.") != NULL);
    fputs("half a report", f);
    ca_outfile_abort(f, tmp);
    char names[512];
    list_dir(x->dir, names, sizeof names);
    CHECK_STR(names, "");
    teardown(x);
}

TEST(empty_report)
{
    fixture *x = setup();
    ca_findings none;
    ca_findings_init(&none);
    x->r.findings = &none;
    x->r.imp = NULL;
    x->r.diag = NULL;
    x->r.n_inputs = 0;
    char *csv = write_read(x, ca_write_findings_csv, "findings.csv", NULL);
    CHECK(csv && ca_ends_with(csv, "detail,src\r\n"));
    char *html = write_read(x, ca_write_compliance_html, "compliance.html", NULL);
    CHECK(html && strstr(html, "No findings in this period") && ca_ends_with(html, "</html>\n"));
    char *idx = write_read(x, ca_write_index_html, "index.html", NULL);
    CHECK(idx && strstr(idx, "No findings this period") && ca_ends_with(idx, "</html>\n"));
    free(csv);
    free(html);
    free(idx);
    teardown(x);
}

/* ---- the email ---- */

TEST(email_leaves_out_an_attachment_too_large_instead_of_cutting_it)
{
    /* a report over the 64 MB attachment limit was cut at the limit and
     * attached as if whole: a reader got a truncated CSV without a word */
    fixture *x = setup();
    size_t n;
    free(write_read(x, ca_write_index_html, "index.html", &n));
    free(write_read(x, ca_write_findings_csv, "findings.csv", &n));
    int fd = open(path_in(x->dir, "compliance.html"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK_INT(ftruncate(fd, (off_t)65 << 20), 0); /* sparse: 65 MB of zero bytes */
    close(fd);
    const char *files[] = {"findings.csv", "compliance.html"};
    char tmpl[] = "/tmp/ca_stderr_XXXXXX";
    int efd = mkstemp(tmpl);
    fflush(stderr);
    int saved = dup(2);
    dup2(efd, 2);
    int rc = ca_write_email(&x->r, x->dir, files, 2, path_in(x->dir, "m.eml"));
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char err[2048];
    lseek(efd, 0, SEEK_SET);
    ssize_t k = read(efd, err, sizeof err - 1);
    err[k > 0 ? k : 0] = '\0';
    close(efd);
    unlink(tmpl);
    CHECK_INT(rc, 0);
    CHECK(strstr(err, "compliance.html") != NULL && strstr(err, "not attached") != NULL);
    char *eml = slurp(path_in(x->dir, "m.eml"), &n);
    CHECK(eml != NULL);
    CHECK(eml && strstr(eml, "findings.csv") != NULL);     /* the others still are */
    CHECK(eml && strstr(eml, "compliance.html") == NULL);  /* not a cut copy */
    CHECK(n < (size_t)(8 << 20));
    free(eml);
    teardown(x);
}

TEST_MAIN()
