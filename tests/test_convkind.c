/*
 * test_convkind.c — group or private chat (analyzer/convkind.h): each kind
 * of evidence on hand-built events, and the hints the parsers set on small
 * inline exports modelled on the real samples (a PyWxDump CSV of a 1:1
 * with a custom WeChat id, a DingTalk robot callback, WeCom archive lines,
 * a WeFlow session, a ChatLab header, a dingtalk-exporter conversation).
 */
#include "check.h"
#include "convkind.h"
#include "importer.h"

/* ------------------------------------------------------- hand-built */

static ca_event msg(const char *sender, uint32_t flags)
{
    ca_event e = {0};
    e.platform = "wechat";
    e.kind = CA_KIND_MESSAGE;
    e.type = CA_TYPE_TEXT;
    e.sender = sender;
    e.flags = flags;
    return e;
}

/* Classifies n events of conversation (platform, id), registered or not. */
static int is_private(const char *platform, const char *id, int registered, const ca_event *ev,
                      size_t n, const char **why)
{
    const ca_event *p[16];
    for (size_t i = 0; i < n; i++)
        p[i] = &ev[i];
    ca_group_reg reg = {0};
    return ca_conv_is_private(platform, id, registered ? &reg : NULL, p, n, why);
}

TEST(id_hint_shapes)
{
    CHECK_INT(ca_conv_id_hint("wechat", "20839284721@chatroom", 0), CA_EV_GROUP);
    CHECK_INT(ca_conv_id_hint("wechat", "20839284721@chatroom", 1), CA_EV_GROUP);
    CHECK_INT(ca_conv_id_hint("wechat", "1234@im.chatroom", 0), CA_EV_GROUP);
    CHECK_INT(ca_conv_id_hint("wechat", "wxid_abc123", 0), CA_EV_PRIVATE);
    CHECK_INT(ca_conv_id_hint("wechat", "gh_3dfda90e39d6", 0), CA_EV_PRIVATE);
    CHECK_INT(ca_conv_id_hint("wechat", "wmabc@openim", 0), CA_EV_PRIVATE);
    /* a custom WeChat id is only known to be one when the parser says so */
    CHECK_INT(ca_conv_id_hint("wechat", "test_person", 0), 0);
    CHECK_INT(ca_conv_id_hint("wechat", "test_person", 1), CA_EV_PRIVATE);
    CHECK_INT(ca_conv_id_hint("wechat", "研发部群", 0), 0);
    CHECK_INT(ca_conv_id_hint("dingtalk", "504456221:2616493571", 0), CA_EV_PRIVATE);
    CHECK_INT(ca_conv_id_hint("dingtalk", "cidAsXSBLnA==", 0), 0);
    CHECK_INT(ca_conv_id_hint("dingtalk", "504456221:", 0), 0);
    CHECK_INT(ca_conv_id_hint("dingtalk", "5:6:7", 0), 0);
    CHECK_INT(ca_conv_id_hint("wecom", "icef:ken", 0), 0);
    CHECK_INT(ca_conv_id_hint("wechat", NULL, 1), 0);
    CHECK_INT(ca_conv_id_hint("wechat", "", 1), 0);
}

TEST(registered_group_with_two_people_stays_group)
{
    ca_event ev[2] = {msg("wxid_a", 0), msg("wxid_b", 0)};
    const char *why;
    CHECK_INT(is_private("wechat", "项目群", 1, ev, 2, &why), 0);
    CHECK_STR(why, "registered in groups.csv");
    /* even when the id looks one-to-one */
    CHECK_INT(is_private("wechat", "wxid_a", 1, ev, 2, NULL), 0);
}

TEST(chatroom_id_is_group_even_with_one_writer)
{
    ca_event ev[1] = {msg("wxid_a", 0)};
    const char *why;
    CHECK_INT(is_private("wechat", "44512890137@chatroom", 0, ev, 1, &why), 0);
    CHECK_STR(why, "the export or the id marks it a group");
}

TEST(one_to_one_ids_are_private)
{
    ca_event ev[2] = {msg("wxid_peer", 0), msg("wxid_me", CA_EV_FROM_SELF)};
    const char *why;
    CHECK_INT(is_private("wechat", "wxid_peer", 0, ev, 2, &why), 1);
    CHECK_STR(why, "the export or the id marks it a one-to-one chat");
    CHECK_INT(is_private("wechat", "gh_3dfda90e39d6", 0, ev, 1, NULL), 1);
    CHECK_INT(is_private("dingtalk", "504456221:2616493571", 0, ev, 2, NULL), 1);
}

TEST(export_hints_decide)
{
    /* a custom id (no shape) that the parser marked */
    ca_event p[2] = {msg("test_person", CA_EV_PRIVATE), msg("me", CA_EV_PRIVATE | CA_EV_FROM_SELF)};
    CHECK_INT(is_private("wechat", "test_person", 0, p, 2, NULL), 1);
    ca_event g[1] = {msg("dt_zhang", CA_EV_GROUP)};
    CHECK_INT(is_private("dingtalk", "cidRD7Xk2mPq9==", 0, g, 1, NULL), 0);
    /* two files disagree: group wins, the conversation is audited */
    ca_event both[2] = {msg("a", CA_EV_PRIVATE), msg("b", CA_EV_GROUP)};
    CHECK_INT(is_private("wecom", "x", 0, both, 2, NULL), 0);
}

TEST(name_only_two_people_private)
{
    ca_event ev[3] = {msg("张伟", CA_EV_SENDER_WEAK), msg("李娜", CA_EV_SENDER_WEAK),
                      msg("张伟", CA_EV_SENDER_WEAK)};
    const char *why;
    CHECK_INT(is_private("wechat", "张伟", 0, ev, 3, &why), 1);
    CHECK(strstr(why, "no group evidence") != NULL);
    /* no events at all: nothing says group */
    CHECK_INT(is_private("wechat", "空会话", 0, ev, 0, NULL), 1);
}

TEST(name_only_three_people_group)
{
    ca_event ev[3] = {msg("张伟", 0), msg("李娜", 0), msg("王芳", 0)};
    const char *why;
    CHECK_INT(is_private("wechat", "研发部群", 0, ev, 3, &why), 0);
    CHECK_STR(why, "more than two people write in it");
}

TEST(name_only_group_event_group)
{
    static const ca_kind kinds[] = {CA_KIND_JOIN,   CA_KIND_LEAVE,  CA_KIND_REMOVE,
                                    CA_KIND_RENAME, CA_KIND_CREATE, CA_KIND_OWNER};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        ca_event ev[2] = {msg("张伟", 0), msg("李娜", 0)};
        ev[1].kind = kinds[k];
        const char *why;
        CHECK_INT(is_private("wechat", "研发部群", 0, ev, 2, &why), 0);
        CHECK(strstr(why, "group events") != NULL);
    }
    /* a notice (pat, friend added) or a recall is no group evidence */
    ca_event ev[2] = {msg("张伟", 0), msg("李娜", 0)};
    ev[1].kind = CA_KIND_NOTICE;
    CHECK_INT(is_private("wechat", "张伟", 0, ev, 2, NULL), 1);
    ev[1].kind = CA_KIND_RECALL;
    CHECK_INT(is_private("wechat", "张伟", 0, ev, 2, NULL), 1);
}

TEST(one_to_one_quoting_a_third_person_stays_private)
{
    static const char *mentioned[] = {"王芳"};
    static ca_record_item items[] = {{"赵强", NULL, 0, CA_TYPE_TEXT, "转发的一句话"}};
    ca_event ev[3] = {msg("wxid_peer", CA_EV_PRIVATE), msg("wxid_me", CA_EV_FROM_SELF | CA_EV_PRIVATE),
                      msg("wxid_peer", CA_EV_PRIVATE)};
    ev[1].type = CA_TYPE_QUOTE;
    ev[1].quote_sender = "王芳";
    ev[1].quote_text = "群里说的";
    ev[1].mentions = mentioned;
    ev[1].n_mentions = 1;
    ev[2].type = CA_TYPE_RECORD;
    ev[2].items = items;
    ev[2].n_items = 1;
    CHECK_INT(is_private("wechat", "test_person", 0, ev, 3, NULL), 1);
    /* the same without any hint (a name-only export) */
    for (int i = 0; i < 3; i++)
        ev[i].flags &= ~(uint32_t)CA_EV_PRIVATE;
    CHECK_INT(is_private("wechat", "王芳", 0, ev, 3, NULL), 1);
}

TEST(self_counts_once_however_named)
{
    /* the exporting account shows as "我", its wxid, and no sender */
    ca_event ev[4] = {msg("我", CA_EV_FROM_SELF), msg("wxid_me", CA_EV_FROM_SELF),
                      msg(NULL, CA_EV_FROM_SELF), msg("wxid_peer", 0)};
    CHECK_INT(is_private("wechat", "陈静", 0, ev, 4, NULL), 1);
}

TEST(one_to_one_id_outranks_counts_and_events)
{
    /* the platform's id says 1:1; what the sender columns show does not
     * change that (anonymised exports put labels there) */
    ca_event ev[3] = {msg("PHONE_NUMBER", 0), msg("EMAIL_ADDRESS", 0), msg("IBAN_CODE", 0)};
    const char *why;
    CHECK_INT(is_private("wechat", "wxid_6789z5qlxzfj22", 0, ev, 3, &why), 1);
    CHECK_STR(why, "the export or the id marks it a one-to-one chat");
    ca_event j[2] = {msg("a", CA_EV_PRIVATE), msg("b", CA_EV_PRIVATE)};
    j[1].kind = CA_KIND_JOIN;
    CHECK_INT(is_private("dingtalk", "cidX==", 0, j, 2, NULL), 1);
}

TEST(self_id_without_the_flag_counts_as_self)
{
    /* the WeClone PyWxDump sample: the account's id on is_sender 0 rows */
    ca_event ev[4] = {msg("12345iru2zsmo22", 0), msg("12345iru2zsmo22", CA_EV_FROM_SELF),
                      msg("test_person", 0), msg("test_person", 0)};
    CHECK_INT(is_private("wechat", "test_person", 0, ev, 4, NULL), 1);
    /* a third id is still a third person */
    ev[3].sender = "wxid_third";
    CHECK_INT(is_private("wechat", "读书会", 0, ev, 4, NULL), 0);
}

/* -------------------------------------------------- parsers' hints */

typedef struct run {
    ca_config cfg;
    ca_limits lim;
    ca_diag *diag;
    ca_import *imp;
} run;

static run *import_str(const char *path, const char *data)
{
    run *r = calloc(1, sizeof *r);
    ca_config_defaults(&r->cfg);
    ca_limits_default(&r->lim);
    r->diag = ca_diag_new(0);
    r->imp = ca_import_new(&r->cfg, &r->lim, NULL, r->diag);
    ca_import_buffer(r->imp, path, (const unsigned char *)data, strlen(data));
    ca_import_finish(r->imp);
    return r;
}

static void run_free(run *r)
{
    ca_import_free(r->imp);
    ca_diag_free(r->diag);
    ca_config_free(&r->cfg);
    free(r);
}

/* The classification of the import's only conversation (1 private, 0
 * group, -1 when there is not exactly one). */
static int only_conv_private(run *r, const char **why)
{
    size_t n = ca_import_count(r->imp);
    const ca_event *p[64];
    if (!n || n > 64)
        return -1;
    for (size_t i = 0; i < n; i++) {
        p[i] = ca_import_event(r->imp, i);
        if (strcmp(p[i]->conv, p[0]->conv) != 0)
            return -1;
    }
    return ca_conv_is_private(p[0]->platform, p[0]->conv, NULL, p, n, why);
}

/* PyWxDump CSV: room_name is StrTalker; a custom id (the WeClone sample's
 * "test_person") is a 1:1, a chatroom a group. */
TEST(pywxdump_custom_id_is_private)
{
    run *r = import_str("test_person/test_0_4.csv",
                        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
                        "1,7437267147299590001,文本,0,test_person,test_person,我在南站,,2024/10/4 11:43\n"
                        "2,7437267147299590002,文本,1,12345iru2zsmo22,test_person,你过来就得老久,,2024/10/4 11:44\n"
                        "3,7437267147299590003,文本,0,test_person,test_person,傻逼 你他妈快点,,2024/10/4 11:45\n");
    CHECK_INT(ca_import_count(r->imp), 3);
    CHECK(ca_import_event(r->imp, 0)->flags & CA_EV_PRIVATE);
    const char *why = NULL;
    CHECK_INT(only_conv_private(r, &why), 1);
    CHECK_STR(why, "the export or the id marks it a one-to-one chat");
    run_free(r);
    r = import_str("wxid_admin_0_2.csv",
                   "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
                   "1,7437267147299591001,文本,0,wxid_sunli,20839284723@chatroom,会议室B,,2026-11-05 14:00:00\n"
                   "2,7437267147299591002,文本,1,wxid_admin,20839284723@chatroom,好的,,2026-11-05 14:01:00\n");
    CHECK(ca_import_event(r->imp, 0)->flags & CA_EV_GROUP);
    CHECK_INT(only_conv_private(r, NULL), 0);
    run_free(r);
}

/* DingTalk robot callback: conversationType "1" 单聊, "2" 群聊. */
TEST(dingtalk_conversation_type)
{
    static const char *const tpl =
        "{\"conversationId\":\"cidPeer7Xk2mPq9==\",\"msgId\":\"msgFake%d\",\"senderNick\":\"质量部-周红\","
        "\"senderStaffId\":\"600100\",\"createAt\":1793930400123,\"conversationType\":\"%s\","
        "\"senderId\":\"$:LWCP_v1:$senderFakeId01==\",\"chatbotUserId\":\"$:LWCP_v1:$bot==\","
        "\"robotCode\":\"dingfakerobot0001\",\"text\":{\"content\":\"你好\"},\"msgtype\":\"text\"}\n";
    char buf[1024];
    snprintf(buf, sizeof buf, tpl, 1, "1");
    run *r = import_str("robot.json", buf);
    CHECK_INT(ca_import_count(r->imp), 1);
    CHECK_INT(only_conv_private(r, NULL), 1);
    run_free(r);
    snprintf(buf, sizeof buf, tpl, 2, "2");
    r = import_str("robot.json", buf);
    CHECK_INT(ca_import_count(r->imp), 1);
    CHECK_INT(only_conv_private(r, NULL), 0);
    run_free(r);
}

/* dingtalk-exporter: conversations[].type "single" | "group". */
TEST(dingtalk_exporter_conversation_type)
{
    static const char *const tpl =
        "{\"export_time\":\"2026-11-06 18:00:00\",\"export_type\":\"full\",\"total_conversations\":1,"
        "\"conversations\":[{\"conversation_id\":\"cid-x\",\"title\":\"周红\",\"type\":\"%s\","
        "\"messages\":[{\"message_id\":1,\"sender_id\":600100,\"sender_name\":\"周红\","
        "\"content_type\":1,\"text\":\"在吗\",\"created_at\":1793928000000}]}]}\n";
    char buf[1024];
    snprintf(buf, sizeof buf, tpl, "single");
    run *r = import_str("export.json", buf);
    CHECK_INT(ca_import_count(r->imp), 1);
    CHECK_INT(only_conv_private(r, NULL), 1);
    run_free(r);
    snprintf(buf, sizeof buf, tpl, "group");
    r = import_str("export.json", buf);
    CHECK_INT(only_conv_private(r, NULL), 0);
    run_free(r);
}

/* WeCom archive: an empty roomid is a 1:1, whose id the parser builds
 * from from and tolist; a roomid is a group, even with one writer. */
TEST(wecom_roomid)
{
    run *r = import_str("chatdata.jsonl",
                        "{\"msgid\":\"m1\",\"action\":\"send\",\"from\":\"XuJinSheng\","
                        "\"tolist\":[\"icefog\"],\"roomid\":\"\",\"msgtime\":1547087894783,"
                        "\"msgtype\":\"text\",\"text\":{\"content\":\"test\"}}\n");
    CHECK_INT(ca_import_count(r->imp), 1);
    CHECK_STR(ca_import_event(r->imp, 0)->conv, "XuJinSheng:icefog");
    CHECK_INT(only_conv_private(r, NULL), 1);
    run_free(r);
    r = import_str("chatdata.jsonl",
                   "{\"msgid\":\"m2\",\"action\":\"send\",\"from\":\"XuJinSheng\","
                   "\"tolist\":[\"icefog\"],\"roomid\":\"wrjc7bDwYAOAhf9quEwRRxyyoMm0QAAA\","
                   "\"msgtime\":1547087894783,\"msgtype\":\"text\",\"text\":{\"content\":\"test\"}}\n");
    CHECK_INT(only_conv_private(r, NULL), 0);
    run_free(r);
}

/* WeFlow JSON: session.type "私聊" | "群聊"; ChatLab: meta.type. */
TEST(weflow_and_chatlab_session_type)
{
    run *r = import_str("陈静.json",
                        "{\"weflow\":{\"version\":\"1\"},\"session\":{\"wxid\":\"chenjing_88\","
                        "\"displayName\":\"陈静\",\"type\":\"私聊\"},\"messages\":[{\"localId\":1,"
                        "\"createTime\":1793930400,\"type\":\"文本消息\",\"content\":\"在吗\","
                        "\"isSend\":0,\"senderUsername\":\"chenjing_88\"}]}\n");
    CHECK_INT(ca_import_count(r->imp), 1);
    CHECK(ca_import_event(r->imp, 0)->flags & CA_EV_PRIVATE);
    CHECK_INT(only_conv_private(r, NULL), 1);
    run_free(r);
    /* the session type says more than the id's shape */
    r = import_str("读书会.json",
                   "{\"weflow\":{\"version\":\"1\"},\"session\":{\"wxid\":\"dushuhui\","
                   "\"displayName\":\"读书会\",\"type\":\"群聊\"},\"messages\":[{\"localId\":1,"
                   "\"createTime\":1793930400,\"type\":\"文本消息\",\"content\":\"在吗\","
                   "\"isSend\":0,\"senderUsername\":\"wxid_a\"}]}\n");
    CHECK_INT(ca_import_count(r->imp), 1);
    CHECK_INT(only_conv_private(r, NULL), 0);
    run_free(r);
    r = import_str("chat.json",
                   "{\"chatlab\":{\"version\":\"0.0.2\",\"exportedAt\":1793930400},\"meta\":{"
                   "\"name\":\"读书会\",\"platform\":\"wechat\",\"type\":\"group\"},\"members\":[],"
                   "\"messages\":[{\"sender\":\"wxid_a\",\"accountName\":\"A\",\"timestamp\":1793930400,"
                   "\"type\":0,\"content\":\"hi\"}]}\n");
    CHECK_INT(ca_import_count(r->imp), 1);
    CHECK(ca_import_event(r->imp, 0)->flags & CA_EV_GROUP);
    CHECK_INT(only_conv_private(r, NULL), 0);
    run_free(r);
}

TEST_MAIN()
