/*
 * test_dingtalk_wecom.c — the DingTalk and WeCom importers
 * (dingtalk-dws-json, dingtalk-events, dingtalk-export-json, wecom-archive,
 * wecom-groupchat) on the samples in tests/data/dingtalk (sources and
 * licences in the README there) and on small inline exports.
 */
#include "check.h"
#include "import_helper.h"

static char *slurp(const char *name, size_t *n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/dingtalk/%s", CA_TEST_DATA, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[len] = 0;
        *n = (size_t)len;
    }
    return buf;
}

/* Imports tests/data/dingtalk/<name>, shown as "dingtalk/<name>". */
static run *import_file(const char *name)
{
    size_t n = 0;
    char *data = slurp(name, &n);
    CHECK(data != NULL);
    char path[512];
    snprintf(path, sizeof path, "dingtalk/%s", name);
    run *r = import_text(path, data ? data : "", data ? n : 0, NULL);
    free(data);
    return r;
}

static const char *item_when(const ca_record_item *it)
{
    static char out[32];
    return ca_time_format(it->time_ms, 480, out);
}

/* The first event from source line/record `line` (NULL if none). */
static const ca_event *at_line(run *r, long line)
{
    for (size_t i = 0; i < nev(r); i++)
        if (ev(r, i)->src_line == line)
            return ev(r, i);
    return NULL;
}

static size_t count_kind(run *r, ca_kind k)
{
    size_t n = 0;
    for (size_t i = 0; i < nev(r); i++)
        n += ev(r, i)->kind == k;
    return n;
}

/* ------------------------------------------------------ wecom-archive */

TEST(wecom_archive_sample_summary)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    CHECK_STR(fstat0(r)->format, "wecom-archive");
    CHECK_INT(fstat0(r)->records, 28);
    CHECK_INT(nev(r), 26); /* 28 lines - msgtime 0 - switch */
    CHECK_INT(count_kind(r, CA_KIND_MESSAGE), 23);
    CHECK_INT(count_kind(r, CA_KIND_RECALL), 1);
    CHECK_INT(count_kind(r, CA_KIND_NOTICE), 2);
    CHECK_INT(fstat0(r)->errors, 1);
    CHECK_INT(fstat0(r)->warnings, 1);
    CHECK_STR(ev(r, 0)->platform, "wecom");
    run_free(r);
}

TEST(wecom_archive_msgtime_zero_skipped_and_reported)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    CHECK(at_line(r, 3) == NULL); /* the image example has msgtime 0 */
    CHECK_STR(diag_msg(r, 0), "dingtalk/wecom_msgaudit_decrypted_examples.jsonl:3: expected a "
                              "msgtime (epoch milliseconds), found 0; record skipped");
    run_free(r);
}

TEST(wecom_archive_switch_records_counted)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    CHECK(at_line(r, 19) == NULL);
    CHECK_STR(diag_msg(r, 1), "dingtalk/wecom_msgaudit_decrypted_examples.jsonl:19: 1 switch "
                              "record ignored (action \"switch\": a user switched enterprise, "
                              "not a message)");
    run_free(r);
    r = import_str("a.jsonl",
                   "{\"msgid\":\"1\",\"action\":\"switch\",\"time\":1554119421840,\"user\":\"a\"}\n"
                   "{\"msgid\":\"2\",\"action\":\"switch\",\"time\":1554119421841,\"user\":\"b\"}\n"
                   "{\"msgid\":\"3\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],"
                   "\"roomid\":\"\",\"msgtime\":1554119421900,\"msgtype\":\"text\","
                   "\"text\":{\"content\":\"hi\"}}\n");
    CHECK_STR(fstat0(r)->format, "wecom-archive");
    CHECK_INT(fstat0(r)->records, 3);
    CHECK_INT(nev(r), 1);
    CHECK_STR(diag_msg(r, 0), "a.jsonl:1: 2 switch records ignored (action \"switch\": a user "
                              "switched enterprise, not a message)");
    run_free(r);
}

TEST(wecom_archive_text_one_to_one)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    const ca_event *e = at_line(r, 1);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(ca_type_name(e->type), "text");
        CHECK_STR(e->text, "test");
        CHECK_STR(e->id, "CAQQluDa4QUY0On2rYSAgAMgzPrShAE=");
        CHECK_STR(e->sender, "XuJinSheng");
        CHECK_STR(e->conv, "XuJinSheng:icefog"); /* sorted from + tolist */
        CHECK_STR(when(e), "2019-01-10T10:38:14+08:00");
    }
    /* the same pair, the other way round, is the same conversation */
    run_free(r);
    r = import_str("b.jsonl", "{\"msgid\":\"m2\",\"action\":\"send\",\"from\":\"icefog\","
                              "\"tolist\":[\"XuJinSheng\"],\"roomid\":\"\",\"msgtime\":"
                              "1547087899000,\"msgtype\":\"text\",\"text\":{\"content\":\"ok\"}}\n");
    CHECK_STR(ev(r, 0)->conv, "XuJinSheng:icefog");
    run_free(r);
}

TEST(wecom_archive_quote_reply_text)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    const ca_event *e = at_line(r, 2);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(ca_type_name(e->type), "quote");
        CHECK_STR(e->text, "@nick777");
        CHECK_INT(e->n_mentions, 1);
        CHECK_STR(e->n_mentions ? e->mentions[0] : NULL, "nick777");
    }
    run_free(r);
    r = import_str("q.jsonl",
                   "{\"msgid\":\"q1\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\",\"c\"],"
                   "\"roomid\":\"wr1\",\"msgtime\":1603875600000,\"msgtype\":\"text\",\"text\":"
                   "{\"content\":\"这是一条引用/回复消息：\\\"周报几点交？\\\"\\n------\\n五点前\"}}\n"
                   "{\"msgid\":\"q2\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],"
                   "\"roomid\":\"wr1\",\"msgtime\":1603875601000,\"msgtype\":\"text\",\"text\":"
                   "{\"content\":\"第一段\\n------\\n第二段\"}}\n");
    CHECK_STR(ca_type_name(ev(r, 0)->type), "quote");
    CHECK_STR(ev(r, 0)->quote_text, "周报几点交？");
    CHECK_STR(ev(r, 0)->text, "五点前");
    CHECK_STR(ev(r, 0)->conv, "wr1");
    /* a separator line alone is not a quote */
    CHECK_STR(ca_type_name(ev(r, 1)->type), "text");
    CHECK_STR(ev(r, 1)->text, "第一段\n------\n第二段");
    run_free(r);
}

TEST(wecom_archive_revoke_is_recall)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    const ca_event *e = at_line(r, 4);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(ca_kind_name(e->kind), "recall");
        CHECK_STR(e->reply_to, "14822339130656386894_1603875600");
        CHECK_STR(e->sender, "kenshin");
        CHECK_STR(e->id, "15775510700152506326_1603875615");
    }
    run_free(r);
}

/* Every example msgtype: kind, type, text, title, url. */
TEST(wecom_archive_every_example_msgtype)
{
    static const struct {
        long line;
        const char *kind, *type, *text, *title, *url;
    } want[] = {
        {5, "notice", NULL, "同意会话聊天内容", NULL, NULL},
        {6, "notice", NULL, "不同意会话聊天内容", NULL, NULL},
        {7, "message", "voice", NULL, NULL, NULL},
        {8, "message", "video", NULL, NULL, NULL},
        {9, "message", "card", "wmGAgeDQAAGjFmfnP7A3j2JxQDdLNhSw", "微信联系人", NULL},
        {10, "message", "location", "xxx管理中心\n北京市xxx区xxx路xxx大厦x座", "xxx管理中心", NULL},
        {11, "message", "sticker", NULL, NULL, NULL},
        {12, "message", "file", "资料.docx", "资料.docx", NULL},
        {13, "message", "link", "邀请你加入群聊\n技术支持群，进入可查看详情", "邀请你加入群聊",
         "https://work.weixin.qq.com/wework_admin/external_room/join/exceed?vcode=xxx"},
        {14, "message", "miniprogram", "开始聊天前请仔细阅读服务须知事项\n客户需同意存档聊天记录",
         "开始聊天前请仔细阅读服务须知事项", NULL},
        {15, "message", "record", "群聊", "群聊", NULL},
        {16, "message", "other",
         "这是填表title\n表项1，文本\n表项2，数字\n表项3，日期\n表项4，时间", "这是填表title", NULL},
        {17, "message", "redpacket", "恭喜发财，大吉大利", NULL, NULL},
        {18, "message", "other", "夕会", "夕会", NULL},
        {20, "message", "link", "测试&演示客户", "测试&演示客户",
         "https://doc.weixin.qq.com/txdoc/excel?docid=xxx"},
        {21, "message", "text", "请前往系统查看，谢谢。", NULL, NULL},
        {22, "message", "link", "service \ntest", "service ", "http://xxx"},
        {23, "message", "other", "xxx业绩复盘会", "xxx业绩复盘会", NULL},
        {24, "message", "text", "你好[微笑]", NULL, NULL},
        {25, "message", "call", NULL, NULL, NULL},
        {26, "message", "file", "欢迎使用微盘.pdf.pdf", "欢迎使用微盘.pdf.pdf", NULL},
        {27, "message", "redpacket", "恭喜发财，大吉大利", NULL, NULL},
        {28, "message", "link", "瑞士丨盖尔默缆车，名副其实的过山车~\n\n#旅行#风景#热门",
         "云游天地旅行家", NULL},
    };
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    for (size_t i = 0; i < CA_ARRAY_LEN(want); i++) {
        const ca_event *e = at_line(r, want[i].line);
        int before = check_failures;
        CHECK(e != NULL);
        if (!e)
            continue;
        CHECK_STR(ca_kind_name(e->kind), want[i].kind);
        CHECK_STR(e->kind == CA_KIND_MESSAGE ? ca_type_name(e->type) : NULL, want[i].type);
        CHECK_STR(e->text, want[i].text);
        CHECK_STR(e->title, want[i].title);
        CHECK_STR(e->url, want[i].url);
        if (check_failures != before)
            fprintf(stderr, "  (line %ld)\n", want[i].line);
    }
    run_free(r);
}

TEST(wecom_archive_chatrecord_items)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    const ca_event *e = at_line(r, 15);
    CHECK(e != NULL);
    if (e) {
        CHECK_INT(e->n_items, 2);
        if (e->n_items == 2) {
            CHECK_STR(ca_type_name(e->items[0].type), "text");
            CHECK_STR(e->items[0].text, "test");
            CHECK_STR(item_when(&e->items[0]), "2020-10-28T17:00:10+08:00"); /* seconds */
            CHECK_STR(e->items[1].text, "test2");
        }
    }
    run_free(r);
}

TEST(wecom_archive_group_conversation_is_roomid)
{
    run *r = import_file("wecom_msgaudit_decrypted_examples.jsonl");
    CHECK_STR(at_line(r, 24)->conv, "wr_tZ2BwAAUwHpYMwy9cIWqnlU3Hzqfg");
    CHECK_STR(at_line(r, 24)->sender, "HeMiao");
    /* no roomid key at all, tolist = from: the one id */
    CHECK_STR(at_line(r, 25)->conv, "wo137MCgAAYW6pIiKKrDe5SlzEhSgwbA");
    run_free(r);
}

TEST(wecom_archive_json_array_and_image)
{
    run *r = import_str("export.json",
        "[\n"
        "  {\"msgid\": \"a1\", \"action\": \"send\", \"from\": \"zhangsan\",\n"
        "   \"tolist\": [\"lisi\"], \"roomid\": \"wrX\", \"msgtime\": 1603875600000,\n"
        "   \"msgtype\": \"image\", \"image\": {\"md5sum\": \"x\", \"filesize\": 1}},\n"
        "  {\"msgid\": \"a2\", \"action\": \"send\", \"from\": \"lisi\",\n"
        "   \"tolist\": [\"zhangsan\"], \"roomid\": \"wrX\", \"msgtime\": 1603875660000,\n"
        "   \"msgtype\": \"vote\", \"vote\": {\"votetitle\": \"团建去哪\", \"voteitem\": [\"山\", \"海\"]}},\n"
        "  {\"msgid\": \"a3\", \"action\": \"send\", \"from\": \"lisi\",\n"
        "   \"tolist\": [\"zhangsan\"], \"roomid\": \"wrX\", \"msgtime\": 1603875720000,\n"
        "   \"msgtype\": \"hologram\", \"hologram\": {\"x\": 1}}\n"
        "]\n");
    CHECK_STR(fstat0(r)->format, "wecom-archive");
    CHECK_INT(fstat0(r)->records, 3);
    CHECK_INT(nev(r), 3);
    CHECK_STR(ca_type_name(ev(r, 0)->type), "image");
    CHECK(ev(r, 0)->text == NULL);
    CHECK_INT(ev(r, 0)->src_line, 1); /* record numbers in a JSON array */
    CHECK_STR(ev(r, 1)->text, "团建去哪\n山\n海");
    CHECK_STR(ca_type_name(ev(r, 2)->type), "other");
    CHECK_STR(ev(r, 2)->text, "{\"x\":1}");
    CHECK_STR(diag_msg(r, 0), "export.json:3: unknown msgtype \"hologram\"; kept as type other "
                              "with its raw JSON");
    run_free(r);
}

TEST(wecom_archive_bad_json_line_in_the_middle)
{
    run *r = import_str("chatdata.jsonl",
        "{\"msgid\":\"1\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],\"msgtime\":"
        "1603875600000,\"msgtype\":\"text\",\"text\":{\"content\":\"一\"}}\n"
        "{\"msgid\":\"2\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],\"msgtime\":"
        "1603875601000,\"msgtype\":\"text\",\"text\":{\"content\":\"二\"\n"
        "{\"msgid\":\"3\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],\"msgtime\":"
        "1603875602000,\"msgtype\":\"text\",\"text\":{\"content\":\"三\"}}\n"
        "{\"msgid\":\"4\",\"action\":\"send\",\"from\":\"a\",\"tolist\":[\"b\"],\"msgtime\":"
        "\"yesterday\",\"msgtype\":\"text\",\"text\":{\"content\":\"四\"}}\n");
    CHECK_STR(fstat0(r)->format, "wecom-archive");
    CHECK_INT(fstat0(r)->records, 4);
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 1)->text, "三");
    CHECK_INT(ev(r, 1)->src_line, 3);
    CHECK_INT(fstat0(r)->errors, 2);
    CHECK_STR(diag_msg(r, 0), "chatdata.jsonl:2: invalid JSON: unexpected end of data; line "
                              "skipped");
    CHECK_STR(diag_msg(r, 1), "chatdata.jsonl:4: expected a msgtime (epoch milliseconds), found "
                              "\"yesterday\"; record skipped");
    run_free(r);
}

TEST(wecom_archive_encrypted_page_reported)
{
    run *r = import_str("chat.json",
        "{\"errcode\":0,\"errmsg\":\"ok\",\"chatdata\":[{\"seq\":196,\"msgid\":\"CAQQ2fbb4QUY0On2rYSAgAMgip/yzgs=\","
        "\"publickey_ver\":3,\"encrypt_random_key\":\"k\",\"encrypt_chat_msg\":\"m\"},"
        "{\"seq\":197,\"msgid\":\"x\",\"publickey_ver\":3,\"encrypt_random_key\":\"k\","
        "\"encrypt_chat_msg\":\"m\"}]}");
    CHECK_STR(fstat0(r)->format, "wecom-archive");
    CHECK_INT(nev(r), 0);
    CHECK_INT(fstat0(r)->records, 2);
    CHECK_STR(diag_msg(r, 0), "chat.json:1: 2 encrypted records (encrypt_chat_msg) skipped: "
                              "decrypt them with the WeCom Finance SDK (DecryptData) first");
    run_free(r);
}

/* ---------------------------------------------------- wecom-groupchat */

TEST(wecom_groupchat_msgaudit_response)
{
    run *r = import_file("wecom_msgaudit_groupchat_get_response.json");
    CHECK_STR(fstat0(r)->format, "wecom-groupchat");
    CHECK_INT(fstat0(r)->records, 3);
    CHECK_INT(nev(r), 4);
    const ca_event *e = ev(r, 0);
    CHECK_STR(ca_kind_name(e->kind), "create");
    CHECK_STR(e->actor, "ZhangWenChao");
    CHECK_STR(e->conv, "wecom_msgaudit_groupchat_get_response"); /* the file's base name */
    CHECK_STR(e->conv_name, "蓦然回首");
    CHECK_STR(when(e), "2020-06-17T10:40:04+08:00");
    e = ev(r, 1);
    CHECK_STR(ca_kind_name(e->kind), "owner");
    CHECK_INT(e->n_targets, 1);
    CHECK_STR(e->targets[0], "ZhangWenChao");
    e = ev(r, 3);
    CHECK_STR(ca_kind_name(e->kind), "join");
    CHECK_STR(e->targets[0], "xujinsheng");
    CHECK_STR(when(e), "2020-06-17T14:57:56+08:00");
    CHECK(e->actor == NULL);
    run_free(r);
}

TEST(wecom_groupchat_external_response)
{
    run *r = import_file("wecom_externalcontact_groupchat_get_response.json");
    CHECK_STR(fstat0(r)->format, "wecom-groupchat");
    CHECK_INT(nev(r), 5);
    CHECK_INT(count_kind(r, CA_KIND_JOIN), 2);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA");
    CHECK_STR(e->conv_name, "销售客服群");
    CHECK_STR(ca_kind_name(e->kind), "create");
    CHECK_STR(e->actor, "ZhuShengBen");
    CHECK_STR(ca_kind_name(ev(r, 1)->kind), "owner");
    CHECK_STR(ev(r, 1)->targets[0], "ZhuShengBen");
    e = ev(r, 2);
    CHECK_STR(ca_kind_name(e->kind), "notice"); /* the admins */
    CHECK_INT(e->n_targets, 2);
    CHECK_STR(e->targets[1], "pony");
    CHECK_STR(e->text, "导出时的群管理员：sam、pony");
    e = ev(r, 3);
    CHECK_STR(ca_kind_name(e->kind), "join");
    CHECK_STR(e->targets[0], "abel");
    CHECK_STR(e->target_names[0], "张三丰");
    CHECK_STR(e->actor, "jack"); /* invitor */
    CHECK_STR(e->text, "由群成员邀请入群（直接邀请入群）");
    CHECK_STR(when(e), "2019-10-31T15:04:51+08:00");
    e = ev(r, 4);
    CHECK_STR(e->targets[0], "wmOgQhDgAAuXFJGwbve4g4iXknfOAAAA");
    CHECK(e->actor == NULL);
    run_free(r);
}

TEST(wecom_groupchat_roomid_field_and_bad_member)
{
    run *r = import_str("export/group.json",
        "{\"roomid\": \"wrAbc\", \"roomname\": \"研发群\", \"creator\": \"zhangsan\",\n"
        " \"room_create_time\": 1592361604, \"notice\": \"\",\n"
        " \"members\": [{\"memberid\": \"zhangsan\", \"jointime\": 1592361605},\n"
        "             {\"memberid\": \"lisi\"},\n"
        "             {\"memberid\": \"wangwu\", \"jointime\": 1592361700}],\n"
        " \"errcode\": 0, \"errmsg\": \"ok\"}\n");
    CHECK_STR(fstat0(r)->format, "wecom-groupchat");
    CHECK_INT(nev(r), 4);
    CHECK_STR(ev(r, 0)->conv, "wrAbc");
    CHECK_STR(ev(r, 3)->targets[0], "wangwu");
    CHECK_INT(fstat0(r)->errors, 1);
    CHECK_STR(diag_msg(r, 0), "export/group.json:3: member lisi: expected a join time (join_time "
                              "or jointime, epoch seconds), found none; member skipped");
    run_free(r);
}

TEST(wecom_groupchat_api_error)
{
    run *r = import_str("wrX.json", "{\"errcode\": 90501, \"errmsg\": \"chat is not external group "
                                    "chat\", \"group_chat\": {}}");
    CHECK_STR(fstat0(r)->format, "wecom-groupchat");
    CHECK_INT(nev(r), 0);
    CHECK_STR(diag_msg(r, 0), "wrX.json:1: the API answered errcode 90501 (chat is not external "
                              "group chat): no group data; skipped");
    run_free(r);
}

/* -------------------------------------------------- dingtalk-dws-json */

TEST(dws_forwarded_sample_keeps_nested_records)
{
    run *r = import_file("dingtalk_dws_raw_message_forwarded.json");
    CHECK_STR(fstat0(r)->format, "dingtalk-dws-json");
    CHECK_INT(nev(r), 1);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->platform, "dingtalk");
    CHECK_STR(e->id, "msg-top");
    CHECK_STR(e->conv, "cid-top");
    CHECK_STR(e->sender, "hugozhu");
    CHECK(e->flags & CA_EV_SENDER_WEAK);
    CHECK_STR(ca_type_name(e->type), "record");
    CHECK_STR(e->title, "hugozhu与opencode-agent的聊天记录");
    CHECK_STR(when(e), "2026-07-20T21:41:21+08:00");
    CHECK_INT(e->n_items, 3);
    if (e->n_items == 3) {
        CHECK(e->items[0].sender_name == NULL); /* "null": unknown */
        CHECK_STR(e->items[0].text, "读下冬翔发给我的最近两条消息");
        CHECK_STR(item_when(&e->items[0]), "2026-07-20T09:30:33+08:00");
        CHECK_STR(e->items[1].sender_name, "冬翔");
        CHECK_STR(ca_type_name(e->items[1].type), "record"); /* holds the next one */
        CHECK_STR(e->items[2].sender_name, "念晨");
        CHECK_STR(e->items[2].text, "收到");
    }
    run_free(r);
}

TEST(dws_list_payload_partial_is_incomplete)
{
    run *r = import_file("dingtalk_dws_raw_message_list_payload.json");
    CHECK_STR(fstat0(r)->format, "dingtalk-dws-json");
    CHECK_INT(fstat0(r)->records, 2);
    CHECK_INT(nev(r), 0); /* neither message has a createTime */
    CHECK_STR(fstat0(r)->incomplete, "dws reported partial:true, failedCount 1: legacy failure");
    CHECK_STR(diag_msg(r, 0), "dingtalk/dingtalk_dws_raw_message_list_payload.json:1: expected a "
                              "createTime (YYYY-MM-DD HH:MM:SS or epoch), found none; message "
                              "skipped");
    CHECK_STR(diag_msg(r, 2), "dingtalk/dingtalk_dws_raw_message_list_payload.json:0: export is "
                              "incomplete: dws reported partial:true, failedCount 1: legacy "
                              "failure");
    run_free(r);
}

TEST(dws_pagination_page_has_more_is_incomplete)
{
    run *r = import_file("dingtalk_dws_raw_pagination_page.json");
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 0)->id, "m1"); /* sorted by time */
    CHECK_STR(when(ev(r, 0)), "2026-01-01T00:00:00+08:00");
    CHECK_STR(ev(r, 0)->conv, "dingtalk_dws_raw_pagination_page");
    CHECK_STR(fstat0(r)->incomplete, "dws reported hasMore:true on the last page (nextCursor "
                                     "1767225600123); later pages are not in this file");
    run_free(r);
    /* all pages present: the last one says hasMore false */
    r = import_str("pages.json",
        "[{\"result\":{\"hasMore\":true,\"nextCursor\":1767225600123,\"messages\":"
        "[{\"openMessageId\":\"m2\",\"createTime\":\"2026-01-02 00:00:00\",\"content\":\"b\"}]}},"
        " {\"result\":{\"hasMore\":false,\"messages\":"
        "[{\"openMessageId\":\"m1\",\"createTime\":\"2026-01-01 00:00:00\",\"content\":\"a\"}]}}]");
    CHECK_STR(fstat0(r)->format, "dingtalk-dws-json");
    CHECK_INT(nev(r), 2);
    CHECK(fstat0(r)->incomplete == NULL);
    run_free(r);
}

static const char ENVELOPE[] =
    "{\n"
    "  \"complete\": %s,\n"
    "  \"contractVersion\": \"im.message-list.v1\",\n"
    "  \"count\": 3,\n"
    "  \"hasMore\": %s,\n"
    "  \"messages\": [\n"
    "    {\"conversationId\": \"cidQA\", \"createTime\": \"2026-11-03 09:00:00\",\n"
    "     \"messageId\": \"7437267147299592543\", \"messageType\": \"text\", \"sender\": \"质量部-周红\",\n"
    "     \"senderId\": \"600100\", \"text\": \"@质量部-吴刚 周报几点交？\"},\n"
    "    {\"conversationId\": \"cidQA\", \"createTime\": \"2026-11-03 09:05:00\",\n"
    "     \"messageId\": \"7437267147299592544\", \"messageType\": \"text\", \"sender\": \"质量部-吴刚\",\n"
    "     \"senderId\": \"600200\", \"text\": \"五点前\",\n"
    "     \"quotedMessage\": {\"messageId\": \"7437267147299592543\", \"sender\": \"质量部-周红\",\n"
    "       \"text\": \"@质量部-吴刚 周报几点交？\", \"createTime\": \"2026-11-03 09:00:00\"}},\n"
    "    {\"conversationId\": \"cidQA\", \"createTime\": \"2026-11-03 09:06:00\",\n"
    "     \"messageId\": \"7437267147299592545\", \"messageType\": \"picture\", \"sender\": \"质量部-吴刚\",\n"
    "     \"senderId\": \"600200\", \"text\": \"[图片]\", \"atUsers\": [{\"userId\": \"600100\", \"nick\": \"质量部-周红\"}]}\n"
    "  ],\n"
    "  \"pagesFetched\": 2,\n"
    "  \"paginationKnown\": true,\n"
    "  \"partial\": false,\n"
    "  \"stopReason\": \"%s\"\n"
    "}\n";

static run *envelope(const char *complete, const char *has_more, const char *stop)
{
    static char buf[4096];
    snprintf(buf, sizeof buf, ENVELOPE, complete, has_more, stop);
    return import_str("研发部.json", buf);
}

TEST(dws_envelope_messages_quote_mentions)
{
    run *r = envelope("true", "false", "end");
    CHECK_STR(fstat0(r)->format, "dingtalk-dws-json");
    CHECK(fstat0(r)->incomplete == NULL);
    CHECK_INT(nev(r), 3);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->id, "7437267147299592543");
    CHECK_STR(e->conv, "cidQA");
    CHECK_STR(e->sender, "600100");
    CHECK_STR(e->sender_name, "质量部-周红");
    CHECK_STR(ca_type_name(e->type), "text");
    CHECK_INT(e->n_mentions, 1);
    CHECK_STR(e->mentions[0], "质量部-吴刚");
    e = ev(r, 1);
    CHECK_STR(ca_type_name(e->type), "quote");
    CHECK_STR(e->text, "五点前");
    CHECK_STR(e->reply_to, "7437267147299592543");
    CHECK_STR(e->quote_sender, "质量部-周红");
    CHECK_STR(e->quote_text, "@质量部-吴刚 周报几点交？");
    CHECK_INT(e->n_mentions, 0); /* the quoted text is not scanned */
    e = ev(r, 2);
    CHECK_STR(ca_type_name(e->type), "image");
    CHECK_INT(e->n_mentions, 1); /* structured: atUsers */
    CHECK_STR(e->mentions[0], "质量部-周红");
    run_free(r);
}

TEST(dws_envelope_complete_false_is_incomplete)
{
    run *r = envelope("false", "true", "page_limit");
    CHECK_INT(nev(r), 3); /* what is there is imported */
    CHECK_STR(fstat0(r)->incomplete, "dws reported complete:false, stopReason \"page_limit\"");
    run_free(r);
    /* an envelope that does not say it is complete */
    r = import_str("x.json", "{\"contractVersion\":\"im.message-list.v1\",\"messages\":[]}");
    CHECK_STR(fstat0(r)->format, "dingtalk-dws-json");
    CHECK_STR(fstat0(r)->incomplete, "dws reported no complete:true");
    run_free(r);
}

TEST(dws_list_payload_with_times_quote_and_forward)
{
    /* the list payload sample's shapes (sender object, content object,
     * quotedMessage without an id, forwarded) with times added */
    run *r = import_str("payload.json",
        "{\"messages\":[{\"openMessageId\":\"msg-top-1\",\"createTime\":\"2026-07-01 10:00:00\","
        "\"content\":{\"text\":\"顶层正文\"},\"msgType\":\"text\",\"sender\":{\"name\":\"张三\","
        "\"department\":\"研发\"},\"quotedMessage\":{\"msgType\":\"image\",\"content\":{\"mediaId\":"
        "\"media-1\",\"caption\":\"原图说明\"}}},"
        "{\"openMessageId\":\"msg-top-2\",\"createTime\":\"2026-07-01 10:01:00\",\"msgType\":\"reply\","
        "\"content\":\"好\",\"senderOpenDingTalkId\":\"od-1\",\"sender\":\"李四\","
        "\"forwarded\":[{\"openMessageId\":\"forward-1\",\"content\":{\"text\":\"转发正文\"}}]},"
        "{\"openMessageId\":\"msg-top-3\",\"createTime\":1782871320000,\"msgType\":\"holo\","
        "\"content\":\"?\"}],\"hasMore\":false}");
    CHECK_STR(fstat0(r)->format, "dingtalk-dws-json");
    CHECK_INT(nev(r), 3);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->sender, "张三");
    CHECK_STR(e->text, "顶层正文");
    CHECK_STR(ca_type_name(e->type), "quote");
    CHECK(e->reply_to == NULL);
    CHECK_STR(e->quote_text, "原图说明");
    e = ev(r, 1);
    CHECK_STR(e->sender, "od-1");
    CHECK_STR(ca_type_name(e->type), "record"); /* forwarded wins over reply */
    CHECK_INT(e->n_items, 1);
    CHECK_STR(e->n_items ? e->items[0].text : NULL, "转发正文");
    CHECK_STR(when(ev(r, 2)), "2026-07-01T10:02:00+08:00"); /* epoch ms */
    CHECK_STR(ca_type_name(ev(r, 2)->type), "other");
    CHECK_STR(diag_msg(r, 0), "payload.json:3: unknown message type \"holo\"; kept as type other");
    run_free(r);
}

/* -------------------------------------------------- dingtalk-events */

TEST(events_member_added_is_join)
{
    run *r = import_file("dingtalk_dws_event_group_member_added.json");
    CHECK_STR(fstat0(r)->format, "dingtalk-events");
    CHECK_INT(nev(r), 1);
    const ca_event *e = ev(r, 0);
    CHECK_STR(ca_kind_name(e->kind), "join");
    CHECK_STR(e->conv, "cid-group-1");
    CHECK_STR(e->actor, "operator-open-id");
    CHECK_STR(e->actor_name, "测试用户甲");
    CHECK_INT(e->n_targets, 2);
    CHECK_STR(e->targets[1], "member-open-id-2");
    CHECK_STR(e->target_names[1], "测试用户丙");
    CHECK_INT(e->time_ms, 1784782513502LL); /* payload.event_time */
    run_free(r);
}

TEST(events_recall_sample)
{
    run *r = import_file("dingtalk_dws_event_recall.json");
    CHECK_INT(nev(r), 1);
    const ca_event *e = ev(r, 0);
    CHECK_STR(ca_kind_name(e->kind), "recall");
    CHECK_STR(e->reply_to, "msg-1");
    CHECK_STR(e->sender, "recaller-open-id");
    CHECK_STR(e->sender_name, "测试用户乙");
    CHECK_STR(when(e), "2026-07-14T13:56:32+08:00"); /* msgRecallTime */
    CHECK_INT(e->n_targets, 1); /* the message was someone else's */
    CHECK_STR(e->targets[0], "sender-open-id");
    run_free(r);
}

TEST(events_message_receive_sample)
{
    run *r = import_file("dingtalk_dws_event_message_receive.json");
    CHECK_INT(nev(r), 1);
    const ca_event *e = ev(r, 0);
    CHECK_STR(ca_kind_name(e->kind), "message");
    CHECK_STR(ca_type_name(e->type), "text");
    CHECK_STR(e->id, "msg-1");
    CHECK_STR(e->conv, "cid-1");
    CHECK_STR(e->sender, "open-user-1");
    CHECK_STR(e->sender_name, "测试用户甲");
    CHECK_STR(e->text, "在吗");
    CHECK_STR(when(e), "2026-07-08T12:00:35+08:00");
    run_free(r);
}

TEST(events_read_and_reaction_counted_without_events)
{
    run *r = import_file("dingtalk_dws_event_read.json");
    CHECK_STR(fstat0(r)->format, "dingtalk-events");
    CHECK_INT(fstat0(r)->records, 1);
    CHECK_INT(nev(r), 0);
    CHECK_INT(ca_diag_len(r->diag), 0);
    run_free(r);
    r = import_file("dingtalk_dws_event_reaction.json");
    CHECK_STR(fstat0(r)->format, "dingtalk-events");
    CHECK_INT(fstat0(r)->records, 1);
    CHECK_INT(nev(r), 0);
    CHECK_INT(ca_diag_len(r->diag), 0);
    run_free(r);
}

TEST(events_flattened_ndjson_exit_leave_remove_rename)
{
    run *r = import_str("events.ndjson",
        "{\"type\":\"user_im_group_member_exited\",\"event_id\":\"e1\",\"timestamp\":1784782600000,"
        "\"conversation_id\":\"cid-g\",\"operator\":\"\",\"operator_open_dingtalk_id\":\"\","
        "\"members\":[{\"nick\":\"王五\",\"open_dingtalk_id\":\"od-w\"},{\"nick\":\"赵六\","
        "\"open_dingtalk_id\":\"od-z\"}],\"event_time\":1784782600000}\n"
        "{\"type\":\"user_im_group_member_exited\",\"event_id\":\"e2\",\"timestamp\":1784782700000,"
        "\"conversation_id\":\"cid-g\",\"operator\":\"张三\",\"operator_open_dingtalk_id\":\"od-zs\","
        "\"members\":[{\"nick\":\"钱七\",\"open_dingtalk_id\":\"od-q\"}],\"event_time\":1784782700000}\n"
        "{\"type\":\"user_im_group_member_exited\",\"event_id\":\"e3\",\"timestamp\":1784782800000,"
        "\"conversation_id\":\"cid-g\",\"operator\":\"孙八\",\"operator_open_dingtalk_id\":\"od-s\","
        "\"members\":[{\"nick\":\"孙八\",\"open_dingtalk_id\":\"od-s\"}],\"event_time\":1784782800000}\n"
        "{\"type\":\"user_im_group_updated\",\"event_id\":\"e4\",\"timestamp\":1784782900000,"
        "\"payload\":{\"body\":{\"title\":\"测试群新标题\",\"operator\":{\"uid\":100001},"
        "\"openConversationId\":\"cid-g\"},\"event_time\":1784782900000}}\n"
        "{\"type\":\"user_im_group_disbanded\",\"event_id\":\"e5\",\"timestamp\":1784783000000,"
        "\"payload\":{\"body\":{\"openConversationId\":\"cid-g\"}}}\n"
        "{\"type\":\"user_oa_approval_task_created\",\"event_id\":\"e6\",\"timestamp\":1784783000000}\n");
    CHECK_STR(fstat0(r)->format, "dingtalk-events");
    CHECK_INT(fstat0(r)->records, 6);
    CHECK_INT(nev(r), 6);
    CHECK_STR(ca_kind_name(ev(r, 0)->kind), "leave"); /* no operator: left by themselves */
    CHECK_STR(ev(r, 0)->sender, "od-w");
    CHECK_STR(ev(r, 0)->sender_name, "王五");
    CHECK_STR(ca_kind_name(ev(r, 1)->kind), "leave");
    CHECK_STR(ev(r, 1)->sender, "od-z");
    CHECK_STR(ca_kind_name(ev(r, 2)->kind), "remove");
    CHECK_STR(ev(r, 2)->actor, "od-zs");
    CHECK_STR(ev(r, 2)->targets[0], "od-q");
    CHECK_STR(ca_kind_name(ev(r, 3)->kind), "leave"); /* the operator is the member */
    CHECK_STR(ev(r, 3)->sender, "od-s");
    CHECK_STR(ca_kind_name(ev(r, 4)->kind), "rename");
    CHECK_STR(ev(r, 4)->title, "测试群新标题");
    CHECK_STR(ev(r, 4)->actor, "100001");
    CHECK_STR(ca_kind_name(ev(r, 5)->kind), "notice");
    CHECK_STR(ev(r, 5)->text, "群已解散");
    CHECK_INT(ca_diag_len(r->diag), 0);
    run_free(r);
}

TEST(events_legacy_group_callbacks)
{
    run *r = import_str("callbacks.ndjson",
        "{\"EventType\":\"chat_add_member\",\"ChatId\":\"chat1\",\"Operator\":\"u1\",\"UserId\":[\"u2\",\"u3\"],\"TimeStamp\":\"1784782600000\"}\n"
        "{\"EventType\":\"chat_remove_member\",\"ChatId\":\"chat1\",\"Operator\":\"u1\",\"UserId\":[\"u3\"],\"TimeStamp\":1784782700000}\n"
        "{\"EventType\":\"chat_quit\",\"ChatId\":\"chat1\",\"Operator\":\"u2\",\"TimeStamp\":1784782800000}\n"
        "{\"EventType\":\"chat_update_owner\",\"ChatId\":\"chat1\",\"Operator\":\"u1\",\"Owner\":\"u4\",\"TimeStamp\":1784782900000}\n"
        "{\"EventType\":\"chat_update_title\",\"ChatId\":\"chat1\",\"Operator\":\"u4\",\"Title\":\"新群名\",\"TimeStamp\":1784783000000}\n"
        "{\"EventType\":\"chat_disband\",\"ChatId\":\"chat1\",\"Operator\":\"u4\",\"TimeStamp\":1784783100000}\n"
        "{\"EventType\":\"chat_update_title\",\"ChatId\":\"chat1\",\"Operator\":\"u4\",\"Title\":\"无时间\"}\n");
    CHECK_STR(fstat0(r)->format, "dingtalk-events");
    CHECK_INT(nev(r), 6);
    static const char *kinds[] = {"join", "remove", "leave", "owner", "rename", "notice"};
    for (size_t i = 0; i < 6 && i < nev(r); i++) {
        CHECK_STR(ca_kind_name(ev(r, i)->kind), kinds[i]);
        CHECK_STR(ev(r, i)->conv, "chat1");
    }
    CHECK_INT(ev(r, 0)->n_targets, 2);
    CHECK_STR(ev(r, 0)->actor, "u1");
    CHECK_STR(ev(r, 1)->targets[0], "u3");
    CHECK_STR(ev(r, 2)->sender, "u2");
    CHECK_STR(ev(r, 3)->targets[0], "u4");
    CHECK_STR(ev(r, 4)->title, "新群名");
    CHECK_STR(ev(r, 4)->actor, "u4");
    CHECK_STR(diag_msg(r, 0), "callbacks.ndjson:7: expected a TimeStamp, found none; event "
                              "skipped");
    run_free(r);
}

TEST(events_robot_callback_stream_frame)
{
    run *r = import_file("dingtalk_robot_callback_stream.json");
    CHECK_STR(fstat0(r)->format, "dingtalk-events");
    CHECK_INT(nev(r), 1);
    const ca_event *e = ev(r, 0);
    CHECK_STR(ca_type_name(e->type), "text");
    CHECK_STR(e->id, "msgFakeRobot0001Qw==");
    CHECK_STR(e->conv, "cidQaGroup7Xk2mPq9==");
    CHECK_STR(e->conv_name, "质量部周会群");
    CHECK_STR(e->sender, "600100"); /* senderStaffId, not the encrypted senderId */
    CHECK_STR(e->sender_name, "质量部-周红");
    CHECK_STR(e->text, "请 @质量部-吴刚 确认周报");
    CHECK_INT(e->n_mentions, 1);
    CHECK_STR(e->mentions[0], "质量部-吴刚");
    CHECK_INT(e->time_ms, 1793930400123LL);
    run_free(r);
}

TEST(events_bad_json_line_in_the_middle)
{
    run *r = import_str("ev.ndjson",
        "{\"eventKey\":\"user_im_message_receive_group\",\"occurredAtMs\":1783483236995,\"payload\":"
        "{\"body\":{\"createTime\":\"2026-07-08 12:00:35\",\"sender\":\"甲\",\"openMessageId\":\"m1\","
        "\"senderOpenDingTalkId\":\"od1\",\"openConversationId\":\"cid-1\",\"content\":\"在吗\"}}}\n"
        "{\"eventKey\":\"user_im_message_receive_group\",\"payload\":{\"body\":\n"
        "{\"eventKey\":\"user_im_message_receive_group\",\"occurredAtMs\":1783483300000,\"payload\":"
        "\"{\\\"body\\\":{\\\"createTime\\\":\\\"2026-07-08 12:01:40\\\",\\\"sender\\\":\\\"乙\\\","
        "\\\"openMessageId\\\":\\\"m2\\\",\\\"openConversationId\\\":\\\"cid-1\\\",\\\"content\\\":\\\"在\\\"}}\"}\n");
    CHECK_STR(fstat0(r)->format, "dingtalk-events");
    CHECK_INT(fstat0(r)->records, 3);
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 1)->text, "在"); /* payload as a JSON string */
    CHECK_INT(ev(r, 1)->src_line, 3);
    CHECK_STR(diag_msg(r, 0), "ev.ndjson:2: invalid JSON: unexpected end of data; line skipped");
    run_free(r);
}

/* ---------------------------------------------- dingtalk-export-json */

TEST(export_json_recalled_absent_is_incomplete)
{
    run *r = import_file("dingtalk_exporter_export.json");
    CHECK_STR(fstat0(r)->format, "dingtalk-export-json");
    CHECK_INT(fstat0(r)->records, 4);
    CHECK_INT(nev(r), 4);
    CHECK_STR(fstat0(r)->incomplete, "recalled messages are not in this export (dingtalk-exporter "
                                     "keeps only messages with recallStatus 0)");
    const ca_event *e = ev(r, 0); /* "600100:600300" sorts before "cid-qa-group" */
    CHECK_STR(e->conv, "600100:600300");
    CHECK_STR(e->text, "收到，谢谢");
    e = ev(r, 1);
    CHECK_STR(e->conv, "cid-qa-group");
    CHECK_STR(e->conv_name, "质量部周会群");
    CHECK_STR(e->id, "9223372036854775001"); /* exact 64-bit id */
    CHECK_STR(e->sender, "600100");
    CHECK_STR(e->sender_name, "质量部-周红");
    CHECK_STR(when(e), "2026-11-06T09:20:00+08:00");
    CHECK_INT(e->n_mentions, 1);
    CHECK_STR(e->mentions[0], "质量部-吴刚"); /* at_ids */
    CHECK_STR(ca_type_name(ev(r, 2)->type), "image");
    CHECK(ev(r, 2)->text == NULL);
    /* 102 is 系统消息 to one tool and 分享链接 to another: kept as a
     * message with its text */
    CHECK_STR(ca_kind_name(ev(r, 3)->kind), "message");
    CHECK_STR(ca_type_name(ev(r, 3)->type), "other");
    CHECK_STR(ev(r, 3)->text, "质量部-吴刚 分享了 质检报告模板");
    run_free(r);
}

TEST(export_json_chat_query_is_recall)
{
    run *r = import_str("query.json",
        "{\"conversation\":{\"id\":1,\"cid\":\"cid-x\",\"type\":2,\"title\":\"项目群\"},"
        "\"messages\":[{\"id\":11,\"cid\":\"cid-x\",\"sender_id\":600100,\"sender_name\":\"周红\","
        "\"content_type\":1,\"content_text\":\"这句话撤回了\",\"created_at\":1793930400000,"
        "\"is_recall\":true},{\"id\":12,\"cid\":\"cid-x\",\"sender_id\":600200,\"sender_name\":\"吴刚\","
        "\"content_type\":1,\"content_text\":\"好\"}],\"exported_at\":\"2026-11-06T18:00:00+08:00\"}");
    CHECK_STR(fstat0(r)->format, "dingtalk-export-json");
    CHECK(fstat0(r)->incomplete == NULL);
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 0)->text, "这句话撤回了");
    CHECK_STR(ev(r, 0)->conv, "cid-x");
    CHECK_STR(ca_kind_name(ev(r, 1)->kind), "recall");
    CHECK_STR(ev(r, 1)->reply_to, "11");
    CHECK_STR(ev(r, 1)->sender, "600100");
    CHECK_STR(diag_msg(r, 0), "query.json:2: expected a created_at (epoch milliseconds) or "
                              "created_at_str, found none; message skipped");
    run_free(r);
}

/* -------------------------------------------------------- detection */

TEST(detection_by_content)
{
    static const struct { const char *file, *format; } want[] = {
        {"wecom_msgaudit_decrypted_examples.jsonl", "wecom-archive"},
        {"wecom_msgaudit_groupchat_get_response.json", "wecom-groupchat"},
        {"wecom_externalcontact_groupchat_get_response.json", "wecom-groupchat"},
        {"dingtalk_dws_event_group_member_added.json", "dingtalk-events"},
        {"dingtalk_dws_event_message_receive.json", "dingtalk-events"},
        {"dingtalk_dws_event_recall.json", "dingtalk-events"},
        {"dingtalk_dws_raw_message_forwarded.json", "dingtalk-dws-json"},
        {"dingtalk_dws_raw_message_list_payload.json", "dingtalk-dws-json"},
        {"dingtalk_dws_raw_pagination_page.json", "dingtalk-dws-json"},
        {"dingtalk_exporter_export.json", "dingtalk-export-json"},
        {"dingtalk_robot_callback_stream.json", "dingtalk-events"},
    };
    for (size_t i = 0; i < CA_ARRAY_LEN(want); i++) {
        size_t n = 0;
        char *data = slurp(want[i].file, &n);
        CHECK(data != NULL);
        if (!data)
            continue;
        char head[4097];
        size_t hn = n < 4096 ? n : 4096;
        memcpy(head, data, hn);
        head[hn] = '\0';
        int bid = 0;
        const ca_format *f = ca_format_detect(head, hn, want[i].file, &bid);
        CHECK_STR(f ? f->name : NULL, want[i].format);
        CHECK(bid >= 90);
        free(data);
    }
}

TEST(detection_other_json_gets_zero)
{
    /* rosters and unrelated JSON: no bid from any DingTalk/WeCom format */
    static const char *const others[] = {
        "{\"errcode\": \"0\", \"result\": {\"userid\": \"zhangsan\", \"name\": \"张三\", "
        "\"unionid\": \"z21HjQliSzpw0YWxxxxx\", \"dept_id_list\": \"[2,3,4]\"}, \"errmsg\": \"ok\"}",
        "{\"errcode\": 0, \"errmsg\": \"ok\", \"department\": [{\"id\": 2, \"name\": \"广州研发中心\", "
        "\"parentid\": 1, \"order\": 10}]}",
        "{\"userlist\": [{\"userid\": \"zhangsan\", \"name\": \"张三\", \"department\": [1, 2]}]}",
        "[{\"talker\": \"wxid_a\", \"msg\": \"hi\", \"CreateTime\": 1700000000}]",
        "{\"messages\": [{\"sender\": \"a\", \"content\": \"b\", \"timestamp\": 1700000000}]}",
        "{\"type\": \"message\", \"text\": \"not an event\"}",
    };
    static const char *const mine[] = {"dingtalk-dws-json", "dingtalk-events",
                                       "dingtalk-export-json", "wecom-archive",
                                       "wecom-groupchat"};
    for (size_t i = 0; i < CA_ARRAY_LEN(others); i++)
        for (size_t k = 0; k < CA_ARRAY_LEN(mine); k++) {
            const ca_format *f = ca_format_by_name(mine[k]);
            CHECK(f != NULL);
            if (f && f->bid(others[i], strlen(others[i]), "x.json") != 0)
                fprintf(stderr, "  %s bids on other JSON #%zu\n", mine[k], i);
            CHECK(!f || f->bid(others[i], strlen(others[i]), "x.json") == 0);
        }
}

TEST(invalid_json_document_reported)
{
    run *r = import_str("g.json", "{\"roomname\": \"x\", \"members\": [\n  {\"memberid\": }\n]}");
    CHECK_STR(fstat0(r)->format, "wecom-groupchat");
    CHECK_INT(nev(r), 0);
    CHECK_STR(diag_msg(r, 0), "g.json:2: invalid JSON at line 2, column 16: unexpected character; "
                              "entry skipped");
    run_free(r);
}

/* ------------------------------------------------------ out of memory */

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
    if (imp) {
        ca_status st = ca_import_buffer(imp, path, (const unsigned char *)data, len);
        if (st != CA_FATAL && ca_import_finish(imp) == CA_OK) {
            FILE *f = fopen("/dev/null", "w");
            ca_import_write_ndjson(imp, f);
            fclose(f);
        }
    }
    ca_import_free(imp);
    ca_alloc_fail_after(0);
    ca_diag_free(diag);
    ca_config_free(&cfg);
}

/* Every allocation of an import of each sample, failed in turn: a clean
 * error, never a crash or a leak (the sanitizer build checks). */
TEST(out_of_memory_every_allocation)
{
    static const char *const files[] = {
        "wecom_msgaudit_decrypted_examples.jsonl", "wecom_externalcontact_groupchat_get_response.json",
        "dingtalk_dws_raw_message_forwarded.json", "dingtalk_dws_raw_message_list_payload.json",
        "dingtalk_dws_event_recall.json", "dingtalk_dws_event_group_member_added.json",
        "dingtalk_exporter_export.json", "dingtalk_robot_callback_stream.json"};
    for (size_t i = 0; i < CA_ARRAY_LEN(files); i++) {
        size_t n = 0;
        char *data = slurp(files[i], &n);
        CHECK(data != NULL);
        if (!data)
            continue;
        ca_alloc_fail_after(0);
        long before = ca_alloc_count();
        import_failing(files[i], data, n, 0);
        long total = ca_alloc_count() - before;
        CHECK(total > 10);
        for (long k = 1; k <= total + 1; k++)
            import_failing(files[i], data, n, k);
        free(data);
    }
}

TEST_MAIN()
