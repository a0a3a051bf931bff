/*
 * group_common.h — what the group and membership rules (SPEC §6.1) share:
 * company-time days, the group's owner and admins, who counts as the
 * executive office or the admin centre, a department's head, and findings
 * that name no person.
 */
#ifndef CA_RULES_GROUP_COMMON_H
#define CA_RULES_GROUP_COMMON_H

#include "../analyzer/rule.h"

#define CA_DAY_MS (86400 * 1000LL)

/* The company-time calendar day (days since 1970-01-01) of t. */
int64_t ca_grp_day(const ca_rule_ctx *ctx, int64_t t_ms);
/* The first millisecond of a company-time day. */
int64_t ca_grp_day_start(const ca_rule_ctx *ctx, int64_t day);

/* The roster entry of a person key (roster id), or NULL. */
const ca_employee *ca_grp_employee(const ca_rule_ctx *ctx, const char *id);
/* Whether e is employed on day: their leave_day (the last working day)
 * is not before it. */
int ca_grp_employed_on(const ca_employee *e, int64_t day);
/* Whether e belongs to the executive office or the admin centre. */
int ca_grp_office(const ca_rule_ctx *ctx, const ca_employee *e);
/* Whether e may create company groups: the executive office, or level
 * vp or gm (policy 3.1.1). */
int ca_grp_may_create(const ca_rule_ctx *ctx, const ca_employee *e);
/* The head of department dept (is_head; the first in roster order when
 * there are several), or NULL. */
const ca_employee *ca_grp_head_of(const ca_rule_ctx *ctx, const char *dept);

/* The group's owner as a roster id at event index upto (exclusive): the
 * target of the latest owner event before it (NULL when that names no
 * employee), else groups.csv's owner_id, else NULL. */
const char *ca_grp_owner(const ca_rule_ctx *ctx, size_t upto);
/* The same, for rules that follow the events in order: owner_ev is the
 * latest owner event seen so far, or (size_t)-1 for none. */
const char *ca_grp_owner_from(const ca_rule_ctx *ctx, size_t owner_ev);
/* Whether e is an owner event naming the new owner. */
int ca_grp_is_owner_event(const ca_event *e);
/* Whether id is in groups.csv's admins list of the conversation. */
int ca_grp_admin(const ca_rule_ctx *ctx, const char *id);

/* Index of the first event inside the period, or n_events when none. */
size_t ca_grp_first_in_period(const ca_rule_ctx *ctx);

/* Whether an actor/target string is only the placeholder of an exporting
 * account that the export does not name ("self"). */
int ca_grp_unknown_self(const char *who);

/* Whether name is some employee's roster name: someone unresolved who is
 * known by such a name may well be that employee (an ambiguous name stays
 * unresolved), so the rules make a note instead of a finding. */
int ca_grp_roster_name(const ca_rule_ctx *ctx, const char *name);

/* A finding of rule about event i that names no person (the group is
 * listed): as ca_rule_report, without the fallback to the sender. */
int ca_grp_report_nobody(ca_rule_ctx *ctx, const ca_rule *rule, size_t i, const char *fmt, ...)
    CA_PRINTF(4, 5);

/* "马骏 (E4001)" or the key itself, into buf of size n. */
const char *ca_grp_who(const ca_rule_ctx *ctx, const char *id, const char *name, char *buf,
                       size_t n);

/*
 * Whether display is "department + optional separator + name" for e: the
 * department is the full name or one of its [nickname] department_aliases
 * ("研发=研发部;…"), the separator one character of [nickname] separators;
 * surrounding blanks are ignored.  (member.nickname)
 */
int ca_member_nickname_ok(const ca_rule_ctx *ctx, const char *display, const ca_employee *e);

#endif
