#!/usr/bin/env python3
"""make_month.py — writes the sample month 2026-11 of 星河科技有限公司.

The month is described once, below, as a list of messages per group; this
script renders each group into the file format of the tool that exported it
(MemoTrace v1/v2, PyWxDump current/legacy, a spreadsheet re-save in GB18030,
WeFlow "WeClone" CSV, chatlog CSV), writes samples/config/{roster,groups}.csv,
and writes samples/PLANTED.md: every planted case with its file and line, and
the reply-latency table a policy-conforming implementation should produce
(computed here by a small, independent reading of SPEC.md section 6.2).

Everything is invented (CC0).  python3, standard library only; needs iconv
for the GB18030 file.  Deterministic: re-running gives identical bytes.

    python3 samples/src/make_month.py && samples/make-archives.sh
"""
import csv
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
SRC = os.path.join(HERE, '2026-11')
CFG = os.path.join(SAMPLES, 'config')
TZ8 = dt.timezone(dt.timedelta(hours=8))
rng = random.Random(20261101)

# ---------------------------------------------------------------------------
# Roster
# ---------------------------------------------------------------------------
# id, name, department, level, is_head, manager, hire, leave, wechat_id,
# dingtalk_id, wecom_id, aliases, WeChat nickname
ROSTER = [
    ('E1001', '陈建国', '总经办', 'gm', 'yes', '', '2012-03-01', '', 'chenjg_xinghe',
     '0211243563281297', 'ChenJianGuo', '陈总;老陈', '建国'),
    ('E1002', '刘芳', '总经办', 'vp', 'no', 'E1001', '2015-07-15', '', 'wxid_p0lq7w3nrt6e21',
     '0211243563281318', 'LiuFang', '刘总;Fang', 'Fang'),
    ('E1003', '赵敏', '总经办', 'staff', 'no', 'E1001', '2021-02-22', '', 'wxid_3kd9xv2bnm7a12',
     '0211243563282046', 'ZhaoMin', '', '敏敏'),
    ('E2001', '孙丽', '行政中心', 'director', 'yes', 'E1001', '2016-05-09', '', 'wxid_s7u1ld0qfw4k22',
     '0211243563281455', 'SunLi', '孙姐', '孙丽'),
    ('E2002', '周静', '行政中心', 'staff', 'no', 'E2001', '2022-08-01', '', 'wxid_z6h3jng8yt1c21',
     '0211243563282577', 'ZhouJing', '', '静静'),
    ('E2003', '吴涛', '行政中心', 'supervisor', 'no', 'E2001', '2019-11-18', '', 'wxid_w4tao9e2rk5m12',
     '0211243563281906', 'WuTao', '涛哥', '涛哥'),
    ('E3001', '张磊', '研发部', 'director', 'yes', 'E1002', '2017-04-10', '', 'wxid_l8zx2dq6rv0p22',
     '0211243563281501', 'ZhangLei', '磊哥;zhanglei_rd', '磊'),
    ('E3002', '王伟', '研发部', 'manager', 'no', 'E3001', '2018-09-03', '', 'wxid_9w2wei7kq4xt21',
     '0211243563281632', 'WangWei', '王工', '王伟'),
    ('E3003', '李娜', '研发部', 'staff', 'no', 'E3002', '2020-03-16', '', 'wxid_n4a5li1ut8sz12',
     '0211243563281977', 'LiNa', 'Lina', 'Lina'),
    ('E3004', '刘洋', '研发部', 'staff', 'no', 'E3002', '2021-07-05', '', 'wxid_y7ang3oj2f6h22',
     '0211243563282139', 'LiuYang', '', '洋洋得意'),
    ('E3005', '陈晨', '研发部', 'staff', 'no', 'E3002', '2022-02-14', '', 'wxid_c1hen5gq8xv312',
     '0211243563282250', 'ChenChen', '', '晨曦'),
    ('E3006', '杨帆', '研发部', 'supervisor', 'no', 'E3001', '2019-06-24', '', 'wxid_f9yf6an0ud2b21',
     '0211243563281788', 'YangFan', '帆哥', '一帆风顺'),
    ('E3007', '黄磊', '研发部', 'staff', 'no', 'E3002', '2023-03-01', '', 'wxid_h3ln8gk5sp7w22',
     '0211243563282391', 'HuangLei', '黄磊🏸', '黄磊🏸'),
    ('E3008', '林晓', '研发部', 'staff', 'no', 'E3002', '2026-11-02', '', 'wxid_x0lx4iao7m2n21',
     '0211243563283015', 'LinXiao', 'Lynn', 'Lynn'),
    ('E3009', '郑浩', '研发部', 'staff', 'no', 'E3002', '2023-04-10', '2026-10-30', 'wxid_zh9ha0o3j1q622',
     '0211243563282468', 'ZhengHao', '浩子', '浩子'),
    ('E4001', '马骏', '销售部', 'director', 'yes', 'E1002', '2016-10-17', '', 'wxid_m4jun2a7ts9k21',
     '0211243563281544', 'MaJun', '马总', '马到成功'),
    ('E4002', '王伟', '销售部', 'staff', 'no', 'E4003', '2024-05-20', '', 'wxid_u6w3ww8le5r022',
     '0211243563282703', 'WangWei02', '伟仔', '伟仔'),
    ('E4003', '何静', '销售部', 'manager', 'no', 'E4001', '2018-12-03', '', 'wxid_j5hej1ng4q0d12',
     '0211243563281823', 'HeJing', '', '静待花开'),
    ('E4004', '高峰', '销售部', 'staff', 'no', 'E4003', '2022-06-13', '', 'wxid_g2aof3ng8v6y21',
     '0211243563282184', 'GaoFeng', '小高🌟;高工', '小高🌟'),
    ('E4005', '罗敏', '销售部', 'staff', 'no', 'E4003', '2023-09-04', '', 'wxid_r8lm0in1c4xe22',
     '0211243563282425', 'LuoMin', '', '罗敏'),
    ('E4006', '梁超', '销售部', 'staff', 'no', 'E4003', '2021-04-19', '2026-12-31', 'wxid_b7lch4ao9z3u21',
     '0211243563282012', 'LiangChao', '超', '超'),
    ('E4007', '宋佳', '销售部', 'staff', 'no', 'E4003', '2026-11-09', '', 'wxid_s0ngj1a6pk8w22',
     '0211243563283077', 'SongJia', '', '宋佳'),
    ('E4008', '谢婷', '销售部', 'supervisor', 'no', 'E4001', '2020-08-10', '', 'wxid_t3xie9t2ing5a1',
     '0211243563281969', 'XieTing', '婷婷', '婷婷'),
    ('E5001', '韩梅', '财务部', 'director', 'yes', 'E1001', '2015-03-02', '', 'wxid_h6mei4ha1no7s2',
     '0211243563281366', 'HanMei', '韩总', '韩梅'),
    ('E5002', '冯雪', '财务部', 'staff', 'no', 'E5001', '2020-10-12', '', 'wxid_f1xue5eng8cv21',
     '0211243563282066', 'FengXue', '', '雪'),
    ('E5003', '曹宇', '财务部', 'staff', 'no', 'E5001', '2024-02-26', '', 'wxid_c4ao7yu0mq2t22',
     '0211243563282812', 'CaoYu', '', '宇'),
    # added for the membership cases (DingTalk / WeCom groups, onboarding):
    ('E4009', '周航', '销售部', 'staff', 'no', 'E4003', '2023-05-08', '2026-11-20', 'wxid_zh0uhang5m2q21',
     '0211243563282951', 'ZhouHang', '', '航'),
    ('E5004', '许诺', '财务部', 'staff', 'no', 'E5001', '2026-11-16', '', 'wxid_x8nuo3ep1k7w22',
     '0211243563283140', 'XuNuo', '', '诺'),
]
NEW_HIRES_NOT_IN_WECHAT = ('E4009', 'E5004')   # kept out of the WeChat filler below
EMP = {r[0]: dict(id=r[0], name=r[1], dept=r[2], level=r[3], head=r[4] == 'yes', mgr=r[5],
                  hire=r[6], leave=r[7], wxid=r[8], nick=r[12]) for r in ROSTER}
HEAD = {e['dept']: i for i, e in EMP.items() if e['head']}
DEPT_ALIASES = {'研发': '研发部', '销售': '销售部', '行政': '行政中心', '财务': '财务部'}
MGR_PLUS = {'manager', 'director', 'vp', 'gm'}

# People who are not in the roster.
OUTSIDERS = {
    'X1': dict(id='X1', name='李明', dept=None, wxid='wxid_q5m1ing8hd3r22', nick='李明-恒达贸易'),
}


def person(p):
    return EMP.get(p) or OUTSIDERS[p]


# ---------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------
CONVS = {
    'ALL': dict(id='20839284721@chatroom', name='星河全员群', category='all', dept='',
                owner='E2001', admins='E2002;E2003', created_by='E2001', authorized_by='E1001'),
    'RD': dict(id='21573306892@chatroom', name='研发部群', category='department', dept='研发部',
               owner='E3001', admins='E3002', created_by='E3001', authorized_by=''),
    'SALES': dict(id='24986620375@chatroom', name='销售部群', category='department', dept='销售部',
                  owner='E4001', admins='E4003', created_by='E4001', authorized_by=''),
    'PA': dict(id='44512890137@chatroom', name='项目A协调群', category='work', dept='',
               owner='E1002', admins='E3002;E2001', created_by='E2001', authorized_by='E1002'),
    'FUN': dict(id='38270411956@chatroom', name='兴趣交流群', category='other', dept='',
                owner='E3005', admins='', created_by='E3005', authorized_by=''),
}

# Group display names ("群昵称") where they differ from 部门-姓名.
# A list value holds (from_time, name) steps.
DISPLAY = {
    ('RD', 'E3008'): '林晓',
    ('ALL', 'E3008'): '林晓',
    ('SALES', 'E4002'): '销售-王伟',
    ('SALES', 'E4004'): '小高🌟',
    ('SALES', 'E4005'): '销售部 罗敏',
    ('SALES', 'E4006'): '销售部_梁超',
    ('SALES', 'E4007'): [('2026-11-01', '宋佳'), ('2026-11-17', '销售部-宋佳')],
    ('SALES', 'X1'): '恒达贸易-李明',
    ('PA', 'E3002'): '王伟',          # the exporter: WeFlow writes his own nickname
    ('FUN', 'E3007'): '黄磊🏸',
    ('ALL', 'E4007'): '宋佳',
}


def dn(conv, p, when=None):
    d = DISPLAY.get((conv, p))
    if isinstance(d, list):
        name = d[0][1]
        for since, n in d:
            if when is None or when.strftime('%Y-%m-%d') >= since:
                name = n
        return name
    if d:
        return d
    e = person(p)
    return f"{e['dept']}-{e['name']}" if e.get('dept') else e['name']


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------
MSGS = []
SEQ = [0]


class Msg:
    def __init__(self, conv, when, who, type_, text='', **kw):
        self.conv = conv
        self.t = parse_when(when)
        self.who = who
        self.type = type_           # text image sticker file link quote record voice system
        self.text = text
        self.m = kw.pop('m', [])    # mentioned people (ids; 'ALL' = @所有人)
        self.quote = kw.pop('quote', None)
        self.tag = kw.pop('tag', None)
        self.rule = kw.pop('rule', None)
        self.desc = kw.pop('desc', None)
        self.expect = kw.pop('expect', None)   # expected reply-tracking status(es)
        self.offtopic = kw.pop('offtopic', False)
        self.filler = kw.pop('filler', False)
        self.event = kw.pop('event', None)     # join/remove/recall/rename/owner
        self.actor = kw.pop('actor', None)
        self.targets = kw.pop('targets', [])
        self.only = kw.pop('only', None)       # restrict to these file keys
        self.extra = kw
        self.seq = SEQ[0]
        SEQ[0] += 1
        self.id = str(rng.randrange(10 ** 18, 2 ** 63 - 1))
        self.where = {}                        # file key -> (path, line)
        MSGS.append(self)


def parse_when(s):
    if len(s) == 14:          # MM-DD HH:MM:SS
        s = '2026-' + s
    return dt.datetime.strptime(s, '%Y-%m-%d %H:%M:%S')


def at(conv, p, sep='\u2005', when=None):
    if p == 'ALL':
        return '@所有人' + sep
    return '@' + dn(conv, p, when) + sep


# --- checksums -------------------------------------------------------------
W11643 = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check(d17):
    return '10X98765432'[sum(int(c) * w for c, w in zip(d17, W11643)) % 11]


def luhn_ok(s):
    tot = 0
    for i, c in enumerate(reversed(s)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        tot += d
    return tot % 10 == 0


RESIDENT_ID = '11010519880615003' + id_check('11010519880615003')
# An 18-digit order number that is neither a valid ID number nor Luhn-valid.
DECOY_ORDER = next('20261105180022446' + c for c in '0123456789'
                   if c != id_check('20261105180022446') and not luhn_ok('20261105180022446' + c))
MOBILE = '13911086523'

# ---------------------------------------------------------------------------
# The month.  Times are company time (+08:00).  2026-11-01 is a Sunday.
# ---------------------------------------------------------------------------
def say(conv, when, who, text, **kw):
    return Msg(conv, when, who, 'text', text, **kw)


def img(conv, when, who, **kw):
    return Msg(conv, when, who, 'image', **kw)


def sticker(conv, when, who, label='', **kw):
    return Msg(conv, when, who, 'sticker', sticker=label, **kw)


def file_(conv, when, who, name, size, **kw):
    return Msg(conv, when, who, 'file', fname=name, fsize=size, **kw)


def link(conv, when, who, title, des, url, **kw):
    return Msg(conv, when, who, 'link', title=title, des=des, url=url, **kw)


def quote(conv, when, who, text, of, **kw):
    return Msg(conv, when, who, 'quote', text, quote=of, **kw)


def voice(conv, when, who, secs, transcript, **kw):
    return Msg(conv, when, who, 'voice', secs=secs, transcript=transcript, **kw)


def record(conv, when, who, title, items, **kw):
    return Msg(conv, when, who, 'record', title=title, items=items, **kw)


def system(conv, when, raw, **kw):
    return Msg(conv, when, None, 'system', raw, **kw)


OK_WORDS = ['收到', '收到👌', '好的', '收到，谢谢', '明白', 'OK', '已阅', '收到[抱拳]', '好的，收到']


def acks(conv, start, people, gap=(20, 240)):
    """A chain of acknowledgements after a notice (filler, never questions)."""
    t = parse_when(start)
    for p in people:
        t += dt.timedelta(seconds=rng.randint(*gap))
        if rng.random() < 0.15:
            sticker(conv, t.strftime('%Y-%m-%d %H:%M:%S'), p, '[OK]', filler=True)
        else:
            say(conv, t.strftime('%Y-%m-%d %H:%M:%S'), p, rng.choice(OK_WORDS), filler=True)


ALLSTAFF = [e for e in EMP if not EMP[e]['head'] and e not in ('E3008', 'E3009', 'E4007')
            and e not in NEW_HIRES_NOT_IN_WECHAT and EMP[e]['dept'] != '行政中心']

# ===== 星河全员群 — MemoTrace v1, exported by 周静 (E2002, 行政中心) =========
A = 'ALL'
say(A, '2026-10-30 17:32:10', 'E2001',
    '各位同事，11月考勤规则不变：上班时间9:00-18:00，请大家按时打卡，外出请在钉钉提交外勤。')
acks(A, '2026-10-30 17:32:40', ['E3003', 'E4005', 'E5002'])
say(A, '2026-10-30 17:45:03', 'E3009', '今天是我在星河的最后一天，感谢大家三年来的照顾，江湖再见🙏',
    tag='CTX-LEAVE', rule='(none: on leave_date, not after)',
    desc='郑浩 (leave_date 2026-10-30) says goodbye on his last working day: before the period and not after leave_date, so no finding')
sticker(A, '2026-10-30 17:46:20', 'E3003', '[拥抱]')
say(A, '2026-10-30 17:47:02', 'E3001', '浩子一路顺风，常回来看看')
say(A, '2026-10-30 17:49:15', 'E4001', '保重兄弟，有空一起吃饭')
say(A, '2026-11-02 08:55:14', 'E2002',
    '早上好，本周会议室预约表已更新，需要用会议室的同事请提前在OA上登记。')
say(A, '2026-11-02 09:02:40', 'E5001', '提醒一下：10月的报销单请在11月10日前提交，逾期转下月处理。')
acks(A, '2026-11-02 09:03:00', ['E5003', 'E3004', 'E4002'])
q_l1 = say(A, '2026-11-02 09:30:12', 'E1001', at(A, 'E4001') + '本周五前把10月回款情况整理一下发我',
           m=['E4001'], tag='L-ALL-1', rule='reply.leader', expect=['met'],
           desc='gm @mentions the sales head (U+2005 after the name); answered in 11 business minutes')
say(A, '2026-11-02 09:41:37', 'E4001', '收到陈总，周四下班前发您')
q_pq1 = say(A, '2026-11-02 10:20:41', 'E3003', '请问三楼打印机又卡纸了，行政的同事能来看一下吗？',
            tag='PQ-ALL-1', rule='reply.public', expect=['met'],
            desc='public question (打印机); a reply by any admin-centre member counts: 吴涛 @mentions the asker 7 minutes later')
say(A, '2026-11-02 10:27:55', 'E2003', at(A, 'E3003') + '马上到，先别用三楼那台了', m=['E3003'])
img(A, '2026-11-02 11:02:13', 'E3007')
say(A, '2026-11-02 11:02:30', 'E3007', '三楼打印机修好了，感谢涛哥👍')
link(A, '2026-11-03 09:10:00', 'E2001', '冬季办公室消防安全提示｜请全员阅读',
     '天气转冷，电暖器、插线板使用注意事项，以及下班前的断电检查清单。',
     'https://mp.weixin.qq.com/s/Xh3kTq9vN2mB7cLpA0eRfw',
     tag='LINK-V1', rule='(none: allowed domain)',
     desc='49/5 link whose StrContent holds the appmsg XML; url on mp.weixin.qq.com (qq.com is allowed)')
acks(A, '2026-11-03 09:10:30', ['E1003', 'E3006', 'E4008', 'E5002'])
q_e1 = say(A, '2026-11-03 14:02:18', 'E5003', at(A, 'E5001') + '韩总，10月的差旅补贴跟报销一起提交吗？',
           m=['E5001'], tag='Q-ALL-1', rule='reply.employee', expect=['met'],
           desc='finance staff asks own head; she answers with an @mention of the asker after 7 minutes')
say(A, '2026-11-03 14:09:45', 'E5001', at(A, 'E5003') + '一起提交，单独列一行写清楚出差事由', m=['E5003'])
say(A, '2026-11-04 12:10:05', 'E4005', '双十一预售今晚八点付尾款，大家别忘了😂', offtopic=True,
    tag='OFF-ALL-1', rule='content.offtopic', desc='shopping chatter in the all-staff group (双十一/尾款)')
say(A, '2026-11-04 12:11:40', 'E3004', '我购物车凑满减已经凑到三千多了，这个月又要吃土', offtopic=True,
    tag='OFF-ALL-2', rule='content.offtopic', desc='shopping chatter (凑满减/购物车)')
say(A, '2026-11-04 12:13:02', 'E4008', '中午谁一起去楼下新开的火锅店，人均八十', offtopic=True,
    tag='OFF-ALL-3', rule='content.offtopic', desc='lunch chatter (火锅店)')
say(A, '2026-11-04 12:20:30', 'E2001', at(A, 'ALL') + '全员群请勿闲聊，私事请私聊，谢谢配合', m=['ALL'],
    tag='ATALL', rule='(none)',
    desc='@所有人 by the admin-centre head: not an @mention of any department head, so no reply.leader tracking')
say(A, '2026-11-05 10:40:26', 'E4002',
    f'客户张先生的开票资料：身份证 {RESIDENT_ID}，手机 {MOBILE}，订单号 {DECOY_ORDER}，麻烦财务尽快开票',
    tag='PRIV-1', rule='content.privacy',
    desc=f'resident ID {RESIDENT_ID} (GB 11643 check digit valid) and mobile {MOBILE}; '
         f'the order number {DECOY_ORDER} is a decoy (18 digits, check digit invalid, not Luhn-valid): one finding')
say(A, '2026-11-05 10:52:10', 'E5002', at(A, 'E4002') + '收到，这种客户信息以后请私发给我，不要发在群里', m=['E4002'])
file_(A, '2026-11-05 16:30:00', 'E2001', '2026年11月值班表.xlsx', 18841)
acks(A, '2026-11-05 16:30:20', ['E3003', 'E3007', 'E4004'])
system(A, '2026-11-06 10:02:33', '你邀请"林晓"加入了群聊  ', event='join', actor='E2002', targets=['E3008'],
       tag='ONB-2', rule='member.onboard (none) / member.invite (none)',
       desc='new hire 林晓 (hire 2026-11-02) added to the all group on day 4 by 周静 (admin centre, the exporter: "你邀请…", two trailing spaces)')
say(A, '2026-11-06 10:03:10', 'E2002',
    '欢迎新同事' + at(A, 'E3008') + '加入星河大家庭🎉 请把群昵称改为“部门-姓名”，例如：研发部-林晓', m=['E3008'])
say(A, '2026-11-06 10:05:41', 'E3008', '大家好，我是研发部新同事林晓，请多关照[抱拳]')
acks(A, '2026-11-06 10:06:00', ['E3003', 'E3004', 'E3005'], gap=(10, 60))
say(A, '2026-11-09 14:30:00', 'E1002',
    '下周一（11月16日）下午两点开季度经营会，各部门负责人准备一下本部门Q4重点工作汇报，每人10分钟。')
acks(A, '2026-11-09 14:30:30', ['E1003', 'E4003', 'E3002'])
say(A, '2026-11-09 16:05:12', 'E2001',
    '【通知】关于11月消防演练的安排：\n1. 时间：11月19日（周四）15:00，为期30分钟；\n'
    '2. 集合地点：一楼大厅，听到"警报"后沿安全通道撤离，不要乘电梯；\n'
    '3. 请各部门负责人清点人数, 并在群里回复"已到齐"。',
    tag='CSV-1', rule='(none)',
    desc='multi-line message with embedded newlines, ASCII commas and double quotes (CSV quoting, "" escapes)')
acks(A, '2026-11-09 16:06:00', ['E3006', 'E4008', 'E5003', 'E1003'])
q_pq2 = say(A, '2026-11-11 13:40:22', 'E4005', '停车场B2的门禁卡刷不开了，怎么办？',
            tag='PQ-ALL-2', rule='reply.public', expect=['breached'],
            desc='public question (停车/门禁); 孙丽 answers with a quote reply (49/57, StrContent empty) after 45 business minutes > 20')
quote(A, '2026-11-11 14:25:10', 'E2001', '我让物业重新录一下卡，下午三点后再试', q_pq2,
      tag='QUOTE-V1', rule='(reply, counts for PQ-ALL-2)',
      desc='MemoTrace v1 quote: Type 49, SubType 57, StrContent EMPTY (the reply text and the quoted message are lost)')
say(A, '2026-11-11 15:20:40', 'E4005', '可以了，谢谢孙姐')
say(A, '2026-11-12 09:20:18', 'E4006',
    '自家果园赣南脐橙上市啦🍊 10斤装89元包邮，同事价再优惠，加微信 abc12345 下单，'
    '或者直接点 https://shop.gannan-qiguo.top/item?id=8812&from=group',
    tag='AD-1', rule='content.ad',
    desc='advert: link to a non-allowed domain (gannan-qiguo.top) and solicitation 加微信 abc12345; '
         'the "?" inside the URL must not make it a question')
say(A, '2026-11-12 09:35:02', 'E2001', at(A, 'E4006') + '群内禁止发广告，请自行撤回', m=['E4006'])
say(A, '2026-11-12 11:15:00', 'E5002', '=SUM(D2:D40) 这个合计公式大家别改，报销汇总表已经锁定了',
    tag='CSVINJ-1', rule='(none)', desc='text starting with "=": a CSV-injection case for findings/evidence output')
system(A, '2026-11-13 10:30:05', '"何静"邀请"宋佳"加入了群聊', event='join', actor='E4003', targets=['E4007'],
       tag='INV-1', rule='member.invite; member.onboard (none)',
       desc='sales manager 何静 (not owner/admin/admin-centre/exec, not the dept head) adds new hire 宋佳 to the all group (day 4 after hire 2026-11-09: onboarding itself on time)')
say(A, '2026-11-13 10:31:18', 'E4007', '大家好，我是销售部新人宋佳，请多多指教')
acks(A, '2026-11-13 10:32:00', ['E4005', 'E4008'], gap=(10, 50))
say(A, '2026-11-16 08:58:00', 'E2002', '今天下午两点季度经营会，地点5楼大会议室，请参会的负责人准时到场。')
say(A, '2026-11-17 11:05:09', 'E3006',
    '【转】各位注意：项目A二期上线时间调整为11月20日（周五）晚22:00，请各相关部门提前做好数据备份和回滚预案，客户验收材料周三前提交项目组。',
    tag='FWD-1', rule='content.forward',
    desc='repeats 刘芳\'s 2026-11-16 15:00 message from the work group 项目A协调群 (WeClone CSV) with a 【转】 prefix; similarity > 0.9')
q_pq3 = say(A, '2026-11-18 11:50:33', 'E3005', '食堂今天中午还开吗', tag='PQ-ALL-3', rule='reply.public',
            expect=['met'], desc='public question (食堂), 吗 at the end without a question mark; 周静 answers in 3 minutes')
say(A, '2026-11-18 11:53:40', 'E2002', '开的，今天12点正常开饭')
say(A, '2026-11-19 10:00:08', 'E2002', '下午三点消防演练，请大家提前把电脑存好盘')
system(A, '2026-11-19 10:01:15',
       '<![CDATA[你撤回了一条消息 <a href="weixin://revoke_edit_click">重新编辑</a>]]>',
       event='recall', actor='E2002',
       tag='RECALL-2', rule='(event: recall)',
       desc='self recall as raw PC 3.x text: CDATA wrapper and the 重新编辑 link (MemoTrace strips these only in TXT)')
say(A, '2026-11-19 10:01:40', 'E2002', '下午三点消防演练，请大家提前保存好手头的文件')
say(A, '2026-11-19 15:31:00', 'E3001', '研发部已到齐')
say(A, '2026-11-19 15:31:30', 'E4001', '销售部已到齐')
say(A, '2026-11-19 15:32:10', 'E5001', '财务部已到齐')
q_l2 = say(A, '2026-11-23 15:10:00', 'E1001', '12月年会的场地和预算，行政中心和财务部这周拿个方案出来',
           tag='L-ALL-2', rule='reply.leader', expect=['met', 'breached'],
           desc='gm names two departments: 孙丽 replies after 10 minutes (met); 韩梅 after 112 business minutes > 30 (breached: 3 points, director)')
say(A, '2026-11-23 15:20:12', 'E2001', '好的陈总，周三前出方案')
say(A, '2026-11-23 17:02:30', 'E5001', '收到，预算这块我和孙丽对一下')
q_un = say(A, '2026-11-26 10:15:30', 'E4005', '请问12月的销售提成方案什么时候公布？', tag='Q-ALL-UNANS',
           rule='reply.employee', expect=['unanswered'],
           desc='sales staff asks in the all group; her head 马骏 never writes in this group again: unanswered')
say(A, '2026-11-27 16:40:00', 'E2003', '下周一起地下车库B2做防水施工，请开车的同事停到B1。')
acks(A, '2026-11-27 16:40:30', ['E3004', 'E4002', 'E5003'])
say(A, '2026-11-30 17:30:05', 'E2002', '本月考勤统计已发到各位负责人邮箱，请核对后周三前反馈。')
acks(A, '2026-11-30 17:31:00', ['E3006', 'E4008'])

# Routine filler in the all group: morning notices by 周静 and acknowledgements.
for day, note in [(10, '今天下午物业检修电梯，14:00-15:00请走楼梯'), (20, '本周五下午茶在6楼茶水间，欢迎大家'),
                  (24, '快递柜本周迁到一楼东侧，取件码不变'), (25, '周五下午大扫除，请清理个人工位')]:
    say(A, f'2026-11-{day:02d} 09:1{day % 10}:00', 'E2002', note)
    acks(A, f'2026-11-{day:02d} 09:1{day % 10}:20', rng.sample(ALLSTAFF, 3))

# ===== 研发部群 — PyWxDump, exported by 王伟 (E3002, 研发经理) ===============
R = 'RD'
say(R, '2026-11-02 09:05:12', 'E3001',
    '早，本周重点：订单中心二期联调、压测报告、周四代码评审。大家今天把任务拆分更新到看板上。')
acks(R, '2026-11-02 09:05:40', ['E3003', 'E3006', 'E3007'])
say(R, '2026-11-02 10:05:33', 'E3003', at(R, 'E3001') + '张总，测试环境的数据库账号什么时候能开通？', m=['E3001'],
    tag='Q-RD-1', rule='reply.employee', expect=['met'],
    desc='@mention with U+2005; the head answers with an @mention of the asker after 7 minutes')
say(R, '2026-11-02 10:12:08', 'E3001', at(R, 'E3003') + '今天下午三点前开好，开好发你', m=['E3003'])
img(R, '2026-11-02 14:30:02', 'E3004')
say(R, '2026-11-02 14:31:15', 'E3004', '看板已更新')
say(R, '2026-11-03 09:48:21', 'E3009', '兄弟们，我电脑里还有两个分支没合，周末抽空来公司处理一下，方便的话帮我留个门',
    tag='OUT-2', rule='group.outsider',
    desc='郑浩 left on 2026-10-30 (leave_date = last working day) and still writes in the department group')
system(R, '2026-11-03 10:02:40', '你将"郑浩"移出了群聊', event='remove', actor='E3002', targets=['E3009'],
       tag='REMOVE-1', rule='(event: remove)',
       desc='removal, seen from the exporter 王伟 ("你将…移出了群聊"): actor = the exporter')
q_rd2 = say(R, '2026-11-03 14:20:05', 'E3004', '接口文档V2放在哪个目录了？共享盘里没找到',
            tag='Q-RD-2', rule='reply.employee', expect=['breached'],
            desc='answered after 45 business minutes > 20')
say(R, '2026-11-03 15:05:40', 'E3001', '在共享盘 订单中心/接口 目录下，我刚挪过去')
system(R, '2026-11-04 09:30:15', '"张磊"邀请"林晓"加入了群聊', event='join', actor='E3001', targets=['E3008'],
       tag='ONB-1', rule='member.onboard',
       desc='new hire 林晓 (hire 2026-11-02) added to her department group on day 2 (< 3): finding against the head 张磊')
say(R, '2026-11-04 09:31:02', 'E3001', '欢迎' + at(R, 'E3008') + '，先熟悉一下代码规范文档，有问题找王伟', m=['E3008'])
say(R, '2026-11-04 09:33:47', 'E3008', '谢谢张总，大家好，我是林晓，以后请多指教')
say(R, '2026-11-04 11:00:00', 'E3006',
    '【发版通知】订单中心 v2.3.1 今晚20:00发布，内容如下：\n1. 修复"订单导出"重复的问题, 影响范围：销售后台\n'
    '2. 新增"批量审批"，单次支持 5,000 条以内\n3. 优化报表加载速度\n请相关同学18:00前在测试环境确认完毕。',
    tag='CSV-2', rule='(none)', desc='multi-line release note with commas and double quotes')
acks(R, '2026-11-04 11:01:00', ['E3003', 'E3004', 'E3005'])
system(R, '2026-11-04 16:13:30', '<revokemsg>"刘洋" 撤回了一条消息</revokemsg>', event='recall', actor='E3004',
       tag='RECALL-1', rule='(event: recall)',
       desc='recall by another member, PyWxDump raw form <revokemsg>"X" 撤回了一条消息</revokemsg> (space before 撤回); the recalled message itself is not in the export')
q_rd3 = say(R, '2026-11-04 17:50:30', 'E3005', '明天的代码评审改到几点了？', tag='Q-RD-3', rule='reply.employee',
            expect=['met'], desc='asked at 17:50, answered next morning 09:08: 17.5 business minutes (overnight)')
say(R, '2026-11-05 09:08:00', 'E3001', '改到上午10点，3号会议室')
q_rd4 = say(R, '2026-11-05 14:10:20', 'E3007', at(R, 'E3001') + '服务器扩容的申请审批下来了吗', m=['E3001'],
            tag='Q-RD-4', rule='reply.employee', expect=['met'],
            desc='吗 at the end, no question mark; answered by a quote reply (PyWxDump [引用] form) after 12 minutes')
quote(R, '2026-11-05 14:22:05', 'E3001', '批了，今天下午运维会扩容', q_rd4, tag='QUOTE-PWD',
      rule='(reply)', desc='PyWxDump quote: "<reply>\\n\\n[引用](time)<display name>:<quoted text>"')
say(R, '2026-11-05 15:00:12', 'E3002', at(R, 'E3004', ' ') + '这种低级错误都能上线，你脑子进水了吧？蠢货', m=['E3004'],
    tag='ABUSE-1', rule='redline.abuse',
    desc='insult by the manager (脑子进水/蠢货); the @mention ends with an ASCII space (sent from PC); a manager\'s question is not tracked')
say(R, '2026-11-05 15:02:30', 'E3004', '对不起王工，我马上回滚')
say(R, '2026-11-05 15:10:44', 'E3001', at(R, 'E3002') + '有问题私下沟通，注意措辞', m=['E3002'])
q_rd5 = say(R, '2026-11-06 16:30:00', 'E3003', '下周的压测环境谁来准备？需要我这边配合吗',
            tag='Q-RD-5', rule='reply.employee', expect=['breached'],
            desc='the head\'s next message @mentions someone else (not a reply); the first one addressed to no one comes Monday 11:00: 210 business minutes')
say(R, '2026-11-09 09:15:20', 'E3001', at(R, 'E3006') + '压测环境你来负责，李娜配合', m=['E3006'],
    tag='NOTREPLY-1', rule='(not a reply to Q-RD-5)', desc='addressed to 杨帆, so it does not answer 李娜')
say(R, '2026-11-09 09:16:02', 'E3006', '好的')
say(R, '2026-11-09 11:00:00', 'E3001', '本周代码评审材料已经发到邮箱，大家提前看一下')
say(R, '2026-11-10 10:00:40', 'E3001', '行政中心的同事帮忙看下三楼机房空调，温度有点高',
    tag='L-RD-DQ', rule='reply.leader → data-quality warning',
    desc='the head names 行政中心; its head 孙丽 is not a member of 研发部群: a data-quality warning, not a finding')
voice(R, '2026-11-10 11:30:18', 'E3005', 5.12, '张总我在客户现场，下午回来再看')
say(R, '2026-11-10 14:05:27', 'E3004', at(R, 'E3001') + '压测报告里的TPS按峰值还是均值算呢', m=['E3001'],
    tag='Q-RD-NE', rule='reply.employee', expect=['met'],
    desc='a question only by its clause-final 呢 (no question mark, no other question word); answered after 11 minutes')
say(R, '2026-11-10 14:16:02', 'E3001', '按峰值，均值放附录里')
say(R, '2026-11-11 10:20:10', 'E3005', '张总，订单中心那个热修复补丁今天能上么', tag='Q-RD-ME', rule='reply.employee',
    expect=['met'], desc='a question only by its clause-final 么; answered after 15 minutes')
say(R, '2026-11-11 10:35:00', 'E3001', '能，下午四点发')
q_rd6 = say(R, '2026-11-12 09:30:05', 'E3008', '请问代码仓库的权限找谁开？', tag='Q-RD-6', rule='reply.employee',
            expect=['met'], desc='new hire asks; the head answers with an @mention (display name 林晓) after 11 minutes')
say(R, '2026-11-12 09:41:11', 'E3001', at(R, 'E3008') + '找王伟开，我跟他说过了', m=['E3008'])
file_(R, '2026-11-11 17:20:00', 'E3006', '订单中心压测报告_v1.pdf', 2381424)
sticker(R, '2026-11-11 17:21:00', 'E3007', '[强]')
link(R, '2026-11-13 16:00:20', 'E3004', 'Release 8.2.1 · redis/redis', 'Upgrade urgency: SECURITY, contains fixes to security issues.',
     'https://github.com/redis/redis/releases/tag/8.2.1')
say(R, '2026-11-13 16:01:00', 'E3004', '这个安全补丁我们下周一起升级了吧，我先在测试环境验证')
# second half: exported again on 12-01, then re-saved by a spreadsheet in GB18030
say(R, '2026-11-16 09:10:21', 'E3001',
    '本周上线准备：周三前完成回归测试，周五晚上线。' + at(R, 'E3006') + '回归用例今天更新一下', m=['E3006'])
say(R, '2026-11-16 09:15:02', 'E3006', '好的，上午更新完')
q_rd7 = say(R, '2026-11-17 10:25:41', 'E3007', '上线窗口是周五晚22点吗？需不需要留人值班', tag='Q-RD-7',
            rule='reply.employee', expect=['met'], desc='answered after 6 minutes (times have no seconds in this file)')
say(R, '2026-11-17 10:31:09', 'E3001', '是的，我和王伟留守，其他人保持电话畅通')
q_rd8 = say(R, '2026-11-18 15:00:27', 'E3004', '三楼饮水机没水了，谁能叫一下桶装水？', tag='PQ-RD-DQ',
            rule='reply.public → data-quality warning',
            desc='public question (饮水机) in a group with no admin-centre member: a data-quality warning; not a reply.employee question either')
say(R, '2026-11-19 14:00:10', 'E3005', '周末有人去香山爬山吗，红叶正好', offtopic=True, tag='OFF-RD-1',
    rule='content.offtopic', desc='personal chatter in the department group; a question hitting the offtopic lexicon is not a work question (not tracked)')
say(R, '2026-11-20 22:35:50', 'E3002', '上线完成，监控正常，大家辛苦了👍')
q_rd9 = say(R, '2026-11-24 10:00:33', 'E3006', at(R, 'E3001') + '压测报告需要发给客户吗？', m=['E3001'],
            tag='Q-RD-9', rule='reply.employee', expect=['met'],
            desc='supervisor asks (U+2005 mention, GB18030-encoded); answered by a quote reply in the GB18030 file')
quote(R, '2026-11-24 10:12:48', 'E3001', '需要，脱敏后发给何静，她转给客户', q_rd9)
say(R, '2026-11-26 11:20:00', 'E3003', '订单中心的告警规则已经调好了，误报少了很多👌')
q_rd10 = say(R, '2026-11-30 20:30:00', 'E3003', '明早的周会还是九点半开吗', tag='Q-RD-CTX',
             rule='reply.employee', expect=['met'],
             desc='asked Monday 20:30, answered Tuesday 12-01 09:10 (outside the period, used as context): 10 business minutes')
say(R, '2026-12-01 09:10:00', 'E3001', '对，九点半，3号会议室')
say(R, '2026-12-01 09:11:30', 'E3003', '好的')

RD_STAFF = ['E3003', 'E3004', 'E3005', 'E3006', 'E3007']
DONE = ['完成订单导出接口联调', '修复支付回调偶发超时', '补充用户中心单元测试', '评审库存模块设计文档',
        '排查测试环境内存泄漏', '优化报表SQL，查询耗时从3秒降到0.6秒', '整理二期接口变更清单', '跟进线上告警3条，已关闭',
        '完成权限模块代码重构', '编写压测脚本，覆盖下单和支付两条链路']
PLAN = ['继续联调', '准备压测数据', '跟进线上告警', '整理接口文档', '配合测试回归', '修复评审意见', '补充监控指标']


def workdays():
    d = dt.date(2026, 11, 2)
    while d <= dt.date(2026, 11, 30):
        if d.weekday() < 5:
            yield d
        d += dt.timedelta(days=1)


for d in workdays():
    people = RD_STAFF + (['E3008'] if d >= dt.date(2026, 11, 5) else [])
    for p in rng.sample(people, 2):
        t = dt.datetime.combine(d, dt.time(17, 40)) + dt.timedelta(seconds=rng.randint(0, 1500))
        say(R, t.strftime('%Y-%m-%d %H:%M:%S'), p,
            f"【日报】{d.month}/{d.day} {EMP[p]['name']}：{rng.choice(DONE)}；明日：{rng.choice(PLAN)}", filler=True)

# ===== 销售部群 — MemoTrace v2, exported by 马骏 (E4001, head) ==============
S = 'SALES'
say(S, '2026-11-02 08:50:31', 'E4001', '各位早，本周目标：新签3单，回款200万。每天下班前在群里报一下拜访情况。')
acks(S, '2026-11-02 08:51:00', ['E4008', 'E4005', 'E4002', 'E4004'])
q_s1 = say(S, '2026-11-03 10:30:14', 'E4002', at(S, 'E4001') + '马总，华远物流那边要的报价单能按8.5折出吗？', m=['E4001'],
           tag='Q-S-1', rule='reply.employee', expect=['met'],
           desc='asked by 销售部的王伟 (display name 销售-王伟: department alias); answered by a MemoTrace v2 quote after 14 minutes')
quote(S, '2026-11-03 10:44:02', 'E4001', '可以，最低8.5折，再低要找我', q_s1, tag='QUOTE-MT2',
      rule='(reply)', desc='MemoTrace v2 quote: "<reply>\\n引用：<name>: <quoted text>"')
q_s2 = say(S, '2026-11-04 16:40:09', 'E4004', '合同模板是不是又更新了？法务发的是哪一版', tag='Q-S-2',
           rule='reply.employee', expect=['breached'],
           desc='asked by 高峰 under the display name 小高🌟 (a roster alias); answered after 55 business minutes')
say(S, '2026-11-04 17:35:20', 'E4001', at(S, 'E4004') + '用11月1日那版，已经发你邮箱了', m=['E4004'])
img(S, '2026-11-05 11:20:45', 'E4005')
say(S, '2026-11-05 11:21:10', 'E4005', '博锐医疗的采购说下周二可以来公司看演示')
say(S, '2026-11-05 11:40:00', 'E4001', at(S, 'E4005') + '明天的演示你跟我一起去，资料今天准备好', m=['E4005'],
    tag='MENTION-SPACE-NAME', rule='(mention)',
    desc='@mention of the display name "销售部 罗敏", which contains an ASCII space, ended by U+2005')
# --- 11-09 .. 11-10 also exported by 何静 with an old PyWxDump (legacy CSV): the overlap
say(S, '2026-11-09 09:05:33', 'E4003', '上周回款情况：已回款168万，还差32万，主要是博锐医疗那笔')
say(S, '2026-11-09 09:07:10', 'E4001', '博锐那笔本周必须催回来，' + at(S, 'E4003') + '你亲自跟一下', m=['E4003'])
say(S, '2026-11-09 09:08:02', 'E4003', '好的')
img(S, '2026-11-09 10:15:48', 'E4005')
sticker(S, '2026-11-09 10:16:05', 'E4008', '[强]')
system(S, '2026-11-10 09:40:12', '" 李明"通过扫描"高峰"分享的二维码加入群聊', event='join', actor='E4004', targets=['X1'],
       tag='OUT-1', rule='group.outsider; member.invite',
       desc='an outsider (not in the roster) joins by scanning the QR code 高峰 shared: responsible the owner 马骏 and 高峰 (inviter); '
            'QR wording has a space after the opening quote')
say(S, '2026-11-10 09:42:30', 'X1', '各位好，我是恒达贸易的李明，高峰拉我进来对接年底的采购，多多关照',
    tag='OUT-1b', rule='group.outsider (same incident)', desc='the outsider writes; his display name 恒达贸易-李明 looks like 部门-姓名')
say(S, '2026-11-10 09:50:05', 'E4001', at(S, 'E4004') + '客户不要拉进内部群，单独建个对接群', m=['E4004'])
say(S, '2026-11-10 10:05:16', 'E4004', '好的马总，我马上处理')
system(S, '2026-11-10 10:20:00', '你将"李明"移出了群聊', event='remove', actor='E4001', targets=['X1'],
       only=('memotrace2',), tag='REMOVE-2', rule='(event: remove)',
       desc='only the remover (the exporter 马骏) sees this; the overlapping legacy export by 何静 does not have it')
# daily visit reports
SALES_STAFF = ['E4002', 'E4004', 'E4005', 'E4006', 'E4008']
CUST = ['华远物流', '博锐医疗', '中辰建设', '瑞丰食品', '安泰保险经纪', '鼎新教育', '恒通汽配', '云杉酒店']
RESULT = ['意向较强，下周复访', '已发报价单', '对方在走内部审批', '约了下周二演示', '合同已签回', '需要补充资质材料']
for d in workdays():
    people = SALES_STAFF + (['E4007'] if d >= dt.date(2026, 11, 16) else [])
    for p in rng.sample(people, 3):
        t = dt.datetime.combine(d, dt.time(17, 30)) + dt.timedelta(seconds=rng.randint(0, 1700))
        c1, c2 = rng.sample(CUST, 2)
        say(S, t.strftime('%Y-%m-%d %H:%M:%S'), p,
            f"【拜访日报】{d.month}/{d.day} {EMP[p]['name']}：拜访客户2家（{c1}、{c2}），{c1}{rng.choice(RESULT)}。",
            filler=True)
record(S, '2026-11-12 15:30:26', 'E4003', '项目A协调群的聊天记录', [
    ('2026-11-11 16:00:05', 'PA', 'E4001',
     '客户验收标准确定：响应时间小于2秒，月度可用性不低于99.9%，验收报告由销售部和研发部共同签字确认。'),
    ('2026-11-11 16:12:40', 'PA', 'E3001', '收到，研发这边按这个标准准备压测数据'),
], tag='FWD-2', rule='content.forward',
    desc='merged record (合并转发) forwarded by 何静 into the department group; its first item repeats 马骏\'s work-group message (≥ 20 chars)')
system(S, '2026-11-13 10:00:00', '你邀请"宋佳"加入了群聊  ', event='join', actor='E4001', targets=['E4007'],
       tag='ONB-3', rule='member.onboard (none)',
       desc='new hire 宋佳 (hire 2026-11-09) added to her department group on day 4 by her head (the exporter)')
say(S, '2026-11-13 10:01:26', 'E4007', '大家好，我是宋佳，今天正式加入销售部，请各位前辈多多关照🌹')
say(S, '2026-11-13 10:02:40', 'E4001', '欢迎' + at(S, 'E4007', when=parse_when('11-13 10:02:40')) +
    '，群昵称改一下，格式“销售部-宋佳”', m=['E4007'])
say(S, '2026-11-17 09:30:12', 'E4007', '收到马总，昵称已改', tag='NICK-OK',
    rule='member.nickname (none)', desc='宋佳 now writes as 销售部-宋佳: compliant as last seen')
q_s3 = say(S, '2026-11-19 11:00:00', 'E1001', at(S, 'E4001') + '年底冲刺的激励方案今天下班前报给我', m=['E4001'],
           tag='L-S-1', rule='reply.leader', expect=['met'], desc='gm @mentions the head in the sales group; answered in 20 minutes')
say(S, '2026-11-19 11:20:30', 'E4001', '好的陈总，下午四点前发您')
say(S, '2026-11-18 14:05:50', 'E4006', '博锐医疗的订单号是 SO202611180045，快递单号 773012345678901，发货地址已经同步给仓库',
    tag='DECOY-2', rule='(none)', desc='digit runs that are neither a mobile number (inside a longer run) nor an ID/card number')
q_s4 = say(S, '2026-11-24 16:00:41', 'E4005', '马总，下周的客户答谢会需要我们出几个人？', tag='Q-S-4',
           rule='reply.employee', expect=['met'], desc='answered after 10 minutes')
say(S, '2026-11-24 16:10:15', 'E4001', '每组出两个，名单周四前报给何静')
q_s5 = say(S, '2026-11-27 17:50:02', 'E4002', '华远物流的合同已经盖章寄回了吗？', tag='Q-S-5',
           rule='reply.employee', expect=['met'],
           desc='asked Friday 17:50, answered Monday 09:05 across the weekend: 15 business minutes')
say(S, '2026-11-30 09:05:00', 'E4001', '寄回了，顺丰单号我发你了')
say(S, '2026-11-30 17:45:00', 'E4001', '本月回款完成率103%，辛苦大家，下月继续冲👏')

# The same days as exported by 何静 with legacy PyWxDump: every SALES message
# of 11-09 and 11-10 (except REMOVE-2, which only the remover sees).
LEGACY_FROM, LEGACY_TO = parse_when('11-09 00:00:00'), parse_when('11-10 23:59:59')

# ===== 项目A协调群 — WeFlow "WeClone" CSV, exported by 王伟 (E3002) ========
P = 'PA'
say(P, '2026-10-29 16:00:10', 'E2001', '项目A协调群已建好（刘总授权），二期相关的排期、客户需求和验收都在这里沟通。')
for i, p in enumerate(['E1002', 'E3001', 'E4001', 'E4003', 'E3006', 'E5001', 'E3002']):
    say(P, f'2026-10-29 16:0{1 + i}:30', p, '收到' if p != 'E1002' else '好，大家辛苦')
q_p1 = say(P, '2026-11-02 10:00:05', 'E1002',
           '项目A二期本周启动，' + at(P, 'E3001') + at(P, 'E4001') + '周三前各自把排期和客户需求清单发群里',
           m=['E3001', 'E4001'], tag='L-PA-1', rule='reply.leader', expect=['met', 'met'],
           desc='vp @mentions two heads; both answer within 30 minutes')
say(P, '2026-11-02 10:08:44', 'E3001', '收到刘总')
say(P, '2026-11-02 10:21:03', 'E4001', '收到，周二先给一版')
say(P, '2026-11-02 10:30:50', 'E3002', '排期表我来汇总，各位把时间节点发我就行')
file_(P, '2026-11-04 15:00:31', 'E3001', '项目A二期排期表_v3.xlsx', 55311)
file_(P, '2026-11-04 15:05:02', 'E4001', '项目A客户需求清单.docx', 120448)
q_p2 = say(P, '2026-11-10 10:00:00', 'E1002',
           at(P, 'E3001') + '二期接口联调进度怎么样了？' + at(P, 'E2001') + '下周三客户来访，帮忙安排一下大会议室和午餐',
           m=['E3001', 'E2001'], tag='L-PA-2', rule='reply.leader + reply.public', expect=['met', 'breached', 'met'],
           desc='vp @mentions two heads: 孙丽 answers after 15 minutes (leader met; also a public question, 会议室: met), '
                '张磊 after 50 minutes (leader breached: 3 points, director)')
say(P, '2026-11-10 10:15:22', 'E2001', '好的刘总，大会议室已预订，午餐按8人安排')
say(P, '2026-11-10 10:50:13', 'E3001', '联调完成80%，剩下的支付回调周四前完成')
q_p3 = say(P, '2026-11-11 16:00:05', 'E4001',
           '客户验收标准确定：响应时间小于2秒，月度可用性不低于99.9%，验收报告由销售部和研发部共同签字确认。',
           tag='L-PA-3', rule='reply.leader', expect=['met'],
           desc='the sales head names 研发部 (and his own 销售部): 张磊 must confirm within 30 minutes; he does after 12')
say(P, '2026-11-11 16:12:40', 'E3001', '收到，研发这边按这个标准准备压测数据')
say(P, '2026-11-16 15:00:00', 'E1002',
    '各位注意：项目A二期上线时间调整为11月20日（周五）晚22:00，请各相关部门提前做好数据备份和回滚预案，客户验收材料周三前提交项目组。',
    tag='FWD-1-SRC', rule='(source of FWD-1)', desc='first posted here, in the work group')
acks(P, '2026-11-16 15:00:30', ['E3006', 'E4003', 'E3002'])
say(P, '2026-11-18 11:10:12', 'E5001', '项目A二期的尾款发票客户要求开专票，我这边周四前开好')
sticker(P, '2026-11-18 11:11:00', 'E4003', '[OK]')
say(P, '2026-11-20 22:40:05', 'E3002', '二期已上线，监控正常，明早九点出上线报告')
img(P, '2026-11-23 09:30:20', 'E1002')
say(P, '2026-11-23 09:31:02', 'E1002', '大家辛苦了，二期顺利上线🎉 周五晚上项目组聚餐')
link(P, '2026-11-25 14:20:00', 'E3006', '项目A二期上线报告', '', 'https://docs.qq.com/doc/DUkZzY2xhbmdQcmVw')

# ===== 兴趣交流群 — chatlog CSV, exported by 刘洋 (E3004) ===================
F = 'FUN'
FUN_NOW = '羽毛球&桌游小分队'
say(F, '2026-11-03 12:10:05', 'E3005', '本周六上午羽毛球，奥体中心3号场，报名接龙', offtopic=True)
say(F, '2026-11-03 12:12:31', 'E3007', '+1', tag='CSVINJ-2', rule='(none)', desc='a text starting with "+"')
say(F, '2026-11-03 12:13:02', 'E3004', '+1')
say(F, '2026-11-03 12:20:44', 'E4005', '+1 我带拍子')
q_f1 = say(F, '2026-11-05 12:30:41', 'E4005', '周六几点集合？我第一次去不认路', offtopic=True, tag='Q-FUN-1',
           rule='(not tracked: offtopic)',
           desc='a hobby question; if the offtopic lexicon does not catch it, it is a reply.employee question whose responsible head 马骏 is not a member: data-quality warning')
quote(F, '2026-11-05 12:31:20', 'E3005', '9点半体育馆门口见，我发个定位', q_f1, tag='QUOTE-CHATLOG',
      rule='(quote)', desc='chatlog quote: "> <name>(<wxid>) MM-DD HH:MM:SS" / "> <quoted>" lines, then the reply')
img(F, '2026-11-05 12:31:55', 'E3005')
say(F, '2026-11-07 11:45:10', 'E3007', '今天打得太爽了，下周继续🏸')
img(F, '2026-11-07 11:46:02', 'E4005')
say(F, '2026-11-10 19:30:15', 'E4005', '周末去哪吃好吃的，求推荐', offtopic=True)
say(F, '2026-11-10 19:35:40', 'E5003', '公司后街新开了一家湘菜馆，味道不错')
say(F, '2026-11-12 12:40:08', 'E3007', '测试一下群里能不能注入 <img src=x onerror=alert(1)> 哈哈', tag='HTML-1',
    rule='(none)', desc='HTML in a message: reports must escape it')
say(F, '2026-11-12 12:41:30', 'E2002', '别玩了😂')
system(F, '2026-11-16 12:00:02', '"陈晨"修改群名为“羽毛球&桌游小分队”', event='rename', actor='E3005',
       title=FUN_NOW, tag='RENAME-1', rule='(event: rename; group.name none)',
       desc='rename with full-width quotes around the new name; chatlog writes the current name in TalkerName on every row')
say(F, '2026-11-16 12:05:19', 'E3005', '群名改了，以后桌游也在这里约')
# red lines, one of each category, in the hobby group (each a true positive:
# the lexicons are curated for precision, so these are unmistakable)
say(F, '2026-11-16 20:14:09', 'E4008', '周末有个法轮大法的分享会，想去的私信我', tag='RL-RELIGION', rule='redline.religion',
    desc='recruiting for a banned cult (法轮大法) in the hobby group')
say(F, '2026-11-16 20:20:37', 'E5003', '退党保平安，打倒共产党，大家多转发', tag='RL-POLITICS', rule='redline.politics',
    desc='political slogans (退党保平安, 打倒共产党)')
file_(F, '2026-11-17 00:31:50', 'E3003', '自慰教程合集.mp4', 734003200, tag='RL-PORN', rule='redline.porn',
      desc='a pornographic video shared as a file: the file name is scanned')
say(F, '2026-11-17 08:02:44', 'E3007', '再让我周末加班，我就去炸公司', tag='RL-VIOLENCE', rule='redline.violence',
    desc='a threat of violence against the company (炸公司)')
link(F, '2026-11-18 20:10:00', 'E5003', '2026桌游新品推荐：十款适合公司团建的桌游', '',
     'https://www.bilibili.com/read/cv38810231', tag='AD-2', rule='content.ad',
     desc='link card to a domain not in allowed_domains (bilibili.com), in the hobby group')
system(F, '2026-11-20 18:30:00', '你已成为新群主', event='owner', actor='E3005', targets=['E3004'],
       tag='OWNER-1', rule='(event: owner)',
       desc='owner transfer seen by the new owner (the exporter 刘洋): "你已成为新群主"; groups.csv still says E3005')
say(F, '2026-11-20 18:31:12', 'E3005', '群主转给刘洋了，我最近项目忙，活动由他组织')
sticker(F, '2026-11-25 12:15:33', 'E4008', '[玫瑰]')
say(F, '2026-11-27 19:00:00', 'E5003', '周日桌游局还差两个人，有兴趣的接龙')
say(F, '2026-11-27 19:01:26', 'E3003', '-1 这周有事去不了', tag='CSVINJ-3', rule='(none)', desc='a text starting with "-"')
say(F, '2026-11-27 19:03:00', 'E3004', '我来')

MSGS.sort(key=lambda m: (m.conv, m.t, m.seq))
BY_CONV = {c: [m for m in MSGS if m.conv == c] for c in CONVS}

# ---------------------------------------------------------------------------
# Rendering helpers
# ---------------------------------------------------------------------------
def md5hex(*parts):
    import hashlib
    return hashlib.md5('|'.join(map(str, parts)).encode()).hexdigest()


def xml_esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;').replace('"', '&quot;')


def sticker_url(m):
    h = md5hex('emoji', m.id)
    return (f'http://wxapp.tc.qq.com/262/20304/stodownload?m={h}&filekey=3043020101042f302d02016e0402535a04'
            f'20{h}0203{len(m.id):04x}040d00000004627466730000000132&hy=SZ&storeid=26{h[:24]}&bizid=1023')


class Sheet:
    """Collects rows and remembers the line each record starts on."""

    def __init__(self, key, path):
        self.key, self.path = key, path
        self.buf = io.StringIO()
        self.line = 1

    def put(self, text, m=None):
        if m is not None:
            m.where[self.key] = (self.path, self.line)
        self.buf.write(text)
        self.line += text.count('\n')


def py_csv_row(fields, term='\r\n'):
    s = io.StringIO()
    csv.writer(s, lineterminator=term).writerow(fields)
    return s.getvalue()


def go_csv_row(fields):
    out = []
    for f in fields:
        need = f != '' and (any(c in f for c in ',"\r\n') or f[0].isspace() or f[0] == '\u2005')
        out.append('"' + f.replace('"', '""') + '"' if need else f)
    return ','.join(out) + '\n'


def js_csv_cell(v):
    s = str(v)
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n\r') else s


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


def rel(path):
    return os.path.relpath(path, SRC)


# ---------------------------------------------------------------------------
# MemoTrace v1 CSV (星河全员群)
# ---------------------------------------------------------------------------
V1_REMARK = {'E1001': '陈总', 'E1002': '刘总', 'E2001': '孙丽 行政', 'E3001': '张磊 研发', 'E4001': '马总 销售',
             'E5001': '韩总 财务', 'E4002': '王伟 销售', 'E3002': '王伟 研发'}
EXPORTER = {'ALL': 'E2002', 'RD': 'E3002', 'SALES': 'E4001', 'PA': 'E3002', 'FUN': 'E3004', 'LEGACY': 'E4003'}


def v1_content(m):
    if m.type == 'text':
        return 1, 0, m.text
    if m.type == 'image':
        h = md5hex('img', m.id)
        return 3, 0, (f'<?xml version="1.0"?>\n<msg>\n\t<img aeskey="{md5hex("k", m.id)}" encryver="1" '
                      f'cdnthumbaeskey="{md5hex("tk", m.id)}" cdnthumburl="3057020100044b304902010002049b1f0c3b02032f5'
                      f'6c1020470d4c8b4020469{h[:8]}042436{h[:30]}0204011818020201000405004c4d3600" cdnthumblength="4311" '
                      f'cdnthumbheight="120" cdnthumbwidth="90" length="{100000 + int(h[:4], 16)}" md5="{h}" />\n'
                      f'\t<platform_signature></platform_signature>\n\t<imgdatahash></imgdatahash>\n</msg>\n')
    if m.type == 'sticker':
        return 47, 0, (f'<msg><emoji fromusername="{EMP[m.who]["wxid"]}" tousername="{CONVS[m.conv]["id"]}" '
                       f'type="2" md5="{md5hex("emoji", m.id)}" len="{20000 + int(m.id[-4:])}" productid="" '
                       f'cdnurl="{xml_esc(sticker_url(m))}" width="240" height="240" /></msg>')
    if m.type == 'file':
        return 49, 6, ''
    if m.type == 'quote':
        return 49, 57, ''
    if m.type == 'link':
        e = m.extra
        return 49, 5, ('<?xml version="1.0"?>\n<msg>\n\t<appmsg appid="" sdkver="0">\n'
                       f'\t\t<title>{xml_esc(e["title"])}</title>\n\t\t<des>{xml_esc(e["des"])}</des>\n'
                       '\t\t<action>view</action>\n\t\t<type>5</type>\n\t\t<showtype>0</showtype>\n'
                       f'\t\t<url>{xml_esc(e["url"])}</url>\n\t\t<lowurl></lowurl>\n'
                       f'\t\t<thumburl>https://mmbiz.qpic.cn/mmbiz_jpg/{md5hex("th", m.id)}/300</thumburl>\n'
                       '\t\t<appattach>\n\t\t\t<totallen>0</totallen>\n\t\t\t<attachid></attachid>\n'
                       '\t\t\t<fileext></fileext>\n\t\t</appattach>\n'
                       '\t\t<sourceusername>gh_7d2a51e0c3f4</sourceusername>\n'
                       '\t\t<sourcedisplayname>星河科技行政服务</sourcedisplayname>\n\t</appmsg>\n'
                       f'\t<fromusername>{EMP[m.who]["wxid"]}</fromusername>\n\t<scene>0</scene>\n'
                       '\t<appinfo>\n\t\t<version>1</version>\n\t\t<appname></appname>\n\t</appinfo>\n'
                       '\t<commenturl></commenturl>\n</msg>\n')
    if m.type == 'system':
        return 10000, 0, m.text
    raise ValueError(m.type)


def write_memotrace_v1():
    path = os.path.join(SRC, 'MemoTrace/data/聊天记录/星河全员群/星河全员群_utf8.csv')
    sh = Sheet('memotrace', path)
    sh.put(py_csv_row(['localId', 'TalkerId', 'Type', 'SubType', 'IsSender', 'CreateTime', 'Status',
                       'StrContent', 'StrTime', 'Remark', 'NickName', 'Sender']))
    local = 20311
    me = EXPORTER['ALL']
    for m in BY_CONV['ALL']:
        local += rng.choice([1, 1, 1, 2, 3])
        ty, sub, content = v1_content(m)
        epoch = int(m.t.replace(tzinfo=TZ8).timestamp())
        if m.type == 'system':
            row = [local, 57, ty, sub, 0, epoch, 4, content, m.t.strftime('%Y-%m-%d %H:%M:%S'), '', '', '']
        else:
            self_ = m.who == me
            row = [local, 57, ty, sub, 1 if self_ else 0, epoch, 2 if self_ else 3, content,
                   m.t.strftime('%Y-%m-%d %H:%M:%S'), '' if self_ else V1_REMARK.get(m.who, ''),
                   EMP[m.who]['nick'], EMP[m.who]['wxid']]
        sh.put(py_csv_row(row), m)
    write_bytes(path, b'\xef\xbb\xbf' + sh.buf.getvalue().encode('utf-8'))
    return sh


# ---------------------------------------------------------------------------
# MemoTrace v2 CSV (销售部群)
# ---------------------------------------------------------------------------
MT2_LABEL = {'text': '文本', 'image': '图片', 'sticker': '表情包', 'file': '文件', 'link': '分享链接',
             'quote': '引用消息', 'record': '合并转发的聊天记录', 'system': '系统消息', 'voice': '语音'}
MT2_REMARK = {'E1001': '陈总', 'E4003': '何静', 'E4002': '小王 销售', 'E4004': '高峰', 'E5002': '财务冯雪'}


def mt2_text(m, conv):
    if m.type == 'text':
        return m.text
    if m.type == 'image':
        return '【图片】'
    if m.type == 'sticker':
        return '【表情包】 ' + m.extra['sticker']
    if m.type == 'quote':
        q = m.quote
        return f'{m.text}\n引用：{dn(conv, q.who, q.t)}: {q.text}'
    if m.type == 'record':
        lines = ['【合并转发的聊天记录】', '']
        for when, c, p, text in m.extra['items']:
            lines.append(f'    - {when} {dn(c, p)}: {text}')
        return '\n'.join(lines)
    if m.type == 'system':
        return m.text
    raise ValueError(m.type)


def write_memotrace_v2():
    c = CONVS['SALES']
    path = os.path.join(SRC, f'MemoTrace2/聊天记录/{c["name"]}({c["id"]})/{c["name"]}.csv')
    sh = Sheet('memotrace2', path)
    sh.put(py_csv_row(['消息ID', '类型', '发送人', '时间', '内容', '备注', '昵称', '更多信息']))
    for m in BY_CONV['SALES']:
        if m.type == 'system':
            row = [m.id, '系统消息', '', m.t.strftime('%Y-%m-%d %H:%M:%S'), m.text, '', '', 'more']
        else:
            row = [m.id, MT2_LABEL[m.type], dn('SALES', m.who, m.t), m.t.strftime('%Y-%m-%d %H:%M:%S'),
                   mt2_text(m, 'SALES'), MT2_REMARK.get(m.who, ''), person(m.who)['nick'], 'more']
        sh.put(py_csv_row(row), m)
    write_bytes(path, b'\xef\xbb\xbf' + sh.buf.getvalue().encode('utf-8'))
    return sh


# ---------------------------------------------------------------------------
# PyWxDump CSV, current and legacy
# ---------------------------------------------------------------------------
PWD_LABEL = {'text': '文本', 'image': '图片', 'sticker': '动画表情', 'file': '文件', 'link': '(分享)卡片式链接',
             'quote': '引用回复', 'system': '系统通知', 'voice': '语音', 'record': '合并转发的聊天记录'}
ROOM_HASH = {k: md5hex('room', v['id']) for k, v in CONVS.items()}


def pwd_msg_src(m, conv):
    if m.type == 'text':
        return m.text, ''
    if m.type == 'image':
        return '图片', f'FileStorage\\MsgAttach\\{ROOM_HASH[conv]}\\Image\\2026-11\\{md5hex("img", m.id)}.dat'
    if m.type == 'sticker':
        return '表情', sticker_url(m)
    if m.type == 'file':
        return m.extra['fname'], f'FileStorage\\File\\2026-11\\{m.extra["fname"]}'
    if m.type == 'link':
        e = m.extra
        return f'{e["title"]}\n{e["des"]}\n\n<a href="{e["url"]}" target="_blank">点击查看详情</a>', ''
    if m.type == 'voice':
        e = m.extra
        return (f'语音时长：{e["secs"]:.2f}秒\n翻译结果：{e["transcript"]}',
                f'FileStorage\\MsgAttach\\{ROOM_HASH[conv]}\\Voice\\2026-11\\{md5hex("v", m.id)}.silk')
    if m.type == 'quote':
        q = m.quote
        return f'{m.text}\n\n[引用]({q.t.strftime("%Y-%m-%d %H:%M:%S")}){dn(conv, q.who, q.t)}:{q.text}', ''
    if m.type == 'system':
        return m.text, ''
    raise ValueError(m.type)


def pwd_rows(msgs, conv, me, talker_self):
    for i, m in enumerate(msgs, 1):
        msg, src = pwd_msg_src(m, conv)
        if m.type == 'system':
            talker, is_sender = '', 0
        elif m.who == me:
            talker, is_sender = talker_self, 1
        else:
            talker, is_sender = person(m.who)['wxid'], 0
        yield m, [i, m.id, PWD_LABEL[m.type], is_sender, talker, CONVS[conv]['id'], msg, src], m.t


def write_pywxdump_current(msgs, path, key, excel=False):
    me = EXPORTER['RD']
    sh = Sheet(key, path)
    sh.put(py_csv_row(['id', 'MsgSvrID', 'type_name', 'is_sender', 'talker', 'room_name', 'msg', 'src', 'CreateTime']))
    for m, row, t in pwd_rows(msgs, 'RD', me, EMP[me]['wxid']):
        if excel:   # a spreadsheet shows and re-saves times as 2026/11/4 9:05
            row.append(f'{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}')
        else:
            row.append(t.strftime('%Y-%m-%d %H:%M:%S'))
        sh.put(py_csv_row(row), m)
    return sh


def write_pywxdump():
    rd = BY_CONV['RD']
    cut = parse_when('11-16 00:00:00')
    first = [m for m in rd if m.t < cut]
    second = [m for m in rd if m.t >= cut]
    cid = CONVS['RD']['id']
    p1 = os.path.join(SRC, f'PyWxDump/export/{cid}/{cid}_0_{len(first) + 1}.csv')
    sh1 = write_pywxdump_current(first, p1, 'pywxdump')
    write_bytes(p1, sh1.buf.getvalue().encode('utf-8'))
    p2 = os.path.join(SRC, f'PyWxDump/export-1201/{cid}/{cid}_0_{len(second) + 1}.csv')
    sh2 = write_pywxdump_current(second, p2, 'pywxdump-gb18030', excel=True)
    # Embedded newlines stay LF inside quoted cells, rows end CR LF (as the
    # spreadsheet writes them); then iconv to GB18030.
    utf8 = sh2.buf.getvalue().encode('utf-8')
    gb = subprocess.run(['iconv', '-f', 'UTF-8', '-t', 'GB18030'], input=utf8, check=True,
                        stdout=subprocess.PIPE).stdout
    write_bytes(p2, gb)
    # legacy PyWxDump, 销售部群 11-09..11-10, exported by 何静 (self = 我)
    sid = CONVS['SALES']['id']
    leg = [m for m in BY_CONV['SALES'] if LEGACY_FROM <= m.t <= LEGACY_TO and not m.only]
    p3 = os.path.join(SRC, f'PyWxDump-legacy/{sid}/{sid}_0_{len(leg) + 1}.csv')
    sh3 = Sheet('pywxdump-legacy', p3)
    sh3.put('id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime\r\r\n')
    for m, row, t in pwd_rows(leg, 'SALES', EXPORTER['LEGACY'], '我'):
        msg, src = row[6], row[7]
        content = json.dumps({'src': src, 'msg': msg}, ensure_ascii=False)
        sh3.put(py_csv_row(row[:6] + [content, t.strftime('%Y-%m-%d %H:%M:%S')], term='\r\r\n'), m)
    write_bytes(p3, sh3.buf.getvalue().encode('utf-8'))
    return [sh1, sh2, sh3]


# ---------------------------------------------------------------------------
# WeFlow "WeClone" CSV (项目A协调群)
# ---------------------------------------------------------------------------
def write_weclone():
    path = os.path.join(SRC, 'WeFlow/项目A协调群.csv')
    sh = Sheet('weclone', path)
    sh.put('\ufeffid,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime\r\n')
    me = EXPORTER['PA']
    i = 0
    for m in BY_CONV['PA']:
        if m.type == 'quote' or m.type == 'system':
            continue   # WeFlow leaves quote replies out of this format; no system rows planted
        i += 1
        if m.type == 'text':
            tn, msg, src = 'text', m.text, ''
        elif m.type == 'image':
            tn, msg, src = 'image', '[图片]', f'images/{md5hex("img", m.id)}.jpg'
        elif m.type == 'sticker':
            tn, msg, src = 'sticker', '[动画表情]', sticker_url(m)
        elif m.type == 'file':
            tn, msg, src = 'file', f'[文件]{m.extra["fname"]}', f'files/{m.extra["fname"]}'
        elif m.type == 'link':
            tn, msg, src = 'text', f'[链接]{m.extra["title"]}', ''
        else:
            raise ValueError(m.type)
        utc = m.t.replace(tzinfo=TZ8).astimezone(dt.timezone.utc)
        row = [i, m.id, tn, 1 if m.who == me else 0, dn('PA', m.who, m.t), msg, src,
               utc.strftime('%Y-%m-%dT%H:%M:%S.000Z')]
        sh.put(','.join(js_csv_cell(v) for v in row) + '\r\n', m)
    write_bytes(path, sh.buf.getvalue().encode('utf-8'))
    return sh


# ---------------------------------------------------------------------------
# chatlog CSV (兴趣交流群)
# ---------------------------------------------------------------------------
def write_chatlog():
    path = os.path.join(SRC, 'chatlog/兴趣交流群-2026-11.csv')
    sh = Sheet('chatlog', path)
    sh.put('Time,SenderName,Sender,TalkerName,Talker,Content\n')
    cid = CONVS['FUN']['id']
    host = '127.0.0.1:5030'
    for m in BY_CONV['FUN']:
        if m.type == 'text':
            content = m.text
        elif m.type == 'image':
            content = f'![图片](http://{host}/image/{md5hex("img", m.id)})'
        elif m.type == 'sticker':
            content = '[动画表情]'
        elif m.type == 'link':
            content = f'[链接|{m.extra["title"]}]({m.extra["url"]})'
        elif m.type == 'file':
            content = f'[文件|{m.extra["fname"]}](http://{host}/file/{md5hex("file", m.id)})'
        elif m.type == 'quote':
            q = m.quote
            head = f'{dn("FUN", q.who, q.t)}({person(q.who)["wxid"]}) {q.t.strftime("%m-%d %H:%M:%S")}'
            content = ''.join(f'> {ln}\n' for ln in [head] + q.text.split('\n') if ln) + m.text
        elif m.type == 'system':
            content = m.text
        else:
            raise ValueError(m.type)
        if m.type == 'system':
            sname, sid = '', ''
        else:
            sname, sid = dn('FUN', m.who, m.t), person(m.who)['wxid']
        sh.put(go_csv_row([m.t.strftime('%Y-%m-%d %H:%M:%S'), sname, sid, FUN_NOW, cid, content]), m)
    write_bytes(path, sh.buf.getvalue().encode('utf-8'))
    return sh


# ---------------------------------------------------------------------------
# Groups outside WeChat: the membership cases WeChat exports cannot show
# (SPEC 6.1: leaving by oneself, create events).  Their records are written
# straight into their own files, not into MSGS (no reply tracking here).
# ---------------------------------------------------------------------------
RID = {r[0]: r for r in ROSTER}
OTHER_GROUPS = {
    # a DingTalk group, registered: created by 何静 on 刘芳's authorization
    'DT': dict(platform='dingtalk', id='cidHd8aQ2xLkP5mVw9zR3tYu==', name='华东大区客户对接群',
               category='work', dept='', owner='E4001', admins='E4003', created_by='E4003',
               authorized_by='E1002', registered=True),
    # a WeCom internal group nobody registered, with the platform's default name
    'WC': dict(platform='wecom', id='wrOgQhDgAAbX7kLmN2pQ4rS6tU8vW0yZ', name='梁超、罗敏、谢婷',
               category='', dept='', owner='E4008', admins='', created_by='E4008', authorized_by='',
               registered=False),
}
EXTRA_ROWS = []   # planted cases that are not messages of MSGS


def extra(when, tag, rule, group, who_, desc, source):
    EXTRA_ROWS.append(dict(t=parse_when(when), tag=tag, rule=rule, group=group, who=who_, desc=desc,
                           source=source))


def emp_who(p):
    return f'{EMP[p]["name"]} ({p})'


def ms(when):
    return int(parse_when(when).replace(tzinfo=TZ8).timestamp() * 1000)


def write_dingtalk():
    """DingTalk `dws event` NDJSON of 华东大区客户对接群 (one event a line)."""
    g = OTHER_GROUPS['DT']
    path = os.path.join(SRC, 'DingTalk/events-2026-11.ndjson')
    lines = []

    def who(p):
        return {'nick': EMP[p]['name'], 'openDingTalkId': RID[p][9]}

    def ev(key, when, body):
        body = dict(body, openConversationId=g['id'])
        n = len(lines) + 1
        t = ms(when)
        lines.append(json.dumps({'eventId': f'evt-{md5hex("dt", n)[:16]}', 'eventKey': key,
                                 'occurredAtMs': t + 137, 'subId': 'sub-xinghe-audit',
                                 'payload': {'body': body, 'event_time': t}},
                                ensure_ascii=False, separators=(',', ':')))
        return n

    def msg(when, p, text):
        return ev('user_im_message_receive_group', when,
                  {'createTime': parse_when(when).strftime('%Y-%m-%d %H:%M:%S'), 'sender': EMP[p]['name'],
                   'openMessageId': f'msg{md5hex("dtm", when)[:20]}', 'senderOpenDingTalkId': RID[p][9],
                   'content': text})

    rel_ = 'DingTalk/events-2026-11.ndjson'
    n = ev('user_im_group_member_added', '11-02 10:00:00',
           {'operNick': '马骏', 'operOpenDingtalkId': RID['E4001'][9],
            'members': [who('E4003'), who('E4005'), who('E4006'), who('E4009')]})
    extra('11-02 10:00:00', 'INV-DT', 'member.invite (none)', g['name'], emp_who('E4001'),
          'the owner adds four sales staff (DingTalk member-added event): allowed inviter', f'`{rel_}:{n}`')
    msg('11-02 10:05:00', 'E4001', '华东大区年底冲刺的客户对接都在这个群，请大家每天下班前同步拜访进展。')
    msg('11-03 17:30:12', 'E4005', '今天拜访了华远物流，报价单已发。')
    msg('11-09 17:41:40', 'E4009', '博锐医疗的合同已签回，扫描件放共享盘了。')
    n = ev('user_im_group_member_exited', '11-12 14:03:20', {'members': [who('E4005')]})
    extra('11-12 14:03:20', 'LEAVE-1', 'member.leave', g['name'], emp_who('E4005'),
          '罗敏 leaves the group by herself (DingTalk member-exited event, no operator) while employed',
          f'`{rel_}:{n}`')
    n = ev('user_im_group_member_exited', '11-18 10:00:00',
           {'operNick': '马骏', 'operOpenDingtalkId': RID['E4001'][9], 'members': [who('E4006')]})
    extra('11-18 10:00:00', 'REMOVE-DT', 'member.leave (none)', g['name'], emp_who('E4006'),
          '马骏 (owner) removes 梁超: a removal, not a violation of 3.2.4', f'`{rel_}:{n}`')
    msg('11-20 17:50:00', 'E4009', '今天是我最后一天，客户资料已交接给何经理，感谢大家。')
    n = ev('user_im_group_member_exited', '11-20 18:10:00', {'members': [who('E4009')]})
    extra('11-20 18:10:00', 'LEAVE-OK', 'member.leave (none)', g['name'], emp_who('E4009'),
          '周航 (leave_date 2026-11-20) leaves by himself on his leave_date: not a violation', f'`{rel_}:{n}`')
    write_bytes(path, ('\n'.join(lines) + '\n').encode('utf-8'))
    return rel_, len(lines)


def write_wecom():
    """WeCom group information (msgaudit/groupchat/get, with the roomid the
    exporter adds) of an internal group nobody registered."""
    g = OTHER_GROUPS['WC']
    rel_ = f'WeCom/groupchat/{g["id"]}.json'
    created = ms('11-17 14:00:00') // 1000
    members = [('E4008', 1), ('E4006', 95), ('E4005', 95)]
    doc = {'roomid': g['id'], 'roomname': g['name'], 'creator': RID['E4008'][10],
           'room_create_time': created, 'notice': '',
           'members': [{'memberid': RID[p][10], 'jointime': created + d} for p, d in members],
           'errcode': 0, 'errmsg': 'ok'}
    write_bytes(os.path.join(SRC, rel_),
                (json.dumps(doc, ensure_ascii=False, indent=2) + '\n').encode('utf-8'))
    extra('11-17 14:00:00', 'CREATE-1', 'group.create; group.name', g['name'] + ' (WeCom)', emp_who('E4008'),
          'a WeCom group created by 谢婷 (supervisor: may not create company groups) and absent from '
          'groups.csv; its name is the platform default, the members\' names joined by 、: '
          'group.create against the creator, group.name against the owner (the creator)', f'`{rel_}:1`')
    return rel_, 1 + len(members)


# ---------------------------------------------------------------------------
# Configuration files
# ---------------------------------------------------------------------------
def write_config():
    out = io.StringIO()
    w = csv.writer(out, lineterminator='\n')
    w.writerow(['employee_id', 'name', 'department', 'level', 'is_head', 'manager_id', 'hire_date',
                'leave_date', 'wechat_id', 'dingtalk_id', 'wecom_id', 'aliases'])
    for r in ROSTER:
        w.writerow(r[:12])
    write_bytes(os.path.join(CFG, 'roster.csv'), out.getvalue().encode('utf-8'))
    out = io.StringIO()
    w = csv.writer(out, lineterminator='\n')
    w.writerow(['platform', 'group_id', 'name', 'category', 'department', 'owner_id', 'admins',
                'created_by', 'authorized_by'])
    for c in list(CONVS.values()) + [g for g in OTHER_GROUPS.values() if g['registered']]:
        w.writerow([c.get('platform', 'wechat'), c['id'], c['name'], c['category'], c['dept'], c['owner'],
                    c['admins'], c['created_by'], c['authorized_by']])
    write_bytes(os.path.join(CFG, 'groups.csv'), out.getvalue().encode('utf-8'))


# ---------------------------------------------------------------------------
# An independent reading of SPEC 6.2 (reply deadlines), for the PLANTED table
# ---------------------------------------------------------------------------
HOLI, WORK = set(), set()


def load_holidays():
    with open(os.path.join(CFG, 'holidays.csv'), encoding='utf-8') as f:
        for row in csv.reader(ln for ln in f if not ln.startswith('#')):
            if row and row[0] != 'date':
                (HOLI if row[1] == 'holiday' else WORK).add(dt.date.fromisoformat(row[0]))


def is_workday(d):
    if d in HOLI:
        return False
    return d in WORK or d.weekday() < 5


OPEN, CLOSE = dt.time(9), dt.time(18)


def add_business(t, minutes):
    left = dt.timedelta(minutes=minutes)
    while True:
        d = t.date()
        o, c = dt.datetime.combine(d, OPEN), dt.datetime.combine(d, CLOSE)
        if is_workday(d) and t < c:
            start = max(t, o)
            if start + left <= c:
                return start + left
            left -= c - start
        t = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(0))


def business_minutes(a, b):
    tot = dt.timedelta()
    t = a
    while t < b:
        d = t.date()
        o, c = dt.datetime.combine(d, OPEN), dt.datetime.combine(d, CLOSE)
        if is_workday(d):
            s, e = max(t, o), min(b, c)
            if e > s:
                tot += e - s
        t = dt.datetime.combine(d + dt.timedelta(days=1), dt.time(0))
    return tot.total_seconds() / 60


QWORDS = ['请问', '怎么', '如何', '是否', '能否', '可否', '哪里', '哪儿', '什么', '为什么', '多少', '几点', '有没有', '是不是']
PUBLIC = ['会议室', '打印机', '空调', '门禁', '停车', '食堂', '饮水机', '快递', '工牌', '办公用品', '班车', '保洁']


def visible_time(m):
    # the GB18030 file lost the seconds
    if m.conv == 'RD' and m.t >= parse_when('11-16 00:00:00'):
        return m.t.replace(second=0)
    return m.t


def plain(m):
    """Message text without @mentions and URLs (what question/department detection sees)."""
    t = re.sub(r'https?://[!-~]+', ' ', m.text)
    for p in m.m:
        for sep in ('\u2005', ' '):
            t = t.replace(at(m.conv, p, sep, m.t), ' ')
    return t


def is_question(m):
    if m.type not in ('text', 'quote'):
        return False
    t = plain(m)
    if '?' in t or '？' in t or any(w in t for w in QWORDS):
        return True
    return re.search(r'[吗么呢](?=$|[\s，。！？!?,.;；…~～、])', t) is not None


def named_depts(m):
    t = plain(m)
    out = []
    for d in HEAD:
        if d in t and d not in out:
            out.append(d)
    for a, d in DEPT_ALIASES.items():
        if a in t and d not in out:
            out.append(d)
    return out


def member_at(conv, p, t, seq):
    state = False
    for m in BY_CONV[conv]:
        if (visible_time(m), m.seq) > (t, seq):
            break
        if m.who == p and m.type != 'system':
            state = True
        if m.type == 'system' and p in m.targets:
            state = m.event == 'join'
    return state


def visible_quote(m):
    # MemoTrace v1 loses the quoted message
    return m.quote if (m.quote is not None and m.conv != 'ALL') else None


def find_reply(q, asker, responders):
    conv = BY_CONV[q.conv]
    tq = visible_time(q)
    for m in conv:
        if (visible_time(m), m.seq) <= (tq, q.seq) or m.type == 'system' or m.who not in responders:
            continue
        vq = visible_quote(m)
        if vq is q or asker in m.m:
            return m
        if vq is not None or m.m:
            continue
        return m
    return None


def track():
    rows = []
    for q in MSGS:
        if q.type == 'system' or q.who not in EMP:
            continue
        e = EMP[q.who]
        tq = visible_time(q)
        end = max(visible_time(m) for m in BY_CONV[q.conv])
        items = []
        quest = is_question(q) and not q.offtopic
        public = quest and any(w in plain(q) for w in PUBLIC)
        if quest and public:
            items.append(('reply.public', HEAD['行政中心'], [i for i in EMP if EMP[i]['dept'] == '行政中心'], 20))
        elif quest and e['level'] not in MGR_PLUS:
            r = HEAD[e['dept']] if not e['head'] else e['mgr']
            items.append(('reply.employee', r, [r], 20))
        if e['level'] in ('gm', 'vp') or e['head']:
            rs = [p for p in q.m if p in EMP and EMP[p]['head']]
            rs += [HEAD[d] for d in named_depts(q) if HEAD[d] not in rs]
            for r in rs:
                if r != q.who:
                    items.append(('reply.leader', r, [r], 30))
        for rule, r, responders, minutes in items:
            row = dict(rule=rule, q=q, r=r, deadline=add_business(tq, minutes), reply=None, status=None,
                       minutes=None)
            if rule == 'reply.public':
                admins = [p for p in responders if member_at(q.conv, p, tq, q.seq)]
                if not admins:
                    row['status'] = 'data-quality: no admin-centre member in the group'
                    rows.append(row)
                    continue
            elif not member_at(q.conv, r, tq, q.seq):
                row['status'] = f'data-quality: {EMP[r]["name"]} not a member'
                rows.append(row)
                continue
            rep = find_reply(q, q.who, responders)
            if rep is not None:
                row['reply'] = rep
                row['minutes'] = business_minutes(tq, visible_time(rep))
                row['status'] = 'met' if visible_time(rep) <= row['deadline'] else 'breached'
            else:
                row['status'] = 'open' if row['deadline'] > end else 'unanswered'
            rows.append(row)
    return rows


# ---------------------------------------------------------------------------
# PLANTED.md
# ---------------------------------------------------------------------------
ARCHIVE_OF = {
    'memotrace': '星河全员群-MemoTrace.zip!',
    'memotrace2': '销售部群-MemoTrace2.7z!',
    'pywxdump': 'PyWxDump-chatlog.tar.gz!',
    'pywxdump-gb18030': 'PyWxDump-chatlog.tar.gz!',
    'pywxdump-legacy': 'PyWxDump-chatlog.tar.gz!',
    'weclone': '项目A协调群.csv.gz!',
    'chatlog': 'PyWxDump-chatlog.tar.gz!chatlog.zip!',
}


def loc(m):
    out = []
    for key, (path, line) in sorted(m.where.items()):
        r = rel(path)
        if key == 'weclone':
            r = '项目A协调群.csv'
        out.append(f'`{r}:{line}`')
    return ' + '.join(out) if out else '—'


def who(m):
    if m.who is None:
        return '(system)'
    p = person(m.who)
    return f'{p["name"]} ({m.who})' if m.who in EMP else f'{p["name"]} (outsider)'


def write_planted(sheets, rows, others):
    L = []
    w = L.append
    w('# PLANTED — the cases in the sample month 2026-11\n')
    w('Generated by `samples/src/make_month.py` (do not edit by hand: edit the script and re-run it).\n')
    w('Times are company time (+08:00). `file:line` is the line a record starts on (line 1 = header), '
      'relative to `samples/src/2026-11/`; the archive each file ends up in is listed under Files. '
      'Rules are SPEC.md section 6 ids; "(none)" marks a near miss that must NOT fire.\n')
    w('## Files\n')
    w('| file | format | group | exported by | records | archive |')
    w('|---|---|---|---|---|---|')
    fmt = {'memotrace': 'memotrace-csv (MemoTrace v1, 12 columns)', 'memotrace2': 'memotrace2-csv',
           'pywxdump': 'pywxdump-csv (current)', 'pywxdump-gb18030': 'pywxdump-csv, re-saved by a spreadsheet: GB18030, `YYYY/M/D H:MM`',
           'pywxdump-legacy': 'pywxdump-csv legacy (JSON `content`, rows end `\\r\\r\\n`)',
           'weclone': 'weclone-csv (UTC times)', 'chatlog': 'chatlog-csv (LF, no BOM)'}
    grp = {'memotrace': '星河全员群', 'memotrace2': '销售部群', 'pywxdump': '研发部群 11-02..11-13',
           'pywxdump-gb18030': '研发部群 11-16..12-01', 'pywxdump-legacy': '销售部群 11-09..11-10 (overlap)',
           'weclone': '项目A协调群', 'chatlog': '兴趣交流群'}
    exp = {'memotrace': 'E2002', 'memotrace2': 'E4001', 'pywxdump': 'E3002', 'pywxdump-gb18030': 'E3002',
           'pywxdump-legacy': 'E4003', 'weclone': 'E3002', 'chatlog': 'E3004'}
    for sh in sheets:
        n = sum(1 for m in MSGS if sh.key in m.where)
        w(f'| `{rel(sh.path)}` | {fmt[sh.key]} | {grp[sh.key]} | {EMP[exp[sh.key]]["name"]} ({exp[sh.key]}) '
          f'| {n} | `{ARCHIVE_OF[sh.key]}…` |')
    for path, fmt_, group, exporter, n, archive in others:
        w(f'| `{path}` | {fmt_} | {group} | {exporter} | {n} | `{archive}…` |')
    total = len(MSGS)
    w(f'\n{total} distinct events in {len(CONVS)} groups; {sum(len(m.where) for m in MSGS)} records in the files '
      f'(the overlap repeats {sum(1 for m in MSGS if len(m.where) > 1)} events); and the DingTalk and WeCom '
      f'files of {len(OTHER_GROUPS)} more groups.\n')
    w('## Planted cases\n')
    w('| tag | expected rule | group | time | who | what | source |')
    w('|---|---|---|---|---|---|---|')
    planted = [((m.t, 0, m.seq), m.tag, m.rule, CONVS[m.conv]['name'], who(m), m.desc, loc(m))
               for m in MSGS if m.tag]
    planted += [((x['t'], 1, k), x['tag'], x['rule'], x['group'], x['who'], x['desc'], x['source'])
                for k, x in enumerate(EXTRA_ROWS)]
    for key, tag, rule, group, who_, desc, source in sorted(planted, key=lambda r: r[0]):
        desc = desc.replace('|', '\\|')
        w(f'| {tag} | {rule} | {group} | {key[0].strftime("%m-%d %H:%M:%S")} | {who_} | {desc} | {source} |')
    w('\n## Reply tracking (SPEC 6.2), every tracked message\n')
    w('Computed by make_month.py from the policy defaults (Mon–Fri 09:00–18:00, no breaks, holidays.csv; '
      '20/30/20 minutes), with these assumptions: a question is a text/quote with ?/？ or a question word '
      '(吗/么/呢 only at a clause end), URLs and @mentions removed first (the `?` of a URL query is not a question mark); the public-topic terms are '
      f'{"、".join(PUBLIC)}; questions marked offtopic above are not tracked; `@所有人` mentions no head; '
      'membership starts at a person\'s first message or join event; a MemoTrace v1 quote (49/57, empty) '
      'quotes nothing visible; times of the GB18030 file are whole minutes. `minutes` = business minutes to the reply.\n')
    w('| rule | group | asked | asker | responsible | deadline | answered | minutes | status | source |')
    w('|---|---|---|---|---|---|---|---|---|---|')
    for r in sorted(rows, key=lambda r: (visible_time(r['q']), r['q'].seq, r['rule'])):
        q = r['q']
        rep = r['reply']
        mins = f'{r["minutes"]:.1f}' if r['minutes'] is not None else '—'
        w(f'| {r["rule"]} | {CONVS[q.conv]["name"]} | {visible_time(q).strftime("%m-%d %H:%M:%S")} | '
          f'{EMP[q.who]["name"]} ({q.who}) | {EMP[r["r"]]["name"]} ({r["r"]}) | '
          f'{r["deadline"].strftime("%m-%d %H:%M")} | '
          f'{visible_time(rep).strftime("%m-%d %H:%M:%S") if rep else "—"} | {mins} | {r["status"]} | {loc(q)} |')
    w('')
    n_pa_wangwei = sum(1 for m in BY_CONV['PA'] if m.who == 'E3002' and 'weclone' in m.where)
    n_self_legacy = sum(1 for m in MSGS if m.who == 'E4003' and 'pywxdump-legacy' in m.where)
    w(TAIL.format(n_pa_wangwei=n_pa_wangwei, n_self_legacy=n_self_legacy,
                  resident_id=RESIDENT_ID, decoy=DECOY_ORDER, mobile=MOBILE).rstrip('\n'))
    write_bytes(os.path.join(SAMPLES, 'PLANTED.md'), ('\n'.join(L) + '\n').encode('utf-8'))


TAIL = '''## Expected by rule (first audit of 2026-11, empty ledger)

- **group.create** — CREATE-1 only: the WeCom group 梁超、罗敏、谢婷 is not in groups.csv and its
  group-info export shows it created on 11-17 by 谢婷 (E4008, supervisor): responsible the creator. The five
  WeChat groups and the DingTalk group 华东大区客户对接群 are registered (the DingTalk one created by 何静
  on 刘芳's authorization). `chataudit check` should warn that 兴趣交流群 was created by 陈晨 (E3005,
  staff) with no `authorized_by` — a check warning, not a monthly finding.
- **group.name** — CREATE-1's group: 梁超、罗敏、谢婷 is the platform default (members' names joined by 、);
  responsible the owner 谢婷 E4008. None for the other groups: latest names 星河全员群, 研发部群, 销售部群,
  项目A协调群, 华东大区客户对接群 and 羽毛球&桌游小分队 (RENAME-1) all say what the group is for.
- **group.outsider** — OUT-1 (李明, not in the roster; responsible: owner 马骏 E4001 and 高峰 E4004, whose
  QR code he scanned; OUT-1b is the same person's message) and OUT-2 (郑浩 E3009 writes after his
  leave_date; responsible: owner 张磊 E3001, inviter unknown). CTX-LEAVE is on his leave_date: none.
- **member.onboard** — ONB-1 (林晓 E3008 added to 研发部群 on day 2; responsible 张磊 E3001) and ONB-4
  (许诺 E5004, hired 11-16, never added to 星河全员群 by the end of 11-21; responsible 韩梅 E5001).
  ONB-2, ONB-3 and INV-1 are on day 4: none.
- **member.invite** — INV-1 (何静 E4003 adds 宋佳 to 星河全员群) and OUT-1 (高峰 E4004's QR code).
  ONB-1 (owner and head), ONB-2 (admin centre), ONB-3 (the exporter 马骏, owner and head, but the
  MemoTrace v2 file does not say who "你" is), INV-DT (owner): none.
- **member.nickname** — checkable only in 销售部群 (memotrace2), 项目A协调群 (weclone) and 兴趣交流群
  (chatlog); 星河全员群 (MemoTrace v1 has remark/nickname, not the group display name), 研发部群
  (PyWxDump has no names), 华东大区客户对接群 (DingTalk) and the WeCom group must be reported as not
  checkable. Findings: NICK-1 高峰 E4004 (小高🌟, 销售部群), NICK-2 黄磊 E3007 (黄磊🏸, 兴趣交流群). Compliant:
  销售-王伟 (alias), 销售部 罗敏 (space), 销售部_梁超 (underscore), 宋佳 → 销售部-宋佳 (NICK-OK, last seen).
  项目A协调群's "王伟" cannot be attributed (see below).
- **member.leave** — LEAVE-1 (罗敏 E4005 leaves 华东大区客户对接群 by herself). REMOVE-DT (a removal) and
  LEAVE-OK (周航 E4009 leaves on his leave_date): none. Not checkable in the five WeChat groups (WeChat
  shows no one leaving by themself) nor in the WeCom group-info snapshot: the report must say so.
- **content.privacy** — PRIV-1 (王伟 E4002, one finding: ID {resident_id} and mobile {mobile}); the
  order number {decoy} and DECOY-2's digit runs must not fire.
- **content.ad** — AD-1 (梁超 E4006: non-allowed link + 加微信 abc12345), AD-2 (曹宇 E5003: bilibili.com link).
  The mp.weixin.qq.com, github.com and docs.qq.com links are on allowed domains: none.
- **content.offtopic** — OFF-ALL-1..3 (罗敏 E4005, 刘洋 E3004, 谢婷 E4008), OFF-RD-1 (陈晨 E3005), with an
  offtopic lexicon holding terms such as 双十一, 尾款, 凑满减, 购物车, 火锅, 爬山, 红叶. The hobby chatter in
  兴趣交流群 (羽毛球, 桌游, 好吃的, 湘菜馆) hits too if the lexicon has those terms: a curation decision.
- **content.forward** — FWD-1 (杨帆 E3006, all group ← work group) and FWD-2 (何静 E4003, merged record).
- **redline.abuse** — ABUSE-1 (王伟 E3002) with an abuse lexicon holding 蠢货 / 脑子进水.
- **redline.politics/religion/porn/violence** — RL-POLITICS (曹宇 E5003), RL-RELIGION (谢婷 E4008),
  RL-PORN (李娜 E3003, a file name), RL-VIOLENCE (黄磊 E3007), all in 兴趣交流群.
- **redline.tamper** — comes from `run --screenshot`, not from the month's messages: the screenshot
  cases are in tests/data/verify/.
- **reply.*** — the table above: breached/unanswered rows are findings (张磊 E3001 ×3, 马骏 E4001 ×2,
  孙丽 E2001 ×1, 韩梅 E5001 ×1); `open` rows: none; data-quality rows are warnings.

Penalties this implies when November is audited alone (all first offences): redline — 严重警告 +
全额扣除当月绩效 (proposed) for each red-line person; content — 通报批评 for each content incident's
person; reply — 3 points per breached/unanswered incident, all responsible persons here being
directors. After October (samples/2026-10, PLANTED-2026-10.md) 王伟 E3002's ABUSE-1 is his second red
line (解除劳动合同 + 报送当地治安机关, proposed) and 罗敏 E4005's OFF-ALL-1 her second content offence
(扣除绩效 50 元).

## Identity and data-quality expectations

- Two employees are called 王伟: E3002 (研发部, manager) and E4002 (销售部, staff). PyWxDump, MemoTrace v1
  and chatlog rows resolve by wxid; 销售部群 shows E4002 as 销售-王伟 (alias + name). In 项目A协调群 the
  WeClone talker "王伟" (the exporter's own nickname, {n_pa_wangwei} rows, is_sender 1) is ambiguous by name
  and must stay unresolved. No @mention uses the bare name 王伟 (mentions use 部门-姓名 names).
- 陈建国 E1001's wechat_id is an old-style account id without the wxid_ prefix (chenjg_xinghe).
- 高峰 writes as 小高🌟, which is in his roster aliases (resolves by alias).
- 宋佳 writes as 宋佳 (unique roster name) until 11-16, then 销售部-宋佳.
- 李明 (恒达贸易-李明 in 销售部群, wxid_q5m1ing8hd3r22 in the legacy file) is not in the roster: unresolved,
  one message, an outsider.
- The legacy PyWxDump file writes the exporter 何静 as talker `我` ({n_self_legacy} rows, is_sender 1); they
  are the same messages (same MsgSvrID) as rows of the MemoTrace v2 file, where she is 销售部-何静.
- System messages written from the exporter's side: `你邀请"林晓"加入了群聊␠␠` (actor = 周静, the MemoTrace
  v1 exporter), `你将"郑浩"移出了群聊` (actor = 王伟 E3002), `你邀请"宋佳"加入了群聊␠␠` and `你将"李明"移出了群聊`
  (actor = 马骏), `你已成为新群主` (new owner = 刘洋 E3004). "你" is the exporter: the sender of the
  is_sender/IsSender = 1 rows in the PyWxDump and MemoTrace v1 files; the MemoTrace v2 and chatlog
  CSVs have no such column, so there the exporter (马骏, 刘洋) cannot be known from the file.

## What the importer must handle in these files

- MemoTrace v1: BOM, CR LF, epoch CreateTime next to StrTime, localId with gaps (not an id: no
  MsgSvrID column), image/sticker XML in StrContent with `""` quoting and embedded newlines and tabs,
  49/5 appmsg XML, 49/6 and 49/57 rows with empty StrContent, system rows with empty sender columns,
  a self recall as `<![CDATA[你撤回了一条消息 <a href=…>重新编辑</a>]]>`, two trailing spaces after
  `你邀请"…"加入了群聊`, conversation from the file name `星河全员群_utf8.csv` → groups.csv by name.
- MemoTrace v2: Chinese header, display names only, `引用：` quotes, `【合并转发的聊天记录】` with
  `    - time name: text` item lines, `【图片】`/`【表情包】 [强]`, system rows with an empty 发送人, the
  group id only in the folder name `销售部群(24986620375@chatroom)`.
- PyWxDump current: no BOM, CR LF, quotes as `reply\\n\\n[引用](time)name:text`, link cards with an
  `<a href>` line, voice `语音时长：…\\n翻译结果：…`, system rows with an empty talker, Windows paths in src.
- The same group's second export re-saved by a spreadsheet: GB18030 (U+2005 and emoji are 4-byte
  GB18030 sequences), CR LF rows with LF inside quoted cells, times `2026/11/16 9:10` without seconds,
  row ids restarting at 1 and the same file name in another folder (`export-1201/`).
- PyWxDump legacy: JSON in `content` (`\\"` inside `""`-quoted CSV), rows ending `\\r\\r\\n`, self = `我`.
- WeClone CSV: BOM, CR LF, UTC `…T02:00:05.000Z` times (convert to +08:00), talker = display name, no
  group id (file name `项目A协调群.csv`; inside `.csv.gz` written with `gzip -n`, so no stored name).
- chatlog CSV: no BOM, LF rows, local times, system rows with empty Sender/SenderName, TalkerName is the
  name at export time (the renamed 羽毛球&桌游小分队 on every row, before the rename too), quotes as
  `> name(wxid) MM-DD HH:MM:SS` / `> text` lines then the reply, images as markdown links.
- @mentions ended by U+2005 and by an ASCII space (ABUSE-1), and a display name containing a space
  (`@销售部 罗敏` + U+2005, MENTION-SPACE-NAME).
- The overlap: 销售部群 11-09..11-10 is in both the MemoTrace v2 file and the legacy PyWxDump file, with
  the same MsgSvrIDs (including the QR-code join); REMOVE-2 is only in the MemoTrace v2 file. Each of
  these events must come out once.
- Periods: 星河全员群 starts 10-30, 项目A协调群 10-29 and 研发部群 ends 12-01 — context, no findings there.
- Text starting with `=`, `+`, `-` (CSVINJ-*) and HTML (HTML-1) for the output side.
'''


def planted_membership():
    """Rows for membership findings that fall on no planted message of their own."""
    extra('11-22 00:00:00', 'ONB-4', 'member.onboard', CONVS['ALL']['name'], emp_who('E5004'),
          'new hire 许诺 (hire 2026-11-16) is never added to the all group; the export covers 11-16..11-21, '
          'so at the end of day 5 (11-21) she is late: finding against her head 韩梅 E5001, about no '
          'message, timed at the deadline (11-22 00:00), its source the export file', '— (an absence)')
    for conv, p, tag in (('SALES', 'E4004', 'NICK-1'), ('FUN', 'E3007', 'NICK-2')):
        last = max((m for m in BY_CONV[conv] if m.who == p and m.t < parse_when('12-01 00:00:00')),
                   key=lambda m: (m.t, m.seq))
        extra(last.t.strftime('%m-%d %H:%M:%S'), tag, 'member.nickname', CONVS[conv]['name'], emp_who(p),
              f'the group display name last seen in the period is "{dn(conv, p, last.t)}", not 部门+姓名 '
              f'(finding at this last message)', loc(last))


def check_expectations(rows):
    bad = 0
    by_q = {}
    for r in rows:
        by_q.setdefault(r['q'].seq, []).append(r['status'])
    for m in MSGS:
        got = sorted(by_q.get(m.seq, []))
        if m.expect is not None and got != sorted(m.expect):
            print(f'EXPECTATION: {m.tag} {m.t} expected {m.expect}, computed {got}')
            bad += 1
        if m.filler and got:
            print(f'FILLER TRACKED: {m.t} {m.who} {m.text!r} -> {got}')
            bad += 1
        if m.expect is None and got and not m.tag:
            print(f'UNTAGGED TRACKED: {m.conv} {m.t} {m.who} {m.text!r} -> {got}')
            bad += 1
    return bad


def main():
    shutil.rmtree(SRC, ignore_errors=True)   # file names carry record counts
    write_config()
    load_holidays()
    sheets = [write_memotrace_v1(), write_memotrace_v2()]
    sheets += write_pywxdump()
    sheets += [write_weclone(), write_chatlog()]
    dt_file, dt_n = write_dingtalk()
    wc_file, wc_n = write_wecom()
    others = [(dt_file, 'dingtalk-events (`dws event` NDJSON: member added / exited, messages)',
               OTHER_GROUPS['DT']['name'], '—', dt_n, '钉钉-企业微信.zip!'),
              (wc_file, 'wecom-groupchat (msgaudit/groupchat/get + roomid)', OTHER_GROUPS['WC']['name'],
               '—', wc_n, '钉钉-企业微信.zip!')]
    planted_membership()
    rows = track()
    write_planted(sheets, rows, others)
    bad = check_expectations(rows)
    print(f'{len(MSGS)} events, {sum(len(m.where) for m in MSGS)} records, {len(rows)} tracked; '
          f'{bad} expectation problems')
    return 1 if bad else 0


if __name__ == '__main__':
    raise SystemExit(main())
