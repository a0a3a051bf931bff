/*
 * timeparse.c — the time shapes of the exports (wechat.md §6).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "timeparse.h"

/* Howard Hinnant's days_from_civil. */
int64_t ca_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ca_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Reads 1..max digits; returns count read (0 if none). */
static int digits(const char **p, const char *end, int max, long *out)
{
    int n = 0;
    long v = 0;
    while (*p < end && n < max && isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    *out = v;
    return n;
}

int ca_time_parse(const char *s, size_t n, int tz, int64_t *out_ms, int *flags)
{
    const char *p = s, *end = s + n;
    int fl = 0;
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (p == end)
        return -1;

    /* All digits: an epoch. */
    const char *q = p;
    while (q < end && isdigit((unsigned char)*q))
        q++;
    if (q == end) {
        size_t len = (size_t)(end - p);
        if (len < 9 || len > 14)
            return -1;
        long long v = 0;
        for (const char *c = p; c < end; c++)
            v = v * 10 + (*c - '0');
        *out_ms = len >= 12 ? v : v * 1000;
        if (flags)
            *flags = CA_TP_EPOCH | CA_TP_HAD_ZONE;
        return 0;
    }

    long y, mo, d, h = 0, mi = 0, se = 0, ms = 0;
    if (digits(&p, end, 4, &y) != 4 || p >= end || (*p != '-' && *p != '/'))
        return -1;
    char sep = *p++;
    if (!digits(&p, end, 2, &mo) || p >= end || *p != sep)
        return -1;
    p++;
    if (!digits(&p, end, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month((int)y, (int)mo))
        return -1;
    if (p < end) {
        if (*p != ' ' && *p != 'T')
            return -1;
        while (p < end && (*p == ' ' || *p == 'T'))
            p++;
        if (!digits(&p, end, 2, &h) || p >= end || *p != ':')
            return -1;
        p++;
        if (digits(&p, end, 2, &mi) != 2)
            return -1;
        if (p < end && *p == ':') {
            p++;
            if (digits(&p, end, 2, &se) != 2)
                return -1;
            if (p < end && (*p == '.' || *p == ',')) {
                p++;
                long frac;
                const char *fs = p;
                int nd = digits(&p, end, 9, &frac);
                if (!nd)
                    return -1;
                (void)fs;
                while (nd < 3) { frac *= 10; nd++; }
                while (nd > 3) { frac /= 10; nd--; }
                ms = frac;
                while (p < end && isdigit((unsigned char)*p))
                    p++;
            }
        } else {
            fl |= CA_TP_NO_SECONDS;
        }
        /* a leap second exists only at the end of a minute of 23:59 UTC */
        if (h > 23 || mi > 59 || se > 60 || (se == 60 && mi != 59))
            return -1;
    }
    int off = tz;
    while (p < end && *p == ' ')
        p++;
    if (p < end) {
        if (*p == 'Z' || *p == 'z') {
            off = 0;
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1;
            long oh, om = 0;
            p++;
            if (digits(&p, end, 2, &oh) != 2)
                return -1;
            if (p < end && *p == ':') {
                p++;
                if (digits(&p, end, 2, &om) != 2)
                    return -1;
            } else if (p < end && digits(&p, end, 2, &om) != 2) {
                return -1;
            }
            if (oh > 14 || om > 59)
                return -1;
            off = sign * (int)(oh * 60 + om);
        } else {
            return -1;
        }
        fl |= CA_TP_HAD_ZONE;
        if (p != end)
            return -1;
    }
    int64_t days = ca_days_from_civil((int)y, (int)mo, (int)d);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - (int64_t)off * 60;
    *out_ms = secs * 1000 + ms;
    if (flags)
        *flags = fl;
    return 0;
}

char *ca_time_format(int64_t ms, int tz, char out[32])
{
    int64_t secs = (ms >= 0 ? ms / 1000 : (ms - 999) / 1000) + (int64_t)tz * 60;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400;
    int y, m, d;
    ca_civil_from_days(days, &y, &m, &d);
    int a = (tz < 0 ? -tz : tz) % (24 * 60);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    /* by hand: this runs once per event written */
    int v[] = {y / 100, y % 100, m, d, (int)(rem / 3600), (int)(rem / 60 % 60),
               (int)(rem % 60), a / 60, a % 60};
    static const char layout[] = "00-0-0T0:0:0+0:0";
    char *o = out;
    int k = 0;
    for (const char *l = layout; *l; l++) {
        if (*l != '0') {
            *o++ = *l == '+' ? (tz < 0 ? '-' : '+') : *l;
            continue;
        }
        *o++ = (char)('0' + v[k] / 10);
        *o++ = (char)('0' + v[k] % 10);
        k++;
    }
    *o = '\0';
    return out;
}

int ca_tz_parse(const char *s, int *out)
{
    static const struct { const char *name; int min; } named[] = {
        {"UTC", 0}, {"Z", 0}, {"GMT", 0}, {"Asia/Shanghai", 480},
        {"Asia/Chongqing", 480}, {"Asia/Hong_Kong", 480}, {"Asia/Macau", 480},
        {"Asia/Taipei", 480}, {"PRC", 480}, {"CST", 480}};
    for (size_t i = 0; i < CA_ARRAY_LEN(named); i++)
        if (strcmp(s, named[i].name) == 0) {
            *out = named[i].min;
            return 0;
        }
    const char *p = s;
    if (ca_starts_with(p, "UTC") || ca_starts_with(p, "GMT"))
        p += 3;
    if (*p != '+' && *p != '-')
        return -1;
    int sign = *p == '-' ? -1 : 1;
    p++;
    const char *end = p + strlen(p);
    long h, m = 0;
    int nd = digits(&p, end, 2, &h);
    if (!nd)
        return -1;
    if (*p == ':')
        p++;
    if (*p && digits(&p, end, 2, &m) != 2)
        return -1;
    if (*p || h > 14 || m > 59)
        return -1;
    *out = sign * (int)(h * 60 + m);
    return 0;
}
