/*
 * roster.h — the employees (roster.csv, SPEC §4) and identity resolution:
 * which employee a sender, a mention, an inviter is (SPEC §5).
 */
#ifndef CA_ROSTER_H
#define CA_ROSTER_H

#include "ca.h"
#include "diag.h"

typedef struct ca_employee {
    char *id, *name, *department, *level, *manager_id;
    char *wechat_id, *dingtalk_id, *wecom_id;
    char **aliases;      /* other names and platform ids */
    size_t n_aliases;
    int is_head;
    int64_t hire_day;    /* days since 1970-01-01, -1 when empty */
    int64_t leave_day;   /* last working day, -1 while employed */
    long line;           /* in roster.csv */
} ca_employee;

/* A department alias from [nickname] department_aliases ("研发=研发部"). */
typedef struct ca_dept_alias {
    char *alias, *department;
} ca_dept_alias;

typedef struct ca_roster ca_roster;

/* Creates an empty roster; NULL on oom. */
ca_roster *ca_roster_new(void);
void ca_roster_free(ca_roster *r);

/*
 * Loads roster.csv (UTF-8 or GB18030, English or Chinese headers).  Every
 * problem goes to diag as FILE:LINE (a missing column, a bad date, a bad
 * is_head, a duplicate employee id); bad rows are skipped.  A missing file
 * is CA_EOF (no roster: nothing resolves).  Returns CA_OK, CA_FAILED when
 * any row was bad, CA_FATAL on oom.
 */
ca_status ca_roster_load(ca_roster *r, const char *path, ca_diag *diag);

/* Adds a department alias (both strings copied).  0 or -1 on oom. */
int ca_roster_add_dept_alias(ca_roster *r, const char *alias, const char *department);
/* Sets the separators allowed between department and name in display
 * names (UTF-8 characters; default "-_·| /：:"). */
int ca_roster_set_separators(ca_roster *r, const char *seps);

/* Builds the lookup tables; call after loading and adding aliases.
 * 0 or -1 on oom. */
int ca_roster_index(ca_roster *r);

size_t ca_roster_count(const ca_roster *r);
const ca_employee *ca_roster_at(const ca_roster *r, size_t i);
const ca_employee *ca_roster_by_id(const ca_roster *r, const char *employee_id);

/*
 * Resolves a person as an export shows them: id is a platform id (or NULL
 * when the export only has a display name), name a display name (or
 * NULL).  In order: the platform's id column (wechat_id / dingtalk_id /
 * wecom_id), then an alias equal to id or name, then name as department
 * (or its alias) + optional separator + roster name, then name as a roster
 * name.  A step that matches two employees stops the search: an ambiguous
 * name stays unresolved.  Returns the employee or NULL.  Thread-safe after
 * ca_roster_index.
 */
const ca_employee *ca_roster_resolve(const ca_roster *r, const char *platform, const char *id,
                                     const char *name);

#endif
