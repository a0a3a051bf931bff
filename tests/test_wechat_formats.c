/* Unit tests of the WeChat JSON and text importers (chatlog-json,
 * weflow-json, chatlab-json, memotrace-json, memotrace-txt, weflow-txt,
 * wechatexporter-txt): the "must get right" cases of SPEC §3 on small
 * inline exports modelled on the writers' code (wechat.md §2). */
#include "check.h"
#include "import_helper.h"

static run *import_as(const char *path, const char *data, const char *format)
{
    return import_text(path, data, strlen(data), format);
}

static const char *kind(const ca_event *e) { return ca_kind_name(e->kind); }
static const char *type(const ca_event *e) { return ca_type_name(e->type); }

/* ================================================== chatlog JSON (§2.5) */

/* One message per line, as Go's encoder writes them (wrapped for reading
 * here, one array element per line). */
static const char CHATLOG[] =
    "[{\"seq\":1762135200000,\"time\":\"2025-11-03T10:00:00+08:00\",\"talker\":\"20839284721@chatroom\",\"talkerName\":\"研发部群\",\"isChatRoom\":true,\"sender\":\"wxid_zhang\",\"senderName\":\"研发部-张三\",\"isSelf\":false,\"type\":1,\"subType\":0,\"content\":\"@研发部-李四\xE2\x80\x85明天10点的评审还开吗？\"},\n"
    "{\"seq\":1762135260000,\"time\":\"2025-11-03T11:01:00+09:00\",\"talker\":\"20839284721@chatroom\",\"talkerName\":\"研发部群\",\"isChatRoom\":true,\"sender\":\"wxid_li\",\"senderName\":\"研发部-李四\",\"isSelf\":true,\"type\":49,\"subType\":57,\"content\":\"开，会议室B\",\"contents\":{\"refer\":{\"seq\":0,\"time\":\"2025-11-03T10:00:00+08:00\",\"talker\":\"\",\"talkerName\":\"\",\"isChatRoom\":false,\"sender\":\"wxid_zhang\",\"senderName\":\"研发部-张三\",\"isSelf\":false,\"type\":1,\"subType\":0,\"content\":\"明天10点的评审还开吗？\"}}},\n"
    "{\"seq\":1762135320000,\"time\":\"2025-11-03T10:02:00+08:00\",\"talker\":\"20839284721@chatroom\",\"talkerName\":\"研发部群\",\"isChatRoom\":true,\"sender\":\"系统消息\",\"senderName\":\"\",\"isSelf\":false,\"type\":10000,\"subType\":0,\"content\":\"\\\"研发部-张三(wxid_zhang)\\\"邀请\\\"王五(wxid_wangwu)、赵六(wxid_zhaoliu)\\\"加入了群聊\"},\n"
    "{\"seq\":1762135380000,\"time\":\"2025-11-03T10:03:00+08:00\",\"talker\":\"20839284721@chatroom\",\"talkerName\":\"研发部群\",\"isChatRoom\":true,\"sender\":\"wxid_zhang\",\"senderName\":\"研发部-张三\",\"isSelf\":false,\"type\":49,\"subType\":5,\"content\":\"\",\"contents\":{\"title\":\"评审材料 v2\",\"url\":\"https://docs.example.com/review?id=7&v=2\"}},\n"
    "{\"seq\":1762135440000,\"time\":\"2025-11-03T10:04:00+08:00\",\"talker\":\"20839284721@chatroom\",\"talkerName\":\"研发部群\",\"isChatRoom\":true,\"sender\":\"wxid_zhang\",\"senderName\":\"研发部-张三\",\"isSelf\":false,\"type\":3,\"subType\":0,\"content\":\"\",\"contents\":{\"md5\":\"0f1e2d3c4b5a69788796a5b4c3d2e1f0\"}},\n"
    "{\"seq\":1762135500000,\"time\":\"2025-11-03T10:05:00+08:00\",\"talker\":\"20839284721@chatroom\",\"talkerName\":\"研发部群\",\"isChatRoom\":true,\"sender\":\"wxid_li\",\"senderName\":\"研发部-李四\",\"isSelf\":true,\"type\":49,\"subType\":19,\"content\":\"\",\"contents\":{\"title\":\"群聊的聊天记录\",\"desc\":\"王五: 接口文档\\n赵六: 收到\",\"recordInfo\":{\"XMLName\":{\"Space\":\"\",\"Local\":\"recordinfo\"},\"Title\":\"群聊的聊天记录\",\"DataList\":{\"Count\":\"2\",\"DataItems\":[{\"DataType\":\"1\",\"SourceName\":\"王五\",\"SourceTime\":\"2025-11-02 18:00\",\"DataDesc\":\"接口文档\"},{\"DataType\":\"2\",\"SourceName\":\"赵六\",\"SourceTime\":\"2025-11-02 18:01\",\"DataDesc\":\"\"}]}}}},\n"
    "{\"seq\":1762135560000,\"time\":\"2025-11-03T10:06:00+08:00\",\"talker\":\"20839284721@chatroom\",\"talkerName\":\"研发部群\",\"isChatRoom\":true,\"sender\":\"系统消息\",\"senderName\":\"\",\"isSelf\":false,\"type\":10000,\"subType\":0,\"content\":\"你将\\\"赵六(wxid_zhaoliu)\\\"移出了群聊\"}]\n";

TEST(chatlog_json_messages_quotes_events)
{
    run *r = import_str("chatlog/研发部群.json", CHATLOG);
    CHECK_STR(fstat0(r)->format, "chatlog-json");
    CHECK_INT(nev(r), 7);
    CHECK_INT(fstat0(r)->records, 7);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "20839284721@chatroom");
    CHECK_STR(e->conv_name, "研发部群");
    CHECK(e->id == NULL); /* seq is a local sort key */
    CHECK_STR(e->sender, "wxid_zhang");
    CHECK_STR(e->sender_name, "研发部-张三");
    CHECK(!(e->flags & CA_EV_SENDER_WEAK));
    CHECK_STR(when(e), "2025-11-03T10:00:00+08:00");
    CHECK_INT(e->n_mentions, 1);
    CHECK_STR(e->mentions[0], "研发部-李四");
    CHECK_INT(e->src_line, 1);
    e = ev(r, 1); /* 11:01 at +09:00 is 10:01 at +08:00 */
    CHECK_STR(when(e), "2025-11-03T10:01:00+08:00");
    CHECK_STR(type(e), "quote");
    CHECK_STR(e->text, "开，会议室B");
    CHECK_STR(e->quote_sender, "wxid_zhang");
    CHECK_STR(e->quote_text, "明天10点的评审还开吗？");
    CHECK(e->flags & CA_EV_FROM_SELF);
    CHECK_INT(e->src_line, 2);
    e = ev(r, 2);
    CHECK_STR(kind(e), "join");
    CHECK(e->sender == NULL);
    CHECK_STR(e->actor, "wxid_zhang"); /* "nickname(wxid)" split */
    CHECK_STR(e->actor_name, "研发部-张三");
    CHECK_INT(e->n_targets, 2);
    CHECK_STR(e->targets[1], "wxid_zhaoliu");
    CHECK_STR(e->target_names[1], "赵六");
    e = ev(r, 3);
    CHECK_STR(type(e), "link");
    CHECK_STR(e->title, "评审材料 v2");
    CHECK_STR(e->url, "https://docs.example.com/review?id=7&v=2");
    CHECK_STR(type(ev(r, 4)), "image");
    CHECK(ev(r, 4)->text == NULL);
    e = ev(r, 5);
    CHECK_STR(type(e), "record");
    CHECK_INT(e->n_items, 2);
    CHECK_STR(e->items[0].sender_name, "王五");
    CHECK_STR(e->items[0].text, "接口文档");
    CHECK_STR(ca_type_name(e->items[1].type), "image");
    e = ev(r, 6); /* "你" is the exporting account, whose wxid isSelf showed */
    CHECK_STR(kind(e), "remove");
    CHECK_STR(e->actor, "wxid_li");
    CHECK_STR(e->targets[0], "wxid_zhaoliu");
    CHECK_INT(ndiag(r), 0);
    run_free(r);
}

TEST(chatlog_json_bad_records_skipped)
{
    run *r = import_str("c.json",
        "[\n"
        "  {\"seq\":1,\"time\":\"2025-11-03T10:00:00+08:00\",\"talker\":\"g@chatroom\",\"isSelf\":false,\"type\":1,\"subType\":0,\"sender\":\"wxid_a\",\"content\":\"一\"},\n"
        "  {\"seq\":2,\"time\":\"yesterday\",\"talker\":\"g@chatroom\",\"isSelf\":false,\"type\":1,\"subType\":0,\"sender\":\"wxid_a\",\"content\":\"二\"},\n"
        "  42,\n"
        "  {\"seq\":4,\"time\":\"2025-11-03T10:03:00Z\",\"talker\":\"g@chatroom\",\"isSelf\":false,\"type\":1,\"subType\":0,\"sender\":\"wxid_a\",\"content\":\"四\"}\n"
        "]\n");
    CHECK_STR(fstat0(r)->format, "chatlog-json");
    CHECK_INT(nev(r), 2);
    CHECK_INT(fstat0(r)->records, 4);
    CHECK_INT(fstat0(r)->errors, 2);
    CHECK_STR(when(ev(r, 1)), "2025-11-03T18:03:00+08:00");
    CHECK_STR(diag_msg(r, 0), "c.json:3: expected \"time\" as an RFC 3339 time, found \"yesterday\"; record skipped");
    CHECK_STR(diag_msg(r, 1), "c.json:4: expected a chatlog message object, found a number; record skipped");
    run_free(r);
}

TEST(chatlog_json_not_an_array)
{
    run *r = import_as("c.json", "{\"seq\":1}", "chatlog-json");
    CHECK_INT(nev(r), 0);
    CHECK_STR(diag_msg(r, 0), "c.json:1: expected a JSON array of chatlog messages, found an object; entry skipped");
    run_free(r);
}

/* ===================================== WeFlow JSON and EchoTrace (§2.4) */

static const char WEFLOW[] =
    "{\n"
    "  \"weflow\": {\n"
    "    \"version\": \"1.0.3\",\n"
    "    \"exportedAt\": 1762300000,\n"
    "    \"generator\": \"WeFlow\"\n"
    "  },\n"
    "  \"session\": {\n"
    "    \"wxid\": \"20839284722@chatroom\",\n"
    "    \"nickname\": \"销售部群\",\n"
    "    \"remark\": \"\",\n"
    "    \"displayName\": \"销售部群\",\n"
    "    \"type\": \"群聊\",\n"
    "    \"lastTimestamp\": 1762136000,\n"
    "    \"messageCount\": 5\n"
    "  },\n"
    "  \"messages\": [\n"
    "    {\n"
    "      \"localId\": 1,\n"
    "      \"createTime\": 1762135200,\n"
    "      \"formattedTime\": \"2025-11-03 10:00:00\",\n"
    "      \"type\": \"文本消息\",\n"
    "      \"localType\": 1,\n"
    "      \"content\": \"@销售部-王芳 报价单今天能发吗？\",\n"
    "      \"isSend\": 0,\n"
    "      \"senderUsername\": \"wxid_zhao\",\n"
    "      \"senderDisplayName\": \"销售部-赵磊\",\n"
    "      \"source\": \"\",\n"
    "      \"platformMessageId\": 12345678901234567890\n"
    "    },\n"
    "    {\n"
    "      \"localId\": 2,\n"
    "      \"createTime\": 1762135500,\n"
    "      \"formattedTime\": \"2025-11-03 10:05:00\",\n"
    "      \"type\": \"引用消息\",\n"
    "      \"localType\": 244813135921,\n"
    "      \"content\": \"下午三点前[引用 销售部-赵磊：@销售部-王芳 报价单今天能发吗？]\",\n"
    "      \"isSend\": 1,\n"
    "      \"senderUsername\": \"wxid_wang\",\n"
    "      \"senderDisplayName\": \"销售部-王芳\",\n"
    "      \"source\": \"\",\n"
    "      \"platformMessageId\": \"7437267147299592544\",\n"
    "      \"replyToMessageId\": \"12345678901234567890\",\n"
    "      \"quotedSender\": \"销售部-赵磊\",\n"
    "      \"quotedContent\": \"@销售部-王芳 报价单今天能发吗？\"\n"
    "    },\n"
    "    {\n"
    "      \"localId\": 3,\n"
    "      \"createTime\": 1762135560,\n"
    "      \"formattedTime\": \"2025-11-03 10:06:00\",\n"
    "      \"type\": \"系统消息\",\n"
    "      \"localType\": 10000,\n"
    "      \"content\": \"\\\"销售部-赵磊\\\"邀请\\\"客户-陈总\\\"加入了群聊\",\n"
    "      \"isSend\": null,\n"
    "      \"senderUsername\": \"20839284722@chatroom\",\n"
    "      \"senderDisplayName\": \"\",\n"
    "      \"source\": \"\"\n"
    "    },\n"
    "    {\n"
    "      \"localId\": 4,\n"
    "      \"createTime\": 1762135620,\n"
    "      \"formattedTime\": \"2025-11-03 10:07:00\",\n"
    "      \"type\": \"文件消息\",\n"
    "      \"localType\": 25769803825,\n"
    "      \"content\": \"[文件]报价单-2025Q4.xlsx\",\n"
    "      \"isSend\": 1,\n"
    "      \"senderUsername\": \"wxid_wang\",\n"
    "      \"senderDisplayName\": \"销售部-王芳\",\n"
    "      \"source\": \"\",\n"
    "      \"platformMessageId\": \"7437267147299592545\"\n"
    "    },\n"
    "    {\n"
    "      \"localId\": 5,\n"
    "      \"createTime\": 1762135680,\n"
    "      \"formattedTime\": \"2025-11-03 10:08:00\",\n"
    "      \"type\": \"卡片式链接\",\n"
    "      \"localType\": 17179869233,\n"
    "      \"content\": \"[链接]限时优惠\\nhttps://ad.example.com/x?a=1\",\n"
    "      \"isSend\": 0,\n"
    "      \"senderUsername\": \"wxid_chen\",\n"
    "      \"senderDisplayName\": \"客户-陈总\",\n"
    "      \"source\": \"\",\n"
    "      \"platformMessageId\": \"7437267147299592546\"\n"
    "    }\n"
    "  ]\n"
    "}\n";

TEST(weflow_json_ids_quotes_system)
{
    run *r = import_str("销售部群.json", WEFLOW);
    CHECK_STR(fstat0(r)->format, "weflow-json");
    CHECK_INT(nev(r), 5);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "20839284722@chatroom");
    CHECK_STR(e->conv_name, "销售部群");
    CHECK_STR(e->id, "12345678901234567890"); /* a number above 2^63, exact */
    CHECK_STR(e->sender, "wxid_zhao");
    CHECK_STR(e->sender_name, "销售部-赵磊");
    CHECK_STR(when(e), "2025-11-03T10:00:00+08:00");
    CHECK_STR(e->mentions[0], "销售部-王芳");
    CHECK_INT(e->src_line, 17);
    e = ev(r, 1);
    CHECK_STR(type(e), "quote");
    CHECK_STR(e->text, "下午三点前");
    CHECK_STR(e->reply_to, "12345678901234567890");
    CHECK_STR(e->quote_sender, "销售部-赵磊");
    CHECK_STR(e->quote_text, "@销售部-王芳 报价单今天能发吗？");
    CHECK(e->flags & CA_EV_FROM_SELF);
    CHECK_INT(e->n_mentions, 0); /* the quoted text is never scanned */
    e = ev(r, 2);
    CHECK_STR(kind(e), "join");
    CHECK(e->sender == NULL);
    CHECK_STR(e->actor, "销售部-赵磊");
    CHECK_STR(e->targets[0], "客户-陈总");
    e = ev(r, 3);
    CHECK_STR(type(e), "file");
    CHECK_STR(e->title, "报价单-2025Q4.xlsx");
    e = ev(r, 4);
    CHECK_STR(type(e), "link");
    CHECK_STR(e->title, "限时优惠");
    CHECK_STR(e->url, "https://ad.example.com/x?a=1");
    CHECK_INT(ndiag(r), 0);
    run_free(r);
}

TEST(echotrace_json_same_shape_without_weflow_key)
{
    run *r = import_str("export/研发部群.json",
        "{\"session\":{\"wxid\":\"20839284721@chatroom\",\"nickname\":\"研发部群\",\"remark\":\"\",\"displayName\":\"研发部群\",\"type\":\"群聊\",\"lastTimestamp\":1762135300,\"messageCount\":3},\n"
        "\"messages\":[\n"
        "{\"localId\":1,\"createTime\":1762135200,\"formattedTime\":\"2025-11-03 10:00:00\",\"type\":\"文本消息\",\"localType\":1,\"content\":\"周报今天交\",\"isSend\":0,\"senderUsername\":\"wxid_zhang\",\"senderDisplayName\":\"研发部-张三\",\"source\":\"\"},\n"
        "{\"localId\":2,\"createTime\":1762135260,\"formattedTime\":\"2025-11-03 10:01:00\",\"type\":\"未知类型(43)\",\"localType\":43,\"content\":\"[视频]12s\",\"isSend\":0,\"senderUsername\":\"wxid_zhang\",\"senderDisplayName\":\"研发部-张三\",\"source\":\"\"},\n"
        "{\"localId\":3,\"createTime\":1762135300,\"formattedTime\":\"2025-11-03 10:01:40\",\"type\":\"系统消息\",\"localType\":10000,\"content\":\"\\\"研发部-张三\\\" 撤回了一条消息\",\"isSend\":null,\"senderUsername\":\"\",\"senderDisplayName\":\"\",\"source\":\"\"}\n"
        "]}\n");
    CHECK_STR(fstat0(r)->format, "weflow-json");
    CHECK_INT(nev(r), 3);
    CHECK_STR(ev(r, 0)->conv, "20839284721@chatroom");
    CHECK_STR(ev(r, 0)->text, "周报今天交");
    CHECK(ev(r, 0)->id == NULL);
    CHECK_STR(type(ev(r, 1)), "video"); /* label unknown: localType */
    CHECK_STR(kind(ev(r, 2)), "recall");
    CHECK_STR(ev(r, 2)->sender, "研发部-张三");
    CHECK_INT(ev(r, 2)->src_line, 5);
    run_free(r);
}

TEST(weflow_json_without_messages)
{
    run *r = import_as("w.json", "{\"weflow\":{},\"session\":{},\"messages\":{}}", "weflow-json");
    CHECK_INT(nev(r), 0);
    CHECK_STR(diag_msg(r, 0), "w.json:1: expected a \"messages\" array, found an object; entry skipped");
    run_free(r);
}

/* ============================================= ChatLab JSON / JSONL (§2.8) */

static const char CHATLAB[] =
    "{\n"
    "  \"chatlab\": {\"version\": \"0.0.2\", \"exportedAt\": 1762300000, \"generator\": \"WeFlow\"},\n"
    "  \"meta\": {\"name\": \"研发部群\", \"platform\": \"wechat\", \"type\": \"group\", \"groupId\": \"20839284721@chatroom\", \"ownerId\": \"wxid_li\"},\n"
    "  \"members\": [\n"
    "    {\"platformId\": \"wxid_zhang\", \"accountName\": \"张三\", \"groupNickname\": \"研发部-张三\"},\n"
    "    {\"platformId\": \"wxid_li\", \"accountName\": \"李四\"}\n"
    "  ],\n"
    "  \"messages\": [\n"
    "    {\"sender\": \"wxid_zhang\", \"accountName\": \"张三\", \"timestamp\": 1762135200, \"type\": 0, \"content\": \"@李四 接口文档发一下\", \"platformMessageId\": \"5366901243628699568\"},\n"
    "    {\"sender\": \"wxid_li\", \"accountName\": \"李四\", \"timestamp\": 1762135260, \"type\": 25, \"content\": \"马上\", \"platformMessageId\": \"5366901243628699569\", \"replyToMessageId\": \"5366901243628699568\"},\n"
    "    {\"sender\": \"wxid_zhang\", \"accountName\": \"张三\", \"groupNickname\": \"研发部-张三(组长)\", \"timestamp\": 1762135320000, \"type\": 1, \"content\": \"[图片]\"},\n"
    "    {\"sender\": \"\", \"accountName\": \"\", \"timestamp\": 1762135380, \"type\": 80, \"content\": \"\\\"研发部-张三\\\"修改群名为“研发部核心群”\"},\n"
    "    {\"sender\": \"wxid_li\", \"accountName\": \"李四\", \"timestamp\": 1762135440, \"type\": 26, \"content\": \"群聊的聊天记录\", \"chatRecords\": [\n"
    "      {\"sender\": \"王五\", \"accountName\": \"王五\", \"timestamp\": 1762048800, \"type\": 0, \"content\": \"上线时间定了吗\"}]},\n"
    "    {\"sender\": \"wxid_zhang\", \"accountName\": \"张三\", \"timestamp\": 1762135500, \"type\": 42, \"content\": \"?\", \"platformMessageId\": 18446744073709551615}\n"
    "  ]\n"
    "}\n";

TEST(chatlab_json_group_nicknames_and_replies)
{
    run *r = import_str("研发部群.chatlab.json", CHATLAB);
    CHECK_STR(fstat0(r)->format, "chatlab-json");
    CHECK_INT(nev(r), 6);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "20839284721@chatroom");
    CHECK_STR(e->conv_name, "研发部群");
    CHECK_STR(e->sender, "wxid_zhang");
    CHECK_STR(e->sender_name, "研发部-张三"); /* the member's group nickname */
    CHECK_STR(e->id, "5366901243628699568");
    CHECK_STR(e->mentions[0], "李四");
    CHECK_INT(e->src_line, 9);
    e = ev(r, 1);
    CHECK_STR(type(e), "quote");
    CHECK_STR(e->reply_to, "5366901243628699568");
    CHECK_STR(e->sender_name, "李四"); /* no group nickname: the account name */
    CHECK(e->flags & CA_EV_FROM_SELF);  /* meta.ownerId */
    e = ev(r, 2);
    CHECK_STR(type(e), "image");
    CHECK_STR(e->sender_name, "研发部-张三(组长)"); /* the message's own nickname */
    CHECK_STR(when(e), "2025-11-03T10:02:00+08:00");  /* milliseconds */
    e = ev(r, 3);
    CHECK_STR(kind(e), "rename");
    CHECK_STR(e->title, "研发部核心群");
    CHECK(e->sender == NULL);
    e = ev(r, 4);
    CHECK_STR(type(e), "record");
    CHECK_INT(e->n_items, 1);
    CHECK_STR(e->items[0].sender_name, "王五");
    CHECK_STR(e->items[0].text, "上线时间定了吗");
    CHECK_STR(type(ev(r, 5)), "other");
    CHECK_STR(ev(r, 5)->id, "18446744073709551615"); /* 2^64 - 1 as a JSON number */
    CHECK_STR(diag_msg(r, 0), "研发部群.chatlab.json:15: expected a ChatLab message type number, found 42; kept as type other");
    run_free(r);
}

TEST(chatlab_jsonl_bad_line_rest_imported)
{
    run *r = import_str("研发部群.jsonl",
        "{\"_type\":\"header\",\"chatlab\":{\"version\":\"0.0.2\",\"exportedAt\":1762300000},\"meta\":{\"name\":\"研发部群\",\"platform\":\"wechat\",\"type\":\"group\",\"groupId\":\"20839284721@chatroom\"}}\n"
        "{\"_type\":\"member\",\"platformId\":\"wxid_zhang\",\"accountName\":\"张三\",\"groupNickname\":\"研发部-张三\"}\n"
        "# exported 2025-11-05 by the admin centre\n"
        "{\"_type\":\"message\",\"sender\":\"wxid_zhang\",\"accountName\":\"张三\",\"timestamp\":1762135200,\"type\":0,\"content\":\"第一条\"}\n"
        "{\"_type\":\"message\",\"sender\":\"wxid_zhang\",\"accountName\":\"张三\",\"timestamp\":1762135260,\"type\":0,\"content\":\"第二条\"\n"
        "{\"_type\":\"message\",\"sender\":\"wxid_zhang\",\"accountName\":\"张三\",\"type\":0,\"content\":\"没有时间\"}\n"
        "{\"_type\":\"reaction\"}\n"
        "{\"_type\":\"message\",\"sender\":\"wxid_li\",\"accountName\":\"李四\",\"timestamp\":1762135320,\"type\":0,\"content\":\"第四条\"}\n");
    CHECK_STR(fstat0(r)->format, "chatlab-json");
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 0)->sender_name, "研发部-张三");
    CHECK_STR(ev(r, 0)->conv, "20839284721@chatroom");
    CHECK_INT(ev(r, 0)->src_line, 4);
    CHECK_STR(ev(r, 1)->text, "第四条");
    CHECK_INT(ev(r, 1)->src_line, 8);
    CHECK_INT(fstat0(r)->errors, 3);
    CHECK_STR(diag_msg(r, 0), "研发部群.jsonl:5: invalid JSON: unexpected end of data; line skipped");
    CHECK_STR(diag_msg(r, 1), "研发部群.jsonl:6: expected \"timestamp\" as epoch seconds, found nothing; record skipped");
    CHECK_STR(diag_msg(r, 2), "研发部群.jsonl:7: expected \"_type\" header, member or message, found \"reaction\"; record skipped");
    run_free(r);
}

/* ================================= MemoTrace v2 .html.json sidecar (§2.2) */

static const char MEMOTRACE_JSON[] =
    "[\n"
    "    {\n"
    "        \"type\": \"1\",\n"
    "        \"is_send\": false,\n"
    "        \"timestamp\": 1762135200,\n"
    "        \"server_id\": \"12345678901234567890\",\n"
    "        \"display_name\": \"研发部-张三\",\n"
    "        \"avatar_src\": \"./avatar/a.png\",\n"
    "        \"xml_dict\": {},\n"
    "        \"text\": \"@研发部-李四 周五上线来得及吗\"\n"
    "    },\n"
    "    {\n"
    "        \"type\": \"244813135921\",\n"
    "        \"is_send\": true,\n"
    "        \"timestamp\": 1762135260,\n"
    "        \"server_id\": \"7437267147299592544\",\n"
    "        \"display_name\": \"研发部-李四\",\n"
    "        \"avatar_src\": \"\",\n"
    "        \"xml_dict\": {\"msg\": {\"appmsg\": {\"type\": \"57\"}}},\n"
    "        \"text\": \"来得及\",\n"
    "        \"quote_server_id\": \"12345678901234567890\",\n"
    "        \"quote_type\": 1,\n"
    "        \"quote_text\": \"研发部-张三: @研发部-李四 周五上线来得及吗\"\n"
    "    },\n"
    "    {\n"
    "        \"type\": \"25769803825\",\n"
    "        \"is_send\": false,\n"
    "        \"timestamp\": 1762135320,\n"
    "        \"server_id\": \"7437267147299592545\",\n"
    "        \"display_name\": \"研发部-张三\",\n"
    "        \"avatar_src\": \"\",\n"
    "        \"xml_dict\": {},\n"
    "        \"path\": \"./file/2025-11/上线计划.docx\",\n"
    "        \"file_name\": \"上线计划.docx\",\n"
    "        \"file_size\": 52311,\n"
    "        \"file_type\": \"docx\"\n"
    "    },\n"
    "    {\n"
    "        \"type\": \"81604378673\",\n"
    "        \"is_send\": false,\n"
    "        \"timestamp\": 1762135380,\n"
    "        \"server_id\": \"7437267147299592546\",\n"
    "        \"display_name\": \"研发部-张三\",\n"
    "        \"avatar_src\": \"\",\n"
    "        \"xml_dict\": {},\n"
    "        \"title\": \"群聊的聊天记录\",\n"
    "        \"description\": \"王五: 测试通过\",\n"
    "        \"messages\": [{\"type\": \"1\", \"is_send\": false, \"timestamp\": 1762048800, \"server_id\": \"0\", \"display_name\": \"王五\", \"avatar_src\": \"\", \"xml_dict\": {}, \"text\": \"测试通过\"}]\n"
    "    },\n"
    "    {\n"
    "        \"type\": \"10000\",\n"
    "        \"is_send\": false,\n"
    "        \"timestamp\": 1762135440,\n"
    "        \"server_id\": \"7437267147299592547\",\n"
    "        \"display_name\": \"\",\n"
    "        \"avatar_src\": \"\",\n"
    "        \"xml_dict\": {},\n"
    "        \"text\": \"你邀请\\\"王五\\\"加入了群聊\"\n"
    "    },\n"
    "    {\n"
    "        \"type\": 10000,\n"
    "        \"is_send\": false,\n"
    "        \"timestamp\": 1762135500,\n"
    "        \"server_id\": \"7437267147299592548\",\n"
    "        \"display_name\": \"研发部-张三\",\n"
    "        \"avatar_src\": \"\",\n"
    "        \"xml_dict\": {},\n"
    "        \"text\": \"\\\"研发部-张三\\\" 拍了拍 \\\"研发部-李四\\\"\"\n"
    "    }\n"
    "]\n";

TEST(memotrace_json_sidecar)
{
    run *r = import_str("聊天记录/研发部群(20839284721@chatroom)/研发部群.html.json", MEMOTRACE_JSON);
    CHECK_STR(fstat0(r)->format, "memotrace-json");
    CHECK_INT(nev(r), 6);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "20839284721@chatroom");
    CHECK_STR(e->conv_name, "研发部群");
    CHECK_STR(e->id, "12345678901234567890");
    CHECK_STR(e->sender, "研发部-张三");
    CHECK(e->flags & CA_EV_SENDER_WEAK);
    CHECK_STR(e->mentions[0], "研发部-李四");
    CHECK_INT(e->src_line, 2);
    e = ev(r, 1);
    CHECK_STR(type(e), "quote"); /* (57 << 32) | 49 */
    CHECK_STR(e->text, "来得及");
    CHECK_STR(e->reply_to, "12345678901234567890");
    CHECK_STR(e->quote_sender, "研发部-张三");
    CHECK_STR(e->quote_text, "@研发部-李四 周五上线来得及吗");
    CHECK(e->flags & CA_EV_FROM_SELF);
    CHECK_INT(e->src_line, 12);
    e = ev(r, 2);
    CHECK_STR(type(e), "file");
    CHECK_STR(e->title, "上线计划.docx");
    e = ev(r, 3);
    CHECK_STR(type(e), "record");
    CHECK_INT(e->n_items, 1);
    CHECK_STR(e->items[0].sender_name, "王五");
    CHECK_STR(e->items[0].text, "测试通过");
    e = ev(r, 4); /* "你": known here by the display name of its messages */
    CHECK_STR(kind(e), "join");
    CHECK_STR(e->actor, "研发部-李四");
    CHECK_STR(e->targets[0], "王五");
    e = ev(r, 5);
    CHECK_STR(kind(e), "notice");
    CHECK_STR(e->sender, "研发部-张三");
    CHECK_INT(ndiag(r), 0);
    run_free(r);
}

TEST(memotrace_json_detected_by_name_only_at_30)
{
    /* no MemoTrace keys at the start: only the name speaks for it, and a
     * chatlog array outbids it */
    run *r = import_str("研发部群.html.json", CHATLOG);
    CHECK_STR(fstat0(r)->format, "chatlog-json");
    run_free(r);
    r = import_str("研发部群.html.json", "[{\"a\": 1}]");
    CHECK_STR(fstat0(r)->format, "memotrace-json");
    CHECK_INT(nev(r), 0);
    CHECK_STR(diag_msg(r, 0), "研发部群.html.json:1: expected \"timestamp\" as epoch seconds, found nothing; record skipped");
    run_free(r);
}

/* ============================================= MemoTrace TXT (§2.1c, §2.2) */

TEST(memotrace_txt_v1)
{
    run *r = import_str("聊天记录/研发部群/研发部群.txt",
        "2025-11-03 10:00:00 研发部-张三\n"
        "@研发部-李四\xE2\x80\x85评审改到周五\n"
        "地点不变\n"
        "\n"
        "以上\n"
        "\n"
        "2025-11-03 10:01:00 O\\'Brien &amp; 李四\n"
        "收到\n"
        "\n"
        "2025-11-03 10:02:00 \"研发部-张三\"邀请\"王五\"加入了群聊\n"
        "\n"
        "2025-11-03 10:03:00 研发部-李四\n"
        "好的\n"
        "引用:研发部-张三:@研发部-李四 评审改到周五\n"
        "\n"
        "2025-11-03 10:04:00 研发部-王五\n"
        "[图片]\n"
        "\n"
        "2025-11-03 10:05:00 研发部-王五\n"
        "            [链接]:title:评审流程\n"
        "            description:新版\n"
        "            url:https://docs.example.com/flow\n"
        "            name:None\n"
        "            \n"
        "\n");
    CHECK_STR(fstat0(r)->format, "memotrace-txt");
    CHECK_INT(nev(r), 6);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "研发部群");
    CHECK_STR(e->sender, "研发部-张三");
    CHECK(e->flags & CA_EV_SENDER_WEAK);
    CHECK_STR(e->text, "@研发部-李四\xE2\x80\x85评审改到周五\n地点不变\n\n以上"); /* blank line kept */
    CHECK_STR(e->mentions[0], "研发部-李四");
    CHECK_STR(when(e), "2025-11-03T10:00:00+08:00");
    CHECK_STR(ev(r, 1)->sender_name, "O'Brien & 李四"); /* escape_js_and_html undone */
    CHECK_INT(ev(r, 1)->src_line, 7);
    e = ev(r, 2);
    CHECK_STR(kind(e), "join");
    CHECK_STR(e->actor, "研发部-张三");
    CHECK(e->sender == NULL);
    e = ev(r, 3);
    CHECK_STR(type(e), "quote");
    CHECK_STR(e->text, "好的");
    CHECK_STR(e->quote_sender, "研发部-张三");
    CHECK_STR(e->quote_text, "@研发部-李四 评审改到周五");
    CHECK_INT(e->n_mentions, 0);
    CHECK_STR(type(ev(r, 4)), "image");
    e = ev(r, 5);
    CHECK_STR(type(e), "link");
    CHECK_STR(e->title, "评审流程");
    CHECK_STR(e->url, "https://docs.example.com/flow");
    CHECK_INT(ndiag(r), 0);
    run_free(r);
}

TEST(memotrace_txt_v2)
{
    run *r = import_str("聊天记录/研发部群(20839284721@chatroom)/研发部群.txt",
        "2025-11-03 10:00:00 研发部-张三\n"
        "周五上线来得及吗\n"
        "\n"
        "2025-11-03 10:01:00 研发部-李四\n"
        "来得及\n"
        "引用：研发部-张三: 周五上线来得及吗\n"
        "\n"
        "2025-11-03 10:02:00\n"
        "\"研发部-张三\"修改群名为“研发部核心群”\n"
        "\n"
        "2025-11-03 10:03:00 研发部-李四\n"
        "【文件】上线计划 v2.docx 0.05 MB D:\\WeChat\\上线计划 v2.docx docx 0a1b2c\n"
        "\n"
        "2025-11-03 10:04:00 研发部-李四\n"
        "【合并转发的聊天记录】\n"
        "\n"
        "    - 2025-11-02 18:00:00 王五: 测试通过\n"
        "    - 2025-11-02 18:01:00 赵六: 可以上线\n");
    CHECK_STR(fstat0(r)->format, "memotrace-txt");
    CHECK_INT(nev(r), 5);
    CHECK_STR(ev(r, 0)->conv, "20839284721@chatroom");
    CHECK_STR(ev(r, 0)->conv_name, "研发部群");
    const ca_event *e = ev(r, 1);
    CHECK_STR(type(e), "quote");
    CHECK_STR(e->text, "来得及");
    CHECK_STR(e->quote_sender, "研发部-张三");
    CHECK_STR(e->quote_text, "周五上线来得及吗");
    e = ev(r, 2);
    CHECK_STR(kind(e), "rename");
    CHECK_STR(e->title, "研发部核心群");
    CHECK_INT(e->src_line, 8);
    CHECK_STR(ev(r, 3)->title, "上线计划 v2.docx");
    e = ev(r, 4);
    CHECK_STR(type(e), "record");
    CHECK_INT(e->n_items, 2);
    CHECK_STR(e->items[1].sender_name, "赵六");
    CHECK_STR(e->items[1].text, "可以上线");
    CHECK_INT(ndiag(r), 0);
    run_free(r);
}

TEST(memotrace_txt_bad_time_skipped)
{
    run *r = import_str("g.txt",
        "2025-11-03 10:00:00 张三\n一\n\n"
        "2025-13-03 10:01:00 张三\n二\n\n"
        "2025-11-03 10:02:00 张三\n三\n");
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 1)->text, "三");
    CHECK_STR(diag_msg(r, 0), "g.txt:4: expected a time YYYY-MM-DD HH:MM:SS, found \"2025-13-03 10:01:00\"; record skipped");
    run_free(r);
}

TEST(text_that_is_not_a_chat_export_not_detected)
{
    /* lines that start with a date, but not in blocks from the first line */
    run *r = import_str("server.log",
        "Deployment log\n"
        "2025-11-03 10:00:00 build started\n"
        "2025-11-03 10:05:00 build finished\n"
        "\n"
        "2025-11-03 10:06:00 deploy ok\n");
    CHECK(fstat0(r)->format == NULL);
    run_free(r);
    /* a date on the first line, but a single block */
    r = import_str("notes.txt",
        "2025-11-03 10:00:00 meeting notes\n"
        "- budget\n"
        "- 2025-11-04 10:00:00 follow-up\n");
    CHECK(fstat0(r)->format == NULL);
    run_free(r);
    /* prose mentioning a WeChat export */
    r = import_str("readme.txt", "How to export 微信聊天记录\n\nUse a tool.\n");
    CHECK(fstat0(r)->format == NULL);
    run_free(r);
}

/* ================================================= WeFlow TXT (§2.4) */

TEST(weflow_txt_blocks)
{
    run *r = import_str("销售部群.txt",
        "2025-11-03 10:00:00 '销售部-赵磊'\n"
        "@销售部-王芳 报价单今天能发吗？\n"
        "客户在催\n"
        "\n"
        "2025-11-03 10:05:00 '销售部-王芳'\n"
        "下午三点前[引用 销售部-赵磊：@销售部-王芳 报价单今天能发吗？ 客户在催]\n"
        "\n"
        "2025-11-03 10:06:00 '销售部-王芳'\n"
        "\"销售部-赵磊\"邀请\"客户-陈总\"加入了群聊\n"
        "\n"
        "2025-11-03 10:07:00 '销售部-王芳'\n"
        "[链接]报价说明 https://docs.example.com/q\n"
        "\n"
        "2025-11-03 10:08:00 '我'\n"
        "[图片]\n");
    CHECK_STR(fstat0(r)->format, "weflow-txt");
    CHECK_INT(nev(r), 5);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "销售部群");
    CHECK_STR(e->sender, "销售部-赵磊");
    CHECK(e->flags & CA_EV_SENDER_WEAK);
    CHECK_STR(e->text, "@销售部-王芳 报价单今天能发吗？\n客户在催");
    CHECK_STR(e->mentions[0], "销售部-王芳");
    e = ev(r, 1);
    CHECK_STR(type(e), "quote");
    CHECK_STR(e->text, "下午三点前");
    CHECK_STR(e->quote_sender, "销售部-赵磊");
    CHECK_STR(e->quote_text, "@销售部-王芳 报价单今天能发吗？ 客户在催");
    e = ev(r, 2); /* WeFlow names a sender for system messages too: ignored */
    CHECK_STR(kind(e), "join");
    CHECK(e->sender == NULL);
    CHECK_STR(e->actor, "销售部-赵磊");
    CHECK_STR(e->targets[0], "客户-陈总");
    e = ev(r, 3);
    CHECK_STR(type(e), "link");
    CHECK_STR(e->title, "报价说明");
    CHECK_STR(e->url, "https://docs.example.com/q");
    CHECK(ev(r, 4)->flags & CA_EV_FROM_SELF);
    CHECK_STR(type(ev(r, 4)), "image");
    run_free(r);
}

/* ========================================= WechatExporter TXT (§2.6) */

static const char WEXP[] =
    "研发部群 - 微信聊天记录\n"
    "\n"
    "\"研发部-张三\"邀请\"王五\"加入了群聊\n"
    "研发部-张三 (2025-11-03 10:00:00):欢迎王五\n"
    "研发部-王五 (2025-11-03 10:01:00):大家好\n"
    "我负责测试\n"
    "\n"
    "有问题随时找我\n"
    "「研发部-王五：大家好\n"
    "我负责测试」\n"
    "- - - - - - - - - - - - - - -\n"
    "欢迎@研发部-王五 加入\n"
    "研发部-张三 (2025-11-03 10:02:00):[图片]\n"
    "「研发部-张三：[图片]」\n"
    "- - - - - - - - - - - - - - -\n"
    "收到\n"
    "系统消息：你将\"王五\"移出了群聊\n"
    "\"研发部-张三\" 撤回了一条消息研发部-李四 (2025-11-03 10:05:00):[文件: 测试报告.pdf]\n";

TEST(wechatexporter_txt_entries_quotes_notices)
{
    run *r = import_str("WechatExporter/研发部群/index.txt", WEXP);
    CHECK_STR(fstat0(r)->format, "wechatexporter-txt");
    CHECK_INT(nev(r), 9);
    const ca_event *e = ev(r, 0); /* before any entry: the first entry's time */
    CHECK_STR(kind(e), "join");
    CHECK_STR(e->conv, "研发部群");
    CHECK_STR(when(e), "2025-11-03T10:00:00+08:00");
    CHECK_INT(e->src_line, 3);
    e = ev(r, 1);
    CHECK_STR(e->sender, "研发部-张三");
    CHECK(e->flags & CA_EV_SENDER_WEAK);
    CHECK_STR(e->text, "欢迎王五");
    e = ev(r, 2);
    CHECK_STR(e->text, "大家好\n我负责测试\n\n有问题随时找我");
    e = ev(r, 3); /* a quote reply: no name, the time of the entry before */
    CHECK_STR(type(e), "quote");
    CHECK(e->sender == NULL);
    CHECK(e->flags & CA_EV_SENDER_WEAK);
    CHECK_STR(when(e), "2025-11-03T10:01:00+08:00");
    CHECK_STR(e->quote_sender, "研发部-王五");
    CHECK_STR(e->quote_text, "大家好\n我负责测试");
    CHECK_STR(e->text, "欢迎@研发部-王五 加入");
    CHECK_STR(e->mentions[0], "研发部-王五");
    CHECK_INT(e->src_line, 9);
    CHECK_STR(type(ev(r, 4)), "image");
    CHECK_STR(type(ev(r, 5)), "quote");
    CHECK_STR(ev(r, 5)->quote_text, "[图片]");
    e = ev(r, 6);
    CHECK_STR(kind(e), "remove");
    CHECK_STR(e->targets[0], "王五");
    CHECK_STR(when(e), "2025-11-03T10:02:00+08:00");
    e = ev(r, 7); /* a notice run into the next entry's name */
    CHECK_STR(kind(e), "recall");
    CHECK_STR(e->sender, "研发部-张三");
    e = ev(r, 8);
    CHECK_STR(e->sender, "研发部-李四");
    CHECK_STR(type(e), "file");
    CHECK_STR(e->title, "测试报告.pdf");
    CHECK_INT(ndiag(r), 1);
    CHECK_STR(diag_msg(r, 0), "WechatExporter/研发部群/index.txt:9: 2 quote replies without the replier's name or time (WechatExporter writes none); kept with an unknown sender at the time of the message before");
    run_free(r);
}

TEST(wechatexporter_txt_group_id_from_path)
{
    run *r = import_str("backup/20839284721@chatroom/index.txt",
        "研发部群 - 微信聊天记录\n\n研发部-张三 (2025-11-03 10:00:00):早\n");
    CHECK_STR(fstat0(r)->format, "wechatexporter-txt");
    CHECK_INT(nev(r), 1);
    CHECK_STR(ev(r, 0)->conv, "20839284721@chatroom");
    CHECK_STR(ev(r, 0)->conv_name, "研发部群");
    run_free(r);
}

/* ============================================================ detection */

TEST(detection_by_content)
{
    static const struct { const char *name, *text, *format; } cases[] = {
        {"a.json", "[{\"seq\":1,\"time\":\"2025-11-03T10:00:00+08:00\",\"talker\":\"g\",\"isSelf\":false,\"type\":1,\"subType\":0}]", "chatlog-json"},
        {"a.json", "{\"weflow\":{\"version\":\"1.0.3\"},\"session\":{},\"messages\":[]}", "weflow-json"},
        {"a.json", "{\"session\":{\"wxid\":\"g\"},\"messages\":[{\"senderUsername\":\"wxid_a\"}]}", "weflow-json"},
        {"a.json", "{\"chatlab\":{\"version\":\"0.0.2\"},\"meta\":{\"name\":\"g\"},\"messages\":[]}", "chatlab-json"},
        {"a.jsonl", "{\"_type\":\"header\",\"chatlab\":{\"version\":\"0.0.2\"},\"meta\":{}}\n", "chatlab-json"},
        {"a.json", "[{\"type\":\"1\",\"is_send\":false,\"timestamp\":1,\"server_id\":\"1\",\"display_name\":\"x\"}]", "memotrace-json"},
        {"a.txt", "2025-11-03 10:00:00 张三\n早\n\n2025-11-03 10:01:00 李四\n早\n", "memotrace-txt"},
        {"a.txt", "2025-11-03 10:00:00 '张三'\n早\n\n2025-11-03 10:01:00 '李四'\n早\n", "weflow-txt"},
        {"a.txt", "群 - 微信聊天记录\n\n张三 (2025-11-03 10:00:00):早\n", "wechatexporter-txt"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run *r = import_str(cases[i].name, cases[i].text);
        if (!fstat0(r)->format || strcmp(fstat0(r)->format, cases[i].format) != 0)
            fprintf(stderr, "case %zu: detected %s, expected %s\n", i,
                    fstat0(r)->format ? fstat0(r)->format : "(none)", cases[i].format);
        CHECK_STR(fstat0(r)->format, cases[i].format);
        run_free(r);
    }
}

/* ================================================================ OOM */

/* Every allocation of an import of a golden input, failed in turn, ends in
 * a clean error, never a crash or a leak (the sanitizer build checks). */
static void import_failing(const char *path, const char *data, size_t len, long n)
{
    ca_config cfg;
    ca_limits lim;
    ca_config_defaults(&cfg);
    ca_limits_default(&lim);
    ca_alloc_fail_after(0);
    ca_diag *diag = ca_diag_new(0);
    ca_alloc_fail_after(n);
    ca_import *imp = ca_import_new(&cfg, &lim, NULL, diag);
    if (imp && ca_import_buffer(imp, path, (const unsigned char *)data, len) != CA_FATAL &&
        ca_import_finish(imp) == CA_OK) {
        FILE *f = fopen("/dev/null", "w");
        ca_import_write_ndjson(imp, f);
        fclose(f);
    }
    ca_import_free(imp);
    ca_alloc_fail_after(0);
    ca_diag_free(diag);
    ca_config_free(&cfg);
}

static void oom_sweep(const char *rel)
{
    char path[1024];
    static char data[1 << 16];
    snprintf(path, sizeof path, "%s/tests/golden/%s", CA_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    size_t len = fread(data, 1, sizeof data, f);
    fclose(f);
    long before = ca_alloc_count();
    import_failing(rel, data, len, 0);
    long total = ca_alloc_count() - before;
    CHECK(total > 10);
    for (long n = 1; n <= total + 1; n++)
        import_failing(rel, data, len, n);
}

TEST(oom_chatlog_json) { oom_sweep("chatlog-json/in/chatlog_研发部群.json"); }
TEST(oom_weflow_json) { oom_sweep("weflow-json/in/销售部群.json"); }
TEST(oom_chatlab_json) { oom_sweep("chatlab-json/in/研发部群.json"); }
TEST(oom_chatlab_jsonl) { oom_sweep("chatlab-json/in/销售部群.jsonl"); }
TEST(oom_memotrace_json)
{
    oom_sweep("memotrace-json/in/聊天记录/研发部群(20839284721@chatroom)/研发部群.html.json");
}
TEST(oom_memotrace_txt) { oom_sweep("memotrace-txt/in/聊天记录/研发部群/研发部群.txt"); }
TEST(oom_weflow_txt) { oom_sweep("weflow-txt/in/销售部群.txt"); }
TEST(oom_wechatexporter_txt) { oom_sweep("wechatexporter-txt/in/研发部群/index.txt"); }

TEST_MAIN()
