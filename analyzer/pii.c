/*
 * pii.c — resident ID, mobile and bank card numbers in original text.
 *
 * The text is cut into digit groups (maximal runs of ASCII or full-width
 * digits).  Groups joined by exactly one separator character, the same one
 * each time, form a chain ("138 1234 5678", "6222-0212-3456-7890").  Chains
 * are taken greedily from left to right, so in "2024-05-06 138 1234 5678"
 * the date is one chain ('-') and the phone number the next (' ').
 *
 *  1. A prefix "+86"/"＋86"/"0086" followed by a separator is taken off the
 *     front of a chain and remembered for a mobile number right after it.
 *  2. The whole chain is matched against the written-out shapes: 3-4-4
 *     mobile, 6-8-4 ID number, 4-4-4-4[-1..4] card.  A match is reported
 *     and the chain is done.
 *  3. Otherwise every group is judged alone, as a contiguous number: 18
 *     (or 17 + X) for an ID, 11 for a mobile (13 "86…" after '+', 15
 *     "0086…"), 16-19 for a card.  Since groups are maximal digit runs,
 *     "not inside a longer digit run" holds by construction: 13812345678
 *     inside 202413812345678 is a 15-digit group and never a phone number.
 *
 * Decoys, and what keeps them out:
 *   - an 18-digit order number: ID needs a province code, a real birth
 *     date (1900..today) and the check digit (1 in 11 random numbers
 *     pass it alone; all three together far fewer); then it must pass
 *     the card test below;
 *   - an ID number with a wrong check digit: not an ID, and since it has
 *     a province code and a birth date it is not taken for an 18-digit
 *     card either (44… for Guangdong would pass the Visa prefix);
 *   - a 19-digit message id such as WeChat's 5366901243628699568: Luhn
 *     alone lets 1 in 10 random numbers through, so a card also needs
 *     a known card-scheme prefix (IIN): 4 Visa; 51-55 and 2221-2720
 *     Mastercard; 35 JCB; 30/36/38/39 Diners Club; 60/62/64/65 UnionPay
 *     (62), Discover (6011, 644-649, 65) and Bank of China debit (601382);
 *     9558/9559 legacy domestic debit cards (ICBC, ABC).  Order numbers
 *     that start with a year (20xx) or a 1 never qualify; for ids with a
 *     scheme prefix Luhn still rejects 9 in 10;
 *   - tracking numbers: 12-15 or 20+ digits match no shape at all;
 *   - a phone number inside a longer run: see 3.
 */
#include <string.h>
#include <time.h>
#include "pii.h"

#define GROUP_MAX 24 /* digits kept per group: no shape needs more than 19 */
#define CHAIN_MAX 6  /* groups kept per chain: the longest shape has 5 */
#define NO_POS SIZE_MAX

typedef struct group {
    size_t start, end; /* bytes of the digits */
    size_t x_end;      /* end past a check letter X right after, or 0 */
    size_t n;          /* number of digits */
    char d[GROUP_MAX]; /* the first GROUP_MAX digits, ASCII */
} group;

typedef struct scan_ctx {
    const unsigned char *s;
    size_t len;
    ca_pii_fn fn;
    void *ud;
    size_t reported;
    int stopped;
} scan_ctx;

/* ---- validators -------------------------------------------------------- */

int ca_luhn_valid(const char *digits, size_t n)
{
    if (n < 2)
        return 0;
    unsigned sum = 0;
    for (size_t i = 0; i < n; i++) {
        char c = digits[n - 1 - i];
        if (c < '0' || c > '9')
            return 0;
        unsigned v = (unsigned)(c - '0');
        if (i & 1) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
    }
    return sum % 10 == 0;
}

/* Province-level codes of GB/T 2260 (71 Taiwan, 81 Hong Kong, 82 Macao,
 * 83 the residence permits of Taiwan residents). */
static int province_ok(int p)
{
    static const unsigned char codes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                          35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                          53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
    for (size_t i = 0; i < sizeof codes; i++)
        if (codes[i] == p)
            return 1;
    return 0;
}

static int num(const char *d, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (d[i] - '0');
    return v;
}

/* Today as YYYYMMDD, a day ahead of UTC so that no time zone sees a
 * birth date of today as future. */
static long today_ymd(void)
{
    time_t t = time(NULL) + 24 * 3600;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return 99991231;
    return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

static int birth_date_ok(const char *d)
{
    int y = num(d, 4), m = num(d + 4, 2), day = num(d + 6, 2);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || day < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (day > mdays[m - 1] + (m == 2 && leap))
        return 0;
    return (long)y * 10000 + m * 100 + day <= today_ymd();
}

int ca_pii_id_valid(const char digits18[18])
{
    static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[11] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (digits18[i] < '0' || digits18[i] > '9')
            return 0;
        sum += (digits18[i] - '0') * weight[i];
    }
    char last = digits18[17] == 'x' ? 'X' : digits18[17];
    if (last != check[sum % 11])
        return 0;
    return province_ok(num(digits18, 2)) && birth_date_ok(digits18 + 6);
}

/* An ID number but for its check digit: a mistyped ID, not a card, even
 * when it happens to start with 4 (Hubei, Hunan, Henan, Guangdong …) and
 * pass Luhn. */
static int looks_like_id(const char *d)
{
    for (int i = 0; i < 17; i++)
        if (d[i] < '0' || d[i] > '9')
            return 0;
    return province_ok(num(d, 2)) && birth_date_ok(d + 6);
}

static int mobile_ok(const char *d) { return d[0] == '1' && d[1] >= '3' && d[1] <= '9'; }

/* Card-scheme prefixes, see the top of the file. */
static int card_prefix_ok(const char *d)
{
    int p2 = num(d, 2), p4 = num(d, 4);
    return d[0] == '4' || (p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720) || p2 == 35 ||
           p2 == 30 || p2 == 36 || p2 == 38 || p2 == 39 || p2 == 60 || p2 == 62 || p2 == 64 ||
           p2 == 65 || p4 == 9558 || p4 == 9559;
}

static int card_ok(const char *d, size_t n)
{
    return n >= 16 && n <= 19 && card_prefix_ok(d) && ca_luhn_valid(d, n);
}

typedef struct mask_ctx {
    char *text;
    size_t n;
} mask_ctx;

static int mask_one(void *ud, const ca_pii *p)
{
    mask_ctx *m = ud;
    size_t total = 0, seen = 0;
    for (size_t k = p->start; k < p->end; k++)
        total += m->text[k] >= '0' && m->text[k] <= '9';
    for (size_t k = p->start; k < p->end; k++) {
        if (m->text[k] < '0' || m->text[k] > '9')
            continue;
        seen++;
        if (seen > 3 && seen + 4 <= total)
            m->text[k] = '*';
    }
    m->n++;
    return 0;
}

size_t ca_pii_mask(char *text, size_t len)
{
    /* scan a copy: the callbacks change the text the scan is reading */
    char *copy = ca_malloc(len + 1);
    if (!copy) { /* never leak for want of memory: mask every digit */
        for (size_t k = 0; k < len; k++)
            if (text[k] >= '0' && text[k] <= '9')
                text[k] = '*';
        return 1;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    mask_ctx m = {text, 0};
    ca_pii_scan(copy, len, mask_one, &m);
    ca_free(copy);
    return m.n;
}

const char *ca_pii_kind_name(ca_pii_kind kind)
{
    switch (kind) {
    case CA_PII_ID_CARD:
        return "id_card";
    case CA_PII_MOBILE:
        return "mobile";
    case CA_PII_BANK_CARD:
        return "bank_card";
    }
    return "unknown";
}

/* ---- characters -------------------------------------------------------- */

/* Width of the digit at s[i] (1 ASCII, 3 full-width), 0 if none. */
static size_t digit_at(const scan_ctx *c, size_t i, char *value)
{
    const unsigned char *s = c->s;
    if (i < c->len && s[i] >= '0' && s[i] <= '9') {
        *value = (char)s[i];
        return 1;
    }
    if (i + 2 < c->len && s[i] == 0xEF && s[i + 1] == 0xBC && s[i + 2] >= 0x90 &&
        s[i + 2] <= 0x99) {
        *value = (char)('0' + (s[i + 2] - 0x90));
        return 3;
    }
    return 0;
}

static int is_digit_at(const scan_ctx *c, size_t i)
{
    char v;
    return digit_at(c, i, &v) != 0;
}

/* Width of a check letter X/x/Ｘ/ｘ at s[i], 0 if none. */
static size_t x_at(const scan_ctx *c, size_t i)
{
    const unsigned char *s = c->s;
    if (i < c->len && (s[i] == 'X' || s[i] == 'x'))
        return 1;
    if (i + 2 < c->len && s[i] == 0xEF &&
        ((s[i + 1] == 0xBC && s[i + 2] == 0xB8) || (s[i + 1] == 0xBD && s[i + 2] == 0x98)))
        return 3;
    return 0;
}

static int alnum_at(const scan_ctx *c, size_t i)
{
    if (i >= c->len)
        return 0;
    unsigned char ch = c->s[i];
    return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           is_digit_at(c, i);
}

/* Separator at s[i]: returns its width and a code for "the same kind". */
static size_t sep_at(const scan_ctx *c, size_t i, int *kind)
{
    const unsigned char *s = c->s;
    if (i >= c->len)
        return 0;
    if (s[i] == ' ' || s[i] == '-') {
        *kind = s[i];
        return 1;
    }
    if (i + 1 < c->len && s[i] == 0xC2 && s[i + 1] == 0xA0) {
        *kind = 0xA0;
        return 2;
    }
    if (i + 2 < c->len && s[i] == 0xE3 && s[i + 1] == 0x80 && s[i + 2] == 0x80) {
        *kind = 0x3000;
        return 3;
    }
    if (i + 2 < c->len && s[i] == 0xEF && s[i + 1] == 0xBC && s[i + 2] == 0x8D) {
        *kind = 0xFF0D;
        return 3;
    }
    return 0;
}

/* Start of a '+' or '＋' ending at s[i), NO_POS if none. */
static size_t plus_before(const scan_ctx *c, size_t i)
{
    const unsigned char *s = c->s;
    if (i >= 1 && s[i - 1] == '+')
        return i - 1;
    if (i >= 3 && s[i - 3] == 0xEF && s[i - 2] == 0xBC && s[i - 1] == 0x8B)
        return i - 3;
    return NO_POS;
}

/* Reads the digit group starting exactly at pos. */
static void read_group_at(const scan_ctx *c, size_t pos, group *g)
{
    g->start = pos;
    g->n = 0;
    g->x_end = 0;
    char v;
    size_t w;
    while ((w = digit_at(c, pos, &v)) != 0) {
        if (g->n < GROUP_MAX)
            g->d[g->n] = v;
        g->n++;
        pos += w;
    }
    g->end = pos;
    size_t xw = x_at(c, pos);
    if (xw && !alnum_at(c, pos + xw))
        g->x_end = pos + xw;
}

/* Finds the next digit group at or after pos; 0 when there is none. */
static int next_group(const scan_ctx *c, size_t pos, group *g)
{
    const unsigned char *s = c->s;
    for (; pos < c->len; pos++) {
        if ((s[pos] >= '0' && s[pos] <= '9') || (s[pos] == 0xEF && is_digit_at(c, pos))) {
            read_group_at(c, pos, g);
            return 1;
        }
    }
    return 0;
}

/* Group joined to g by a separator of the given kind (any kind when *kind
 * is 0, which is then set); 0 when there is none. */
static int joined_group(const scan_ctx *c, const group *g, int *kind, group *next)
{
    if (g->x_end)
        return 0; /* a check letter ends a number */
    int k = 0;
    size_t w = sep_at(c, g->end, &k);
    if (!w || (*kind && k != *kind) || !is_digit_at(c, g->end + w))
        return 0;
    *kind = k;
    read_group_at(c, g->end + w, next);
    return 1;
}

/* ---- reporting --------------------------------------------------------- */

static void report(scan_ctx *c, ca_pii_kind kind, size_t start, size_t end, const char *d,
                   size_t n)
{
    if (c->stopped)
        return;
    ca_pii p = {kind, start, end, {0}};
    if (n >= sizeof p.digits)
        n = sizeof p.digits - 1;
    memcpy(p.digits, d, n);
    c->reported++;
    if (c->fn(c->ud, &p))
        c->stopped = 1;
}

/* Concatenates the digits of groups g[0..k) into out; returns the count,
 * or 0 when a group was too long to keep. */
static size_t concat(const group *g, size_t k, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        if (g[i].n > GROUP_MAX || n + g[i].n > cap)
            return 0;
        memcpy(out + n, g[i].d, g[i].n);
        n += g[i].n;
    }
    return n;
}

/* Judges one group as a contiguous number; prefix is the start of a
 * +86/0086 prefix in front of it, or NO_POS. */
static void judge_group(scan_ctx *c, const group *g, size_t prefix)
{
    const char *d = g->d;
    char id[18];
    if (g->n == 17 && g->x_end) {
        memcpy(id, d, 17);
        id[17] = 'X';
        if (ca_pii_id_valid(id))
            report(c, CA_PII_ID_CARD, g->start, g->x_end, id, 18);
    } else if (g->n == 18) {
        if (ca_pii_id_valid(d))
            report(c, CA_PII_ID_CARD, g->start, g->end, d, 18);
        else if (!looks_like_id(d) && card_ok(d, 18))
            report(c, CA_PII_BANK_CARD, g->start, g->end, d, 18);
    } else if (g->n == 11) {
        if (mobile_ok(d))
            report(c, CA_PII_MOBILE, prefix != NO_POS ? prefix : g->start, g->end, d, 11);
    } else if (g->n == 13) {
        size_t plus = plus_before(c, g->start);
        if (plus != NO_POS && d[0] == '8' && d[1] == '6' && mobile_ok(d + 2))
            report(c, CA_PII_MOBILE, plus, g->end, d + 2, 11);
    } else if (g->n == 15) {
        if (memcmp(d, "0086", 4) == 0 && mobile_ok(d + 4))
            report(c, CA_PII_MOBILE, g->start, g->end, d + 4, 11);
    } else if (g->n >= 16 && g->n <= 19) {
        if (card_ok(d, g->n))
            report(c, CA_PII_BANK_CARD, g->start, g->end, d, g->n);
    }
}

/* Matches a whole chain of k >= 2 groups against the written-out shapes.
 * Returns 1 when it matched (and was reported). */
static int judge_chain(scan_ctx *c, const group *g, size_t k, size_t prefix)
{
    char d[GROUP_MAX];
    size_t n = concat(g, k, d, sizeof d);
    if (n == 0)
        return 0;
    if (k == 3 && g[0].n == 3 && g[1].n == 4 && g[2].n == 4 && mobile_ok(d)) {
        report(c, CA_PII_MOBILE, prefix != NO_POS ? prefix : g[0].start, g[2].end, d, 11);
        return 1;
    }
    if (k == 3 && g[0].n == 6 && g[1].n == 8 &&
        (g[2].n == 4 || (g[2].n == 3 && g[2].x_end))) {
        if (g[2].n == 3)
            d[n++] = 'X';
        if (ca_pii_id_valid(d)) {
            report(c, CA_PII_ID_CARD, g[0].start, g[2].x_end ? g[2].x_end : g[2].end, d, 18);
            return 1;
        }
        return 0;
    }
    if (k >= 4 && g[k - 1].n >= 1 && g[k - 1].n <= 4) {
        for (size_t i = 0; i + 1 < k; i++)
            if (g[i].n != 4)
                return 0;
        if (card_ok(d, n)) {
            report(c, CA_PII_BANK_CARD, g[0].start, g[k - 1].end, d, n);
            return 1;
        }
    }
    return 0;
}

/* Takes a +86/0086 prefix off the front: when g is one and a separator and
 * a digit follow, g becomes the next group and the prefix start is
 * returned; otherwise NO_POS and g is unchanged. */
static size_t take_prefix(const scan_ctx *c, group *g)
{
    size_t start;
    if (g->n == 2 && g->d[0] == '8' && g->d[1] == '6')
        start = plus_before(c, g->start);
    else if (g->n == 4 && memcmp(g->d, "0086", 4) == 0)
        start = g->start;
    else
        return NO_POS;
    int kind = 0;
    group next;
    if (start == NO_POS || !joined_group(c, g, &kind, &next))
        return NO_POS;
    *g = next;
    return start;
}

size_t ca_pii_scan(const char *text, size_t len, ca_pii_fn fn, void *ud)
{
    scan_ctx c = {(const unsigned char *)text, len, fn, ud, 0, 0};
    group chain[CHAIN_MAX];
    size_t pos = 0;
    while (!c.stopped && next_group(&c, pos, &chain[0])) {
        size_t prefix = take_prefix(&c, &chain[0]);
        size_t k = 1;
        int kind = 0, overflow = 0;
        group more;
        group *tail = &chain[0];
        while (joined_group(&c, tail, &kind, &more)) {
            if (!overflow && k < CHAIN_MAX) {
                chain[k++] = more;
                tail = &chain[k - 1];
                continue;
            }
            /* Longer than any shape: every group is judged alone, in
             * order, the stored ones first. */
            if (!overflow)
                for (size_t i = 0; i < k; i++)
                    judge_group(&c, &chain[i], i == 0 ? prefix : NO_POS);
            overflow = 1;
            judge_group(&c, &more, NO_POS);
            chain[0] = more;
            tail = &chain[0];
        }
        if (!overflow && !(k >= 2 && judge_chain(&c, chain, k, prefix)))
            for (size_t i = 0; i < k; i++)
                judge_group(&c, &chain[i], i == 0 ? prefix : NO_POS);
        pos = tail->x_end ? tail->x_end : tail->end;
    }
    return c.reported;
}
