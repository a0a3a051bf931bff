/* The CSV reader (analyzer/csvrows.c): edge cases with their expected
 * records, and the reader compared with libcsv driven the way it was
 * before (tests/ref/csvrows_libcsv.c) on edge cases and random inputs —
 * records, fields, lengths, lines, errors and messages all equal. */
#include <stdint.h>
#include "check.h"
#include "csvrows.h"
#include "ref/csvrows_libcsv.c"
#include "ref/csv_dump.h"

static void dump(const char *text, size_t len, size_t max, ca_buf *out)
{
    csv_dump(0, text, len, max, out);
}

static void dump_ref(const char *text, size_t len, size_t max, ca_buf *out)
{
    csv_dump(1, text, len, max, out);
}

/* The reader's records of text, checked against libcsv's. */
static int same_as_ref(const char *text, size_t len, size_t max)
{
    ca_buf a = CA_BUF_INIT, b = CA_BUF_INIT;
    dump(text, len, max, &a);
    dump_ref(text, len, max, &b);
    int same = a.len == b.len && memcmp(ca_buf_cstr(&a), ca_buf_cstr(&b), a.len) == 0;
    if (!same) {
        fprintf(stderr, "input (%zu bytes, max %zu): \"", len, max);
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)text[i];
            if (ch == '\r')
                fputs("\\r", stderr);
            else if (ch == '\n')
                fputs("\\n", stderr);
            else if (ch == '\t')
                fputs("\\t", stderr);
            else if (ch < 0x20 || ch >= 0x7F)
                fprintf(stderr, "\\x%02X", ch);
            else
                fputc(ch, stderr);
        }
        fprintf(stderr, "\"\n  reader: %s\n  libcsv: %s\n", ca_buf_cstr(&a), ca_buf_cstr(&b));
    }
    ca_buf_free(&a);
    ca_buf_free(&b);
    return same;
}

static const char *records(const char *text)
{
    static ca_buf out = CA_BUF_INIT;
    ca_buf_reset(&out);
    dump(text, strlen(text), 1 << 20, &out);
    CHECK(same_as_ref(text, strlen(text), 1 << 20));
    return ca_buf_cstr(&out);
}

TEST(csvrows_plain_and_crlf)
{
    CHECK_STR(records("a,b\n1,2\n"), "1:a|b;2:1|2;");
    CHECK_STR(records("a,b\r\n1,2\r\n"), "1:a|b;2:1|2;");
    CHECK_STR(records("a,b\r\r\n1,2\r\r\n"), "1:a|b;2:1|2;");
    CHECK_STR(records("a,b\r1,2\r"), "1:a|b;2:1|2;");  /* old Mac line ends */
    CHECK_STR(records("a,b\n1,2"), "1:a|b;2:1|2;");    /* no line end at the end */
    CHECK_STR(records("a,b,\n,,\n"), "1:a|b|;2:||;");  /* empty fields */
    CHECK_STR(records("a,b,"), "1:a|b|;");
    CHECK_STR(records(""), "");
}

TEST(csvrows_quotes)
{
    CHECK_STR(records("\"a\",\"b,c\"\n"), "1:a|b,c;");
    CHECK_STR(records("\"say \"\"hi\"\"\",x\n"), "1:say \"hi\"|x;");
    CHECK_STR(records("\"\",\"\"\"\"\n"), "1:|\";");
    CHECK_STR(records("\"a\"  ,b\n"), "1:a|b;");        /* spaces after the closing quote */
    CHECK_STR(records("  \"a\",b\n"), "1:a|b;");        /* and before the opening one */
    CHECK_STR(records("\" a \",b\n"), "1: a |b;");      /* kept inside quotes */
    CHECK_STR(records("\"a\""), "1:a;");                /* closing quote at the very end */
    CHECK_STR(records("\"a\"  "), "1:a;");
}

TEST(csvrows_embedded_newlines_and_lines)
{
    CHECK_STR(records("h\n\"one\ntwo\",x\nnext,y\n"), "1:h;2:one\ntwo|x;4:next|y;");
    /* CR LF, CR CR LF and a lone CR inside quotes are each one LF */
    CHECK_STR(records("\"a\r\nb\r\r\nc\rd\",e\r\n"), "1:a\nb\nc\nd|e;");
    CHECK_STR(records("\"a\r\"\n"), "1:a\n;");
}

TEST(csvrows_spaces_and_blank_lines)
{
    CHECK_STR(records("  a  ,\tb\t\n"), "1:a|b;");
    CHECK_STR(records("a b,c\n"), "1:a b|c;");
    CHECK_STR(records("\n\n  \n\t\na,b\n\n"), "5:a|b;"); /* blank and space-only lines */
    CHECK_STR(records(" , \n"), "1:|;");
}

TEST(csvrows_bom_is_data)
{
    /* the decoder strips a BOM before the reader; here it is a field's bytes */
    CHECK_STR(records("\xEF\xBB\xBF" "a,b\n"), "1:\xEF\xBB\xBF" "a|b;");
}

TEST(csvrows_errors)
{
    CHECK_STR(records("a,b\"c\nd,e\n"),
              "1!malformed CSV: a quote inside an unquoted field or text after a closing quote "
              "(at line 1, column 4);2:d|e;");
    CHECK_STR(records("\"a\"x,b\nd,e\n"),
              "1!malformed CSV: a quote inside an unquoted field or text after a closing quote "
              "(at line 1, column 4);2:d|e;");
    CHECK_STR(records("\"a\" \"b\nd,e\n"),
              "1!malformed CSV: a quote inside an unquoted field or text after a closing quote "
              "(at line 1, column 5);2:d|e;");
    /* the column counts characters, not bytes */
    CHECK_STR(records("h\n中文,中\"\n"),
              "1:h;2!malformed CSV: a quote inside an unquoted field or text after a closing "
              "quote (at line 2, column 5);");
    /* an error on a continuation line of a quoted field */
    CHECK_STR(records("\"a\nb\"c\nd\n"),
              "1!malformed CSV: a quote inside an unquoted field or text after a closing quote "
              "(at line 2, column 3);3:d;");
}

TEST(csvrows_truncated_quote_at_eof)
{
    CHECK_STR(records("a,b\n1,\"open\n2,x\n"),
              "1:a|b;2!malformed CSV: quoted field opened on line 2 is never closed;3:2|x;");
    CHECK_STR(records("\"x"), "1!malformed CSV: quoted field opened on line 1 is never closed;");
    CHECK_STR(records("\"x\n\"\"\"\n"), "1:x\n\";"); /* closed after all */
    /* a quote that closes on a later line, then text: an error at that byte,
     * reported on the record's first line */
    CHECK_STR(records("\"x\ny,\"z\n"),
              "1!malformed CSV: a quote inside an unquoted field or text after a closing quote "
              "(at line 2, column 4);");
}

TEST(csvrows_record_limit)
{
    ca_buf out = CA_BUF_INIT;
    const char *t = "a,b\n\"0123456789\n0123456789\nEVIL,x\n\",y\nok,z\n";
    dump(t, strlen(t), 16, &out);
    CHECK_STR(ca_buf_cstr(&out),
              "1:a|b;2!CSV record longer than 16 bytes (unbalanced quote?);6:ok|z;");
    CHECK(same_as_ref(t, strlen(t), 16));
    ca_buf_free(&out);
}

TEST(csvrows_long_fields_grow)
{
    /* fields and records far beyond the first buffer, many fields */
    static char t[300000];
    size_t n = 0;
    for (int r = 0; r < 3; r++) {
        t[n++] = '"';
        for (int i = 0; i < 40000; i++)
            t[n++] = (char)('a' + i % 26);
        t[n++] = '"';
        for (int i = 0; i < 200; i++) {
            t[n++] = ',';
            t[n++] = (char)('0' + i % 10);
        }
        t[n++] = '\n';
    }
    CHECK(same_as_ref(t, n, 1 << 20));
    CHECK(same_as_ref(t, n, 50000));
}

/* xorshift: the same inputs on every run */
static uint64_t rnd_state = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (unsigned)(rnd_state % n);
}

TEST(csvrows_same_as_libcsv_random)
{
    /* weighted towards the bytes that matter */
    static const char *const atoms[] = {"a", "b", ",", ",", "\"", "\"", "\"\"", "\r", "\n", "\n",
                                        "\r\n", "\r\r\n", " ", "\t", "中", "\xE2\x80\xA8", "x y",
                                        /* long plain runs for the eight-byte skip */
                                        "abcdefghijk", "中文中文字", "\x01\x7F"};
    static const size_t maxes[] = {1 << 20, 8, 17, 40};
    char text[256];
    int bad = 0;
    for (int iter = 0; iter < 200000 && bad < 5; iter++) {
        size_t n = 0, len = 1 + rnd(100);
        while (n < len) {
            const char *a = atoms[rnd(CA_ARRAY_LEN(atoms))];
            size_t k = strlen(a);
            if (n + k > sizeof text)
                break;
            memcpy(text + n, a, k);
            n += k;
        }
        size_t max = maxes[iter % CA_ARRAY_LEN(maxes)];
        if (!same_as_ref(text, n, max))
            bad++;
    }
    CHECK_INT(bad, 0);
}

TEST_MAIN()
