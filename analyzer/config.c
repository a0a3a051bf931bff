/*
 * config.c — policy.ini and groups.csv (the parts the importer needs).
 */
#include <errno.h>
#include <stdio.h>
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
    ca_roster_free(c->roster);
    ca_free(c->dir);
    ca_free(c->company_name);
    memset(c, 0, sizeof *c);
}

/* Reads a whole file, decoded to UTF-8.  NULL (errno set) on failure. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ca_buf b = CA_BUF_INIT;
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        ca_buf_put(&b, tmp, n);
    int failed = ferror(f);
    fclose(f);
    if (b.oom || failed) {
        ca_buf_free(&b);
        errno = failed ? EIO : ENOMEM;
        return NULL;
    }
    ca_text t;
    if (ca_decode((const unsigned char *)ca_buf_cstr(&b), b.len, &t) != CA_OK) {
        ca_buf_free(&b);
        errno = ENOMEM;
        return NULL;
    }
    ca_buf_free(&b);
    *len = t.len;
    return t.data;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

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

static ca_status load_groups(ca_config *c, const char *path, ca_diag *diag)
{
    size_t len;
    char *text = slurp(path, &len);
    if (!text) {
        if (errno == ENOENT)
            return CA_OK; /* optional for import */
        ca_diag_add(diag, CA_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return CA_FAILED;
    }
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
                    const char *h = trim(f[i]);
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
            if (!(*dst[k] = ca_strdup(col[k] >= 0 && (size_t)col[k] < nf ? trim(f[col[k]]) : "")))
                st = CA_FATAL;
        g->line = line;
        if (st == CA_FATAL)
            break;
    }
    ca_csv_close(csv);
    ca_free(text);
    return st;
}

ca_status ca_config_load(ca_config *c, const char *path, int must_exist, ca_diag *diag)
{
    struct stat sb;
    char *ini;
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
    char *groups_file = ca_strdup("groups.csv");
    char *roster_file = ca_strdup("roster.csv");
    if (!c->roster)
        c->roster = ca_roster_new();
    if (!c->roster || !groups_file || !roster_file) {
        ca_free(groups_file);
        ca_free(roster_file);
        ca_free(ini);
        return CA_FATAL;
    }
    size_t len;
    char *text = slurp(ini, &len);
    if (!text && errno != ENOENT) {
        ca_diag_add(diag, CA_DIAG_ERROR, ini, 0, "cannot read: %s", strerror(errno));
        st = CA_FAILED;
    }
    char section[64] = "";
    long line = 0;
    for (char *p = text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *s = trim(p);
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
            snprintf(section, sizeof section, "%s", trim(s + 1));
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            ca_diag_add(diag, CA_DIAG_ERROR, ini, line, "expected 'key = value', found '%s'", s);
            st = CA_FAILED;
            continue;
        }
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        if (strcmp(section, "company") == 0 && strcmp(k, "timezone") == 0) {
            if (*v && ca_tz_parse(v, &c->tz_offset_min) != 0) {
                ca_diag_add(diag, CA_DIAG_ERROR, ini, line,
                            "timezone: expected an offset like +08:00, found '%s'", v);
                st = CA_FAILED;
            }
        } else if (strcmp(section, "company") == 0 && strcmp(k, "name") == 0) {
            ca_free(c->company_name);
            c->company_name = ca_strdup(v);
        } else if (strcmp(section, "files") == 0 && strcmp(k, "groups") == 0 && *v) {
            ca_free(groups_file);
            groups_file = ca_strdup(v);
        } else if (strcmp(section, "files") == 0 && strcmp(k, "roster") == 0 && *v) {
            ca_free(roster_file);
            roster_file = ca_strdup(v);
        } else if (strcmp(section, "nickname") == 0 && strcmp(k, "separators") == 0 && *v) {
            if (ca_roster_set_separators(c->roster, v) < 0)
                st = CA_FATAL;
        } else if (strcmp(section, "nickname") == 0 && strcmp(k, "department_aliases") == 0) {
            /* alias=department;alias=department */
            for (char *a = v; *a;) {
                size_t n = strcspn(a, ";");
                char save = a[n];
                a[n] = '\0';
                char *eqs = strchr(a, '=');
                if (!eqs) {
                    if (*trim(a)) {
                        ca_diag_add(diag, CA_DIAG_ERROR, ini, line,
                                    "department_aliases: expected alias=department, found '%s'", trim(a));
                        st = CA_FAILED;
                    }
                } else {
                    *eqs = '\0';
                    if (ca_roster_add_dept_alias(c->roster, trim(a), trim(eqs + 1)) < 0)
                        st = CA_FATAL;
                }
                a[n] = save;
                a += n + (save ? 1 : 0);
            }
        }
        /* The other sections are read by the audit run (issue 4). */
    }
    ca_free(text);
    if (groups_file) {
        char *gp = join_path(c->dir, groups_file);
        ca_status g = gp ? load_groups(c, gp, diag) : CA_FATAL;
        if (g != CA_OK)
            st = g == CA_FATAL ? CA_FATAL : CA_FAILED;
        ca_free(gp);
    }
    ca_free(groups_file);
    if (roster_file) {
        char *rp = join_path(c->dir, roster_file);
        ca_status r = rp ? ca_roster_load(c->roster, rp, diag) : CA_FATAL;
        if (r == CA_FATAL)
            st = CA_FATAL;
        else if (r == CA_FAILED && st == CA_OK)
            st = CA_FAILED;
        ca_free(rp);
    } else {
        st = CA_FATAL;
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
