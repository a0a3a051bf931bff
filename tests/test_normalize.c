/* Unit tests of the text normaliser (analyzer/normalize.h): each
 * obfuscation of SPEC §6.3, the offset map, edge cases, out of memory,
 * agreement with libutf8proc's NFKC + case fold, and a speed report. */
#include <stdint.h>
#include <time.h>
#include <utf8proc.h>
#include "check.h"
#include "normalize.h"

#define S CA_NORM_STRIP

static ca_norm N;

/* Checks the map invariants of N after normalizing an input of n bytes. */
static void check_map(const ca_norm *nm, size_t n)
{
    CHECK(nm->text != NULL && nm->map != NULL);
    if (!nm->text || !nm->map)
        return;
    CHECK_INT(nm->text[nm->len], 0);
    CHECK_INT(nm->map[nm->len], n);
    int bad = 0;
    for (size_t i = 0; i < nm->len && !bad; i++) {
        size_t a, b;
        ca_norm_span(nm, i, i + 1, &a, &b);
        if (nm->map[i] > nm->map[i + 1] || nm->map[i] >= n || a != nm->map[i] ||
            b <= a || b > n)
            bad = 1;
    }
    CHECK(!bad);
}

/* The normalization of s, as a NUL-terminated string. */
static const char *nz(const char *s, unsigned flags)
{
    static char out[4096];
    if (ca_normalize(s, strlen(s), flags, &N) != 0)
        return "(failed)";
    check_map(&N, strlen(s));
    snprintf(out, sizeof out, "%s", N.text);
    return out;
}

/* The original text that the first occurrence of `what` in the
 * normalization of orig comes from. */
static const char *from(const char *orig, unsigned flags, const char *what)
{
    static char out[1024];
    if (ca_normalize(orig, strlen(orig), flags, &N) != 0)
        return "(failed)";
    const char *hit = strstr(N.text, what);
    if (!hit)
        return "(no match)";
    size_t a = (size_t)(hit - N.text), os, oe;
    ca_norm_span(&N, a, a + strlen(what), &os, &oe);
    snprintf(out, sizeof out, "%.*s", (int)(oe - os), orig + os);
    return out;
}

TEST(fullwidth)
{
    CHECK_STR(nz("ＡＢＣ１２３", 0), "abc123");
    CHECK_STR(nz("ＡＢＣ１２３", S), "abc123");
    CHECK_STR(nz("加ＶＸ：ｗｘ１２３４５", S), "加vxwx12345");
    CHECK_STR(nz("（ｖｘ）！", 0), "(vx)!");
    CHECK_STR(nz("微　信", 0), "微 信");            /* U+3000 */
    CHECK_STR(nz("ｶﾀｶﾅ", 0), "カタカナ");            /* halfwidth katakana */
}

TEST(traditional)
{
    CHECK_STR(nz("麼", 0), "么");
    CHECK_STR(nz("開會", 0), "开会");
    CHECK_STR(nz("開會", S), "开会");
    CHECK_STR(nz("這麼晚還開會嗎？", S), "这么晚还开会吗");
    CHECK_STR(nz("薴", 0), "苎");                    /* chain 薴→苧→苎 resolved */
    CHECK_STR(nz("藉口", 0), "藉口");                /* identity entry */
    CHECK_STR(nz("𠁞", 0), "𠀾");                    /* supplementary plane */
    CHECK_STR(nz("𡞵", 0), "㛟");
    CHECK_STR(nz("\xEF\xA4\x80", 0), "岂");          /* U+F900 → U+8C48 豈 → 岂 */
    CHECK_STR(nz("简体中文不变", S), "简体中文不变");
    CHECK_INT(ca_norm_t2s(0x9EBC), 0x4E48);          /* 麼 → 么 */
    CHECK_INT(ca_norm_t2s(0x4E48), 0x4E48);
    CHECK_INT(ca_norm_t2s('a'), 'a');
    CHECK_INT(ca_norm_t2s(0x2005E), 0x2003E);
    CHECK_INT(ca_norm_t2s(0x10FFFF), 0x10FFFF);
}

TEST(digit_styles)
{
    CHECK_STR(nz("①②③", 0), "123");
    CHECK_STR(nz("壹贰叁", 0), "123");
    CHECK_STR(nz("⑴⑵⑶", 0), "123");
    CHECK_STR(nz("⒈⒉⒊", 0), "123");
    CHECK_STR(nz("❶❷❸", 0), "123");
    CHECK_STR(nz("➀➁➂", 0), "123");
    CHECK_STR(nz("➊➋➌", 0), "123");
    CHECK_STR(nz("⓵⓶⓷", 0), "123");
    CHECK_STR(nz("㈠㈡㈢", 0), "123");
    CHECK_STR(nz("㊀㊁㊂", 0), "123");
    CHECK_STR(nz("⓿⓪🄋🄌🄁", 0), "00000");
    CHECK_STR(nz("⑩⑽⒑⓾❿➉➓㈩㊉", 0), "101010101010101010");
    CHECK_STR(nz("⓫⑳⒇⒛㉑㊿", 0), "112020202150");
    CHECK_STR(nz("㉈㉏", 0), "1080");
    CHECK_STR(nz("零壹贰叁肆伍陆柒捌玖拾", 0), "012345678910");
    CHECK_STR(nz("貳陸叄", 0), "263");               /* via traditional → simplified */
    CHECK_STR(nz("１²₃𝟒🯵", 0), "12345");
    CHECK_STR(nz("手机：壹叁捌⑴②❸④⑤⑥⑦⑧⑨⓪", S), "手机1381234567890");
    /* plain numerals are ordinary words */
    CHECK_STR(nz("一二三〇十百", S), "一二三〇十百");
    CHECK_STR(nz("一个", S), "一个");
}

TEST(letter_styles)
{
    CHECK_STR(nz("Ⓐ", 0), "a");
    CHECK_STR(nz("𝐀", 0), "a");
    CHECK_STR(nz("𝒜", 0), "a");
    CHECK_STR(nz("Ⓐ𝐀𝒜ⓐ𝔞𝕒ａＡ", 0), "aaaaaaaa");
    CHECK_STR(nz("🅰🅐🄰🄐⒜", 0), "aaaaa");
    CHECK_STR(nz("🅥🅧 🆅🆇 🇻🇽 ⓋⓍ", S), "vxvxvxvx");
    CHECK_STR(nz("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", 0), "abcdefghijklmnopqrstuvwyz");
    CHECK_STR(nz("ℌℑℜ℡№", 0), "hirtelno");
    CHECK_STR(nz("加🆅🆇：🅰🅱🅲", S), "加vxabc");
    CHECK_STR(nz("\ua7ae\u1dab", 0), "il");          /* fold / NFKC to small capitals */
    CHECK_STR(nz("🅰\u0301ᴇ\u0301\u01a6\u0301", 0), "áéŕ"); /* and compose with marks */
}

static const char *const between[] = {
    "微 信", "微.信", "微❤信", "微❤️信", "微\u200b信", "微\u200c信", "微\u200d信",
    "微\u2060信", "微\ufeff信", "微\u2005信", "微\u3000信", "微\u00a0信", "微，信",
    "微。信", "微·信", "微★信", "微😀信", "微👨‍👩‍👧信", "微👍🏻信", "微\t\r\n信",
    "微\u3164信", "微\u115f信", "微\u202e信", "微\ufe0f信", "微_信", "微—信",
    "微\U000E0041信", "微\ue000信", "微\u2800信", "微~!@#$%^&*()信", "微【】「」信",
    "微\u180e信", "微\u00ad信", "微\u034f信", "微\u0336信", "微\u20e3信",
};

TEST(strip_between_letters)
{
    for (size_t i = 0; i < CA_ARRAY_LEN(between); i++) {
        const char *r = nz(between[i], S);
        if (strcmp(r, "微信") != 0) {
            fprintf(stderr, "  case %zu: \"%s\" -> \"%s\"\n", i, between[i], r);
            check_failures++;
        }
    }
    CHECK_STR(nz("v x", S), "vx");
    CHECK_STR(nz("V.X", S), "vx");
    CHECK_STR(nz("加-微-信：a_b_c", S), "加微信abc");
}

TEST(no_strip_keeps)
{
    CHECK_STR(nz("微 信", 0), "微 信");
    CHECK_STR(nz("微.信", 0), "微.信");
    CHECK_STR(nz("微❤信", 0), "微❤信");
    CHECK_STR(nz("微❤️信", 0), "微❤️信");
    CHECK_STR(nz("微\u200b信", 0), "微\u200b信");
    CHECK_STR(nz("微\u200d信", 0), "微\u200d信");
    CHECK_STR(nz("微\ufeff信", 0), "微\ufeff信");
    CHECK_STR(nz("微\u2005信", 0), "微 信");        /* NFKC: a space */
    CHECK_STR(nz("微．信", 0), "微.信");
    CHECK_STR(nz("微，信。", 0), "微,信。");
    CHECK_STR(nz("微😀信\n", 0), "微😀信\n");
    CHECK_STR(nz("微\u0336信", 0), "微\u0336信");
    CHECK_STR(nz("1️⃣", 0), "1️⃣");
}

TEST(case_fold)
{
    CHECK_STR(nz("ÄB", 0), "äb");
    CHECK_STR(nz("A\u0308B", 0), "äb");             /* composed: U+00E4 */
    CHECK_STR(nz("A\u0308B", 0), "\xc3\xa4" "b");
    CHECK_STR(nz("Straße STRASSE ẞ", 0), "strasse strasse ss");
    CHECK_STR(nz("ΣΑΣ", 0), "σασ");
    CHECK_STR(nz("İ", 0), "i\u0307");
    CHECK_STR(nz("ﬁ ǅ Ⅻ", 0), "fi dž xii");
    CHECK_STR(nz("HELLO World", S), "helloworld");
    CHECK_STR(nz("ÀÉÎÕÜ", S), "àéîõü");
}

TEST(combining_marks)
{
    CHECK_STR(nz("cafe\u0301", 0), "café");
    CHECK_STR(nz("cafe\u0301", S), "café");
    CHECK_STR(nz("n\u0303", S), "ñ");
    CHECK_STR(nz("a\u0352b", S), "a\u0352b");       /* a mark on a letter stays */
    CHECK_STR(nz("\u0301abc", S), "abc");           /* on nothing */
    CHECK_STR(nz("v\u0336x\u0336", S), "vx");       /* strike-through overlay */
    CHECK_STR(nz("微\u0301信\u0308", S), "微信");   /* marks on Han */
    CHECK_STR(nz("1\u0301", S), "1");               /* on a digit */
    CHECK_STR(nz("1️⃣2️⃣3️⃣", S), "123");            /* keycaps */
    CHECK_STR(nz("ｶﾞｷﾞ", 0), "ガギ");               /* halfwidth voiced mark composes */
    CHECK_STR(nz("か\u3099", 0), "が");
    CHECK_STR(nz("\u1100\u1161\u11a8", 0), "각");   /* conjoining jamo */
    CHECK_STR(nz("가\u11a8", 0), "각");
    CHECK_STR(nz("ㄱㅏ", 0), "가");                 /* compatibility jamo (NFKC) */
    CHECK_STR(nz("ㄱ，ㅏ ᆨ", S), "각");              /* jamo meeting once the gap goes */
    CHECK_STR(from("ㄱ，ㅏ ᆨ!", S, "각"), "ㄱ，ㅏ ᆨ");
    CHECK_STR(nz("a\ufe0f\u0301", S), "a");          /* a mark after a dropped character */
    CHECK_STR(nz("a\ufe0f\u0301", 0), "a\ufe0f\u0301");
    CHECK_STR(nz("q\u0307\u0323", 0), "q\u0323\u0307"); /* canonical order */
    CHECK_STR(nz("\u1e0b\u0323", 0), "\u1e0d\u0307");   /* ḋ + dot below → ḍ + dot above */
}

TEST(offset_map)
{
    CHECK_STR(nz("加 微 信：abc", S), "加微信abc");
    CHECK_STR(from("加 微 信：abc", S, "微信"), "微 信");
    CHECK_STR(from("加 微 信：abc", S, "加"), "加");
    CHECK_STR(from("加 微 信：abc", S, "abc"), "abc");
    CHECK_STR(from("加 微 信：abc", S, "信a"), "信：a");
    CHECK_STR(from("加 微 信：abc", 0, "微 信"), "微 信");
    CHECK_STR(from("请加ＶＸ：ｗｘ１２３４５谢谢", S, "vx"), "ＶＸ");
    CHECK_STR(from("请加ＶＸ：ｗｘ１２３４５谢谢", S, "wx12345"), "ｗｘ１２３４５");
    CHECK_STR(from("⑽号", S, "0"), "⑽");
    CHECK_STR(from("⑽号", 0, "10号"), "⑽号");
    CHECK_STR(from("A\u0308B", 0, "ä"), "A\u0308");
    CHECK_STR(from("A\u0308B", 0, "b"), "B");
    CHECK_STR(from("Straße", 0, "sse"), "ße");
    CHECK_STR(from("這是開會了", 0, "开会"), "開會");
    CHECK_STR(from("x微❤️信y", S, "微信"), "微❤️信");
    CHECK_STR(from("x微❤️信y", S, "x"), "x");
    CHECK_STR(from("x微❤️信y", S, "y"), "y");
    CHECK_STR(from("电话壹叁捌 ⑴②❸", S, "138123"), "壹叁捌 ⑴②❸");
    CHECK_STR(from("ｶﾞ!", 0, "ガ"), "ｶﾞ");
    CHECK_STR(from("\xff微\xfe", 0, "\xef\xbf\xbd"), "\xff");

    /* empty and clamped ranges */
    const char *o = "加 微 信：abc";
    CHECK_INT(ca_normalize(o, strlen(o), S, &N), 0);
    size_t a, b;
    ca_norm_span(&N, 3, 3, &a, &b);
    CHECK_INT(a, 4);
    CHECK_INT(b, 4);
    ca_norm_span(&N, 5, 2, &a, &b);
    CHECK_INT(a, b);
    ca_norm_span(&N, 0, 1000, &a, &b);
    CHECK_INT(a, 0);
    CHECK_INT(b, strlen(o));
    ca_norm_span(&N, 1000, 2000, &a, &b);
    CHECK_INT(a, strlen(o));
    CHECK_INT(b, strlen(o));
    /* a range starting inside a character covers the character */
    ca_norm_span(&N, 4, 5, &a, &b);                   /* inside 微 */
    CHECK_INT(a, 4);
    CHECK_INT(b, 7);
}

TEST(empty_input)
{
    ca_norm n;
    ca_norm_init(&n);
    size_t a = 9, b = 9;
    ca_norm_span(&n, 0, 0, &a, &b);                   /* never normalized */
    CHECK_INT(a, 0);
    CHECK_INT(b, 0);
    CHECK_INT(ca_normalize("", 0, S, &n), 0);
    CHECK_INT(n.len, 0);
    CHECK_STR(n.text, "");
    CHECK_INT(n.map[0], 0);
    CHECK_INT(ca_normalize(NULL, 0, 0, &n), 0);
    CHECK_INT(n.len, 0);
    ca_norm_free(&n);
    ca_norm_free(&n);                                 /* twice is fine */
}

TEST(only_removable)
{
    const char *s = " ，。！？…❤️\u200b\t!?😀👨‍👩‍👧\u3000\ufeff";
    CHECK_STR(nz(s, S), "");
    CHECK_INT(N.len, 0);
    CHECK_INT(N.map[0], strlen(s));
    size_t a, b;
    ca_norm_span(&N, 0, 0, &a, &b);
    CHECK_INT(a, strlen(s));
    CHECK(strlen(nz(s, 0)) > 0);
}

TEST(large_input)
{
    const char *unit = "加 微 信：ＡＢＣ①開會😀\n";
    const char *unit_n = "加微信abc1开会";
    size_t ul = strlen(unit), count = (1u << 20) / ul + 1;
    char *big = malloc(ul * count + 1), *want = malloc(strlen(unit_n) * count + 1);
    for (size_t i = 0; i < count; i++) {
        memcpy(big + i * ul, unit, ul);
        memcpy(want + i * strlen(unit_n), unit_n, strlen(unit_n));
    }
    big[ul * count] = '\0';
    want[strlen(unit_n) * count] = '\0';
    CHECK(strlen(big) >= (1u << 20));
    CHECK_INT(ca_normalize(big, strlen(big), S, &N), 0);
    CHECK_INT(N.len, strlen(want));
    CHECK(strcmp(N.text, want) == 0);
    check_map(&N, strlen(big));
    /* the last 开会 maps to the last 開會 */
    size_t a, b;
    ca_norm_span(&N, N.len - 6, N.len, &a, &b);
    CHECK_INT(b - a, 6);
    CHECK(memcmp(big + a, "開會", 6) == 0);
    CHECK_INT(b, strlen(big) - strlen("😀\n"));
    /* and without STRIP */
    CHECK_INT(ca_normalize(big, strlen(big), 0, &N), 0);
    check_map(&N, strlen(big));
    CHECK(strncmp(N.text, "加 微 信:abc1开会😀\n", strlen("加 微 信:abc1开会😀\n")) == 0);
    free(big);
    free(want);
}

TEST(invalid_bytes)
{
    CHECK_STR(nz("\xff微\xc3信\xe4\xb8", S), "微信");
    CHECK_STR(nz("\xff微\xc3信\xe4\xb8", 0),
              "\xef\xbf\xbd微\xef\xbf\xbd信\xef\xbf\xbd\xef\xbf\xbd");
    CHECK_STR(nz("\xc0\xaf", 0), "\xef\xbf\xbd\xef\xbf\xbd");           /* overlong */
    CHECK_STR(nz("\xed\xa0\x80", 0), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
    CHECK_STR(nz("\xf4\x90\x80\x80x", S), "x");                         /* > U+10FFFF */
    CHECK_STR(nz("a\xcc", 0), "a\xef\xbf\xbd");                          /* truncated mark */
    CHECK_STR(nz("a\xcc\x81\x80", 0), "á\xef\xbf\xbd");
    CHECK_STR(nz("\x80\x80\x80", S), "");
    CHECK_STR(nz("\xef\xbf\xbd", 0), "\xef\xbf\xbd");                    /* a real U+FFFD */
    /* every byte value, and a NUL in the middle */
    char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (char)(255 - i);
    CHECK_INT(ca_normalize(all, sizeof all, 0, &N), 0);
    check_map(&N, sizeof all);
    CHECK_INT(ca_normalize(all, sizeof all, S, &N), 0);
    check_map(&N, sizeof all);
    CHECK_INT(N.len, 62);                             /* 0-9, A-Z folded, a-z */
    CHECK_INT(ca_normalize("a\0b", 3, 0, &N), 0);
    CHECK_INT(N.len, 3);
    CHECK_INT(ca_normalize("a\0b", 3, S, &N), 0);
    CHECK_STR(N.text, "ab");
}

TEST(reuse_and_idempotent)
{
    static const char *const samples[] = {
        "加 微 信：ＡＢＣ①開會😀", "Straße ΣΑΣ İ ﬁ", "ｶﾞｷﾞ ㄱㅏ", "⑴⒈❶㈠㊀壹貳",
        "🅰🅱 🇻🇽 ᴀʙᴄ", "cafe\u0301 q\u0307\u0323", "微\u0336信\u200b", "薴乾藉",
    };
    char first[512];
    for (unsigned f = 0; f <= S; f += S) {
        for (size_t i = 0; i < CA_ARRAY_LEN(samples); i++) {
            snprintf(first, sizeof first, "%s", nz(samples[i], f));
            const char *again = nz(first, f);
            if (strcmp(first, again) != 0) {
                fprintf(stderr, "  not idempotent: \"%s\" -> \"%s\" -> \"%s\"\n",
                        samples[i], first, again);
                check_failures++;
            }
        }
    }
    /* a long input, then a short one, with the same buffers */
    char long_in[5000];
    memset(long_in, 'A', sizeof long_in - 1);
    long_in[sizeof long_in - 1] = '\0';
    nz(long_in, 0);
    CHECK_INT(N.len, sizeof long_in - 1);
    CHECK_STR(nz("開會", 0), "开会");
    CHECK_INT(N.map[N.len], 6);
}

TEST(out_of_memory)
{
    ca_norm n;
    ca_norm_init(&n);
    ca_alloc_fail_after(1);                           /* text */
    CHECK_INT(ca_normalize("開會", 6, 0, &n), -1);
    ca_alloc_fail_after(0);
    CHECK_INT(n.len, 0);
    ca_alloc_fail_after(2);                           /* map */
    CHECK_INT(ca_normalize("開會", 6, 0, &n), -1);
    ca_alloc_fail_after(0);
    CHECK_INT(n.len, 0);
    CHECK_STR(n.text, "");
    CHECK_INT(ca_normalize("開會", 6, 0, &n), 0);
    CHECK_STR(n.text, "开会");
    /* failure while growing keeps what was there usable */
    static char big[100000];
    memset(big, 'x', sizeof big - 1);
    ca_alloc_fail_after(1);
    CHECK_INT(ca_normalize(big, strlen(big), 0, &n), -1);
    ca_alloc_fail_after(2);
    CHECK_INT(ca_normalize(big, strlen(big), 0, &n), -1);
    ca_alloc_fail_after(0);
    CHECK_INT(n.len, 0);
    CHECK_STR(n.text, "");
    CHECK_INT(ca_normalize(big, strlen(big), S, &n), 0);
    CHECK_INT(n.len, strlen(big));
    check_map(&n, strlen(big));
    /* growth in the middle: a small buffer, then text that expands */
    ca_norm_free(&n);
    CHECK_INT(ca_normalize("a", 1, 0, &n), 0);
    char expand[3000] = "";
    for (int i = 0; i < 100; i++)
        strcat(expand, "⑽ﬃ\xef\xb7\xba");          /* 3 → 2, 3 → 3, U+FDFA: 3 → 33 */
    CHECK_INT(ca_normalize(expand, strlen(expand), 0, &n), 0);
    check_map(&n, strlen(expand));
    CHECK(n.len > strlen(expand));
    ca_norm_free(&n);
}

/* Styled characters this normaliser maps on purpose where NFKC does not. */
static int styled(uint32_t c)
{
    static const uint32_t r[][2] = {
        {0x0262, 0x0262}, {0x026A, 0x026A}, {0x0274, 0x0274}, {0x0280, 0x0280},
        {0x028F, 0x028F}, {0x0299, 0x0299}, {0x029C, 0x029C}, {0x029F, 0x029F},
        {0x1D00, 0x1D22}, {0x2474, 0x24B5}, {0x24EB, 0x24FF}, {0x2776, 0x2793},
        {0x3220, 0x3229}, {0x3248, 0x324F}, {0x3280, 0x3289}, {0xA730, 0xA731},
        {0xA7AF, 0xA7AF}, {0x1F100, 0x1F10C}, {0x1F110, 0x1F12A},
        {0x1F150, 0x1F169}, {0x1F170, 0x1F189}, {0x1F1E6, 0x1F1FF},
    };
    for (size_t i = 0; i < CA_ARRAY_LEN(r); i++)
        if (c >= r[i][0] && c <= r[i][1])
            return 1;
    return 0;
}

/* Does utf8proc's result hold something this normaliser maps further on
 * purpose (an ideograph, or a styled letter such as U+A7AE Ɪ → ɪ)? */
static int maps_further(const utf8proc_uint8_t *s)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n;
    while (*s && (n = utf8proc_iterate(s, -1, &c)) > 0) {
        if ((c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
            (c >= 0x20000 && c <= 0x3FFFF) || styled((uint32_t)c))
            return 1;
        s += n;
    }
    return 0;
}

/* Without STRIP, text that neither holds nor folds to an ideograph or a
 * styled character comes out
 * exactly as utf8proc's NFKC + case fold of the whole string. */
static int same_as_utf8proc(const char *s, size_t n, int skip_mapped)
{
    utf8proc_uint8_t *want = NULL;
    utf8proc_ssize_t wl = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &want,
        UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    int ok = 1;
    if (wl < 0 || (skip_mapped && maps_further(want))) {
        free(want);
        return 1;
    }
    if (ca_normalize(s, n, 0, &N) != 0 || N.len != (size_t)wl ||
        memcmp(N.text, want, (size_t)wl) != 0)
        ok = 0;
    free(want);
    return ok;
}

static size_t put_cp(char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (char)c;
        return 1;
    }
    return (size_t)utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)o);
}

TEST(matches_utf8proc_every_code_point)
{
    long bad = 0, compared = 0;
    for (uint32_t c = 1; c <= 0x10FFFF; c++) {
        if ((c >= 0xD800 && c <= 0xDFFF) || styled(c))
            continue;
        char buf[8];
        size_t n = put_cp(buf, c);
        compared++;
        if (!same_as_utf8proc(buf, n, 1) && bad++ < 10)
            fprintf(stderr, "  U+%04X differs\n", (unsigned)c);
    }
    CHECK_INT(bad, 0);
    CHECK(compared > 1000000);
    /* the comparison is live: the styled forms do differ from NFKC */
    CHECK(!same_as_utf8proc("⑴", strlen("⑴"), 0));
    CHECK(!same_as_utf8proc("🅰", strlen("🅰"), 0));
    CHECK(same_as_utf8proc("Ⓐ", strlen("Ⓐ"), 0));
}

TEST(matches_utf8proc_random_sequences)
{
    /* code points that compose, reorder or decompose into combining ones */
    static const uint32_t pool[] = {
        'a', 'e', 'o', 'u', 'A', 'E', 'O', 'U', 'n', 's', 'q', 'i', 'I', ' ', '.',
        0x0300, 0x0301, 0x0302, 0x0303, 0x0307, 0x0308, 0x030A, 0x030C, 0x0323,
        0x0327, 0x0328, 0x0336, 0x0345, 0x0352, 0x0344, 0x00C4, 0x00E9, 0x00DF,
        0x0130, 0x0399, 0x03B9, 0x03A9, 0x1F00, 0x1E0B, 0x1E9E, 0xFB01, 0x2126,
        0x1100, 0x1112, 0x1161, 0x1175, 0x11A8, 0x11C2, 0xAC00, 0xAC01, 0xD7A3,
        0x3131, 0x314F, 0x3164, 0xFFA0, 0xFFA1, 0xFFC2, 0x304B, 0x30AB, 0x3099,
        0x309A, 0xFF76, 0xFF9E, 0xFF9F, 0x0F71, 0x0F72, 0x0F73, 0x0F80, 0x0F81,
        0x0915, 0x093C, 0x094D, 0x0928, 0x0B47, 0x0B3E, 0x0B57, 0x0DD9, 0x0DCF,
        0x0DCA, 0x1B05, 0x1B35, 0x05D0, 0x05B7, 0x05BC, 0x0627, 0x0653, 0x0654,
        0xFDFA, 0x2460, 0x2160, 0x00BD, 0x2044, 0x1E9B, 0x0301, 0xFE0F, 0x200D,
        0x20E3, 0x1F600, 0x3000, 0xFF21, 0x00A8, 0x1FED, 0x0385, 0x03D3, 0x2ADC,
        0x110BA, 0x11099, 0x1D15E, 0x1D165, 0x1D16E, 0x0CBF, 0x0CD5, 0x0CC6,
    };
    uint64_t x = 88172645463325252u;
    long bad = 0;
    for (int t = 0; t < 200000; t++) {
        char buf[128];
        size_t n = 0;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int k = 1 + (int)(x % 12);
        for (int i = 0; i < k; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            n += put_cp(buf + n, pool[x % CA_ARRAY_LEN(pool)]);
        }
        if (!same_as_utf8proc(buf, n, 1) && bad++ < 10)
            fprintf(stderr, "  differs: \"%.*s\" -> \"%s\"\n", (int)n, buf, N.text);
    }
    CHECK_INT(bad, 0);
}

static void dump(const char *tag, const char *s, size_t n)
{
    fprintf(stderr, "  %s:", tag);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %02x", (unsigned char)s[i]);
    fprintf(stderr, "\n");
}

static void dump3(const char *in, size_t n, const ca_norm *once, const ca_norm *twice)
{
    fprintf(stderr, "  not idempotent:\n");
    dump("input", in, n);
    dump("once ", once->text, once->len);
    dump("twice", twice->text, twice->len);
}

TEST(random_bytes_and_idempotence)
{
    /* random bytes, biased to UTF-8 lead and continuation bytes: the map
     * invariants hold, and normalizing the output again changes nothing */
    static const unsigned char bytes[] = {
        'a', 'Z', '1', ' ', '.', 0x80, 0x81, 0x99, 0xA4, 0xBF, 0xC3, 0xCC, 0xCD,
        0xE3, 0xE4, 0xE5, 0xE9, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xB8, 0x80, 0x9F,
    };
    uint64_t x = 0x9E3779B97F4A7C15u;
    ca_norm m;
    ca_norm_init(&m);
    long bad = 0;
    for (int t = 0; t < 50000; t++) {
        char buf[64];
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        size_t n = x % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            buf[i] = (char)bytes[x % sizeof bytes];
        }
        for (unsigned f = 0; f <= S; f += S) {
            if (ca_normalize(buf, n, f, &N) != 0) {
                bad++;
                continue;
            }
            check_map(&N, n);
            if (ca_normalize(N.text, N.len, f, &m) != 0 || m.len != N.len ||
                memcmp(m.text, N.text, N.len) != 0) {
                if (bad < 5)
                    dump3(buf, n, &N, &m);
                bad++;
            }
        }
    }
    /* sequences of code points from every part of the pipeline */
    static const uint32_t pool[] = {
        'a', 'A', '1', ' ', 0x0301, 0x0308, 0x0336, 0x20E3, 0xFE0F, 0x200D, 0x00C4,
        0x1100, 0x1161, 0x11A8, 0xFF76, 0xFF9E, 0x3131, 0x9EBC, 0x958B, 0x6703,
        0x85B4, 0x5F0F, 0x58F9, 0x62FE, 0x96F6, 0x9678, 0x2474, 0x2460, 0x2776,
        0x3220, 0x1F170, 0x1F1FB, 0x1D00, 0x1F600, 0xF900, 0x2F800, 0x2005E,
        0x0130, 0x00DF, 0xFB01, 0xFDFA, 0x3164, 0xFF0C, 0x3002, 0xFF21,
    };
    for (int t = 0; t < 50000; t++) {
        char buf[128];
        size_t n = 0;
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        int k = (int)(x % 16);
        for (int i = 0; i < k; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            n += put_cp(buf + n, pool[x % CA_ARRAY_LEN(pool)]);
        }
        for (unsigned f = 0; f <= S; f += S) {
            if (ca_normalize(buf, n, f, &N) != 0) {
                bad++;
                continue;
            }
            check_map(&N, n);
            if (ca_normalize(N.text, N.len, f, &m) != 0 || m.len != N.len ||
                memcmp(m.text, N.text, N.len) != 0) {
                if (bad < 5)
                    dump3(buf, n, &N, &m);
                bad++;
            }
        }
    }
    CHECK_INT(bad, 0);
    ca_norm_free(&m);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Prints throughput; asserts nothing about time. */
TEST(normalize_speed)
{
    static const char *const lines[] = {
        "@李四 明天的评审几点开始？",
        "收到，我下午三点前把文档发到群里。",
        "大家注意：本周五18:00前提交周报，逾期按制度处理。",
        "這個需求我們開會再討論一下吧😀",
        "OK👍 已经更新到 v2.3.1，请查看 https://example.com/doc/123",
        "【通知】国庆假期安排：10月1日至7日放假，共7天，请各部门做好值班安排。",
        "加我ｖｘ：ａｂｃ１２３４５ 了解详情❤️",
        "哈哈哈哈😂😂😂",
        "好的，收到！",
        "客户那边反馈说登录页面打不开，@王五 麻烦看一下服务器日志，谢谢🙏",
        "今天的会议纪要：一、项目进度正常；二、下周开始联调；三、月底上线。",
        "[图片]",
        "请问报销流程是怎样的？需要哪些材料？",
        "我在路上，大概十分钟后到公司",
    };
    size_t target = 10u << 20, total = 0, n_msgs = 0;
    size_t nl = CA_ARRAY_LEN(lines);
    while (total < target) {
        total += strlen(lines[n_msgs % nl]);
        n_msgs++;
    }
    ca_norm n;
    ca_norm_init(&n);
    for (unsigned f = 0; f <= S; f += S) {
        size_t out = 0;
        double t0 = now();
        for (size_t i = 0; i < n_msgs; i++) {
            const char *m = lines[i % nl];
            if (ca_normalize(m, strlen(m), f, &n) != 0)
                check_failures++;
            out += n.len;
        }
        double dt = now() - t0;
        fprintf(stderr, "normalize_speed: %s %.1f MB in %zu messages: %.3f s, %.0f MB/s (out %.1f MB)\n",
                f ? "STRIP" : "plain", (double)total / 1e6, n_msgs, dt,
                (double)total / 1e6 / dt, (double)out / 1e6);
    }
    /* one 10 MB call */
    char *big = malloc(total + 1);
    size_t off = 0;
    for (size_t i = 0; i < n_msgs; i++) {
        size_t l = strlen(lines[i % nl]);
        memcpy(big + off, lines[i % nl], l);
        off += l;
    }
    big[off] = '\0';
    for (int round = 0; round < 2; round++) {
        double t0 = now();
        if (ca_normalize(big, off, S, &n) != 0)
            check_failures++;
        double dt = now() - t0;
        fprintf(stderr, "normalize_speed: STRIP one %.1f MB call (%s buffers): %.3f s, %.0f MB/s\n",
                (double)off / 1e6, round ? "reused" : "new", dt, (double)off / 1e6 / dt);
    }
    free(big);
    ca_norm_free(&n);
}

TEST_MAIN()
