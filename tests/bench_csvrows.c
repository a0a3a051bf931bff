/*
 * bench_csvrows.c — how fast the CSV reader (analyzer/csvrows.c) reads a
 * file, next to libcsv's own parser with callbacks that do nothing (the
 * floor of any reader built on libcsv), in the same run:
 *
 *   bench_csvrows FILE [ROUNDS]      (default 3 rounds, interleaved)
 *
 * Prints, per round and as the best of all, seconds and MB/s of each.  For
 * the benchmark corpus: unzip -p build/bench/corpus-1000000.zip > all.csv.
 */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "csvrows.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void no_field(void *s, size_t len, void *ud)
{
    (void)s;
    (void)len;
    ++*(long *)ud;
}

static void no_row(int c, void *ud)
{
    (void)c;
    (void)ud;
}

/* libcsv over the whole text, CSV_STRICT as the reader's dialect; the
 * fields seen, or -1. */
static long run_libcsv(const char *text, size_t len)
{
    struct csv_parser p;
    long fields = 0;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL) != 0)
        return -1;
    csv_parse(&p, text, len, no_field, no_row, &fields);
    csv_fini(&p, no_field, no_row, &fields);
    csv_free(&p);
    return fields;
}

/* The reader over the whole text; the fields of its records, or -1. */
static long run_reader(const char *text, size_t len)
{
    ca_csv *c = ca_csv_open(text, len, (size_t)1 << 20);
    if (!c)
        return -1;
    char **f;
    size_t *fl, nf;
    long line, fields = 0;
    ca_status st;
    while ((st = ca_csv_next(c, &f, &fl, &nf, &line)) != CA_EOF && st != CA_FATAL)
        if (st == CA_OK)
            fields += (long)nf;
    ca_csv_close(c);
    return st == CA_FATAL ? -1 : fields;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_csvrows FILE [ROUNDS]\n");
        return 1;
    }
    int rounds = argc == 3 ? atoi(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *text = n > 0 ? malloc((size_t)n) : NULL;
    if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "bench_csvrows: %s: cannot read\n", argv[1]);
        return 1;
    }
    fclose(f);
    double best[2] = {1e9, 1e9};
    long fields[2] = {0, 0};
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
            double t0 = now();
            fields[k] = k == 0 ? run_libcsv(text, (size_t)n) : run_reader(text, (size_t)n);
            double t = now() - t0;
            if (t < best[k])
                best[k] = t;
            printf("round %d  %-28s %7.3f s %7.0f MB/s  %ld fields\n", r + 1,
                   k == 0 ? "libcsv, callbacks do nothing" : "csvrows, records assembled", t,
                   (double)n / 1e6 / t, fields[k]);
        }
    }
    printf("best     %-28s %7.3f s %7.0f MB/s\n", "libcsv, callbacks do nothing", best[0],
           (double)n / 1e6 / best[0]);
    printf("best     %-28s %7.3f s %7.0f MB/s\n", "csvrows, records assembled", best[1],
           (double)n / 1e6 / best[1]);
    free(text);
    return fields[0] < 0 || fields[1] < 0;
}
