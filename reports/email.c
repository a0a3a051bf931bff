/*
 * email.c — --email FILE.eml (SPEC §9): the month's summary as a MIME
 * message that `sendmail -t < FILE.eml` sends.
 *
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain   a plain-text summary (for clients that show no HTML)
 *       text/html    index.html, written for mail clients
 *     attachments    the CSVs and the full reports of OUTDIR
 *
 * Headers are ASCII: the Chinese subject is RFC 2047 encoded words, file
 * names RFC 2231 (filename*=UTF-8''...) with an RFC 2047 name= for older
 * clients.  Bodies are base64 in CRLF lines of 76.  Nothing depends on the
 * wall clock: the boundaries are hashes of the content, and Date and
 * Message-ID are left to the MTA (sendmail adds them), so a re-run writes
 * the same bytes.  A boundary begins with "=_", which base64 never
 * produces, so it cannot occur in a part.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "outfile.h"
#include "report.h"

#define MAX_ATTACHMENT (64u << 20)

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of n bytes, no line breaks. */
static void b64(ca_buf *b, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        ca_buf_putc(b, B64[v >> 18 & 63]);
        ca_buf_putc(b, B64[v >> 12 & 63]);
        ca_buf_putc(b, i + 1 < n ? B64[v >> 6 & 63] : '=');
        ca_buf_putc(b, i + 2 < n ? B64[v & 63] : '=');
    }
}

/* A body part's content as base64 lines of 76 characters, CRLF. */
static void b64_body(ca_buf *b, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i += 57) {
        b64(b, p + i, n - i < 57 ? n - i : 57);
        ca_buf_puts(b, "\r\n");
    }
}

static int is_ascii_token(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || *s == '"' || *s == '\\')
            return 0;
    return 1;
}

/* RFC 2047 encoded words (UTF-8, B) for s, each at most 75 characters and
 * cut at character boundaries, separated by CRLF SP (folding). */
static void encoded_words(ca_buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    int first = 1;
    while (i < n) {
        /* 75 - strlen("=?UTF-8?B??=") = 63 base64 characters: 45 bytes */
        size_t take = n - i < 45 ? n - i : 45;
        while (take > 0 && i + take < n && ((unsigned char)s[i + take] & 0xC0) == 0x80)
            take--;
        if (!first)
            ca_buf_puts(b, "\r\n ");
        ca_buf_puts(b, "=?UTF-8?B?");
        b64(b, (const unsigned char *)s + i, take);
        ca_buf_puts(b, "?=");
        i += take;
        first = 0;
    }
}

/* RFC 2231 extended value: UTF-8'' and percent-encoding. */
static void ext_value(ca_buf *b, const char *s)
{
    ca_buf_puts(b, "UTF-8''");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            ca_buf_putc(b, *p);
        else
            ca_buf_printf(b, "%%%02X", *p);
    }
}

static int all_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* One mailbox [s, s+n) ("name <addr>" or "addr"): ASCII as is; otherwise
 * the display name (its quotes removed) as encoded words. */
static void mailbox(ca_buf *b, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    const char *lt = memchr(s, '<', n);
    if (all_ascii(s, n) || !lt) {
        ca_buf_put(b, s, n);
        return;
    }
    size_t at = (size_t)(lt - s), nl = at; /* at < n: memchr found '<' in [s, s+n) */
    while (nl && (s[nl - 1] == ' ' || s[nl - 1] == '\t'))
        nl--;
    const char *name = s;
    if (nl >= 2 && name[0] == '"' && name[nl - 1] == '"') {
        name++;
        nl -= 2;
    }
    ca_buf nm = CA_BUF_INIT;
    ca_buf_printf(&nm, "%.*s", (int)nl, name);
    encoded_words(b, ca_buf_cstr(&nm));
    if (nm.oom)
        b->oom = 1;
    ca_buf_free(&nm);
    ca_buf_putc(b, ' ');
    if (at < n)
        ca_buf_put(b, lt, n - at);
}

/* An address header value: a comma-separated list of mailboxes, each
 * encoded on its own (folded) line.  CR and LF never reach the header. */
static void address(ca_buf *b, const char *s)
{
    ca_buf clean = CA_BUF_INIT;
    for (const char *p = s; *p; p++)
        ca_buf_putc(&clean, *p == '\r' || *p == '\n' ? ' ' : *p);
    const char *c = ca_buf_cstr(&clean), *from = c;
    int quoted = 0, angle = 0, first = 1;
    for (const char *p = c;; p++) {
        if (*p == '"' && (p == c || p[-1] != '\\'))
            quoted = !quoted;
        else if (!quoted && *p == '<')
            angle = 1;
        else if (!quoted && *p == '>')
            angle = 0;
        if (*p && (quoted || angle || *p != ','))
            continue;
        if (!first)
            ca_buf_puts(b, ",\r\n ");
        mailbox(b, from, (size_t)(p - from));
        first = 0;
        if (!*p)
            break;
        from = p + 1;
    }
    if (clean.oom)
        b->oom = 1;
    ca_buf_free(&clean);
}

/* Reads a whole file into out; 0, 1 when absent, 2 when larger than
 * MAX_ATTACHMENT (out left empty: never a cut copy), -1 on error. */
static int slurp(const char *path, ca_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? 1 : -1;
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && sb.st_size > (off_t)MAX_ATTACHMENT) {
        fclose(f);
        return 2;
    }
    char buf[65536];
    size_t n;
    int big = 0;
    while (!big && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        ca_buf_put(out, buf, n);
        big = out->len > MAX_ATTACHMENT; /* it grew while read */
    }
    int bad = ferror(f) || out->oom;
    fclose(f);
    if (big) {
        ca_buf_reset(out);
        return 2;
    }
    return bad ? -1 : 0;
}

/* What an attachment is called in the message (Excel and Outlook users
 * see this name): Chinese first, the file's own name kept in it. */
static const struct {
    const char *file, *title, *type;
} attachment_names[] = {
    {"findings.csv", "合规发现明细", "text/csv"},
    {"penalties.csv", "处罚明细", "text/csv"},
    {"latency.csv", "回复时效明细", "text/csv"},
    {"compliance.html", "合规报告", "text/html"},
    {"penalties.html", "处罚报告", "text/html"},
    {"latency.html", "回复时效报告", "text/html"},
};

static void attachment(ca_buf *b, const char *boundary, const ca_report *r, const char *file,
                       const ca_buf *content)
{
    const char *title = NULL, *type = ca_ends_with(file, ".csv") ? "text/csv"
                                    : ca_ends_with(file, ".html") ? "text/html"
                                                                  : "application/octet-stream";
    for (size_t i = 0; i < CA_ARRAY_LEN(attachment_names); i++)
        if (strcmp(attachment_names[i].file, file) == 0)
            title = attachment_names[i].title;
    ca_buf name = CA_BUF_INIT;
    if (title)
        ca_buf_printf(&name, "%s-%s-%s", title, r->period, file);
    else
        ca_buf_puts(&name, file);
    const char *nm = ca_buf_cstr(&name);
    ca_buf_printf(b, "--%s\r\nContent-Type: %s; charset=UTF-8;\r\n name=\"", boundary, type);
    if (is_ascii_token(nm))
        ca_buf_puts(b, nm);
    else
        encoded_words(b, nm);
    ca_buf_puts(b, "\"\r\nContent-Disposition: attachment;\r\n filename*=");
    ext_value(b, nm);
    ca_buf_puts(b, "\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    b64_body(b, (const unsigned char *)content->data, content->len);
    if (name.oom)
        b->oom = 1;
    ca_buf_free(&name);
}

/* The plain-text alternative: the summary's figures, no markup. */
static int plain_summary(ca_buf *t, const ca_report *r)
{
    const char *company = r->cfg->policy.company_name && *r->cfg->policy.company_name
                              ? r->cfg->policy.company_name : "";
    ca_buf_printf(t, "%s%s群聊合规月报 %s\r\nGroup-chat compliance report %s\r\n\r\n", company,
                  *company ? " " : "", r->period, r->period);
    ca_buf_printf(t, "消息 Messages: %zu\r\n会话 Conversations: %zu\r\n发现 Findings: %zu\r\n\r\n",
                  r->n_messages, r->n_convs, r->findings ? r->findings->n : 0);
    ca_count *c = NULL;
    size_t n = 0;
    if (ca_count_findings(r->findings, CA_COUNT_RULE, &c, &n) < 0)
        return -1;
    if (n)
        ca_buf_puts(t, "按规则 Findings by rule:\r\n");
    for (size_t i = 0; i < n; i++) {
        const char *title = ca_rule_title(c[i].first->rule, NULL);
        ca_buf_printf(t, "  %-18s %5zu  %s\r\n", c[i].first->rule, c[i].n, title ? title : "");
    }
    ca_free(c);
    const ca_penalties *p = r->pen;
    size_t shown = 0;
    for (size_t i = 0; p && i < p->n_incidents; i++) {
        const ca_incident *in = &p->incidents[i];
        if (strcmp(in->period, r->period) != 0 || in->status == CA_INC_DISMISSED ||
            (!*in->sanction && !in->points))
            continue;
        if (!shown++)
            ca_buf_puts(t, "\r\n处罚 Penalties proposed:\r\n");
        const ca_lfinding *who = &p->findings[in->first + in->n - 1];
        ca_buf_printf(t, "  %s %s  %s 第%d次  %s", in->person_id,
                      who->person_name ? who->person_name : "", ca_pclass_title(in->pclass),
                      in->offence_no, in->sanction);
        if (in->points)
            ca_buf_printf(t, "  %d分", in->points);
        ca_buf_printf(t, "  [%s]\r\n", ca_incident_status_name(in->status));
        if (shown == 50)
            break;
    }
    ca_buf_puts(t, "\r\n完整报告见附件。Full reports attached.\r\n");
    return t->oom ? -1 : 0;
}

int ca_write_email(const ca_report *r, const char *outdir, const char *const *files,
                   size_t n_files, const char *path)
{
    ca_buf html = CA_BUF_INIT, plain = CA_BUF_INIT, pth = CA_BUF_INIT, body = CA_BUF_INIT;
    ca_buf *att = ca_calloc(n_files ? n_files : 1, sizeof *att);
    int rc = att ? 0 : -1, err = ENOMEM;
    ca_buf_printf(&pth, "%s/index.html", outdir);
    if (rc == 0 && slurp(ca_buf_cstr(&pth), &html) != 0) {
        err = errno ? errno : ENOENT;
        rc = -1;
    }
    if (rc == 0 && plain_summary(&plain, r) < 0)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n_files; i++) {
        ca_buf_reset(&pth);
        ca_buf_printf(&pth, "%s/%s", outdir, files[i]);
        int s = slurp(ca_buf_cstr(&pth), &att[i]);
        if (s < 0) {
            err = errno ? errno : EIO;
            rc = -1;
        } else if (s == 1) {
            att[i].len = (size_t)-1; /* absent: not attached */
        } else if (s == 2) {
            fprintf(stderr, "chataudit: %s: warning: larger than %u MB, not attached to %s\n",
                    ca_buf_cstr(&pth), MAX_ATTACHMENT >> 20, path);
            att[i].len = (size_t)-1;
        }
    }
    /* deterministic boundaries: a hash of everything the message carries */
    uint64_t h = ca_hash64(html.data, html.len, 0x6d61696cULL);
    h = ca_hash64(plain.data, plain.len, h);
    for (size_t i = 0; rc == 0 && i < n_files; i++)
        if (att[i].len != (size_t)-1)
            h = ca_hash64(att[i].data, att[i].len, h);
    char mixed[64], alt[64];
    snprintf(mixed, sizeof mixed, "=_chataudit_mixed_%016llx", (unsigned long long)h);
    snprintf(alt, sizeof alt, "=_chataudit_alt_%016llx", (unsigned long long)h);

    if (rc == 0) {
        const ca_policy *pol = &r->cfg->policy;
        ca_buf subject = CA_BUF_INIT;
        if (pol->company_name && *pol->company_name)
            ca_buf_printf(&subject, "%s ", pol->company_name);
        ca_buf_printf(&subject, "群聊合规月报 %s", r->period);
        ca_buf_puts(&body, "From: ");
        address(&body, pol->email_from && *pol->email_from ? pol->email_from
                                                           : "chataudit <chataudit@localhost>");
        ca_buf_puts(&body, "\r\nTo: ");
        address(&body, pol->email_to && *pol->email_to ? pol->email_to : "undisclosed-recipients:;");
        ca_buf_puts(&body, "\r\nSubject: ");
        encoded_words(&body, ca_buf_cstr(&subject));
        ca_buf_free(&subject);
        ca_buf_printf(&body, "\r\nMIME-Version: 1.0\r\nX-Mailer: chataudit %s\r\n"
                             "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n"
                             "This is a MIME message.\r\n\r\n"
                             "--%s\r\nContent-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n"
                             "--%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                             "Content-Transfer-Encoding: base64\r\n\r\n",
                      r->tool_version, mixed, mixed, alt, alt);
        b64_body(&body, (const unsigned char *)plain.data, plain.len);
        ca_buf_printf(&body, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
                             "Content-Transfer-Encoding: base64\r\n\r\n", alt);
        b64_body(&body, (const unsigned char *)html.data, html.len);
        ca_buf_printf(&body, "--%s--\r\n\r\n", alt);
        for (size_t i = 0; i < n_files; i++)
            if (att[i].len != (size_t)-1)
                attachment(&body, mixed, r, files[i], &att[i]);
        ca_buf_printf(&body, "--%s--\r\n", mixed);
        if (body.oom)
            rc = -1;
    }
    if (rc == 0 && !(r->cfg->policy.email_to && *r->cfg->policy.email_to))
        fprintf(stderr, "chataudit: %s: warning: [email] to is empty in policy.ini: the message "
                        "has no recipient (To: undisclosed-recipients:;)\n", path);
    FILE *f = NULL;
    char *tmp = NULL;
    if (rc == 0 && !(f = ca_outfile_open(path, &tmp)))
        rc = -2;
    if (rc == 0 && ca_outfile_write_buf(f, &body) < 0) {
        err = errno;
        rc = -1;
    }
    ca_buf_free(&html);
    ca_buf_free(&plain);
    ca_buf_free(&pth);
    ca_buf_free(&body);
    for (size_t i = 0; att && i < n_files; i++) {
        if (att[i].len == (size_t)-1)
            att[i].len = 0;
        ca_buf_free(&att[i]);
    }
    ca_free(att);
    if (rc == -2)
        return -1;
    if (rc < 0)
        return f ? ca_outfile_fail(f, tmp, path, err)
                 : (fprintf(stderr, "chataudit: %s: cannot write: %s\n", path, strerror(err)), -1);
    return ca_outfile_commit(f, tmp, path);
}
