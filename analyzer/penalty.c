/*
 * penalty.c — incidents, offence numbers and sanctions (SPEC §7).  The
 * ledger hands over every finding it holds; everything here is recomputed
 * from them each time, so a re-run, a review, an undo or a run for an
 * earlier month all renumber the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "penalty.h"

static const char *const level_order[] = {"staff", "supervisor", "manager", "director", "vp", "gm"};

static int level_rank(const char *level)
{
    for (size_t i = 0; level && i < CA_ARRAY_LEN(level_order); i++)
        if (strcmp(level, level_order[i]) == 0)
            return (int)i;
    return 0;
}

int ca_level_at_least(const char *level, const char *min_level)
{
    return level_rank(level) >= level_rank(min_level);
}

static const struct {
    const char *pclass, *title;
} classes[] = {{"redline", "红线"}, {"content", "内容"}, {"reply", "回复"}};

int ca_pclass_rank(const char *pclass)
{
    for (size_t i = 0; pclass && i < CA_ARRAY_LEN(classes); i++)
        if (strcmp(pclass, classes[i].pclass) == 0)
            return (int)i;
    return (int)CA_ARRAY_LEN(classes);
}

const char *ca_pclass_title(const char *pclass)
{
    int r = ca_pclass_rank(pclass);
    return r < (int)CA_ARRAY_LEN(classes) ? classes[r].title : "";
}

const char *ca_incident_status_name(ca_incident_status s)
{
    static const char *const names[] = {"proposed", "applied", "confirmed", "dismissed"};
    return (unsigned)s < CA_ARRAY_LEN(names) ? names[s] : "proposed";
}

ca_penalties *ca_penalties_new(void)
{
    return ca_calloc(1, sizeof(ca_penalties));
}

/* Frees a string this module copied (stored as const for its readers). */
static void free_str(const char *s)
{
    ca_free((void *)(uintptr_t)s);
}

static void free_finding(ca_lfinding *f)
{
    const char **s[] = {&f->id, &f->period, &f->rule, &f->pclass, &f->person_id, &f->person_name,
                  &f->department, &f->level, &f->platform, &f->conv_id, &f->conv_name,
                  &f->message_id, &f->evidence, &f->src, &f->review_reason,
                  &f->review_sanction};
    for (size_t i = 0; i < CA_ARRAY_LEN(s); i++)
        free_str(*s[i]);
}

void ca_penalties_free(ca_penalties *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_findings; i++)
        free_finding(&p->findings[i]);
    for (size_t i = 0; i < p->n_adjustments; i++) {
        free_str(p->adjustments[i].incident_id);
        free_str(p->adjustments[i].person_id);
        free_str(p->adjustments[i].reason);
        free_str(p->adjustments[i].time);
    }
    for (size_t i = 0; i < p->n_periods; i++)
        free_str(p->periods[i].period);
    ca_free(p->findings);
    ca_free(p->incidents);
    ca_free(p->adjustments);
    ca_free(p->periods);
    ca_free(p->period);
    ca_free(p->ledger_path);
    ca_free(p->by_id);
    ca_free(p);
}

/* Grows an array of elements of size sz to hold one more. */
static int grow(void **items, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *ni = ca_realloc(*items, nc * sz);
    if (!ni)
        return -1;
    *items = ni;
    *cap = nc;
    return 0;
}

/* ca_strdup that keeps NULL and records an out-of-memory in *oom. */
static char *dup0(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = ca_strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

int ca_penalties_add_finding(ca_penalties *p, const ca_lfinding *f)
{
    if (grow((void **)&p->findings, p->n_findings, &p->cap_findings, sizeof *p->findings) < 0)
        return -1;
    ca_lfinding *d = &p->findings[p->n_findings];
    int oom = 0;
    *d = *f;
    d->id = dup0(f->id, &oom);
    d->period = dup0(f->period, &oom);
    d->rule = dup0(f->rule, &oom);
    d->pclass = dup0(f->pclass, &oom);
    d->person_id = dup0(f->person_id, &oom);
    d->person_name = dup0(f->person_name, &oom);
    d->department = dup0(f->department, &oom);
    d->level = dup0(f->level, &oom);
    d->platform = dup0(f->platform, &oom);
    d->conv_id = dup0(f->conv_id, &oom);
    d->conv_name = dup0(f->conv_name, &oom);
    d->message_id = dup0(f->message_id, &oom);
    d->evidence = dup0(f->evidence, &oom);
    d->src = dup0(f->src, &oom);
    d->review_reason = dup0(f->review_reason, &oom);
    d->review_sanction = dup0(f->review_sanction, &oom);
    if (oom || !d->id || !d->period || !d->rule || !d->pclass || !d->person_id) {
        free_finding(d);
        return -1;
    }
    p->n_findings++;
    return 0;
}

int ca_penalties_add_adjustment(ca_penalties *p, const ca_adjustment *a)
{
    if (grow((void **)&p->adjustments, p->n_adjustments, &p->cap_adjustments,
             sizeof *p->adjustments) < 0)
        return -1;
    ca_adjustment *d = &p->adjustments[p->n_adjustments];
    int oom = 0;
    d->points = a->points;
    d->incident_id = dup0(a->incident_id, &oom);
    d->person_id = dup0(a->person_id, &oom);
    d->reason = dup0(a->reason, &oom);
    d->time = dup0(a->time, &oom);
    if (oom) {
        free_str(d->incident_id);
        free_str(d->person_id);
        free_str(d->reason);
        free_str(d->time);
        return -1;
    }
    p->n_adjustments++;
    return 0;
}

int ca_penalties_add_period(ca_penalties *p, const char *period, long messages, long findings)
{
    size_t i = 0;
    while (i < p->n_periods && strcmp(p->periods[i].period, period) < 0)
        i++;
    if (i < p->n_periods && strcmp(p->periods[i].period, period) == 0) {
        p->periods[i].messages = messages;
        p->periods[i].findings = findings;
        return 0;
    }
    if (grow((void **)&p->periods, p->n_periods, &p->cap_periods, sizeof *p->periods) < 0)
        return -1;
    char *d = ca_strdup(period);
    if (!d)
        return -1;
    memmove(&p->periods[i + 1], &p->periods[i], (p->n_periods - i) * sizeof *p->periods);
    p->periods[i] = (ca_period_stats){d, messages, findings};
    p->n_periods++;
    return 0;
}

int ca_penalties_set_context(ca_penalties *p, const char *period, const char *ledger_path)
{
    int oom = 0;
    ca_free(p->period);
    ca_free(p->ledger_path);
    p->period = dup0(period, &oom);
    p->ledger_path = dup0(ledger_path, &oom);
    return oom ? -1 : 0;
}

/* ------------------------------------------------------------ compute */

/* Findings in merge order: person, class, conversation, period, time, id.
 * An incident is one offence: findings of the same person and penalty
 * class in one conversation, each within merge_minutes of the previous.
 * SPEC §7 says "same rule"; by class is what the policy means by an
 * offence — one message that is both abuse and violence, or a rant that
 * mixes them, is one red-line offence, not offences 1 and 2 (which would
 * propose termination for a single message). */
static int cmp_merge(const void *pa, const void *pb)
{
    const ca_lfinding *a = pa, *b = pb;
    int c;
    if ((c = strcmp(a->person_id, b->person_id)) || (c = strcmp(a->pclass, b->pclass)) ||
        (c = ca_strcmp0(a->platform, b->platform)) || (c = ca_strcmp0(a->conv_id, b->conv_id)) ||
        (c = strcmp(a->period, b->period)))
        return c;
    if (a->time_ms != b->time_ms)
        return a->time_ms < b->time_ms ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* Incidents in numbering order: person, class, first time, id. */
static int cmp_number(const void *pa, const void *pb)
{
    const ca_incident *a = pa, *b = pb;
    int c = strcmp(a->person_id, b->person_id);
    if (c)
        return c;
    int ra = ca_pclass_rank(a->pclass), rb = ca_pclass_rank(b->pclass);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if ((c = strcmp(a->pclass, b->pclass)))
        return c;
    if (a->first_ms != b->first_ms)
        return a->first_ms < b->first_ms ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int cmp_by_id(const void *pa, const void *pb, void *ctx)
{
    const ca_penalties *p = ctx;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return strcmp(p->findings[a].id, p->findings[b].id);
}

static int same_incident(const ca_lfinding *a, const ca_lfinding *b, int64_t merge_ms)
{
    return strcmp(a->person_id, b->person_id) == 0 && strcmp(a->pclass, b->pclass) == 0 &&
           ca_strcmp0(a->platform, b->platform) == 0 && ca_strcmp0(a->conv_id, b->conv_id) == 0 &&
           strcmp(a->period, b->period) == 0 && b->time_ms - a->time_ms <= merge_ms;
}

static void set_status(ca_incident *in, const ca_lfinding *fs)
{
    size_t dismissed = 0, confirmed = 0;
    for (size_t k = 0; k < in->n; k++) {
        dismissed += fs[in->first + k].review == CA_REVIEW_DISMISSED;
        confirmed += fs[in->first + k].review == CA_REVIEW_CONFIRMED;
    }
    if (dismissed == in->n)
        in->status = CA_INC_DISMISSED;
    else if (confirmed)
        in->status = CA_INC_CONFIRMED;
    else
        in->status = strcmp(in->pclass, "redline") == 0 ? CA_INC_PROPOSED : CA_INC_APPLIED;
}

/* The level the person had in the incident's period (its last finding's). */
static const char *incident_level(const ca_incident *in, const ca_lfinding *fs)
{
    return fs[in->first + in->n - 1].level;
}

static void set_sanction(ca_incident *in, const ca_lfinding *fs, const ca_policy *pol,
                         const ca_penalties *p)
{
    in->sanction = "";
    in->fine_yuan = 0;
    in->points = 0;
    in->adjust_points = 0;
    if (in->status == CA_INC_DISMISSED)
        return;
    int first = in->offence_no == 1;
    switch (ca_pclass_rank(in->pclass)) {
    case 0: /* redline: the month's performance pay is not a fixed amount */
        in->sanction = first ? pol->redline_first : pol->redline_later;
        in->fine_yuan = first ? -1 : 0;
        break;
    case 1:
        in->sanction = first ? pol->content_first : pol->content_later;
        in->fine_yuan = first ? 0 : pol->content_fine_yuan;
        break;
    case 2:
        /* the points, and the executive office's additions to them, are
         * for reply_min_level and above only (policy 5.2 item 2.3.1) */
        if (!ca_level_at_least(incident_level(in, fs), pol->reply_min_level))
            break;
        for (size_t k = 0; k < p->n_adjustments; k++)
            if (strcmp(p->adjustments[k].incident_id, in->id) == 0)
                in->adjust_points += p->adjustments[k].points;
        in->sanction = pol->reply_sanction;
        in->points = pol->reply_points + in->adjust_points;
        break;
    default:
        break;
    }
    if (!in->sanction)
        in->sanction = "";
}

/* A confirmation confirms an outcome: when renumbering (an earlier month
 * run later, a dismissal, an undo) gives the incident another sanction
 * than the one confirmed, it is a proposal again (content and reply
 * outcomes apply without review).  Reviews recorded without the sanction
 * keep confirming. */
static void unconfirm_if_sanction_changed(ca_incident *in, const ca_lfinding *fs)
{
    if (in->status != CA_INC_CONFIRMED)
        return;
    for (size_t k = 0; k < in->n; k++) {
        const ca_lfinding *f = &fs[in->first + k];
        if (f->review == CA_REVIEW_CONFIRMED &&
            (!f->review_sanction || strcmp(f->review_sanction, in->sanction) == 0))
            return;
    }
    in->status = strcmp(in->pclass, "redline") == 0 ? CA_INC_PROPOSED : CA_INC_APPLIED;
}

/* The id of an incident whose first finding is finding_id. */
static void incident_id_of(const char *finding_id, char out[18])
{
    snprintf(out, 18, "I%016llx",
             (unsigned long long)ca_hash64(finding_id, strlen(finding_id), 0x1dc1de47ULL));
}

/* An adjustment names the incident by the id it had when it was made: the
 * id of its first finding then.  A re-run that adds an earlier finding to
 * the chain gives the incident another id; the adjustment follows the
 * finding it was keyed by (its id rewritten, same length, in place). */
static void follow_adjustments(ca_penalties *p, const ca_incident *inc, size_t ni)
{
    for (size_t k = 0; k < p->n_adjustments; k++) {
        char *aid = (char *)(uintptr_t)p->adjustments[k].incident_id;
        if (!aid || strlen(aid) != 17)
            continue;
        int found = 0;
        for (size_t j = 0; j < ni && !found; j++)
            found = strcmp(inc[j].id, aid) == 0;
        for (size_t j = 0; j < ni && !found; j++) {
            if (strcmp(inc[j].pclass, "reply") != 0)
                continue;
            for (size_t m = 0; m < inc[j].n && !found; m++) {
                char id[18];
                incident_id_of(p->findings[inc[j].first + m].id, id);
                if (strcmp(id, aid) == 0) {
                    memcpy(aid, inc[j].id, 17);
                    found = 1;
                }
            }
        }
    }
}

int ca_penalties_compute(ca_penalties *p, const ca_policy *pol)
{
    ca_free(p->incidents);
    ca_free(p->by_id);
    p->incidents = NULL;
    p->by_id = NULL;
    p->n_incidents = 0;
    size_t n = p->n_findings;
    if (!n)
        return 0;
    qsort(p->findings, n, sizeof *p->findings, cmp_merge);
    int64_t merge_ms = (int64_t)pol->merge_minutes * 60000;
    size_t ni = 0;
    for (size_t i = 0; i < n; i++)
        ni += i == 0 || !same_incident(&p->findings[i - 1], &p->findings[i], merge_ms);
    ca_incident *inc = ca_calloc(ni, sizeof *inc);
    p->by_id = ca_malloc(n * sizeof *p->by_id);
    if (!inc || !p->by_id) {
        ca_free(inc);
        ca_free(p->by_id);
        p->by_id = NULL;
        return -1;
    }
    size_t k = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const ca_lfinding *f = &p->findings[i];
        if (i == 0 || !same_incident(&p->findings[i - 1], f, merge_ms)) {
            ca_incident *in = &inc[++k];
            in->first = i;
            in->period = f->period;
            in->pclass = f->pclass;
            in->rule = f->rule;
            in->person_id = f->person_id;
            in->first_ms = f->time_ms;
            incident_id_of(f->id, in->id);
        }
        inc[k].n++;
        inc[k].last_ms = f->time_ms;
    }
    for (size_t j = 0; j < ni; j++)
        set_status(&inc[j], p->findings);
    follow_adjustments(p, inc, ni);
    qsort(inc, ni, sizeof *inc, cmp_number);
    int no = 0;
    for (size_t j = 0; j < ni; j++) {
        if (j == 0 || strcmp(inc[j].person_id, inc[j - 1].person_id) != 0 ||
            strcmp(inc[j].pclass, inc[j - 1].pclass) != 0)
            no = 0;
        inc[j].offence_no = inc[j].status == CA_INC_DISMISSED ? 0 : ++no;
        set_sanction(&inc[j], p->findings, pol, p);
        unconfirm_if_sanction_changed(&inc[j], p->findings);
        for (size_t m = 0; m < inc[j].n; m++)
            p->findings[inc[j].first + m].incident = j;
    }
    for (size_t i = 0; i < n; i++)
        p->by_id[i] = i;
    qsort_r(p->by_id, n, sizeof *p->by_id, cmp_by_id, p);
    p->incidents = inc;
    p->n_incidents = ni;
    return 0;
}

const ca_incident *ca_penalties_incident_of(const ca_penalties *p, const char *finding_id)
{
    if (!p || !p->by_id || !finding_id)
        return NULL;
    size_t lo = 0, hi = p->n_findings;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ca_lfinding *f = &p->findings[p->by_id[mid]];
        int c = strcmp(f->id, finding_id);
        if (c == 0)
            return &p->incidents[f->incident];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const ca_incident *ca_penalties_incident(const ca_penalties *p, const char *incident_id)
{
    for (size_t i = 0; p && incident_id && i < p->n_incidents; i++)
        if (strcmp(p->incidents[i].id, incident_id) == 0)
            return &p->incidents[i];
    return NULL;
}
