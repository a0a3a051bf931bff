/*
 * eval_lexicon — measures the content rules of chataudit on a labelled CSV.
 *
 *   eval_lexicon -c CONFIG --rule RULE --csv FILE --text-col NAME
 *                --label-col NAME --positive VALUE [--show-errors N]
 *
 * Every text of FILE runs through the real rules (ca_evaluator_run, as one
 * text message of an ordinary group, with CONFIG's policy.ini and
 * lexicons); a row counts as predicted positive when RULE fired, and as
 * labelled positive when its label column equals VALUE.  Prints the
 * confusion counts, precision, recall, F1 and the false-positive rate on
 * the negatives.  RULE may be a comma list of rule ids, and an id ending in
 * '*' is a prefix ("redline.*": any red line).
 *
 * --show-errors N prints up to N false positives and N false negatives,
 * each false positive with the terms of the rule's lexicon that occur in
 * its normalized text ("allowed" when an allow term covers the hit): for
 * curating lexicons.  The texts are the evaluation set's: never commit them.
 *
 * Exit status: 0 measured, 1 the CSV or the configuration could not be
 * used, 2 bad arguments.  Not a ctest test itself (it needs a data set);
 * tests/data/eval/ holds the small synthetic set that ctest runs it on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"
#include "charset.h"
#include "config.h"
#include "csvrows.h"
#include "lexicon.h"
#include "normalize.h"
#include "run.h"

#define MAX_RULES 32

typedef struct opts {
    const char *config, *rule, *csv, *text_col, *label_col, *positive;
    long show_errors;
} opts;

static void usage(FILE *f)
{
    fputs("usage: eval_lexicon -c CONFIG --rule RULE --csv FILE --text-col NAME\n"
          "                    --label-col NAME --positive VALUE [--show-errors N]\n"
          "  RULE: a rule id (redline.abuse, content.ad ...), a comma list of ids,\n"
          "        or a prefix ending in '*' (redline.*)\n",
          f);
}

/* Fills o from the command line: 0, 1 for --help, -1 on a bad argument
 * (the message is on stderr). */
static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
            return 1;
        if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0)
            slot = &o->config;
        else if (strcmp(a, "--rule") == 0)
            slot = &o->rule;
        else if (strcmp(a, "--csv") == 0)
            slot = &o->csv;
        else if (strcmp(a, "--text-col") == 0)
            slot = &o->text_col;
        else if (strcmp(a, "--label-col") == 0)
            slot = &o->label_col;
        else if (strcmp(a, "--positive") == 0)
            slot = &o->positive;
        else if (strcmp(a, "--show-errors") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "eval_lexicon: %s needs a value\n", a);
                return -1;
            }
            char *end;
            errno = 0;
            o->show_errors = strtol(argv[++i], &end, 10);
            if (errno || *end || o->show_errors < 0) {
                fprintf(stderr, "eval_lexicon: --show-errors: not a count: %s\n", argv[i]);
                return -1;
            }
            continue;
        } else {
            fprintf(stderr, "eval_lexicon: unknown argument: %s\n", a);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "eval_lexicon: %s needs a value\n", a);
            return -1;
        }
        *slot = argv[++i];
    }
    if (!o->config || !o->rule || !o->csv || !o->text_col || !o->label_col || !o->positive) {
        fputs("eval_lexicon: -c, --rule, --csv, --text-col, --label-col and --positive are required\n",
              stderr);
        return -1;
    }
    return 0;
}

/* Whether rule id matches one entry of the comma list spec (an entry
 * ending in '*' matches by prefix). */
static int rule_selected(const char *spec, const char *id)
{
    size_t idl = strlen(id);
    for (const char *p = spec; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        while (n && p[0] == ' ') {
            p++;
            n--;
        }
        while (n && p[n - 1] == ' ')
            n--;
        if (n && p[n - 1] == '*') {
            if (idl >= n - 1 && strncmp(id, p, n - 1) == 0)
                return 1;
        } else if (n && n == idl && strncmp(id, p, n) == 0) {
            return 1;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* Reads the whole file; NULL with errno on failure. */
static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ca_buf b = CA_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        ca_buf_put(&b, chunk, n);
    int err = ferror(f);
    fclose(f);
    if (err || b.oom) {
        ca_buf_free(&b);
        errno = err ? EIO : ENOMEM;
        return NULL;
    }
    *len = b.len;
    return (unsigned char *)ca_buf_detach(&b);
}

/* Leading and trailing ASCII blanks off s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
    while (*n && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) {
        s++;
        (*n)--;
    }
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r' || s[*n - 1] == '\n'))
        (*n)--;
    return s;
}

static int field_is(const char *s, size_t n, const char *want)
{
    s = trim(s, &n);
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 0.0; }

/* ------------------------------------------------------------ explaining */

/* The lexicons of the selected rules, loaded as a run loads them, so a
 * shown false positive can say which terms hit.  Only for --show-errors. */
typedef struct explainer {
    ca_lexicon *lex[CA_LEX__COUNT];
    ca_match_scratch *allow_scratch;
    ca_norm norm;
} explainer;

static const char *const lex_rule_ids[CA_LEX__COUNT] = {
    "redline.politics", "redline.religion", "redline.porn", "redline.violence",
    "redline.abuse",    "content.ad",       "content.offtopic", NULL, NULL};

static int normalize_term(void *ud, const char *s, size_t n, ca_buf *out)
{
    ca_norm *nm = ud;
    if (ca_normalize(s, n, CA_NORM_STRIP, nm) < 0)
        return -1;
    ca_buf_reset(out);
    return ca_buf_put(out, nm->text, nm->len);
}

static void explainer_init(explainer *x, const char *config_dir, const char *rule_spec)
{
    memset(x, 0, sizeof *x);
    ca_norm_init(&x->norm);
    ca_config cfg;
    ca_config_defaults(&cfg);
    ca_diag *diag = ca_diag_new(0);
    if (!diag || ca_config_load(&cfg, config_dir, 1, diag) != CA_OK) {
        ca_config_free(&cfg);
        ca_diag_free(diag);
        return;
    }
    for (int k = 0; k < CA_LEX__COUNT; k++) {
        int want = k == CA_LEX_ALLOW || (lex_rule_ids[k] && rule_selected(rule_spec, lex_rule_ids[k]));
        const char *p = cfg.policy.lexicon[k];
        if (!want || !p || !*p)
            continue;
        ca_buf full = CA_BUF_INIT;
        if (p[0] == '/')
            ca_buf_puts(&full, p);
        else
            ca_buf_printf(&full, "%s/%s", cfg.dir ? cfg.dir : ".", p);
        ca_norm nm;
        ca_norm_init(&nm);
        x->lex[k] = ca_lexicon_new();
        if (x->lex[k] && !full.oom &&
            ca_lexicon_load(x->lex[k], ca_buf_cstr(&full), normalize_term, &nm, diag) != CA_FATAL)
            ca_lexicon_build(x->lex[k]);
        ca_norm_free(&nm);
        ca_buf_free(&full);
    }
    if (x->lex[CA_LEX_ALLOW])
        x->allow_scratch = ca_match_scratch_new(ca_lexicon_matcher(x->lex[CA_LEX_ALLOW]));
    ca_config_free(&cfg);
    ca_diag_free(diag);
}

static void explainer_free(explainer *x)
{
    ca_match_scratch_free(x->allow_scratch);
    for (int k = 0; k < CA_LEX__COUNT; k++)
        ca_lexicon_free(x->lex[k]);
    ca_norm_free(&x->norm);
}

typedef struct explain_ctx {
    const explainer *x;
    const ca_lexicon *lex;
    FILE *out;
    int shown;
} explain_ctx;

static int on_explain(void *ud, const ca_match *m)
{
    explain_ctx *c = ud;
    if (c->shown >= 8)
        return 1;
    int allowed = ca_lexicon_allowed(c->x->lex[CA_LEX_ALLOW], c->x->allow_scratch, c->x->norm.text,
                                     c->x->norm.len, m->start, m->end);
    const char *term = ca_lexicon_term(c->lex, m->id);
    long line = 0;
    const char *file = ca_lexicon_source(c->lex, m->id, &line);
    const char *base = file ? strrchr(file, '/') : NULL;
    fprintf(c->out, " [%s:%ld \"%s\"%s]", base ? base + 1 : file ? file : "?", line,
            term ? term : "?", allowed ? " allowed" : "");
    c->shown++;
    return 0;
}

static void explain(explainer *x, const char *text, FILE *out)
{
    if (ca_normalize(text, strlen(text), CA_NORM_STRIP, &x->norm) < 0)
        return;
    for (int k = 0; k < CA_LEX__COUNT; k++) {
        if (k == CA_LEX_ALLOW || !x->lex[k])
            continue;
        ca_match_scratch *s = ca_match_scratch_new(ca_lexicon_matcher(x->lex[k]));
        explain_ctx c = {x, x->lex[k], out, 0};
        ca_matcher_scan(ca_lexicon_matcher(x->lex[k]), s, x->norm.text, x->norm.len, on_explain, &c);
        ca_match_scratch_free(s);
    }
}

/* Prints text on one line, newlines as spaces, cut at about 160 bytes on a
 * character boundary. */
static void print_text(FILE *out, const char *t)
{
    size_t n = 0;
    for (const char *p = t; *p && n < 160; p++, n++)
        fputc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p, out);
    const char *rest = t + n;
    while (*rest && ((unsigned char)*rest & 0xC0) == 0x80)
        fputc(*rest++, out);
    if (*rest)
        fputs(" …", out);
}

/* ------------------------------------------------------------ main */

typedef struct shown {
    char **v;
    size_t n;
} shown;

/* Keeps a copy of text in s while s holds fewer than max (a failed
 * allocation only loses the example). */
static void keep(shown *s, long max, const char *text)
{
    if ((long)s->n >= max)
        return;
    char **nv = ca_realloc(s->v, (s->n + 1) * sizeof *nv);
    if (!nv)
        return;
    s->v = nv;
    s->v[s->n] = ca_strdup(text);
    if (s->v[s->n])
        s->n++;
}

int main(int argc, char **argv)
{
    opts o;
    int pa = parse_args(argc, argv, &o);
    if (pa != 0) {
        usage(pa > 0 ? stdout : stderr);
        return pa > 0 ? 0 : 2;
    }
    size_t raw_len = 0;
    unsigned char *raw = read_file(o.csv, &raw_len);
    if (!raw) {
        fprintf(stderr, "eval_lexicon: %s: %s\n", o.csv, strerror(errno));
        return 1;
    }
    ca_text text;
    if (ca_decode(raw, raw_len, &text) != CA_OK) {
        fprintf(stderr, "eval_lexicon: %s: out of memory\n", o.csv);
        ca_free(raw);
        return 1;
    }
    ca_free(raw);
    ca_evaluator *ev = ca_evaluator_new(o.config);
    if (!ev) {
        fprintf(stderr, "eval_lexicon: %s: the configuration cannot be loaded\n", o.config);
        ca_free(text.data);
        return 1;
    }
    ca_csv *csv = ca_csv_open(text.data, text.len, 1 << 20);
    if (!csv) {
        fprintf(stderr, "eval_lexicon: out of memory\n");
        ca_evaluator_free(ev);
        ca_free(text.data);
        return 1;
    }

    int status = 0;
    long text_idx = -1, label_idx = -1;
    size_t tp = 0, fp = 0, fn = 0, tn = 0, bad = 0;
    const char *fired_ids[MAX_RULES];
    size_t fired_count[MAX_RULES];
    size_t n_fired_ids = 0;
    shown fps = {0}, fns = {0};
    char **fields;
    size_t *lens, nf;
    long line;
    ca_status st;
    int header = 1;
    while ((st = ca_csv_next(csv, &fields, &lens, &nf, &line)) != CA_EOF) {
        if (st == CA_FATAL) {
            fprintf(stderr, "eval_lexicon: out of memory\n");
            status = 1;
            break;
        }
        if (st != CA_OK) {
            fprintf(stderr, "eval_lexicon: %s:%ld: %s; row skipped\n", o.csv, line, ca_csv_errmsg(csv));
            bad++;
            continue;
        }
        if (header) {
            for (size_t i = 0; i < nf; i++) {
                if (field_is(fields[i], lens[i], o.text_col))
                    text_idx = (long)i;
                if (field_is(fields[i], lens[i], o.label_col))
                    label_idx = (long)i;
            }
            if (text_idx < 0 || label_idx < 0) {
                fprintf(stderr, "eval_lexicon: %s: no column named \"%s\"\n", o.csv,
                        text_idx < 0 ? o.text_col : o.label_col);
                status = 1;
                break;
            }
            header = 0;
            continue;
        }
        if ((size_t)text_idx >= nf || (size_t)label_idx >= nf) {
            if (nf == 1 && lens[0] == 0)
                continue; /* a blank line */
            fprintf(stderr, "eval_lexicon: %s:%ld: %zu fields; row skipped\n", o.csv, line, nf);
            bad++;
            continue;
        }
        int labelled = field_is(fields[label_idx], lens[label_idx], o.positive);
        const char *rules[MAX_RULES];
        int n = ca_evaluator_run(ev, fields[text_idx], rules, MAX_RULES);
        if (n < 0) {
            fprintf(stderr, "eval_lexicon: out of memory\n");
            status = 1;
            break;
        }
        int predicted = 0;
        for (int r = 0; r < n && r < MAX_RULES; r++) {
            if (!rule_selected(o.rule, rules[r]))
                continue;
            predicted = 1;
            size_t k = 0;
            while (k < n_fired_ids && strcmp(fired_ids[k], rules[r]) != 0)
                k++;
            if (k == n_fired_ids && n_fired_ids < MAX_RULES) {
                fired_ids[n_fired_ids] = rules[r];
                fired_count[n_fired_ids++] = 0;
            }
            if (k < n_fired_ids)
                fired_count[k]++;
        }
        if (predicted && labelled)
            tp++;
        else if (predicted) {
            fp++;
            keep(&fps, o.show_errors, fields[text_idx]);
        } else if (labelled) {
            fn++;
            keep(&fns, o.show_errors, fields[text_idx]);
        } else
            tn++;
    }
    ca_csv_close(csv);
    ca_evaluator_free(ev);
    ca_free(text.data);

    if (status == 0 && header) {
        fprintf(stderr, "eval_lexicon: %s: no header row\n", o.csv);
        status = 1;
    }
    if (status == 0) {
        double p = ratio(tp, tp + fp), r = ratio(tp, tp + fn);
        printf("rule: %s\n", o.rule);
        printf("rows: %zu (positive %zu, negative %zu, skipped %zu)\n", tp + fp + fn + tn, tp + fn,
               fp + tn, bad);
        printf("TP %zu FP %zu FN %zu TN %zu\n", tp, fp, fn, tn);
        printf("precision %.4f\n", p);
        printf("recall %.4f\n", r);
        printf("F1 %.4f\n", p + r > 0 ? 2 * p * r / (p + r) : 0.0);
        printf("FPR %.4f\n", ratio(fp, fp + tn));
        printf("accuracy %.4f\n", ratio(tp + tn, tp + fp + fn + tn));
        for (size_t k = 0; k < n_fired_ids; k++)
            printf("fired %s %zu\n", fired_ids[k], fired_count[k]);
        if (o.show_errors > 0) {
            explainer x;
            explainer_init(&x, o.config, o.rule);
            for (size_t i = 0; i < fps.n; i++) {
                fputs("FP: ", stdout);
                print_text(stdout, fps.v[i]);
                explain(&x, fps.v[i], stdout);
                fputc('\n', stdout);
            }
            for (size_t i = 0; i < fns.n; i++) {
                fputs("FN: ", stdout);
                print_text(stdout, fns.v[i]);
                fputc('\n', stdout);
            }
            explainer_free(&x);
        }
    }
    for (size_t i = 0; i < fps.n; i++)
        ca_free(fps.v[i]);
    for (size_t i = 0; i < fns.n; i++)
        ca_free(fns.v[i]);
    ca_free(fps.v);
    ca_free(fns.v);
    return status;
}
