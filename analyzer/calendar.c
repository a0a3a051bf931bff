/*
 * calendar.c — business minutes on the company calendar (see calendar.h).
 *
 * Everything works day by day in local time: a working day's business time
 * is the same list of spans (opening hours minus breaks), so a deadline is
 * found by walking the spans of the working days from t on, and a duration
 * by summing the overlap of [a, b) with the spans of each day between.
 */
#include "calendar.h"

#define DAY_MS 86400000LL
#define MIN_MS 60000LL
#define MAX_DAYS (366 * 10)

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Cuts [open, close) by the breaks into cal->spans. */
static void build_spans(ca_calendar *cal, const ca_policy *p)
{
    int open = p->open_min, close = p->close_min;
    cal->n_spans = 0;
    if (open < 0)
        open = 0;
    if (close > 24 * 60)
        close = 24 * 60;
    if (close <= open)
        return;
    /* breaks sorted by start (insertion sort: at most 8) */
    ca_time_range br[8];
    int nb = 0;
    for (int k = 0; k < p->n_breaks && k < 8; k++) {
        ca_time_range b = p->breaks[k];
        if (b.end <= open || b.start >= close || b.end <= b.start)
            continue;
        int j = nb++;
        while (j > 0 && br[j - 1].start > b.start) {
            br[j] = br[j - 1];
            j--;
        }
        br[j] = b;
    }
    int at = open;
    for (int k = 0; k < nb; k++) {
        if (br[k].start > at)
            cal->spans[cal->n_spans++] = (ca_time_range){at, br[k].start};
        if (br[k].end > at)
            at = br[k].end;
    }
    if (at < close)
        cal->spans[cal->n_spans++] = (ca_time_range){at, close};
}

void ca_calendar_init(ca_calendar *cal, const ca_config *cfg)
{
    const ca_policy *p = &cfg->policy;
    cal->tz_offset_min = cfg->tz_offset_min;
    cal->wall_clock = !p->business_hours;
    cal->workdays = p->workdays;
    cal->holidays = cfg->holidays;
    cal->n_holidays = cfg->n_holidays;
    build_spans(cal, p);
}

/* The holidays.csv entry of day, or NULL. */
static const ca_holiday *holiday_of(const ca_calendar *cal, int64_t day)
{
    size_t lo = 0, hi = cal->n_holidays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->holidays[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < cal->n_holidays && cal->holidays[lo].day == day ? &cal->holidays[lo] : NULL;
}

int ca_calendar_is_workday(const ca_calendar *cal, int64_t day)
{
    const ca_holiday *h = holiday_of(cal, day);
    if (h)
        return h->workday;
    int weekday = (int)(((day + 3) % 7 + 7) % 7); /* 0 Monday; 1970-01-01 was a Thursday */
    return (cal->workdays >> weekday) & 1u;
}

static int64_t local_ms(const ca_calendar *cal, int64_t t_ms)
{
    return t_ms + (int64_t)cal->tz_offset_min * MIN_MS;
}

int ca_calendar_is_business(const ca_calendar *cal, int64_t t_ms)
{
    if (cal->wall_clock)
        return 1;
    int64_t l = local_ms(cal, t_ms), day = floor_div(l, DAY_MS);
    if (!ca_calendar_is_workday(cal, day))
        return 0;
    int64_t in_day = l - day * DAY_MS;
    for (int k = 0; k < cal->n_spans; k++)
        if (in_day >= cal->spans[k].start * MIN_MS && in_day < cal->spans[k].end * MIN_MS)
            return 1;
    return 0;
}

int64_t ca_calendar_deadline(const ca_calendar *cal, int64_t t_ms, long minutes)
{
    if (minutes <= 0)
        return t_ms;
    int64_t left = (int64_t)minutes * MIN_MS;
    if (cal->wall_clock)
        return t_ms + left;
    int64_t l = local_ms(cal, t_ms), day = floor_div(l, DAY_MS);
    for (int n = 0; n < MAX_DAYS; n++, day++) {
        if (!ca_calendar_is_workday(cal, day))
            continue;
        for (int k = 0; k < cal->n_spans; k++) {
            int64_t s = day * DAY_MS + cal->spans[k].start * MIN_MS;
            int64_t e = day * DAY_MS + cal->spans[k].end * MIN_MS;
            int64_t from = l > s ? l : s;
            if (from >= e)
                continue;
            if (e - from >= left)
                return from + left - (int64_t)cal->tz_offset_min * MIN_MS;
            left -= e - from;
        }
    }
    return INT64_MAX;
}

int64_t ca_calendar_business_ms(const ca_calendar *cal, int64_t a_ms, int64_t b_ms)
{
    if (b_ms <= a_ms)
        return 0;
    if (cal->wall_clock)
        return b_ms - a_ms;
    int64_t a = local_ms(cal, a_ms), b = local_ms(cal, b_ms), total = 0;
    int64_t last = floor_div(b, DAY_MS);
    for (int64_t day = floor_div(a, DAY_MS); day <= last; day++) {
        if (!ca_calendar_is_workday(cal, day))
            continue;
        for (int k = 0; k < cal->n_spans; k++) {
            int64_t s = day * DAY_MS + cal->spans[k].start * MIN_MS;
            int64_t e = day * DAY_MS + cal->spans[k].end * MIN_MS;
            if (s < a)
                s = a;
            if (e > b)
                e = b;
            if (e > s)
                total += e - s;
        }
    }
    return total;
}
