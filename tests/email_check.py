#!/usr/bin/env python3
"""email_check.py BINARY SOURCE_DIR — the --email message parsed back by an
independent MIME parser (Python's email package): runs October then November
of samples/ with a ledger, writes November's .eml and checks that it is a
multipart/mixed message whose first part is multipart/alternative (text/plain
and index.html byte for byte), that every attachment decodes to the bytes of
its report with its Chinese file name intact, that the subject decodes, that
headers are ASCII and every line ends in CRLF within 998 characters (what
`sendmail -t` and SMTP need), and that a re-run writes the same bytes."""
import email
import email.policy
import os
import subprocess
import sys
import tempfile

binary, src = sys.argv[1], sys.argv[2]
config = os.path.join(src, "samples", "config")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def run(tmp, month, out, eml=None):
    cmd = [binary, "run", "-c", config, "-o", os.path.join(tmp, out), "--ledger",
           os.path.join(tmp, "ledger.db"), "--quiet", os.path.join(src, "samples", month)]
    if eml:
        cmd[2:2] = ["--email", os.path.join(tmp, eml)]
    r = subprocess.run(cmd, capture_output=True)
    check(r.returncode == 0, "%s: exit %d: %s" % (month, r.returncode, r.stderr.decode()))


with tempfile.TemporaryDirectory() as tmp:
    run(tmp, "2026-10", "oct")
    run(tmp, "2026-11", "nov", "nov.eml")
    raw = open(os.path.join(tmp, "nov.eml"), "rb").read()
    out = os.path.join(tmp, "nov")

    head, _, _ = raw.partition(b"\r\n\r\n")
    check(all(b < 0x80 for b in head), "headers are not ASCII")
    lines = raw.split(b"\r\n")
    check(b"\n" not in raw.replace(b"\r\n", b""), "a bare LF")
    check(max(len(l) for l in lines) <= 998, "a line longer than 998 characters")
    check(raw.count(b"\r\nTo: ") == 1 or raw.startswith(b"To: "), "no To: header for sendmail -t")

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    check(str(msg["Subject"]) == "星河科技有限公司 群聊合规月报 2026-11",
          "subject decodes to %r" % str(msg["Subject"]))
    check(msg.get_content_type() == "multipart/mixed", "top is %s" % msg.get_content_type())
    parts = msg.get_payload()
    alt = parts[0]
    check(alt.get_content_type() == "multipart/alternative", "first part is not multipart/alternative")
    plain, html = alt.get_payload()
    check(plain.get_content_type() == "text/plain", "no text/plain alternative")
    text = plain.get_payload(decode=True).decode("utf-8")
    check("解除劳动合同" in text and "E3002" in text, "the plain text lacks the penalties")
    check(html.get_content_type() == "text/html", "no text/html alternative")
    check(html.get_payload(decode=True) == open(os.path.join(out, "index.html"), "rb").read(),
          "the HTML body is not index.html")
    names = {
        "合规发现明细-2026-11-findings.csv": "findings.csv",
        "处罚明细-2026-11-penalties.csv": "penalties.csv",
        "合规报告-2026-11-compliance.html": "compliance.html",
        "处罚报告-2026-11-penalties.html": "penalties.html",
        "回复时效明细-2026-11-latency.csv": "latency.csv",
        "回复时效报告-2026-11-latency.html": "latency.html",
    }
    seen = {}
    for p in parts[1:]:
        check(p.get_content_disposition() == "attachment", "a part that is not an attachment")
        seen[p.get_filename()] = p.get_payload(decode=True)
    for shown, file in names.items():
        want = open(os.path.join(out, file), "rb").read()
        check(seen.get(shown) == want, "attachment %s (%s) missing or altered" % (shown, file))
    # the legacy compat32 parser reads the same structure
    old = email.message_from_bytes(raw)
    check(len(old.get_payload()) == 1 + len(names), "compat32 parser sees %d parts" % len(old.get_payload()))

    run(tmp, "2026-11", "nov2", "nov2.eml")
    check(open(os.path.join(tmp, "nov2.eml"), "rb").read() == raw, "a re-run writes other bytes")

# [email] to with several recipients, Chinese display names (one quoted) and
# more than 512 bytes: every address reaches the To header, in ASCII
with tempfile.TemporaryDirectory() as tmp:
    import re
    import shutil
    conf = os.path.join(tmp, "config")
    shutil.copytree(config, conf)
    rcpt = ['"管理层" <management@example.com>', "张三 <zhang.san@example.com>"]
    rcpt += ["经理%02d <manager%02d@example.com>" % (k, k) for k in range(20)]
    ini = open(os.path.join(conf, "policy.ini"), encoding="utf-8").read()
    ini = re.sub(r"(?m)^to = .*$", "to = " + ", ".join(rcpt), ini)
    open(os.path.join(conf, "policy.ini"), "w", encoding="utf-8").write(ini)
    eml = os.path.join(tmp, "m.eml")
    r = subprocess.run([binary, "run", "-c", conf, "-o", os.path.join(tmp, "out"), "--no-ledger",
                        "--quiet", "--email", eml, os.path.join(src, "samples", "2026-11")],
                       capture_output=True)
    check(r.returncode == 0, "recipients: exit %d: %s" % (r.returncode, r.stderr.decode()))
    raw = open(eml, "rb").read() if os.path.exists(eml) else b""
    head, _, _ = raw.partition(b"\r\n\r\n")
    check(all(b < 0x80 for b in head), "recipients: headers are not ASCII")
    check(max(len(l) for l in raw.split(b"\r\n")) <= 998, "recipients: a line over 998")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    to = msg["To"].addresses if msg["To"] is not None else ()
    got = [(a.display_name, a.addr_spec) for a in to]
    want = [("管理层", "management@example.com"), ("张三", "zhang.san@example.com")]
    want += [("经理%02d" % k, "manager%02d@example.com" % k) for k in range(20)]
    check(got == want, "recipients: To decodes to %r" % got)

for f in failures:
    print("email_check: " + f)
sys.exit(1 if failures else 0)
