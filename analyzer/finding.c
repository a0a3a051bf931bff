/*
 * finding.c — finding lists: growth, merge, deterministic order and ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finding.h"
#include "pii.h"

void ca_findings_init(ca_findings *f) { memset(f, 0, sizeof *f); }

/* ---- what findings keep of the events: one block each, laid out in two
 * passes over the same code, the first (base NULL) only measuring ---- */

typedef struct block {
    char *base;
    size_t at;
    int oom; /* a masked text's scratch copy could not be made */
} block;

static void *take(block *k, size_t n, size_t align)
{
    k->at = (k->at + align - 1) & ~(align - 1);
    void *p = k->base ? k->base + k->at : NULL;
    k->at += n;
    return p;
}

static const char *keep_str(block *k, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *p = take(k, n + 1, 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

/* s as a report shows it at most max bytes of: masked (ca_pii_mask, over
 * the whole text) when mask is set, and cut after max + 1 bytes — the
 * report's ca_html_clipped reads no further. */
static const char *keep_text(block *k, const char *s, size_t max, int mask)
{
    if (!s)
        return NULL;
    size_t n = strlen(s), kept = n <= max ? n : max + 1;
    char *p = take(k, kept + 1, 1);
    if (!p)
        return NULL;
    if (mask && kept < n) { /* a number across the cut masks as in the whole text */
        char *m = ca_strdup(s);
        if (!m) {
            k->oom = 1;
            return NULL;
        }
        ca_pii_mask(m, n);
        memcpy(p, m, kept);
        ca_free(m);
    } else {
        memcpy(p, s, kept);
        if (mask)
            ca_pii_mask(p, kept);
    }
    p[kept] = '\0';
    return p;
}

static void keep_event(block *k, ca_shown *out, const ca_event *e)
{
    ca_shown sh = {e->time_ms, e->kind, e->type, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0};
    int msg = e->kind == CA_KIND_MESSAGE;
    sh.employee = keep_str(k, e->employee);
    sh.sender = keep_str(k, e->sender_name ? e->sender_name : e->sender);
    sh.text = keep_text(k, e->text, CA_CONTEXT_TEXT_MAX, msg);
    sh.title = keep_text(k, e->title, CA_CONTEXT_TEXT_MAX, msg);
    if (msg) {
        sh.url = keep_text(k, e->url, CA_CONTEXT_TEXT_MAX, 0);
    } else {
        sh.actor = keep_str(k, e->actor_name ? e->actor_name : e->actor);
        sh.n_targets = e->n_targets;
        sh.targets = e->n_targets ? take(k, e->n_targets * sizeof *sh.targets, sizeof(void *)) : NULL;
        for (uint32_t t = 0; t < e->n_targets; t++) {
            const char *name = e->target_names && e->target_names[t] ? e->target_names[t]
                               : e->targets                      ? e->targets[t]
                                                                 : NULL;
            const char *c = keep_str(k, name);
            if (sh.targets)
                sh.targets[t] = c;
        }
    }
    if (out)
        *out = sh;
}

/* Whether the message's text, masked, is the evidence (then the report
 * shows the evidence in the message's line). */
static int text_is_evidence(const char *text, const char *evidence, int *oom)
{
    char *m = ca_strdup(text);
    if (!m) {
        *oom = 1;
        return 0;
    }
    ca_pii_mask(m, strlen(m));
    int same = strcmp(m, evidence) == 0;
    ca_free(m);
    return same;
}

static void lay_out_latency(block *k, ca_latency *l, const ca_event *q)
{
    const char *text = q ? keep_text(k, q->text, CA_LATENCY_TEXT_MAX, 1) : NULL;
    const char *src = q ? keep_str(k, q->src_path) : NULL;
    const char *mid = keep_str(k, l->message_id), *asker = keep_str(k, l->asker_id);
    if (!k->base || k->oom)
        return;
    l->src_path = src;
    l->src_line = q ? q->src_line : 0;
    l->question = text;
    l->question_type = q ? q->type : CA_TYPE_NONE;
    l->has_question = q != NULL;
    l->message_id = mid;
    l->asker_id = asker;
}

int ca_latency_keep(ca_latency *l)
{
    const ca_conv *c = l->conv;
    const ca_event *q = c && c->events && l->event_index < c->n_events ? c->events[l->event_index]
                                                                       : NULL;
    block k = {NULL, 0, 0};
    lay_out_latency(&k, l, q);
    if (!(k.base = ca_malloc(k.at ? k.at : 1)))
        return -1;
    k.at = 0;
    void *old = l->kept;
    lay_out_latency(&k, l, q);
    if (k.oom) {
        ca_free(k.base);
        return -1;
    }
    l->kept = k.base;
    ca_free(old);
    return 0;
}

/* Lays fd's copies out in k (measuring when k->base is NULL); what is
 * to be shown is at shown[0 .. n), the event at hit. */
static void lay_out(block *k, ca_finding *fd, const ca_conv *c, const size_t *shown, size_t n,
                    size_t hit)
{
    ca_shown *ctx = n ? take(k, n * sizeof *ctx, sizeof(int64_t)) : NULL;
    for (size_t j = 0; j < n; j++)
        keep_event(k, ctx ? &ctx[j] : NULL, c->events[shown[j]]);
    const char *mid = keep_str(k, fd->message_id), *pid = keep_str(k, fd->person_id),
               *pname = keep_str(k, fd->person_name), *src = keep_str(k, fd->src_path);
    if (!k->base || k->oom)
        return;
    fd->src_path = src;
    fd->context = ctx;
    fd->n_context = (uint8_t)n;
    fd->hit = (uint8_t)hit;
    fd->message_id = mid;
    fd->person_id = pid;
    fd->person_name = pname;
}

int ca_finding_keep(ca_finding *fd, const ca_conv *c, size_t i)
{
    size_t shown[2 * CA_CONTEXT_MESSAGES + 1], n = 0, hit = 0;
    int inline_ev = 0, oom = 0;
    if (c && c->events && i < c->n_events) {
        size_t before[CA_CONTEXT_MESSAGES], nb = 0;
        for (size_t j = i; j-- > 0 && nb < CA_CONTEXT_MESSAGES;)
            if (c->events[j]->kind == CA_KIND_MESSAGE)
                before[nb++] = j;
        while (nb > 0)
            shown[n++] = before[--nb];
        hit = n;
        shown[n++] = i;
        for (size_t j = i + 1, na = 0; j < c->n_events && na < CA_CONTEXT_MESSAGES; j++)
            if (c->events[j]->kind == CA_KIND_MESSAGE) {
                shown[n++] = j;
                na++;
            }
        const ca_event *e = c->events[i];
        inline_ev = fd->evidence && e->kind == CA_KIND_MESSAGE &&
                    (!e->text || text_is_evidence(e->text, fd->evidence, &oom));
        if (oom)
            return -1;
    }
    block k = {NULL, 0, 0};
    lay_out(&k, fd, c, shown, n, hit);
    if (!(k.base = ca_malloc(k.at ? k.at : 1)))
        return -1;
    k.at = 0;
    void *old = fd->kept;
    lay_out(&k, fd, c, shown, n, hit);
    if (k.oom) {
        ca_free(k.base);
        return -1;
    }
    fd->kept = k.base;
    ca_free(old);
    fd->evidence_inline = (uint8_t)inline_ev;
    return 0;
}

/* What a finding owns. */
static void finding_free(ca_finding *fd)
{
    ca_free(fd->evidence);
    ca_free(fd->detail);
    ca_free(fd->kept);
    fd->evidence = fd->detail = NULL;
    fd->kept = NULL;
}

void ca_findings_free(ca_findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        finding_free(&f->items[i]);
    ca_free(f->items);
    for (size_t i = 0; i < f->n_notes; i++)
        ca_free(f->notes[i].text);
    ca_free(f->notes);
    for (size_t i = 0; i < f->n_latency; i++)
        ca_free(f->latency[i].kept);
    ca_free(f->latency);
    memset(f, 0, sizeof *f);
}

/* Grows *items (of size elem) to hold one more; 0 or -1 on oom. */
static int grow(void **items, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    void *ni = ca_realloc(*items, ncap * elem);
    if (!ni)
        return -1;
    *items = ni;
    *cap = ncap;
    return 0;
}

int ca_findings_add_latency(ca_findings *f, ca_latency *l)
{
    if (grow((void **)&f->latency, f->n_latency, &f->cap_latency, sizeof *l) < 0) {
        ca_free(l->kept);
        l->kept = NULL;
        f->oom = 1;
        return -1;
    }
    f->latency[f->n_latency++] = *l;
    l->kept = NULL;
    return 0;
}

int ca_findings_add_note(ca_findings *f, ca_note *note)
{
    if (grow((void **)&f->notes, f->n_notes, &f->cap_notes, sizeof *note) < 0) {
        ca_free(note->text);
        note->text = NULL;
        f->oom = 1;
        return -1;
    }
    f->notes[f->n_notes++] = *note;
    note->text = NULL;
    return 0;
}

int ca_findings_add(ca_findings *f, ca_finding *fd)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 64;
        ca_finding *ni = ca_realloc(f->items, cap * sizeof *ni);
        if (!ni) {
            finding_free(fd);
            f->oom = 1;
            return -1;
        }
        f->items = ni;
        f->cap = cap;
    }
    f->items[f->n++] = *fd;
    fd->evidence = fd->detail = NULL;
    fd->kept = NULL;
    return 0;
}

int ca_findings_merge(ca_findings *dst, ca_findings *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (ca_findings_add(dst, &src->items[i]) < 0) {
            for (size_t k = i + 1; k < src->n; k++)
                finding_free(&src->items[k]);
            src->n = 0;
            return -1;
        }
    src->n = 0;
    int rc = 0;
    for (size_t i = 0; i < src->n_latency; i++) {
        if (rc == 0 && ca_findings_add_latency(dst, &src->latency[i]) < 0)
            rc = -1;
        ca_free(src->latency[i].kept); /* NULL once moved */
        src->latency[i].kept = NULL;
    }
    src->n_latency = 0;
    for (size_t i = 0; i < src->n_notes; i++) {
        if (rc == 0 && ca_findings_add_note(dst, &src->notes[i]) < 0)
            rc = -1;
        ca_free(src->notes[i].text); /* NULL once moved */
        src->notes[i].text = NULL;
    }
    src->n_notes = 0;
    return rc;
}

static int cmp_finding(const void *pa, const void *pb)
{
    const ca_finding *a = pa, *b = pb;
    int c;
    if (a->time_ms != b->time_ms)
        return a->time_ms < b->time_ms ? -1 : 1;
    if ((c = ca_strcmp0(a->rule, b->rule)) != 0)
        return c;
    if ((c = ca_strcmp0(a->conv ? a->conv->platform : NULL, b->conv ? b->conv->platform : NULL)) != 0)
        return c;
    if ((c = ca_strcmp0(a->conv ? a->conv->id : NULL, b->conv ? b->conv->id : NULL)) != 0)
        return c;
    if ((c = ca_strcmp0(a->person_id, b->person_id)) != 0)
        return c;
    if ((c = ca_strcmp0(a->message_id, b->message_id)) != 0)
        return c;
    if ((c = ca_strcmp0(a->src_path, b->src_path)) != 0)
        return c;
    if (a->src_line != b->src_line)
        return a->src_line < b->src_line ? -1 : 1;
    return ca_strcmp0(a->detail, b->detail);
}

static int cmp_conv(const ca_conv *a, const ca_conv *b)
{
    int c;
    if ((c = ca_strcmp0(a ? a->platform : NULL, b ? b->platform : NULL)) != 0)
        return c;
    return ca_strcmp0(a ? a->id : NULL, b ? b->id : NULL);
}

static int cmp_latency(const void *pa, const void *pb)
{
    const ca_latency *a = pa, *b = pb;
    int c;
    if ((c = cmp_conv(a->conv, b->conv)) != 0)
        return c;
    if (a->asked_ms != b->asked_ms)
        return a->asked_ms < b->asked_ms ? -1 : 1;
    if (a->event_index != b->event_index)
        return a->event_index < b->event_index ? -1 : 1;
    if ((c = ca_strcmp0(a->rule, b->rule)) != 0)
        return c;
    return ca_strcmp0(a->responder_id, b->responder_id);
}

static int cmp_note(const void *pa, const void *pb)
{
    const ca_note *a = pa, *b = pb;
    int c;
    if ((c = cmp_conv(a->conv, b->conv)) != 0)
        return c;
    if (a->time_ms != b->time_ms)
        return a->time_ms < b->time_ms ? -1 : 1;
    if (a->event_index != b->event_index)
        return a->event_index < b->event_index ? -1 : 1;
    if ((c = ca_strcmp0(a->rule, b->rule)) != 0)
        return c;
    return ca_strcmp0(a->text, b->text);
}

void ca_findings_finalize(ca_findings *f)
{
    if (f->n_latency)
        qsort(f->latency, f->n_latency, sizeof *f->latency, cmp_latency);
    if (f->n_notes)
        qsort(f->notes, f->n_notes, sizeof *f->notes, cmp_note);
    if (f->n)
        qsort(f->items, f->n, sizeof *f->items, cmp_finding);
    for (size_t i = 0; i < f->n; i++) {
        ca_finding *x = &f->items[i];
        /* rule, conversation, person and message id — or the time, for a
         * finding without a message (SPEC §9) */
        uint64_t h = ca_hash64(x->rule, strlen(x->rule), 0);
        if (x->conv)
            h = ca_hash64(x->conv->id, strlen(x->conv->id), h);
        if (x->person_id)
            h = ca_hash64(x->person_id, strlen(x->person_id), h);
        if (x->message_id)
            h = ca_hash64(x->message_id, strlen(x->message_id), h);
        else
            h = ca_hash64(&x->time_ms, sizeof x->time_ms, h);
        if (x->src_path && !x->message_id) /* two id-less messages in one second */
            h = ca_hash64(&x->src_line, sizeof x->src_line, h);
        snprintf(x->id, sizeof x->id, "%016llx", (unsigned long long)h);
    }
}

const char *ca_latency_status_name(ca_latency_status s)
{
    static const char *const names[] = {"met", "breached", "unanswered", "open"};
    return (unsigned)s < CA_ARRAY_LEN(names) ? names[s] : "?";
}

char *ca_latency_minutes_text(int64_t business_ms, char out[32])
{
    int64_t tenths = (business_ms + 3000) / 6000; /* to the nearest tenth of a minute */
    snprintf(out, 32, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
    return out;
}
