/*
 * test_wechat.c — parsers/wechat.c: type codes, appmsg and sysmsg XML
 * (real samples in tests/data/wechat-xml, MIT, see the README there),
 * plain system wordings (wechat.md §3.4), @mentions, markup stripping and
 * the XML safety rules.
 */
#include "check.h"
#include "importer.h"
#include "../parsers/wechat.h"

#include <libxml/tree.h>

static const char DTD_WHY[] =
    "XML payload declares a DTD or entities; refused (no entity expansion)";

static char *slurp(const char *name, size_t *n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/wechat-xml/%s", CA_TEST_DATA, name);
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

/* Runs wx_parse_system on a sample file. */
static ca_status sys_file(ca_sink *s, const char *name, const wx_self *self, ca_event *ev)
{
    size_t n = 0;
    char *x = slurp(name, &n);
    CHECK(x != NULL);
    if (!x)
        return CA_FATAL;
    memset(ev, 0, sizeof *ev);
    ca_status st = wx_parse_system(x, n, self, 7, s, ev);
    free(x);
    return st;
}

static ca_status app_file(ca_sink *s, const char *name, ca_event *ev)
{
    size_t n = 0;
    char *x = slurp(name, &n);
    CHECK(x != NULL);
    if (!x)
        return CA_FATAL;
    memset(ev, 0, sizeof *ev);
    ev->type = wx_type_from_code(49, 0);
    ca_status st = wx_parse_appmsg(x, n, 7, s, ev);
    free(x);
    return st;
}

static ca_status sys_text(ca_sink *s, const char *text, const wx_self *self, ca_event *ev)
{
    memset(ev, 0, sizeof *ev);
    return wx_parse_system(text, strlen(text), self, 3, s, ev);
}

static ca_status app_text(ca_sink *s, const char *text, ca_event *ev)
{
    memset(ev, 0, sizeof *ev);
    return wx_parse_appmsg(text, strlen(text), 3, s, ev);
}

static const wx_self SELF = {"wxid_me", "我自己"};

/* ------------------------------------------------------------ type codes */

TEST(type_codes)
{
    CHECK_INT(wx_type_from_code(1, 0), CA_TYPE_TEXT);
    CHECK_INT(wx_type_from_code(3, 0), CA_TYPE_IMAGE);
    CHECK_INT(wx_type_from_code(34, 0), CA_TYPE_VOICE);
    CHECK_INT(wx_type_from_code(43, 0), CA_TYPE_VIDEO);
    CHECK_INT(wx_type_from_code(62, 0), CA_TYPE_VIDEO);
    CHECK_INT(wx_type_from_code(47, 0), CA_TYPE_STICKER);
    CHECK_INT(wx_type_from_code(48, 0), CA_TYPE_LOCATION);
    CHECK_INT(wx_type_from_code(42, 0), CA_TYPE_CARD);
    CHECK_INT(wx_type_from_code(66, 0), CA_TYPE_CARD);
    CHECK_INT(wx_type_from_code(50, 0), CA_TYPE_CALL);
    CHECK_INT(wx_type_from_code(49, 5), CA_TYPE_LINK);
    CHECK_INT(wx_type_from_code(49, 3), CA_TYPE_LINK);
    CHECK_INT(wx_type_from_code(49, 76), CA_TYPE_LINK);
    CHECK_INT(wx_type_from_code(49, 6), CA_TYPE_FILE);
    CHECK_INT(wx_type_from_code(49, 74), CA_TYPE_FILE);
    CHECK_INT(wx_type_from_code(49, 33), CA_TYPE_MINIPROGRAM);
    CHECK_INT(wx_type_from_code(49, 36), CA_TYPE_MINIPROGRAM);
    CHECK_INT(wx_type_from_code(49, 19), CA_TYPE_RECORD);
    CHECK_INT(wx_type_from_code(49, 40), CA_TYPE_RECORD);
    CHECK_INT(wx_type_from_code(49, 57), CA_TYPE_QUOTE);
    CHECK_INT(wx_type_from_code(49, 2000), CA_TYPE_TRANSFER);
    CHECK_INT(wx_type_from_code(49, 2001), CA_TYPE_REDPACKET);
    CHECK_INT(wx_type_from_code(49, 2003), CA_TYPE_REDPACKET);
    CHECK_INT(wx_type_from_code(49, 2), CA_TYPE_IMAGE);
    CHECK_INT(wx_type_from_code(49, 8), CA_TYPE_IMAGE);
    CHECK_INT(wx_type_from_code(49, 1), CA_TYPE_TEXT);
    CHECK_INT(wx_type_from_code(49, 51), CA_TYPE_OTHER);
    CHECK_INT(wx_type_from_code(49, 0), CA_TYPE_OTHER);
    CHECK_INT(wx_type_from_code(10000, 0), CA_TYPE_NONE);
    CHECK_INT(wx_type_from_code(10000, 4), CA_TYPE_NONE);
    CHECK_INT(wx_type_from_code(10002, 0), CA_TYPE_NONE);
    CHECK_INT(wx_type_from_code(12345, 0), CA_TYPE_OTHER);
}

/* ------------------------------------------------- real sysmsg samples */

static void check_invite(const char *file, const char *tid, const char *tname)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_file(s, file, &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_INT(ev.type, CA_TYPE_NONE);
    CHECK_STR(ev.actor, "wxid_gqhxp9ipfxv222");
    CHECK_STR(ev.actor_name, "🌙 周星星🌙(管理)");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets == 1) {
        CHECK_STR(ev.targets[0], tid);
        CHECK_STR(ev.target_names[0], tname);
    }
    char want[256];
    snprintf(want, sizeof want, "\"🌙 周星星🌙(管理)\"邀请\"%s\"加入了群聊", tname);
    CHECK_STR(ev.text, want);
    CHECK_INT(ca_test_sink_nwarn(s), 0);
    ca_test_sink_free(s);
}

TEST(sample_invite_template_1)
{
    check_invite("sysmsg_10002_invite_tmpl_type_profile_1.xml", "zhaokaihui123", "大辉辉");
}

TEST(sample_invite_template_2)
{
    check_invite("sysmsg_10002_invite_tmpl_type_profile_2.xml", "wxid_yr9kqgy0sx6s22", "帅哥");
}

TEST(sample_invite_template_3)
{
    check_invite("sysmsg_10002_invite_tmpl_type_profile_3.xml", "wxid_yr9kqgy0sx6s22", "帅哥");
}

TEST(sample_pat)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_file(s, "sysmsg_10002_pat.xml", &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_NOTICE);
    CHECK_INT(ev.type, CA_TYPE_NONE);
    CHECK_STR(ev.text, "\"wxid_gqhxp9ipfxv222\" 拍了拍我");
    CHECK_STR(ev.actor, "wxid_gqhxp9ipfxv222");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "wxid_6q3ar4xb7m1922");
    ca_test_sink_free(s);
}

static void check_revoke(const char *file, const char *newid)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_file(s, file, &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_INT(ev.type, CA_TYPE_NONE);
    CHECK_STR(ev.reply_to, newid);
    CHECK_STR(ev.sender, "🌙 周星星🌙(管理)");
    CHECK_STR(ev.sender_name, "🌙 周星星🌙(管理)");
    CHECK_STR(ev.actor_name, "🌙 周星星🌙(管理)");
    CHECK(ev.flags & CA_EV_SENDER_WEAK);
    CHECK(!(ev.flags & CA_EV_FROM_SELF));
    CHECK_STR(ev.text, "\"🌙 周星星🌙(管理)\" 撤回了一条消息");
    ca_test_sink_free(s);
}

TEST(sample_revoke_1)
{
    check_revoke("sysmsg_10002_revokemsg_1.xml", "1793967667995376130");
}

TEST(sample_revoke_2)
{
    check_revoke("sysmsg_10002_revokemsg_2.xml", "573030870260826826");
}

/* ------------------------------------------------- real appmsg samples */

TEST(sample_quote_reply_1)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_file(s, "appmsg_49_57_refermsg_quote_reply.xml", &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_MESSAGE);
    CHECK_INT(ev.type, CA_TYPE_QUOTE);
    CHECK_STR(ev.text, "idi");
    CHECK_STR(ev.reply_to, "5366901243628699568");
    CHECK_STR(ev.quote_sender, "wxid_6q3ar4xb7m1922");
    CHECK_STR(ev.quote_text, "@🌙 周星星🌙(管理)\nHere is the image based on your instruction:");
    CHECK_INT(ca_test_sink_nwarn(s), 0);
    ca_test_sink_free(s);
}

TEST(sample_quote_reply_2)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_file(s, "appmsg_49_57_refermsg_quote_reply_2.xml", &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_QUOTE);
    CHECK_STR(ev.text, "分析这个");
    CHECK_STR(ev.reply_to, "1221230959438763766");
    CHECK_STR(ev.quote_sender, "wxid_gqhxp9ipfxv222");
    /* The quoted message is a link (escaped appmsg): its title. */
    CHECK_STR(ev.quote_text, "streamlit里的alphalens：单因子分析框架（代码+数据）");
    CHECK_INT(ca_test_sink_nwarn(s), 0);
    ca_test_sink_free(s);
}

TEST(sample_merged_record_1)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_file(s, "appmsg_49_19_recorditem_merged_chat_1.xml", &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_RECORD);
    CHECK_STR(ev.title, "群聊的聊天记录");
    CHECK_INT(ev.n_items, 5);
    if (ev.n_items == 5) {
        CHECK_STR(ev.items[0].sender_name, "罗骁驿-天安数码城T5");
        CHECK_INT(ev.items[0].type, CA_TYPE_IMAGE);
        CHECK_STR(ev.items[0].time_text, "2024-06-28 10:28:26");
        CHECK_INT(ev.items[0].time_ms, 1719541706000LL); /* +08:00 */
        CHECK(ev.items[0].text == NULL);
        CHECK_STR(ev.items[4].sender_name, "温皇");
        CHECK_INT(ev.items[4].type, CA_TYPE_TEXT);
        CHECK_STR(ev.items[4].text, "成都果然炸裂");
    }
    CHECK_INT(ca_test_sink_nwarn(s), 0);
    ca_test_sink_free(s);
}

TEST(sample_merged_record_2)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_file(s, "appmsg_49_19_recorditem_merged_chat_2.xml", &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_RECORD);
    CHECK_INT(ev.n_items, 5);
    if (ev.n_items == 5) {
        CHECK_STR(ev.items[0].sender_name, "帅哥-）");
        CHECK_INT(ev.items[0].type, CA_TYPE_TEXT);
        CHECK_STR(ev.items[0].text, "@🌙 周星星🌙(管理)\n你好！有什么可以帮助你的吗？");
        CHECK_STR(ev.items[0].time_text, "2024-06-28 23:35:44");
        CHECK_INT(ev.items[0].time_ms, 1719588944000LL); /* srcMsgCreateTime */
        CHECK_STR(ev.items[1].text, ">KFC");
    }
    ca_test_sink_free(s);
}

/* -------------------------------------------------- plain wordings (zh) */

TEST(plain_invite_others)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, "\"张三\"邀请\"李四、王五\"加入了群聊", &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_INT(ev.type, CA_TYPE_NONE);
    CHECK_STR(ev.actor, "张三");
    CHECK_STR(ev.actor_name, "张三");
    CHECK_INT(ev.n_targets, 2);
    if (ev.n_targets == 2) {
        CHECK_STR(ev.targets[0], "李四");
        CHECK_STR(ev.target_names[1], "王五");
    }
    CHECK_STR(ev.text, "\"张三\"邀请\"李四、王五\"加入了群聊");
    ca_test_sink_free(s);
}

TEST(plain_invite_quoted_list)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"张三\"邀请\"李四\"和\"王五\"加入了群聊", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_INT(ev.n_targets, 2);
    if (ev.n_targets == 2) {
        CHECK_STR(ev.targets[0], "李四");
        CHECK_STR(ev.targets[1], "王五");
    }
    ca_test_sink_free(s);
}

TEST(plain_you_invited)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "你邀请\"李四\"加入了群聊  ", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_STR(ev.actor_name, "我自己");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "李四");
    CHECK_STR(ev.text, "你邀请\"李四\"加入了群聊");
    ca_test_sink_free(s);
}

TEST(plain_you_without_self)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "你邀请\"李四\"加入了群聊", NULL, &ev);
    CHECK_STR(ev.actor, "self");
    CHECK_STR(ev.actor_name, "你");
    wx_self only_name = {NULL, "老王"};
    sys_text(s, "你邀请\"李四\"加入了群聊", &only_name, &ev);
    CHECK_STR(ev.actor, "老王");
    CHECK_STR(ev.actor_name, "老王");
    ca_test_sink_free(s);
}

TEST(plain_invited_you_with_members)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"张三\"邀请你加入了群聊，群聊参与人还有：李四、王五", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "张三");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "wxid_me");
    ca_test_sink_free(s);
}

TEST(plain_invited_you_and_other)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"张三\"邀请你和\"李四\"加入了群聊", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "张三");
    CHECK_INT(ev.n_targets, 2);
    if (ev.n_targets == 2) {
        CHECK_STR(ev.targets[0], "wxid_me");
        CHECK_STR(ev.targets[1], "李四");
    }
    ca_test_sink_free(s);
}

TEST(plain_qr_join_your_code)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"李四\"通过扫描你分享的二维码加入群聊  ", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "李四");
    ca_test_sink_free(s);
}

TEST(plain_qr_join_other_code)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\" 李四\"通过扫描\"张三\"分享的二维码加入群聊", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "张三");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "李四");
    ca_test_sink_free(s);
}

TEST(plain_you_removed)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "你将\"李四\"移出了群聊", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_REMOVE);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "李四");
    ca_test_sink_free(s);
}

TEST(plain_you_were_removed)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "你被\"张三\"移出群聊", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_REMOVE);
    CHECK_STR(ev.actor, "张三");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "wxid_me");
    ca_test_sink_free(s);
}

TEST(plain_rename)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"张三\"修改群名为“研发部 2 群”", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RENAME);
    CHECK_STR(ev.actor, "张三");
    CHECK_STR(ev.title, "研发部 2 群");
    CHECK_INT(ev.type, CA_TYPE_NONE);
    sys_text(s, "你修改群名为“新名”", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RENAME);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_STR(ev.title, "新名");
    ca_test_sink_free(s);
}

TEST(plain_recall_other)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"张三\" 撤回了一条消息", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.sender, "张三");
    CHECK_STR(ev.actor, "张三");
    CHECK(ev.reply_to == NULL);
    CHECK(ev.flags & CA_EV_SENDER_WEAK);
    ca_test_sink_free(s);
}

TEST(plain_recall_self)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "你撤回了一条消息", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.sender, "wxid_me");
    CHECK_STR(ev.sender_name, "我自己");
    CHECK(ev.flags & CA_EV_FROM_SELF);
    ca_test_sink_free(s);
}

TEST(plain_recall_self_revokemsg_markup)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "<revokemsg>你撤回了一条消息</revokemsg>", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.sender, "wxid_me");
    CHECK_STR(ev.text, "你撤回了一条消息");
    sys_text(s, "<![CDATA[你撤回了一条消息 <a href=\"weixin://revoke_edit_click\">重新编辑</a>]]>",
             &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.text, "你撤回了一条消息");
    /* MemoTrace strips the tags but keeps the link text. */
    sys_text(s, "你撤回了一条消息 重新编辑", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.sender, "wxid_me");
    ca_test_sink_free(s);
}

TEST(plain_owner)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"张三\"已成为新群主", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_OWNER);
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "张三");
    sys_text(s, "你已成为新群主", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_OWNER);
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "wxid_me");
    ca_test_sink_free(s);
}

TEST(plain_leave)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"张三\"退出了群聊", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_LEAVE);
    CHECK_STR(ev.actor, "张三");
    sys_text(s, "李四退出了群聊", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_LEAVE);
    CHECK_STR(ev.actor, "李四");
    CHECK_INT(ev.n_targets, 1);
    ca_test_sink_free(s);
}

TEST(plain_notices)
{
    static const char *const texts[] = {
        "\"张三\" 拍了拍我",
        "你已添加了张三，现在可以开始聊天了。",
        "以上是打招呼的内容",
        "\"张三\"修改了群公告",
        "张三开启了群聊邀请确认",
    };
    ca_sink *s = ca_test_sink_new();
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ca_event ev;
        CHECK_INT(sys_text(s, texts[i], &SELF, &ev), CA_OK);
        CHECK_INT(ev.kind, CA_KIND_NOTICE);
        CHECK_INT(ev.type, CA_TYPE_NONE);
        CHECK_STR(ev.text, texts[i]);
    }
    ca_event ev;
    sys_text(s, "<_wc_custom_link_ href=\"weixin://x\">\"张三\"</_wc_custom_link_> 拍了拍我", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_NOTICE);
    CHECK_STR(ev.text, "\"张三\" 拍了拍我");
    CHECK_INT(ca_test_sink_nwarn(s), 0);
    ca_test_sink_free(s);
}

/* -------------------------------------------------- plain wordings (en) */

TEST(english_you_invited)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "You invited Alice to the group chat", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "Alice");
    sys_text(s, "You invited \"Alice\", \"Bob Li\" and \"Carol\" to the group chat.", NULL, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor_name, "You");
    CHECK_INT(ev.n_targets, 3);
    if (ev.n_targets == 3)
        CHECK_STR(ev.targets[1], "Bob Li");
    ca_test_sink_free(s);
}

TEST(english_invited)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"Alice\" invited \"Bob\" to the group chat", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "Alice");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "Bob");
    ca_test_sink_free(s);
}

TEST(english_qr_join)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"Bob\" joined the group chat via the QR Code shared by \"Alice\".", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "Alice");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "Bob");
    CHECK_STR(ev.text, "\"Bob\" joined the group chat via the QR Code shared by \"Alice\".");
    ca_test_sink_free(s);
}

TEST(english_you_removed)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "You removed \"Bob\" from the group chat", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_REMOVE);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "Bob");
    ca_test_sink_free(s);
}

TEST(english_rename)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"Alice\" changed the group name to \"R&D \"2\"\"", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RENAME);
    CHECK_STR(ev.actor, "Alice");
    CHECK_STR(ev.title, "R&D \"2\"");
    ca_test_sink_free(s);
}

TEST(english_recall)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, "\"Alice\" has recalled a message.", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.sender, "Alice");
    sys_text(s, "You recalled a message", &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.sender, "wxid_me");
    CHECK(ev.flags & CA_EV_FROM_SELF);
    ca_test_sink_free(s);
}

/* ------------------------------------------------------ sysmsg shapes */

TEST(sysmsg_template_you_invited_with_revoke)
{
    const char *x =
        "<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\">"
        "<plain><![CDATA[]]></plain>"
        "<template><![CDATA[你邀请\"$names$\"加入了群聊  $revoke$]]></template>"
        "<link_list><link name=\"names\" type=\"link_profile\"><memberlist>"
        "<member><username><![CDATA[wxid_a]]></username><nickname><![CDATA[甲、乙]]></nickname></member>"
        "<member><username><![CDATA[wxid_b]]></username><nickname><![CDATA[丙]]></nickname></member>"
        "</memberlist><separator><![CDATA[、]]></separator></link>"
        "<link name=\"revoke\" type=\"link_revoke\" hidden=\"1\"><title><![CDATA[撤销]]></title></link>"
        "</link_list></content_template></sysmsgtemplate></sysmsg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, x, &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_STR(ev.text, "你邀请\"甲、乙、丙\"加入了群聊");
    CHECK_INT(ev.n_targets, 2); /* ids from the memberlist, not a split */
    if (ev.n_targets == 2) {
        CHECK_STR(ev.targets[0], "wxid_a");
        CHECK_STR(ev.target_names[0], "甲、乙");
        CHECK_STR(ev.targets[1], "wxid_b");
    }
    ca_test_sink_free(s);
}

TEST(sysmsg_template_qr_join)
{
    const char *x =
        "<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\">"
        "<template><![CDATA[\" $adder$\"通过扫描\"$from$\"分享的二维码加入群聊]]></template>"
        "<link_list>"
        "<link name=\"adder\" type=\"link_profile\"><memberlist><member><username>wxid_b</username>"
        "<nickname>小B</nickname></member></memberlist></link>"
        "<link name=\"from\" type=\"link_profile\"><memberlist><member><username>wxid_a</username>"
        "<nickname>老A</nickname></member></memberlist></link>"
        "</link_list></content_template></sysmsgtemplate></sysmsg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, x, &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "wxid_a");
    CHECK_STR(ev.actor_name, "老A");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "wxid_b");
    CHECK_STR(ev.text, "\" 小B\"通过扫描\"老A\"分享的二维码加入群聊");
    ca_test_sink_free(s);
}

TEST(sysmsg_template_unknown_placeholder)
{
    /* $from$ has no link: the rendered text is matched instead. */
    const char *x =
        "<sysmsg type=\"sysmsgtemplate\"><sysmsgtemplate><content_template type=\"tmpl_type_profile\">"
        "<template><![CDATA[\"$username$\"邀请\"$names$\"加入了群聊]]></template>"
        "<link_list><link name=\"names\" type=\"link_profile\"><memberlist><member>"
        "<username>wxid_b</username><nickname>小B</nickname></member></memberlist></link>"
        "<link name=\"username\" type=\"link_profile\"><title>管理员</title></link>"
        "</link_list></content_template></sysmsgtemplate></sysmsg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, x, &SELF, &ev), CA_OK);
    CHECK_STR(ev.text, "\"管理员\"邀请\"小B\"加入了群聊");
    CHECK_INT(ev.kind, CA_KIND_JOIN);
    CHECK_STR(ev.actor, "管理员");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets)
        CHECK_STR(ev.targets[0], "wxid_b");
    ca_test_sink_free(s);
}

TEST(sysmsg_delchatroommember)
{
    const char *x =
        "<sysmsg type=\"delchatroommember\"><delchatroommember>"
        "<plain><![CDATA[你将\"Huan LI++\"移出了群聊]]></plain>"
        "<text><![CDATA[你将\"Huan LI++\"移出了群聊]]></text>"
        "<link><scene>invite</scene><text><![CDATA[  撤销]]></text>"
        "<memberlist><username><![CDATA[wxid_5zj4i5htp9ih22]]></username></memberlist>"
        "</link></delchatroommember></sysmsg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, x, &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_REMOVE);
    CHECK_STR(ev.actor, "wxid_me");
    CHECK_INT(ev.n_targets, 1);
    if (ev.n_targets) {
        CHECK_STR(ev.targets[0], "wxid_5zj4i5htp9ih22");
        CHECK_STR(ev.target_names[0], "Huan LI++");
    }
    ca_test_sink_free(s);
}

TEST(sysmsg_revoke_self)
{
    const char *x = "<sysmsg type=\"revokemsg\"><revokemsg><session>1@chatroom</session>"
                    "<msgid>1</msgid><newmsgid>42</newmsgid>"
                    "<replacemsg><![CDATA[你撤回了一条消息]]></replacemsg></revokemsg></sysmsg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    sys_text(s, x, &SELF, &ev);
    CHECK_INT(ev.kind, CA_KIND_RECALL);
    CHECK_STR(ev.reply_to, "42");
    CHECK_STR(ev.sender, "wxid_me");
    CHECK(ev.flags & CA_EV_FROM_SELF);
    ca_test_sink_free(s);
}

TEST(sysmsg_other_is_notice)
{
    const char *x = "<sysmsg type=\"mmchatroombarannouncememt\"><mmchatroombarannouncememt>"
                    "<content><![CDATA[明天 9 点开会]]></content></mmchatroombarannouncememt></sysmsg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, x, &SELF, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_NOTICE);
    CHECK_STR(ev.text, "明天 9 点开会");
    ca_test_sink_free(s);
}

TEST(sysmsg_malformed_warns)
{
    const char *x = "<sysmsg type=\"revokemsg\"><revokemsg><replacemsg>oops</revokemsg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, x, &SELF, &ev), CA_WARN);
    CHECK_INT(ev.kind, CA_KIND_NOTICE);
    CHECK_STR(ev.text, x);
    CHECK_INT(ca_test_sink_nwarn(s), 1);
    CHECK(strstr(ca_test_sink_last_msg(s), "type-10002 system message: XML payload is not well-formed") != NULL);
    ca_test_sink_free(s);
}

/* ------------------------------------------------------------- appmsg */

TEST(appmsg_link)
{
    const char *x = "<msg><appmsg appid=\"\" sdkver=\"0\"><title>季度报告</title><des>点击查看</des>"
                    "<type>5</type><url>https://example.com/a?x=1&amp;y=2</url></appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_OK);
    CHECK_INT(ev.kind, CA_KIND_MESSAGE);
    CHECK_INT(ev.type, CA_TYPE_LINK);
    CHECK_STR(ev.title, "季度报告");
    CHECK_STR(ev.url, "https://example.com/a?x=1&y=2");
    CHECK_STR(ev.text, "季度报告\n点击查看");
    ca_test_sink_free(s);
}

TEST(appmsg_file_with_sender_prefix)
{
    const char *x = "wxid_abc123:\n<?xml version=\"1.0\"?>\n<msg><appmsg><title>客户名单.xlsx</title>"
                    "<type>6</type><appattach><totallen>1024</totallen><fileext>xlsx</fileext>"
                    "</appattach></appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_FILE);
    CHECK_STR(ev.title, "客户名单.xlsx");
    CHECK_STR(ev.text, "客户名单.xlsx");
    CHECK_INT(ca_test_sink_nwarn(s), 0);
    ca_test_sink_free(s);
}

TEST(appmsg_transfer)
{
    const char *x = "<msg><appmsg><title><![CDATA[微信转账]]></title><type>2000</type>"
                    "<wcpayinfo><paysubtype>1</paysubtype><feedesc><![CDATA[￥200.00]]></feedesc>"
                    "<pay_memo><![CDATA[房租]]></pay_memo></wcpayinfo></appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_TRANSFER);
    CHECK_STR(ev.text, "￥200.00 房租");
    CHECK_STR(ev.title, "微信转账");
    ca_test_sink_free(s);
}

TEST(appmsg_redpacket)
{
    const char *x = "<msg><appmsg><title><![CDATA[微信红包]]></title><type>2001</type>"
                    "<wcpayinfo><receivertitle><![CDATA[恭喜发财，大吉大利]]></receivertitle>"
                    "</wcpayinfo></appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_REDPACKET);
    CHECK_STR(ev.text, "恭喜发财，大吉大利");
    ca_test_sink_free(s);
}

TEST(appmsg_miniprogram)
{
    const char *x = "<msg><appmsg><title>订餐</title><type>33</type>"
                    "<sourcedisplayname>美团</sourcedisplayname>"
                    "<weappinfo><pagepath><![CDATA[pages/index.html]]></pagepath></weappinfo>"
                    "</appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_MINIPROGRAM);
    CHECK_STR(ev.title, "订餐");
    CHECK_STR(ev.url, "pages/index.html");
    ca_test_sink_free(s);
}

TEST(quote_content_prefix_stripped)
{
    const char *x = "<msg><appmsg><title>收到</title><type>57</type><refermsg><type>1</type>"
                    "<svrid>123456789012345678</svrid><fromusr>1@chatroom</fromusr>"
                    "<chatusr>wxid_x</chatusr><displayname>张三</displayname>"
                    "<content>wxid_x:\n明天交报告</content></refermsg></appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_OK);
    CHECK_INT(ev.type, CA_TYPE_QUOTE);
    CHECK_STR(ev.text, "收到");
    CHECK_STR(ev.reply_to, "123456789012345678");
    CHECK_STR(ev.quote_sender, "wxid_x");
    CHECK_STR(ev.quote_text, "明天交报告");
    /* Without chatusr a wxid_ prefix is still recognised; a word is not. */
    x = "<msg><appmsg><title>好</title><type>57</type><refermsg><svrid>1</svrid>"
        "<displayname>李四</displayname><content>wxid_y:\n注意:\n明天</content></refermsg></appmsg></msg>";
    app_text(s, x, &ev);
    CHECK_STR(ev.quote_sender, "李四");
    CHECK_STR(ev.quote_text, "注意:\n明天");
    ca_test_sink_free(s);
}

TEST(appmsg_malformed_warns_and_falls_back)
{
    const char *x = "<msg><appmsg><title>半截</title><type>5</type>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = wx_type_from_code(49, 5);
    CHECK_INT(wx_parse_appmsg(x, strlen(x), 12, s, &ev), CA_WARN);
    CHECK_INT(ev.kind, CA_KIND_MESSAGE);
    CHECK_INT(ev.type, CA_TYPE_LINK); /* the caller's type is kept */
    CHECK_STR(ev.text, x);
    CHECK_INT(ca_test_sink_nwarn(s), 1);
    CHECK_STR(ca_test_sink_last_msg(s),
              "type-49 app message: XML payload is not well-formed (an element is not "
              "closed: truncated?); kept as raw text");
    /* No type from the caller: other. */
    CHECK_INT(app_text(s, "not xml at all", &ev), CA_WARN);
    CHECK_INT(ev.type, CA_TYPE_OTHER);
    CHECK_STR(ev.text, "not xml at all");
    CHECK_INT(ca_test_sink_nwarn(s), 2);
    ca_test_sink_free(s);
}

TEST(appmsg_without_appmsg_element)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, "<msg><img src=\"x\"/></msg>", &ev), CA_WARN);
    CHECK_STR(ca_test_sink_last_msg(s),
              "type-49 app message: expected <msg><appmsg>, found <msg>; kept as raw text");
    ca_test_sink_free(s);
}

/* --------------------------------------------------------- XML safety */

TEST(xml_external_entity_refused)
{
    const char *x = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                    "<msg><appmsg><title>&e;</title><type>5</type></appmsg></msg>";
    const char *why = NULL;
    CHECK(wx_xml_read(x, strlen(x), &why) == NULL);
    CHECK_STR(why, DTD_WHY);
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_WARN);
    CHECK_STR(ca_test_sink_last_msg(s),
              "type-49 app message: XML payload declares a DTD or entities; refused "
              "(no entity expansion); kept as raw text");
    CHECK(strstr(ev.text, "root:") == NULL);
    CHECK_STR(ev.text, x);
    ca_test_sink_free(s);
}

TEST(xml_billion_laughs_refused)
{
    const char *x =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n<sysmsg type=\"x\"><plain>&lol9;</plain></sysmsg>";
    const char *why = NULL;
    CHECK(wx_xml_read(x, strlen(x), &why) == NULL);
    CHECK_STR(why, DTD_WHY);
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(sys_text(s, x, &SELF, &ev), CA_WARN);
    CHECK_INT(ev.kind, CA_KIND_NOTICE);
    CHECK_STR(ca_test_sink_last_msg(s),
              "type-10002 system message: XML payload declares a DTD or entities; "
              "refused (no entity expansion); kept as a notice with the raw text");
    ca_test_sink_free(s);
}

TEST(xml_dtd_in_nested_recorditem_refused)
{
    /* Literal inside CDATA: the whole payload is refused. */
    const char *x = "<msg><appmsg><title>记录</title><type>19</type><recorditem><![CDATA["
                    "<!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><recordinfo>"
                    "<datalist count=\"1\"><dataitem datatype=\"1\"><datadesc>&e;</datadesc>"
                    "</dataitem></datalist></recordinfo>]]></recorditem></appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_WARN);
    CHECK_INT(ev.type, CA_TYPE_OTHER);
    CHECK_INT(ev.n_items, 0);
    CHECK_STR(ca_test_sink_last_msg(s),
              "type-49 app message: XML payload declares a DTD or entities; refused "
              "(no entity expansion); kept as raw text");
    /* Escaped: the outer payload is fine, the nested recordinfo is refused. */
    x = "<msg><appmsg><title>记录</title><type>19</type><recorditem>"
        "&lt;!DOCTYPE r [&lt;!ENTITY e SYSTEM \"file:///etc/passwd\"&gt;]&gt;&lt;recordinfo&gt;"
        "&lt;datalist count=\"1\"&gt;&lt;dataitem datatype=\"1\"&gt;&lt;datadesc&gt;&amp;e;"
        "&lt;/datadesc&gt;&lt;/dataitem&gt;&lt;/datalist&gt;&lt;/recordinfo&gt;"
        "</recorditem></appmsg></msg>";
    CHECK_INT(app_text(s, x, &ev), CA_WARN);
    CHECK_INT(ev.type, CA_TYPE_RECORD);
    CHECK_STR(ev.title, "记录");
    CHECK_INT(ev.n_items, 0);
    CHECK_STR(ca_test_sink_last_msg(s),
              "merged chat record: <recorditem> XML payload declares a DTD or entities; "
              "refused (no entity expansion); items not read");
    ca_test_sink_free(s);
}

TEST(xml_depth_limited)
{
    char buf[4096];
    size_t k = 0;
    for (int i = 0; i < 80; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "<a>");
    for (int i = 0; i < 80; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "</a>");
    const char *why = NULL;
    CHECK(wx_xml_read(buf, k, &why) == NULL);
    CHECK_STR(why, "XML payload nests elements deeper than 64 levels; refused");
    k = 0;
    for (int i = 0; i < 60; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "<a>");
    for (int i = 0; i < 60; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "</a>");
    struct _xmlDoc *d = wx_xml_read(buf, k, &why);
    CHECK(d != NULL);
    xmlFreeDoc(d);
}

TEST(xml_declared_encoding_ignored)
{
    const char *x = "<?xml version=\"1.0\" encoding=\"GBK\"?><msg><appmsg><title>中文标题</title>"
                    "<type>5</type></appmsg></msg>";
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    CHECK_INT(app_text(s, x, &ev), CA_OK);
    CHECK_STR(ev.title, "中文标题");
    ca_test_sink_free(s);
}

TEST(xml_empty_and_undeclared_entity)
{
    const char *why = NULL;
    CHECK(wx_xml_read("", 0, &why) == NULL);
    CHECK_STR(why, "XML payload is empty");
    const char *x = "<msg>&nbsp;</msg>";
    CHECK(wx_xml_read(x, strlen(x), &why) == NULL);
    CHECK_STR(why, "XML payload is not well-formed (undeclared entity reference)");
}

/* ----------------------------------------------------------- mentions */

static void mentions(ca_sink *s, const char *text, ca_event *ev)
{
    memset(ev, 0, sizeof *ev);
    CHECK_INT(wx_find_mentions(text, s, ev), 0);
}

TEST(mention_u2005_end)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    mentions(s, "@🌙 周星星🌙(管理)\u2005你好", &ev);
    CHECK_INT(ev.n_mentions, 1);
    if (ev.n_mentions)
        CHECK_STR(ev.mentions[0], "🌙");  /* an ASCII space also ends a name */
    mentions(s, "@张三\u2005请看一下", &ev);
    CHECK_INT(ev.n_mentions, 1);
    if (ev.n_mentions)
        CHECK_STR(ev.mentions[0], "张三");
    ca_test_sink_free(s);
}

TEST(mention_space_end)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    mentions(s, "请 @李四 确认", &ev);
    CHECK_INT(ev.n_mentions, 1);
    if (ev.n_mentions)
        CHECK_STR(ev.mentions[0], "李四");
    mentions(s, "@王五\u3000好", &ev);
    CHECK_INT(ev.n_mentions, 1);
    if (ev.n_mentions)
        CHECK_STR(ev.mentions[0], "王五");
    ca_test_sink_free(s);
}

TEST(mention_end_of_text)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    mentions(s, "看这里@赵六", &ev);
    CHECK_INT(ev.n_mentions, 1);
    if (ev.n_mentions)
        CHECK_STR(ev.mentions[0], "赵六");
    ca_test_sink_free(s);
}

TEST(mention_two_and_dedup)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    mentions(s, "@张三\u2005@李四\u2005还有 @张三 ", &ev);
    CHECK_INT(ev.n_mentions, 2);
    if (ev.n_mentions == 2) {
        CHECK_STR(ev.mentions[0], "张三");
        CHECK_STR(ev.mentions[1], "李四");
    }
    ca_test_sink_free(s);
}

TEST(mention_all)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    mentions(s, "@所有人\u2005明天放假", &ev);
    CHECK_INT(ev.n_mentions, 0);
    CHECK(ev.flags & CA_EV_MENTION_ALL);
    mentions(s, "@All meeting now, @Bob", &ev);
    CHECK(ev.flags & CA_EV_MENTION_ALL);
    CHECK_INT(ev.n_mentions, 1);
    if (ev.n_mentions)
        CHECK_STR(ev.mentions[0], "Bob");
    ca_test_sink_free(s);
}

TEST(mention_email_is_not)
{
    ca_sink *s = ca_test_sink_new();
    ca_event ev;
    mentions(s, "mail zhang.san@example.com or a_b-c@x.cn, no @ here", &ev);
    CHECK_INT(ev.n_mentions, 0);
    CHECK(!(ev.flags & CA_EV_MENTION_ALL));
    mentions(s, NULL, &ev);
    CHECK_INT(ev.n_mentions, 0);
    ca_test_sink_free(s);
}

/* ------------------------------------------------------- strip markup */

TEST(strip_markup)
{
    ca_sink *s = ca_test_sink_new();
    const char *in = "<![CDATA[\"A\" 撤回了一条消息 <a href=\"weixin://revoke_edit_click\">重新编辑</a>]]>";
    CHECK_STR(wx_strip_markup(in, strlen(in), s), "\"A\" 撤回了一条消息 ");
    in = "见<a href=\"https://x\">链接</a><img src=\"a.png\"/>&lt;b&gt; &amp; &quot;q&quot; &apos;&#x4E2D;&#25991;";
    CHECK_STR(wx_strip_markup(in, strlen(in), s), "见链接<b> & \"q\" '中文");
    in = "a<b and 1 < 2 > 0 &unknown; <span>x</span>";
    CHECK_STR(wx_strip_markup(in, strlen(in), s), in);
    in = "<revokemsg>你撤回了一条消息</revokemsg>";
    CHECK_STR(wx_strip_markup(in, strlen(in), s), "你撤回了一条消息");
    ca_test_sink_free(s);
}

/* ------------------------------------------------------ out of memory */

TEST(oom_never_crashes)
{
    static const char *const files[] = {
        "appmsg_49_19_recorditem_merged_chat_2.xml",
        "appmsg_49_57_refermsg_quote_reply_2.xml",
        "sysmsg_10002_invite_tmpl_type_profile_1.xml",
        "sysmsg_10002_revokemsg_1.xml",
    };
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t n = 0;
        char *x = slurp(files[f], &n);
        CHECK(x != NULL);
        if (!x)
            continue;
        int sys = strncmp(files[f], "sysmsg", 6) == 0;
        int ok = 0;
        for (long k = 1; k < 400 && !ok; k++) {
            ca_sink *s = ca_test_sink_new();
            if (!s)
                break;
            ca_event ev;
            memset(&ev, 0, sizeof ev);
            ca_alloc_fail_after(k);
            ca_status st = sys ? wx_parse_system(x, n, &SELF, 1, s, &ev)
                               : wx_parse_appmsg(x, n, 1, s, &ev);
            if (st == CA_OK && ev.text == NULL)
                st = CA_FAILED; /* the arena failed silently? */
            int m = wx_find_mentions("@a\u2005@b", s, &ev);
            ca_alloc_fail_after(0);
            CHECK(st == CA_OK || st == CA_FATAL);
            CHECK(m == 0 || m == -1);
            ok = st == CA_OK && m == 0;
            ca_test_sink_free(s);
        }
        CHECK(ok);
        free(x);
    }
}

TEST_MAIN()
