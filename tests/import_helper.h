/*
 * import_helper.h — the importer tests' shared helpers: import inline text
 * (or buffers) into a fresh ca_import with the default configuration, or
 * with a configuration folder, and look at the events and diagnostics.
 *
 * Every helper is static inline, so a test file that does not use one gets
 * no unused-function warning.  Include after check.h.
 */
#ifndef CA_TESTS_IMPORT_HELPER_H
#define CA_TESTS_IMPORT_HELPER_H

#include "importer.h"
#include "timeparse.h"

typedef struct run {
    ca_config cfg;
    ca_limits lim;
    ca_diag *diag;
    ca_import *imp;
    ca_status config_status; /* of ca_config_load; CA_OK for the defaults */
} run;

/* A run with the default configuration (config_dir NULL) or the one loaded
 * from config_dir, and an import forced to format (NULL: detected).  Feed
 * it with ca_import_buffer, then call ca_import_finish. */
static inline run *run_new(const char *config_dir, const char *format)
{
    run *r = calloc(1, sizeof *r);
    ca_config_defaults(&r->cfg);
    ca_limits_default(&r->lim);
    r->diag = ca_diag_new(0);
    r->config_status = config_dir ? ca_config_load(&r->cfg, config_dir, 1, r->diag) : CA_OK;
    r->imp = ca_import_new(&r->cfg, &r->lim, format ? ca_format_by_name(format) : NULL, r->diag);
    return r;
}

/* Imports data[0..len) as the file path, forced to format (NULL:
 * detected), with the default configuration; finished. */
static inline run *import_text(const char *path, const char *data, size_t len, const char *format)
{
    run *r = run_new(NULL, format);
    ca_import_buffer(r->imp, path, (const unsigned char *)data, len);
    ca_import_finish(r->imp);
    return r;
}

/* import_text of a NUL-terminated string, format detected. */
static inline run *import_str(const char *path, const char *data)
{
    return import_text(path, data, strlen(data), NULL);
}

static inline void run_free(run *r)
{
    ca_import_free(r->imp);
    ca_diag_free(r->diag);
    ca_config_free(&r->cfg);
    free(r);
}

static inline size_t nev(run *r) { return ca_import_count(r->imp); }
static inline const ca_event *ev(run *r, size_t i) { return ca_import_event(r->imp, i); }
static inline const ca_file_stats *fstat0(run *r) { return ca_import_file(r->imp, 0); }
static inline size_t ndiag(run *r) { return ca_diag_len(r->diag); }

/* Diagnostic i as "FILE:LINE: message", "(none)" past the end; a static
 * buffer, valid until the next call. */
static inline const char *diag_msg(run *r, size_t i)
{
    static char out[1200];
    if (i >= ca_diag_len(r->diag))
        return "(none)";
    const ca_diag_item *it = ca_diag_at(r->diag, i);
    snprintf(out, sizeof out, "%s:%ld: %s", it->file ? it->file : "", it->line, it->msg);
    return out;
}

/* The event's time in UTC+8, "YYYY-MM-DD HH:MM:SS"; a static buffer. */
static inline const char *when(const ca_event *e)
{
    static char out[32];
    return ca_time_format(e->time_ms, 480, out);
}

#endif
