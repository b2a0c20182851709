/*
 * test_ime_text.c: the text being entered (src/ime/imetext.c) and the
 * UTF-8 cutting the engines use for their fixed buffers (imeutil.c).
 *
 * Appending respects the limit in characters and in bytes and refuses
 * invalid text whole; backspace removes one whole character, whatever its
 * length; the plain keys are the digit and Latin keyboards' own; a cut
 * never leaves half a character.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ew.h"
#include "imetext.h"
#include "imeutil.h"

static void test_append_and_backspace(void **state)
{
    (void)state;
    char buf[32] = "";
    assert_int_equal(ime_text_append(buf, sizeof buf, 10, "路灯"), EW_OK);
    assert_int_equal(ime_text_append(buf, sizeof buf, 10, "不亮"), EW_OK);
    assert_int_equal(ime_text_append(buf, sizeof buf, 10, "13"), EW_OK);
    assert_string_equal(buf, "路灯不亮13");
    assert_int_equal(ime_text_chars(buf), 6);
    /* Ten characters at most: five more do not fit, four do. */
    assert_int_equal(ime_text_append(buf, sizeof buf, 10, "一二三四五"), EW_ESTATE);
    assert_string_equal(buf, "路灯不亮13");
    assert_int_equal(ime_text_append(buf, sizeof buf, 10, "一二三四"), EW_OK);
    assert_int_equal(ime_text_chars(buf), 10);
    /* The bytes run out before the characters do. */
    char small[8] = "";
    assert_int_equal(ime_text_append(small, sizeof small, 100, "路灯"), EW_OK);
    assert_int_equal(ime_text_append(small, sizeof small, 100, "灯"), EW_ESTATE);
    assert_int_equal(ime_text_append(small, sizeof small, 100, "a"), EW_OK);
    assert_int_equal(strlen(small), 7);
    /* Invalid UTF-8 and control characters are refused whole. */
    assert_int_equal(ime_text_append(small, sizeof small, 100, ""), EW_OK);
    char tiny[16] = "";
    assert_int_equal(ime_text_append(tiny, sizeof tiny, 100, "\xe8\xb7"), EW_EINPUT);
    assert_int_equal(ime_text_append(tiny, sizeof tiny, 100, "\xc0\xaf"), EW_EINPUT);
    assert_int_equal(ime_text_append(tiny, sizeof tiny, 100, "a\x01"), EW_EINPUT);
    assert_string_equal(tiny, "");
    /* Backspace: one character at a time, of 1, 2, 3 or 4 bytes. */
    char mix[32] = "a\xc3\xa9路\xf0\x9f\x98\x80";
    assert_int_equal(ime_text_backspace(mix), 1);
    assert_string_equal(mix, "a\xc3\xa9路");
    assert_int_equal(ime_text_backspace(mix), 1);
    assert_string_equal(mix, "a\xc3\xa9");
    assert_int_equal(ime_text_backspace(mix), 1);
    assert_string_equal(mix, "a");
    assert_int_equal(ime_text_backspace(mix), 1);
    assert_string_equal(mix, "");
    assert_int_equal(ime_text_backspace(mix), 0);
}

static void test_plain_keys(void **state)
{
    (void)state;
    for (int c = '0'; c <= '9'; c++)
        assert_true(ime_text_plain_key(c));
    for (int c = 'a'; c <= 'z'; c++)
        assert_true(ime_text_plain_key(c) && ime_text_plain_key(c - 'a' + 'A'));
    static const char marks[] = " +-.,@#/";
    for (const char *m = marks; *m; m++)
        assert_true(ime_text_plain_key(*m));
    static const int not[] = {0, '\n', '\t', 0x7f, '\'', '"', '<', '\\', 0x4e00, -1, 256};
    for (size_t i = 0; i < sizeof not / sizeof not[0]; i++)
        assert_false(ime_text_plain_key(not[i]));
}

static void test_copy_utf8(void **state)
{
    (void)state;
    char out[8];
    ime_copy_utf8(out, sizeof out, "路灯");
    assert_string_equal(out, "路灯");
    ime_copy_utf8(out, sizeof out, "路灯不亮"); /* 12 bytes into 8: two characters */
    assert_string_equal(out, "路灯");
    ime_copy_utf8(out, 3, "路");
    assert_string_equal(out, "");
    ime_copy_utf8(out, sizeof out, "abcdefghij");
    assert_string_equal(out, "abcdefg");
    ime_copy_utf8(out, 5, "ab\xf0\x9f\x98\x80");
    assert_string_equal(out, "ab");
    ime_copy_utf8(out, 1, "x");
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_backspace),
        cmocka_unit_test(test_plain_keys),
        cmocka_unit_test(test_copy_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
