/*
 * reply.c — the reply rules of policy 5.1 (SPEC §6.2), deadlines on the
 * business calendar (analyzer/calendar.h):
 *
 *   reply.employee (5.1.1)  a work question by an employee below manager
 *                           level → the head of their department (the
 *                           asker being the head: their manager_id), 20 min;
 *   reply.leader   (5.1.2)  a message by a gm/vp or a department head that
 *                           @mentions a department head or names a
 *                           department → each such head but the sender, 30 min;
 *   reply.public   (5.1.3)  a question on a public topic (administration,
 *                           logistics, facilities) → the admin centre's head;
 *                           any admin-centre member's reply counts, 20 min.
 *
 * Each rule walks a conversation once.  A tracked message becomes a
 * pending item per responsible person R; a later message of R (for
 * reply.public: of any admin-centre member) that quotes the asker A, or
 * @mentions A, or is addressed to no one else answers every pending item
 * of A to R at once.  At the end of the conversation what is still pending
 * is unanswered (the end of the export lies past the deadline) or open.
 * Every tracked item becomes a latency record; breached and unanswered
 * ones are findings against R at the tracked message.  A tracked message
 * whose R is not a member of the conversation at the time is a
 * data-quality note instead.
 */
#include <stdlib.h>
#include <string.h>
#include "../analyzer/calendar.h"
#include "../analyzer/rule.h"
#include "../analyzer/timeparse.h"

#include "content_common.h"

#define MIN_MS 60000LL

typedef enum { REPLY_EMPLOYEE, REPLY_LEADER, REPLY_PUBLIC } reply_kind;

/* ------------------------------------------------- what prepare() builds */

typedef struct dept_head {
    const char *dept;           /* roster department name */
    const ca_employee *head;    /* its head, NULL when it has none */
} dept_head;

typedef struct dept_alias {
    char *alias;
    const char *dept;           /* points into a dept_head */
} dept_alias;

typedef struct reply_shared {
    ca_calendar cal;
    dept_head *depts;           /* sorted by name */
    size_t n_depts;
    dept_alias *aliases;
    size_t n_aliases;
    const ca_employee **admins; /* the admin centre's employees */
    size_t n_admins;
    const ca_employee *admin_head;
    /* [reply] question_words as the question test reads them: each word's
     * length, and whether it is 吗/么/呢 (a question only at a clause end) */
    size_t *qw_len;
    unsigned char *qw_particle;
} reply_shared;

static int cmp_dept(const void *a, const void *b)
{
    return strcmp(((const dept_head *)a)->dept, ((const dept_head *)b)->dept);
}

static const dept_head *find_dept(const reply_shared *sh, const char *name)
{
    if (!name || !sh->n_depts)
        return NULL;
    dept_head key = {name, NULL};
    return bsearch(&key, sh->depts, sh->n_depts, sizeof key, cmp_dept);
}

static void reply_release(void *p)
{
    reply_shared *sh = p;
    if (!sh)
        return;
    for (size_t k = 0; k < sh->n_aliases; k++)
        ca_free(sh->aliases[k].alias);
    ca_free(sh->aliases);
    ca_free(sh->depts);
    ca_free(sh->admins);
    ca_free(sh->qw_len);
    ca_free(sh->qw_particle);
    ca_free(sh);
}

/* [nickname] department_aliases: "alias=department;alias=department". */
static int parse_aliases(reply_shared *sh, const char *spec)
{
    if (!spec)
        return 0;
    const char *p = spec;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *item = ca_strndup(p, n);
        if (!item)
            return -1;
        char *eq = strchr(item, '=');
        if (eq) {
            *eq = '\0';
            const char *alias = ca_trim(item), *dept = ca_trim(eq + 1);
            const dept_head *d = find_dept(sh, dept);
            if (*alias && d) {
                dept_alias *na = ca_realloc(sh->aliases, (sh->n_aliases + 1) * sizeof *na);
                if (!na) {
                    ca_free(item);
                    return -1;
                }
                sh->aliases = na;
                if (!(na[sh->n_aliases].alias = ca_strdup(alias))) {
                    ca_free(item);
                    return -1;
                }
                na[sh->n_aliases++].dept = d->dept;
            }
        }
        ca_free(item);
        p += n;
        if (*p == ';')
            p++;
    }
    return 0;
}

/* The sentence-final particles that make a question only at a clause end. */
static int is_particle(const char *w)
{
    return !strcmp(w, "吗") || !strcmp(w, "么") || !strcmp(w, "呢");
}

/* The question words' lengths and particles, once per run.  0 or -1. */
static int read_questions(reply_shared *sh, const ca_config *cfg)
{
    const ca_strlist *qw = &cfg->policy.question_words;
    size_t n = qw->n ? qw->n : 1;
    if (!(sh->qw_len = ca_calloc(n, sizeof *sh->qw_len)) ||
        !(sh->qw_particle = ca_calloc(n, 1)))
        return -1;
    for (size_t k = 0; k < qw->n; k++) {
        sh->qw_len[k] = strlen(qw->items[k]);
        sh->qw_particle[k] = (unsigned char)is_particle(qw->items[k]);
    }
    return 0;
}

static void *reply_prepare(const ca_config *cfg, const ca_conv *convs, size_t n, int threads,
                           int *failed)
{
    (void)convs;
    (void)n;
    (void)threads;
    reply_shared *sh = ca_calloc(1, sizeof *sh);
    if (!sh) {
        *failed = 1;
        return NULL;
    }
    ca_calendar_init(&sh->cal, cfg);
    size_t ne = cfg->roster ? ca_roster_count(cfg->roster) : 0;
    if (ne && (!(sh->depts = ca_calloc(ne, sizeof *sh->depts)) ||
               !(sh->admins = ca_calloc(ne, sizeof *sh->admins)))) {
        reply_release(sh);
        *failed = 1;
        return NULL;
    }
    /* one entry per department, its first is_head employee in roster order */
    for (size_t i = 0; i < ne; i++) {
        const ca_employee *e = ca_roster_at(cfg->roster, i);
        if (!e->department || !*e->department)
            continue;
        if (cfg->policy.admin_center && strcmp(e->department, cfg->policy.admin_center) == 0)
            sh->admins[sh->n_admins++] = e;
        size_t k = 0;
        while (k < sh->n_depts && strcmp(sh->depts[k].dept, e->department) != 0)
            k++;
        if (k == sh->n_depts)
            sh->depts[sh->n_depts++].dept = e->department;
        if (e->is_head && !sh->depts[k].head)
            sh->depts[k].head = e;
    }
    if (sh->n_depts)
        qsort(sh->depts, sh->n_depts, sizeof *sh->depts, cmp_dept);
    const dept_head *ac = find_dept(sh, cfg->policy.admin_center);
    sh->admin_head = ac ? ac->head : NULL;
    if (parse_aliases(sh, cfg->policy.department_aliases) < 0 || read_questions(sh, cfg) < 0) {
        reply_release(sh);
        *failed = 1;
        return NULL;
    }
    return sh;
}

/* ------------------------------------------------------------ the state */

typedef struct pending {
    size_t q;                   /* the tracked message */
    const char *asker;          /* roster id of A */
    const ca_employee *responder;
    int64_t deadline_ms;
} pending;

typedef struct reply_state {
    pending *items;
    size_t n, cap;
    ca_buf plain;               /* scratch: text without mentions and URLs */
    size_t *by_id;              /* events with an id, sorted by id (built on demand) */
    size_t n_by_id;
    int by_id_built;
} reply_state;

static void reply_cleanup(void *p)
{
    reply_state *st = p;
    if (!st)
        return;
    ca_free(st->items);
    ca_buf_free(&st->plain);
    ca_free(st->by_id);
    memset(st, 0, sizeof *st);
}

/* ---------------------------------------------------- reading a message */

static int is_manager_or_above(const ca_employee *e)
{
    static const char *const levels[] = {"manager", "director", "vp", "gm"};
    for (size_t k = 0; k < CA_ARRAY_LEN(levels); k++)
        if (e->level && strcmp(e->level, levels[k]) == 0)
            return 1;
    return 0;
}

static int is_leader(const ca_employee *e)
{
    return e->is_head || (e->level && (!strcmp(e->level, "gm") || !strcmp(e->level, "vp")));
}

/* Blanks n bytes at p (keeps offsets, so no byte of a mention or URL can
 * join its neighbours into a word). */
static void blank(char *p, size_t n)
{
    memset(p, ' ', n);
}

/*
 * The message text as the question and department tests read it: @mentions
 * ("@name", every name the event lists, and @所有人) and URLs (their "?"
 * is no question mark) blanked.  Quoted content is not part of e->text.
 * Returns the text in st->plain (NUL-terminated), or NULL on oom.
 */
static const char *plain_text(reply_state *st, const ca_event *e)
{
    ca_buf_reset(&st->plain);
    ca_buf_puts(&st->plain, e->text ? e->text : "");
    const char *cs = ca_buf_cstr(&st->plain);
    if (st->plain.oom || !cs)
        return NULL;
    char *t = st->plain.data;
    static const char *const everyone[] = {"所有人", "all", "All"};
    for (uint32_t k = 0; k < e->n_mentions + CA_ARRAY_LEN(everyone); k++) {
        const char *name = k < e->n_mentions ? e->mentions[k] : everyone[k - e->n_mentions];
        size_t nl = name ? strlen(name) : 0;
        if (!nl)
            continue;
        for (char *at = strchr(t, '@'); at; at = strchr(at + 1, '@'))
            if (strncmp(at + 1, name, nl) == 0)
                blank(at, nl + 1);
    }
    static const char *const schemes[] = {"http://", "https://", "www."};
    for (size_t k = 0; k < CA_ARRAY_LEN(schemes); k++)
        for (char *u = strstr(t, schemes[k]); u; u = strstr(u, schemes[k])) {
            size_t n = 0;
            while (u[n] > ' ' && u[n] <= '~')
                n++;
            blank(u, n);
        }
    return t;
}

/* The code point at s (valid or not), its length in *len; 0 at the end. */
static uint32_t utf8_at(const char *s, size_t *len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (!u[0]) {
        *len = 0;
        return 0;
    }
    if (u[0] < 0x80) {
        *len = 1;
        return u[0];
    }
    int n = u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 1;
    uint32_t cp = n == 4 ? u[0] & 0x07u : n == 3 ? u[0] & 0x0Fu : u[0] & 0x1Fu;
    for (int k = 1; k < n; k++) {
        if ((u[k] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        cp = cp << 6 | (u[k] & 0x3Fu);
    }
    *len = (size_t)n;
    return n == 1 ? 0xFFFD : cp;
}

/* Whether a character continues a word (so a particle before it does not
 * end a clause): letters, digits, CJK ideographs, kana, hangul. */
static int continues_word(uint32_t cp)
{
    static const struct { uint32_t lo, hi; } word[] = {
        {'0', '9'},         {'A', 'Z'},         {'a', 'z'},         {0x00C0, 0x024F},
        {0x0370, 0x052F},   {0x3040, 0x30FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},
        {0xAC00, 0xD7AF},   {0xF900, 0xFAFF},   {0xFF10, 0xFF19},   {0xFF21, 0xFF3A},
        {0xFF41, 0xFF5A},   {0x20000, 0x3FFFF},
    };
    for (size_t k = 0; k < CA_ARRAY_LEN(word); k++)
        if (cp >= word[k].lo && cp <= word[k].hi)
            return 1;
    return 0;
}

/*
 * SPEC §6.2: a question contains ? or ？, or a question word of [reply]
 * question_words; 吗/么/呢 count only at the end of a clause (the end of
 * the text, or before anything that does not continue a word: punctuation,
 * space, an emoji).  t is the plain text.
 */
static int is_question_text(const ca_config *cfg, const reply_shared *sh, const char *t)
{
    if (strchr(t, '?') || strstr(t, "？"))
        return 1;
    const ca_strlist *qw = &cfg->policy.question_words;
    for (size_t k = 0; k < qw->n; k++) {
        const char *w = qw->items[k];
        size_t wl = sh->qw_len[k];
        if (!wl)
            continue;
        if (!sh->qw_particle[k]) {
            if (strstr(t, w))
                return 1;
            continue;
        }
        for (const char *p = strstr(t, w); p; p = strstr(p + wl, w)) {
            size_t len;
            uint32_t next = utf8_at(p + wl, &len);
            if (!len || !continues_word(next))
                return 1;
        }
    }
    return 0;
}

/* The unit of the message text among ctx->units, or NULL. */
static const ca_unit *text_unit(const ca_rule_ctx *ctx, const ca_event *e)
{
    for (size_t u = 0; u < ctx->n_units; u++)
        if (ctx->units[u].kind == CA_UNIT_TEXT && ctx->units[u].text == e->text)
            return &ctx->units[u];
    return NULL;
}

static int hits(ca_rule_ctx *ctx, int lex, const ca_unit *u)
{
    ca_lex_hit hit;
    return u && ctx->content && ctx->content->lex[lex] && ctx->scratch &&
           ca_content_first_hit(ctx, lex, u, &hit);
}

/* ----------------------------------------------------- who the reply is to */

typedef enum { TO_NO_ONE, TO_ASKER, TO_OTHER } addressee;

static int cmp_by_id(const void *pa, const void *pb, const ca_conv *c)
{
    return strcmp(c->events[*(const size_t *)pa]->id, c->events[*(const size_t *)pb]->id);
}

/* qsort has no context argument: a merge sort of event indices by id. */
static void sort_by_id(size_t *a, size_t n, const ca_conv *c, size_t *tmp)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_by_id(a, h, c, tmp);
    sort_by_id(a + h, n - h, c, tmp);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_by_id(&a[j], &a[i], c) < 0 ? a[j++] : a[i++];
    while (i < h)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

/* The event of conv with message id, or (size_t)-1.  -2 on oom. */
static size_t event_by_id(reply_state *st, const ca_conv *c, const char *id)
{
    if (!st->by_id_built) {
        st->by_id_built = 1;
        size_t n = 0;
        for (size_t i = 0; i < c->n_events; i++)
            n += c->events[i]->id != NULL;
        if (n) {
            size_t *tmp = ca_calloc(n, sizeof *tmp);
            st->by_id = ca_calloc(n, sizeof *st->by_id);
            if (!tmp || !st->by_id) {
                ca_free(tmp);
                return (size_t)-2;
            }
            for (size_t i = 0; i < c->n_events; i++)
                if (c->events[i]->id)
                    st->by_id[st->n_by_id++] = i;
            sort_by_id(st->by_id, st->n_by_id, c, tmp);
            ca_free(tmp);
        }
    }
    size_t lo = 0, hi = st->n_by_id;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int cmp = strcmp(c->events[st->by_id[mid]]->id, id);
        if (cmp < 0)
            lo = mid + 1;
        else if (cmp > 0)
            hi = mid;
        else
            return st->by_id[mid];
    }
    return (size_t)-1;
}

/* Whether a name or id as an export shows it (a quoted sender, a mention)
 * is the asker of event q. */
static int names_asker(const ca_config *cfg, const ca_event *q, const char *who)
{
    if (!who || !*who)
        return 0;
    if (!strcmp(who, q->employee) || (q->sender && !strcmp(who, q->sender)) ||
        (q->sender_name && !strcmp(who, q->sender_name)))
        return 1;
    const ca_employee *e = ca_roster_resolve(cfg->roster, q->platform, who, who);
    return e && !strcmp(e->id, q->employee);
}

/*
 * To whom message m is addressed, seen from the asker of the tracked
 * message q: TO_ASKER when it quotes one of the asker's messages or
 * @mentions the asker; TO_OTHER when it quotes someone else's message or
 * @mentions someone else; TO_NO_ONE otherwise (a quote whose original is
 * not visible in the export quotes no one; @所有人 is no one in particular).
 * -1 on oom.
 */
static int addressed_to(ca_rule_ctx *ctx, reply_state *st, const ca_event *m, size_t q_index)
{
    const ca_conv *c = ctx->conv;
    const ca_event *q = c->events[q_index];
    int other = 0;
    if (m->quote_sender && *m->quote_sender) {
        if (names_asker(ctx->cfg, q, m->quote_sender))
            return TO_ASKER;
        other = 1;
    } else if (m->reply_to && *m->reply_to) {
        if (q->id && !strcmp(m->reply_to, q->id))
            return TO_ASKER;
        size_t k = event_by_id(st, c, m->reply_to);
        if (k == (size_t)-2)
            return -1;
        if (k != (size_t)-1) {
            const ca_event *o = c->events[k];
            if (o->employee ? !strcmp(o->employee, q->employee) : names_asker(ctx->cfg, q, o->sender))
                return TO_ASKER;
            other = 1;
        }
    }
    for (uint32_t k = 0; k < m->n_mentions; k++) {
        const char *id = m->mention_ids ? m->mention_ids[k] : NULL;
        if (id ? !strcmp(id, q->employee) : names_asker(ctx->cfg, q, m->mentions[k]))
            return TO_ASKER;
        const char *name = m->mentions[k];
        if (!id && name && (!strcmp(name, "所有人") || !strcmp(name, "all") || !strcmp(name, "All")))
            continue;
        other = 1;
    }
    return other ? TO_OTHER : TO_NO_ONE;
}

/* ------------------------------------------------------------- reporting */

static const char *employee_label(const ca_employee *e, char *buf, size_t n)
{
    snprintf(buf, n, "%s (%s)", e->name ? e->name : "?", e->id);
    return buf;
}

static int limit_of(const ca_rule_ctx *ctx, reply_kind kind)
{
    const ca_policy *p = &ctx->cfg->policy;
    return kind == REPLY_EMPLOYEE ? p->employee_question_minutes
           : kind == REPLY_LEADER ? p->leader_request_minutes
                                  : p->public_question_minutes;
}

/* Records the outcome of a pending item: a latency record, and a finding
 * when breached or unanswered.  answer: the reply's index or (size_t)-1. */
static int settle(ca_rule_ctx *ctx, const ca_rule *rule, reply_kind kind, const pending *p,
                  size_t answer)
{
    const reply_shared *sh = ctx->shared;
    const ca_conv *c = ctx->conv;
    const ca_event *q = c->events[p->q];
    int64_t end_ms = c->events[c->n_events - 1]->time_ms;
    ca_latency rec;
    memset(&rec, 0, sizeof rec);
    rec.rule = rule->id;
    rec.conv = c;
    rec.event_index = p->q;
    rec.asker_id = p->asker;
    rec.asked_ms = q->time_ms;
    rec.message_id = q->id;
    rec.responder_id = p->responder->id;
    rec.deadline_ms = p->deadline_ms;
    rec.answer_index = answer;
    rec.answered_ms = -1;
    if (answer != (size_t)-1) {
        const ca_event *a = c->events[answer];
        rec.answered_ms = a->time_ms;
        rec.answered_by = a->employee;
        rec.business_ms = ca_calendar_business_ms(&sh->cal, q->time_ms, a->time_ms);
        rec.status = a->time_ms <= p->deadline_ms ? CA_LAT_MET : CA_LAT_BREACHED;
    } else {
        rec.business_ms = ca_calendar_business_ms(&sh->cal, q->time_ms, end_ms);
        rec.status = p->deadline_ms > end_ms ? CA_LAT_OPEN : CA_LAT_UNANSWERED;
    }
    rec.business_minutes = (long)(rec.business_ms / MIN_MS);
    if (ca_rule_latency(ctx, &rec) < 0)
        return -1;
    if (rec.status != CA_LAT_BREACHED && rec.status != CA_LAT_UNANSWERED)
        return 0;
    char due[32], took[32], lim[16];
    ca_time_format(p->deadline_ms, ctx->cfg->tz_offset_min, due);
    ca_latency_minutes_text(rec.business_ms, took);
    snprintf(lim, sizeof lim, "%d", limit_of(ctx, kind));
    const char *what = kind == REPLY_LEADER ? "request" : "question";
    const ca_employee *ae = ca_roster_by_id(ctx->cfg->roster, p->asker);
    char asker[160];
    if (ae)
        employee_label(ae, asker, sizeof asker);
    else
        snprintf(asker, sizeof asker, "%s", p->asker);
    const char *wall = sh->cal.wall_clock ? "" : "business ";
    if (rec.status == CA_LAT_BREACHED) {
        char at[32];
        ca_time_format(rec.answered_ms, ctx->cfg->tz_offset_min, at);
        return ca_rule_report(ctx, rule, p->q, p->responder->id, q->text,
                              q->text ? strlen(q->text) : 0, 0, 0,
                              "%s of %s answered at %s after %s %sminutes; the deadline was %s (%s "
                              "%sminutes)",
                              what, asker, at, took, wall, due, lim, wall);
    }
    return ca_rule_report(ctx, rule, p->q, p->responder->id, q->text, q->text ? strlen(q->text) : 0,
                          0, 0,
                          "%s of %s not answered by the end of the export (%s %sminutes later); "
                          "the deadline was %s (%s %sminutes)",
                          what, asker, took, wall, due, lim, wall);
}

/* Message i answers the pending items whose responder it is from and
 * whose asker it is addressed to (or to no one else). */
static int answer_pending(ca_rule_ctx *ctx, const ca_rule *rule, reply_kind kind,
                          reply_state *st, size_t i)
{
    const ca_event *m = ctx->conv->events[i];
    if (!m->employee || !st->n)
        return 0;
    int from_admin = 0;
    if (kind == REPLY_PUBLIC) {
        const ca_employee *e = ca_roster_by_id(ctx->cfg->roster, m->employee);
        from_admin = e && e->department && ctx->cfg->policy.admin_center &&
                     !strcmp(e->department, ctx->cfg->policy.admin_center);
        if (!from_admin)
            return 0;
    }
    size_t kept = 0;
    for (size_t k = 0; k < st->n; k++) {
        pending *p = &st->items[k];
        int responder = kind == REPLY_PUBLIC ? strcmp(m->employee, p->asker) != 0
                                             : strcmp(m->employee, p->responder->id) == 0;
        int to = responder ? addressed_to(ctx, st, m, p->q) : TO_OTHER;
        if (to < 0)
            return -1;
        if (to == TO_OTHER) {
            st->items[kept++] = *p;
            continue;
        }
        if (settle(ctx, rule, kind, p, i) < 0)
            return -1;
    }
    st->n = kept;
    return 0;
}

/* ---------------------------------------------------------- tracking */

static int track(ca_rule_ctx *ctx, reply_state *st, size_t i, const char *asker,
                 const ca_employee *responder, int minutes)
{
    const reply_shared *sh = ctx->shared;
    if (st->n == st->cap) {
        size_t nc = st->cap ? st->cap * 2 : 8;
        pending *ni = ca_realloc(st->items, nc * sizeof *ni);
        if (!ni)
            return -1;
        st->items = ni;
        st->cap = nc;
    }
    int64_t t = ctx->conv->events[i]->time_ms;
    st->items[st->n++] = (pending){i, asker, responder, ca_calendar_deadline(&sh->cal, t, minutes)};
    return 0;
}

/* Tracks message i for responder R, or notes that R is not in the
 * conversation at the time. */
static int track_for(ca_rule_ctx *ctx, const ca_rule *rule, reply_state *st, size_t i,
                     const ca_employee *asker, const ca_employee *r, int minutes)
{
    char who[160], by[160];
    if (!ca_members_is_member(ctx->members, r->id, ctx->conv->events[i]->time_ms))
        return ca_rule_note(ctx, rule, i,
                            "not judged: the responsible person %s is not a member of the group "
                            "at the time of %s's message",
                            employee_label(r, who, sizeof who), employee_label(asker, by, sizeof by));
    return track(ctx, st, i, asker->id, r, minutes);
}

/* The responsible person of an employee's question: the head of their
 * department, or for the head, their manager.  NULL with *why set. */
static const ca_employee *department_head_of(const ca_rule_ctx *ctx, const ca_employee *asker,
                                             const char **why)
{
    const reply_shared *sh = ctx->shared;
    const dept_head *d = find_dept(sh, asker->department);
    if (!d || !d->head) {
        *why = "the asker's department has no head in roster.csv";
        return NULL;
    }
    if (strcmp(d->head->id, asker->id) != 0)
        return d->head;
    const ca_employee *m = asker->manager_id && *asker->manager_id
                               ? ca_roster_by_id(ctx->cfg->roster, asker->manager_id)
                               : NULL;
    if (!m)
        *why = "the asker is the department head and has no manager_id in roster.csv";
    return m;
}

/* A work question as SPEC §6.2 defines it (text or quote, ?/question
 * word, not off topic); *public set when it is also on a public topic. */
static int work_question(ca_rule_ctx *ctx, reply_state *st, const ca_event *e, int *public,
                         int *failed)
{
    *public = 0;
    if (e->type != CA_TYPE_TEXT && e->type != CA_TYPE_QUOTE)
        return 0;
    ca_worker_scratch *ws = ctx->scratch;
    if (ws && ws->work_question >= 0) { /* reply.employee asked before reply.public */
        *public = ws->public_topic;
        return ws->work_question;
    }
    const char *t = plain_text(st, e);
    if (!t) {
        *failed = 1;
        return 0;
    }
    int yes = 0;
    if (is_question_text(ctx->cfg, ctx->shared, t)) {
        const ca_unit *u = text_unit(ctx, e);
        yes = !hits(ctx, CA_LEX_OFFTOPIC, u);
        *public = yes && hits(ctx, CA_LEX_PUBLIC_TOPICS, u);
    }
    if (ws) {
        ws->work_question = (signed char)yes;
        ws->public_topic = (signed char)*public;
    }
    return yes;
}

static int track_employee(ca_rule_ctx *ctx, const ca_rule *rule, reply_state *st, size_t i,
                          const ca_employee *asker)
{
    int public = 0, failed = 0;
    if (is_manager_or_above(asker) || !work_question(ctx, st, ctx->conv->events[i], &public, &failed))
        return failed ? -1 : 0;
    if (public)
        return 0; /* reply.public's */
    const char *why = NULL;
    const ca_employee *r = department_head_of(ctx, asker, &why);
    char by[160];
    if (!r)
        return ca_rule_note(ctx, rule, i, "not judged: question of %s: %s",
                            employee_label(asker, by, sizeof by), why);
    if (!strcmp(r->id, asker->id))
        return 0;
    return track_for(ctx, rule, st, i, asker, r, ctx->cfg->policy.employee_question_minutes);
}

static int add_unique(const ca_employee **rs, size_t *n, size_t max, const ca_employee *e)
{
    for (size_t k = 0; k < *n; k++)
        if (rs[k] == e)
            return 0;
    if (*n < max)
        rs[(*n)++] = e;
    return 0;
}

static int track_leader(ca_rule_ctx *ctx, const ca_rule *rule, reply_state *st, size_t i,
                        const ca_employee *sender)
{
    const reply_shared *sh = ctx->shared;
    const ca_event *e = ctx->conv->events[i];
    if (!is_leader(sender))
        return 0;
    const ca_employee *rs[64];
    size_t n = 0;
    for (uint32_t k = 0; k < e->n_mentions; k++) {
        const char *id = e->mention_ids ? e->mention_ids[k] : NULL;
        const ca_employee *m = id ? ca_roster_by_id(ctx->cfg->roster, id) : NULL;
        if (m && m->is_head)
            add_unique(rs, &n, CA_ARRAY_LEN(rs), m);
    }
    if (e->text && *e->text) {
        const char *t = plain_text(st, e);
        if (!t)
            return -1;
        for (size_t k = 0; k < sh->n_depts; k++)
            if (sh->depts[k].head && strstr(t, sh->depts[k].dept))
                add_unique(rs, &n, CA_ARRAY_LEN(rs), sh->depts[k].head);
        for (size_t k = 0; k < sh->n_aliases; k++) {
            const dept_head *d = find_dept(sh, sh->aliases[k].dept);
            if (d && d->head && strstr(t, sh->aliases[k].alias))
                add_unique(rs, &n, CA_ARRAY_LEN(rs), d->head);
        }
    }
    for (size_t k = 0; k < n; k++) {
        if (rs[k] == sender)
            continue;
        if (track_for(ctx, rule, st, i, sender, rs[k], ctx->cfg->policy.leader_request_minutes) < 0)
            return -1;
    }
    return 0;
}

static int track_public(ca_rule_ctx *ctx, const ca_rule *rule, reply_state *st, size_t i,
                        const ca_employee *asker)
{
    const reply_shared *sh = ctx->shared;
    int public = 0, failed = 0;
    if (!work_question(ctx, st, ctx->conv->events[i], &public, &failed) || !public)
        return failed ? -1 : 0;
    if (asker->department && ctx->cfg->policy.admin_center &&
        !strcmp(asker->department, ctx->cfg->policy.admin_center))
        return 0; /* the admin centre asking is the admin centre at work */
    char by[160];
    if (!sh->admin_head)
        return ca_rule_note(ctx, rule, i,
                            "not judged: public question of %s: the admin centre (%s) has no head "
                            "in roster.csv",
                            employee_label(asker, by, sizeof by),
                            ctx->cfg->policy.admin_center ? ctx->cfg->policy.admin_center : "");
    int64_t t = ctx->conv->events[i]->time_ms;
    int present = 0;
    for (size_t k = 0; k < sh->n_admins && !present; k++)
        present = ca_members_is_member(ctx->members, sh->admins[k]->id, t);
    if (!present)
        return ca_rule_note(ctx, rule, i,
                            "not judged: public question of %s in a group without an admin-centre "
                            "(%s) member",
                            employee_label(asker, by, sizeof by), ctx->cfg->policy.admin_center);
    return track(ctx, st, i, asker->id, sh->admin_head, ctx->cfg->policy.public_question_minutes);
}

/* ------------------------------------------------------------ the rules */

/* Whether t lies after e's leave_date (their last working day), in the
 * company's zone. */
static int after_leaving(const ca_rule_ctx *ctx, const ca_employee *e, int64_t t_ms)
{
    if (e->leave_day < 0)
        return 0;
    int64_t local = t_ms + (int64_t)ctx->cfg->tz_offset_min * MIN_MS;
    int64_t day = local / 86400000LL - (local % 86400000LL < 0);
    return day > e->leave_day;
}

static int reply_event(ca_rule_ctx *ctx, const ca_rule *rule, reply_kind kind, reply_state *st,
                       size_t i)
{
    const ca_event *e = ctx->conv->events[i];
    if (e->kind != CA_KIND_MESSAGE || !ctx->shared)
        return 0;
    if (answer_pending(ctx, rule, kind, st, i) < 0)
        return -1;
    if (!e->employee || !ca_rule_in_period(ctx, e->time_ms))
        return 0;
    const ca_employee *sender = ca_roster_by_id(ctx->cfg->roster, e->employee);
    if (!sender || after_leaving(ctx, sender, e->time_ms))
        return 0; /* a former employee's messages are no employee's questions or requests */
    switch (kind) {
    case REPLY_EMPLOYEE: return track_employee(ctx, rule, st, i, sender);
    case REPLY_LEADER: return track_leader(ctx, rule, st, i, sender);
    case REPLY_PUBLIC: return track_public(ctx, rule, st, i, sender);
    }
    return 0;
}

/* What is still pending at the end of the conversation. */
static int reply_finish(ca_rule_ctx *ctx, const ca_rule *rule, reply_kind kind, reply_state *st)
{
    for (size_t k = 0; k < st->n; k++)
        if (settle(ctx, rule, kind, &st->items[k], (size_t)-1) < 0)
            return -1;
    st->n = 0;
    return 0;
}

#define REPLY_RULE(sym, id, clause, kind)                                                    \
    extern const ca_rule sym;                                                              \
    static int sym##_event(ca_rule_ctx *ctx, void *state, size_t i)                        \
    {                                                                                      \
        return reply_event(ctx, &sym, kind, state, i);                                     \
    }                                                                                      \
    static int sym##_finish(ca_rule_ctx *ctx, void *state)                                 \
    {                                                                                      \
        return reply_finish(ctx, &sym, kind, state);                                       \
    }                                                                                      \
    const ca_rule sym = {id,           clause,         "reply",        CA_SEV_MINOR,        \
                         sizeof(reply_state), NULL,    sym##_event,    sym##_finish,        \
                         reply_cleanup, reply_prepare, reply_release};

REPLY_RULE(ca_rule_reply_employee, "reply.employee", "5.1.1", REPLY_EMPLOYEE)
REPLY_RULE(ca_rule_reply_leader, "reply.leader", "5.1.2", REPLY_LEADER)
REPLY_RULE(ca_rule_reply_public, "reply.public", "5.1.3", REPLY_PUBLIC)
