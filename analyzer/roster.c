/*
 * roster.c — roster.csv and identity resolution.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "buf.h"
#include "charset.h"
#include "csvrows.h"
#include "roster.h"
#include "timeparse.h"

#define AMBIGUOUS (-2)

/* A string → employee index map (open addressing); AMBIGUOUS when two
 * employees share the key. */
typedef struct smap_slot {
    const char *key; /* borrowed from the roster's own strings */
    int value;
} smap_slot;

typedef struct smap {
    smap_slot *slots;
    size_t cap, count;
} smap;

static int smap_put(smap *m, const char *key, int value)
{
    if (!key || !*key)
        return 0;
    if ((m->count + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        smap_slot *ns = ca_calloc(cap, sizeof *ns);
        if (!ns)
            return -1;
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slots[i].key)
                continue;
            size_t j = ca_hash64(m->slots[i].key, strlen(m->slots[i].key), 0) & (cap - 1);
            while (ns[j].key)
                j = (j + 1) & (cap - 1);
            ns[j] = m->slots[i];
        }
        ca_free(m->slots);
        m->slots = ns;
        m->cap = cap;
    }
    size_t j = ca_hash64(key, strlen(key), 0) & (m->cap - 1);
    while (m->slots[j].key) {
        if (strcmp(m->slots[j].key, key) == 0) {
            if (m->slots[j].value != value)
                m->slots[j].value = AMBIGUOUS;
            return 0;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].key = key;
    m->slots[j].value = value;
    m->count++;
    return 0;
}

/* Index for key, -1 when absent, AMBIGUOUS when shared. */
static int smap_get(const smap *m, const char *key)
{
    if (!m->cap || !key)
        return -1;
    size_t j = ca_hash64(key, strlen(key), 0) & (m->cap - 1);
    while (m->slots[j].key) {
        if (strcmp(m->slots[j].key, key) == 0)
            return m->slots[j].value;
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

struct ca_roster {
    ca_employee *emp;
    size_t n, cap;
    ca_dept_alias *dalias;
    size_t n_dalias;
    char *separators;
    char **depts;       /* distinct departments */
    size_t n_depts;
    char **keys;        /* "department\x1fname" strings owned here */
    size_t n_keys;
    smap by_id, by_wechat, by_dingtalk, by_wecom, by_alias, by_name, by_dept_name;
};

ca_roster *ca_roster_new(void)
{
    ca_roster *r = ca_calloc(1, sizeof *r);
    if (r && !(r->separators = ca_strdup("-_·| /：:"))) {
        ca_free(r);
        return NULL;
    }
    return r;
}

static void free_employee(ca_employee *e)
{
    char **f[] = {&e->id, &e->name, &e->department, &e->level, &e->manager_id,
                  &e->wechat_id, &e->dingtalk_id, &e->wecom_id};
    for (size_t k = 0; k < CA_ARRAY_LEN(f); k++)
        ca_free(*f[k]);
    for (size_t k = 0; k < e->n_aliases; k++)
        ca_free(e->aliases[k]);
    ca_free(e->aliases);
}

void ca_roster_free(ca_roster *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free_employee(&r->emp[i]);
    ca_free(r->emp);
    for (size_t i = 0; i < r->n_dalias; i++) {
        ca_free(r->dalias[i].alias);
        ca_free(r->dalias[i].department);
    }
    ca_free(r->dalias);
    for (size_t i = 0; i < r->n_keys; i++)
        ca_free(r->keys[i]);
    ca_free(r->keys);
    ca_free(r->depts);
    ca_free(r->separators);
    smap *maps[] = {&r->by_id, &r->by_wechat, &r->by_dingtalk, &r->by_wecom,
                    &r->by_alias, &r->by_name, &r->by_dept_name};
    for (size_t k = 0; k < CA_ARRAY_LEN(maps); k++)
        ca_free(maps[k]->slots);
    ca_free(r);
}

size_t ca_roster_count(const ca_roster *r) { return r ? r->n : 0; }
const ca_employee *ca_roster_at(const ca_roster *r, size_t i) { return &r->emp[i]; }

const ca_employee *ca_roster_by_id(const ca_roster *r, const char *id)
{
    int i = r ? smap_get(&r->by_id, id) : -1;
    return i >= 0 ? &r->emp[i] : NULL;
}

int ca_roster_add_dept_alias(ca_roster *r, const char *alias, const char *department)
{
    ca_dept_alias *na = ca_realloc(r->dalias, (r->n_dalias + 1) * sizeof *na);
    if (!na)
        return -1;
    r->dalias = na;
    na[r->n_dalias].alias = ca_strdup(alias);
    na[r->n_dalias].department = ca_strdup(department);
    if (!na[r->n_dalias].alias || !na[r->n_dalias].department) {
        ca_free(na[r->n_dalias].alias);
        ca_free(na[r->n_dalias].department);
        return -1;
    }
    r->n_dalias++;
    return 0;
}

int ca_roster_set_separators(ca_roster *r, const char *seps)
{
    char *s = ca_strdup(seps);
    if (!s)
        return -1;
    ca_free(r->separators);
    r->separators = s;
    return 0;
}

/* ------------------------------------------------------------- loading */

static const char *const cols_en[] = {
    "employee_id", "name", "department", "level", "is_head", "manager_id",
    "hire_date", "leave_date", "wechat_id", "dingtalk_id", "wecom_id", "aliases"};
static const char *const cols_zh[] = {
    "工号", "姓名", "部门", "职级", "部门负责人", "直属上级",
    "入职日期", "离职日期", "微信号", "钉钉ID", "企业微信ID", "别名"};
enum { C_ID, C_NAME, C_DEPT, C_LEVEL, C_HEAD, C_MGR, C_HIRE, C_LEAVE, C_WX, C_DT, C_WC, C_ALIAS,
       C__N };

static const char *const levels[] = {"staff", "supervisor", "manager", "director", "vp", "gm"};
static const char *const levels_zh[] = {"员工", "主管", "经理", "总监", "副总", "总经理"};

/* "YYYY-MM-DD" (also YYYY/M/D) → days; -1 empty; -2 bad. */
static int64_t parse_day(const char *s)
{
    if (!*s)
        return -1;
    int64_t ms;
    if (ca_time_parse(s, strlen(s), 0, &ms, NULL) != 0 || strchr(s, ':'))
        return -2;
    return ms / 86400000;
}

static ca_status add_row(ca_roster *r, const char *path, long line, char **f, size_t nf,
                         const int *col, ca_diag *diag)
{
    const char *v[C__N];
    for (int k = 0; k < C__N; k++)
        v[k] = col[k] >= 0 && (size_t)col[k] < nf ? ca_trim(f[col[k]]) : "";
    if (!*v[C_ID] || !*v[C_NAME]) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, line, "expected an employee_id and a name; row skipped");
        return CA_FAILED;
    }
    if (ca_roster_by_id(r, v[C_ID]) || smap_get(&r->by_id, v[C_ID]) == AMBIGUOUS) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, line, "duplicate employee_id %s; row skipped", v[C_ID]);
        return CA_FAILED;
    }
    const char *level = v[C_LEVEL];
    int lv = -1;
    for (size_t k = 0; k < CA_ARRAY_LEN(levels); k++)
        if (strcmp(level, levels[k]) == 0 || strcmp(level, levels_zh[k]) == 0)
            lv = (int)k;
    if (*level && lv < 0)
        ca_diag_add(diag, CA_DIAG_WARN, path, line,
                    "level: expected staff, supervisor, manager, director, vp or gm, found \"%s\"; "
                    "taken as staff", level);
    const char *h = v[C_HEAD];
    int head;
    if (!*h || !strcmp(h, "no") || !strcmp(h, "否") || !strcmp(h, "0") || !strcmp(h, "false"))
        head = 0;
    else if (!strcmp(h, "yes") || !strcmp(h, "是") || !strcmp(h, "1") || !strcmp(h, "true"))
        head = 1;
    else {
        ca_diag_add(diag, CA_DIAG_ERROR, path, line, "is_head: expected yes or no, found \"%s\"; row skipped", h);
        return CA_FAILED;
    }
    int64_t hire = parse_day(v[C_HIRE]), leave = parse_day(v[C_LEAVE]);
    if (hire == -2 || leave == -2) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, line, "%s: expected a date YYYY-MM-DD, found \"%s\"; row skipped",
                    hire == -2 ? "hire_date" : "leave_date", hire == -2 ? v[C_HIRE] : v[C_LEAVE]);
        return CA_FAILED;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        ca_employee *ne = ca_realloc(r->emp, cap * sizeof *ne);
        if (!ne)
            return CA_FATAL;
        r->emp = ne;
        r->cap = cap;
    }
    ca_employee *e = &r->emp[r->n];
    memset(e, 0, sizeof *e);
    e->id = ca_strdup(v[C_ID]);
    e->name = ca_strdup(v[C_NAME]);
    e->department = ca_strdup(v[C_DEPT]);
    e->level = ca_strdup(lv >= 0 ? levels[lv] : "staff");
    e->manager_id = ca_strdup(v[C_MGR]);
    e->wechat_id = ca_strdup(v[C_WX]);
    e->dingtalk_id = ca_strdup(v[C_DT]);
    e->wecom_id = ca_strdup(v[C_WC]);
    e->is_head = head;
    e->hire_day = hire;
    e->leave_day = leave;
    e->line = line;
    int oom = !e->id || !e->name || !e->department || !e->level || !e->manager_id ||
              !e->wechat_id || !e->dingtalk_id || !e->wecom_id;
    for (const char *p = v[C_ALIAS]; !oom && *p;) {
        /* ';' or the full-width '；' end an alias (not strcspn: the
         * full-width one is three bytes, each of which occurs in others) */
        const char *semi = strchr(p, ';'), *wide = strstr(p, "；");
        const char *stop = semi && (!wide || semi < wide) ? semi : wide;
        size_t n = stop ? (size_t)(stop - p) : strlen(p);
        char *a = ca_strndup(p, n);
        char **na = a ? ca_realloc(e->aliases, (e->n_aliases + 1) * sizeof *na) : NULL;
        if (!na) {
            ca_free(a);
            oom = 1;
            break;
        }
        e->aliases = na;
        char *t = ca_trim(a);
        memmove(a, t, strlen(t) + 1);
        if (*a)
            e->aliases[e->n_aliases++] = a;
        else
            ca_free(a);
        p += n;
        if (*p == ';')
            p++;
        else if (*p)
            p += strlen("；");
    }
    r->n++; /* owned now, freed with the roster even when incomplete */
    if (oom || smap_put(&r->by_id, e->id, (int)(r->n - 1)) < 0)
        return CA_FATAL;
    return CA_OK;
}

ca_status ca_roster_load(ca_roster *r, const char *path, ca_diag *diag)
{
    size_t len;
    char *text = ca_read_text(path, &len);
    if (!text) {
        if (errno == ENOENT)
            return CA_EOF;
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return errno == ENOMEM ? CA_FATAL : CA_FAILED;
    }
    ca_csv *csv = ca_csv_open(text, len, 1 << 16);
    if (!csv) {
        ca_free(text);
        return CA_FATAL;
    }
    char **f;
    size_t *fl, nf;
    long line;
    int col[C__N], have_header = 0;
    ca_status st = CA_OK, rs;
    while ((rs = ca_csv_next(csv, &f, &fl, &nf, &line)) != CA_EOF) {
        if (rs == CA_FATAL) {
            st = CA_FATAL;
            break;
        }
        if (rs == CA_FAILED) {
            ca_diag_add(diag, CA_DIAG_ERROR, path, line, "%s; row skipped", ca_csv_errmsg(csv));
            st = CA_FAILED;
            continue;
        }
        if (!have_header) {
            have_header = 1;
            for (int k = 0; k < C__N; k++) {
                col[k] = -1;
                for (size_t i = 0; i < nf; i++) {
                    const char *hname = ca_trim(f[i]);
                    if (!strcmp(hname, cols_en[k]) || !strcmp(hname, cols_zh[k]))
                        col[k] = (int)i;
                }
            }
            if (col[C_ID] < 0 || col[C_NAME] < 0) {
                ca_diag_add(diag, CA_DIAG_ERROR, path, line,
                            "expected a header with employee_id (工号) and name (姓名) columns");
                st = CA_FAILED;
                break;
            }
            continue;
        }
        ca_status a = add_row(r, path, line, f, nf, col, diag);
        if (a == CA_FATAL) {
            st = CA_FATAL;
            break;
        }
        if (a != CA_OK && st == CA_OK)
            st = CA_FAILED;
    }
    ca_csv_close(csv);
    ca_free(text);
    return st;
}

/* ------------------------------------------------------------ indexing */

static const char *dept_of_alias(const ca_roster *r, const char *d, size_t n)
{
    for (size_t i = 0; i < r->n_depts; i++)
        if (strlen(r->depts[i]) == n && memcmp(r->depts[i], d, n) == 0)
            return r->depts[i];
    for (size_t i = 0; i < r->n_dalias; i++)
        if (strlen(r->dalias[i].alias) == n && memcmp(r->dalias[i].alias, d, n) == 0)
            return r->dalias[i].department;
    return NULL;
}

int ca_roster_index(ca_roster *r)
{
    /* (re)build from scratch: an index may be asked for again after more
     * rows or aliases were added */
    for (size_t i = 0; i < r->n_keys; i++)
        ca_free(r->keys[i]);
    ca_free(r->keys);
    ca_free(r->depts);
    r->keys = NULL;
    r->depts = NULL;
    r->n_keys = r->n_depts = 0;
    smap *maps[] = {&r->by_wechat, &r->by_dingtalk, &r->by_wecom, &r->by_alias, &r->by_name,
                    &r->by_dept_name};
    for (size_t k = 0; k < CA_ARRAY_LEN(maps); k++) {
        ca_free(maps[k]->slots);
        memset(maps[k], 0, sizeof *maps[k]);
    }
    r->depts = ca_calloc(r->n ? r->n : 1, sizeof *r->depts);
    r->keys = ca_calloc(r->n ? r->n : 1, sizeof *r->keys);
    if (!r->depts || !r->keys)
        return -1;
    for (size_t i = 0; i < r->n; i++) {
        ca_employee *e = &r->emp[i];
        int v = (int)i;
        if (smap_put(&r->by_wechat, e->wechat_id, v) < 0 ||
            smap_put(&r->by_dingtalk, e->dingtalk_id, v) < 0 ||
            smap_put(&r->by_wecom, e->wecom_id, v) < 0 || smap_put(&r->by_name, e->name, v) < 0)
            return -1;
        for (size_t k = 0; k < e->n_aliases; k++)
            if (smap_put(&r->by_alias, e->aliases[k], v) < 0)
                return -1;
        ca_buf b = CA_BUF_INIT;
        ca_buf_printf(&b, "%s\x1f%s", e->department, e->name);
        char *key = ca_buf_detach(&b);
        if (!key)
            return -1;
        r->keys[r->n_keys++] = key;
        if (smap_put(&r->by_dept_name, key, v) < 0)
            return -1;
        size_t d;
        for (d = 0; d < r->n_depts; d++)
            if (strcmp(r->depts[d], e->department) == 0)
                break;
        if (d == r->n_depts && *e->department)
            r->depts[r->n_depts++] = e->department;
    }
    return 0;
}

/* "研发部-张三", "研发-张三", "研发部 张三", "研发部张三": department (or an
 * alias) first, then at most one separator, then a roster name of that
 * department.  The index or -1 / AMBIGUOUS. */
static int resolve_dept_name(const ca_roster *r, const char *name)
{
    int found = -1;
    size_t len = strlen(name);
    /* try every prefix that ends on a character boundary */
    for (size_t cut = 1; cut < len; cut++) {
        if (((unsigned char)name[cut] & 0xC0) == 0x80)
            continue;
        const char *dept = dept_of_alias(r, name, cut);
        if (!dept)
            continue;
        const char *rest = name + cut;
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) { /* skip one separator character */
                const char *q = rest;
                ca_utf8_next(&q, name + len);
                size_t sl = (size_t)(q - rest);
                char sep[8];
                if (sl >= sizeof sep)
                    break;
                memcpy(sep, rest, sl);
                sep[sl] = '\0';
                if (!strstr(r->separators, sep))
                    break;
                rest = q;
            }
            if (!*rest)
                continue;
            ca_buf b = CA_BUF_INIT;
            ca_buf_printf(&b, "%s\x1f%s", dept, rest);
            int i = b.oom ? -1 : smap_get(&r->by_dept_name, ca_buf_cstr(&b));
            ca_buf_free(&b);
            if (i == AMBIGUOUS)
                return AMBIGUOUS;
            if (i >= 0) {
                if (found >= 0 && found != i)
                    return AMBIGUOUS;
                found = i;
            }
        }
    }
    return found;
}

const ca_employee *ca_roster_resolve(const ca_roster *r, const char *platform, const char *id,
                                     const char *name)
{
    if (!r || !r->n)
        return NULL;
    int i = -1;
    if (id) {
        const smap *m = !platform ? NULL
                        : !strcmp(platform, "wechat")   ? &r->by_wechat
                        : !strcmp(platform, "dingtalk") ? &r->by_dingtalk
                        : !strcmp(platform, "wecom")    ? &r->by_wecom
                                                        : NULL;
        i = m ? smap_get(m, id) : -1;
        if (i == -1)
            i = smap_get(&r->by_alias, id);
    }
    if (i == -1 && name)
        i = smap_get(&r->by_alias, name);
    if (i == -1 && name)
        i = resolve_dept_name(r, name);
    if (i == -1 && name)
        i = smap_get(&r->by_name, name);
    return i >= 0 ? &r->emp[i] : NULL;
}
