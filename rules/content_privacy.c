/*
 * content_privacy.c — content.privacy (policy 4.2.1): a resident ID number
 * with a valid GB 11643 check digit, a mainland mobile number, or a
 * Luhn-valid bank card number in a message, a link, a file name or a
 * forwarded record.  The detectors (analyzer/pii.c) reject decoys: bad
 * check digits, digit runs longer than the number, order numbers.
 */
#include <string.h>
#include "../analyzer/pii.h"
#include "../analyzer/rule.h"

extern const ca_rule ca_rule_content_privacy;

typedef struct first_hit {
    ca_pii hit;
    int found;
} first_hit;

static int take_first(void *ud, const ca_pii *p)
{
    first_hit *f = ud;
    f->hit = *p;
    f->found = 1;
    return 1; /* stop: a message yields at most one finding per rule */
}

static int privacy_event(ca_rule_ctx *ctx, void *state, size_t i)
{
    (void)state;
    const ca_event *e = ctx->conv->events[i];
    if (e->kind != CA_KIND_MESSAGE || !ca_rule_in_period(ctx, e->time_ms))
        return 0;
    for (size_t u = 0; u < ctx->n_units; u++) {
        const ca_unit *un = &ctx->units[u];
        if (un->kind == CA_UNIT_URL)
            continue; /* digits in a URL are ids, not numbers a person typed */
        first_hit f = {{0}, 0};
        ca_pii_scan(un->text, un->len, take_first, &f);
        if (!f.found)
            continue;
        static const char *const what[] = {"a resident ID number (check digit valid)",
                                           "a mobile phone number",
                                           "a bank card number (Luhn valid)"};
        /* the evidence goes into reports emailed to management: the
         * numbers are masked there (the ledger and the export keep the
         * source reference) */
        char *masked = ca_strndup(un->text, un->len);
        if (!masked)
            return -1;
        ca_pii_mask(masked, un->len);
        int rc = ca_rule_report(ctx, &ca_rule_content_privacy, i, NULL, masked, un->len,
                              f.hit.start, f.hit.end, "%s in %s", what[f.hit.kind],
                              un->kind == CA_UNIT_RECORD ? "a forwarded record"
                              : un->kind == CA_UNIT_FILE ? "a file name"
                              : un->kind == CA_UNIT_TITLE ? "a link title"
                                                          : "the message");
        ca_free(masked);
        return rc;
    }
    return 0;
}

const ca_rule ca_rule_content_privacy = {
    "content.privacy", "4.2.1", "content", CA_SEV_MAJOR, 0, NULL, privacy_event, NULL, NULL, NULL, NULL};
