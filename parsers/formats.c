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
