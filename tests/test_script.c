/*
 * test_script.c: cmocka tests for src/ui/script.c (the kiosk's test script).
 *
 * Every command is parsed and its fields read back; every kind of syntax
 * error is checked for its exact message (line number and reason); files
 * are loaded from a temporary directory, including missing, oversized and
 * unreadable ones.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ew.h"
#include "script.h"
#include "testutil.h"

/* Parses text (a string literal: its length is taken with sizeof, so it may
 * hold NUL bytes) and asserts success. */
#define PARSE_OK(lit) parse_ok(lit, sizeof(lit) - 1)
/* Parses text and asserts the error message exactly. */
#define PARSE_ERR(lit, msg) parse_err(lit, sizeof(lit) - 1, msg)

static Script parse_ok(const char *text, size_t len)
{
    Script s;
    char err[256] = "";
    int rc = script_parse(text, len, &s, err, sizeof err);
    if (rc != 0)
        print_error("unexpected parse error: %s\n", err);
    assert_int_equal(rc, 0);
    return s;
}

static void parse_err(const char *text, size_t len, const char *msg)
{
    Script s = {(Step *)1, 99};
    char err[256] = "";
    int rc = script_parse(text, len, &s, err, sizeof err);
    if (rc == 0 || strcmp(err, msg) != 0)
        print_error("script: %.*s\n   got: %s\nwanted: %s\n", (int)len, text, err, msg);
    assert_int_equal(rc, EW_EINPUT);
    assert_string_equal(err, msg);
    assert_null(s.steps);
    assert_int_equal(s.n, 0);
}

/* A one-step script: parses it and checks kind and line 1. */
static Step one(const char *text, StepKind kind, Script *s)
{
    *s = parse_ok(text, strlen(text));
    assert_int_equal(s->n, 1);
    assert_int_equal(s->steps[0].kind, kind);
    assert_int_equal(s->steps[0].line, 1);
    return s->steps[0];
}

static void check_press(const char *text, const char *label, int nth)
{
    Script s;
    Step st = one(text, STEP_PRESS, &s);
    assert_string_equal(st.text, label);
    assert_int_equal(st.nth, nth);
    script_free(&s);
}

static void check_text(const char *text, StepKind kind, const char *want)
{
    Script s;
    Step st = one(text, kind, &s);
    assert_string_equal(st.text, want);
    assert_int_equal(st.nth, 0);
    script_free(&s);
}

/* ---- each command ---- */

static void test_tap(void **state)
{
    (void)state;
    Script s;
    Step st = one("tap 10 20", STEP_TAP, &s);
    assert_int_equal(st.x1, 10);
    assert_int_equal(st.y1, 20);
    assert_int_equal(st.x2, 0);
    assert_int_equal(st.ms, 0);
    assert_null(st.text);
    script_free(&s);

    st = one("  tap\t0   32767  ", STEP_TAP, &s);
    assert_int_equal(st.x1, 0);
    assert_int_equal(st.y1, SCRIPT_MAX_COORD);
    script_free(&s);

    st = one("tap 007 00", STEP_TAP, &s); /* leading zeros are still decimal */
    assert_int_equal(st.x1, 7);
    assert_int_equal(st.y1, 0);
    script_free(&s);
}

static void test_drag(void **state)
{
    (void)state;
    Script s;
    Step st = one("drag 100 900 100 200 350", STEP_DRAG, &s);
    assert_int_equal(st.x1, 100);
    assert_int_equal(st.y1, 900);
    assert_int_equal(st.x2, 100);
    assert_int_equal(st.y2, 200);
    assert_int_equal(st.ms, 350);
    assert_null(st.text);
    script_free(&s);

    st = one("drag 0 0 1919 1079 0", STEP_DRAG, &s);
    assert_int_equal(st.x2, 1919);
    assert_int_equal(st.y2, 1079);
    assert_int_equal(st.ms, 0);
    script_free(&s);

    st = one("drag 1 2 3 4 3600000", STEP_DRAG, &s);
    assert_int_equal(st.ms, SCRIPT_MAX_MS);
    script_free(&s);
}

static void test_press(void **state)
{
    (void)state;
    check_press("press 看回音壁", "看回音壁", 0);
    check_press("press 返回 #2", "返回", 2);
    check_press("press 返回\t#3", "返回", 3);
    check_press("press 返回 #007", "返回", 7);
    check_press("press 返回 #9999", "返回", SCRIPT_MAX_NTH);
    check_press("press Back", "Back", 0);
    /* A label with spaces: inner whitespace kept, outer trimmed. */
    check_press("press 我要 反映", "我要 反映", 0);
    check_press("press   Show  all\tappeals   ", "Show  all\tappeals", 0);
    check_press("press H07 村委会 #1", "H07 村委会", 1);
}

static void test_press_hash(void **state)
{
    (void)state;
    /* A '#' glued to the text before it is text. */
    check_press("press A#1", "A#1", 0);
    check_press("press C# 语言 #1", "C# 语言", 1);
    check_press("press 第#2号", "第#2号", 0);
    /* The index, then a comment. */
    check_press("press 返回 #2 # the second back button", "返回", 2);
    check_press("press 返回 #2 #3", "返回", 2);
    check_press("press 返回 #2   ", "返回", 2);
    /* A '#' after a space that is not a lone index starts a comment. */
    check_press("press 返回 # 回到首页", "返回", 0);
    check_press("press A #2 B", "A", 0);
    check_press("press A #2B", "A", 0);
    check_press("press A #x", "A", 0);
    check_press("press A #", "A", 0);
    check_press("press A #-1", "A", 0);
    check_press("press A ##2", "A", 0);
}

static void test_expect(void **state)
{
    (void)state;
    check_text("expect 内容待审核", STEP_EXPECT, "内容待审核");
    check_text("expect   H07-A3K9V  ", STEP_EXPECT, "H07-A3K9V");
    check_text("expect 还在使用吗？", STEP_EXPECT, "还在使用吗？");
    check_text("expect 逾期 3 天", STEP_EXPECT, "逾期 3 天");
    check_text("expect 逾期 3 天 # overdue, in red", STEP_EXPECT, "逾期 3 天");
    check_text("expect C#", STEP_EXPECT, "C#");
    check_text("expect 第 #1 名", STEP_EXPECT, "第"); /* documented: a comment */
}

static void test_type(void **state)
{
    (void)state;
    check_text("type nihao", STEP_TYPE, "nihao");
    check_text("type 你好", STEP_TYPE, "你好");
    check_text("type zhang san", STEP_TYPE, "zhang san");
    /* Exactly one separator is consumed; further spaces are typed. */
    check_text("type  two", STEP_TYPE, " two");
    check_text("type\tx", STEP_TYPE, "x");
    check_text("type \tx", STEP_TYPE, "\tx");
    check_text("   type 123   ", STEP_TYPE, "123");
    check_text("type 你好 # greet", STEP_TYPE, "你好");
    check_text("type a#b", STEP_TYPE, "a#b");
}

static void test_key(void **state)
{
    (void)state;
    static const char *const names[] = {
        "Return", "BackSpace", "Escape", "Tab", "Left", "Right", "Up", "Down",
        "Home", "End", "Delete", "Space", "F1", "F2", "F3", "F4",
        "F5", "F6", "F7", "F8", "F9", "F10", "F11", "F12",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "key %s", names[i]);
        check_text(line, STEP_KEY, names[i]);
    }
    check_text("key Return # submit", STEP_KEY, "Return");
}

static void test_wait(void **state)
{
    (void)state;
    Script s;
    Step st = one("wait 80000", STEP_WAIT, &s);
    assert_int_equal(st.ms, 80000);
    assert_null(st.text);
    script_free(&s);
    st = one("wait 0", STEP_WAIT, &s);
    assert_int_equal(st.ms, 0);
    script_free(&s);
    st = one("wait 3600000 # an hour", STEP_WAIT, &s);
    assert_int_equal(st.ms, SCRIPT_MAX_MS);
    script_free(&s);
}

static void test_screenshot(void **state)
{
    (void)state;
    check_text("screenshot home", STEP_SCREENSHOT, "home");
    check_text("screenshot wall-1080x1920_v2.0", STEP_SCREENSHOT, "wall-1080x1920_v2.0");
    check_text("screenshot .hidden", STEP_SCREENSHOT, ".hidden");
    char line[160] = "screenshot ";
    memset(line + strlen(line), 'a', SCRIPT_MAX_NAME);
    check_text(line, STEP_SCREENSHOT, line + strlen("screenshot "));
}

/* ---- lines, comments, line ends ---- */

static void test_whole_script(void **state)
{
    (void)state;
    Script s = PARSE_OK("# Walk to the wall and open an appeal.\n"
                        "\n"
                        "press 看回音壁     # the big tile\n"
                        "   \t  \n"
                        "wait 500\n"
                        "    # an indented comment\n"
                        "expect 内容待审核\n"
                        "drag 640 700 640 200 300\n"
                        "tap 320 240\n"
                        "press 返回 #2\n"
                        "type zhangsan\n"
                        "key Return\n"
                        "screenshot wall\n");
    static const struct {
        StepKind kind;
        int line;
        const char *text;
    } want[] = {
        {STEP_PRESS, 3, "看回音壁"}, {STEP_WAIT, 5, NULL},  {STEP_EXPECT, 7, "内容待审核"},
        {STEP_DRAG, 8, NULL},        {STEP_TAP, 9, NULL},   {STEP_PRESS, 10, "返回"},
        {STEP_TYPE, 11, "zhangsan"}, {STEP_KEY, 12, "Return"}, {STEP_SCREENSHOT, 13, "wall"},
    };
    assert_int_equal(s.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.steps[i].kind, want[i].kind);
        assert_int_equal(s.steps[i].line, want[i].line);
        if (want[i].text)
            assert_string_equal(s.steps[i].text, want[i].text);
        else
            assert_null(s.steps[i].text);
    }
    assert_int_equal(s.steps[1].ms, 500);
    assert_int_equal(s.steps[5].nth, 2);
    script_free(&s);
}

static void test_empty_and_comments(void **state)
{
    (void)state;
    Script s = PARSE_OK("");
    assert_int_equal(s.n, 0);
    assert_null(s.steps);
    script_free(&s);

    s = PARSE_OK("# nothing but comments\n\n   \n\t# and blanks\n#\n");
    assert_int_equal(s.n, 0);
    assert_null(s.steps);
    script_free(&s);

    /* Comments after every kind of command. */
    s = PARSE_OK("tap 1 2 # a\ndrag 1 2 3 4 5\t# b\nwait 9 #c\nkey Tab #\nscreenshot x #y\n");
    assert_int_equal(s.n, 5);
    assert_int_equal(s.steps[0].y1, 2);
    assert_int_equal(s.steps[1].ms, 5);
    assert_int_equal(s.steps[2].ms, 9);
    assert_string_equal(s.steps[3].text, "Tab");
    assert_string_equal(s.steps[4].text, "x");
    script_free(&s);
}

static void test_crlf(void **state)
{
    (void)state;
    Script s = PARSE_OK("tap 1 2\r\nexpect 好\r\n\r\n# c\r\npress 返回 #2\r\ntype ab\r");
    assert_int_equal(s.n, 4);
    assert_int_equal(s.steps[0].line, 1);
    assert_int_equal(s.steps[1].line, 2);
    assert_string_equal(s.steps[1].text, "好");
    assert_int_equal(s.steps[2].line, 5);
    assert_string_equal(s.steps[2].text, "返回");
    assert_int_equal(s.steps[2].nth, 2);
    assert_int_equal(s.steps[3].line, 6);
    assert_string_equal(s.steps[3].text, "ab");
    script_free(&s);
}

static void test_bom_and_length(void **state)
{
    (void)state;
    /* A byte order mark (as Notepad writes) is skipped. */
    Script s = PARSE_OK("\xEF\xBB\xBFtap 1 2\n");
    assert_int_equal(s.n, 1);
    assert_int_equal(s.steps[0].x1, 1);
    script_free(&s);

    /* Only len bytes are read: the text need not be NUL-terminated. */
    const char buf[] = "wait 12345 and more";
    s = parse_ok(buf, strlen("wait 12"));
    assert_int_equal(s.n, 1);
    assert_int_equal(s.steps[0].ms, 12);
    script_free(&s);

    /* Many steps (the array grows). */
    size_t n = 1000;
    char *big = malloc(n * 16);
    assert_non_null(big);
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(big + len, "wait %zu\n", i);
    s = parse_ok(big, len);
    assert_int_equal(s.n, n);
    assert_int_equal(s.steps[n - 1].ms, (int)(n - 1));
    assert_int_equal(s.steps[n - 1].line, (int)n);
    script_free(&s);
    free(big);
}

/* ---- errors ---- */

static void test_err_command(void **state)
{
    (void)state;
    PARSE_ERR("click 1 2",
              "line 1: unknown command 'click' (expected tap, drag, press, expect, type, key, wait or screenshot)");
    PARSE_ERR("# start\n\nTap 1 2", "line 3: unknown command 'Tap' (did you mean 'tap'? commands are lower case)");
    PARSE_ERR("tap1 2",
              "line 1: unknown command 'tap1' (expected tap, drag, press, expect, type, key, wait or screenshot)");
    PARSE_ERR("点击 看回音壁",
              "line 1: unknown command '点击' (expected tap, drag, press, expect, type, key, wait or screenshot)");
    /* The first bad line is reported, and what was parsed before is freed. */
    PARSE_ERR("tap 1 2\npress 返回\nbogus\nalso bogus",
              "line 3: unknown command 'bogus' (expected tap, drag, press, expect, type, key, wait or screenshot)");
    /* Long tokens are shortened on a character boundary. */
    PARSE_ERR("回回回回回回回回回回回回回回回回回回回回",
              "line 1: unknown command '回回回回回回回回回回回回回...' (expected tap, drag, press, expect, "
              "type, key, wait or screenshot)");
}

static void test_err_numbers(void **state)
{
    (void)state;
    PARSE_ERR("tap", "line 1: X is missing (expected tap X Y)");
    PARSE_ERR("tap 1", "line 1: Y is missing (expected tap X Y)");
    PARSE_ERR("tap 1 # 2", "line 1: Y is missing (expected tap X Y)");
    PARSE_ERR("tap 1 2 3", "line 1: unexpected '3' (expected tap X Y)");
    PARSE_ERR("tap 1 2 foo", "line 1: unexpected 'foo' (expected tap X Y)");
    PARSE_ERR("tap -1 2", "line 1: tap X must be a whole number from 0 to 32767 (screen pixels), got '-1'");
    PARSE_ERR("tap +1 2", "line 1: tap X must be a whole number from 0 to 32767 (screen pixels), got '+1'");
    PARSE_ERR("tap 1 2.5", "line 1: tap Y must be a whole number from 0 to 32767 (screen pixels), got '2.5'");
    PARSE_ERR("tap 0x10 1", "line 1: tap X must be a whole number from 0 to 32767 (screen pixels), got '0x10'");
    PARSE_ERR("tap 32768 1", "line 1: tap X must be a whole number from 0 to 32767 (screen pixels), got '32768'");
    PARSE_ERR("tap 1 99999999999999999999999",
              "line 1: tap Y must be a whole number from 0 to 32767 (screen pixels), "
              "got '99999999999999999999999'");
    PARSE_ERR("tap 1,2", "line 1: tap X must be a whole number from 0 to 32767 (screen pixels), got '1,2'");
    PARSE_ERR("tap １ 2", "line 1: tap X must be a whole number from 0 to 32767 (screen pixels), got '１'");

    PARSE_ERR("drag 1 2 3 4", "line 1: MS is missing (expected drag X1 Y1 X2 Y2 MS)");
    PARSE_ERR("drag 1 2", "line 1: X2 is missing (expected drag X1 Y1 X2 Y2 MS)");
    PARSE_ERR("drag 1 2 3 4 5 6", "line 1: unexpected '6' (expected drag X1 Y1 X2 Y2 MS)");
    PARSE_ERR("drag 1 2 3 -4 5",
              "line 1: drag Y2 must be a whole number from 0 to 32767 (screen pixels), got '-4'");
    PARSE_ERR("drag 1 2 3 4 3600001",
              "line 1: drag MS must be a whole number from 0 to 3600000 (milliseconds), got '3600001'");

    PARSE_ERR("wait", "line 1: MS is missing (expected wait MS)");
    PARSE_ERR("wait 10ms", "line 1: wait MS must be a whole number from 0 to 3600000 (milliseconds), got '10ms'");
    PARSE_ERR("wait -5", "line 1: wait MS must be a whole number from 0 to 3600000 (milliseconds), got '-5'");
    PARSE_ERR("wait 3600001",
              "line 1: wait MS must be a whole number from 0 to 3600000 (milliseconds), got '3600001'");
    PARSE_ERR("wait 1 2", "line 1: unexpected '2' (expected wait MS)");
}

static void test_err_press(void **state)
{
    (void)state;
    PARSE_ERR("press", "line 1: press LABEL is missing (expected press LABEL or press LABEL #N)");
    PARSE_ERR("press    ", "line 1: press LABEL is missing (expected press LABEL or press LABEL #N)");
    PARSE_ERR("press # what", "line 1: press LABEL is missing (expected press LABEL or press LABEL #N)");
    PARSE_ERR("press #2", "line 1: press LABEL is missing before '#2' (expected press LABEL or press LABEL #N)");
    PARSE_ERR("press 返回 #0", "line 1: press index #N must be a whole number from 1 to 9999, got '#0'");
    PARSE_ERR("press 返回 #10000", "line 1: press index #N must be a whole number from 1 to 9999, got '#10000'");
    PARSE_ERR("press 返回 #99999999999999999999",
              "line 1: press index #N must be a whole number from 1 to 9999, got '#99999999999999999999'");
}

static void test_err_text(void **state)
{
    (void)state;
    PARSE_ERR("expect", "line 1: expect TEXT is missing (the text that must be visible)");
    PARSE_ERR("expect   # nothing", "line 1: expect TEXT is missing (the text that must be visible)");
    PARSE_ERR("type", "line 1: type TEXT is missing (the keys to type)");
    PARSE_ERR("type    ", "line 1: type TEXT is missing (the keys to type)");
    PARSE_ERR("type #", "line 1: type TEXT is missing (the keys to type)");
    PARSE_ERR("tap 1 2\r\n\r\ntype\r\n", "line 3: type TEXT is missing (the keys to type)");
}

static void test_err_key(void **state)
{
    (void)state;
    PARSE_ERR("key",
              "line 1: key NAME is missing (one of Return, BackSpace, Escape, Tab, Left, Right, Up, Down, "
              "Home, End, Delete, Space, F1..F12)");
    PARSE_ERR("key Enter",
              "line 1: unknown key 'Enter' (expected one of Return, BackSpace, Escape, Tab, Left, Right, Up, "
              "Down, Home, End, Delete, Space, F1..F12)");
    PARSE_ERR("key F13",
              "line 1: unknown key 'F13' (expected one of Return, BackSpace, Escape, Tab, Left, Right, Up, "
              "Down, Home, End, Delete, Space, F1..F12)");
    PARSE_ERR("key return", "line 1: unknown key 'return' (did you mean 'Return'? names are case-sensitive)");
    PARSE_ERR("key Backspace", "line 1: unknown key 'Backspace' (did you mean 'BackSpace'? names are case-sensitive)");
    PARSE_ERR("key Return Tab", "line 1: unexpected 'Tab' (expected key NAME)");
}

static void test_err_screenshot(void **state)
{
    (void)state;
    PARSE_ERR("screenshot", "line 1: screenshot NAME is missing (the file is NAME.png)");
    PARSE_ERR("screenshot a/b",
              "line 1: screenshot NAME 'a/b' may contain only letters, digits, '-', '_' and '.'");
    PARSE_ERR("screenshot ../etc",
              "line 1: screenshot NAME '../etc' may contain only letters, digits, '-', '_' and '.'");
    PARSE_ERR("screenshot ..", "line 1: screenshot NAME '..' must not contain '..'");
    PARSE_ERR("screenshot a..b", "line 1: screenshot NAME 'a..b' must not contain '..'");
    PARSE_ERR("screenshot 首页",
              "line 1: screenshot NAME '首页' may contain only letters, digits, '-', '_' and '.'");
    PARSE_ERR("screenshot a b", "line 1: unexpected 'b' (expected screenshot NAME)");

    char line[160] = "screenshot ";
    memset(line + strlen(line), 'a', SCRIPT_MAX_NAME + 1);
    char want[256];
    snprintf(want, sizeof want, "line 1: screenshot NAME '%.40s...' is longer than 100 characters",
             line + strlen("screenshot "));
    parse_err(line, strlen(line), want);
}

static void test_err_encoding(void **state)
{
    (void)state;
    PARSE_ERR("tap 1 2\nexpect \xff", "line 2: not valid UTF-8 (byte 0xFF at column 8)");
    PARSE_ERR("expect 好\xe5\xa5", "line 1: not valid UTF-8 (byte 0xE5 at column 9)");
    PARSE_ERR("expect \xc0\xaf", "line 1: not valid UTF-8 (byte 0xC0 at column 8)");         /* overlong '/' */
    PARSE_ERR("expect \xed\xa0\x80", "line 1: not valid UTF-8 (byte 0xED at column 8)");     /* surrogate */
    PARSE_ERR("expect \xf4\x90\x80\x80", "line 1: not valid UTF-8 (byte 0xF4 at column 8)"); /* > U+10FFFF */
    PARSE_ERR("expect \x80", "line 1: not valid UTF-8 (byte 0x80 at column 8)");
    /* GB18030 text (the other encoding Chinese Windows saves in). */
    PARSE_ERR("\n\npress \xbf\xb4\xbb\xd8\xd2\xf4\xc7\xbd", "line 3: not valid UTF-8 (byte 0xBF at column 7)");
    /* Comments are checked too. */
    PARSE_ERR("# \xfe\n", "line 1: not valid UTF-8 (byte 0xFE at column 3)");
    PARSE_ERR("tap 1\x01 2", "line 1: control character 0x01 at column 6");
    PARSE_ERR("tap 1\0 2", "line 1: control character 0x00 at column 6");
    PARSE_ERR("wait 5\x7f", "line 1: control character 0x7F at column 7");
    PARSE_ERR("tap 1 2\rwait 5\n", "line 1: stray carriage return at column 8 (lines end in LF or CRLF)");
    PARSE_ERR("tap 1 2\r\r\n", "line 1: stray carriage return at column 8 (lines end in LF or CRLF)");
}

static void test_err_buffer(void **state)
{
    (void)state;
    Script s;
    char err[10];
    memset(err, 'x', sizeof err);
    assert_int_equal(script_parse("bogus", 5, &s, err, sizeof err), EW_EINPUT);
    assert_string_equal(err, "line 1: u"); /* truncated, NUL-terminated */
    assert_int_equal(script_parse("bogus", 5, &s, NULL, 0), EW_EINPUT);
    assert_int_equal(script_parse("bogus", 5, &s, err, 0), EW_EINPUT);
    assert_null(s.steps);

    /* A shortened Chinese token is cut on a character boundary. */
    PARSE_ERR("key 回回回回回回回回回回回回回回回回回回回回回回",
              "line 1: unknown key '回回回回回回回回回回回回回...' (expected one of Return, BackSpace, Escape, "
              "Tab, Left, Right, Up, Down, Home, End, Delete, Space, F1..F12)");
}

/* ---- files ---- */

static void test_load(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "walk.txt");
    static const char walk[] = "press 看回音壁\r\nexpect 内容待审核 # pending\r\nscreenshot wall\r\n";
    tu_write_file(path, walk, sizeof walk - 1);

    Script s;
    char err[256] = "";
    assert_int_equal(script_load(path, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 3);
    assert_string_equal(s.steps[0].text, "看回音壁");
    assert_string_equal(s.steps[1].text, "内容待审核");
    assert_int_equal(s.steps[2].line, 3);
    script_free(&s);

    /* A syntax error: the parser's message, unchanged. */
    static const char bad[] = "tap 1 2\nwait soon\n";
    tu_write_file(path, bad, sizeof bad - 1);
    assert_int_equal(script_load(path, &s, err, sizeof err), EW_EINPUT);
    assert_string_equal(err, "line 2: wait MS must be a whole number from 0 to 3600000 (milliseconds), got 'soon'");
    assert_null(s.steps);

    /* Invalid UTF-8 in a file. */
    static const char gbk[] = "expect \xc4\xda\xc8\xdd\n";
    tu_write_file(path, gbk, sizeof gbk - 1);
    assert_int_equal(script_load(path, &s, err, sizeof err), EW_EINPUT);
    assert_string_equal(err, "line 1: not valid UTF-8 (byte 0xC4 at column 8)");

    /* An empty file is an empty script. */
    tu_write_file(path, "", 0);
    assert_int_equal(script_load(path, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 0);
    script_free(&s);

    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_load_missing(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "nope.txt");
    Script s = {(Step *)1, 5};
    char err[512] = "";
    assert_int_equal(script_load(path, &s, err, sizeof err), EW_EIO);
    assert_null(s.steps);
    assert_int_equal(s.n, 0);
    char want[512];
    snprintf(want, sizeof want, "cannot open %s: No such file or directory", path);
    assert_string_equal(err, want);

    /* A directory opens but does not read. */
    assert_int_equal(script_load(dir, &s, err, sizeof err), EW_EIO);
    snprintf(want, sizeof want, "cannot read %s: Is a directory", dir);
    assert_string_equal(err, want);
    assert_null(s.steps);

    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_load_size(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "big.txt");
    size_t cap = SCRIPT_MAX_FILE;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);

    /* Exactly 1 MiB: comment lines of 64 bytes, then one step. */
    for (size_t i = 0; i < cap; i += 64) {
        memset(buf + i, ' ', 64);
        buf[i] = '#';
        buf[i + 63] = '\n';
    }
    memcpy(buf + cap - 9, "wait 42\n", 8);
    buf[cap - 10] = '\n';
    tu_write_file(path, buf, cap);
    Script s;
    char err[512] = "";
    assert_int_equal(script_load(path, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.steps[0].ms, 42);
    assert_int_equal(s.steps[0].line, (int)(cap / 64) + 1);
    script_free(&s);

    /* One byte more is refused before parsing. */
    buf[cap] = '\n';
    tu_write_file(path, buf, cap + 1);
    assert_int_equal(script_load(path, &s, err, sizeof err), EW_EIO);
    char want[512];
    snprintf(want, sizeof want, "%s is larger than 1 MiB", path);
    assert_string_equal(err, want);
    assert_null(s.steps);

    free(buf);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_free_and_names(void **state)
{
    (void)state;
    script_free(NULL);
    Script s = {NULL, 0};
    script_free(&s);
    s = PARSE_OK("press 确认\n");
    script_free(&s);
    script_free(&s); /* already freed: fine */
    assert_null(s.steps);

    assert_string_equal(script_kind_name(STEP_TAP), "tap");
    assert_string_equal(script_kind_name(STEP_DRAG), "drag");
    assert_string_equal(script_kind_name(STEP_PRESS), "press");
    assert_string_equal(script_kind_name(STEP_EXPECT), "expect");
    assert_string_equal(script_kind_name(STEP_TYPE), "type");
    assert_string_equal(script_kind_name(STEP_KEY), "key");
    assert_string_equal(script_kind_name(STEP_WAIT), "wait");
    assert_string_equal(script_kind_name(STEP_SCREENSHOT), "screenshot");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tap),
        cmocka_unit_test(test_drag),
        cmocka_unit_test(test_press),
        cmocka_unit_test(test_press_hash),
        cmocka_unit_test(test_expect),
        cmocka_unit_test(test_type),
        cmocka_unit_test(test_key),
        cmocka_unit_test(test_wait),
        cmocka_unit_test(test_screenshot),
        cmocka_unit_test(test_whole_script),
        cmocka_unit_test(test_empty_and_comments),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bom_and_length),
        cmocka_unit_test(test_err_command),
        cmocka_unit_test(test_err_numbers),
        cmocka_unit_test(test_err_press),
        cmocka_unit_test(test_err_text),
        cmocka_unit_test(test_err_key),
        cmocka_unit_test(test_err_screenshot),
        cmocka_unit_test(test_err_encoding),
        cmocka_unit_test(test_err_buffer),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_load_missing),
        cmocka_unit_test(test_load_size),
        cmocka_unit_test(test_free_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
