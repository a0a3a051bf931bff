/*
 * test_calendar.c — business minutes and deadlines on the company
 * calendar (SPEC §6.2): weekends, holidays, adjusted working days, breaks,
 * the wall clock, the boundary minute, the company zone.
 */
#include <string.h>
#include "../analyzer/calendar.h"
#include "../analyzer/timeparse.h"
#include "check.h"

#define MIN_MS 60000LL

/* Local time in +08:00 to UTC ms. */
static int64_t T(const char *s)
{
    int64_t ms = 0;
    if (ca_time_parse(s, strlen(s), 480, &ms, NULL) != 0) {
        fprintf(stderr, "bad time in test: %s\n", s);
        check_failures++;
    }
    return ms;
}

static const char *fmt(int64_t ms)
{
    static char out[32];
    return ca_time_format(ms, 480, out);
}

/* The policy's defaults (Mon-Fri 09:00-18:00, +08:00) and a few rows of
 * the official 2026 schedule. */
static ca_holiday holidays[] = {
    {0, 1, "国庆节调休上班", 1}, /* 2026-09-20 Sunday */
    {0, 0, "中秋节", 2},         /* 2026-09-25 Friday */
    {0, 0, "国庆节", 3},         /* 2026-10-01 Thursday */
    {0, 0, "国庆节", 4},         /* 2026-10-02 */
    {0, 1, "国庆节调休上班", 5}, /* 2026-10-10 Saturday */
};

static void setup(ca_config *cfg, ca_calendar *cal)
{
    ca_config_defaults(cfg);
    holidays[0].day = ca_days_from_civil(2026, 9, 20);
    holidays[1].day = ca_days_from_civil(2026, 9, 25);
    holidays[2].day = ca_days_from_civil(2026, 10, 1);
    holidays[3].day = ca_days_from_civil(2026, 10, 2);
    holidays[4].day = ca_days_from_civil(2026, 10, 10);
    ca_calendar_init(cal, cfg);
    cal->holidays = holidays;
    cal->n_holidays = sizeof holidays / sizeof holidays[0];
}

TEST(friday_evening_question_falls_due_monday)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    /* 2026-11-27 is a Friday: 5 minutes on Friday, 15 on Monday */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-11-27 17:55:00"), 20)),
              "2026-11-30T09:15:00+08:00");
    CHECK_INT(ca_calendar_business_ms(&cal, T("2026-11-27 17:55:00"), T("2026-11-30 09:15:00")),
              20 * MIN_MS);
    /* a question at 20:00 starts counting at the next opening */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-11-24 20:00:00"), 20)),
              "2026-11-25T09:20:00+08:00");
    /* and one before the opening too */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-11-24 07:30:00"), 30)),
              "2026-11-24T09:30:00+08:00");
    /* a deadline that ends exactly at the close stays on that day */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-11-24 17:40:00"), 20)),
              "2026-11-24T18:00:00+08:00");
    /* the sample's Q-S-5: Friday 17:50:02, answered Monday 09:05:00 */
    CHECK_INT(ca_calendar_business_ms(&cal, T("2026-11-27 17:50:02"), T("2026-11-30 09:05:00")),
              15 * MIN_MS - 2000);
    ca_config_free(&cfg);
}

TEST(holiday_is_skipped)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    CHECK(!ca_calendar_is_workday(&cal, ca_days_from_civil(2026, 10, 1))); /* a Thursday */
    CHECK(!ca_calendar_is_business(&cal, T("2026-10-01 10:00:00")));
    /* Wednesday 09-30 17:50 + 20: 10 minutes, then 10-01..10-04 off
     * (holiday, holiday, weekend), 10-05 is no holiday in this list */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-09-30 17:50:00"), 20)),
              "2026-10-05T09:10:00+08:00");
    /* 中秋 Friday 09-25: Thursday evening to Monday */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-09-24 17:59:00"), 2)),
              "2026-09-28T09:01:00+08:00");
    CHECK_INT(ca_calendar_business_ms(&cal, T("2026-09-30 17:00:00"), T("2026-10-05 10:00:00")),
              120 * MIN_MS);
    ca_config_free(&cfg);
}

TEST(adjusted_working_weekend_day)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    /* Saturday 10-10 is worked; Saturday 10-17 is not */
    CHECK(ca_calendar_is_workday(&cal, ca_days_from_civil(2026, 10, 10)));
    CHECK(!ca_calendar_is_workday(&cal, ca_days_from_civil(2026, 10, 17)));
    CHECK(ca_calendar_is_business(&cal, T("2026-10-10 09:00:00")));
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-10-09 17:50:00"), 20)),
              "2026-10-10T09:10:00+08:00");
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-10-16 17:50:00"), 20)),
              "2026-10-19T09:10:00+08:00");
    /* Sunday 09-20 too */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-09-20 11:00:00"), 30)),
              "2026-09-20T11:30:00+08:00");
    ca_config_free(&cfg);
}

TEST(lunch_break_is_not_business_time)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    cfg.policy.breaks[0] = (ca_time_range){12 * 60, 13 * 60 + 30};
    cfg.policy.n_breaks = 1;
    ca_calendar_init(&cal, &cfg);
    CHECK_INT(cal.n_spans, 2);
    CHECK(!ca_calendar_is_business(&cal, T("2026-11-24 12:00:00")));
    CHECK(!ca_calendar_is_business(&cal, T("2026-11-24 13:29:00")));
    CHECK(ca_calendar_is_business(&cal, T("2026-11-24 13:30:00")));
    CHECK(ca_calendar_is_business(&cal, T("2026-11-24 11:59:00")));
    /* 11:50 + 20: 10 before the break, 10 after it */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-11-24 11:50:00"), 20)),
              "2026-11-24T13:40:00+08:00");
    /* asked during the break: counting starts at 13:30 */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-11-24 12:15:00"), 20)),
              "2026-11-24T13:50:00+08:00");
    CHECK_INT(ca_calendar_business_ms(&cal, T("2026-11-24 11:00:00"), T("2026-11-24 14:00:00")),
              90 * MIN_MS);
    ca_config_free(&cfg);
}

TEST(wall_clock_when_business_hours_off)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    cfg.policy.business_hours = 0;
    ca_calendar_init(&cal, &cfg);
    CHECK(ca_calendar_is_business(&cal, T("2026-11-28 03:00:00"))); /* a Saturday night */
    CHECK_STR(fmt(ca_calendar_deadline(&cal, T("2026-11-27 17:55:00"), 20)),
              "2026-11-27T18:15:00+08:00");
    CHECK_INT(ca_calendar_business_ms(&cal, T("2026-11-27 17:55:00"), T("2026-11-30 09:15:00")),
              (2 * 24 * 60 + 15 * 60 + 20) * MIN_MS);
    ca_config_free(&cfg);
}

TEST(boundary_minute_and_weekend)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    int64_t asked = T("2026-11-24 10:00:00");
    int64_t due = ca_calendar_deadline(&cal, asked, 20);
    CHECK_INT(due, T("2026-11-24 10:20:00"));
    /* a reply exactly at the deadline took exactly the limit: on time */
    CHECK_INT(ca_calendar_business_ms(&cal, asked, due), 20 * MIN_MS);
    CHECK(ca_calendar_is_business(&cal, T("2026-11-24 17:59:59")));
    CHECK(!ca_calendar_is_business(&cal, T("2026-11-24 18:00:00")));
    CHECK(!ca_calendar_is_business(&cal, T("2026-11-24 08:59:59")));
    CHECK(!ca_calendar_is_business(&cal, T("2026-11-28 10:00:00"))); /* Saturday */
    CHECK_INT(ca_calendar_business_ms(&cal, T("2026-11-28 10:00:00"), T("2026-11-29 23:00:00")), 0);
    CHECK_INT(ca_calendar_business_ms(&cal, due, asked), 0);
    CHECK_INT(ca_calendar_deadline(&cal, asked, 0), asked);
    ca_config_free(&cfg);
}

TEST(company_zone_decides_the_day)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    /* 2026-11-24 01:30 UTC is 09:30 in +08:00 */
    int64_t t = 0;
    ca_time_parse("2026-11-24T01:30:00Z", 20, 0, &t, NULL);
    CHECK(ca_calendar_is_business(&cal, t));
    cal.tz_offset_min = 0; /* 01:30 in UTC: before the opening */
    CHECK(!ca_calendar_is_business(&cal, t));
    ca_config_free(&cfg);
}

TEST(no_working_day_at_all)
{
    ca_config cfg;
    ca_calendar cal;
    setup(&cfg, &cal);
    cal.workdays = 0;
    cal.n_holidays = 0;
    CHECK_INT(ca_calendar_deadline(&cal, T("2026-11-24 10:00:00"), 20), INT64_MAX);
    ca_config_free(&cfg);
}

TEST(sample_holidays_csv_has_the_2026_schedule)
{
    ca_config cfg;
    ca_diag *d = ca_diag_new(0);
    ca_config_defaults(&cfg);
    CHECK(ca_config_load(&cfg, CA_SOURCE_DIR "/samples/config", 1, d) == CA_OK);
    ca_calendar cal;
    ca_calendar_init(&cal, &cfg);
    static const struct { int m, d, work; } days[] = {
        {1, 1, 0},  {1, 3, 0},  {1, 4, 1},  {2, 14, 1}, {2, 15, 0}, {2, 23, 0}, {2, 24, 1},
        {2, 28, 1}, {4, 4, 0},  {4, 6, 0},  {5, 1, 0},  {5, 5, 0},  {5, 9, 1},  {6, 19, 0},
        {6, 21, 0}, {9, 20, 1}, {9, 25, 0}, {9, 27, 0}, {10, 1, 0}, {10, 7, 0}, {10, 8, 1},
        {10, 10, 1}, {11, 2, 1}, {11, 7, 0},
    };
    for (size_t k = 0; k < sizeof days / sizeof days[0]; k++)
        if (ca_calendar_is_workday(&cal, ca_days_from_civil(2026, days[k].m, days[k].d)) !=
            days[k].work) {
            fprintf(stderr, "2026-%02d-%02d: expected %s\n", days[k].m, days[k].d,
                    days[k].work ? "a working day" : "a day off");
            check_failures++;
        }
    ca_config_free(&cfg);
    ca_diag_free(d);
}

TEST_MAIN()
