/*
 * config.c — policy.ini and groups.csv (the parts the importer needs).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "buf.h"
#include "charset.h"
#include "config.h"
#include "csvrows.h"
#include "timeparse.h"

void ca_config_defaults(ca_config *c)
{
    memset(c, 0, sizeof *c);
    c->tz_offset_min = 480;
    if (ca_policy_defaults(&c->policy) < 0)
        ca_policy_free(&c->policy); /* out of memory: empty strings stay NULL */
    /* an empty roster until one is loaded (NULL only when out of memory) */
    c->roster = ca_roster_new();
    if (c->roster)
        ca_roster_index(c->roster);
}

void ca_config_free(ca_config *c)
{
    for (size_t i = 0; i < c->n_groups; i++) {
        ca_group_reg *g = &c->groups[i];
        char **f[] = {&g->platform, &g->group_id, &g->name, &g->category, &g->department,
                      &g->owner_id, &g->admins, &g->created_by, &g->authorized_by};
        for (size_t k = 0; k < CA_ARRAY_LEN(f); k++)
            ca_free(*f[k]);
    }
    ca_free(c->groups);
    for (size_t i = 0; i < c->n_holidays; i++)
        ca_free(c->holidays[i].name);
    ca_free(c->holidays);
    ca_policy_free(&c->policy);
    ca_roster_free(c->roster);
    ca_free(c->dir);
    ca_free(c->company_name);
    memset(c, 0, sizeof *c);
}

/* Reads a whole file, decoded to UTF-8.  NULL (errno set) on failure. */
static char *join_path(const char *dir, const char *file)
{
    if (file[0] == '/')
        return ca_strdup(file);
    ca_buf b = CA_BUF_INIT;
    ca_buf_printf(&b, "%s/%s", dir, file);
    return ca_buf_detach(&b);
}

static const char *const group_cols[] = {
    "platform", "group_id", "name", "category", "department",
    "owner_id", "admins", "created_by", "authorized_by"};
static const char *const group_cols_zh[] = {
    "平台", "群ID", "群名", "类别", "部门", "群主", "管理员", "创建人", "授权人"};

/* Reads a configuration file into a new buffer.  NULL when it cannot be
 * read, with *st CA_OK when it is absent and not required, else CA_FAILED
 * and the problem reported (need: why the file is required). */
static char *read_config_file(const char *path, int required, const char *need, size_t *len,
                              ca_status *st, ca_diag *diag)
{
    char *text = ca_read_text(path, len);
    *st = CA_OK;
    if (text || (errno == ENOENT && !required))
        return text;
    *st = CA_FAILED;
    if (errno == ENOENT)
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "cannot open: %s (%s)", strerror(ENOENT), need);
    else
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
    return NULL;
}

/* required: a missing file or one without group rows is an error (run,
 * check); import reads groups.csv only when it is there. */
static ca_status load_groups(ca_config *c, const char *path, int required, ca_diag *diag)
{
    size_t len;
    ca_status rst;
    char *text = read_config_file(path, required, "the register of the company's groups is "
                                  "required: [files] groups", &len, &rst, diag);
    if (!text)
        return rst; /* absent and optional (import): CA_OK */
    ca_csv *csv = ca_csv_open(text, len, 1 << 20);
    if (!csv) {
        ca_free(text);
        return CA_FATAL;
    }
    char **f;
    size_t *fl, nf;
    long line;
    int col[CA_ARRAY_LEN(group_cols)];
    int have_header = 0;
    ca_status st = CA_OK, r;
    while ((r = ca_csv_next(csv, &f, &fl, &nf, &line)) != CA_EOF) {
        if (r == CA_FATAL) {
            st = CA_FATAL;
            break;
        }
        if (r == CA_FAILED) {
            ca_diag_add(diag, CA_DIAG_ERROR, path, line, "%s", ca_csv_errmsg(csv));
            st = CA_FAILED;
            continue;
        }
        if (!have_header) {
            for (size_t k = 0; k < CA_ARRAY_LEN(group_cols); k++) {
                col[k] = -1;
                for (size_t i = 0; i < nf; i++) {
                    const char *h = ca_trim(f[i]);
                    if (strcmp(h, group_cols[k]) == 0 || strcmp(h, group_cols_zh[k]) == 0)
                        col[k] = (int)i;
                }
            }
            if (col[1] < 0 && col[2] < 0) {
                ca_diag_add(diag, CA_DIAG_ERROR, path, line,
                            "expected a header with group_id and name columns");
                st = CA_FAILED;
                break;
            }
            have_header = 1;
            continue;
        }
        ca_group_reg *ng = ca_realloc(c->groups, (c->n_groups + 1) * sizeof *ng);
        if (!ng) {
            st = CA_FATAL;
            break;
        }
        c->groups = ng;
        ca_group_reg *g = &c->groups[c->n_groups++];
        memset(g, 0, sizeof *g);
        char **dst[] = {&g->platform, &g->group_id, &g->name, &g->category, &g->department,
                        &g->owner_id, &g->admins, &g->created_by, &g->authorized_by};
        for (size_t k = 0; k < CA_ARRAY_LEN(group_cols); k++)
            if (!(*dst[k] = ca_strdup(col[k] >= 0 && (size_t)col[k] < nf ? ca_trim(f[col[k]]) : "")))
                st = CA_FATAL;
        g->line = line;
        if (st == CA_FATAL)
            break;
    }
    ca_csv_close(csv);
    ca_free(text);
    if (required && st == CA_OK && c->n_groups == 0) {
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "no group rows: expected a header (platform,"
                    "group_id,name,category,...) and a row per registered group");
        st = CA_FAILED;
    }
    return st;
}

static int cmp_holiday(const void *a, const void *b)
{
    const ca_holiday *x = a, *y = b;
    return x->day < y->day ? -1 : x->day > y->day;
}

/* holidays.csv: date,kind,name with kind holiday or workday. */
static ca_status load_holidays(ca_config *c, const char *path, int required, ca_diag *diag)
{
    size_t len;
    ca_status rst;
    char *text = read_config_file(path, required, "the holidays are required: [files] "
                                  "holidays; create it with the header date,kind,name if the "
                                  "company has no holidays to list", &len, &rst, diag);
    if (!text)
        return rst; /* absent and optional (import: weekdays only): CA_OK */
    ca_csv *csv = ca_csv_open(text, len, 1 << 16);
    if (!csv) {
        ca_free(text);
        return CA_FATAL;
    }
    char **f;
    size_t *fl, nf;
    long line;
    int header = 1;
    ca_status st = CA_OK, r;
    while ((r = ca_csv_next(csv, &f, &fl, &nf, &line)) != CA_EOF) {
        if (r == CA_FATAL) {
            st = CA_FATAL;
            break;
        }
        if (r == CA_FAILED) {
            ca_diag_add(diag, CA_DIAG_ERROR, path, line, "%s; row skipped", ca_csv_errmsg(csv));
            st = CA_FAILED;
            continue;
        }
        if (nf && f[0][0] == '#')
            continue;
        if (header) {
            header = 0;
            if (nf >= 2 && (strcmp(ca_trim(f[0]), "date") == 0 || strcmp(ca_trim(f[0]), "日期") == 0))
                continue;
        }
        int64_t ms;
        const char *date = nf ? ca_trim(f[0]) : "";
        const char *kind = nf > 1 ? ca_trim(f[1]) : "";
        if (ca_time_parse(date, strlen(date), 0, &ms, NULL) != 0 || strchr(date, ':')) {
            ca_diag_add(diag, CA_DIAG_ERROR, path, line,
                        "expected a date YYYY-MM-DD, found \"%s\"; row skipped", date);
            st = CA_FAILED;
            continue;
        }
        int workday;
        if (!strcmp(kind, "holiday") || !strcmp(kind, "假日") || !strcmp(kind, "休"))
            workday = 0;
        else if (!strcmp(kind, "workday") || !strcmp(kind, "调休") || !strcmp(kind, "班"))
            workday = 1;
        else {
            ca_diag_add(diag, CA_DIAG_ERROR, path, line,
                        "expected kind holiday or workday, found \"%s\"; row skipped", kind);
            st = CA_FAILED;
            continue;
        }
        ca_holiday *nh = ca_realloc(c->holidays, (c->n_holidays + 1) * sizeof *nh);
        if (!nh) {
            st = CA_FATAL;
            break;
        }
        c->holidays = nh;
        nh[c->n_holidays] = (ca_holiday){ms / 86400000, workday,
                                         ca_strdup(nf > 2 ? ca_trim(f[2]) : ""), line};
        if (!nh[c->n_holidays].name) {
            st = CA_FATAL;
            break;
        }
        c->n_holidays++;
    }
    ca_csv_close(csv);
    ca_free(text);
    if (required && header && st == CA_OK) { /* not even the header row */
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "empty: expected the header date,kind,name "
                    "and a row per holiday or working weekend day (the header alone if the "
                    "company has no holidays to list)");
        st = CA_FAILED;
    }
    if (c->n_holidays)
        qsort(c->holidays, c->n_holidays, sizeof *c->holidays, cmp_holiday);
    for (size_t i = 1; i < c->n_holidays; i++)
        if (c->holidays[i].day == c->holidays[i - 1].day &&
            c->holidays[i].workday != c->holidays[i - 1].workday) {
            ca_diag_add(diag, CA_DIAG_ERROR, path, c->holidays[i].line,
                        "this date is also on line %ld with the other kind",
                        c->holidays[i - 1].line);
            st = CA_FAILED;
        }
    return st;
}

ca_status ca_config_load(ca_config *c, const char *path, int must_exist, ca_diag *diag)
{
    struct stat sb;
    char *ini;
    int required = (must_exist & CA_CONFIG_REQUIRE_FILES) != 0;
    if (stat(path, &sb) != 0) {
        if (!must_exist)
            return CA_OK;
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0,
                    "configuration not found (expected a folder holding policy.ini)");
        return CA_FAILED;
    }
    if (S_ISDIR(sb.st_mode)) {
        c->dir = ca_strdup(path);
        ini = join_path(path, "policy.ini");
    } else {
        const char *slash = strrchr(path, '/');
        c->dir = slash ? ca_strndup(path, (size_t)(slash - path)) : ca_strdup(".");
        ini = ca_strdup(path);
    }
    if (!c->dir || !ini) {
        ca_free(ini);
        return CA_FATAL;
    }
    ca_status st = CA_OK;
    if (!c->roster)
        c->roster = ca_roster_new();
    if (!c->roster) {
        ca_free(ini);
        return CA_FATAL;
    }
    size_t len;
    char *text = ca_read_text(ini, &len);
    if (!text && errno == ENOENT && required) {
        ca_diag_add(diag, CA_DIAG_ERROR, ini, 0, "cannot open: %s (policy.ini is required; "
                    "an empty one takes every default)", strerror(ENOENT));
        st = CA_FAILED;
    } else if (!text && errno != ENOENT) {
        ca_diag_add(diag, CA_DIAG_ERROR, ini, 0, "cannot read: %s", strerror(errno));
        st = CA_FAILED;
    }
    char section[64] = "";
    int section_ok = 1;
    long line = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *s = ca_trim(p);
        p = nl ? nl + 1 : p + strlen(p);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *e = strchr(s, ']');
            if (!e) {
                ca_diag_add(diag, CA_DIAG_ERROR, ini, line, "expected ']' to end the section name");
                st = CA_FAILED;
                continue;
            }
            *e = '\0';
            snprintf(section, sizeof section, "%s", ca_trim(s + 1));
            section_ok = ca_policy_known_section(section);
            if (!section_ok) {
                ca_diag_add(diag, CA_DIAG_ERROR, ini, line, "unknown section [%s]; did you mean [%s]?",
                            section, ca_policy_nearest_section(section));
                st = CA_FAILED;
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            ca_diag_add(diag, CA_DIAG_ERROR, ini, line, "expected 'key = value', found '%s'", s);
            st = CA_FAILED;
            continue;
        }
        if (!section_ok)
            continue; /* reported once, at the section */
        if (!*section) {
            ca_diag_add(diag, CA_DIAG_ERROR, ini, line, "expected a [section] before '%s'", s);
            st = CA_FAILED;
            continue;
        }
        *eq = '\0';
        char *k = ca_trim(s), *v = ca_trim(eq + 1);
        ca_status r = ca_policy_set(&c->policy, section, k, v, ini, line, diag);
        if (r == CA_FATAL)
            st = CA_FATAL;
        else if (r != CA_OK && st == CA_OK)
            st = CA_FAILED;
        if (r == CA_OK && strcmp(section, "nickname") == 0 && strcmp(k, "department_aliases") == 0) {
            /* alias=department;alias=department */
            for (char *a = v; *a;) {
                size_t n = strcspn(a, ";");
                char save = a[n];
                a[n] = '\0';
                char *eqs = strchr(a, '=');
                if (!eqs) {
                    if (*ca_trim(a)) {
                        ca_diag_add(diag, CA_DIAG_ERROR, ini, line,
                                    "[nickname] department_aliases: expected alias=department, found '%s'",
                                    ca_trim(a));
                        st = CA_FAILED;
                    }
                } else {
                    *eqs = '\0';
                    if (ca_roster_add_dept_alias(c->roster, ca_trim(a), ca_trim(eqs + 1)) < 0)
                        st = CA_FATAL;
                }
                a[n] = save;
                a += n + (save ? 1 : 0);
            }
        }
    }
    c->tz_offset_min = c->policy.tz_offset_min;
    ca_free(c->company_name);
    c->company_name = ca_strdup(c->policy.company_name ? c->policy.company_name : "");
    if (c->policy.separators && ca_roster_set_separators(c->roster, c->policy.separators) < 0)
        st = CA_FATAL;
    char *groups_file = ca_strdup(c->policy.groups_file ? c->policy.groups_file : "");
    char *roster_file = ca_strdup(c->policy.roster_file ? c->policy.roster_file : "");
    char *holidays_file = ca_strdup(c->policy.holidays_file ? c->policy.holidays_file : "");
    if (!groups_file || !roster_file || !holidays_file || !c->company_name)
        st = CA_FATAL;
    /* run and check need every file: [files] keys set empty are errors */
    static const char *const files_keys[] = {"roster", "groups", "holidays"};
    char *const files_vals[] = {roster_file, groups_file, holidays_file};
    for (size_t k = 0; required && k < CA_ARRAY_LEN(files_keys); k++)
        if (files_vals[k] && !*files_vals[k]) {
            ca_diag_add(diag, CA_DIAG_ERROR, ini, 0, "[files] %s: expected a file name, found "
                        "nothing (the file is required)", files_keys[k]);
            if (st == CA_OK)
                st = CA_FAILED;
        }
    if (holidays_file && *holidays_file) {
        char *hp = join_path(c->dir, holidays_file);
        ca_status h = hp ? load_holidays(c, hp, required, diag) : CA_FATAL;
        if (h == CA_FATAL)
            st = CA_FATAL;
        else if (h != CA_OK && st == CA_OK)
            st = CA_FAILED;
        ca_free(hp);
    }
    ca_free(holidays_file);
    ca_free(text);
    if (groups_file && *groups_file) {
        char *gp = join_path(c->dir, groups_file);
        ca_status g = gp ? load_groups(c, gp, required, diag) : CA_FATAL;
        if (g != CA_OK)
            st = g == CA_FATAL ? CA_FATAL : CA_FAILED;
        ca_free(gp);
    }
    ca_free(groups_file);
    if (roster_file && *roster_file) {
        char *rp = join_path(c->dir, roster_file);
        ca_status r = rp ? ca_roster_load(c->roster, rp, diag) : CA_FATAL;
        if (r == CA_FATAL)
            st = CA_FATAL;
        else if (r == CA_FAILED && st == CA_OK)
            st = CA_FAILED;
        if (required && r == CA_EOF) { /* the file does not exist */
            ca_diag_add(diag, CA_DIAG_ERROR, rp, 0, "cannot open: %s (the roster is required: "
                        "[files] roster)", strerror(ENOENT));
            if (st == CA_OK)
                st = CA_FAILED;
        } else if (required && r != CA_FATAL && ca_roster_count(c->roster) == 0) {
            ca_diag_add(diag, CA_DIAG_ERROR, rp, 0, "no employee rows: expected a header "
                        "(employee_id,name,department,...) and a row per employee");
            if (st == CA_OK)
                st = CA_FAILED;
        }
        ca_free(rp);
    }
    ca_free(roster_file);
    if (st != CA_FATAL && ca_roster_index(c->roster) < 0)
        st = CA_FATAL;
    ca_free(ini);
    return st;
}

const ca_group_reg *ca_config_group(const ca_config *c, const char *platform,
                                    const char *id_or_name)
{
    if (!id_or_name)
        return NULL;
    for (int pass = 0; pass < 2; pass++) {
        const ca_group_reg *found = NULL;
        for (size_t i = 0; i < c->n_groups; i++) {
            const ca_group_reg *g = &c->groups[i];
            if (platform && g->platform && g->platform[0] && strcmp(g->platform, platform) != 0)
                continue;
            const char *key = pass == 0 ? g->group_id : g->name;
            if (!key || !key[0] || strcmp(key, id_or_name) != 0)
                continue;
            if (found) /* two groups of that name: the name says nothing */
                return NULL;
            found = g;
        }
        if (found)
            return found;
    }
    return NULL;
}

/* Whether employee id may create groups on its own (executive office, vp,
 * gm) or authorise the admin centre to (SPEC §6.1 group.create). */
static int may_authorise(const ca_config *c, const char *id)
{
    const ca_employee *e = id && *id ? ca_roster_by_id(c->roster, id) : NULL;
    if (!e)
        return 0;
    return strcmp(e->level, "vp") == 0 || strcmp(e->level, "gm") == 0 ||
           (c->policy.executive_office && strcmp(e->department, c->policy.executive_office) == 0);
}

size_t ca_config_check(const ca_config *c, ca_diag *diag)
{
    size_t before = ca_diag_count(diag, CA_DIAG_ERROR);
    const ca_roster *r = c->roster;
    char *roster = join_path(c->dir ? c->dir : ".",
                             c->policy.roster_file ? c->policy.roster_file : "roster.csv");
    char *groups = join_path(c->dir ? c->dir : ".",
                             c->policy.groups_file ? c->policy.groups_file : "groups.csv");
    /* managers exist; every department has a head */
    for (size_t i = 0; i < ca_roster_count(r); i++) {
        const ca_employee *e = ca_roster_at(r, i);
        if (*e->manager_id && !ca_roster_by_id(r, e->manager_id))
            ca_diag_add(diag, CA_DIAG_ERROR, roster, e->line,
                        "manager_id %s of %s (%s) is not in the roster", e->manager_id, e->id,
                        e->name);
        if (!*e->department)
            continue;
        int seen_before = 0, has_head = 0;
        for (size_t k = 0; k < ca_roster_count(r); k++) {
            const ca_employee *o = ca_roster_at(r, k);
            if (strcmp(o->department, e->department) != 0)
                continue;
            if (k < i)
                seen_before = 1;
            has_head |= o->is_head && o->leave_day < 0;
        }
        if (!seen_before && !has_head)
            ca_diag_add(diag, CA_DIAG_ERROR, roster, e->line,
                        "department %s has no head (is_head = yes) among its current employees",
                        e->department);
    }
    /* registered groups */
    static const char *const categories[] = {"all", "work", "department", "other"};
    for (size_t i = 0; i < c->n_groups; i++) {
        const ca_group_reg *g = &c->groups[i];
        int cat_ok = 0;
        for (size_t k = 0; k < CA_ARRAY_LEN(categories); k++)
            cat_ok |= strcmp(g->category, categories[k]) == 0;
        if (!cat_ok)
            ca_diag_add(diag, CA_DIAG_ERROR, groups, g->line,
                        "category: expected all, work, department or other, found \"%s\"",
                        g->category);
        if (*g->platform && strcmp(g->platform, "wechat") && strcmp(g->platform, "dingtalk") &&
            strcmp(g->platform, "wecom"))
            ca_diag_add(diag, CA_DIAG_ERROR, groups, g->line,
                        "platform: expected wechat, dingtalk or wecom, found \"%s\"", g->platform);
        if (!*g->group_id && !*g->name)
            ca_diag_add(diag, CA_DIAG_ERROR, groups, g->line, "expected a group_id or a name");
        if (ca_roster_count(r) == 0)
            continue; /* no roster: reported once, where it was loaded */
        if (*g->owner_id && !ca_roster_by_id(r, g->owner_id))
            ca_diag_add(diag, CA_DIAG_ERROR, groups, g->line, "owner_id %s is not in the roster",
                        g->owner_id);
        for (const char *a = g->admins; *a;) {
            size_t n = strcspn(a, ";");
            char id[128];
            if (n && n < sizeof id) {
                memcpy(id, a, n);
                id[n] = '\0';
                if (!ca_roster_by_id(r, ca_trim(id)))
                    ca_diag_add(diag, CA_DIAG_ERROR, groups, g->line,
                                "admin %s is not in the roster", ca_trim(id));
            }
            a += n + (a[n] == ';');
        }
        if (strcmp(g->category, "department") != 0 && *g->created_by &&
            !may_authorise(c, g->created_by) && !may_authorise(c, g->authorized_by))
            ca_diag_add(diag, CA_DIAG_WARN, groups, g->line,
                        "group %s was created by %s, who may not create groups, and authorized_by "
                        "names no one in the executive office or of level vp/gm (policy 3.1.1)",
                        *g->name ? g->name : g->group_id, g->created_by);
    }
    /* lexicon files exist (their patterns are compiled by the audit run) */
    char *ini = join_path(c->dir ? c->dir : ".", "policy.ini");
    for (int k = 0; k < CA_LEX__COUNT; k++) {
        const char *lp = c->policy.lexicon[k];
        if (!lp)
            continue;
        if (!*lp) { /* `key =`: the company turned this term list off */
            ca_diag_add(diag, CA_DIAG_WARN, ini, 0,
                        "[lexicon] %s is set empty: the term list is disabled",
                        ca_policy_lexicon_key(k));
            continue;
        }
        char *full = join_path(c->dir ? c->dir : ".", lp);
        struct stat sb;
        if (full && stat(full, &sb) != 0)
            ca_diag_add(diag, CA_DIAG_ERROR, full, 0,
                        "[lexicon] %s: cannot open: %s (set '%s =' in policy.ini to disable "
                        "the term list)", ca_policy_lexicon_key(k), strerror(errno),
                        ca_policy_lexicon_key(k));
        ca_free(full);
    }
    ca_free(ini);
    if (c->policy.earliest_day > c->policy.latest_day)
        ca_diag_add(diag, CA_DIAG_ERROR, c->dir, 0,
                    "[onboarding] earliest_day %d is after latest_day %d",
                    c->policy.earliest_day, c->policy.latest_day);
    if (c->policy.open_min >= c->policy.close_min)
        ca_diag_add(diag, CA_DIAG_ERROR, c->dir, 0, "[hours] open is not before close");
    ca_free(roster);
    ca_free(groups);
    return ca_diag_count(diag, CA_DIAG_ERROR) - before;
}
