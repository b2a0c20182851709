/*
 * test_linebreak.c: Chinese line breaking (src/core/linebreak.c).
 *
 * With a fixed-width stand-in for the font (ASCII 10 px, everything else
 * 20 px): breaks between CJK characters, Latin words, numbers and tracking
 * codes kept whole, no line starting with closing punctuation or ending
 * with opening punctuation, spaces dropped at breaks, newlines, overlong
 * words split, the ellipsis when lines run out, invalid UTF-8 refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linebreak.h"
#include "testutil.h"

static int fixed(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    int w = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t l = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        w += c < 0x80 ? 10 : 20;
        i += l;
    }
    return w;
}

/* Lays out and returns the lines joined by '|' ("…" marks an ellipsis). */
static char *lay(const char *text, int width, int max_lines)
{
    LineSpan spans[64];
    int n = 0;
    assert_int_equal(linebreak(text, width, max_lines, fixed, NULL, spans, 64, &n), 0);
    static char out[2048];
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, sizeof out - len, "%s%.*s%s", i ? "|" : "", (int)spans[i].len,
                 text + spans[i].start, spans[i].ellipsis ? LINEBREAK_ELLIPSIS : "");
        /* every line fits */
        int w = fixed(NULL, text + spans[i].start, spans[i].len) + (spans[i].ellipsis ? 20 : 0);
        assert_true(w <= width || spans[i].len <= 4);
    }
    return out;
}

static void test_cjk(void **state)
{
    (void)state;
    /* 100 px = five CJK characters. */
    assert_string_equal(lay("路灯坏了三天没人修", 100, 0), "路灯坏了三|天没人修");
    assert_string_equal(lay("路灯", 100, 0), "路灯");
    assert_string_equal(lay("", 100, 0), "");
}

static void test_closing_punctuation_stays(void **state)
{
    (void)state;
    /* "，" would start line 2: it goes with the character before it. */
    assert_string_equal(lay("路灯坏了三，天没人修。", 100, 0), "路灯坏了|三，天没人|修。");
    /* "。」" together at the end. */
    assert_string_equal(lay("他说「路灯坏了」。好", 100, 0), "他说「路灯|坏了」。好");
    /* "」。" would start line 2: both go with the character before. */
    assert_string_equal(lay("他说「路灯」。好", 100, 0), "他说「路|灯」。好");
    for (const char *p = lay("请尽快修理路灯，谢谢。老人小孩出行很不方便、孩子上学要经过这里：", 100, 0);
         *p; p++)
        if (*p == '|') {
            const char *next = p + 1;
            assert_true(strncmp(next, "，", 3) && strncmp(next, "。", 3) &&
                        strncmp(next, "、", 3) && strncmp(next, "：", 3));
        }
}

static void test_opening_punctuation_stays(void **state)
{
    (void)state;
    /* "（" would end line 1: it goes with what follows. */
    assert_string_equal(lay("路灯坏了（三天）", 100, 0), "路灯坏了|（三天）");
    assert_string_equal(lay("一二三四《通知》", 100, 0), "一二三四|《通知》");
}

static void test_words_numbers_codes_whole(void **state)
{
    (void)state;
    /* H07-A3K9V is 90 px: it never splits. */
    assert_string_equal(lay("编号H07-A3K9V请查询", 100, 0), "编号|H07-A3K9V|请查询");
    assert_string_equal(lay("上午10:00到G205国道", 100, 0), "上午10:00|到G205国道");
    assert_string_equal(lay("上午10:00到G205国道", 80, 0), "上午|10:00到|G205国道");
    assert_string_equal(lay("降价3.5元", 60, 0), "降价|3.5元");
    assert_string_equal(lay("hello world again", 100, 0), "hello|world|again");
    assert_string_equal(lay("hello world again", 110, 0), "hello world|again");
    assert_string_equal(lay("ab cd ef", 50, 0), "ab cd|ef");
}

static void test_spaces_and_newlines(void **state)
{
    (void)state;
    assert_string_equal(lay("  路灯   坏了", 200, 0), "路灯   坏了");
    assert_string_equal(lay("路灯\n坏了", 200, 0), "路灯|坏了");
    assert_string_equal(lay("路灯\r\n\r\n坏了", 200, 0), "路灯||坏了");
    assert_string_equal(lay("abc def", 30, 0), "abc|def");
}

static void test_overlong_word_split(void **state)
{
    (void)state;
    assert_string_equal(lay("abcdefghijkl", 50, 0), "abcde|fghij|kl");
}

static void test_ellipsis(void **state)
{
    (void)state;
    /* Three lines of five characters available, twelve... cut at two. */
    assert_string_equal(lay("路灯坏了三天没人修理请尽快", 100, 2), "路灯坏了三|天没人修…");
    /* It fits without cutting: no ellipsis. */
    assert_string_equal(lay("路灯坏了", 100, 1), "路灯坏了");
    assert_string_equal(lay("hello world", 60, 1), "hell…");
}

static void test_bad_input(void **state)
{
    (void)state;
    LineSpan spans[8];
    int n = 7;
    assert_int_equal(linebreak("路灯\xff坏了", 100, 0, fixed, NULL, spans, 8, &n), -1);
    assert_int_equal(n, 0);
    /* Too narrow for a single CJK character. */
    assert_int_equal(linebreak("路灯", 10, 0, fixed, NULL, spans, 8, &n), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cjk),
        cmocka_unit_test(test_closing_punctuation_stays),
        cmocka_unit_test(test_opening_punctuation_stays),
        cmocka_unit_test(test_words_numbers_codes_whole),
        cmocka_unit_test(test_spaces_and_newlines),
        cmocka_unit_test(test_overlong_word_split),
        cmocka_unit_test(test_ellipsis),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
