/*
 * clock.h: wall time and civil dates.
 *
 * Civil dates are China Standard Time (UTC+8, no daylight saving since 1991)
 * everywhere, tests included, computed by arithmetic rather than through the
 * process's TZ. Wall time may be pinned for tests and demos by the
 * environment variable ECHOWALL_NOW (epoch milliseconds, "YYYY-MM-DD" meaning
 * 10:00 that day, or "YYYY-MM-DDTHH:MM") or by clock_set_fixed().
 * Order never depends on wall time: records are ordered by their HLC stamp.
 */
#ifndef EW_CLOCK_H
#define EW_CLOCK_H

#include <stdint.h>

#define CLOCK_CST_OFFSET_MS (8LL * 3600 * 1000)
#define CLOCK_DAY_MS (86400LL * 1000)

/* Milliseconds since the Unix epoch (pinned value when one is set). */
int64_t clock_now_ms(void);
/* Milliseconds of a monotonic clock (for durations: never pinned, never
 * stepped by the wall clock). */
int64_t clock_mono_ms(void);
/* Pins wall time to ms; 0 unpins (back to ECHOWALL_NOW or the real clock). */
void clock_set_fixed(int64_t ms);

/* Day number (days since 1970-01-01) of civil date y-m-d. */
int64_t clock_days_from_civil(int y, int m, int d);
/* Civil date of a day number. */
void clock_civil_from_days(int64_t days, int *y, int *m, int *d);

/* Parses a strict "YYYY-MM-DD" (a real calendar day, years 1900-2999) into
 * its day number; -1 when malformed. */
int clock_parse_day(const char *s, int64_t *days);
/* Writes "YYYY-MM-DD" for a day number into out[11]. */
void clock_format_day(int64_t days, char out[11]);

/* The CST day number of an instant in epoch ms. */
int64_t clock_day_of_ms(int64_t ms);
/* Today's CST day number. */
int64_t clock_today(void);
/* Epoch ms of 10:00 CST on a day number (a fixed hour for backdated events). */
int64_t clock_ms_of_day(int64_t days);

#endif
