/* Roster loading, identity resolution (SPEC §5) and de-duplication across
 * exports by content (SPEC §3). */
#include <time.h>
#include <unistd.h>
#include "check.h"
#include "import_helper.h"
#include "roster.h"

static char dir[256];

/* Writes a configuration folder with the given roster; returns its path. */
static const char *config_with(const char *roster)
{
    snprintf(dir, sizeof dir, "/tmp/ca-identity-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    char p[300];
    snprintf(p, sizeof p, "%s/roster.csv", dir);
    FILE *f = fopen(p, "w");
    fputs(roster, f);
    fclose(f);
    snprintf(p, sizeof p, "%s/policy.ini", dir);
    f = fopen(p, "w");
    fputs("[nickname]\ndepartment_aliases = 研发=研发部;销售=销售部\n", f);
    fclose(f);
    return dir;
}

static void cleanup(void)
{
    char p[300];
    snprintf(p, sizeof p, "%s/roster.csv", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/policy.ini", dir);
    unlink(p);
    rmdir(dir);
}

static const char ROSTER[] =
    "工号,姓名,部门,职级,部门负责人,直属上级,入职日期,离职日期,微信号,钉钉ID,企业微信ID,别名\n"
    "E1,张三,研发部,manager,是,,2020-01-01,,wxid_zs,dt_zs,ZhangSan,老张;zs_old\n"
    "E2,王伟,研发部,staff,否,E1,2021-01-01,,wxid_ww1,,,\n"
    "E3,王伟,销售部,staff,否,E4,2022-01-01,,wxid_ww2,,,\n"
    "E4,李四,销售部,manager,是,,2019-01-01,2026-10-31,wxid_ls,,,\n";

typedef struct loaded {
    ca_config cfg;
    ca_diag *diag;
    ca_status st;
} loaded;

static loaded *load(const char *roster)
{
    loaded *l = calloc(1, sizeof *l);
    ca_config_defaults(&l->cfg);
    l->diag = ca_diag_new(0);
    l->st = ca_config_load(&l->cfg, config_with(roster), 1, l->diag);
    cleanup();
    return l;
}

static void unload(loaded *l)
{
    ca_config_free(&l->cfg);
    ca_diag_free(l->diag);
    free(l);
}

static const char *who(loaded *l, const char *platform, const char *id, const char *name)
{
    const ca_employee *e = ca_roster_resolve(l->cfg.roster, platform, id, name);
    return e ? e->id : NULL;
}

TEST(roster_chinese_headers)
{
    loaded *l = load(ROSTER);
    CHECK_INT(l->st, CA_OK);
    CHECK_INT(ca_roster_count(l->cfg.roster), 4);
    const ca_employee *e = ca_roster_by_id(l->cfg.roster, "E1");
    CHECK(e && e->is_head);
    CHECK_STR(e ? e->level : NULL, "manager");
    CHECK_INT(e ? e->n_aliases : 0, 2);
    const ca_employee *li = ca_roster_by_id(l->cfg.roster, "E4");
    CHECK(li && li->leave_day > 0);
    unload(l);
}

TEST(roster_bad_rows_reported)
{
    loaded *l = load("employee_id,name,department,is_head,hire_date\n"
                     "E1,张三,研发部,yes,2020-01-01\n"
                     "E1,李四,研发部,no,2020-01-01\n"
                     "E2,王五,研发部,maybe,2020-01-01\n"
                     "E3,赵六,研发部,no,2020-13-01\n"
                     ",无名,研发部,no,\n");
    CHECK_INT(l->st, CA_FAILED);
    CHECK_INT(ca_roster_count(l->cfg.roster), 1);
    CHECK_INT(ca_diag_len(l->diag), 4);
    CHECK_STR(ca_diag_at(l->diag, 0)->msg, "duplicate employee_id E1; row skipped");
    CHECK_INT(ca_diag_at(l->diag, 0)->line, 3);
    CHECK_STR(ca_diag_at(l->diag, 1)->msg, "is_head: expected yes or no, found \"maybe\"; row skipped");
    CHECK_STR(ca_diag_at(l->diag, 2)->msg, "hire_date: expected a date YYYY-MM-DD, found \"2020-13-01\"; row skipped");
    CHECK_STR(ca_diag_at(l->diag, 3)->msg, "expected an employee_id and a name; row skipped");
    unload(l);
}

TEST(resolve_order)
{
    loaded *l = load(ROSTER);
    /* platform id, per platform */
    CHECK_STR(who(l, "wechat", "wxid_zs", "whatever"), "E1");
    CHECK_STR(who(l, "dingtalk", "dt_zs", NULL), "E1");
    CHECK_STR(who(l, "wecom", "ZhangSan", NULL), "E1");
    CHECK(who(l, "wecom", "wxid_zs", NULL) == NULL); /* a WeChat id on WeCom */
    /* alias: another name or an old account */
    CHECK_STR(who(l, "wechat", "zs_old", NULL), "E1");
    CHECK_STR(who(l, "wechat", NULL, "老张"), "E1");
    /* department + name, with a department alias and separators */
    CHECK_STR(who(l, "wechat", NULL, "研发部-张三"), "E1");
    CHECK_STR(who(l, "wechat", NULL, "研发·张三"), "E1");
    CHECK_STR(who(l, "wechat", NULL, "研发部张三"), "E1");
    CHECK_STR(who(l, "wechat", NULL, "销售 王伟"), "E3");
    CHECK_STR(who(l, "wechat", NULL, "研发部_王伟"), "E2");
    /* the name alone */
    CHECK_STR(who(l, "wechat", NULL, "李四"), "E4");
    /* two people of that name: unresolved */
    CHECK(who(l, "wechat", NULL, "王伟") == NULL);
    /* someone else entirely */
    CHECK(who(l, "wechat", "wxid_stranger", "客户甲") == NULL);
    CHECK(who(l, "wechat", NULL, "财务部-张三") == NULL);
    unload(l);
}

/* ---- through the importer ---- */

/* Imports the texts as the files paths with a configuration holding the
 * roster (run and helpers: import_helper.h). */
static run *import_files(const char *roster, const char *const *paths, const char *const *texts,
                         int n)
{
    run *r = run_new(config_with(roster), NULL);
    cleanup();
    for (int i = 0; i < n; i++)
        ca_import_buffer(r->imp, paths[i], (const unsigned char *)texts[i], strlen(texts[i]));
    ca_import_finish(r->imp);
    return r;
}

TEST(import_fills_employee_mentions_and_targets)
{
    const char *paths[] = {"g_0_3.csv"};
    const char *texts[] = {
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,11,文本,0,wxid_zs,g@chatroom,@销售部-李四\xE2\x80\x85@王伟 看一下,,2026-11-03 09:00:00\n"
        "2,12,系统通知,0,wxid_zs,g@chatroom,\"\"\"研发部-张三\"\"邀请\"\"客户甲、研发-王伟\"\"加入了群聊\",,2026-11-03 09:01:00\n"
        "3,13,文本,0,wxid_stranger,g@chatroom,你好,,2026-11-03 09:02:00\n"};
    run *r = import_files(ROSTER, paths, texts, 1);
    CHECK_INT(nev(r), 3);
    CHECK_STR(ev(r, 0)->employee, "E1");
    CHECK_INT(ev(r, 0)->n_mentions, 2);
    CHECK_STR(ev(r, 0)->mention_ids[0], "E4");
    CHECK(ev(r, 0)->mention_ids[1] == NULL); /* 王伟: two of them */
    CHECK_STR(ev(r, 1)->actor_employee, "E1");
    CHECK(ev(r, 1)->target_employees[0] == NULL); /* an outsider */
    CHECK_STR(ev(r, 1)->target_employees[1], "E2");
    CHECK(ev(r, 2)->employee == NULL);
    run_free(r);
}

TEST(renamed_member_is_one_person)
{
    /* a display-name export: the member renames from 张三 to 研发-张三 */
    const char *paths[] = {"研发部群.csv"};
    const char *texts[] = {
        "id,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime\n"
        "1,21,text,0,张三,早,,2026-11-03T01:00:00Z\n"
        "2,22,text,0,研发-张三,改好名字了,,2026-11-03T01:05:00Z\n"};
    run *r = import_files(ROSTER, paths, texts, 1);
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 0)->employee, "E1");
    CHECK_STR(ev(r, 1)->employee, "E1");
    run_free(r);
}

TEST(dedup_across_formats_by_content)
{
    /* the same group exported by MemoTrace v1 (no message ids, wxids) and
     * by WeClone (ids, display names, UTC times), overlapping one hour */
    const char *paths[] = {"g_utf8.csv", "g.csv"};
    const char *texts[] = {
        "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
        "1,5,1,0,0,1762131600,2,周报今天交吗？,2025-11-03 09:00:00,,张三,wxid_zs\n"
        "2,5,1,0,0,1762131660,2,好的,2025-11-03 09:01:00,,李四,wxid_ls\n"
        "3,5,1,0,0,1762131661,2,好的,2025-11-03 09:01:01,,李四,wxid_ls\n"
        "4,5,3,0,0,1762131720,2,<msg><img/></msg>,2025-11-03 09:02:00,,李四,wxid_ls\n",
        "id,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime\n"
        "1,31,text,0,研发部-张三,周报今天交吗？,,2025-11-03T01:00:00.000Z\n"
        "2,32,text,0,销售部-李四,好的,,2025-11-03T01:01:00.000Z\n"
        "3,33,image,0,销售部-李四,[图片],a.jpg,2025-11-03T01:02:00.000Z\n"
        "4,34,text,0,销售部-李四,下午见,,2025-11-03T01:03:00.000Z\n"};
    run *r = import_files(ROSTER, paths, texts, 2);
    /* 周报, 好的, 好的 (said twice in MemoTrace), image, 下午见 */
    CHECK_INT(nev(r), 5);
    CHECK_STR(ev(r, 0)->text, "周报今天交吗？");
    CHECK_STR(ev(r, 1)->text, "好的");
    CHECK_STR(ev(r, 2)->text, "好的");
    CHECK_STR(ca_type_name(ev(r, 3)->type), "image");
    CHECK_STR(ev(r, 4)->text, "下午见");
    const ca_file_stats *a = ca_import_file(r->imp, 0), *b = ca_import_file(r->imp, 1);
    CHECK_INT(a->duplicates + b->duplicates, 3);
    run_free(r);
}

TEST(two_ids_differ_means_two_messages)
{
    const char *paths[] = {"a_0_1.csv", "b_0_1.csv"};
    const char *texts[] = {
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,41,文本,0,wxid_zs,g@chatroom,收到,,2026-11-03 09:00:00\n",
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,42,文本,0,wxid_zs,g@chatroom,收到,,2026-11-03 09:00:00\n"};
    run *r = import_files(ROSTER, paths, texts, 2);
    CHECK_INT(nev(r), 2); /* both carry ids, and the ids differ */
    run_free(r);
}

/* The same message in two exports by id: the exporter's own row names no
 * one ("我"), the other export names the sender.  The copy kept must carry
 * the resolved sender, or the finding loses its responsible person. */
TEST(duplicate_by_id_keeps_the_resolved_sender)
{
    const char *paths[] = {"a_0_1.csv", "b_0_1.csv"};
    const char *texts[] = {
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,51,文本,1,,g@chatroom,周报今天交,,2026-11-03 09:00:00\n",
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,51,文本,0,wxid_zs,g@chatroom,周报今天交,,2026-11-03 09:00:00\n"};
    run *r = import_files(ROSTER, paths, texts, 2);
    CHECK_INT(nev(r), 1);
    CHECK_STR(ev(r, 0)->employee, "E1");
    CHECK_STR(ev(r, 0)->sender, "wxid_zs");
    run_free(r);
}

/* ---- de-duplication on threads: the same kept events, the same
 * identities taken over and the same duplicate counts per file at 1, 2, 3
 * and 8 threads, over enough events (11 520) for ca_import_finish to use
 * its threads.  Each of 48 groups has two PyWxDump exports overlapping by
 * half (copies by message id, the exporter's own rows "我" in the first
 * file resolved from the second; rows with MsgSvrID 0, copies by content)
 * and a MemoTrace export with wxids meeting a WeClone export with display
 * names (copies by content, through the resolved employee). */

#define DEDUP_GROUPS 48

/* Appends the files of group k to paths/texts (malloc'd texts). */
static void dedup_group(int k, char **paths, char **texts, int *n)
{
    for (int file = 0; file < 2; file++) { /* PyWxDump: rows 0..99, then 50..149 */
        char *t = malloc(1 << 16), *p = t;
        p += sprintf(p, "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n");
        for (int i = file * 50; i < file * 50 + 100; i++) {
            int self = file == 0 && i % 7 == 0 && i % 10 != 3;
            int s = 37 * i % 3600; /* out of time order within the file */
            p += sprintf(p, "%d,%d,文本,%d,%s,%d@chatroom,第%d组 第%d条,,2026-11-%02d %02d:%02d:%02d\n",
                         i + 1, i % 10 == 3 ? 0 : k * 1000 + i + 1, self,
                         self ? "" : i % 7 == 0 || i % 2 ? "wxid_zs" : "wxid_ww1", 9000 + k, k, i,
                         3 + k % 20, 9 + s / 3600, s / 60 % 60, s % 60);
        }
        paths[*n] = malloc(32);
        snprintf(paths[*n], 32, "%c%02d_0_100.csv", 'a' + file, k);
        texts[(*n)++] = t;
    }
    /* MemoTrace v1 (no ids, wxids, rows 0..19) and WeClone (ids, display
     * names, UTC, rows 5..24) */
    char *mt = malloc(1 << 14), *we = malloc(1 << 14), *pm = mt, *pw = we;
    pm += sprintf(pm, "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,"
                      "Remark,NickName,Sender\n");
    pw += sprintf(pw, "id,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime\n");
    for (int i = 0; i < 25; i++) {
        long at = 1762131600L + k * 3600L + i * 60L;
        int zs = i % 3 != 0;
        struct tm tm;
        time_t local = (time_t)(at + 8 * 3600), utc = (time_t)at;
        char lt[32], ut[32];
        strftime(lt, sizeof lt, "%Y-%m-%d %H:%M:%S", gmtime_r(&local, &tm));
        strftime(ut, sizeof ut, "%Y-%m-%dT%H:%M:%S.000Z", gmtime_r(&utc, &tm));
        if (i < 20)
            pm += sprintf(pm, "%d,5,1,0,0,%ld,2,组%d 话%d,%s,,%s,%s\n", i + 1, at, k, i, lt,
                          zs ? "张三" : "李四", zs ? "wxid_zs" : "wxid_ls");
        if (i >= 5)
            pw += sprintf(pw, "%d,%d,text,0,%s,组%d 话%d,,%s\n", i + 1, k * 100 + i,
                          zs ? "研发部-张三" : "销售部-李四", k, i, ut);
    }
    paths[*n] = malloc(32);
    snprintf(paths[*n], 32, "g%02d_utf8.csv", k);
    texts[(*n)++] = mt;
    paths[*n] = malloc(32);
    snprintf(paths[*n], 32, "g%02d.csv", k);
    texts[(*n)++] = we;
}

/* The kept events (NDJSON) and each file's record, as one string. */
static char *dedup_dump_as(char *const *paths, char *const *texts, int n, int threads, int spill,
                           size_t *events, size_t *dups)
{
    run *r = run_new(config_with(ROSTER), NULL);
    cleanup();
    ca_import_set_threads(r->imp, threads);
    if (spill)
    {
        char err[CA_SPILL_ERRMAX];
        CHECK_INT(ca_import_set_spill(r->imp, NULL, err), CA_OK);
    }
    for (int i = 0; i < n; i++)
        ca_import_buffer(r->imp, paths[i], (const unsigned char *)texts[i], strlen(texts[i]));
    CHECK_INT(ca_import_finish(r->imp), CA_OK);
    char *out = NULL;
    size_t len = 0;
    if (spill) { /* read every conversation once before: counted once all the same */
        FILE *null = fopen("/dev/null", "w");
        CHECK_INT(ca_import_write_ndjson(r->imp, null), 0);
        fclose(null);
    }
    FILE *f = open_memstream(&out, &len);
    CHECK_INT(ca_import_write_ndjson(r->imp, f), 0);
    *events = nev(r);
    *dups = 0;
    for (size_t i = 0; i < ca_import_nfiles(r->imp); i++) {
        const ca_file_stats *fs = ca_import_file(r->imp, i);
        fprintf(f, "file %s %zu %zu\n", fs->path, fs->events[CA_KIND_MESSAGE], fs->duplicates);
        *dups += fs->duplicates;
    }
    fclose(f);
    run_free(r);
    return out;
}

static char *dedup_dump(char *const *paths, char *const *texts, int n, int threads, size_t *events,
                        size_t *dups)
{
    return dedup_dump_as(paths, texts, n, threads, 0, events, dups);
}

/* Spilled, the events are read back a conversation at a time and the
 * de-duplication, identity and quote links happen then: the same events
 * and the same duplicate counts per file, at any number of threads. */
TEST(dedup_spilled_same_result)
{
    static char *paths[DEDUP_GROUPS * 4], *texts[DEDUP_GROUPS * 4];
    int n = 0;
    for (int k = 0; k < DEDUP_GROUPS; k++)
        dedup_group(k, paths, texts, &n);
    size_t events, dups, e2, d2;
    char *mem = dedup_dump(paths, texts, n, 1, &events, &dups);
    for (int t = 1; t <= 3; t += 2) {
        char *sp = dedup_dump_as(paths, texts, n, t, 1, &e2, &d2);
        CHECK_INT(e2, events + dups); /* before the de-duplication */
        CHECK_INT(d2, dups);          /* counted as the conversations were read */
        CHECK(strcmp(mem, sp) == 0);
        free(sp);
    }
    free(mem);
    for (int i = 0; i < n; i++) {
        free(paths[i]);
        free(texts[i]);
    }
}

/* One entry that interleaves many conversations (a WeCom archive: every
 * chat of the company in one file), one of them longer than a segment:
 * spilled, each conversation's events come back in entry order, split
 * into segments of at most 1 024, with the same events and duplicate
 * counts (an overlapping second archive) as in memory. */
static char *wecom_interleaved(int from, int to)
{
    size_t cap = (size_t)(to - from) * 220 + 1, len = 0;
    char *t = malloc(cap);
    CHECK(t != NULL);
    for (int i = from; i < to; i++) {
        int room = i % 3 == 0 ? 0 : 1 + (i * 7919) % 400; /* room 0: every third */
        len += (size_t)snprintf(t + len, cap - len,
                                "{\"msgid\":\"m%06d\",\"action\":\"send\",\"from\":\"u%03d\","
                                "\"tolist\":[\"u%03d\"],\"roomid\":\"wr%03d\",\"msgtime\":%lld,"
                                "\"msgtype\":\"text\",\"text\":{\"content\":\"第%d条\"}}\n",
                                i, i % 37, (i + 1) % 37, room, 1762131600000LL + (i / 4) * 1000LL, i);
        CHECK(len < cap);
    }
    return t;
}

TEST(spilled_interleaved_conversations_same_result)
{
    char *paths[2] = {"a/chatdata.jsonl", "b/chatdata.jsonl"};
    char *texts[2] = {wecom_interleaved(0, 6000), wecom_interleaved(4000, 9000)};
    size_t events, dups, e2, d2;
    char *mem = dedup_dump(paths, texts, 2, 1, &events, &dups);
    CHECK_INT(events, 9000);
    CHECK_INT(dups, 2000);
    for (int t = 1; t <= 3; t += 2) {
        char *sp = dedup_dump_as(paths, texts, 2, t, 1, &e2, &d2);
        CHECK_INT(e2, events + dups);
        CHECK_INT(d2, dups);
        CHECK(strcmp(mem, sp) == 0);
        free(sp);
    }
    free(mem);
    free(texts[0]);
    free(texts[1]);
}

TEST(dedup_threads_same_result)
{
    static char *paths[DEDUP_GROUPS * 4], *texts[DEDUP_GROUPS * 4];
    int n = 0;
    for (int k = 0; k < DEDUP_GROUPS; k++)
        dedup_group(k, paths, texts, &n);
    size_t events, dups;
    char *one = dedup_dump(paths, texts, n, 1, &events, &dups);
    /* per group: 150 + 25 kept, 50 copies by id or by content in the
     * second PyWxDump file, 15 by content in the MemoTrace file */
    CHECK_INT(events, DEDUP_GROUPS * 175);
    CHECK_INT(dups, DEDUP_GROUPS * 65);
    CHECK(events + dups >= 10000); /* ca_import_finish's threshold for threads */
    CHECK(strstr(one, "\nfile b07_0_100.csv 100 50\n") != NULL);
    CHECK(strstr(one, "\nfile g07_utf8.csv 20 15\n") != NULL);
    CHECK(strstr(one, "\nfile g07.csv 20 0\n") != NULL);
    /* the exporter's own row 56 of a07, kept, took the sender of b07's copy */
    CHECK(strstr(one, "\"sender\":\"wxid_zs\",\"sender_name\":null,\"employee\":\"E1\","
                      "\"text\":\"第7组 第56条\",\"mentions\":[],\"mention_ids\":[],"
                      "\"reply_to\":null,\"url\":null,\"title\":null,\"actor\":null,"
                      "\"targets\":[],\"src\":\"a07_0_100.csv:58\"") != NULL);
    /* row 49 has no copy: still the exporter's own, unresolved */
    CHECK(strstr(one, "\"sender\":null,\"sender_name\":\"我\",\"employee\":null,"
                      "\"text\":\"第7组 第49条\"") != NULL);
    for (int t = 2; t <= 8; t = t == 3 ? 8 : t + 1) {
        size_t e2, d2;
        char *many = dedup_dump(paths, texts, n, t, &e2, &d2);
        CHECK_INT(e2, events);
        CHECK_INT(d2, dups);
        CHECK(strcmp(one, many) == 0);
        free(many);
    }
    free(one);
    for (int i = 0; i < n; i++) {
        free(paths[i]);
        free(texts[i]);
    }
}

TEST_MAIN()
