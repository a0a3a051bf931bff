/*
 * calendar.h — the business calendar of the reply deadlines (SPEC §6.2,
 * policy 5.1): the [hours] days, opening hours and breaks, minus the
 * holidays of holidays.csv, plus its adjusted working days (调休), all in
 * the company's zone ([company] timezone).
 *
 * A deadline of M minutes after a message at time t is the point where M
 * business minutes have passed since t: a question at 20:00 starts counting
 * at the next opening, one at 17:55 on a Friday with 20 minutes falls due
 * at 09:15 on Monday.  With [hours] business_hours = no every minute is a
 * business minute (wall clock).
 *
 * The calendar is a small value built from the configuration; it borrows
 * the configuration's holiday list and must not outlive it.  Every
 * function is pure and thread-safe.
 */
#ifndef CA_CALENDAR_H
#define CA_CALENDAR_H

#include "config.h"

#define CA_CAL_MAX_SPANS 9  /* opening hours cut by up to 8 breaks */

typedef struct ca_calendar {
    int tz_offset_min;          /* minutes east of UTC */
    int wall_clock;             /* business_hours = no */
    unsigned workdays;          /* bit 0 Monday ... bit 6 Sunday */
    /* the working minutes of a working day: [start, end) in minutes after
     * local midnight, sorted, disjoint, non-empty */
    ca_time_range spans[CA_CAL_MAX_SPANS];
    int n_spans;
    const ca_holiday *holidays; /* sorted by day, borrowed */
    size_t n_holidays;
} ca_calendar;

/* Builds the calendar of cfg's [company] timezone, [hours] and holidays.
 * Breaks outside the opening hours are ignored; overlapping breaks merge. */
void ca_calendar_init(ca_calendar *cal, const ca_config *cfg);

/* Whether local day (days since 1970-01-01 in the company zone) is a
 * working day: a holidays.csv workday, else not a holiday and one of the
 * [hours] days.  1 or 0. */
int ca_calendar_is_workday(const ca_calendar *cal, int64_t day);

/* Whether the minute that starts at t_ms (UTC epoch ms) is business time.
 * Always 1 with a wall clock. */
int ca_calendar_is_business(const ca_calendar *cal, int64_t t_ms);

/*
 * The deadline of a message at t_ms with a limit of minutes business
 * minutes: the earliest time d at which the business time in [t_ms, d)
 * is minutes minutes.  A message outside business time starts counting at
 * the next opening; minutes <= 0 gives t_ms.  Returns INT64_MAX when no
 * working day comes within ten years (a calendar without working days).
 */
int64_t ca_calendar_deadline(const ca_calendar *cal, int64_t t_ms, long minutes);

/* The business time in [a_ms, b_ms), in milliseconds (0 when b <= a). */
int64_t ca_calendar_business_ms(const ca_calendar *cal, int64_t a_ms, int64_t b_ms);

#endif
