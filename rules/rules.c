/*
 * rules.c — the table of rules.  The engine runs them in this order; the
 * order does not change any output (findings are sorted at the merge).
 */
#include "../analyzer/rule.h"

extern const ca_rule ca_rule_content_privacy;
extern const ca_rule ca_rule_content_offtopic;
extern const ca_rule ca_rule_content_ad;
extern const ca_rule ca_rule_content_forward;
extern const ca_rule ca_rule_redline_politics;
extern const ca_rule ca_rule_redline_religion;
extern const ca_rule ca_rule_redline_porn;
extern const ca_rule ca_rule_redline_violence;
extern const ca_rule ca_rule_redline_abuse;
extern const ca_rule ca_rule_group_create;
extern const ca_rule ca_rule_group_name;
extern const ca_rule ca_rule_group_outsider;
extern const ca_rule ca_rule_member_onboard;
extern const ca_rule ca_rule_member_nickname;
extern const ca_rule ca_rule_member_invite;
extern const ca_rule ca_rule_member_leave;
extern const ca_rule ca_rule_reply_employee;
extern const ca_rule ca_rule_reply_leader;
extern const ca_rule ca_rule_reply_public;

const ca_rule *const ca_rules[] = {
    &ca_rule_content_privacy,  &ca_rule_content_offtopic, &ca_rule_content_ad, &ca_rule_content_forward,
    &ca_rule_redline_politics, &ca_rule_redline_religion, &ca_rule_redline_porn,
    &ca_rule_redline_violence, &ca_rule_redline_abuse,
    &ca_rule_group_create, &ca_rule_group_name, &ca_rule_group_outsider,
    &ca_rule_member_onboard, &ca_rule_member_nickname, &ca_rule_member_invite, &ca_rule_member_leave,
    &ca_rule_reply_employee, &ca_rule_reply_leader, &ca_rule_reply_public,
};
const size_t ca_n_rules = sizeof ca_rules / sizeof ca_rules[0];
