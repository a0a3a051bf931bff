/*
 * formats.c — the table of input formats.  Detection asks each for a bid
 * on the entry's first bytes and name; the highest wins.
 */
#include <string.h>
#include "../analyzer/format.h"

extern const ca_format ca_format_memotrace_csv;
extern const ca_format ca_format_memotrace2_csv;
extern const ca_format ca_format_pywxdump_csv;
extern const ca_format ca_format_weclone_csv;
extern const ca_format ca_format_chatlog_csv;
/* WeChat JSON and text formats: declarations */
extern const ca_format ca_format_chatlog_json;
extern const ca_format ca_format_weflow_json;
extern const ca_format ca_format_chatlab_json;
extern const ca_format ca_format_memotrace_json;
extern const ca_format ca_format_memotrace_txt;
extern const ca_format ca_format_weflow_txt;
extern const ca_format ca_format_wechatexporter_txt;
/* DingTalk and WeCom formats: declarations */
extern const ca_format ca_format_dingtalk_dws_json;
extern const ca_format ca_format_dingtalk_events;
extern const ca_format ca_format_dingtalk_export_json;
extern const ca_format ca_format_wecom_archive;
extern const ca_format ca_format_wecom_groupchat;

const ca_format *const ca_formats[] = {
    &ca_format_memotrace_csv,
    &ca_format_memotrace2_csv,
    &ca_format_pywxdump_csv,
    &ca_format_weclone_csv,
    &ca_format_chatlog_csv,
    /* WeChat JSON and text formats: table entries */
    &ca_format_chatlog_json,
    &ca_format_weflow_json,
    &ca_format_chatlab_json,
    &ca_format_memotrace_json,
    &ca_format_memotrace_txt,
    &ca_format_weflow_txt,
    &ca_format_wechatexporter_txt,
    /* DingTalk and WeCom formats: table entries */
    &ca_format_dingtalk_dws_json,
    &ca_format_dingtalk_events,
    &ca_format_dingtalk_export_json,
    &ca_format_wecom_archive,
    &ca_format_wecom_groupchat,
};
const size_t ca_n_formats = sizeof ca_formats / sizeof ca_formats[0];

const ca_format *ca_format_by_name(const char *name)
{
    for (size_t i = 0; i < ca_n_formats; i++)
        if (strcmp(ca_formats[i]->name, name) == 0)
            return ca_formats[i];
    return NULL;
}

/* Formats whose sender name is the member's group display name (群昵称)
 * feed member.nickname; the others give an account nickname, the
 * exporter's remark or an id only (shared/formats/).  Formats with leave
 * events that tell leaving by oneself from removal feed member.leave. */
static const struct {
    const char *name;
    uint32_t flags;
} format_flags[] = {
    {"memotrace2-csv", CA_EV_GROUP_NAMES},   /* 发送人: display name */
    {"memotrace-json", CA_EV_GROUP_NAMES},   /* v2 sidecar: displayname */
    {"weclone-csv", CA_EV_GROUP_NAMES},
    {"weflow-txt", CA_EV_GROUP_NAMES},
    {"weflow-json", CA_EV_GROUP_NAMES},
    {"chatlab-json", CA_EV_GROUP_NAMES},     /* groupNickname */
    {"chatlog-csv", CA_EV_GROUP_NAMES},      /* SenderName */
    {"chatlog-json", CA_EV_GROUP_NAMES},
    {"wechatexporter-txt", CA_EV_GROUP_NAMES},
    {"dingtalk-events", CA_EV_SHOWS_LEAVE},  /* member exited: self or by an operator */
};

uint32_t ca_format_event_flags(const ca_format *f)
{
    for (size_t i = 0; f && i < CA_ARRAY_LEN(format_flags); i++)
        if (strcmp(format_flags[i].name, f->name) == 0)
            return format_flags[i].flags;
    return 0;
}

const ca_format *ca_format_detect(const char *head, size_t n, const char *name, int *bid_out)
{
    const ca_format *best = NULL;
    int best_bid = 0;
    for (size_t i = 0; i < ca_n_formats; i++) {
        int b = ca_formats[i]->bid(head, n, name);
        if (b > best_bid) {
            best_bid = b;
            best = ca_formats[i];
        }
    }
    if (bid_out)
        *bid_out = best_bid;
    return best;
}
