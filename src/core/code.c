/*
 * code.c: minting and checking tracking codes (see code.h).
 */
#include "code.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define BASE 31
/* Counter characters: at least three (padded with the alphabet's zero, '2'),
 * at most twelve (31^12 fits an int64_t; 31^13 does not). A longer counter,
 * or a padded one longer than three, is not the spelling of any code. */
#define COUNTER_MIN 3
#define COUNTER_MAX 12

static int alpha_index(char c)
{
    const char *p = c ? strchr(CODE_ALPHABET, c) : NULL;
    return p ? (int)(p - CODE_ALPHABET) : -1;
}

int code_hall_valid(const char *hall)
{
    return hall && strlen(hall) == 3 && hall[0] == 'H' && isdigit((unsigned char)hall[1]) &&
           isdigit((unsigned char)hall[2]) && !(hall[1] == '0' && hall[2] == '0');
}

int code_slot_valid(const char *role, char slot)
{
    if (role && strcmp(role, "office") == 0)
        return slot >= '2' && slot <= '9';
    if (role && strcmp(role, "hall") == 0)
        return slot >= 'A' && slot <= 'Y' && slot != 'I' && slot != 'O';
    return 0; /* an unknown role holds no slot */
}

/* Weighted sum of the characters before the check, mod 31. s is the code
 * without the check character, dash included. */
static int weighted(const char *s, size_t n)
{
    int sum = 0, w = 2;
    for (size_t i = 0; i < n; i++) {
        int v;
        if (s[i] == '-')
            continue;
        if (i < 3)
            v = s[i] == 'H' ? 17 : s[i] - '0';
        else
            v = alpha_index(s[i]);
        sum = (sum + w * v) % BASE;
        w++;
    }
    return sum;
}

int code_make(const char *hall, char slot, int64_t counter, char out[CODE_MAX])
{
    if (!code_hall_valid(hall) || alpha_index(slot) < 0 || counter < 0)
        return -1;
    char digits[16];
    int n = 0;
    int64_t c = counter;
    do {
        digits[n++] = CODE_ALPHABET[c % BASE];
        c /= BASE;
    } while (c > 0 && n < COUNTER_MAX);
    if (c > 0)
        return -1;
    while (n < COUNTER_MIN)
        digits[n++] = CODE_ALPHABET[0];
    int len = snprintf(out, CODE_MAX, "%s-%c", hall, slot);
    for (int i = n - 1; i >= 0; i--)
        out[len++] = digits[i];
    int check = (BASE - weighted(out, (size_t)len)) % BASE;
    out[len++] = CODE_ALPHABET[check];
    out[len] = '\0';
    return 0;
}

int code_normalize(const char *in, char out[CODE_MAX], EwErr *err)
{
    char buf[CODE_MAX];
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (n + 1 >= sizeof buf)
            return ew_err(err, EW_EINPUT, "tracking code '%s' is too long", in);
        buf[n++] = (char)toupper((unsigned char)*p);
    }
    buf[n] = '\0';
    if (n < 9 || buf[3] != '-')
        return ew_err(err, EW_EINPUT,
                      "'%s' is not a tracking code (expected a hall code, a dash and five or "
                      "more characters, like H07-A3K9V)",
                      in);
    /* The hall part is digits: an O or I typed there can only mean 0 or 1. */
    for (int i = 1; i < 3; i++)
        buf[i] = buf[i] == 'O' ? '0' : buf[i] == 'I' || buf[i] == 'L' ? '1' : buf[i];
    buf[3] = '\0';
    if (!code_hall_valid(buf))
        return ew_err(err, EW_EINPUT, "tracking code '%s' does not start with a hall code like H07",
                      in);
    buf[3] = '-';
    for (size_t i = 4; i < n; i++)
        if (alpha_index(buf[i]) < 0)
            return ew_err(err, EW_EINPUT,
                          "tracking code '%s' has '%c', which no code contains (codes use "
                          "2-9 and A-Y without I, O)",
                          in, buf[i]);
    if (!code_slot_valid("hall", buf[4]) && !code_slot_valid("office", buf[4]))
        return ew_err(err, EW_EINPUT, "tracking code '%s' is not valid", in);
    /* Counter: buf[5] up to the check character. code_make never pads past
     * three characters nor writes more than twelve; parsing such a counter
     * would give a second spelling of a code, or overflow. */
    size_t counter_len = n - 6;
    if (counter_len > COUNTER_MAX || (counter_len > COUNTER_MIN && buf[5] == CODE_ALPHABET[0]))
        return ew_err(err, EW_EINPUT,
                      "tracking code '%s' has more characters than any code: a character may "
                      "be typed twice",
                      in);
    if ((weighted(buf, n - 1) + alpha_index(buf[n - 1])) % BASE != 0)
        return ew_err(err, EW_EINPUT,
                      "tracking code '%s' fails its check character: a character is mistyped "
                      "or two are swapped",
                      in);
    memcpy(out, buf, n + 1);
    return EW_OK;
}

int code_parse(const char *code, char hall[4], char *slot, int64_t *counter)
{
    char canon[CODE_MAX];
    if (code_normalize(code, canon, NULL) != EW_OK || strcmp(canon, code) != 0)
        return -1;
    size_t n = strlen(code);
    memcpy(hall, code, 3);
    hall[3] = '\0';
    *slot = code[4];
    int64_t c = 0;
    for (size_t i = 5; i + 1 < n; i++)
        c = c * BASE + alpha_index(code[i]);
    *counter = c;
    return 0;
}
