/* Unit tests of the core: buffers and escapes, arena and interning,
 * diagnostics, times, charsets. */
#include "check.h"
#include "arena.h"
#include "buf.h"
#include "charset.h"
#include "diag.h"
#include "timeparse.h"

static const char *fmt_time(int64_t ms, int tz)
{
    static char out[32];
    return ca_time_format(ms, tz, out);
}

static const char *parse_fmt(const char *s, int tz)
{
    int64_t ms;
    if (ca_time_parse(s, strlen(s), tz, &ms, NULL) != 0)
        return "ERR";
    return fmt_time(ms, 480);
}

TEST(time_shapes)
{
    CHECK_STR(parse_fmt("1704081600", 480), "2024-01-01T12:00:00+08:00");
    CHECK_STR(parse_fmt("1547087894783", 480), "2019-01-10T10:38:14+08:00");
    CHECK_STR(parse_fmt("2024-01-01 12:00:00", 480), "2024-01-01T12:00:00+08:00");
    CHECK_STR(parse_fmt("2024/10/4 11:42", 480), "2024-10-04T11:42:00+08:00");
    CHECK_STR(parse_fmt("2023-11-15T06:15:23.000Z", 480), "2023-11-15T14:15:23+08:00");
    CHECK_STR(parse_fmt("2025-01-01T12:00:00+08:00", 0), "2025-01-01T12:00:00+08:00");
    CHECK_STR(parse_fmt("2025-01-01T12:00:00-0500", 480), "2025-01-02T01:00:00+08:00");
    CHECK_STR(parse_fmt("2016-05-01 12:34:56.789000", 480), "2016-05-01T12:34:56+08:00");
    CHECK_STR(parse_fmt(" 2026-11-03 09:05:00 ", 480), "2026-11-03T09:05:00+08:00");
    CHECK_STR(parse_fmt("2026-11-03 09:05:00", 0), "2026-11-03T17:05:00+08:00");
}

TEST(time_fraction_kept_in_ms)
{
    int64_t ms;
    CHECK_INT(ca_time_parse("2023-11-15T06:15:23.250Z", 24, 0, &ms, NULL), 0);
    CHECK_INT(ms % 1000, 250);
    int fl = 0;
    CHECK_INT(ca_time_parse("2024/10/4 11:42", 15, 480, &ms, &fl), 0);
    CHECK(fl & CA_TP_NO_SECONDS);
}

TEST(time_rejects)
{
    CHECK_STR(parse_fmt("2024-13-01 00:00:00", 480), "ERR");
    CHECK_STR(parse_fmt("2023-02-29 00:00:00", 480), "ERR");
    CHECK_STR(parse_fmt("2024-02-29 24:00:00", 480), "ERR");
    CHECK_STR(parse_fmt("yesterday", 480), "ERR");
    CHECK_STR(parse_fmt("12345", 480), "ERR");
    CHECK_STR(parse_fmt("2024-01-01 12:00:00 junk", 480), "ERR");
    CHECK_STR(parse_fmt("", 480), "ERR");
    CHECK_STR(parse_fmt("2024-02-29 12:00:00", 480), "2024-02-29T12:00:00+08:00");
}

TEST(timezone_names)
{
    int m;
    CHECK_INT(ca_tz_parse("+08:00", &m), 0);
    CHECK_INT(m, 480);
    CHECK_INT(ca_tz_parse("-0530", &m), 0);
    CHECK_INT(m, -330);
    CHECK_INT(ca_tz_parse("Asia/Shanghai", &m), 0);
    CHECK_INT(m, 480);
    CHECK_INT(ca_tz_parse("Mars/Olympus", &m), -1);
    CHECK_STR(fmt_time(0, -330), "1969-12-31T18:30:00-05:30");
}

TEST(json_escape)
{
    ca_buf b = CA_BUF_INIT;
    ca_buf_json_str(&b, "a\"b\\c\nd\x01\xe2\x80\xa8中");
    CHECK_STR(ca_buf_cstr(&b), "\"a\\\"b\\\\c\\nd\\u0001\\u2028中\"");
    ca_buf_reset(&b);
    ca_buf_json_str(&b, NULL);
    CHECK_STR(ca_buf_cstr(&b), "null");
    ca_buf_free(&b);
}

/* The escape written byte by byte, as ca_buf_json_strn did before it
 * skipped plain runs eight bytes at a time. */
static void json_ref(ca_buf *b, const unsigned char *u, size_t n)
{
    ca_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = u[i];
        if (c == '"')
            ca_buf_puts(b, "\\\"");
        else if (c == '\\')
            ca_buf_puts(b, "\\\\");
        else if (c == '\n')
            ca_buf_puts(b, "\\n");
        else if (c == '\r')
            ca_buf_puts(b, "\\r");
        else if (c == '\t')
            ca_buf_puts(b, "\\t");
        else if (c < 0x20 || c == 0x7F)
            ca_buf_printf(b, "\\u%04x", c);
        else if (c == 0xE2 && i + 2 < n && u[i + 1] == 0x80 && (u[i + 2] == 0xA8 || u[i + 2] == 0xA9)) {
            ca_buf_puts(b, u[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
            i += 2;
        } else
            ca_buf_putc(b, c);
    }
    ca_buf_putc(b, '"');
}

TEST(json_escape_every_byte_at_every_offset)
{
    /* each byte value (and U+2028 / U+2029, and a cut-off E2 80) at each
     * position of a 1..40-byte plain string, so that it falls in every lane
     * of the eight-byte skip and in the tail */
    static const char *const seqs[] = {"\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80", "\xe2\x80\xa7"};
    ca_buf a = CA_BUF_INIT, r = CA_BUF_INIT;
    unsigned char s[64];
    int bad = 0;
    for (size_t len = 1; len <= 40; len++)
        for (size_t at = 0; at < len; at++)
            for (int v = 0; v < 256 + 4; v++) {
                for (size_t i = 0; i < len; i++)
                    s[i] = (unsigned char)("plain text "[i % 11]);
                size_t n = len;
                if (v < 256) {
                    s[at] = (unsigned char)v;
                } else {
                    const char *q = seqs[v - 256];
                    size_t k = strlen(q);
                    if (at + k > len)
                        continue;
                    memcpy(s + at, q, k);
                }
                ca_buf_reset(&a);
                ca_buf_reset(&r);
                ca_buf_json_strn(&a, (const char *)s, n);
                json_ref(&r, s, n);
                if (a.len != r.len || memcmp(a.data, r.data, a.len) != 0)
                    bad++;
            }
    CHECK_INT(bad, 0);
    ca_buf_free(&a);
    ca_buf_free(&r);
}

TEST(html_escape)
{
    ca_buf b = CA_BUF_INIT;
    const char *x = "<img src=x onerror=alert(1)>&'\"";
    ca_buf_html_text(&b, x, strlen(x));
    CHECK_STR(ca_buf_cstr(&b), "&lt;img src=x onerror=alert(1)&gt;&amp;&#39;&quot;");
    ca_buf_free(&b);
}

TEST(csv_cell_guard)
{
    ca_buf b = CA_BUF_INIT;
    const char *x = "=HYPERLINK(\"http://x\")";
    ca_buf_csv_cell(&b, x, strlen(x));
    CHECK_STR(ca_buf_cstr(&b), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    ca_buf_reset(&b);
    ca_buf_csv_cell(&b, "a,b", 3);
    CHECK_STR(ca_buf_cstr(&b), "\"a,b\"");
    ca_buf_reset(&b);
    ca_buf_csv_cell(&b, "plain", 5);
    CHECK_STR(ca_buf_cstr(&b), "plain");
    ca_buf_free(&b);
}

TEST(buf_oom_is_sticky)
{
    ca_buf b = CA_BUF_INIT;
    ca_alloc_fail_after(1);
    CHECK_INT(ca_buf_puts(&b, "x"), -1);
    ca_alloc_fail_after(0);
    CHECK(b.oom);
    CHECK_INT(ca_buf_puts(&b, "y"), -1);
    CHECK(ca_buf_detach(&b) == NULL);
}

TEST(intern_same_pointer)
{
    ca_interner *t = ca_intern_new();
    const char *a = ca_intern(t, "wxid_abc", 8);
    const char *b = ca_intern_cstr(t, "wxid_abc");
    CHECK(a == b);
    char many[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(many, sizeof many, "id%d", i);
        ca_intern_cstr(t, many);
    }
    CHECK(ca_intern_cstr(t, "wxid_abc") == a);
    CHECK_INT(ca_intern_count(t), 5001);
    ca_intern_free(t);
}

TEST(arena_large_and_small)
{
    ca_arena *a = ca_arena_new(1024);
    char *s = ca_arena_strdup(a, "hello");
    void *big = ca_arena_alloc(a, 100000);
    char *t = ca_arena_strdup(a, "world");
    CHECK(big != NULL);
    CHECK_STR(s, "hello");
    CHECK_STR(t, "world");
    CHECK(((uintptr_t)ca_arena_alloc(a, 3) & 7) == 0);
    ca_arena_free(a);
}

TEST(diag_bounded_per_file)
{
    ca_diag *d = ca_diag_new(3);
    for (int i = 0; i < 10; i++)
        ca_diag_add(d, CA_DIAG_ERROR, "a.csv", i + 1, "bad row %d", i);
    ca_diag_add(d, CA_DIAG_WARN, "b.csv", 7, "odd");
    CHECK_INT(ca_diag_len(d), 4);
    CHECK_INT(ca_diag_count(d, CA_DIAG_ERROR), 10);
    CHECK_INT(ca_diag_suppressed(d), 7);
    CHECK_STR(ca_diag_at(d, 3)->file, "b.csv");
    CHECK_INT(ca_diag_at(d, 3)->line, 7);
    ca_diag_free(d);
}

static ca_text decode(const char *raw, size_t n)
{
    ca_text t;
    CHECK_INT(ca_decode((const unsigned char *)raw, n, &t), CA_OK);
    return t;
}

TEST(charset_utf8_bom)
{
    ca_text t = decode("\xEF\xBB\xBF" "消息ID,类型", 3 + 15);
    CHECK_STR(t.charset, "UTF-8-BOM");
    CHECK_STR(t.data, "消息ID,类型");
    CHECK_INT(t.n_replaced, 0);
    ca_free(t.data);
}

TEST(charset_utf16le_bom)
{
    /* "a中" in UTF-16LE with BOM */
    ca_text t = decode("\xFF\xFE" "a\x00\x2D\x4E", 6);
    CHECK_STR(t.charset, "UTF-16LE");
    CHECK_STR(t.data, "a中");
    ca_free(t.data);
}

TEST(charset_gb18030)
{
    /* "时间,内容\n你好" in GB18030 (as Excel re-saves it) */
    const char gb[] = "\xCA\xB1\xBC\xE4,\xC4\xDA\xC8\xDD\n\xC4\xE3\xBA\xC3";
    ca_text t = decode(gb, sizeof gb - 1);
    CHECK_STR(t.charset, "GB18030");
    CHECK_STR(t.data, "时间,内容\n你好");
    CHECK_INT(t.n_replaced, 0);
    ca_free(t.data);
}

TEST(charset_invalid_utf8_replaced_and_counted)
{
    /* mostly UTF-8 with one stray byte and a NUL: kept as UTF-8, both
     * replaced by U+FFFD and counted, nothing dropped */
    const char raw[] = "你好，世界，今天开会\xFF吗\x00!";
    ca_text t = decode(raw, sizeof raw - 1);
    CHECK_STR(t.charset, "UTF-8");
    CHECK_STR(t.data, "你好，世界，今天开会\xEF\xBF\xBD吗\xEF\xBF\xBD!");
    CHECK_INT(t.n_replaced, 2);
    ca_free(t.data);
}

TEST(charset_overlong_and_surrogate_rejected)
{
    CHECK_INT(ca_utf8_seq_len((const unsigned char *)"\xC0\xAF", 2), 0);
    CHECK_INT(ca_utf8_seq_len((const unsigned char *)"\xED\xA0\x80", 3), 0);
    CHECK_INT(ca_utf8_seq_len((const unsigned char *)"\xE2\x80\x85", 3), 3);
}

TEST(charset_utf16_bad_unit_keeps_alignment)
{
    /* "a" U+D800 (lone surrogate) "b" "c" in UTF-16LE */
    ca_text t = decode("\xFF\xFE" "a\x00\x00\xD8" "b\x00" "c\x00", 10);
    CHECK_STR(t.data, "a\xEF\xBF\xBD" "bc");
    CHECK_INT(t.n_replaced, 1);
    ca_free(t.data);
}

TEST(charset_utf8_with_one_bad_byte_stays_utf8)
{
    const char raw[] = "SenderName,Content\n张三\x80,你好\n";
    ca_text t = decode(raw, sizeof raw - 1);
    CHECK_STR(t.charset, "UTF-8");
    CHECK_STR(t.data, "SenderName,Content\n张三\xEF\xBF\xBD,你好\n");
    ca_free(t.data);
}

TEST(charset_empty_is_a_string)
{
    ca_text t = decode("", 0);
    CHECK_STR(t.data, "");
    ca_free(t.data);
}

TEST(time_strict_offsets_and_leap_second)
{
    CHECK_STR(parse_fmt("2024-01-01T10:00:00+08:", 480), "ERR");
    CHECK_STR(parse_fmt("2024-01-01 12:34:60", 480), "ERR");
    CHECK_STR(parse_fmt("2016-12-31T23:59:60Z", 480), "2017-01-01T08:00:00+08:00");
}

TEST_MAIN()
