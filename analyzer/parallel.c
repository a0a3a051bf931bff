/*
 * parallel.c — see parallel.h.
 */
#include <pthread.h>
#include "parallel.h"

typedef struct part {
    pthread_t thread;
    void (*fn)(void *arg, int tid, int threads);
    void *arg;
    int tid, threads;
} part;

static void *run_part(void *p)
{
    part *w = p;
    w->fn(w->arg, w->tid, w->threads);
    return NULL;
}

void ca_parallel(int threads, void (*fn)(void *arg, int tid, int threads), void *arg)
{
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    part parts[64];
    int started[64] = {0};
    for (int k = 0; k < threads; k++)
        parts[k] = (part){0, fn, arg, k, threads};
    for (int k = 1; k < threads; k++)
        started[k] = pthread_create(&parts[k].thread, NULL, run_part, &parts[k]) == 0;
    fn(arg, 0, threads);
    for (int k = 1; k < threads; k++) {
        if (started[k])
            pthread_join(parts[k].thread, NULL);
        else
            fn(arg, k, threads);
    }
}
