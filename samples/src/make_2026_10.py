#!/usr/bin/env python3
"""make_2026_10.py — the October 2026 sample month (samples/2026-10/), small and
hand-planted, so that the demo run of October then November shows penalties
escalating across months (SPEC §7): a first red-line incident by 王伟 (E3002)
in October makes his November insult (ABUSE-1) a second offence, and a first
content incident by 罗敏 (E4005) makes her November OFF-ALL-1 cost 50 yuan.

Writes the export files under samples/src/2026-10/ and the archive
samples/2026-10/2026-10-exports.zip (fixed entry times and order: running it
twice gives the same bytes).  samples/PLANTED-2026-10.md lists the cases.
Standard library only.  (samples/src/make_month.py builds November.)
"""
import datetime as dt
import io
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "2026-10")
OUT = os.path.join(os.path.dirname(HERE), "2026-10")
TZ = dt.timezone(dt.timedelta(hours=8))

WX = {  # roster wechat ids (samples/config/roster.csv)
    "孙丽": "wxid_s7u1ld0qfw4k22", "周静": "wxid_z6h3jng8yt1c21", "罗敏": "wxid_r8lm0in1c4xe22",
    "张磊": "wxid_l8zx2dq6rv0p22", "王伟": "wxid_9w2wei7kq4xt21", "刘洋": "wxid_y7ang3oj2f6h22",
    "陈晨": "wxid_c1hen5gq8xv312", "杨帆": "wxid_f9yf6an0ud2b21", "黄磊": "wxid_h3ln8gk5sp7w22",
}

# 研发部群, exported by 王伟 with PyWxDump (is_sender = 1 on his own rows)
RD = [
    ("2026-10-12 09:05:00", "张磊", "早，本周重点：支付模块重构、接口文档补齐，周五前提测。"),
    ("2026-10-12 09:07:10", "刘洋", "收到"),
    ("2026-10-14 10:00:00", "王伟", "@研发部-黄磊\u2005接口文档今天下班前补齐"),
    ("2026-10-14 10:02:30", "黄磊", "好的"),
    # RANT-1: three insults within 10 minutes of each other: one incident
    ("2026-10-20 16:20:05", "王伟", "@研发部-陈晨\u2005测试环境又被你搞挂了，智障"),
    ("2026-10-20 16:23:40", "王伟", "这点事都做不好，白痴"),
    ("2026-10-20 16:27:10", "王伟", "猪脑子"),
    ("2026-10-20 16:40:00", "陈晨", "我马上排查，半小时内恢复"),
    ("2026-10-21 09:30:00", "杨帆", "昨天的问题已修复，回归通过。"),
]

# 星河全员群, exported by 周静 with MemoTrace (v1, 12 columns)
ALL = [
    ("2026-10-09 09:00:00", "孙丽", "各位同事，国庆假期后第一周，请按时提交周报。"),
    ("2026-10-09 09:02:10", "罗敏", "收到"),
    # OFF-OCT-1: shopping chatter in the all-staff group
    ("2026-10-15 12:05:30", "罗敏", "双十一预售今晚开始付定金了，大家冲😂"),
    ("2026-10-15 12:30:00", "孙丽", "请大家在总群只发工作相关内容。"),
    ("2026-10-22 14:00:00", "周静", "本周五下午三点消防演练，请大家准时参加。"),
]


def epoch(s):
    return int(dt.datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(tzinfo=TZ).timestamp())


def csv_field(s):
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def pywxdump_rd():
    lines = ["id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime"]
    for i, (t, who, text) in enumerate(RD, 1):
        msgid = 7100000000000000000 + epoch(t) * 1000 + i
        lines.append(",".join([str(i), str(msgid), "文本", "1" if who == "王伟" else "0", WX[who],
                               "21573306892@chatroom", csv_field(text), "", t]))
    return "\n".join(lines) + "\n"


def memotrace_all():
    lines = ["localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender"]
    for i, (t, who, text) in enumerate(ALL, 1):
        mine = who == "周静"
        lines.append(",".join([str(19800 + i), "57", "1", "0", "1" if mine else "0", str(epoch(t)),
                               "2" if mine else "3", csv_field(text), t, "", who, WX[who]]))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


FILES = {
    "PyWxDump/export/21573306892@chatroom/21573306892@chatroom_0_9.csv": pywxdump_rd,
    "MemoTrace/data/聊天记录/星河全员群/星河全员群_utf8.csv": memotrace_all,
}


def main():
    blobs = {}
    for rel, make in sorted(FILES.items()):
        data = make().encode("utf-8")
        blobs[rel] = data
        path = os.path.join(SRC, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    os.makedirs(OUT, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel in sorted(blobs):
            info = zipfile.ZipInfo(rel, date_time=(2026, 11, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.flag_bits |= 0x800  # UTF-8 names
            z.writestr(info, blobs[rel])
    with open(os.path.join(OUT, "2026-10-exports.zip"), "wb") as f:
        f.write(buf.getvalue())
    print("wrote", os.path.join(OUT, "2026-10-exports.zip"), len(buf.getvalue()), "bytes")


if __name__ == "__main__":
    main()
