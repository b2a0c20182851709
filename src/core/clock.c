/*
 * clock.c: wall time and CST civil dates (see clock.h).
 */
#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t fixed_ms;

void clock_set_fixed(int64_t ms) { fixed_ms = ms; }

int64_t clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Parses ECHOWALL_NOW; 0 when unset or malformed. */
static int64_t env_now(void)
{
    const char *s = getenv("ECHOWALL_NOW");
    if (!s || !*s)
        return 0;
    int64_t days;
    char day[11];
    size_t n = strlen(s);
    if (n == 10 && clock_parse_day(s, &days) == 0)
        return clock_ms_of_day(days);
    if (n == 16 && s[10] == 'T') {
        int hh, mm;
        memcpy(day, s, 10);
        day[10] = '\0';
        if (clock_parse_day(day, &days) == 0 && sscanf(s + 11, "%2d:%2d", &hh, &mm) == 2 &&
            hh >= 0 && hh < 24 && mm >= 0 && mm < 60)
            return days * CLOCK_DAY_MS + (hh * 60LL + mm) * 60000 - CLOCK_CST_OFFSET_MS;
        return 0;
    }
    char *end;
    long long v = strtoll(s, &end, 10);
    return (*end == '\0' && v > 0) ? v : 0;
}

int64_t clock_now_ms(void)
{
    if (fixed_ms)
        return fixed_ms;
    int64_t e = env_now();
    if (e)
        return e;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Howard Hinnant's days-from-civil algorithm (public domain arithmetic). */
int64_t clock_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void clock_civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int clock_parse_day(const char *s, int64_t *days)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return -1;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return -1;
    *days = clock_days_from_civil(y, m, d);
    return 0;
}

void clock_format_day(int64_t days, char out[11])
{
    int y, m, d;
    clock_civil_from_days(days, &y, &m, &d);
    char buf[32];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

int64_t clock_day_of_ms(int64_t ms)
{
    int64_t t = ms + CLOCK_CST_OFFSET_MS;
    return t >= 0 ? t / CLOCK_DAY_MS : -((-t + CLOCK_DAY_MS - 1) / CLOCK_DAY_MS);
}

int64_t clock_today(void) { return clock_day_of_ms(clock_now_ms()); }

int64_t clock_ms_of_day(int64_t days)
{
    return days * CLOCK_DAY_MS + 10LL * 3600 * 1000 - CLOCK_CST_OFFSET_MS;
}
