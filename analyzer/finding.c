/*
 * finding.c — finding lists: growth, merge, deterministic order and ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "finding.h"

void ca_findings_init(ca_findings *f) { memset(f, 0, sizeof *f); }

void ca_findings_free(ca_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        ca_free(f->items[i].evidence);
        ca_free(f->items[i].detail);
    }
    ca_free(f->items);
    for (size_t i = 0; i < f->n_notes; i++)
        ca_free(f->notes[i].text);
    ca_free(f->notes);
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

int ca_findings_add_latency(ca_findings *f, const ca_latency *l)
{
    if (grow((void **)&f->latency, f->n_latency, &f->cap_latency, sizeof *l) < 0) {
        f->oom = 1;
        return -1;
    }
    f->latency[f->n_latency++] = *l;
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
            ca_free(fd->evidence);
            ca_free(fd->detail);
            fd->evidence = fd->detail = NULL;
            f->oom = 1;
            return -1;
        }
        f->items = ni;
        f->cap = cap;
    }
    f->items[f->n++] = *fd;
    fd->evidence = fd->detail = NULL;
    return 0;
}

int ca_findings_merge(ca_findings *dst, ca_findings *src)
{
    for (size_t i = 0; i < src->n; i++)
        if (ca_findings_add(dst, &src->items[i]) < 0) {
            for (size_t k = i + 1; k < src->n; k++) {
                ca_free(src->items[k].evidence);
                ca_free(src->items[k].detail);
            }
            src->n = 0;
            return -1;
        }
    src->n = 0;
    int rc = 0;
    for (size_t i = 0; i < src->n_latency; i++)
        if (rc == 0 && ca_findings_add_latency(dst, &src->latency[i]) < 0)
            rc = -1;
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
