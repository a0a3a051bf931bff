/* Out-of-memory paths: every allocation of an import, failed in turn, must
 * end in a clean error (CA_FATAL or a skipped record), never a crash or a
 * leak (the sanitizer build checks both). */
#include "check.h"
#include "importer.h"
#include "spill.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* Imports the file (and, with copy, the same bytes again as another
 * export of the same groups: every event a duplicate) with the n-th
 * allocation failing. */
static int spilled; /* the import spills (ca_import_set_spill), as run does */

static void import_with_failure(const char *path, const unsigned char *data, size_t len, int copy,
                                long n)
{
    ca_config cfg;
    ca_limits lim;
    ca_config_defaults(&cfg);
    ca_limits_default(&lim);
    ca_alloc_fail_after(0);
    ca_diag *diag = ca_diag_new(0);
    ca_alloc_fail_after(n);
    ca_import *imp = ca_import_new(&cfg, &lim, NULL, diag);
    char err[CA_SPILL_ERRMAX];
    if (imp && spilled && ca_import_set_spill(imp, NULL, err) != CA_OK) {
        ca_import_free(imp);
        imp = NULL;
    }
    if (imp) {
        ca_status st = ca_import_buffer(imp, path, data, len);
        char again[1100];
        snprintf(again, sizeof again, "copy/%s", path);
        if (copy && st != CA_FATAL)
            st = ca_import_buffer(imp, again, data, len);
        if (st != CA_FATAL && ca_import_finish(imp) == CA_OK) {
            FILE *f = fopen("/dev/null", "w");
            ca_import_write_ndjson(imp, f);
            fclose(f);
        }
    }
    ca_import_free(imp);
    ca_alloc_fail_after(0);
    ca_diag_free(diag);
    ca_config_free(&cfg);
}

static void sweep_copies(const char *rel, int copy)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CA_SOURCE_DIR, rel);
    size_t len = 0;
    const char *data = slurp(path, &len);
    CHECK(data != NULL);
    if (!data)
        return;
    /* count the allocations of a clean run, then fail each in turn */
    ca_alloc_fail_after(0);
    long before = ca_alloc_count();
    import_with_failure(rel, (const unsigned char *)data, len, copy, 0);
    long total = ca_alloc_count() - before;
    CHECK(total > 10);
    for (long n = 1; n <= total + 1; n++)
        import_with_failure(rel, (const unsigned char *)data, len, copy, n);
}

static void sweep(const char *rel)
{
    sweep_copies(rel, 0);
}

TEST(oom_pywxdump)
{
    sweep("tests/golden/pywxdump-csv/in/wxid_admin_0_8.csv");
}

TEST(oom_memotrace)
{
    sweep("tests/golden/memotrace-csv/in/研发部群_utf8.csv");
}

TEST(oom_memotrace2)
{
    sweep("tests/golden/memotrace2-csv/in/聊天记录/销售部群(20839284722@chatroom)/销售部群.csv");
}

TEST(oom_chatlog)
{
    sweep("tests/golden/chatlog-csv/in/chatlog_项目A.csv");
}

TEST(oom_duplicates)
{
    /* the de-duplication's allocations: copies by id and by content */
    sweep_copies("tests/golden/pywxdump-csv/in/wxid_admin_0_8.csv", 1);
    sweep_copies("tests/golden/memotrace-csv/in/研发部群_utf8.csv", 1);
}

TEST(oom_spilled)
{
    /* spilled: each entry's arena, its segments, the read back (identity,
     * de-duplication) a conversation at a time; an entry of many
     * conversations (WeCom) */
    spilled = 1;
    sweep_copies("tests/golden/memotrace-csv/in/研发部群_utf8.csv", 1);
    sweep("tests/golden/wecom-archive/in/chatdata.jsonl");
    spilled = 0;
}

TEST(oom_config_load)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/golden/config", CA_SOURCE_DIR);
    for (long n = 1; n < 200; n++) {
        ca_config cfg;
        ca_config_defaults(&cfg);
        ca_diag *diag = ca_diag_new(0);
        ca_alloc_fail_after(n);
        ca_status st = ca_config_load(&cfg, dir, 1, diag);
        ca_alloc_fail_after(0);
        if (st == CA_OK) /* a complete load: the lookup must work */
            CHECK(ca_config_group(&cfg, "wechat", "研发部群") != NULL);
        ca_config_free(&cfg);
        ca_diag_free(diag);
    }
}

TEST_MAIN()
