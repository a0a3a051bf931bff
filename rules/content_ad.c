/*
 * content_ad.c — content.ad (policy 4.2.3): advertising.  A message is an
 * ad when it links (a URL in its text, a link card, a mini program) to a
 * domain that is not in [links] allowed_domains; when the ad lexicon hits;
 * or when it solicits contact: a contact word (加微信, 加v, vx, wx, 微信号,
 * QQ, 扣扣, 电报, 飞机, tg, 私聊, 加我) followed within 10 characters by a
 * handle of at least 5 letters or digits that is not a digit run alone.
 */
#include <ctype.h>
#include <string.h>
#include "../analyzer/rule.h"
#include "content_common.h"

extern const ca_rule ca_rule_content_ad;

/* Whether host (lower case) is an allowed domain or a subdomain of one. */
static int domain_allowed(const ca_config *cfg, const char *host, size_t n)
{
    const ca_strlist *l = &cfg->policy.allowed_domains;
    for (size_t i = 0; i < l->n; i++) {
        const char *d = l->items[i];
        size_t dl = strlen(d);
        if (dl == n && strncasecmp(host, d, n) == 0)
            return 1;
        if (n > dl && host[n - dl - 1] == '.' && strncasecmp(host + n - dl, d, dl) == 0)
            return 1;
    }
    return 0;
}

static const char *const tlds[] = {".com", ".cn", ".net", ".org", ".top", ".xyz", ".vip", ".cc",
                                   ".me", ".io", ".info", ".shop", ".site", ".club", ".link",
                                   ".app", ".tk", ".ly"};

/* Finds the first URL or bare domain in t[0..n) whose host is not allowed:
 * returns 1 with its span. */
static int foreign_link(const ca_config *cfg, const char *t, size_t n, size_t *a, size_t *b)
{
    if (!memchr(t, '.', n)) /* no host without a dot: most chat lines */
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t host = i;
        int scheme = 0;
        if (n - i >= 7 && strncasecmp(t + i, "http://", 7) == 0) {
            host = i + 7;
            scheme = 1;
        } else if (n - i >= 8 && strncasecmp(t + i, "https://", 8) == 0) {
            host = i + 8;
            scheme = 1;
        } else if (n - i >= 4 && strncasecmp(t + i, "www.", 4) == 0 &&
                   (i == 0 || !isalnum((unsigned char)t[i - 1]))) {
            scheme = 1;
        } else if (!isalnum((unsigned char)t[i]) || (i > 0 && (isalnum((unsigned char)t[i - 1]) ||
                                                              t[i - 1] == '.' || t[i - 1] == '-' ||
                                                              t[i - 1] == '@'))) {
            continue;
        }
        size_t h = host;
        while (h < n && (isalnum((unsigned char)t[h]) || t[h] == '.' || t[h] == '-'))
            h++;
        size_t hl = h - host;
        while (hl && t[host + hl - 1] == '.')
            hl--;
        if (!hl || !memchr(t + host, '.', hl))
            continue;
        if (!scheme) { /* a bare domain: only with a known top-level domain */
            int known = 0;
            for (size_t k = 0; k < CA_ARRAY_LEN(tlds) && !known; k++) {
                size_t tl = strlen(tlds[k]);
                known = hl > tl && strncasecmp(t + host + hl - tl, tlds[k], tl) == 0;
            }
            /* not an e-mail address or a decimal number */
            if (!known || (h < n && t[h] == '@'))
                continue;
        }
        size_t end = h;
        while (end < n && !isspace((unsigned char)t[end]) && (unsigned char)t[end] < 0x80)
            end++;
        if (!domain_allowed(cfg, t + host, hl)) {
            *a = i;
            *b = end;
            return 1;
        }
        i = end;
    }
    return 0;
}

static const char *const contact_words[] = {"加微信", "加v", "vx", "wx", "微信号", "qq",
                                            "扣扣", "电报", "飞机", "tg", "私聊", "加我"};

/* Solicitation in normalized text (lower case, without separators): a
 * contact word, then within 10 characters a run of >= 5 [a-z0-9] holding
 * at least one letter.  ASCII contact words must stand alone in the
 * unstripped text (so "wxid_abc" is not "wx" + "id_abc"): checked by the
 * caller through the original. */
static int solicitation(const ca_unit *u, size_t *a, size_t *b)
{
    const char *t = u->norm.text;
    size_t n = u->norm.len;
    for (size_t k = 0; k < CA_ARRAY_LEN(contact_words); k++) {
        const char *w = contact_words[k];
        size_t wl = strlen(w);
        int ascii = (unsigned char)w[0] < 0x80;
        for (const char *p = t; (p = strstr(p, w)) != NULL; p++) {
            size_t at = (size_t)(p - t);
            if (ascii && ((at > 0 && isalnum((unsigned char)t[at - 1]) &&
                           (unsigned char)t[at - 1] < 0x80)))
                continue;
            if (ascii) { /* in the original, the word is not part of a longer word */
                size_t os, oe;
                ca_norm_span(&u->norm, at, at + wl, &os, &oe);
                if ((os > 0 && isalnum((unsigned char)u->text[os - 1])) ||
                    (oe < u->len && (isalnum((unsigned char)u->text[oe]) || u->text[oe] == '_')))
                    continue;
            }
            /* look up to 10 characters ahead for the handle */
            size_t q = at + wl, chars = 0;
            while (q < n && chars <= 10) {
                if ((unsigned char)t[q] < 0x80 && isalnum((unsigned char)t[q])) {
                    size_t r = q;
                    int letter = 0;
                    while (r < n && (unsigned char)t[r] < 0x80 && (isalnum((unsigned char)t[r]) || t[r] == '_')) {
                        letter |= isalpha((unsigned char)t[r]);
                        r++;
                    }
                    if (r - q >= 5 && letter) {
                        *a = at;
                        *b = r;
                        return 1;
                    }
                    q = r;
                    chars += 1;
                    continue;
                }
                q++;
                while (q < n && ((unsigned char)t[q] & 0xC0) == 0x80)
                    q++;
                chars++;
            }
        }
    }
    return 0;
}

static int ad_event(ca_rule_ctx *ctx, void *state, size_t i)
{
    (void)state;
    const ca_event *e = ctx->conv->events[i];
    if (e->kind != CA_KIND_MESSAGE || !ca_rule_in_period(ctx, e->time_ms))
        return 0;
    if (e->type == CA_TYPE_MINIPROGRAM) {
        const char *t = e->title ? e->title : e->text;
        return ca_rule_report(ctx, &ca_rule_content_ad, i, NULL, t, t ? strlen(t) : 0, 0,
                              t ? strlen(t) : 0, "a mini program card%s", t ? "" : " (no title)");
    }
    for (size_t u = 0; u < ctx->n_units; u++) {
        const ca_unit *un = &ctx->units[u];
        size_t a, b;
        if (un->kind != CA_UNIT_FILE && foreign_link(ctx->cfg, un->text, un->len, &a, &b))
            return ca_rule_report(ctx, &ca_rule_content_ad, i, NULL, un->text, un->len, a, b,
                                  "a link to a domain not in allowed_domains in %s",
                                  ca_unit_name(un->kind));
    }
    ca_lex_hit hit;
    for (size_t u = 0; u < ctx->n_units; u++) {
        const ca_unit *un = &ctx->units[u];
        if (ca_content_first_hit(ctx, CA_LEX_AD, un, &hit)) {
            long line = 0;
            const char *file = ca_lexicon_source(ctx->content->lex[CA_LEX_AD], hit.id, &line);
            return ca_rule_report(ctx, &ca_rule_content_ad, i, NULL, un->text, un->len,
                                  hit.orig_start, hit.orig_end, "ad lexicon: matched \"%s\" (%s:%ld) in %s",
                                  ca_lexicon_term(ctx->content->lex[CA_LEX_AD], hit.id),
                                  file ? file : "?", line, ca_unit_name(un->kind));
        }
        size_t a, b;
        if (un->kind != CA_UNIT_URL && solicitation(un, &a, &b)) {
            size_t os, oe;
            ca_norm_span(&un->norm, a, b, &os, &oe);
            return ca_rule_report(ctx, &ca_rule_content_ad, i, NULL, un->text, un->len, os, oe,
                                  "solicitation: a contact word followed by a handle in %s",
                                  ca_unit_name(un->kind));
        }
    }
    return 0;
}

const ca_rule ca_rule_content_ad = {
    "content.ad", "4.2.3", "content", CA_SEV_MAJOR, 0, NULL, ad_event, NULL, NULL, NULL, NULL};
