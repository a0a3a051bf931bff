/*
 * config.h — the run's configuration (SPEC §4).  Loaded once, then only
 * read (shared const by every thread).  This foundation carries the parts
 * the importer needs; the rule issues add their sections.
 */
#ifndef CA_CONFIG_H
#define CA_CONFIG_H

#include "ca.h"
#include "diag.h"
#include "policy.h"
#include "roster.h"

typedef struct ca_group_reg {
    char *platform, *group_id, *name, *category, *department;
    char *owner_id, *admins, *created_by, *authorized_by;
    long line;
} ca_group_reg;

/* holidays.csv: a day off (holiday) or a weekend day worked (workday). */
typedef struct ca_holiday {
    int64_t day;             /* days since 1970-01-01 */
    int workday;             /* 1: 调休 working day; 0: holiday */
    char *name;
    long line;
} ca_holiday;

typedef struct ca_config {
    char *dir;               /* configuration folder */
    char *company_name;      /* = policy.company_name */
    int tz_offset_min;       /* = policy.tz_offset_min (+08:00 = 480) */
    ca_policy policy;        /* every policy.ini key */
    ca_holiday *holidays;    /* sorted by day */
    size_t n_holidays;
    ca_group_reg *groups;    /* groups.csv rows */
    size_t n_groups;
    ca_roster *roster;       /* roster.csv, indexed; never NULL after load */
} ca_config;

/* ca_config_load's must_exist flags.  MUST_EXIST: the folder (or the
 * policy.ini named) must exist.  REQUIRE_FILES (run, check): policy.ini,
 * the roster with at least one employee, groups.csv with at least one
 * group and holidays.csv must exist; import leaves it out and reads the
 * files that are present. */
#define CA_CONFIG_MUST_EXIST 1
#define CA_CONFIG_REQUIRE_FILES 2

/* Fills defaults (no files read). */
void ca_config_defaults(ca_config *c);
/*
 * Loads path (a folder holding policy.ini, or the policy.ini itself).  A
 * missing default folder is not an error when must_exist is 0; must_exist
 * holds CA_CONFIG_* flags (1 = CA_CONFIG_MUST_EXIST).  Problems
 * go to diag as "FILE:LINE: message"; returns CA_OK, or CA_FAILED when any
 * error was found (the caller stops before work).
 */
ca_status ca_config_load(ca_config *c, const char *path, int must_exist,
                         ca_diag *diag);
void ca_config_free(ca_config *c);

/*
 * The cross-file checks of `chataudit check` (SPEC §4), after a load:
 * roster rows whose manager does not exist, departments without a head,
 * group owners and admins not in the roster, registered groups created by
 * someone not authorised and without authorized_by (warnings), lexicon
 * files that are missing (errors; a lexicon key set empty disables its
 * term list: a warning).  Returns the number of errors added.
 */
size_t ca_config_check(const ca_config *c, ca_diag *diag);

/* Looks a conversation up in groups.csv by group_id, then by name, on the
 * platform; returns the row or NULL. */
const ca_group_reg *ca_config_group(const ca_config *c, const char *platform,
                                    const char *id_or_name);

#endif
