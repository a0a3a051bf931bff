/*
 * timeparse.h — every time shape the exports use, to UTC epoch ms.
 */
#ifndef CA_TIMEPARSE_H
#define CA_TIMEPARSE_H

#include "ca.h"

/* Flags returned through *flags by ca_time_parse. */
#define CA_TP_NO_SECONDS 0x1 /* "2024/10/4 11:42" — minute precision */
#define CA_TP_HAD_ZONE   0x2 /* the text carried Z or an offset */
#define CA_TP_EPOCH      0x4 /* the text was an epoch number */

/*
 * Parses s[0..n) (surrounding blanks ignored) as one of:
 *   epoch seconds (9-11 digits) or milliseconds (12-14 digits);
 *   YYYY-MM-DD HH:MM[:SS[.fff...]]  and  YYYY/M/D H:MM[:SS]  (also with 'T');
 *   ISO 8601 with Z or ±HH:MM / ±HHMM, with or without fractional seconds;
 *   YYYY-MM-DD (midnight).
 * Times without a zone are taken in tz_offset_min (minutes east of UTC).
 * Returns 0 and sets *out_ms (and *flags if non-NULL), or -1 if s is not a
 * time or names an impossible date (month 13, Feb 30, hour 24 ...).
 */
int ca_time_parse(const char *s, size_t n, int tz_offset_min, int64_t *out_ms,
                  int *flags);

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t ca_days_from_civil(int y, int m, int d);
void ca_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Writes "YYYY-MM-DDTHH:MM:SS+08:00" (26 bytes incl. NUL) for the instant
 * ms shown in zone tz_offset_min.  Returns out. */
char *ca_time_format(int64_t ms, int tz_offset_min, char out[32]);

/* Parses "+08:00", "-0530", "UTC", "Z", "Asia/Shanghai" (only the fixed
 * zones China uses are known by name) to minutes east of UTC.  0 / -1. */
int ca_tz_parse(const char *s, int *out_min);

#endif
