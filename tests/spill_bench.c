/*
 * spill_bench — the spill store on real parser output: imports the inputs
 * (as `chataudit import` does), cuts the finished events into segments (runs
 * of one entry and one conversation, the streaming import's segments),
 * spills them, and reports the bytes per event, what the copied strings
 * are made of by field, the write throughput, and the read throughput on 1
 * and N threads; with --check every event read back is compared with the
 * original (NDJSON and every field).  A tool, not a test.
 *
 *   spill_bench [-c CONFIG] [-j THREADS] [-d DIR] [-s MAX] [--check] [--cold] INPUT...
 *
 * -s cuts segments of at most MAX events (default: no limit), as an import
 * of many small entries would have them.  --cold reads once more after
 * dropping the spill file's pages from the page cache (fdatasync, then
 * POSIX_FADV_DONTNEED on that file only): reads from the disk.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include "importer.h"
#include "spill.h"
#include "spill_helper.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct bench {
    const ca_event **evs;
    size_t n;
    size_t nseg;
    size_t *first;       /* first[s]: segment s's first event */
    ca_spill_seg *segs;
    ca_spill *sp;
    sh_pcount pc;
    int check;
    _Atomic size_t next; /* the readers' next segment */
    _Atomic size_t bad;
} bench;

static int write_all(bench *b, ca_spill_lasting_fn lasting, void *ud, const char *dir,
                     double *secs)
{
    char err[CA_SPILL_ERRMAX];
    ca_spill_close(b->sp);
    if (!(b->sp = ca_spill_open(dir, err))) {
        fprintf(stderr, "spill_bench: %s\n", err);
        return -1;
    }
    double t0 = now();
    for (size_t s = 0; s < b->nseg; s++)
        if (ca_spill_putv(b->sp, b->evs + b->first[s], b->first[s + 1] - b->first[s], lasting, ud,
                          &b->segs[s]) != CA_OK) {
            fprintf(stderr, "spill_bench: %s\n", ca_spill_errmsg(b->sp));
            return -1;
        }
    if (ca_spill_flush(b->sp) != CA_OK) {
        fprintf(stderr, "spill_bench: %s\n", ca_spill_errmsg(b->sp));
        return -1;
    }
    *secs = now() - t0;
    return 0;
}

static void *reader(void *p)
{
    bench *b = p;
    ca_buf ja = CA_BUF_INIT, jb = CA_BUF_INIT;
    ca_event *out = NULL;
    size_t cap = 0;
    for (size_t s; (s = atomic_fetch_add(&b->next, 1)) < b->nseg;) {
        size_t n = b->first[s + 1] - b->first[s];
        if (n > cap) {
            free(out);
            out = malloc(n * sizeof *out);
            cap = n;
        }
        ca_arena *arena = ca_arena_new((size_t)1 << 20);
        char err[CA_SPILL_ERRMAX];
        if (ca_spill_get(b->sp, &b->segs[s], arena, out, err) != CA_OK) {
            fprintf(stderr, "spill_bench: segment %zu: %s\n", s, err);
            atomic_fetch_add(&b->bad, 1);
        } else if (b->check) {
            for (size_t k = 0; k < n; k++) {
                const ca_event *o = b->evs[b->first[s] + k];
                ca_buf_reset(&ja);
                ca_buf_reset(&jb);
                ca_event_to_json(&ja, o, 480);
                ca_event_to_json(&jb, &out[k], 480);
                const char *d = sh_diff_event(o, &out[k], sh_lasting_shared, &b->pc);
                if (d || ja.len != jb.len || memcmp(ja.data, jb.data, ja.len) != 0) {
                    if (atomic_fetch_add(&b->bad, 1) < 3)
                        fprintf(stderr, "event %zu differs (%s):\n%s%s", b->first[s] + k,
                                d ? d : "json", ca_buf_cstr(&ja), ca_buf_cstr(&jb));
                }
            }
        }
        ca_arena_free(arena);
    }
    free(out);
    ca_buf_free(&ja);
    ca_buf_free(&jb);
    return NULL;
}

static double read_all(bench *b, int threads)
{
    pthread_t th[64];
    atomic_store(&b->next, 0);
    double t0 = now();
    for (int t = 0; t < threads; t++)
        pthread_create(&th[t], NULL, reader, b);
    for (int t = 0; t < threads; t++)
        pthread_join(th[t], NULL);
    return now() - t0;
}

/* ---- what the copied strings are: bytes by field ---- */

static const char *const field_names[] = {
    "platform", "conv", "conv_name", "id", "sender", "sender_name", "employee", "text",
    "reply_to", "quote_sender", "quote_text", "url", "title", "actor", "actor_name",
    "actor_employee", "src_path", "arrays"};
#define NF (sizeof field_names / sizeof *field_names)

static void tally(const bench *b, size_t copied[NF], size_t shared[NF], size_t present[NF])
{
    for (size_t i = 0; i < b->n; i++) {
        const ca_event *e = b->evs[i];
        const char *const s[] = {e->platform, e->conv, e->conv_name, e->id, e->sender,
                                 e->sender_name, e->employee, e->text, e->reply_to,
                                 e->quote_sender, e->quote_text, e->url, e->title, e->actor,
                                 e->actor_name, e->actor_employee, e->src_path};
        for (size_t f = 0; f < NF - 1; f++) {
            if (!s[f])
                continue;
            present[f]++;
            if (sh_pcount_get(&b->pc, s[f]) >= 2)
                shared[f]++;
            else
                copied[f] += strlen(s[f]) + 1;
        }
        present[NF - 1] += e->n_mentions || e->n_targets || e->n_items;
    }
}

int main(int argc, char **argv)
{
    const char *config = NULL, *dir = NULL;
    int threads = 2, check = 0, cold = 0, argi = 1;
    size_t maxseg = SIZE_MAX;
    for (; argi < argc && argv[argi][0] == '-'; argi++) {
        if (!strcmp(argv[argi], "-c") && argi + 1 < argc)
            config = argv[++argi];
        else if (!strcmp(argv[argi], "-j") && argi + 1 < argc)
            threads = atoi(argv[++argi]);
        else if (!strcmp(argv[argi], "-d") && argi + 1 < argc)
            dir = argv[++argi];
        else if (!strcmp(argv[argi], "-s") && argi + 1 < argc)
            maxseg = (size_t)atol(argv[++argi]);
        else if (!strcmp(argv[argi], "--cold"))
            cold = 1;
        else if (!strcmp(argv[argi], "--check"))
            check = 1;
        else
            break;
    }
    if (argi == argc || threads < 1 || threads > 64 || maxseg < 1) {
        fprintf(stderr, "usage: spill_bench [-c CONFIG] [-j THREADS] [-d DIR] [-s MAX] [--check] "
                        "[--cold] INPUT...\n");
        return 2;
    }
    ca_config cfg;
    ca_limits lim;
    ca_config_defaults(&cfg);
    ca_limits_default(&lim);
    ca_diag *diag = ca_diag_new(0);
    if (config && ca_config_load(&cfg, config, 1, diag) == CA_FATAL) {
        ca_diag_print(diag, stderr, CA_DIAG_WARN);
        return 1;
    }
    ca_import *imp = ca_import_new(&cfg, &lim, NULL, diag);
    ca_import_set_threads(imp, threads);
    double t0 = now();
    for (int i = argi; i < argc; i++)
        ca_import_input(imp, argv[i]);
    if (ca_import_finish(imp) != CA_OK) {
        fprintf(stderr, "spill_bench: the import failed\n");
        return 1;
    }
    double t_import = now() - t0;

    static bench b;
    b.check = check;
    b.n = ca_import_count(imp);
    b.evs = malloc((b.n ? b.n : 1) * sizeof *b.evs);
    for (size_t i = 0; i < b.n; i++) {
        b.evs[i] = ca_import_event(imp, i);
        sh_pcount_event(&b.pc, b.evs[i]);
    }
    b.first = malloc((b.n + 1) * sizeof *b.first);
    b.segs = malloc((b.n ? b.n : 1) * sizeof *b.segs);
    for (size_t i = 0; i < b.n; b.nseg++) {
        b.first[b.nseg] = i;
        i = sh_segment_end(b.evs, b.n, i, maxseg);
    }
    b.first[b.nseg] = b.n;
    printf("%zu events (import %.2f s), %zu segments (%.0f events each), sizeof(ca_event) %zu\n",
           b.n, t_import, b.nseg, b.nseg ? (double)b.n / (double)b.nseg : 0.0, sizeof(ca_event));

    size_t copied[NF] = {0}, shared[NF] = {0}, present[NF] = {0}, total_copied = 0;
    tally(&b, copied, shared, present);
    printf("\nfield            present  shared ptr  copied bytes/event (strings met once)\n");
    for (size_t f = 0; f < NF; f++) {
        total_copied += copied[f];
        if (present[f])
            printf("%-16s %7.1f%%  %9.1f%%  %6.2f\n", field_names[f],
                   100.0 * (double)present[f] / (double)b.n,
                   f < NF - 1 ? 100.0 * (double)shared[f] / (double)present[f] : 0.0,
                   (double)copied[f] / (double)b.n);
    }
    printf("all strings met once: %.2f bytes/event\n", (double)total_copied / (double)b.n);

    double t_none, t_shared;
    if (write_all(&b, NULL, NULL, dir, &t_none) < 0)
        return 1;
    uint64_t bytes_none = ca_spill_size(b.sp);
    if (write_all(&b, sh_lasting_shared, &b.pc, dir, &t_shared) < 0)
        return 1;
    uint64_t bytes = ca_spill_size(b.sp);
    /* the second line's time includes its predicate, a lookup in the
     * pointer-count table (a cache miss a distinct pointer); the importer's
     * would be an address-range test */
    printf("\nevery string copied:     %11llu bytes, %6.1f bytes/event, write %.3f s, %6.1f MB/s, "
           "%.0f events/s\n",
           (unsigned long long)bytes_none, (double)bytes_none / (double)b.n, t_none,
           (double)bytes_none / t_none / 1e6, (double)b.n / t_none);
    printf("shared pointers lasting: %11llu bytes, %6.1f bytes/event, write %.3f s, %6.1f MB/s, "
           "%.0f events/s\n",
           (unsigned long long)bytes, (double)bytes / (double)b.n, t_shared,
           (double)bytes / t_shared / 1e6, (double)b.n / t_shared);
    for (int t = 1; t <= threads; t = t == threads ? t + 1 : threads) {
        double tr = read_all(&b, t);
        printf("read, %d thread%s:  %.3f s, %.1f MB/s, %.0f events/s%s\n", t, t > 1 ? "s" : "",
               tr, (double)bytes / tr / 1e6, (double)b.n / tr, check ? " (with --check)" : "");
    }
    for (int t = 1; cold && t <= threads; t = t == threads ? t + 1 : threads) {
        int fd = ca_spill_fd(b.sp);
        if (fdatasync(fd) != 0 || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)
            perror("spill_bench: dropping the file's pages");
        double tr = read_all(&b, t);
        printf("cold read, %d thread%s:  %.3f s, %.1f MB/s, %.0f events/s\n", t, t > 1 ? "s" : "",
               tr, (double)bytes / tr / 1e6, (double)b.n / tr);
    }
    size_t bad = atomic_load(&b.bad);
    if (check)
        printf("check: %s (%zu differences)\n", bad ? "FAILED" : "every event the same", bad);
    ca_spill_close(b.sp);
    sh_pcount_free(&b.pc);
    free(b.evs), free(b.first), free(b.segs);
    ca_import_free(imp);
    ca_diag_free(diag);
    ca_config_free(&cfg);
    return bad ? 1 : 0;
}
