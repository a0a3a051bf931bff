/* Unit tests of the content.privacy detectors: every accepted form with
 * its exact byte span, and the decoys that must stay silent. */
#include "check.h"
#include "pii.h"

typedef struct found {
    char text[1024];
    size_t n, stop_after;
} found;

static int on_pii(void *ud, const ca_pii *p)
{
    found *f = ud;
    size_t o = strlen(f->text);
    snprintf(f->text + o, sizeof f->text - o, "%s%s %zu-%zu %s", o ? "; " : "",
             ca_pii_kind_name(p->kind), p->start, p->end, p->digits);
    f->n++;
    return f->stop_after && f->n >= f->stop_after;
}

/* "kind start-end digits; …" for everything found in s. */
static const char *pii(const char *s)
{
    static found f;
    memset(&f, 0, sizeof f);
    size_t n = ca_pii_scan(s, strlen(s), on_pii, &f);
    CHECK_INT(n, f.n);
    return f.text;
}

TEST(pii_id_card_forms)
{
    CHECK_STR(pii("身份证号：110101199003074514。"), "id_card 15-33 110101199003074514");
    CHECK_STR(pii("11010519491231002X"), "id_card 0-18 11010519491231002X");
    CHECK_STR(pii("11010519491231002x"), "id_card 0-18 11010519491231002X");
    CHECK_STR(pii("11010519491231002Ｘ"), "id_card 0-20 11010519491231002X");
    CHECK_STR(pii("１１０１０５１９４９１２３１００２Ｘ"), "id_card 0-54 11010519491231002X");
    CHECK_STR(pii("110105 19491231 002X"), "id_card 0-20 11010519491231002X");
    CHECK_STR(pii("110101-19900307-4514"), "id_card 0-20 110101199003074514");
    CHECK_STR(pii("110101200002290018"), "id_card 0-18 110101200002290018"); /* 2000 is leap */
}

TEST(pii_id_card_decoys)
{
    CHECK_STR(pii("110101199003074515"), ""); /* check digit should be 4 */
    /* a bad check digit that happens to pass Luhn after a Visa-like 4:
     * still a mistyped ID, not a bank card */
    CHECK_STR(pii("440304198506151235"), "");
    CHECK_STR(pii("990101199003074518"), "");  /* no province 99 */
    CHECK_STR(pii("110101209901010017"), "");  /* born in 2099 */
    CHECK_STR(pii("11010118991231001X"), "");  /* born before 1900 */
    CHECK_STR(pii("110101190002290011"), "");  /* 1900-02-29 does not exist */
    CHECK_STR(pii("11010519491231002XY"), ""); /* the X is part of a word */
    CHECK_STR(pii("0110101199003074514"), ""); /* inside a 19-digit run */
    CHECK_STR(pii("1101011990030745141"), "");
}

TEST(pii_mobile_forms)
{
    CHECK_STR(pii("13812345678"), "mobile 0-11 13812345678");
    CHECK_STR(pii("电话13812345678。"), "mobile 6-17 13812345678");
    CHECK_STR(pii("138 1234 5678"), "mobile 0-13 13812345678");
    CHECK_STR(pii("138-1234-5678"), "mobile 0-13 13812345678");
    CHECK_STR(pii("138　1234　5678"), "mobile 0-17 13812345678");    /* U+3000 */
    CHECK_STR(pii("138－1234－5678"), "mobile 0-17 13812345678");    /* U+FF0D */
    CHECK_STR(pii("138\xc2\xa0" "1234\xc2\xa0" "5678"), "mobile 0-15 13812345678");
    CHECK_STR(pii("+86 138 1234 5678"), "mobile 0-17 13812345678");
    CHECK_STR(pii("+86-138-1234-5678"), "mobile 0-17 13812345678");
    CHECK_STR(pii("+8613812345678"), "mobile 0-14 13812345678");
    CHECK_STR(pii("＋86 13812345678"), "mobile 0-17 13812345678");
    CHECK_STR(pii("0086 13812345678"), "mobile 0-16 13812345678");
    CHECK_STR(pii("0086-138-1234-5678"), "mobile 0-18 13812345678");
    CHECK_STR(pii("008613812345678"), "mobile 0-15 13812345678");
    CHECK_STR(pii("１３８１２３４５６７８"), "mobile 0-33 13812345678");
    CHECK_STR(pii("19912345678"), "mobile 0-11 19912345678");
    /* the date is its own chain ('-'), the number the next (' ') */
    CHECK_STR(pii("2024-05-06 138 1234 5678"), "mobile 11-24 13812345678");
    CHECK_STR(pii("电话：+86 138 1234 5678，备用 139-8765-4321"),
              "mobile 9-26 13812345678; mobile 36-49 13987654321");
    CHECK_STR(pii("13812345678 13912345678"),
              "mobile 0-11 13812345678; mobile 12-23 13912345678");
    /* "86" without '+' is no prefix */
    CHECK_STR(pii("86 13812345678"), "mobile 3-14 13812345678");
}

TEST(pii_mobile_decoys)
{
    CHECK_STR(pii("202413812345678"), "");   /* a phone number inside a 15-digit run */
    CHECK_STR(pii("订单202413812345678"), "");
    CHECK_STR(pii("138123456789"), "");      /* 12 digits */
    CHECK_STR(pii("1381234567"), "");        /* 10 digits */
    CHECK_STR(pii("12345678901"), "");       /* 12… is no mobile prefix */
    CHECK_STR(pii("10086123456"), "");
    CHECK_STR(pii("138 1234 5678 9012"), ""); /* a longer chain of groups */
    CHECK_STR(pii("138-1234 5678"), "");      /* mixed separators */
    CHECK_STR(pii("138  1234  5678"), "");    /* two separators */
    CHECK_STR(pii("1 2 3 4 5 6 138 1234 5678"), "");
}

TEST(pii_bank_card_forms)
{
    CHECK_STR(pii("6222021234567894"), "bank_card 0-16 6222021234567894");
    CHECK_STR(pii("6222 0212 3456 7894"), "bank_card 0-19 6222021234567894");
    CHECK_STR(pii("4111-1111-1111-1111"), "bank_card 0-19 4111111111111111");
    CHECK_STR(pii("6217000000000000004"), "bank_card 0-19 6217000000000000004");
    CHECK_STR(pii("6217 0000 0000 0000 004"), "bank_card 0-23 6217000000000000004");
    CHECK_STR(pii("9558801234567890128"), "bank_card 0-19 9558801234567890128");
    CHECK_STR(pii("5300000000000000009"), "bank_card 0-19 5300000000000000009");
    CHECK_STR(pii("卡号６２２２０２１２３４５６７８９４，户名张三"),
              "bank_card 6-54 6222021234567894");
}

TEST(pii_bank_card_decoys)
{
    CHECK_STR(pii("6222021234567895"), "");     /* Luhn fails */
    CHECK_STR(pii("5366901243628699568"), "");  /* WeChat message id: Luhn fails */
    CHECK_STR(pii("1234567890123456785"), "");  /* Luhn passes, no card prefix */
    CHECK_STR(pii("7730123456789012342"), "");  /* tracking number, Luhn passes */
    CHECK_STR(pii("202405061234567894"), "");   /* 18-digit order number, Luhn passes */
    CHECK_STR(pii("77301234567890123456"), ""); /* 20 digits */
    CHECK_STR(pii("SF1234567890123"), "");      /* 13-digit tracking number */
    CHECK_STR(pii("62220212345678940000"), ""); /* a card inside a 20-digit run */
    CHECK_STR(pii("6222 0212 3456 7894 1234"), ""); /* 20 digits in groups */
}

TEST(pii_message_with_several)
{
    CHECK_STR(pii("转账到 6222 0212 3456 7894 或 4111111111111111，身份证 110105 19491231 "
                  "002X，手机 13812345678"),
              "bank_card 10-29 6222021234567894; bank_card 34-50 4111111111111111; "
              "id_card 63-83 11010519491231002X; mobile 93-104 13812345678");
    CHECK_STR(pii(""), "");
    CHECK_STR(pii("没有数字"), "");
}

TEST(pii_callback_stops)
{
    found f = {.stop_after = 1};
    const char *s = "13812345678 13912345678";
    CHECK_INT(ca_pii_scan(s, strlen(s), on_pii, &f), 1);
    CHECK_STR(f.text, "mobile 0-11 13812345678");
}

TEST(pii_truncated_input)
{
    /* a full-width digit cut at the end of the buffer is not a digit */
    const char s[] = "13812345678\xef\xbc";
    found f = {0};
    CHECK_INT(ca_pii_scan(s, sizeof s - 1, on_pii, &f), 1);
    CHECK_INT(ca_pii_scan("13812345678", 10, on_pii, &f), 0); /* 10 digits seen: none */
}

TEST(pii_validators)
{
    CHECK_INT(ca_pii_id_valid("11010519491231002X"), 1);
    CHECK_INT(ca_pii_id_valid("11010519491231002x"), 1);
    CHECK_INT(ca_pii_id_valid("110101199003074514"), 1);
    CHECK_INT(ca_pii_id_valid("110101199003074515"), 0);
    CHECK_INT(ca_pii_id_valid("110101199013074514"), 0); /* month 13 */
    CHECK_INT(ca_pii_id_valid("1101011990030745X4"), 0);
    CHECK_INT(ca_luhn_valid("79927398713", 11), 1);
    CHECK_INT(ca_luhn_valid("79927398710", 11), 0);
    CHECK_INT(ca_luhn_valid("4111111111111111", 16), 1);
    CHECK_INT(ca_luhn_valid("41111111a1111111", 16), 0);
    CHECK_INT(ca_luhn_valid("0", 1), 0);
    CHECK_STR(ca_pii_kind_name(CA_PII_ID_CARD), "id_card");
    CHECK_STR(ca_pii_kind_name(CA_PII_MOBILE), "mobile");
    CHECK_STR(ca_pii_kind_name(CA_PII_BANK_CARD), "bank_card");
}

TEST(mask_keeps_first_three_and_last_four_digits)
{
    char t[] = "身份证 110105198806150032，手机 139 1108 6523，订单 202611051800224460";
    size_t len = strlen(t);
    CHECK_INT(ca_pii_mask(t, len), 2);
    CHECK_STR(t, "身份证 110***********0032，手机 139 **** 6523，订单 202611051800224460");
    CHECK_INT(strlen(t), len);
    char card[] = "卡号 4111 1111 1111 1111";
    CHECK_INT(ca_pii_mask(card, strlen(card)), 1);
    CHECK_STR(card, "卡号 411* **** **** 1111");
    char none[] = "版本 1.2.3，工号 10086";
    CHECK_INT(ca_pii_mask(none, strlen(none)), 0);
    CHECK_STR(none, "版本 1.2.3，工号 10086");
}

TEST_MAIN()
