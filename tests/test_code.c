/*
 * test_code.c: tracking codes (src/core/code.c).
 *
 * Codes are rebuilt here by an independent implementation of the rule in
 * code.h (base-31 counter, weights 2, 3, 4... and a check character that
 * makes the weighted sum 0 mod 31), so code_make is read back against the
 * documented rule, not against itself. Then, for many codes (several halls,
 * every slot, counters of three and four characters): every single wrong
 * character and every swap of two different neighbours is refused by
 * code_normalize; lower case, surrounding spaces and O/I typed in the hall
 * part are accepted and canonicalised; malformed input is refused with a
 * message; code_parse gives back (hall, slot, counter) and accepts only
 * canonical codes; no two (slot, counter) pairs of a hall share a code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "testutil.h"

/* The alphabet as code.h spells it, typed out again on purpose. */
static const char ALPHA[] = "23456789ABCDEFGHJKLMNPQRSTUVWXY";
#define NALPHA 31

/* Every character a person might type in place of another. */
static const char TYPED[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "abcdefghijklmnopqrstuvwxyz-";

static const char *const HALLS[] = {"H01", "H02", "H07", "H10", "H11", "H19",
                                    "H20", "H29", "H30", "H37", "H38"};
#define NHALLS_T (sizeof HALLS / sizeof HALLS[0])

/* Counters: edges of one, two, three and four characters, and a spread. */
static const int64_t COUNTERS[] = {0,     1,     2,     30,    31,    32,    960,
                                   961,   962,   1495,  2000,  4321,  12345, 29789,
                                   29790, 29791, 29792, 30000, 33333, 39999, 40000};
#define NCOUNTERS (sizeof COUNTERS / sizeof COUNTERS[0])

static int alpha_value(char c)
{
    const char *p = strchr(ALPHA, c);
    return c && p ? (int)(p - ALPHA) : -1;
}

/* The value of a character before the check, as code.h defines it. */
static int char_value(int pos, char c)
{
    if (pos == 0)
        return 17; /* 'H' */
    if (pos < 3)
        return c - '0';
    return alpha_value(c);
}

/* An independent code builder: hall, '-', slot, the counter's base-31
 * digits (most significant first, `width` of them, at least as many as the
 * counter needs), and the check. */
static void ref_code_w(const char *hall, char slot, int64_t counter, int width, char *out)
{
    char digits[32];
    int n = 0;
    for (int64_t c = counter; c > 0; c /= NALPHA)
        digits[n++] = ALPHA[c % NALPHA];
    while (n < width)
        digits[n++] = ALPHA[0];
    int len = sprintf(out, "%s-%c", hall, slot);
    for (int i = n - 1; i >= 0; i--)
        out[len++] = digits[i];
    out[len] = '\0';
    int sum = 0, w = 2;
    for (int i = 0; i < len; i++) {
        if (i == 3)
            continue; /* the dash carries no value */
        sum += w++ * char_value(i, out[i]);
    }
    out[len++] = ALPHA[(NALPHA - sum % NALPHA) % NALPHA];
    out[len] = '\0';
}

static void ref_code(const char *hall, char slot, int64_t counter, char *out)
{
    ref_code_w(hall, slot, counter, 3, out);
}

/* What the hall part of a typed code means: upper case, and O, I (and l)
 * read as the digits they look like. */
static char effective(int pos, char typed)
{
    char c = (char)toupper((unsigned char)typed);
    if (pos == 1 || pos == 2) {
        if (c == 'O')
            return '0';
        if (c == 'I' || c == 'L')
            return '1';
    }
    return c;
}

static void expect_rejected(const char *typed, const char *why)
{
    char out[CODE_MAX];
    EwErr err = {0};
    int rc = code_normalize(typed, out, &err);
    if (rc != EW_EINPUT)
        print_error("'%s' (%s) was not rejected: rc %d, out '%s'\n", typed, why, rc,
                    rc == EW_OK ? out : "");
    assert_int_equal(rc, EW_EINPUT);
    assert_int_equal(err.code, EW_EINPUT);
    assert_true(strlen(err.msg) > 0);
}

static void expect_code(const char *typed, const char *canonical)
{
    char out[CODE_MAX];
    EwErr err = {0};
    int rc = code_normalize(typed, out, &err);
    if (rc != EW_OK)
        print_error("'%s' was rejected: %s\n", typed, err.msg);
    assert_int_equal(rc, EW_OK);
    assert_string_equal(out, canonical);
}

/* Calls fn for every sample code: every hall, every slot, every counter. */
static void each_code(void (*fn)(const char *code, void *ctx), void *ctx)
{
    for (size_t h = 0; h < NHALLS_T; h++)
        for (int s = 0; s < NALPHA; s++)
            for (size_t c = 0; c < NCOUNTERS; c++) {
                char code[CODE_MAX];
                assert_int_equal(code_make(HALLS[h], ALPHA[s], COUNTERS[c], code), 0);
                fn(code, ctx);
            }
}

static void test_alphabet(void **state)
{
    (void)state;
    assert_string_equal(CODE_ALPHABET, ALPHA);
    assert_int_equal(strlen(CODE_ALPHABET), NALPHA);
    for (int i = 0; i < NALPHA; i++)
        assert_null(strchr(CODE_ALPHABET + i + 1, CODE_ALPHABET[i])); /* distinct */
    for (const char *p = "01OIZ"; *p; p++)
        assert_null(strchr(CODE_ALPHABET, *p));
}

static void test_make_follows_the_rule(void **state)
{
    (void)state;
    char code[CODE_MAX], ref[CODE_MAX];
    /* Worked by hand from code.h: H=17*2 + 0*3 + 7*4 + A=8*5 + 3=1*6 + K=17*7 +
     * 9=7*8 = 283 = 4 (mod 31), check 27 = 'V'; 1495 = 1*961 + 17*31 + 7. */
    assert_int_equal(code_make("H07", 'A', 1495, code), 0);
    assert_string_equal(code, "H07-A3K9V");
    /* 17*2 + 0*3 + 1*4 = 38 = 7 (mod 31), check 24 = 'S'. */
    assert_int_equal(code_make("H01", '2', 0, code), 0);
    assert_string_equal(code, "H01-2222S");
    for (size_t h = 0; h < NHALLS_T; h++)
        for (int s = 0; s < NALPHA; s++)
            for (size_t c = 0; c < NCOUNTERS; c++) {
                assert_int_equal(code_make(HALLS[h], ALPHA[s], COUNTERS[c], code), 0);
                ref_code(HALLS[h], ALPHA[s], COUNTERS[c], ref);
                assert_string_equal(code, ref);
                /* three counter characters up to 31^3 - 1, then four */
                assert_int_equal(strlen(code), COUNTERS[c] < 29791 ? 9 : 10);
            }
    /* The largest counter code_make takes has twelve characters. */
    int64_t max = 1;
    for (int i = 0; i < 12; i++)
        max *= NALPHA;
    assert_int_equal(code_make("H38", 'Y', max - 1, code), 0);
    ref_code("H38", 'Y', max - 1, ref);
    assert_string_equal(code, ref);
    assert_int_equal(strlen(code), 18);
    expect_code(code, code);
    assert_int_equal(code_make("H38", 'Y', max, code), -1);
    assert_int_equal(code_make("H38", 'Y', INT64_MAX, code), -1);
    /* Refused inputs. */
    assert_int_equal(code_make("H07", 'A', -1, code), -1);
    assert_int_equal(code_make("H00", 'A', 1, code), -1);
    assert_int_equal(code_make("H7", 'A', 1, code), -1);
    assert_int_equal(code_make("h07", 'A', 1, code), -1);
    assert_int_equal(code_make("H007", 'A', 1, code), -1);
    assert_int_equal(code_make("X07", 'A', 1, code), -1);
    assert_int_equal(code_make(NULL, 'A', 1, code), -1);
    for (const char *p = "01IOZa-"; *p; p++)
        assert_int_equal(code_make("H07", *p, 1, code), -1);
    assert_int_equal(code_make("H07", '\0', 1, code), -1);
}

static void substitutions(const char *code, void *ctx)
{
    size_t *tried = ctx;
    size_t len = strlen(code);
    char typed[CODE_MAX];
    for (size_t pos = 0; pos < len; pos++)
        for (const char *t = TYPED; *t; t++) {
            if (effective((int)pos, *t) == code[pos])
                continue; /* the same character, typed another way */
            memcpy(typed, code, len + 1);
            typed[pos] = *t;
            expect_rejected(typed, "one character substituted");
            (*tried)++;
        }
}

static void test_every_substitution_rejected(void **state)
{
    (void)state;
    size_t tried = 0;
    each_code(substitutions, &tried);
    /* every position of every code, against ~60 characters each */
    assert_true(tried > NHALLS_T * NALPHA * NCOUNTERS * 9 * 55);
}

static void swaps(const char *code, void *ctx)
{
    size_t *tried = ctx;
    size_t len = strlen(code);
    char typed[CODE_MAX];
    for (size_t pos = 0; pos + 1 < len; pos++) {
        if (code[pos] == code[pos + 1])
            continue;
        memcpy(typed, code, len + 1);
        typed[pos] = code[pos + 1];
        typed[pos + 1] = code[pos];
        expect_rejected(typed, "two neighbours swapped");
        (*tried)++;
    }
}

static void test_every_adjacent_swap_rejected(void **state)
{
    (void)state;
    size_t tried = 0;
    each_code(swaps, &tried);
    assert_true(tried > NHALLS_T * NALPHA * NCOUNTERS * 5);
}

static void spellings(const char *code, void *ctx)
{
    (void)ctx;
    char typed[64];
    size_t len = strlen(code);
    expect_code(code, code);
    for (size_t i = 0; i <= len; i++)
        typed[i] = (char)tolower((unsigned char)code[i]);
    expect_code(typed, code);
    snprintf(typed, sizeof typed, "  %s ", code);
    expect_code(typed, code);
    snprintf(typed, sizeof typed, "\t%s\t ", code);
    expect_code(typed, code);
    /* alternate case */
    for (size_t i = 0; i <= len; i++)
        typed[i] = (char)(i % 2 ? tolower((unsigned char)code[i]) : code[i]);
    expect_code(typed, code);
}

static void test_case_and_spaces_canonicalised(void **state)
{
    (void)state;
    each_code(spellings, NULL);
}

static void test_hall_letters_read_as_digits(void **state)
{
    (void)state;
    static const char zero[] = "0Oo", one[] = "1Iil";
    char code[CODE_MAX], typed[CODE_MAX];
    int tried = 0;
    for (size_t h = 0; h < NHALLS_T; h++) {
        assert_int_equal(code_make(HALLS[h], 'K', 777, code), 0);
        /* Every way of typing the hall's 0 as O/o and its 1 as I/i (or l). */
        char keep1[2] = {code[1], 0}, keep2[2] = {code[2], 0};
        const char *a = code[1] == '0' ? zero : code[1] == '1' ? one : keep1;
        const char *b = code[2] == '0' ? zero : code[2] == '1' ? one : keep2;
        for (const char *x = a; *x; x++)
            for (const char *y = b; *y; y++) {
                memcpy(typed, code, sizeof typed);
                typed[1] = *x;
                typed[2] = *y;
                expect_code(typed, code);
                tried++;
            }
    }
    assert_true(tried > 30);
    expect_code("HO7-A3K9V", "H07-A3K9V");
    expect_code("ho7-a3k9v", "H07-A3K9V");
    code_make("H10", 'B', 5, code);
    snprintf(typed, sizeof typed, "HIO%s", code + 3);
    expect_code(typed, code);
    /* Outside the hall part O and I are not digits: refused, not guessed. */
    code_make("H07", 'A', 0, code); /* H07-A222x */
    memcpy(typed, code, sizeof typed);
    typed[4] = 'O';
    expect_rejected(typed, "O as a slot");
    typed[4] = 'I';
    expect_rejected(typed, "I as a slot");
    memcpy(typed, code, sizeof typed);
    typed[6] = 'O';
    expect_rejected(typed, "O in the counter");
}

static void test_wrong_shapes_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "   ",
        "H07",
        "H07-",
        "H07-A3K",      /* no check character */
        "H07-A3V",      /* two characters after the slot */
        "H07A3K9V",     /* no dash */
        "H07--A3K9V",
        "H07-A3K9V-",
        "H0-7A3K9V",
        "H007-A3K9V",
        "X07-A3K9V",
        "707-A3K9V",
        "-H07A3K9V",
        "H00-A2222U",   /* hall 00 does not exist */
        "HAB-A3K9V",
        "H07-A3K0V",    /* 0 is not in the alphabet */
        "H07-A3K1V",
        "H07-A3KZV",
        "H07-A3K9Z",
        "H07_A3K9V",
        "H07-A3K9V!",
        "H07-A3K9V\n",
        "H07\xE2\x80\x93" "A3K9V", /* an en dash */
        "\xE4\xB8\x80H07-A3K9V",   /* a CJK character in front */
        "H07-A3\xC3\xA9K9V",
        "H07-A3K9V H07-A3K9V",
        "H07-A3K9VH07-A3K9VH07-A3K9VH07-A3K9VH07-A3K9VH07-A3K9VH07-A3K9VH07-A3K9V",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[CODE_MAX];
        EwErr err = {0};
        assert_int_equal(code_normalize(bad[i], out, &err), EW_EINPUT);
        assert_int_equal(err.code, EW_EINPUT);
        /* the message is one line and quotes what was typed */
        assert_true(strlen(err.msg) > 10);
        if (strlen(bad[i]) < 40 && !strchr(bad[i], '\n'))
            assert_non_null(strstr(err.msg, bad[i]));
    }
    /* NULL err is allowed. */
    char out[CODE_MAX];
    assert_int_equal(code_normalize("H07-", out, NULL), EW_EINPUT);
    /* A mistyped check character is named as such. */
    EwErr err = {0};
    assert_int_equal(code_normalize("H07-A3K9W", out, &err), EW_EINPUT);
    assert_non_null(strstr(err.msg, "check"));
}

static void test_parse_round_trip(void **state)
{
    (void)state;
    for (size_t h = 0; h < NHALLS_T; h++)
        for (int s = 0; s < NALPHA; s++)
            for (int64_t c = 0; c <= 40000; c += (s % 7) + 13 * (int64_t)h + 1) {
                char code[CODE_MAX], hall[4] = "???", slot = 0;
                int64_t counter = -1;
                assert_int_equal(code_make(HALLS[h], ALPHA[s], c, code), 0);
                assert_int_equal(code_parse(code, hall, &slot, &counter), 0);
                assert_string_equal(hall, HALLS[h]);
                assert_int_equal(slot, ALPHA[s]);
                assert_int_equal(counter, c);
            }
    char hall[4], slot;
    int64_t counter;
    int64_t max = 1;
    for (int i = 0; i < 12; i++)
        max *= NALPHA;
    char code[CODE_MAX];
    assert_int_equal(code_make("H99", '9', max - 1, code), 0);
    assert_int_equal(code_parse(code, hall, &slot, &counter), 0);
    assert_int_equal(counter, max - 1);
    /* Only canonical codes parse: not lower case, spaced, nor broken ones. */
    assert_int_equal(code_parse("h07-a3k9v", hall, &slot, &counter), -1);
    assert_int_equal(code_parse(" H07-A3K9V", hall, &slot, &counter), -1);
    assert_int_equal(code_parse("HO7-A3K9V", hall, &slot, &counter), -1);
    assert_int_equal(code_parse("H07-A3K9W", hall, &slot, &counter), -1);
    assert_int_equal(code_parse("", hall, &slot, &counter), -1);
    assert_int_equal(code_parse("H07-A3K9V", hall, &slot, &counter), 0);
    assert_string_equal(hall, "H07");
    assert_int_equal(slot, 'A');
    assert_int_equal(counter, 1495);
}

/* A counter written with more characters than it needs (a leading '2', the
 * alphabet's zero) or more than any code has, with a correct check
 * character, is not the code of any appeal: code_make never writes one, and
 * parsing it would give a second spelling of an existing code or overflow
 * the counter. */
static void test_noncanonical_counters_rejected(void **state)
{
    (void)state;
    char typed[64];
    for (int width = 4; width <= 16; width++) {
        ref_code_w("H07", 'A', 1495, width, typed); /* H07-A2...23K9x */
        assert_int_equal(strlen(typed), (size_t)(6 + width));
        expect_rejected(typed, "padded counter");
        char hall[4], slot;
        int64_t counter;
        assert_int_equal(code_parse(typed, hall, &slot, &counter), -1);
    }
    /* Thirteen to sixteen characters with no padding: beyond code_make's
     * range, and beyond int64 from the fifteenth on. */
    for (int width = 13; width <= 16; width++) {
        char ys[32];
        memset(ys, 'Y', (size_t)width);
        ys[width] = '\0';
        int len = snprintf(typed, sizeof typed, "H07-A%s", ys);
        int sum = 17 * 2 + 0 * 3 + 7 * 4 + alpha_value('A') * 5;
        for (int i = 5; i < len; i++)
            sum += (i + 1) * alpha_value(typed[i]); /* weight of position i is i+1 */
        typed[len] = ALPHA[(NALPHA - sum % NALPHA) % NALPHA];
        typed[len + 1] = '\0';
        expect_rejected(typed, "overlong counter");
        char hall[4], slot;
        int64_t counter;
        assert_int_equal(code_parse(typed, hall, &slot, &counter), -1);
    }
}

static int cmp_code(const void *a, const void *b) { return strcmp(a, b); }

static void test_codes_unique_per_hall(void **state)
{
    (void)state;
    enum { N = 2001 };
    static const char *const halls[] = {"H01", "H07", "H38"};
    char(*codes)[CODE_MAX] = calloc((size_t)NALPHA * N, CODE_MAX);
    assert_non_null(codes);
    for (size_t h = 0; h < sizeof halls / sizeof halls[0]; h++) {
        size_t n = 0;
        for (int s = 0; s < NALPHA; s++)
            for (int64_t c = 0; c < N; c++)
                assert_int_equal(code_make(halls[h], ALPHA[s], c, codes[n++]), 0);
        qsort(codes, n, CODE_MAX, cmp_code);
        for (size_t i = 1; i < n; i++) {
            if (strcmp(codes[i - 1], codes[i]) == 0)
                print_error("two pairs give %s\n", codes[i]);
            assert_string_not_equal(codes[i - 1], codes[i]);
        }
    }
    free(codes);
}

static void test_slot_valid(void **state)
{
    (void)state;
    for (int c = 1; c < 256; c++) {
        int office = c >= '2' && c <= '9';
        int hall = c >= 'A' && c <= 'Y' && c != 'I' && c != 'O';
        assert_int_equal(!!code_slot_valid("office", (char)c), office);
        assert_int_equal(!!code_slot_valid("hall", (char)c), hall);
        /* every valid slot of either role can be minted with */
        if (office || hall) {
            char code[CODE_MAX];
            assert_int_equal(code_make("H07", (char)c, 3, code), 0);
        }
    }
    assert_false(code_slot_valid("office", '\0'));
    assert_false(code_slot_valid("hall", '\0'));
    /* 8 office slots and 23 hall slots: the 31 characters of the alphabet */
    int n = 0;
    for (const char *p = ALPHA; *p; p++)
        n += code_slot_valid("office", *p) + code_slot_valid("hall", *p);
    assert_int_equal(n, NALPHA);
    /* A role that is neither holds no slot. */
    assert_false(code_slot_valid("kiosk", 'A'));
    assert_false(code_slot_valid("", 'A'));
    assert_false(code_slot_valid("Office", '2'));
    assert_false(code_slot_valid(NULL, 'A'));
}

static void test_hall_valid(void **state)
{
    (void)state;
    char hall[4];
    for (int i = 1; i <= 99; i++) {
        snprintf(hall, sizeof hall, "H%02d", i);
        assert_true(code_hall_valid(hall));
    }
    static const char *const bad[] = {"H00", "H1", "H100", "h01", "H0A", "X01", "", " H01",
                                      "H01 ", "HO1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(code_hall_valid(bad[i]));
    assert_false(code_hall_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alphabet),
        cmocka_unit_test(test_make_follows_the_rule),
        cmocka_unit_test(test_every_substitution_rejected),
        cmocka_unit_test(test_every_adjacent_swap_rejected),
        cmocka_unit_test(test_case_and_spaces_canonicalised),
        cmocka_unit_test(test_hall_letters_read_as_digits),
        cmocka_unit_test(test_wrong_shapes_rejected),
        cmocka_unit_test(test_parse_round_trip),
        cmocka_unit_test(test_noncanonical_counters_rejected),
        cmocka_unit_test(test_codes_unique_per_hall),
        cmocka_unit_test(test_slot_valid),
        cmocka_unit_test(test_hall_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
