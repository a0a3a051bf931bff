/*
 * policy.c — the policy.ini key table, its parser and defaults.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "charset.h"
#include "policy.h"
#include "timeparse.h"

typedef enum { T_STR, T_INT, T_BOOL, T_TZ, T_DAYS, T_HHMM, T_BREAKS, T_LIST, T_LEVEL } key_type;

typedef struct key_def {
    const char *section, *key;
    key_type type;
    size_t offset;
    int min, max;       /* T_INT */
    const char *def;    /* default, as it would be written in policy.ini */
} key_def;

#define F(field) offsetof(ca_policy, field)

static const key_def keys[] = {
    {"company", "name", T_STR, F(company_name), 0, 0, ""},
    {"company", "timezone", T_TZ, F(tz_offset_min), 0, 0, "+08:00"},
    {"company", "executive_office", T_STR, F(executive_office), 0, 0, "总经办"},
    {"company", "admin_center", T_STR, F(admin_center), 0, 0, "行政中心"},
    {"hours", "days", T_DAYS, F(workdays), 0, 0, "Mon-Fri"},
    {"hours", "open", T_HHMM, F(open_min), 0, 0, "09:00"},
    {"hours", "close", T_HHMM, F(close_min), 0, 0, "18:00"},
    {"hours", "breaks", T_BREAKS, F(breaks), 0, 0, ""},
    {"hours", "business_hours", T_BOOL, F(business_hours), 0, 0, "yes"},
    {"reply", "employee_question_minutes", T_INT, F(employee_question_minutes), 1, 100000, "20"},
    {"reply", "leader_request_minutes", T_INT, F(leader_request_minutes), 1, 100000, "30"},
    {"reply", "public_question_minutes", T_INT, F(public_question_minutes), 1, 100000, "20"},
    {"reply", "question_words", T_LIST, F(question_words), 0, 0,
     "请问,吗,么,呢,怎么,如何,是否,能否,可否,哪里,哪儿,什么,为什么,多少,几点,有没有,是不是"},
    {"onboarding", "earliest_day", T_INT, F(earliest_day), 0, 365, "3"},
    {"onboarding", "latest_day", T_INT, F(latest_day), 0, 365, "5"},
    {"nickname", "separators", T_STR, F(separators), 0, 0, "-_·| /：:"},
    {"nickname", "grace_days", T_INT, F(grace_days), 0, 365, "3"},
    {"nickname", "department_aliases", T_STR, F(department_aliases), 0, 0, ""},
    {"lexicon", "redline.politics", T_STR, F(lexicon[CA_LEX_POLITICS]), 0, 0, "lexicons/politics.txt"},
    {"lexicon", "redline.religion", T_STR, F(lexicon[CA_LEX_RELIGION]), 0, 0, "lexicons/religion.txt"},
    {"lexicon", "redline.porn", T_STR, F(lexicon[CA_LEX_PORN]), 0, 0, "lexicons/porn.txt"},
    {"lexicon", "redline.violence", T_STR, F(lexicon[CA_LEX_VIOLENCE]), 0, 0, "lexicons/violence.txt"},
    {"lexicon", "redline.abuse", T_STR, F(lexicon[CA_LEX_ABUSE]), 0, 0, "lexicons/abuse.txt"},
    {"lexicon", "content.ad", T_STR, F(lexicon[CA_LEX_AD]), 0, 0, "lexicons/ad.txt"},
    {"lexicon", "content.offtopic", T_STR, F(lexicon[CA_LEX_OFFTOPIC]), 0, 0, "lexicons/offtopic.txt"},
    {"lexicon", "public_topics", T_STR, F(lexicon[CA_LEX_PUBLIC_TOPICS]), 0, 0, "lexicons/public_topics.txt"},
    {"lexicon", "allow", T_STR, F(lexicon[CA_LEX_ALLOW]), 0, 0, "lexicons/allow.txt"},
    {"links", "allowed_domains", T_LIST, F(allowed_domains), 0, 0, ""},
    {"incident", "merge_minutes", T_INT, F(merge_minutes), 0, 100000, "10"},
    {"penalty", "redline_first", T_STR, F(redline_first), 0, 0, "严重警告+全额扣除当月绩效"},
    {"penalty", "redline_later", T_STR, F(redline_later), 0, 0, "解除劳动合同+报送当地治安机关"},
    {"penalty", "content_first", T_STR, F(content_first), 0, 0, "通报批评"},
    {"penalty", "content_later", T_STR, F(content_later), 0, 0, "扣除绩效50元"},
    {"penalty", "content_fine_yuan", T_INT, F(content_fine_yuan), 0, 1000000, "50"},
    {"penalty", "reply_sanction", T_STR, F(reply_sanction), 0, 0, "扣除绩效3分"},
    {"penalty", "reply_points", T_INT, F(reply_points), 0, 1000, "3"},
    {"penalty", "reply_min_level", T_LEVEL, F(reply_min_level), 0, 0, "manager"},
    {"penalty", "adjust_min_points", T_INT, F(adjust_min_points), 0, 1000, "2"},
    {"penalty", "adjust_max_points", T_INT, F(adjust_max_points), 0, 1000, "5"},
    {"files", "roster", T_STR, F(roster_file), 0, 0, "roster.csv"},
    {"files", "groups", T_STR, F(groups_file), 0, 0, "groups.csv"},
    {"files", "holidays", T_STR, F(holidays_file), 0, 0, "holidays.csv"},
    {"files", "ledger", T_STR, F(ledger_file), 0, 0, "ledger.db"},
    {"email", "to", T_STR, F(email_to), 0, 0, ""},
    {"email", "from", T_STR, F(email_from), 0, 0, "chataudit <chataudit@localhost>"},
};

static const char *const sections[] = {"company", "hours", "reply", "onboarding", "nickname",
                                       "lexicon", "links", "incident", "penalty", "files",
                                       "email"};

static const char *const day_names[7][3] = {
    {"mon", "周一", "星期一"}, {"tue", "周二", "星期二"}, {"wed", "周三", "星期三"},
    {"thu", "周四", "星期四"}, {"fri", "周五", "星期五"}, {"sat", "周六", "星期六"},
    {"sun", "周日", "星期日"}};

static const char *const level_names[] = {"staff", "supervisor", "manager", "director", "vp", "gm"};

const char *ca_policy_lexicon_key(int lex)
{
    if (lex < 0 || lex >= CA_LEX__COUNT)
        return NULL;
    for (size_t i = 0; i < CA_ARRAY_LEN(keys); i++)
        if (keys[i].offset == F(lexicon) + (size_t)lex * sizeof(char *))
            return keys[i].key;
    return NULL;
}

static void free_list(ca_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        ca_free(l->items[i]);
    ca_free(l->items);
    l->items = NULL;
    l->n = 0;
}

void ca_policy_free(ca_policy *p)
{
    for (size_t i = 0; i < CA_ARRAY_LEN(keys); i++) {
        void *f = (char *)p + keys[i].offset;
        if (keys[i].type == T_STR || keys[i].type == T_LEVEL) {
            ca_free(*(char **)f);
            *(char **)f = NULL;
        } else if (keys[i].type == T_LIST) {
            free_list(f);
        }
    }
}

/* "HH:MM" → minutes; -1 if not a time of day. */
static int hhmm(const char *s)
{
    int h, m;
    char tail;
    if (sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 || m < 0 || m > 59 ||
        (h == 24 && m))
        return -1;
    return h * 60 + m;
}

static int day_index(const char *s)
{
    char low[16];
    size_t n = strlen(s);
    if (n >= sizeof low)
        return -1;
    for (size_t i = 0; i <= n; i++)
        low[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    for (int d = 0; d < 7; d++)
        for (int k = 0; k < 3; k++)
            if (strcmp(low, day_names[d][k]) == 0 ||
                (k == 0 && strlen(low) > 3 && strncmp(low, day_names[d][0], 3) == 0 &&
                 strstr("monday tuesday wednesday thursday friday saturday sunday", low)))
                return d;
    return -1;
}

/* "Mon-Fri", "Mon,Wed,Fri", "Mon-Fri,Sat", "周一-周五" → bit mask; -1 if bad. */
static int parse_days(char *v)
{
    unsigned mask = 0;
    char *save = NULL;
    for (char *tok = strtok_r(v, ",，", &save); tok; tok = strtok_r(NULL, ",，", &save)) {
        tok = ca_trim(tok);
        char *dash = strchr(tok, '-');
        if (!dash)
            dash = strstr(tok, "～");
        if (dash) {
            size_t dl = *dash == '-' ? 1 : strlen("～");
            *dash = '\0';
            int a = day_index(ca_trim(tok)), b = day_index(ca_trim(dash + dl));
            if (a < 0 || b < 0)
                return -1;
            for (int d = a;; d = (d + 1) % 7) {
                mask |= 1u << d;
                if (d == b)
                    break;
            }
        } else {
            int d = day_index(tok);
            if (d < 0)
                return -1;
            mask |= 1u << d;
        }
    }
    return (int)mask;
}

static int set_list(ca_strlist *l, const char *v)
{
    free_list(l);
    for (const char *p = v; *p;) {
        /* ',' or the full-width '，' */
        const char *comma = strchr(p, ','), *wide = strstr(p, "，");
        const char *stop = comma && (!wide || comma < wide) ? comma : wide;
        size_t n = stop ? (size_t)(stop - p) : strlen(p);
        char *item = ca_strndup(p, n);
        if (!item)
            return -1;
        char *t = ca_trim(item);
        memmove(item, t, strlen(t) + 1);
        if (*item) {
            char **ni = ca_realloc(l->items, (l->n + 1) * sizeof *ni);
            if (!ni) {
                ca_free(item);
                return -1;
            }
            l->items = ni;
            l->items[l->n++] = item;
        } else {
            ca_free(item);
        }
        p += n;
        if (*p == ',')
            p++;
        else if (*p)
            p += strlen("，");
    }
    return 0;
}

/* Applies one value; returns NULL, or a static description of what was
 * expected.  *oom on allocation failure. */
static const char *apply(ca_policy *p, const key_def *k, const char *value, int *oom)
{
    void *f = (char *)p + k->offset;
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", value);
    char *v = ca_trim(buf);
    switch (k->type) {
    case T_STR: {
        char *s = ca_strdup(v);
        if (!s) {
            *oom = 1;
            return NULL;
        }
        ca_free(*(char **)f);
        *(char **)f = s;
        return NULL;
    }
    case T_LEVEL: {
        for (size_t i = 0; i < CA_ARRAY_LEN(level_names); i++)
            if (strcmp(v, level_names[i]) == 0) {
                char *s = ca_strdup(v);
                if (!s) {
                    *oom = 1;
                    return NULL;
                }
                ca_free(*(char **)f);
                *(char **)f = s;
                return NULL;
            }
        return "a level: staff, supervisor, manager, director, vp or gm";
    }
    case T_INT: {
        char *end;
        long x = strtol(v, &end, 10);
        if (!*v || *end || x < k->min || x > k->max) {
            static char msg[96];
            snprintf(msg, sizeof msg, "a whole number from %d to %d", k->min, k->max);
            return msg;
        }
        *(int *)f = (int)x;
        return NULL;
    }
    case T_BOOL:
        if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "是"))
            *(int *)f = 1;
        else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "否"))
            *(int *)f = 0;
        else
            return "yes or no";
        return NULL;
    case T_TZ:
        return ca_tz_parse(v, (int *)f) == 0 ? NULL : "an offset like +08:00 (or Asia/Shanghai)";
    case T_DAYS: {
        int m = parse_days(v);
        if (m <= 0)
            return "days like Mon-Fri or Mon,Tue,Wed (周一-周五)";
        *(unsigned *)f = (unsigned)m;
        return NULL;
    }
    case T_HHMM: {
        int m = hhmm(v);
        if (m < 0)
            return "a time of day HH:MM";
        *(int *)f = m;
        return NULL;
    }
    case T_BREAKS: {
        ca_time_range r[8];
        int n = 0;
        char *save = NULL;
        for (char *tok = strtok_r(v, ",，", &save); tok; tok = strtok_r(NULL, ",，", &save)) {
            tok = ca_trim(tok);
            char *dash = strchr(tok, '-');
            if (!dash || n == 8)
                return "ranges like 12:00-13:30 separated by commas (at most 8)";
            *dash = '\0';
            int a = hhmm(ca_trim(tok)), b = hhmm(ca_trim(dash + 1));
            if (a < 0 || b < 0 || a >= b)
                return "ranges like 12:00-13:30 separated by commas (at most 8)";
            r[n++] = (ca_time_range){a, b};
        }
        memcpy(p->breaks, r, sizeof r);
        p->n_breaks = n;
        return NULL;
    }
    case T_LIST:
        if (set_list(f, v) < 0)
            *oom = 1;
        return NULL;
    }
    return NULL;
}

int ca_policy_defaults(ca_policy *p)
{
    memset(p, 0, sizeof *p);
    for (size_t i = 0; i < CA_ARRAY_LEN(keys); i++) {
        int oom = 0;
        apply(p, &keys[i], keys[i].def, &oom);
        if (oom)
            return -1;
    }
    return 0;
}

/* Levenshtein distance over bytes, for suggestions. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            prev = cur;
        }
    }
    return row[lb];
}

int ca_policy_known_section(const char *section)
{
    for (size_t i = 0; i < CA_ARRAY_LEN(sections); i++)
        if (strcmp(sections[i], section) == 0)
            return 1;
    return 0;
}

const char *ca_policy_nearest_section(const char *section)
{
    const char *best = sections[0];
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < CA_ARRAY_LEN(sections); i++) {
        size_t d = distance(section, sections[i]);
        if (d < bd) {
            bd = d;
            best = sections[i];
        }
    }
    return best;
}

ca_status ca_policy_set(ca_policy *p, const char *section, const char *key, const char *value,
                        const char *file, long line, ca_diag *diag)
{
    for (size_t i = 0; i < CA_ARRAY_LEN(keys); i++) {
        if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].key, key) != 0)
            continue;
        int oom = 0;
        const char *why = apply(p, &keys[i], value, &oom);
        if (oom)
            return CA_FATAL;
        if (why) {
            ca_diag_add(diag, CA_DIAG_ERROR, file, line, "[%s] %s: expected %s, found \"%s\"",
                        section, key, why, value);
            return CA_FAILED;
        }
        return CA_OK;
    }
    /* unknown: suggest the nearest key, in this section or any */
    const key_def *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < CA_ARRAY_LEN(keys); i++) {
        size_t d = distance(key, keys[i].key) + (strcmp(keys[i].section, section) != 0 ? 2 : 0);
        if (d < bd) {
            bd = d;
            best = &keys[i];
        }
    }
    if (best && bd <= strlen(key) / 2 + 2) {
        if (strcmp(best->section, section) == 0)
            ca_diag_add(diag, CA_DIAG_ERROR, file, line, "unknown key [%s] %s; did you mean %s?",
                        section, key, best->key);
        else
            ca_diag_add(diag, CA_DIAG_ERROR, file, line,
                        "unknown key [%s] %s; did you mean [%s] %s?", section, key,
                        best->section, best->key);
    } else {
        ca_diag_add(diag, CA_DIAG_ERROR, file, line, "unknown key [%s] %s", section, key);
    }
    return CA_FAILED;
}

void ca_policy_print(const ca_policy *p, void *file)
{
    FILE *f = file;
    const char *section = "";
    for (size_t i = 0; i < CA_ARRAY_LEN(keys); i++) {
        const key_def *k = &keys[i];
        if (strcmp(k->section, section) != 0) {
            fprintf(f, "%s[%s]\n", *section ? "\n" : "", k->section);
            section = k->section;
        }
        const void *v = (const char *)p + k->offset;
        fprintf(f, "%s = ", k->key);
        switch (k->type) {
        case T_STR:
        case T_LEVEL:
            fputs(*(char *const *)v ? *(char *const *)v : "", f);
            break;
        case T_INT:
            fprintf(f, "%d", *(const int *)v);
            break;
        case T_BOOL:
            fputs(*(const int *)v ? "yes" : "no", f);
            break;
        case T_TZ: {
            int m = *(const int *)v, a = m < 0 ? -m : m;
            fprintf(f, "%c%02d:%02d", m < 0 ? '-' : '+', a / 60, a % 60);
            break;
        }
        case T_DAYS: {
            const char *sep = "";
            for (int d = 0; d < 7; d++)
                if (*(const unsigned *)v & (1u << d)) {
                    fprintf(f, "%s%c%c%c", sep, day_names[d][0][0] - 32, day_names[d][0][1],
                            day_names[d][0][2]);
                    sep = ",";
                }
            break;
        }
        case T_HHMM:
            fprintf(f, "%02d:%02d", *(const int *)v / 60, *(const int *)v % 60);
            break;
        case T_BREAKS:
            for (int b = 0; b < p->n_breaks; b++)
                fprintf(f, "%s%02d:%02d-%02d:%02d", b ? "," : "", p->breaks[b].start / 60,
                        p->breaks[b].start % 60, p->breaks[b].end / 60, p->breaks[b].end % 60);
            break;
        case T_LIST: {
            const ca_strlist *l = v;
            for (size_t j = 0; j < l->n; j++)
                fprintf(f, "%s%s", j ? "," : "", l->items[j]);
            break;
        }
        }
        fputc('\n', f);
    }
}
