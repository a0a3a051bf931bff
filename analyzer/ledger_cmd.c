/*
 * ledger_cmd.c — `chataudit ledger`: what a reviewer does between runs.
 * list and show only read; review, adjust and undo each change the ledger
 * in one transaction that also recomputes every incident, so the next
 * report and `ledger show` agree with the change at once.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ledger.h"
#include "timeparse.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_INPUT = 2, EXIT_INTERNAL = 3 };

static void ledger_usage(FILE *f)
{
    fputs("usage: chataudit ledger [-c CONFIG] [--ledger FILE] COMMAND ...\n"
          "\n"
          "  list                        the periods recorded, their incidents, fines and\n"
          "                              points, and every run\n"
          "  show PERSON                 every incident of PERSON (employee id or name):\n"
          "                              offence number, sanction, status, and each finding\n"
          "                              with its evidence and where it came from\n"
          "  review ID --confirm|--dismiss --reason TEXT\n"
          "                              record a reviewer's decision on a finding (or on\n"
          "                              every finding of an incident, ID = I...); a\n"
          "                              dismissed finding never counts again\n"
          "  adjust PERSON --points N --reason TEXT [--incident ID]\n"
          "                              the executive office's extra points (2-5 by\n"
          "                              default) on a reply incident (default: the\n"
          "                              person's latest)\n"
          "  undo PERIOD                 remove a period's findings (reviews and adjustments\n"
          "                              are kept for a re-run); later periods renumber\n"
          "\n"
          "  -c CONFIG      configuration folder (default ./config, which must exist): the\n"
          "                 [penalty] rules and [files] ledger\n"
          "  --ledger FILE  the ledger file (default: [files] ledger of the configuration)\n"
          "\n"
          "Exit status: 0 success, 1 bad usage, unknown id, or the ledger is busy or\n"
          "missing, 3 internal error.\n",
          f);
}

typedef struct ledger_args {
    const char *config, *ledger, *reason, *incident;
    int confirm, dismiss, points, have_points;
    char **rest;
    int n_rest;
} ledger_args;

typedef struct ledger_ctx {
    ca_config cfg;
    ca_diag *diag;
    char *path;
    ca_ledger *l;
} ledger_ctx;

static int parse_args(int argc, char **argv, ledger_args *a)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"ledger", required_argument, NULL, 'L'},
        {"confirm", no_argument, NULL, 'C'},      {"dismiss", no_argument, NULL, 'D'},
        {"reason", required_argument, NULL, 'r'}, {"points", required_argument, NULL, 'p'},
        {"incident", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(a, 0, sizeof *a);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': a->config = optarg; break;
        case 'L': a->ledger = optarg; break;
        case 'C': a->confirm = 1; break;
        case 'D': a->dismiss = 1; break;
        case 'r': a->reason = optarg; break;
        case 'i': a->incident = optarg; break;
        case 'p': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || !*optarg || v < -1000 || v > 1000) {
                fprintf(stderr, "chataudit: ledger: --points: expected a whole number, found "
                                "\"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            a->points = (int)v;
            a->have_points = 1;
            break;
        }
        case 'h': ledger_usage(stdout); return -1;
        default: ledger_usage(stderr); return EXIT_USAGE;
        }
    }
    a->rest = argv + optind;
    a->n_rest = argc - optind;
    return EXIT_OK;
}

static void ctx_free(ledger_ctx *x)
{
    ca_ledger_close(x->l);
    ca_free(x->path);
    ca_config_free(&x->cfg);
    ca_diag_free(x->diag);
}

/* Loads the configuration and opens the ledger; writing: it may be
 * created.  Returns an exit status. */
static int ctx_open(ledger_ctx *x, const ledger_args *a, int writing)
{
    memset(x, 0, sizeof *x);
    ca_config_defaults(&x->cfg);
    if (!(x->diag = ca_diag_new(0)))
        return EXIT_INTERNAL;
    /* the company's [penalty] rules, never the built-in defaults: the
     * folder must exist, -c given or not (as for run) */
    ca_status st = ca_config_load(&x->cfg, a->config ? a->config : "config", 1, x->diag);
    if (st != CA_OK) {
        ca_diag_print(x->diag, stderr, CA_DIAG_WARN);
        return st == CA_FATAL ? EXIT_INTERNAL : EXIT_USAGE;
    }
    x->path = a->ledger ? ca_strdup(a->ledger) : ca_ledger_default_path(&x->cfg);
    if (!x->path)
        return EXIT_INTERNAL;
    if (!writing && access(x->path, F_OK) != 0) {
        fprintf(stderr, "chataudit: %s: no ledger yet: 'chataudit run' records each month "
                        "there\n", x->path);
        return EXIT_USAGE;
    }
    if (!(x->l = ca_ledger_open(x->path)))
        return EXIT_USAGE;
    return EXIT_OK;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void fine_text(const ca_incident *in, char out[32])
{
    if (in->fine_yuan < 0)
        snprintf(out, 32, "当月绩效");
    else
        snprintf(out, 32, "%ld", in->fine_yuan);
}

/* Makes a string the ledger holds safe to print on a terminal, in place:
 * C0 controls but tab and newline, DEL and the C1 controls (U+0080..U+009F)
 * become '?'.  Chat text is hostile: an escape sequence could rewrite what
 * a reviewer sees before deciding on a red line. */
static void term_safe(const char *cs)
{
    unsigned char *s = (unsigned char *)(uintptr_t)cs;
    for (; s && *s; s++) {
        if ((*s < 0x20 && *s != '\t' && *s != '\n') || *s == 0x7f)
            *s = '?';
        else if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
            s[0] = s[1] = '?';
    }
}

/* Every string of p that came from chat text, a roster or a reviewer. */
static void penalties_term_safe(ca_penalties *p)
{
    for (size_t i = 0; i < p->n_findings; i++) {
        ca_lfinding *f = &p->findings[i];
        const char *s[] = {f->person_id, f->person_name, f->department, f->level, f->platform,
                           f->conv_id, f->conv_name, f->message_id, f->evidence, f->src,
                           f->review_reason, f->rule, f->period};
        for (size_t k = 0; k < CA_ARRAY_LEN(s); k++)
            term_safe(s[k]);
    }
    for (size_t i = 0; i < p->n_adjustments; i++) {
        term_safe(p->adjustments[i].reason);
        term_safe(p->adjustments[i].time);
    }
}

/* ---------------------------------------------------------------- list */

static int cmd_list(ledger_ctx *x)
{
    ca_penalties *p = ca_ledger_recompute(x->l, &x->cfg.policy, NULL, 0);
    if (!p)
        return EXIT_INTERNAL;
    penalties_term_safe(p);
    printf("ledger %s\n", x->path);
    if (!p->n_periods)
        printf("no period recorded\n");
    else
        printf("%-8s %9s %9s %8s %8s %8s %9s %8s %8s\n", "period", "messages", "findings",
               "redline", "content", "reply", "proposed", "fines", "points");
    for (size_t k = 0; k < p->n_periods; k++) {
        const ca_period_stats *ps = &p->periods[k];
        long cls[3] = {0, 0, 0}, proposed = 0, fines = 0, points = 0;
        for (size_t i = 0; i < p->n_incidents; i++) {
            const ca_incident *in = &p->incidents[i];
            if (strcmp(in->period, ps->period) != 0 || in->status == CA_INC_DISMISSED)
                continue;
            int r = ca_pclass_rank(in->pclass);
            if (r < 3)
                cls[r]++;
            proposed += in->status == CA_INC_PROPOSED;
            fines += in->fine_yuan > 0 ? in->fine_yuan : 0;
            points += in->points;
        }
        printf("%-8s %9ld %9ld %8ld %8ld %8ld %9ld %8ld %8ld\n", ps->period, ps->messages,
               ps->findings, cls[0], cls[1], cls[2], proposed, fines, points);
    }
    /* the reviewer's work list: red lines still proposed */
    size_t waiting = 0;
    for (size_t i = 0; i < p->n_incidents; i++) {
        const ca_incident *in = &p->incidents[i];
        if (in->status != CA_INC_PROPOSED)
            continue;
        if (!waiting++)
            printf("red lines awaiting review (chataudit ledger review ID --confirm|--dismiss "
                   "--reason TEXT):\n");
        const ca_lfinding *who = &p->findings[in->first + in->n - 1];
        printf("  %s  %s  %s %s  offence %d  %s  %s\n", in->period, in->id, in->person_id,
               or_dash(who->person_name), in->offence_no, in->rule, or_dash(in->sanction));
    }
    printf("runs:\n");
    int rc = ca_ledger_print_runs(x->l, stdout) < 0 ? EXIT_INTERNAL : EXIT_OK;
    ca_penalties_free(p);
    return rc;
}

/* ---------------------------------------------------------------- show */

/* The person's id: an id in the ledger, else a unique name. */
static const char *find_person(const ca_penalties *p, const char *who, int *ambiguous)
{
    const char *by_name = NULL;
    *ambiguous = 0;
    for (size_t i = 0; i < p->n_findings; i++) {
        const ca_lfinding *f = &p->findings[i];
        if (strcmp(f->person_id, who) == 0)
            return f->person_id;
        if (f->person_name && strcmp(f->person_name, who) == 0) {
            if (by_name && strcmp(by_name, f->person_id) != 0)
                *ambiguous = 1;
            by_name = f->person_id;
        }
    }
    return *ambiguous ? NULL : by_name;
}

static void print_finding(const ledger_ctx *x, const ca_lfinding *f)
{
    char when[32];
    ca_time_format(f->time_ms, x->cfg.tz_offset_min, when);
    printf("    finding %s  %s  %s  %s", f->id, when, f->rule, or_dash(f->conv_name));
    if (f->conv_id && (!f->conv_name || strcmp(f->conv_id, f->conv_name) != 0))
        printf(" (%s)", f->conv_id);
    printf("\n      message %s  src %s\n", or_dash(f->message_id), or_dash(f->src));
    if (f->evidence) {
        /* one line, at most 200 bytes, cut at a character boundary */
        char ev[208];
        size_t n = strlen(f->evidence);
        if (n > 200) {
            n = 200;
            while (n > 0 && ((unsigned char)f->evidence[n] & 0xC0) == 0x80)
                n--;
        }
        memcpy(ev, f->evidence, n);
        ev[n] = '\0';
        for (char *c = ev; *c; c++)
            if (*c == '\n' || *c == '\r' || *c == '\t')
                *c = ' ';
        printf("      evidence: %s%s\n", ev, n < strlen(f->evidence) ? "…" : "");
    }
    if (f->review != CA_REVIEW_NONE)
        printf("      review: %s — %s\n", f->review == CA_REVIEW_CONFIRMED ? "confirmed" : "dismissed",
               or_dash(f->review_reason));
}

static int cmd_show(ledger_ctx *x, const char *who)
{
    ca_penalties *p = ca_ledger_recompute(x->l, &x->cfg.policy, NULL, 0);
    if (!p)
        return EXIT_INTERNAL;
    int ambiguous;
    const char *id = find_person(p, who, &ambiguous);
    if (!id) {
        fprintf(stderr, "chataudit: %s: %s: %s\n", x->path, who,
                ambiguous ? "several people have this name; give the employee id"
                          : "no finding of this person in the ledger");
        ca_penalties_free(p);
        return EXIT_USAGE;
    }
    penalties_term_safe(p);
    const ca_lfinding *any = NULL;
    for (size_t i = 0; i < p->n_findings && !any; i++)
        if (strcmp(p->findings[i].person_id, id) == 0)
            any = &p->findings[i];
    printf("%s %s  %s  %s\n", id, or_dash(any->person_name), or_dash(any->department),
           or_dash(any->level));
    for (size_t i = 0; i < p->n_incidents; i++) {
        const ca_incident *in = &p->incidents[i];
        if (strcmp(in->person_id, id) != 0)
            continue;
        char when[32], fine[32];
        ca_time_format(in->first_ms, x->cfg.tz_offset_min, when);
        fine_text(in, fine);
        printf("\n%s  incident %s  %s", in->period, in->id, in->pclass);
        if (in->offence_no)
            printf(" offence %d", in->offence_no);
        printf("  %s  first %s  %zu finding%s\n", in->rule, when, in->n, in->n == 1 ? "" : "s");
        printf("  status %s  sanction %s  fine %s  points %d", ca_incident_status_name(in->status),
               or_dash(in->sanction), fine, in->points);
        if (in->adjust_points)
            printf(" (incl. %+d adjusted)", in->adjust_points);
        printf("\n");
        for (size_t k = 0; k < p->n_adjustments; k++)
            if (strcmp(p->adjustments[k].incident_id, in->id) == 0)
                printf("    adjustment %+d  %s  %s\n", p->adjustments[k].points,
                       or_dash(p->adjustments[k].time), or_dash(p->adjustments[k].reason));
        for (size_t k = 0; k < in->n; k++)
            print_finding(x, &p->findings[in->first + k]);
    }
    ca_penalties_free(p);
    return EXIT_OK;
}

/* ------------------------------------------------------------- changes */

/* Records the change's run line, recomputes every incident, commits. */
static int finish_change(ledger_ctx *x, const char *kind, const char *period, const char *note)
{
    ca_ledger_run run = {kind, period, NULL, NULL, -1, note};
    if (ca_ledger_add_run(x->l, &run) < 0)
        return EXIT_INTERNAL;
    ca_penalties *p = ca_ledger_recompute(x->l, &x->cfg.policy, NULL, 1);
    if (!p)
        return EXIT_INTERNAL;
    ca_penalties_free(p);
    return ca_ledger_commit(x->l) < 0 ? EXIT_INTERNAL : EXIT_OK;
}

static int begin(ledger_ctx *x)
{
    ca_status st = ca_ledger_begin(x->l);
    return st == CA_OK ? EXIT_OK : st == CA_FAILED ? EXIT_USAGE : EXIT_INTERNAL;
}

static int cmd_review(ledger_ctx *x, const ledger_args *a, const char *id)
{
    if (a->confirm == a->dismiss || !a->reason || !*a->reason) {
        fputs("chataudit: ledger review: expected --confirm or --dismiss, and --reason TEXT\n",
              stderr);
        return EXIT_USAGE;
    }
    int rc = begin(x);
    if (rc != EXIT_OK)
        return rc;
    ca_penalties *p = ca_ledger_recompute(x->l, &x->cfg.policy, NULL, 0);
    if (!p)
        return EXIT_INTERNAL;
    ca_review d = a->confirm ? CA_REVIEW_CONFIRMED : CA_REVIEW_DISMISSED;
    const ca_incident *in = ca_penalties_incident(p, id);
    if (!in)
        in = ca_penalties_incident_of(p, id);
    if (!in) {
        fprintf(stderr, "chataudit: %s: %s: no finding or incident with this id in the ledger "
                        "(see penalties.csv or 'chataudit ledger show PERSON'); the ids of "
                        "group.* and member.* findings in findings.csv are not in the ledger: "
                        "they carry no penalty and are not reviewed\n",
                x->path, id);
        ca_penalties_free(p);
        return EXIT_USAGE;
    }
    int whole = id[0] == 'I' && strcmp(in->id, id) == 0;
    for (size_t k = 0; k < in->n && rc == EXIT_OK; k++) {
        const ca_lfinding *f = &p->findings[in->first + k];
        if ((whole || strcmp(f->id, id) == 0) && ca_ledger_add_review(x->l, f->id, d, a->reason, in->sanction) < 0)
            rc = EXIT_INTERNAL;
    }
    char incident[18], person[256];
    snprintf(incident, sizeof incident, "%s", in->id);
    snprintf(person, sizeof person, "%s", in->person_id);
    term_safe(person);
    ca_penalties_free(p);
    if (rc == EXIT_OK)
        rc = finish_change(x, "review", NULL, id);
    if (rc == EXIT_OK) {
        ca_penalties *q = ca_ledger_recompute(x->l, &x->cfg.policy, NULL, 0);
        const ca_incident *now = q ? ca_penalties_incident(q, incident) : NULL;
        if (now && now->status == CA_INC_DISMISSED)
            fprintf(stderr, "chataudit: %s dismissed: incident %s of %s no longer counts; the "
                            "later offences of %s are renumbered\n", id, incident, person, person);
        else if (now)
            fprintf(stderr, "chataudit: %s %s: incident %s of %s is %s (offence %d: %s)\n", id,
                    d == CA_REVIEW_CONFIRMED ? "confirmed" : "dismissed", incident, person,
                    ca_incident_status_name(now->status), now->offence_no, or_dash(now->sanction));
        ca_penalties_free(q);
    }
    return rc;
}

static int cmd_adjust(ledger_ctx *x, const ledger_args *a, const char *who)
{
    const ca_policy *pol = &x->cfg.policy;
    if (!a->have_points || !a->reason || !*a->reason) {
        fputs("chataudit: ledger adjust: expected --points N and --reason TEXT\n", stderr);
        return EXIT_USAGE;
    }
    if (a->points < pol->adjust_min_points || a->points > pol->adjust_max_points) {
        fprintf(stderr, "chataudit: ledger adjust: --points: expected %d to %d ([penalty] "
                        "adjust_min_points, adjust_max_points), found %d\n",
                pol->adjust_min_points, pol->adjust_max_points, a->points);
        return EXIT_USAGE;
    }
    int rc = begin(x);
    if (rc != EXIT_OK)
        return rc;
    ca_penalties *p = ca_ledger_recompute(x->l, pol, NULL, 0);
    if (!p)
        return EXIT_INTERNAL;
    int ambiguous;
    const char *id = find_person(p, who, &ambiguous);
    const ca_incident *target = NULL;
    int below = 0; /* reply incidents that carry no points (below reply_min_level) */
    for (size_t i = 0; id && i < p->n_incidents; i++) {
        const ca_incident *in = &p->incidents[i];
        if (strcmp(in->person_id, id) != 0 || strcmp(in->pclass, "reply") != 0 ||
            in->status == CA_INC_DISMISSED || (a->incident && strcmp(in->id, a->incident) != 0))
            continue;
        if (!ca_level_at_least(p->findings[in->first + in->n - 1].level, pol->reply_min_level)) {
            below++;
            continue;
        }
        target = in; /* numbering order: the last one is the latest */
    }
    if (!target) {
        char why[256];
        snprintf(why, sizeof why,
                 "the reply incident carries no points: policy 5.2 item 2.3.1 deducts points "
                 "(and the executive office's 2-5 more) from manager level up ([penalty] "
                 "reply_min_level = %s)", pol->reply_min_level ? pol->reply_min_level : "manager");
        fprintf(stderr, "chataudit: %s: %s: %s\n", x->path, who,
                !id ? (ambiguous ? "several people have this name; give the employee id"
                                 : "no finding of this person in the ledger")
                : below ? why
                : a->incident ? "no such reply incident of this person"
                              : "no reply incident of this person; adjustments add to a reply "
                                "incident (policy 5.2, item 2.3.1)");
        ca_penalties_free(p);
        return EXIT_USAGE;
    }
    if (ca_ledger_add_adjustment(x->l, target->id, id, a->points, a->reason) < 0)
        rc = EXIT_INTERNAL;
    char note[64];
    snprintf(note, sizeof note, "%s %+d", target->id, a->points);
    char period[16];
    snprintf(period, sizeof period, "%s", target->period);
    fprintf(stderr, "chataudit: %s: %+d points on reply incident %s (%s)\n", id, a->points,
            target->id, period);
    ca_penalties_free(p);
    return rc == EXIT_OK ? finish_change(x, "adjust", period, note) : rc;
}

static int cmd_undo(ledger_ctx *x, const char *period)
{
    int rc = begin(x);
    if (rc != EXIT_OK)
        return rc;
    int d = ca_ledger_delete_period(x->l, period);
    if (d < 0)
        return EXIT_INTERNAL;
    if (d == 1) {
        fprintf(stderr, "chataudit: %s: %s: no such period in the ledger ('chataudit ledger "
                        "list' shows them)\n", x->path, period);
        return EXIT_USAGE;
    }
    rc = finish_change(x, "undo", period, NULL);
    if (rc == EXIT_OK)
        fprintf(stderr, "chataudit: %s: period %s removed; later periods renumbered\n", x->path,
                period);
    return rc;
}

/* ---------------------------------------------------------------- main */

static const struct {
    const char *name;
    int args;           /* positional arguments after the command */
    int writing;
} commands[] = {{"list", 0, 0}, {"show", 1, 0}, {"review", 1, 1}, {"adjust", 1, 1}, {"undo", 1, 1}};

int ca_ledger_main(int argc, char **argv)
{
    ledger_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc < 0)
        return EXIT_OK; /* --help */
    if (rc != EXIT_OK)
        return rc;
    if (a.n_rest < 1) {
        fputs("chataudit: ledger: expected a command: list, show, review, adjust or undo\n",
              stderr);
        ledger_usage(stderr);
        return EXIT_USAGE;
    }
    size_t c = 0;
    while (c < CA_ARRAY_LEN(commands) && strcmp(commands[c].name, a.rest[0]) != 0)
        c++;
    if (c == CA_ARRAY_LEN(commands)) {
        fprintf(stderr, "chataudit: ledger: unknown command \"%s\"; expected list, show, "
                        "review, adjust or undo\n", a.rest[0]);
        return EXIT_USAGE;
    }
    if (a.n_rest - 1 != commands[c].args) {
        fprintf(stderr, "chataudit: ledger %s: expected %d argument%s, found %d\n",
                commands[c].name, commands[c].args, commands[c].args == 1 ? "" : "s",
                a.n_rest - 1);
        return EXIT_USAGE;
    }
    ledger_ctx x;
    rc = ctx_open(&x, &a, commands[c].writing);
    if (rc == EXIT_OK) {
        const char *arg = a.n_rest > 1 ? a.rest[1] : NULL;
        switch (c) {
        case 0: rc = cmd_list(&x); break;
        case 1: rc = cmd_show(&x, arg); break;
        case 2: rc = cmd_review(&x, &a, arg); break;
        case 3: rc = cmd_adjust(&x, &a, arg); break;
        default: rc = cmd_undo(&x, arg); break;
        }
    }
    ctx_free(&x);
    return rc;
}
