/*
 * gen_corpus.c — generates the benchmark corpus: a zip of per-group WeChat
 * exports, half MemoTrace v1 CSV (memotrace/<group name>.csv) and half
 * PyWxDump CSV (pywxdump/<group id>_0_<N+1>.csv), with a realistic message
 * mix (Chinese text of 5-80 characters built from a word list, @mentions,
 * questions, quote replies, images, stickers, links, files, a few system
 * messages), 19-digit message ids and times spread over November 2026 in
 * company time (+08:00).
 *
 *   gen_corpus [-n MESSAGES] [-g GROUPS] [-e EMPLOYEES] [-s SEED] [-z LEVEL]
 *              [--roster FILE] [--groups FILE] -o OUT.zip
 *
 * Deterministic: the output depends only on the arguments (own PRNG,
 * splitmix64; fixed entry times; entries in group order).  Streaming: each
 * group's CSV is built in one reused buffer and written to the archive, so
 * memory is bounded by the largest group.  Only libc and libarchive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MONTH_DAYS 30
#define LEN(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))
#define TZ_OFFSET (8 * 3600)

/* ------------------------------------------------------------------ util */

_Noreturn static void die(const char *what)
{
    fprintf(stderr, "gen_corpus: %s\n", what);
    exit(1);
}

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static uint32_t rndn(uint32_t n)
{
    return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32);
}

/* True with probability per_mille / 1000. */
static int chance(unsigned per_mille)
{
    return rndn(1000) < per_mille;
}

typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_grow(sbuf *b, size_t extra)
{
    if (b->len + extra <= b->cap)
        return;
    size_t nc = b->cap ? b->cap : 1 << 16;
    while (nc < b->len + extra)
        nc *= 2;
    char *np = realloc(b->p, nc);
    if (!np)
        die("out of memory");
    b->p = np;
    b->cap = nc;
}

static void sb_put(sbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void sb_puts(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static void sb_putc(sbuf *b, char c)
{
    sb_grow(b, 1);
    b->p[b->len++] = c;
}

static void sb_u64(sbuf *b, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sb_grow(b, (size_t)n);
    while (n)
        b->p[b->len++] = tmp[--n];
}

static void sb_digits(sbuf *b, unsigned v, int width)
{
    char tmp[12];
    for (int i = width - 1; i >= 0; i--) {
        tmp[i] = (char)('0' + v % 10);
        v /= 10;
    }
    sb_put(b, tmp, (size_t)width);
}

/* One CSV field, RFC 4180 quoted when needed (as Python's csv module does). */
static void sb_csv(sbuf *b, const char *s, size_t n)
{
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        sb_put(b, s, n);
        return;
    }
    sb_grow(b, n * 2 + 2);
    b->p[b->len++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            b->p[b->len++] = '"';
        b->p[b->len++] = s[i];
    }
    b->p[b->len++] = '"';
}

static void sb_csvs(sbuf *b, const char *s)
{
    sb_csv(b, s, strlen(s));
}

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant). */
static long days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned mp = m > 2 ? m - 3 : m + 9;
    unsigned doy = (153 * mp + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)yoe + (int)era * 400 + (*m <= 2);
}

/* "YYYY-MM-DD HH:MM:SS" in company time for an epoch. */
static void sb_time(sbuf *b, int64_t epoch)
{
    int64_t local = epoch + TZ_OFFSET;
    long days = (long)(local / 86400);
    unsigned sod = (unsigned)(local % 86400);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    sb_digits(b, (unsigned)y, 4);
    sb_putc(b, '-');
    sb_digits(b, m, 2);
    sb_putc(b, '-');
    sb_digits(b, d, 2);
    sb_putc(b, ' ');
    sb_digits(b, sod / 3600, 2);
    sb_putc(b, ':');
    sb_digits(b, sod / 60 % 60, 2);
    sb_putc(b, ':');
    sb_digits(b, sod % 60, 2);
}

static void sb_hex(sbuf *b, int n)
{
    static const char hx[] = "0123456789abcdef";
    uint64_t r = 0;
    sb_grow(b, (size_t)n);
    for (int i = 0; i < n; i++) {
        if (i % 16 == 0)
            r = rnd();
        b->p[b->len++] = hx[r & 15];
        r >>= 4;
    }
}

/* ------------------------------------------------------------ word lists */

static const char *const SURNAMES[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何",
    "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈"};
static const char *const GIVEN[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "婷", "雪", "浩", "宇", "晨", "帆", "欣怡", "子涵",
    "佳", "俊杰", "思远", "雨萱", "志强", "海燕", "建国", "文博", "梦琪", "一鸣", "嘉怡", "天宇", "梓涵"};
static const char *const DEPTS[] = {"总经办", "行政中心", "研发部", "销售部", "财务部",
                                    "市场部", "人力资源部", "客服部", "产品部", "运营部"};
#define N_DEPTS (sizeof DEPTS / sizeof DEPTS[0])
/* Rough share of employees per department, in per mille. */
static const unsigned DEPT_SHARE[N_DEPTS] = {10, 40, 300, 220, 40, 80, 30, 140, 60, 80};

/* Work words; each with its length in characters. */
static const char *const WORDS[] = {
    "今天", "下午", "明天上午", "会议", "周报", "项目", "进度", "客户", "需求", "方案", "合同", "报价",
    "测试", "上线", "版本", "接口", "联调", "数据", "报表", "审批", "流程", "预算", "发票", "报销",
    "采购", "供应商", "库存", "订单", "发货", "回款", "目标", "复盘", "培训", "考勤", "值班", "排期",
    "评审", "文档", "需要", "已经", "尽快", "确认", "一下", "处理", "跟进", "安排", "准备", "提交",
    "更新", "同步", "反馈", "沟通", "协调", "完成", "推进", "优化", "问题", "风险", "计划", "调整",
    "大家", "各位", "我们", "这边", "那边", "负责", "整理", "汇总", "核对", "落实", "部门", "系统",
    "服务器", "监控", "告警", "修复", "验收", "交付", "资料", "附件", "邮件", "群里", "现场", "电话",
    "稍后", "马上", "辛苦", "收到", "好的", "明白", "谢谢", "没问题", "按时", "重点", "关注", "注意"};
#define N_WORDS (sizeof WORDS / sizeof WORDS[0])
static unsigned word_chars[N_WORDS];

static const char *const ACKS[] = {"收到", "好的", "收到👌", "明白", "OK", "收到，谢谢", "已阅", "[强]"};
static const char *const LINK_TITLES[] = {
    "2026年度工作计划模板", "冬季办公室消防安全提示", "项目管理的十个常见误区", "如何写好一份周报",
    "新版报销制度解读", "客户成功案例分享", "研发效能提升实践", "年终总结怎么写"};
static const char *const FILE_NAMES[] = {"周报.docx", "报价单.xlsx", "合同草稿.pdf", "排期表.xlsx",
                                         "会议纪要.docx", "需求清单.xlsx", "培训资料.pptx"};

/* UTF-8 characters in a NUL-terminated string. */
static unsigned u8len(const char *s)
{
    unsigned n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* -------------------------------------------------------------- the data */

typedef struct {
    char id[12];
    char name[16];
    char wxid[24];
    char nick[24];
    unsigned dept;
    const char *level;
    int head;
    uint32_t manager; /* index + 1, 0 = none */
    char hire[24], leave[24];
} employee;

typedef struct {
    char id[24];   /* 11 digits + "@chatroom" */
    char name[48];
    const char *category;
    unsigned dept; /* for department groups */
    uint32_t *members;
    uint32_t n_members;
    uint64_t n_msgs;
    int memotrace;
} group;

static employee *emps;
static uint32_t n_emps;
static uint32_t dept_head[N_DEPTS];
static group *groups;
static uint32_t n_groups;

static void make_employees(uint32_t n)
{
    emps = calloc(n, sizeof *emps);
    if (!emps)
        die("out of memory");
    n_emps = n;
    uint32_t at = 0;
    uint32_t first[N_DEPTS];
    for (unsigned d = 0; d < N_DEPTS; d++) {
        uint32_t k = (uint32_t)((uint64_t)n * DEPT_SHARE[d] / 1000);
        if (k < 2)
            k = 2;
        if (d == N_DEPTS - 1 || at + k > n)
            k = n - at;
        first[d] = at;
        for (uint32_t i = 0; i < k && at < n; i++, at++)
            emps[at].dept = d;
    }
    /* 总经办: the gm (index 0) and up to three vps after it */
    uint32_t size0 = first[1] - first[0];
    uint32_t n_vps = size0 > 1 ? (size0 - 1 < 3 ? size0 - 1 : 3) : 0;
    for (uint32_t i = 0; i < n; i++) {
        employee *e = &emps[i];
        snprintf(e->id, sizeof e->id, "E%05u", (unsigned)(i + 1));
        snprintf(e->name, sizeof e->name, "%s%s", SURNAMES[rndn(LEN(SURNAMES))],
                 GIVEN[rndn(LEN(GIVEN))]);
        memcpy(e->wxid, "wxid_", 5);
        for (int k = 0; k < 14; k++)
            e->wxid[5 + k] = "abcdefghijklmnopqrstuvwxyz0123456789"[rndn(36)];
        e->wxid[19] = '\0';
        if (chance(300))
            snprintf(e->nick, sizeof e->nick, "%s", e->name);
        else
            snprintf(e->nick, sizeof e->nick, "%s%s", GIVEN[rndn(LEN(GIVEN))],
                     chance(300) ? "🌟" : "");
        int y = 2012 + (int)rndn(15);
        unsigned mo = 1 + rndn(12);
        if (y == 2026 && mo > 10)
            mo = 10;
        snprintf(e->hire, sizeof e->hire, "%04d-%02u-%02u", y, mo, 1 + rndn(28));
        if (chance(15))
            snprintf(e->leave, sizeof e->leave, "2026-%02u-%02u", 10 + rndn(2), 1 + rndn(28));
        uint32_t head = first[e->dept];
        e->head = i == head;
        if (e->dept == 0) {
            e->level = i == 0 ? "gm" : (i <= n_vps ? "vp" : "staff");
            e->manager = i == 0 ? 0 : 1;
        } else {
            unsigned r = rndn(100);
            e->level = e->head ? "director" : r < 5 ? "manager" : r < 15 ? "supervisor" : "staff";
            /* heads report to a vp (or the gm), the others to their head */
            e->manager = e->head ? (n_vps ? 2 + rndn(n_vps) : 1) : head + 1;
        }
        if (e->leave[0] && strcmp(e->hire, "2026") > 0)
            e->leave[0] = '\0';
    }
    for (unsigned d = 0; d < N_DEPTS; d++)
        dept_head[d] = first[d] < n ? first[d] : 0;
}

static void add_member(group *g, uint32_t e, uint32_t cap)
{
    if (g->n_members < cap)
        g->members[g->n_members++] = e;
}

static void make_groups(uint32_t n, uint64_t messages)
{
    groups = calloc(n, sizeof *groups);
    if (!groups)
        die("out of memory");
    n_groups = n;
    double *w = calloc(n, sizeof *w), total = 0;
    if (!w)
        die("out of memory");
    for (uint32_t i = 0; i < n; i++) {
        group *g = &groups[i];
        snprintf(g->id, sizeof g->id, "%011llu@chatroom",
                 (unsigned long long)(10000000000ull + rnd() % 89999999999ull));
        uint32_t cap;
        double weight;
        if (i < 2 && n > 4) {
            g->category = "all";
            snprintf(g->name, sizeof g->name, "%s", i == 0 ? "全员群" : "全员通知群");
            cap = n_emps;
            weight = 6;
        } else if (i < 2 + N_DEPTS && i < n) {
            g->category = "department";
            g->dept = (unsigned)((i - (n > 4 ? 2 : 0)) % N_DEPTS);
            snprintf(g->name, sizeof g->name, "%s群", DEPTS[g->dept]);
            cap = n_emps;
            weight = 3;
        } else if (i % 3 == 0) {
            g->category = "work";
            snprintf(g->name, sizeof g->name, "项目%03u协调群", (unsigned)i);
            cap = 8 + rndn(40);
            weight = 1.5;
        } else {
            static const char *const topics[] = {"羽毛球", "读书", "跑步", "摄影", "桌游", "亲子"};
            g->category = i % 3 == 1 ? "work" : "other";
            if (g->category[0] == 'w')
                snprintf(g->name, sizeof g->name, "%s专项%03u群", DEPTS[rndn(N_DEPTS)], (unsigned)i);
            else
                snprintf(g->name, sizeof g->name, "%s交流%03u群", topics[rndn(6)], (unsigned)i);
            cap = 5 + rndn(60);
            weight = 0.7;
        }
        if (cap > n_emps)
            cap = n_emps;
        g->members = malloc((size_t)cap * sizeof *g->members);
        if (!g->members)
            die("out of memory");
        if (!strcmp(g->category, "all")) {
            for (uint32_t e = 0; e < n_emps; e++)
                add_member(g, e, cap);
        } else if (!strcmp(g->category, "department")) {
            for (uint32_t e = 0; e < n_emps; e++)
                if (emps[e].dept == g->dept || e == 0)
                    add_member(g, e, cap);
            if (g->n_members == 0)
                add_member(g, 0, cap);
        } else {
            for (uint32_t k = 0; k < cap; k++)
                add_member(g, rndn(n_emps), cap);
        }
        /* members[0] is the owner, and the one who exported the group */
        uint32_t owner = !strcmp(g->category, "all")          ? dept_head[1]
                         : !strcmp(g->category, "department") ? dept_head[g->dept]
                                                               : g->members[rndn(g->n_members)];
        for (uint32_t k = 0; k < g->n_members; k++)
            if (g->members[k] == owner) {
                g->members[k] = g->members[0];
                g->members[0] = owner;
                break;
            }
        g->memotrace = i % 2 == 0;
        w[i] = weight * (0.3 + rndn(1400) / 1000.0);
        total += w[i];
    }
    uint64_t given = 0;
    for (uint32_t i = 0; i < n; i++) {
        groups[i].n_msgs = (uint64_t)((double)messages * w[i] / total);
        given += groups[i].n_msgs;
    }
    for (uint32_t i = 0; given < messages; i = (i + 1) % n, given++)
        groups[i].n_msgs++;
    free(w);
}

/* --------------------------------------------------------------- messages */

enum { M_TEXT, M_IMAGE, M_STICKER, M_LINK, M_FILE, M_QUOTE, M_SYSTEM };

typedef struct {
    int64_t t;
    uint64_t seq;    /* generation order: ties in time keep it */
    uint32_t who;    /* employee index */
    uint32_t target; /* for system messages and mentions */
    int kind;
    int sub;         /* system: 0 invite, 1 QR join, 2 recall */
} msg;

/* Recent texts of a group, for quote replies. */
#define RECENT 16
typedef struct {
    char text[256];
    int64_t t;
    uint32_t who;
} recent;

static int64_t month_start;

static int cmp_msg(const void *a, const void *b)
{
    const msg *x = a, *y = b;
    if (x->t != y->t)
        return (x->t > y->t) - (x->t < y->t);
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* A time in the month, mostly in business hours on workdays. */
static int64_t rnd_time(void)
{
    unsigned day;
    for (;;) {
        day = rndn(MONTH_DAYS);
        unsigned wd = (day + 6) % 7; /* 2026-11-01 is a Sunday: 0 = Monday */
        if (wd < 5 || chance(150))
            break;
    }
    unsigned sod = chance(850) ? 9 * 3600 + rndn(9 * 3600 + 1800) : 7 * 3600 + rndn(17 * 3600);
    return month_start + (int64_t)day * 86400 + sod - TZ_OFFSET;
}

static void gen_text(sbuf *b, const msg *m)
{
    if (chance(120)) {
        sb_puts(b, ACKS[rndn(LEN(ACKS))]);
        return;
    }
    if (m->target != UINT32_MAX) { /* @mention: ended by U+2005 (phone) or a space (PC) */
        const employee *t = &emps[m->target];
        sb_putc(b, '@');
        sb_puts(b, DEPTS[t->dept]);
        sb_putc(b, '-');
        sb_puts(b, t->name);
        sb_puts(b, chance(800) ? "\xE2\x80\x85" : " ");
    }
    unsigned want = 5 + rndn(76), have = 0;
    while (have < want) {
        uint32_t w = rndn(N_WORDS);
        sb_puts(b, WORDS[w]);
        have += word_chars[w];
        if (have < want && chance(120)) {
            sb_puts(b, chance(900) ? "，" : (chance(940) ? ", " : "\n"));
            have++;
        }
    }
    if (chance(100))
        sb_puts(b, chance(500) ? "吗？" : "？");
    else if (chance(30))
        sb_puts(b, "，\"重要\"");
    else
        sb_puts(b, "。");
}

/* ------------------------------------------------------------------ output */

static struct archive *zip;
static uint64_t bytes_raw;

static void zip_add(const char *path, const char *data, size_t len)
{
    struct archive_entry *e = archive_entry_new();
    if (!e)
        die("out of memory");
    archive_entry_set_pathname_utf8(e, path);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, (time_t)(month_start + (int64_t)MONTH_DAYS * 86400 + 9 * 3600 - TZ_OFFSET), 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    if (archive_write_header(zip, e) != ARCHIVE_OK)
        die(archive_error_string(zip));
    if (len && archive_write_data(zip, data, len) != (la_ssize_t)len)
        die(archive_error_string(zip));
    archive_entry_free(e);
    bytes_raw += len;
}

static const char *sys_text(sbuf *tmp, const msg *m, int pywx)
{
    tmp->len = 0;
    const char *a = emps[m->who].name, *b = emps[m->target].name;
    if (m->sub == 0) {
        sb_putc(tmp, '"');
        sb_puts(tmp, a);
        sb_puts(tmp, "\"邀请\"");
        sb_puts(tmp, b);
        sb_puts(tmp, "\"加入了群聊");
    } else if (m->sub == 1) {
        sb_puts(tmp, "\" ");
        sb_puts(tmp, b);
        sb_puts(tmp, "\"通过扫描\"");
        sb_puts(tmp, a);
        sb_puts(tmp, "\"分享的二维码加入群聊");
    } else {
        if (pywx)
            sb_puts(tmp, "<revokemsg>");
        sb_putc(tmp, '"');
        sb_puts(tmp, a);
        sb_puts(tmp, "\" 撤回了一条消息");
        if (pywx)
            sb_puts(tmp, "</revokemsg>");
    }
    sb_putc(tmp, '\0');
    tmp->len--;
    return tmp->p;
}

static void write_group(uint32_t gi, msg *ms, sbuf *out, sbuf *text, sbuf *tmp, recent *rec)
{
    group *g = &groups[gi];
    uint64_t n = g->n_msgs;
    uint32_t exporter = g->members[0];
    /* Senders: a few members write most messages. */
    uint32_t active = g->n_members < 12 ? g->n_members : 12 + rndn(g->n_members - 11);
    for (uint64_t i = 0; i < n; i++) {
        msg *m = &ms[i];
        m->t = rnd_time();
        m->seq = i;
        uint32_t r = rndn(active);
        r = chance(600) ? r % (active < 6 ? active : 6) : r;
        m->who = g->members[r];
        m->target = UINT32_MAX;
        unsigned k = rndn(1000);
        m->kind = k < 60 ? M_IMAGE : k < 100 ? M_STICKER : k < 115 ? M_LINK : k < 120 ? M_FILE
                : k < 150 ? M_QUOTE : k < 153 ? M_SYSTEM : M_TEXT;
        if (m->kind == M_SYSTEM) {
            m->sub = (int)rndn(3);
            m->target = rndn(n_emps);
        } else if (m->kind == M_TEXT && chance(80)) {
            m->target = g->members[rndn(g->n_members)];
        }
    }
    qsort(ms, (size_t)n, sizeof *ms, cmp_msg);

    out->len = 0;
    unsigned n_rec = 0;
    char path[160];
    if (g->memotrace) {
        sb_puts(out, "\xEF\xBB\xBFlocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,"
                     "StrContent,StrTime,Remark,NickName,Sender\r\n");
        snprintf(path, sizeof path, "memotrace/%s.csv", g->name);
    } else {
        sb_puts(out, "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n");
        snprintf(path, sizeof path, "pywxdump/%s_0_%llu.csv", g->id, (unsigned long long)n + 1);
    }
    uint64_t local_id = 1000 + rndn(50000);
    for (uint64_t i = 0; i < n; i++) {
        msg *m = &ms[i];
        const employee *e = &emps[m->who];
        int self = m->who == exporter;
        uint64_t svr = 1000000000000000000ull + rnd() % 8223372036854775807ull;
        text->len = 0;
        const recent *q = NULL;
        if (m->kind == M_QUOTE && n_rec > 0)
            q = &rec[rndn(n_rec < RECENT ? n_rec : RECENT)];
        else if (m->kind == M_QUOTE)
            m->kind = M_TEXT;
        if (m->kind == M_TEXT || m->kind == M_QUOTE) {
            gen_text(text, m);
            sb_putc(text, '\0');
            text->len--;
            if (m->kind == M_TEXT && text->len < sizeof rec[0].text) {
                recent *slot = &rec[n_rec++ % RECENT];
                memcpy(slot->text, text->p, text->len + 1);
                slot->t = m->t;
                slot->who = m->who;
            }
        }
        if (g->memotrace) {
            local_id += 1 + (chance(100) ? rndn(3) : 0);
            sb_u64(out, local_id);
            sb_putc(out, ',');
            sb_u64(out, gi + 1);
            sb_putc(out, ',');
            switch (m->kind) {
            case M_TEXT: sb_puts(out, "1,0,"); break;
            case M_IMAGE: sb_puts(out, "3,0,"); break;
            case M_STICKER: sb_puts(out, "47,0,"); break;
            case M_LINK: sb_puts(out, "49,5,"); break;
            case M_FILE: sb_puts(out, "49,6,"); break;
            case M_QUOTE: sb_puts(out, "49,57,"); break;
            default: sb_puts(out, "10000,0,"); break;
            }
            sb_puts(out, m->kind == M_SYSTEM ? "0," : self ? "1," : "0,");
            sb_u64(out, (uint64_t)m->t);
            sb_puts(out, m->kind == M_SYSTEM ? ",4," : self ? ",2," : ",3,");
            tmp->len = 0;
            switch (m->kind) {
            case M_TEXT: sb_csv(out, text->p, text->len); break;
            case M_IMAGE:
                sb_puts(tmp, "<msg><img md5=\"");
                sb_hex(tmp, 32);
                sb_puts(tmp, "\" length=\"");
                sb_u64(tmp, 20000 + rndn(2000000));
                sb_puts(tmp, "\" cdnthumbheight=\"120\" cdnthumbwidth=\"90\" /></msg>");
                sb_csv(out, tmp->p, tmp->len);
                break;
            case M_STICKER:
                sb_puts(tmp, "<msg><emoji md5=\"");
                sb_hex(tmp, 32);
                sb_puts(tmp, "\" type=\"2\" len=\"");
                sb_u64(tmp, 5000 + rndn(90000));
                sb_puts(tmp, "\" cdnurl=\"http://wxapp.tc.qq.com/262/20304/stodownload?m=");
                sb_hex(tmp, 32);
                sb_puts(tmp, "&amp;bizid=1023\" width=\"240\" height=\"240\" /></msg>");
                sb_csv(out, tmp->p, tmp->len);
                break;
            case M_LINK:
                sb_puts(tmp, "<msg><appmsg appid=\"\" sdkver=\"0\"><title>");
                sb_puts(tmp, LINK_TITLES[rndn(LEN(LINK_TITLES))]);
                sb_puts(tmp, "</title><des></des><type>5</type><url>https://mp.weixin.qq.com/s/");
                sb_hex(tmp, 22);
                sb_puts(tmp, "</url></appmsg><fromusername>");
                sb_puts(tmp, e->wxid);
                sb_puts(tmp, "</fromusername></msg>");
                sb_csv(out, tmp->p, tmp->len);
                break;
            case M_SYSTEM: sb_csvs(out, sys_text(tmp, m, 0)); break;
            default: break; /* 49/6 and 49/57: StrContent empty, as MemoTrace writes them */
            }
            sb_putc(out, ',');
            sb_time(out, m->t);
            if (m->kind == M_SYSTEM) {
                sb_puts(out, ",,,\r\n");
            } else {
                sb_puts(out, ",,");
                sb_csvs(out, e->nick);
                sb_putc(out, ',');
                sb_puts(out, e->wxid);
                sb_puts(out, "\r\n");
            }
        } else {
            sb_u64(out, i + 1);
            sb_putc(out, ',');
            sb_u64(out, svr);
            sb_putc(out, ',');
            static const char *const names[] = {"文本", "图片", "动画表情", "(分享)卡片式链接",
                                                "文件", "引用回复", "系统通知"};
            sb_puts(out, names[m->kind]);
            sb_puts(out, m->kind == M_SYSTEM ? ",0," : self ? ",1," : ",0,");
            if (m->kind != M_SYSTEM)
                sb_puts(out, e->wxid);
            sb_putc(out, ',');
            sb_puts(out, g->id);
            sb_putc(out, ',');
            tmp->len = 0;
            switch (m->kind) {
            case M_TEXT: sb_csv(out, text->p, text->len); sb_putc(out, ','); break;
            case M_IMAGE:
                sb_puts(out, "图片,FileStorage\\MsgAttach\\");
                sb_hex(out, 32);
                sb_puts(out, "\\Image\\2026-11\\");
                sb_hex(out, 32);
                sb_puts(out, ".dat");
                break;
            case M_STICKER:
                sb_puts(out, "表情,http://wxapp.tc.qq.com/262/20304/stodownload?m=");
                sb_hex(out, 32);
                sb_puts(out, "&bizid=1023");
                break;
            case M_LINK:
                sb_puts(tmp, LINK_TITLES[rndn(LEN(LINK_TITLES))]);
                sb_puts(tmp, "\n\n\n<a href=\"https://mp.weixin.qq.com/s/");
                sb_hex(tmp, 22);
                sb_puts(tmp, "\" target=\"_blank\">点击查看详情</a>");
                sb_csv(out, tmp->p, tmp->len);
                sb_putc(out, ',');
                break;
            case M_FILE: {
                const char *f = FILE_NAMES[rndn(LEN(FILE_NAMES))];
                sb_puts(out, f);
                sb_puts(out, ",FileStorage\\File\\2026-11\\");
                sb_puts(out, f);
                break;
            }
            case M_QUOTE:
                sb_put(tmp, text->p, text->len);
                sb_puts(tmp, "\n\n[引用](");
                sb_time(tmp, q->t);
                sb_putc(tmp, ')');
                sb_puts(tmp, DEPTS[emps[q->who].dept]);
                sb_putc(tmp, '-');
                sb_puts(tmp, emps[q->who].name);
                sb_putc(tmp, ':');
                sb_puts(tmp, q->text);
                sb_csv(out, tmp->p, tmp->len);
                sb_putc(out, ',');
                break;
            default: sb_csvs(out, sys_text(tmp, m, 1)); sb_putc(out, ','); break;
            }
            sb_putc(out, ',');
            sb_time(out, m->t);
            sb_puts(out, "\r\n");
        }
    }
    zip_add(path, out->p, out->len);
}

static void write_roster(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fputs("employee_id,name,department,level,is_head,manager_id,hire_date,leave_date,"
          "wechat_id,dingtalk_id,wecom_id,aliases\n", f);
    for (uint32_t i = 0; i < n_emps; i++) {
        const employee *e = &emps[i];
        fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%016llu,u%05u,%s\n", e->id, e->name, DEPTS[e->dept],
                e->level, e->head ? "yes" : "no", e->manager ? emps[e->manager - 1].id : "", e->hire,
                e->leave, e->wxid, (unsigned long long)(1000000000000000ull + i), (unsigned)(i + 1),
                e->nick);
    }
    if (fclose(f) != 0)
        die("cannot write the roster");
}

static void write_groups(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gen_corpus: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fputs("platform,group_id,name,category,department,owner_id,admins,created_by,authorized_by\n", f);
    for (uint32_t i = 0; i < n_groups; i++) {
        const group *g = &groups[i];
        const char *owner = emps[g->members[0]].id;
        int dept = !strcmp(g->category, "department");
        fprintf(f, "wechat,%s,%s,%s,%s,%s,,%s,%s\n", g->id, g->name, g->category,
                dept ? DEPTS[g->dept] : "", owner, owner, dept ? "" : emps[0].id);
    }
    if (fclose(f) != 0)
        die("cannot write the groups file");
}

static void usage(FILE *f)
{
    fputs("usage: gen_corpus [-n MESSAGES] [-g GROUPS] [-e EMPLOYEES] [-s SEED]\n"
          "                  [-z LEVEL] [--roster FILE] [--groups FILE] -o OUT.zip\n"
          "Writes a zip of per-group WeChat exports (half MemoTrace v1 CSV, half PyWxDump\n"
          "CSV) for the benchmark.  Defaults: 1000000 messages, 300 groups, 2000 employees,\n"
          "seed 1, deflate level 1 (-z 6 is what export tools use: smaller, slower to make;\n"
          "-z 0 stores).  --roster/--groups also write the roster.csv and groups.csv it used.\n",
          f);
}

static unsigned long long num_arg(const char *opt, const char *s, unsigned long long min)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || end == s || v < min || s[0] == '-') {
        fprintf(stderr, "gen_corpus: %s: expected a number >= %llu, found \"%s\"\n", opt, min, s);
        exit(1);
    }
    return v;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"roster", required_argument, NULL, 'r'}, {"groups", required_argument, NULL, 'G'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    unsigned long long n_msgs = 1000000, n_grp = 300, n_emp = 2000, seed = 1, level = 1;
    const char *out = NULL, *roster = NULL, *groups_csv = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "n:g:e:s:z:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n_msgs = num_arg("-n", optarg, 0); break;
        case 'g': n_grp = num_arg("-g", optarg, 1); break;
        case 'e': n_emp = num_arg("-e", optarg, 2); break;
        case 's': seed = num_arg("-s", optarg, 0); break;
        case 'z': level = num_arg("-z", optarg, 0); break;
        case 'o': out = optarg; break;
        case 'r': roster = optarg; break;
        case 'G': groups_csv = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (!out || optind != argc) {
        usage(stderr);
        return 1;
    }
    if (n_grp > 1000000 || n_emp > 10000000 || level > 9)
        die("-g at most 1000000, -e at most 10000000, -z at most 9");
    char level_opt[32];
    snprintf(level_opt, sizeof level_opt, "zip:compression-level=%u", (unsigned)level);
    for (size_t i = 0; i < N_WORDS; i++)
        word_chars[i] = u8len(WORDS[i]);
    month_start = (int64_t)days_from_civil(2026, 11, 1) * 86400;
    /* The zip's DOS times are local time: fix the zone (China, no DST) so
     * the output does not depend on the machine's. */
    setenv("TZ", "CST-8", 1);
    tzset();

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    rng_state = seed * 0x2545F4914F6CDD1Dull + 0x1234567ull;
    make_employees((uint32_t)n_emp);
    make_groups((uint32_t)n_grp, n_msgs);
    if (roster)
        write_roster(roster);
    if (groups_csv)
        write_groups(groups_csv);

    zip = archive_write_new();
    if (!zip)
        die("out of memory");
    if (archive_write_set_format_zip(zip) != ARCHIVE_OK ||
        archive_write_zip_set_compression_deflate(zip) != ARCHIVE_OK ||
        archive_write_set_options(zip, level_opt) != ARCHIVE_OK ||
        archive_write_set_options(zip, "zip:hdrcharset=UTF-8") != ARCHIVE_OK ||
        archive_write_open_filename(zip, out) != ARCHIVE_OK) {
        fprintf(stderr, "gen_corpus: %s: %s\n", out, archive_error_string(zip));
        return 1;
    }
    uint64_t biggest = 1;
    for (uint32_t i = 0; i < n_groups; i++)
        if (groups[i].n_msgs > biggest)
            biggest = groups[i].n_msgs;
    msg *ms = malloc((size_t)biggest * sizeof *ms);
    recent *rec = malloc(RECENT * sizeof *rec);
    if (!ms || !rec)
        die("out of memory");
    sbuf outb = {0}, text = {0}, tmp = {0};
    for (uint32_t i = 0; i < n_groups; i++)
        write_group(i, ms, &outb, &text, &tmp, rec);
    if (archive_write_close(zip) != ARCHIVE_OK) {
        fprintf(stderr, "gen_corpus: %s: %s\n", out, archive_error_string(zip));
        return 1;
    }
    archive_write_free(zip);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "gen_corpus: %s: %llu messages in %u groups (%u MemoTrace, %u PyWxDump), "
                    "%u employees, %.1f MB of CSV, %.2f s\n",
            out, n_msgs, n_groups, (n_groups + 1) / 2, n_groups / 2, n_emps,
            (double)bytes_raw / 1e6, secs);
    free(ms);
    free(rec);
    free(outb.p);
    free(text.p);
    free(tmp.p);
    for (uint32_t i = 0; i < n_groups; i++)
        free(groups[i].members);
    free(groups);
    free(emps);
    return 0;
}
