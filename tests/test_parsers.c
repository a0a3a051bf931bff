/* Unit tests of the CSV reader and the WeChat CSV importers: every "must
 * get right" case of SPEC §3, on small inline exports. */
#include <sys/stat.h>
#include "check.h"
#include "csvrows.h"
#include "import_helper.h"

/* ---- the CSV reader ---- */

static int read_all(const char *text, char out[][64], long *lines, int max, char *err)
{
    ca_csv *c = ca_csv_open(text, strlen(text), 1 << 20);
    char **f;
    size_t *fl, nf;
    long line;
    int n = 0;
    ca_status st;
    err[0] = '\0';
    while ((st = ca_csv_next(c, &f, &fl, &nf, &line)) != CA_EOF && n < max) {
        if (st == CA_FAILED) {
            snprintf(err, 256, "%ld: %s", line, ca_csv_errmsg(c));
            continue;
        }
        snprintf(out[n], 64, "%s|%s", f[0], nf > 1 ? f[1] : "");
        lines[n++] = line;
    }
    ca_csv_close(c);
    return n;
}

TEST(csv_embedded_newlines_and_line_numbers)
{
    char rows[8][64], err[256];
    long lines[8];
    int n = read_all("a,b\r\n1,\"two\r\nlines, \"\"quoted\"\"\"\r\n3,x\r\n", rows, lines, 8, err);
    CHECK_INT(n, 3);
    CHECK_STR(rows[1], "1|two\nlines, \"quoted\"");
    CHECK_INT(lines[1], 2);
    CHECK_STR(rows[2], "3|x");
    CHECK_INT(lines[2], 4);
    CHECK_STR(err, "");
}

TEST(csv_cr_cr_lf_rows)
{
    char rows[8][64], err[256];
    long lines[8];
    int n = read_all("a,b\r\r\n1,\"x\r\r\ny\"\r\r\n2,z\r\r\n", rows, lines, 8, err);
    CHECK_INT(n, 3);
    CHECK_STR(rows[1], "1|x\ny"); /* CR CR LF inside a field is one break */
    CHECK_STR(rows[2], "2|z");
    CHECK_INT(lines[2], 4);
}

TEST(csv_malformed_row_skipped_rest_read)
{
    char rows[8][64], err[256];
    long lines[8];
    int n = read_all("a,b\n1,ok\n2,bad\"quote\n3,fine\n", rows, lines, 8, err);
    CHECK_INT(n, 3);
    CHECK_STR(rows[2], "3|fine");
    CHECK_INT(lines[2], 4);
    CHECK_STR(err, "3: malformed CSV: a quote inside an unquoted field or text after a closing quote (at line 3, column 6)");
}

TEST(csv_unterminated_quote_at_end)
{
    char rows[8][64], err[256];
    long lines[8];
    int n = read_all("a,b\n1,ok\n2,\"never closed\n3,x\n", rows, lines, 8, err);
    /* the bad record is lost, the lines after it are not */
    CHECK_INT(n, 3);
    CHECK_STR(rows[2], "3|x");
    CHECK_INT(lines[2], 4);
    CHECK_STR(err, "3: malformed CSV: quoted field opened on line 3 is never closed");
}

/* ---- MemoTrace v1 ---- */

static const char MT12[] =
    "\xEF\xBB\xBF"
    "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\r\n"
    "1,57,1,0,0,1762135200,2,@研发部-李四\xE2\x80\x85明天10点评审吗？,2025-11-03 10:00:00,研发部-张三,张三,wxid_zhang\r\n"
    "2,57,10000,0,0,1762135260,2,\"\"\"张三\"\"邀请\"\"王五、赵六\"\"加入了群聊\",2025-11-03 10:01:00,,,\r\n"
    "3,57,49,57,1,1762135320,2,,2025-11-03 10:02:00,研发部-李四,李四,wxid_li\r\n"
    "4,57,1,0,0,1762135380,2,\"多行\r\n消息, 带逗号\",2025-11-03 10:03:00,研发部-张三,张三,wxid_zhang\r\n";

TEST(memotrace_csv_12_columns)
{
    run *r = import_str("x.zip!研发部_utf8.csv", MT12);
    CHECK_STR(fstat0(r)->format, "memotrace-csv");
    CHECK_STR(fstat0(r)->charset, "UTF-8-BOM");
    CHECK_INT(nev(r), 4);
    const ca_event *e = ev(r, 0);
    CHECK_STR(e->conv, "研发部");
    CHECK(e->id == NULL); /* localId is not a message id */
    CHECK_STR(e->sender, "wxid_zhang");
    CHECK_STR(e->sender_name, "研发部-张三");
    CHECK_STR(when(e), "2025-11-03T10:00:00+08:00");
    CHECK_STR(ca_type_name(e->type), "text");
    CHECK_INT(e->n_mentions, 1);
    CHECK_STR(e->mentions[0], "研发部-李四");
    CHECK_INT(e->src_line, 2);
    CHECK_STR(e->src_path, "x.zip!研发部_utf8.csv");
    e = ev(r, 1);
    CHECK_STR(ca_kind_name(e->kind), "join");
    CHECK_STR(e->actor, "张三");
    CHECK_INT(e->n_targets, 2);
    CHECK_STR(e->target_names ? e->target_names[1] : e->targets[1], "赵六");
    e = ev(r, 2);
    CHECK_STR(ca_type_name(e->type), "quote"); /* 49/57 with empty StrContent */
    CHECK(e->flags & CA_EV_FROM_SELF);
    e = ev(r, 3);
    CHECK_STR(e->text, "多行\n消息, 带逗号");
    CHECK_INT(e->src_line, 5);
    run_free(r);
}

TEST(memotrace_csv_9_header_10_values)
{
    run *r = import_str("messages.csv",
                        "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime\n"
                        "5,3,1,0,0,1762135200,2,你好,2025-11-03 10:00:00,9223372036854775807\n");
    CHECK_INT(nev(r), 1);
    CHECK_STR(ev(r, 0)->id, "9223372036854775807");
    CHECK_STR(ev(r, 0)->text, "你好");
    run_free(r);
}

TEST(memotrace_csv_link_xml_payload)
{
    run *r = import_str("g.csv",
        "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
        "1,2,49,5,0,1762135200,2,\"<msg><appmsg appid=\"\"\"\" sdkver=\"\"0\"\"><title>限时优惠</title>"
        "<des>点击领取</des><type>5</type><url>https://ad.example.com/x?a=1&amp;b=2</url></appmsg></msg>\","
        "2025-11-03 10:00:00,,王五,wxid_w\n");
    CHECK_INT(nev(r), 1);
    CHECK_STR(ca_type_name(ev(r, 0)->type), "link");
    CHECK_STR(ev(r, 0)->title, "限时优惠");
    CHECK_STR(ev(r, 0)->url, "https://ad.example.com/x?a=1&b=2");
    run_free(r);
}

/* ---- MemoTrace v2 ---- */

TEST(memotrace2_csv_shapes)
{
    run *r = import_str("聊天记录/研发部群(20839284721@chatroom)/研发部群.csv",
        "\xEF\xBB\xBF消息ID,类型,发送人,时间,内容,备注,昵称,更多信息\r\n"
        "111,文本,研发部-张三,2026-11-03 09:00:00,周报今天交吗？,,,more\r\n"
        "112,引用消息,研发部-李四,2026-11-03 09:05:00,\"今天下班前\n引用：研发部-张三: 周报今天交吗？\",,,more\r\n"
        "113,分享链接,研发部-李四,2026-11-03 09:06:00,\"【分享链接】\n标题：评审文档\n描述：v2\n链接: https://docs.example.com/a\n应用：\",,,more\r\n"
        "114,文件,研发部-李四,2026-11-03 09:07:00,【文件】方案 v2.docx 1.5 MB C:\\f\\方案 v2.docx docx abc,,,more\r\n"
        "115,系统消息,,2026-11-03 09:08:00,\"\"\"研发部-张三\"\"修改群名为“研发部核心群”\",,,more\r\n"
        "116,合并转发的聊天记录,研发部-李四,2026-11-03 09:09:00,\"【合并转发的聊天记录】\n\n    - 2026-11-02 18:00:00 王五: 第一条\n    - 2026-11-02 18:01:00 赵六: 第二条\",,,more\r\n");
    CHECK_STR(fstat0(r)->format, "memotrace2-csv");
    CHECK_INT(nev(r), 6);
    CHECK_STR(ev(r, 0)->conv, "20839284721@chatroom");
    CHECK(ev(r, 0)->flags & CA_EV_SENDER_WEAK);
    const ca_event *q = ev(r, 1);
    CHECK_STR(ca_type_name(q->type), "quote");
    CHECK_STR(q->text, "今天下班前");
    CHECK_STR(q->quote_sender, "研发部-张三");
    CHECK_STR(q->reply_to, "111"); /* linked to the quoted message */
    CHECK_STR(ev(r, 2)->title, "评审文档");
    CHECK_STR(ev(r, 2)->url, "https://docs.example.com/a");
    CHECK_STR(ev(r, 3)->title, "方案 v2.docx");
    CHECK_STR(ca_kind_name(ev(r, 4)->kind), "rename");
    CHECK_STR(ev(r, 4)->title, "研发部核心群");
    CHECK_INT(ev(r, 5)->n_items, 2);
    CHECK_STR(ev(r, 5)->items[1].sender_name, "赵六");
    CHECK_STR(ev(r, 5)->items[1].text, "第二条");
    run_free(r);
}

/* ---- PyWxDump ---- */

TEST(pywxdump_csv_quote_recall_ids)
{
    run *r = import_str("wxid_me_0_5.csv",
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n"
        "1,7437267147299592543,文本,0,wxid_a,20839284721@chatroom,明天几点开会？,,2026-11-03 09:00:00\r\n"
        "2,7437267147299592544,引用回复,1,wxid_me,20839284721@chatroom,\"十点\n\n[引用](2026-11-03 09:00:00)张三:明天几点开会？\",,2026-11-03 09:01:00\r\n"
        "3,7437267147299592545,系统通知,1,wxid_me,20839284721@chatroom,<revokemsg>你撤回了一条消息</revokemsg>,,2026-11-03 09:02:00\r\n"
        "4,7437267147299592546,图片,0,wxid_a,20839284721@chatroom,图片,File\\a.dat,2026-11-03 09:03:00\r\n");
    CHECK_INT(nev(r), 4);
    CHECK_STR(ev(r, 0)->id, "7437267147299592543");
    CHECK_STR(ev(r, 0)->conv, "20839284721@chatroom");
    CHECK_STR(ev(r, 0)->sender, "wxid_a");
    CHECK_STR(ca_type_name(ev(r, 1)->type), "quote");
    CHECK_STR(ev(r, 1)->text, "十点");
    CHECK_STR(ev(r, 1)->reply_to, "7437267147299592543");
    CHECK_STR(ca_kind_name(ev(r, 2)->kind), "recall");
    CHECK_STR(ev(r, 2)->sender, "wxid_me");
    CHECK_STR(ca_type_name(ev(r, 3)->type), "image");
    CHECK(ev(r, 3)->text == NULL);
    run_free(r);
}

TEST(pywxdump_legacy_json_content)
{
    run *r = import_str("example_chat.csv",
        "id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime\r\r\n"
        "1,953020244103908134,文本,1,我,wxid_peer,\"{\"\"src\"\": \"\"\"\", \"\"msg\"\": \"\"好的，\\n收到\"\"}\",2023-08-12 23:22:54\r\r\n"
        "2,953020244103908135,文本,0,wxid_peer,wxid_peer,\"{not json\",2023-08-12 23:23:00\r\r\n");
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 0)->text, "好的，\n收到");
    CHECK_STR(ev(r, 0)->sender, "我");
    CHECK_STR(ev(r, 1)->text, "{not json");
    CHECK_STR(diag_msg(r, 0),
              "example_chat.csv:3: content: expected a JSON object {\"src\", \"msg\"}, found \"{not json\"; kept as text");
    run_free(r);
}

TEST(pywxdump_gb18030_resave_minute_times)
{
    /* Excel re-save: GB18030, times "2024/10/4 11:42" */
    const char gb[] = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\r\n"
                      "1,1,\xCE\xC4\xB1\xBE,0,wxid_a,g@chatroom,\xC4\xE3\xBA\xC3,,2024/10/4 11:42\r\n";
    run *r = import_text("resaved.csv", gb, sizeof gb - 1, NULL);
    CHECK_STR(fstat0(r)->charset, "GB18030");
    CHECK_INT(nev(r), 1);
    CHECK_STR(ev(r, 0)->text, "你好");
    CHECK_STR(ca_type_name(ev(r, 0)->type), "text");
    CHECK_STR(when(ev(r, 0)), "2024-10-04T11:42:00+08:00");
    CHECK(ev(r, 0)->flags & CA_EV_TIME_MINUTE);
    run_free(r);
}

TEST(malformed_row_in_the_middle_rest_imported)
{
    run *r = import_str("g_0_4.csv",
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,11,文本,0,wxid_a,g@chatroom,一,,2026-11-03 09:00:00\n"
        "2,12,文本,0,wxid_a,g@chatroom,二\"坏,,2026-11-03 09:01:00\n"
        "3,13,文本,0,wxid_a,g@chatroom,三,,2026-11-03 09:02:00\n"
        "4,14,文本,0,wxid_a,g@chatroom,四\n"
        "5,15,文本,0,wxid_a,g@chatroom,五,,2026-13-03 09:02:00\n"
        "6,16,文本,0,wxid_a,g@chatroom,六,,2026-11-03 09:03:00\n");
    CHECK_INT(nev(r), 3);
    CHECK_STR(ev(r, 2)->text, "六");
    CHECK_INT(fstat0(r)->records, 6);
    CHECK_INT(fstat0(r)->errors, 3);
    CHECK_STR(diag_msg(r, 0), "g_0_4.csv:3: malformed CSV: a quote inside an unquoted field or text after a closing quote (at line 3, column 30); record skipped");
    CHECK_STR(diag_msg(r, 1), "g_0_4.csv:5: expected 9 fields, found 7; record skipped");
    CHECK_STR(diag_msg(r, 2), "g_0_4.csv:6: expected a time (epoch, YYYY-MM-DD HH:MM:SS, YYYY/M/D H:MM or ISO 8601), found \"2026-13-03 09:02:00\"; record skipped");
    run_free(r);
}

TEST(invalid_utf8_counted_in_summary)
{
    const char raw[] = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
                       "1,11,文本,0,wxid_a,g@chatroom,坏\xFF字节,,2026-11-03 09:00:00\n";
    run *r = import_text("bad.csv", raw, sizeof raw - 1, NULL);
    CHECK_INT(nev(r), 1);
    CHECK_STR(ev(r, 0)->text, "坏\xEF\xBF\xBD字节");
    CHECK_INT(fstat0(r)->replaced, 1);
    CHECK_STR(diag_msg(r, 0), "bad.csv:0: 1 invalid byte sequence in UTF-8 text replaced by U+FFFD");
    run_free(r);
}

/* ---- WeClone, chatlog ---- */

TEST(weclone_csv_utc_times)
{
    run *r = import_str("研发部群.csv",
        "\xEF\xBB\xBFid,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime\r\n"
        "1,5366901243628699568,text,0,研发部-张三,@李四 在吗,,2026-11-03T01:15:23.000Z\r\n"
        "2,5366901243628699569,image,0,研发部-张三,[图片],img/a.jpg,2026-11-03T01:16:00.000Z\r\n");
    CHECK_STR(fstat0(r)->format, "weclone-csv");
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 0)->conv, "研发部群");
    CHECK_STR(ev(r, 0)->id, "5366901243628699568");
    CHECK_STR(when(ev(r, 0)), "2026-11-03T09:15:23+08:00");
    CHECK_STR(ev(r, 0)->mentions[0], "李四");
    CHECK_STR(ca_type_name(ev(r, 1)->type), "image");
    run_free(r);
}

TEST(chatlog_csv_shapes)
{
    run *r = import_str("chatlog.csv",
        "Time,SenderName,Sender,TalkerName,Talker,Content\n"
        "2026-11-03 10:00:00,张三,wxid_z,项目A协调群,3001@chatroom,接口今天能联调吗？\n"
        "2026-11-03 10:05:00,李四,wxid_l,项目A协调群,3001@chatroom,\"> 张三 2026-11-03 10:00:00\n> 接口今天能联调吗？\n下午三点\"\n"
        "2026-11-03 10:06:00,李四,wxid_l,项目A协调群,3001@chatroom,[链接|联调文档](https://docs.example.com/x)\n"
        "2026-11-03 10:07:00,系统消息,,项目A协调群,3001@chatroom,\"\"\"张三\"\"邀请\"\"王五\"\"加入了群聊\"\n"
        "2026-11-03 10:08:00,李四,wxid_l,项目A协调群,3001@chatroom,[文件|排期.xlsx](http://127.0.0.1:5030/file/ab12)\n");
    CHECK_STR(fstat0(r)->format, "chatlog-csv");
    CHECK_INT(nev(r), 5);
    CHECK_STR(ev(r, 0)->conv_name, "项目A协调群");
    const ca_event *q = ev(r, 1);
    CHECK_STR(ca_type_name(q->type), "quote");
    CHECK_STR(q->text, "下午三点");
    CHECK_STR(q->quote_sender, "张三");
    CHECK_STR(q->quote_text, "接口今天能联调吗？");
    CHECK(q->reply_to == NULL); /* chatlog CSV has no ids to link */
    CHECK_STR(ev(r, 2)->title, "联调文档");
    CHECK_STR(ev(r, 2)->url, "https://docs.example.com/x");
    CHECK_STR(ca_kind_name(ev(r, 3)->kind), "join");
    /* a file: its name is the title, no text (the markdown is the tool's) */
    CHECK_STR(ca_type_name(ev(r, 4)->type), "file");
    CHECK_STR(ev(r, 4)->title, "排期.xlsx");
    CHECK(ev(r, 4)->text == NULL);
    run_free(r);
}

TEST(unrecognised_entry_listed)
{
    run *r = import_str("notes.txt", "just some notes\nnothing to see\n");
    CHECK_INT(nev(r), 0);
    CHECK(fstat0(r)->format == NULL);
    CHECK_STR(fstat0(r)->unrecognised, "just some notes");
    CHECK_STR(diag_msg(r, 0), "notes.txt:0: not a recognised chat export (first line: \"just some notes\"); skipped");
    run_free(r);
}

TEST(duplicate_ids_across_files_dropped)
{
    const char *csv = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
                      "1,11,文本,0,wxid_a,g@chatroom,一,,2026-11-03 09:00:00\n"
                      "2,12,文本,0,wxid_a,g@chatroom,二,,2026-11-03 09:01:00\n";
    run *r = calloc(1, sizeof *r);
    ca_config_defaults(&r->cfg);
    ca_limits_default(&r->lim);
    r->diag = ca_diag_new(0);
    r->imp = ca_import_new(&r->cfg, &r->lim, NULL, r->diag);
    ca_import_buffer(r->imp, "b.csv", (const unsigned char *)csv, strlen(csv));
    ca_import_buffer(r->imp, "a.csv", (const unsigned char *)csv, strlen(csv));
    ca_import_finish(r->imp);
    CHECK_INT(nev(r), 2);
    CHECK_STR(ev(r, 0)->src_path, "a.csv"); /* the same whatever the input order */
    run_free(r);
}

TEST(detect_by_name_when_header_is_lost)
{
    /* a spreadsheet renamed the header cells; the paged name still says
     * PyWxDump, and the columns are read by position */
    run *r = import_str("wxid_peer_0_2.csv",
        "编号,服务器ID,类型,发送,发送人,群,内容,附件,时间\n"
        "1,11,文本,0,wxid_a,g@chatroom,一,,2026-11-03 09:00:00\n");
    CHECK_STR(fstat0(r)->format, "pywxdump-csv");
    CHECK_INT(nev(r), 1);
    CHECK_STR(ev(r, 0)->text, "一");
    CHECK_STR(diag_msg(r, 0), "wxid_peer_0_2.csv:1: expected the PyWxDump header \"id,MsgSvrID,type_name,...\", found \"编号\"; columns read by position");
    run_free(r);
    /* a name alone, without a CSV shape, is not enough */
    r = import_str("wxid_peer_0_2.csv", "hello\n");
    CHECK(fstat0(r)->format == NULL);
    run_free(r);
}

TEST(csv_lone_cr_line_endings)
{
    char rows[8][64], err[256];
    long lines[8];
    int n = read_all("a,b\r1,x\r2,\"y\rz\"\r3,w\r", rows, lines, 8, err);
    CHECK_INT(n, 4);
    CHECK_STR(rows[2], "2|y\nz");
    CHECK_STR(rows[3], "3|w");
    CHECK_INT(lines[3], 5);
    CHECK_STR(err, "");
}

TEST(csv_giant_quoted_field_not_read_as_records)
{
    /* a quoted field over the record limit, holding a line that looks like
     * a record: skipped whole, never injected */
    static char text[8192];
    char *p = text;
    p += sprintf(p, "a,b\n1,\"");
    for (int i = 0; i < 40; i++)
        p += sprintf(p, "filler line %02d of a long quoted field\n", i);
    p += sprintf(p, "EVIL,injected\nmore\",end\n2,ok\n");
    ca_csv *c = ca_csv_open(text, strlen(text), 512);
    char **f;
    size_t *fl, nf;
    long line;
    int ok = 0, failed = 0;
    ca_status st;
    while ((st = ca_csv_next(c, &f, &fl, &nf, &line)) != CA_EOF) {
        if (st == CA_FAILED) {
            failed++;
            CHECK_STR(ca_csv_errmsg(c), "CSV record longer than 512 bytes (unbalanced quote?)");
            CHECK_INT(line, 2);
            continue;
        }
        CHECK(strcmp(f[0], "EVIL") != 0);
        ok++;
    }
    CHECK_INT(failed, 1);
    CHECK_INT(ok, 2); /* the header and "2,ok" */
    ca_csv_close(c);
}

TEST(zero_ids_are_not_duplicates)
{
    const char *a = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
                    "1,0,文本,0,wxid_a,g@chatroom,first,,2026-11-03 09:00:00\n";
    const char *b = "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
                    "1,0,文本,0,wxid_b,g@chatroom,second,,2026-11-03 09:01:30\n";
    run *r = calloc(1, sizeof *r);
    ca_config_defaults(&r->cfg);
    ca_limits_default(&r->lim);
    r->diag = ca_diag_new(0);
    r->imp = ca_import_new(&r->cfg, &r->lim, NULL, r->diag);
    ca_import_buffer(r->imp, "a_0_1.csv", (const unsigned char *)a, strlen(a));
    ca_import_buffer(r->imp, "b_0_1.csv", (const unsigned char *)b, strlen(b));
    ca_import_buffer(r->imp, "b_0_1.csv", (const unsigned char *)b, strlen(b)); /* named twice */
    ca_import_finish(r->imp);
    CHECK_INT(nev(r), 2);
    CHECK_INT(ca_import_nfiles(r->imp), 2);
    run_free(r);
}

TEST(self_learned_late_applies_to_earlier_rows)
{
    run *r = import_str("g_0_3.csv",
        "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n"
        "1,11,文本,1,,g@chatroom,早,,2026-11-03 09:00:00\n"
        "2,12,系统通知,1,,g@chatroom,\"你邀请\"\"王五\"\"加入了群聊\",,2026-11-03 09:01:00\n"
        "3,13,文本,1,wxid_me,g@chatroom,晚,,2026-11-03 09:02:00\n");
    CHECK_INT(nev(r), 3);
    CHECK_STR(ev(r, 0)->sender, "wxid_me");
    CHECK_STR(ev(r, 1)->actor, "wxid_me");
    CHECK_STR(ev(r, 2)->sender, "wxid_me");
    run_free(r);
}

TEST(json_nul_replaced_not_truncated)
{
    run *r = import_str("example_chat.csv",
        "id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime\n"
        "1,1,文本,0,wxid_a,wxid_a,\"{\"\"src\"\": \"\"\"\", \"\"msg\"\": \"\"hi\\u0000 hidden\"\"}\",2023-08-12 23:22:54\n");
    CHECK_INT(nev(r), 1);
    CHECK_STR(ev(r, 0)->text, "hi\xEF\xBF\xBD hidden");
    CHECK_STR(diag_msg(r, 0), "example_chat.csv:2: 1 NUL character (\\u0000) in the text replaced by U+FFFD");
    run_free(r);
}

TEST(memotrace_bad_epoch_falls_back_to_strtime)
{
    run *r = import_str("g_utf8.csv",
        "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
        "1,2,1,0,0,17040816xx,2,你好,2025-11-03 10:00:00,,张三,wxid_z\n");
    CHECK_INT(nev(r), 1);
    CHECK_STR(when(ev(r, 0)), "2025-11-03T10:00:00+08:00");
    CHECK_INT(fstat0(r)->errors, 0);
    CHECK_STR(diag_msg(r, 0), "g_utf8.csv:2: CreateTime: expected epoch seconds, found \"17040816xx\"; StrTime used");
    run_free(r);
}

/* ---- parsing on threads ---- */

/* Imports the inputs with the given number of parser threads; returns the
 * events as NDJSON, then every diagnostic and every file record, as one
 * string (malloc'd). */
static char *import_dump(const char *const *inputs, size_t n, int threads)
{
    run *r = run_new(NULL, NULL);
    ca_import_set_threads(r->imp, threads);
    for (size_t i = 0; i < n; i++)
        ca_import_input(r->imp, inputs[i]);
    CHECK_INT(ca_import_finish(r->imp), CA_OK);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    CHECK_INT(ca_import_write_ndjson(r->imp, f), 0);
    for (size_t i = 0; i < ndiag(r); i++)
        fprintf(f, "diag %s\n", diag_msg(r, i));
    fprintf(f, "suppressed %zu errors %zu\n", ca_diag_suppressed(r->diag),
            ca_diag_count(r->diag, CA_DIAG_ERROR));
    for (size_t i = 0; i < ca_import_nfiles(r->imp); i++) {
        const ca_file_stats *fs = ca_import_file(r->imp, i);
        fprintf(f, "file %s %s %s %zu %zu %zu %zu %zu\n", fs->path, fs->format ? fs->format : "-",
                fs->charset ? fs->charset : "-", fs->records, fs->events[CA_KIND_MESSAGE],
                fs->warnings, fs->errors, fs->duplicates);
    }
    fclose(f);
    run_free(r);
    return out;
}

/* The import on threads is the import on one thread: the same events in
 * the same order with the same seq, the same diagnostics in the same order
 * (the walker's own notes, a fifo here, interleaved where they were made),
 * the same file records, for any number of threads. */
TEST(import_threads_same_result)
{
    char dir[] = "/tmp/ca-threads-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[256];
    for (int i = 0; i < 40; i++) {
        snprintf(p, sizeof p, "%s/g%02d_0_9.csv", dir, i);
        FILE *f = fopen(p, "w");
        fputs("id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n", f);
        for (int k = 0; k < 200 + i * 37; k++) {
            if (k % 97 == 5) /* a bad row: an error with its line */
                fprintf(f, "%d,1,文本,0\n", k);
            else if (k % 13 == 12) /* a quote of an earlier message, linked by its text */
                fprintf(f, "%d,%d%06d,引用回复,0,wxid_%d,%d@chatroom,\"收到\n\n[引用](2026-11-01 "
                           "00:00:00)wxid_1:第%d条 消息 @张三\",,2026-11-0%d %02d:%02d:00\n",
                        k, i + 1, k, k % 7, 1000 + i % 5, k - 5, 1 + k % 9, k % 24, k % 60);
            else
                fprintf(f, "%d,%d%06d,文本,0,wxid_%d,%d@chatroom,第%d条 消息 @张三,,2026-11-0%d %02d:%02d:00\n",
                        k, i + 1, k, k % 7, 1000 + i % 5, k, 1 + k % 9, k % 24, k % 60);
        }
        fclose(f);
        if (i % 9 == 4) { /* an unrecognised file and a fifo the walker notes */
            snprintf(p, sizeof p, "%s/g%02d_notes.txt", dir, i);
            f = fopen(p, "w");
            fputs("just some notes\n", f);
            fclose(f);
            snprintf(p, sizeof p, "%s/g%02d_pipe", dir, i);
            CHECK_INT(mkfifo(p, 0600), 0);
        }
    }
    snprintf(p, sizeof p, "%s/g03_0_9.csv", dir); /* named again: "already read" */
    const char *inputs[] = {dir, p};
    char *one = import_dump(inputs, 2, 1);
    CHECK(strstr(one, "already read; skipped") != NULL);
    CHECK(strstr(one, "not a regular file (fifo)") != NULL);
    CHECK(strstr(one, "expected 9 fields") != NULL);
    CHECK(strstr(one, "\"reply_to\":\"") != NULL); /* quotes linked (on threads too) */
    CHECK(strlen(one) > 500000);
    for (int t = 2; t <= 5; t += 3) {
        char *many = import_dump(inputs, 2, t);
        CHECK(strcmp(one, many) == 0);
        free(many);
    }
    free(one);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

/* ---- the order of ca_import_finish (platform, conversation, time, then
 * source path, line and input order), on many conversations, ties in
 * time within and across files, and time spans small and huge: each
 * conversation is radix-sorted on (time, position) in one 64-bit word
 * unless it is short (qsort) or already in time order ---- */

static unsigned long sort_rnd = 12345;
static unsigned sort_next(unsigned n)
{
    sort_rnd = sort_rnd * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((sort_rnd >> 33) % n);
}

static void check_finish_order(int wide, int nconv, int rows)
{
    run *r = run_new(NULL, NULL);
    static char csv[1 << 20];
    long id = 1;
    for (int file = 0; file < 3; file++) {
        char *p = csv;
        p += sprintf(p, "id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime\n");
        for (int i = 0; i < rows; i++) {
            int y = wide ? 1000 + (int)sort_next(9000) : 2026;
            int d = 1 + (int)sort_next(wide ? 28 : 2), sec = (int)sort_next(wide ? 60 : 3);
            p += sprintf(p, "%d,%ld,文本,0,wxid_%u,%u@chatroom,text %ld,,%04d-03-%02d 10:00:%02d\n",
                         i + 1, id, sort_next(5), 1000 + sort_next((unsigned)nconv), id, y, d, sec);
            id++;
        }
        char path[32];
        snprintf(path, sizeof path, "f%d_0_%d.csv", 2 - file, rows); /* named out of input order */
        ca_import_buffer(r->imp, path, (const unsigned char *)csv, (size_t)(p - csv));
    }
    CHECK_INT(ca_import_finish(r->imp), CA_OK);
    CHECK_INT(nev(r), 3 * rows);
    int bad = 0;
    for (size_t i = 1; i < nev(r); i++) {
        const ca_event *a = ev(r, i - 1), *b = ev(r, i);
        int c = strcmp(a->platform, b->platform);
        if (!c)
            c = strcmp(a->conv, b->conv);
        if (!c)
            c = a->time_ms < b->time_ms ? -1 : a->time_ms > b->time_ms;
        if (!c)
            c = strcmp(a->src_path, b->src_path);
        if (!c)
            c = a->src_line < b->src_line ? -1 : a->src_line > b->src_line;
        if (!c)
            c = a->seq < b->seq ? -1 : a->seq > b->seq;
        bad += c >= 0;
    }
    CHECK_INT(bad, 0);
    run_free(r);
}

TEST(finish_order_narrow_times_many_ties)
{
    check_finish_order(0, 7, 400);
}

TEST(finish_order_wide_times_many_conversations)
{
    /* years 1000..9999 (49 bits of milliseconds), 300 conversations and
     * 1500 events: five events a conversation, sorted by qsort */
    check_finish_order(1, 300, 500);
}

TEST(finish_order_wide_times_few_conversations)
{
    /* 49 bits of time and 9 of position: the radix sort on 58 bits */
    check_finish_order(1, 3, 500);
}

TEST_MAIN()
