/*
 * main.c — the chataudit command line.  The only place that exits.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "walk.h"
#include "charset.h"
#include "config.h"
#include "diag.h"
#include "format.h"
#include "importer.h"
#include "ledger.h"
#include "outfile.h"
#include "run.h"
#include "verify.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_INPUT = 2, EXIT_INTERNAL = 3, EXIT_PARTIAL = 4 };

static void usage(FILE *f)
{
    fputs("usage: chataudit COMMAND [OPTIONS] ...\n"
          "\n"
          "commands:\n"
          "  run      [-c CONFIG] [--period YYYY-MM] [-o OUTDIR] [-j N] [--ledger FILE | --no-ledger]\n"
          "           [--email FILE.eml] [--screenshot FILE]... [--events] [--quiet] INPUT...\n"
          "           audit a month of exports: findings.csv, compliance.html, latency.csv,\n"
          "           latency.html, penalties.csv, penalties.html, index.html; record the\n"
          "           month in the ledger\n"
          "  import   [-c CONFIG] [--format NAME] [-o EVENTS.ndjson] [--summary FILE] INPUT...\n"
          "           read exports (files, folders, archives) and write the normalized\n"
          "           events as NDJSON, with an import summary\n"
          "  verify   [-c CONFIG] [--format text|json|html] [-o FILE] SCREENSHOT.txt INPUT...\n"
          "           check a screenshot's text against the logs: faithful, altered,\n"
          "           fabricated, selective or not found, line by line\n"
          "  check    [-c CONFIG] [--print]\n"
          "           validate the configuration: policy.ini, roster, groups, holidays;\n"
          "           every problem listed at once as FILE:LINE: message\n"
          "  ledger   [-c CONFIG] [--ledger FILE] list | show PERSON\n"
          "           | review FINDING --confirm|--dismiss --reason TEXT\n"
          "           | adjust PERSON --points N --reason TEXT | undo PERIOD\n"
          "           the penalty ledger: offences across months, reviews, adjustments\n"
          "  formats  list the input formats chataudit recognises\n"
          "\n"
          "Run 'chataudit COMMAND --help' for a command's options.\n",
          f);
}

static void import_usage(FILE *f)
{
    fputs("usage: chataudit import [-c CONFIG] [--format NAME] [-o EVENTS.ndjson]\n"
          "                        [--summary FILE] [--quiet] INPUT...\n"
          "\n"
          "  -c CONFIG        configuration folder holding policy.ini (default ./config;\n"
          "                   used for the time zone and groups.csv)\n"
          "  --format NAME    parse every entry as NAME instead of detecting it\n"
          "                   (see 'chataudit formats')\n"
          "  -o FILE          write the events there (default: standard output)\n"
          "  --summary FILE   write the import summary there (default: standard error)\n"
          "  --quiet          no summary on standard error\n"
          "\n"
          "INPUT is a file, a folder (walked recursively) or an archive (zip, tar,\n"
          "tar.gz, tar.xz, 7z, gz), archives nested in archives included.\n"
          "Exit status: 0 success, 1 bad usage or configuration, 2 no input could be\n"
          "read, 3 internal error, 4 parts of the input were unreadable.\n",
          f);
}

static int cmd_formats(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs("usage: chataudit formats\nLists the input formats chataudit recognises.\n",
              stdout);
        return EXIT_OK;
    }
    printf("%-22s %-9s %s\n", "FORMAT", "PLATFORM", "DESCRIPTION");
    for (size_t i = 0; i < ca_n_formats; i++)
        printf("%-22s %-9s %s\n", ca_formats[i]->name, ca_formats[i]->platform,
               ca_formats[i]->description);
    return EXIT_OK;
}

/* Writes through a temporary name and renames, so a crash never leaves a
 * half-written file under the real name. */
static int write_events(ca_import *imp, const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return ca_import_write_ndjson(imp, stdout);
    if (strcmp(path, "/dev/null") == 0) { /* no temporary file beside it */
        FILE *f = fopen(path, "w");
        int r = f ? ca_import_write_ndjson(imp, f) : -1;
        if (f)
            fclose(f);
        return r;
    }
    char *tmp;
    FILE *f = ca_outfile_open(path, &tmp);
    if (!f)
        return -1;
    if (ca_import_write_ndjson(imp, f) != 0)
        return ca_outfile_fail(f, tmp, path, errno ? errno : EIO);
    return ca_outfile_commit(f, tmp, path);
}

static int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'}, {"summary", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *config = NULL, *format = NULL, *out = NULL, *summary = NULL;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 's': summary = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': import_usage(stdout); return EXIT_OK;
        default: import_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs("chataudit: import: expected at least one INPUT (file, folder or archive)\n",
              stderr);
        import_usage(stderr);
        return EXIT_USAGE;
    }
    const ca_format *force = NULL;
    if (format && !(force = ca_format_by_name(format))) {
        fprintf(stderr, "chataudit: --format: unknown format \"%s\"; 'chataudit formats' lists them\n",
                format);
        return EXIT_USAGE;
    }
    ca_diag *diag = ca_diag_new(0);
    ca_config cfg;
    ca_config_defaults(&cfg);
    if (!diag)
        return EXIT_INTERNAL;
    if (ca_config_load(&cfg, config ? config : "config", config != NULL, diag) != CA_OK) {
        ca_diag_print(diag, stderr, CA_DIAG_WARN);
        ca_config_free(&cfg);
        ca_diag_free(diag);
        return EXIT_USAGE;
    }
    ca_limits lim;
    ca_limits_default(&lim);
    ca_import *imp = ca_import_new(&cfg, &lim, force, diag);
    int rc = EXIT_OK, unreadable = 0, readable = 0;
    if (!imp)
        rc = EXIT_INTERNAL;
    for (int i = optind; rc == EXIT_OK && i < argc; i++) {
        ca_status st = ca_import_input(imp, argv[i]);
        if (st == CA_FATAL && ca_diag_count(diag, CA_DIAG_ERROR) == 0)
            rc = EXIT_INTERNAL;
        else if (st == CA_FATAL)
            unreadable++;
        else
            readable++;
    }
    if (rc == EXIT_OK && ca_import_finish(imp) != CA_OK)
        rc = EXIT_INTERNAL;
    if (rc == EXIT_OK && write_events(imp, out) != 0)
        rc = EXIT_INTERNAL;
    ca_diag_print(diag, stderr, CA_DIAG_WARN);
    if (imp && rc == EXIT_OK) {
        if (summary) {
            FILE *f = fopen(summary, "w");
            if (!f) {
                fprintf(stderr, "chataudit: %s: cannot write: %s\n", summary, strerror(errno));
                rc = EXIT_INTERNAL;
            } else {
                ca_import_write_summary(imp, f);
                fclose(f);
            }
        } else if (!quiet) {
            ca_import_write_summary(imp, stderr);
        }
    }
    if (rc == EXIT_OK) {
        if (readable == 0)
            rc = EXIT_INPUT;
        else if (unreadable || ca_diag_count(diag, CA_DIAG_ERROR))
            rc = EXIT_PARTIAL;
    }
    ca_import_free(imp);
    ca_config_free(&cfg);
    ca_diag_free(diag);
    return rc;
}

static void verify_usage(FILE *f)
{
    fputs("usage: chataudit verify [-c CONFIG] [--format text|json|html] [-o FILE] [--quiet]\n"
          "                        SCREENSHOT.txt INPUT...\n"
          "\n"
          "Finds the conversation a screenshot shows in the logs (INPUT: files, folders,\n"
          "archives, as for 'chataudit import') and says whether the screenshot is\n"
          "faithful, altered, fabricated, selective (messages left out, or context\n"
          "that changes the meaning cropped) or not found, line by line.\n"
          "\n"
          "SCREENSHOT.txt is the screenshot's text as typed or OCR'd (UTF-8): one chat\n"
          "bubble per line or per block, \"名字：内容\" or a name line then content\n"
          "lines, phone time lines (14:05, 昨天 14:05, 星期二 09:12,\n"
          "2026年11月3日 下午2:05), and optional header lines:\n"
          "  group: 销售部群      the group the screenshot is said to come from\n"
          "  accused: E4001      who is said to have made or posted it\n"
          "  date: 2026-11-03    the day it was taken (昨天, weekday names resolve to it)\n"
          "\n"
          "  -c CONFIG        configuration folder (default ./config): time zone, roster\n"
          "  --format FORMAT  text (default), json or html (a side-by-side page)\n"
          "  -o FILE          write the result there (default: standard output)\n"
          "  --quiet          no summary line on standard error\n"
          "\n"
          "Exit status: 0 the screenshot was verified (whatever the verdict), 1 bad usage\n"
          "or configuration, 2 the screenshot or no input could be read, 3 internal error.\n",
          f);
}

static double seconds_of(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_text_file(const char *path, const char *data, size_t len)
{
    if (!path || strcmp(path, "-") == 0)
        return fwrite(data, 1, len, stdout) == len ? 0 : -1;
    char *tmp;
    FILE *f = ca_outfile_open(path, &tmp);
    if (!f)
        return -1;
    if (fwrite(data, 1, len, f) != len)
        return ca_outfile_fail(f, tmp, path, errno ? errno : EIO);
    return ca_outfile_commit(f, tmp, path);
}

static int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'}, {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    const char *config = NULL, *format = "text", *out = NULL;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': verify_usage(stdout); return EXIT_OK;
        default: verify_usage(stderr); return EXIT_USAGE;
        }
    }
    static const struct {
        const char *name;
        int (*write)(ca_buf *, const ca_vresult *, const ca_import *, int);
    } formats[] = {{"text", ca_vresult_text}, {"json", ca_vresult_json}, {"html", ca_vresult_html}};
    size_t fi;
    for (fi = 0; fi < CA_ARRAY_LEN(formats) && strcmp(formats[fi].name, format) != 0; fi++)
        ;
    if (fi == CA_ARRAY_LEN(formats)) {
        fprintf(stderr, "chataudit: --format: expected text, json or html, found \"%s\"\n", format);
        return EXIT_USAGE;
    }
    if (argc - optind < 2) {
        fputs(optind >= argc ? "chataudit: verify: expected SCREENSHOT.txt and at least one INPUT\n"
                             : "chataudit: verify: expected at least one INPUT (file, folder or archive) "
                               "after the screenshot\n",
              stderr);
        verify_usage(stderr);
        return EXIT_USAGE;
    }
    const char *shot_path = argv[optind];
    size_t shot_len = 0;
    char *shot = ca_read_text(shot_path, &shot_len);
    if (!shot) {
        fprintf(stderr, "chataudit: %s: cannot read the screenshot: %s\n", shot_path, strerror(errno));
        return errno == ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
    }
    ca_diag *diag = ca_diag_new(0);
    ca_config cfg;
    ca_config_defaults(&cfg);
    if (!diag) {
        ca_free(shot);
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    ca_import *imp = NULL;
    ca_verify *v = NULL;
    ca_vresult *res = NULL;
    ca_buf b = CA_BUF_INIT;
    if (ca_config_load(&cfg, config ? config : "config", config != NULL, diag) != CA_OK) {
        ca_diag_print(diag, stderr, CA_DIAG_WARN);
        rc = EXIT_USAGE;
        goto out;
    }
    ca_limits lim;
    ca_limits_default(&lim);
    imp = ca_import_new(&cfg, &lim, NULL, diag);
    if (!imp) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    int readable = 0;
    for (int i = optind + 1; i < argc; i++) {
        ca_status st = ca_import_input(imp, argv[i]);
        if (st == CA_FATAL && ca_diag_count(diag, CA_DIAG_ERROR) == 0) {
            rc = EXIT_INTERNAL;
            goto out;
        }
        readable += st != CA_FATAL;
    }
    if (ca_import_finish(imp) != CA_OK) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    ca_diag_print(diag, stderr, CA_DIAG_WARN);
    if (!readable) {
        fprintf(stderr, "chataudit: no input could be read\n");
        rc = EXIT_INPUT;
        goto out;
    }
    /* wall and CPU time (all threads) of the index and the search: the
     * machine may be shared */
    double t0 = seconds_of(CLOCK_MONOTONIC), c0 = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    v = ca_verify_new(&cfg, imp);
    double t1 = seconds_of(CLOCK_MONOTONIC), c1 = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    const char *err = NULL;
    ca_status st = v ? ca_verify_screenshot(v, shot_path, shot, shot_len, &res, &err) : CA_FATAL;
    double t2 = seconds_of(CLOCK_MONOTONIC), c2 = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    if (st == CA_FAILED) {
        fprintf(stderr, "chataudit: %s: %s\n", shot_path, err);
        rc = EXIT_INPUT;
        goto out;
    }
    if (st != CA_OK || formats[fi].write(&b, res, imp, cfg.tz_offset_min) != 0) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (write_text_file(out, b.data ? b.data : "", b.len) != 0) {
        rc = EXIT_INTERNAL;
        goto out;
    }
    if (!quiet)
        fprintf(stderr, "chataudit: %s: %s; %zu events searched, index %.3f s, search %.3f s "
                        "(CPU %.3f s + %.3f s)\n", shot_path, ca_verdict_name(res->verdict),
                ca_import_count(imp), t1 - t0, t2 - t1, c1 - c0, c2 - c1);
out:
    ca_buf_free(&b);
    ca_vresult_free(res);
    ca_verify_free(v);
    ca_import_free(imp);
    ca_config_free(&cfg);
    ca_diag_free(diag);
    ca_free(shot);
    return rc;
}

static void run_usage(FILE *f)
{
    fputs("usage: chataudit run [-c CONFIG] [--period YYYY-MM] [-o OUTDIR] [-j N]\n"
          "                     [--ledger FILE | --no-ledger] [--email FILE.eml]\n"
          "                     [--screenshot FILE]... [--events] [--quiet] INPUT...\n"
          "\n"
          "  -c CONFIG          configuration folder holding policy.ini (default ./config)\n"
          "  --period YYYY-MM   the month audited (default: the month with most messages);\n"
          "                     events outside it are context only\n"
          "  -o OUTDIR          where the reports go (default reports/YYYY-MM)\n"
          "  -j N               worker threads (default: online CPUs); output is identical\n"
          "                     for every N\n"
          "  --ledger FILE      the penalty ledger (default: [files] ledger of policy.ini,\n"
          "                     ledger.db in the configuration folder)\n"
          "  --no-ledger        dry run: offences counted within this month only, nothing\n"
          "                     recorded\n"
          "  --email FILE.eml   also write a MIME message (index.html as its body, the CSVs\n"
          "                     and full reports attached) for 'sendmail -t < FILE.eml'\n"
          "  --screenshot FILE  verify a screenshot's text against the logs (as 'chataudit\n"
          "                     verify' does; repeatable): verify-NAME.html and .json in\n"
          "                     OUTDIR, and a redline.tamper finding against its accused:\n"
          "                     person when it is altered, fabricated or selective\n"
          "  --events           also write the normalized events (events.ndjson)\n"
          "  --quiet            no summary line\n"
          "\n"
          "Writes findings.csv, compliance.html, latency.csv, latency.html, penalties.csv,\n"
          "penalties.html and index.html, after recording the month in the ledger (and\n"
          "verify-NAME.html/.json per screenshot).  Exit status: 0 success\n"
          "(findings are not errors), 1 bad usage or configuration, 2 no input could be\n"
          "read, 3 internal error, 4 parts of the input were unreadable.\n",
          f);
}

static int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"period", required_argument, NULL, 'p'},
        {"output", required_argument, NULL, 'o'}, {"jobs", required_argument, NULL, 'j'},
        {"events", no_argument, NULL, 'e'},       {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {"ledger", required_argument, NULL, 'L'},
        {"no-ledger", no_argument, NULL, 'N'},    {"email", required_argument, NULL, 'M'},
        {"screenshot", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0}};
    ca_run_opts o;
    memset(&o, 0, sizeof o);
    const char *shots[64];
    o.screenshots = shots;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:o:j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o.config = optarg; break;
        case 'p': o.period = optarg; break;
        case 'o': o.outdir = optarg; break;
        case 'j': {
            char *end;
            long j = strtol(optarg, &end, 10);
            if (*end || j < 1 || j > 64) {
                fprintf(stderr, "chataudit: -j: expected a number from 1 to 64, found \"%s\"\n", optarg);
                return EXIT_USAGE;
            }
            o.jobs = (int)j;
            break;
        }
        case 'e': o.events = 1; break;
        case 'q': o.quiet = 1; break;
        case 'L': o.ledger = optarg; break;
        case 'N': o.no_ledger = 1; break;
        case 'M': o.email = optarg; break;
        case 's': shots[o.n_screenshots < 64 ? o.n_screenshots++ : 63] = optarg; break;
        case 'h': run_usage(stdout); return EXIT_OK;
        default: run_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fputs("chataudit: run: expected at least one INPUT (file, folder or archive)\n", stderr);
        run_usage(stderr);
        return EXIT_USAGE;
    }
    if (o.ledger && o.no_ledger) {
        fputs("chataudit: run: --ledger and --no-ledger exclude each other\n", stderr);
        return EXIT_USAGE;
    }
    if (o.n_screenshots == 64) {
        fputs("chataudit: --screenshot: at most 63 screenshots in one run\n", stderr);
        return EXIT_USAGE;
    }
    o.inputs = argv + optind;
    o.n_inputs = (size_t)(argc - optind);
    return ca_run(&o);
}

static int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"print", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *config = "config";
    int print = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'p': print = 1; break;
        case 'h':
            fputs("usage: chataudit check [-c CONFIG] [--print]\n"
                  "Validates the configuration folder (policy.ini, roster.csv, groups.csv,\n"
                  "holidays.csv, lexicon files) and lists every problem as FILE:LINE: message.\n"
                  "--print also writes every policy key with its effective value.\n"
                  "Exit status 0 when there is no error (warnings allowed), 1 otherwise.\n",
                  stdout);
            return EXIT_OK;
        default:
            fputs("usage: chataudit check [-c CONFIG] [--print]\n", stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "chataudit: check: unexpected argument \"%s\"\n", argv[optind]);
        return EXIT_USAGE;
    }
    ca_diag *diag = ca_diag_new(1000);
    ca_config cfg;
    ca_config_defaults(&cfg);
    if (!diag)
        return EXIT_INTERNAL;
    ca_status st = ca_config_load(&cfg, config, CA_CONFIG_MUST_EXIST | CA_CONFIG_REQUIRE_FILES,
                                  diag);
    if (st != CA_FATAL && cfg.dir)
        ca_config_check(&cfg, diag);
    ca_diag_print(diag, stderr, CA_DIAG_WARN);
    size_t errors = ca_diag_count(diag, CA_DIAG_ERROR), warnings = ca_diag_count(diag, CA_DIAG_WARN);
    if (print && st != CA_FATAL)
        ca_policy_print(&cfg.policy, stdout);
    if (st == CA_FATAL)
        fprintf(stderr, "chataudit: %s: out of memory while loading the configuration\n", config);
    else
        fprintf(stderr, "chataudit: %s: %zu error%s, %zu warning%s; %zu employees, %zu groups, %zu holiday dates\n",
                config, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
                ca_roster_count(cfg.roster), cfg.n_groups, cfg.n_holidays);
    ca_config_free(&cfg);
    ca_diag_free(diag);
    return st == CA_FATAL ? EXIT_INTERNAL : errors ? EXIT_USAGE : EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("chataudit %s\n", CA_VERSION);
        return EXIT_OK;
    }
    /* getopt starts its messages with argv[0] ("unrecognized option"): the
     * subcommand's argv[0] becomes "chataudit: CMD" (SPEC §2) */
    char prog[64];
    snprintf(prog, sizeof prog, "chataudit: %.40s", cmd);
    argv[1] = prog;
    if (strcmp(cmd, "import") == 0)
        return cmd_import(argc - 1, argv + 1);
    if (strcmp(cmd, "formats") == 0)
        return cmd_formats(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "ledger") == 0)
        return ca_ledger_main(argc - 1, argv + 1);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc - 1, argv + 1);
    fprintf(stderr, "chataudit: unknown command \"%s\"\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
