/*
 * test_csv.c - cmocka tests for src/core/csv.c
 *
 * Decoding (UTF-8, GB18030, mixed), parsing, writing and dates; the
 * formula guard (a cell a spreadsheet would run is written with an
 * apostrophe, which the parser takes off again), checked by reading the
 * written file back with LibreOffice headless with formulas evaluated
 * (skipped, saying so, without libreoffice).
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
#include <unistd.h>

#include "../src/core/csv.h"

/* UTF-8 and GB18030 spellings of the same text. */
#define U_ZHIBU   "\xE6\x94\xAF\xE9\x83\xA8"          /* 支部 */
#define G_ZHIBU   "\xD6\xA7\xB2\xBF"
#define U_XINGMING "\xE5\xA7\x93\xE5\x90\x8D"         /* 姓名 */
#define G_XINGMING "\xD0\xD5\xC3\xFB"
#define U_ZHANGSAN "\xE5\xBC\xA0\xE4\xB8\x89"         /* 张三 */
#define G_ZHANGSAN "\xD5\xC5\xC8\xFD"
#define U_EMOJI   "\xF0\x9F\x98\x80"                  /* U+1F600, 4-byte GB18030 */
#define G_EMOJI   "\x94\x39\xFC\x36"
#define U_EURO    "\xE2\x82\xAC"                      /* € */
#define G_EURO    "\xA2\xE3"

static char *decode_ok(const char *in, size_t len, size_t *outlen)
{
    char *out = (char *)1;
    char err[128] = "";
    size_t n = 99;
    int rc = csv_decode((const unsigned char *)in, len, &out, &n, err, sizeof err);
    if (rc != 0)
        print_error("unexpected decode error: %s\n", err);
    assert_int_equal(rc, 0);
    assert_non_null(out);
    assert_int_equal(strlen(out), n);
    if (outlen)
        *outlen = n;
    return out;
}

#define DECODE_EQ(lit, expect)                                  \
    do {                                                        \
        size_t n_;                                              \
        char *o_ = decode_ok(lit, sizeof(lit) - 1, &n_);        \
        assert_int_equal(n_, sizeof(expect) - 1);               \
        assert_memory_equal(o_, expect, n_);                    \
        free(o_);                                               \
    } while (0)

static void decode_err(const char *in, size_t len, const char *expect_err)
{
    char *out = (char *)1;
    char err[128] = "";
    size_t n = 99;
    assert_int_equal(csv_decode((const unsigned char *)in, len, &out, &n, err,
                                sizeof err), -1);
    assert_null(out);
    assert_int_equal(n, 0);
    assert_string_equal(err, expect_err);
}

/* ---------------------------------------------------------------- decode */

static void test_decode_bom(void **state)
{
    (void)state;
    DECODE_EQ("\xEF\xBB\xBF" "a,b\r\n", "a,b\r\n");
    DECODE_EQ("\xEF\xBB\xBF" U_ZHIBU ",x\n", U_ZHIBU ",x\n");
    DECODE_EQ("\xEF\xBB\xBF", "");
    /* Only a leading BOM is stripped. */
    DECODE_EQ("a\n\xEF\xBB\xBF" "b", "a\n\xEF\xBB\xBF" "b");
}

static void test_decode_plain(void **state)
{
    (void)state;
    DECODE_EQ("", "");
    DECODE_EQ("abc", "abc");
    DECODE_EQ("a\n\nb\n", "a\n\nb\n");
    DECODE_EQ(U_ZHIBU "," U_EMOJI "\r\n", U_ZHIBU "," U_EMOJI "\r\n");

    char *out = NULL;
    size_t n = 5;
    assert_int_equal(csv_decode(NULL, 0, &out, &n, NULL, 0), 0);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
    free(out);
}

static void test_decode_gb18030(void **state)
{
    (void)state;
    DECODE_EQ(G_ZHIBU "," G_XINGMING "\r\n" G_ZHANGSAN "," G_EURO "\r\n",
              U_ZHIBU "," U_XINGMING "\r\n" U_ZHANGSAN "," U_EURO "\r\n");
    /* Four-byte GB18030 sequence. */
    DECODE_EQ(G_EMOJI "\n", U_EMOJI "\n");
    /* No trailing newline. */
    DECODE_EQ(G_ZHIBU, U_ZHIBU);
}

static void test_decode_mixed(void **state)
{
    (void)state;
    DECODE_EQ(U_ZHIBU "," U_XINGMING "\r\n" G_ZHANGSAN "," G_ZHIBU "\r\n"
              U_EURO "\n",
              U_ZHIBU "," U_XINGMING "\r\n" U_ZHANGSAN "," U_ZHIBU "\r\n"
              U_EURO "\n");
    /* BOM, then a GB18030 line. */
    DECODE_EQ("\xEF\xBB\xBF" "id\n" G_ZHANGSAN "\n", "id\n" U_ZHANGSAN "\n");
}

static void test_decode_invalid(void **state)
{
    (void)state;
    /* 0xFF is neither UTF-8 nor GB18030. */
    decode_err("ok\n\xFF\xFE\n", 6, "line 2: not valid UTF-8 or GB18030 text");
    /* 0x80 alone is not GB18030 either. */
    decode_err("a\nb\nc\x80\n", 7, "line 3: not valid UTF-8 or GB18030 text");
    /* Truncated GB18030 double-byte character at the end of a line. */
    decode_err(G_ZHIBU "\xD6\n", 6, "line 1: not valid UTF-8 or GB18030 text");
    decode_err("x\n" G_ZHIBU "\xD6", 7, "line 2: not valid UTF-8 or GB18030 text");
    /* Embedded NUL bytes. */
    decode_err("a\nb\0c\n", 6, "line 2: contains a NUL byte");
    decode_err("\0", 1, "line 1: contains a NUL byte");

    /* A small err buffer is truncated but terminated; NULL err is fine. */
    char small[8];
    char *out;
    size_t n;
    assert_int_equal(csv_decode((const unsigned char *)"\xFF", 1, &out, &n,
                                small, sizeof small), -1);
    assert_string_equal(small, "line 1:");
    assert_int_equal(csv_decode((const unsigned char *)"\xFF", 1, &out, &n,
                                NULL, 0), -1);
}

static void test_decode_utf8_strict(void **state)
{
    (void)state;
    /* Overlong '/' (C0 AF) is not UTF-8 and not GB18030 (C0 AF is a valid
     * GB18030 pair though) - check we do not keep it as UTF-8 text. */
    size_t n;
    char *o = decode_ok("\xC0\xAF", 2, &n);
    assert_memory_not_equal(o, "\xC0\xAF", 2);
    free(o);
    /* A surrogate encoded in UTF-8 (ED A0 80) is not kept either. */
    char err[128];
    char *out;
    int rc = csv_decode((const unsigned char *)"\xED\xA0\x80", 3, &out, &n, err,
                        sizeof err);
    if (rc == 0) {
        assert_memory_not_equal(out, "\xED\xA0\x80", 3);
        free(out);
    }
    /* Above U+10FFFF (F4 90 80 80). */
    rc = csv_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &out, &n, err,
                    sizeof err);
    if (rc == 0) {
        assert_memory_not_equal(out, "\xF4\x90\x80\x80", 4);
        free(out);
    }
}

/* ---------------------------------------------------------------- parse */

static void parse_ok(const char *text, CsvTable *t)
{
    char err[128] = "";
    int rc = csv_parse(text, strlen(text), t, err, sizeof err);
    if (rc != 0)
        print_error("unexpected parse error: %s\n", err);
    assert_int_equal(rc, 0);
}

static void parse_err(const char *text, size_t len, const char *expect_err)
{
    CsvTable t;
    char err[128] = "";
    memset(&t, 0xAB, sizeof t);
    assert_int_equal(csv_parse(text, len, &t, err, sizeof err), -1);
    assert_string_equal(err, expect_err);
    assert_int_equal(t.nrows, 0);
    assert_null(t.cells);
    assert_null(t.ncols);
    assert_null(t.line);
}

static void test_parse_simple(void **state)
{
    (void)state;
    CsvTable t;
    parse_ok("a,b,c\n1,2,3\n", &t);
    assert_int_equal(t.nrows, 2);
    assert_int_equal(t.ncols[0], 3);
    assert_int_equal(t.ncols[1], 3);
    assert_string_equal(t.cells[0][0], "a");
    assert_string_equal(t.cells[0][2], "c");
    assert_string_equal(t.cells[1][1], "2");
    assert_int_equal(t.line[0], 1);
    assert_int_equal(t.line[1], 2);
    csv_table_free(&t);
    assert_int_equal(t.nrows, 0);
    assert_null(t.cells);

    /* No trailing newline; empty fields; ragged rows. */
    parse_ok("a,,\n,x\ny", &t);
    assert_int_equal(t.nrows, 3);
    assert_int_equal(t.ncols[0], 3);
    assert_string_equal(t.cells[0][1], "");
    assert_string_equal(t.cells[0][2], "");
    assert_int_equal(t.ncols[1], 2);
    assert_string_equal(t.cells[1][0], "");
    assert_string_equal(t.cells[1][1], "x");
    assert_int_equal(t.ncols[2], 1);
    assert_string_equal(t.cells[2][0], "y");
    csv_table_free(&t);
}

static void test_parse_empty(void **state)
{
    (void)state;
    CsvTable t;
    parse_ok("", &t);
    assert_int_equal(t.nrows, 0);
    csv_table_free(&t);
    parse_ok("\n\r\n\n", &t);
    assert_int_equal(t.nrows, 0);
    csv_table_free(&t);
    assert_int_equal(csv_parse(NULL, 0, &t, NULL, 0), 0);
    assert_int_equal(t.nrows, 0);
    csv_table_free(&t);
}

static void test_parse_quotes(void **state)
{
    (void)state;
    CsvTable t;
    parse_ok("\"a,b\",\"say \"\"hi\"\"\",\"\",\"\"\"\"\n", &t);
    assert_int_equal(t.nrows, 1);
    assert_int_equal(t.ncols[0], 4);
    assert_string_equal(t.cells[0][0], "a,b");
    assert_string_equal(t.cells[0][1], "say \"hi\"");
    assert_string_equal(t.cells[0][2], "");
    assert_string_equal(t.cells[0][3], "\"");
    csv_table_free(&t);

    /* Quote not at field start is literal. */
    parse_ok("ab\"c,d\n", &t);
    assert_string_equal(t.cells[0][0], "ab\"c");
    assert_string_equal(t.cells[0][1], "d");
    csv_table_free(&t);
}

static void test_parse_multiline_and_lines(void **state)
{
    (void)state;
    CsvTable t;
    parse_ok("id,note\r\n"
             "1,\"first line\r\nsecond, line\nthird\"\r\n"
             "\r\n"
             "2,plain\r\n"
             "3,\"\"\"q\"\"\"", &t);
    assert_int_equal(t.nrows, 4);
    assert_string_equal(t.cells[1][0], "1");
    assert_string_equal(t.cells[1][1], "first line\r\nsecond, line\nthird");
    assert_string_equal(t.cells[2][1], "plain");
    assert_string_equal(t.cells[3][1], "\"q\"");
    assert_int_equal(t.line[0], 1);
    assert_int_equal(t.line[1], 2);
    assert_int_equal(t.line[2], 6);   /* line 5 is blank */
    assert_int_equal(t.line[3], 7);
    csv_table_free(&t);
}

static void test_parse_crlf_and_trim(void **state)
{
    (void)state;
    CsvTable t;
    parse_ok("  a \t, b ,\" c \"\r\n\t" U_ZHIBU " , x\r\n", &t);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(t.cells[0][0], "a");
    assert_string_equal(t.cells[0][1], "b");
    assert_string_equal(t.cells[0][2], " c ");
    assert_string_equal(t.cells[1][0], U_ZHIBU);
    assert_string_equal(t.cells[1][1], "x");
    csv_table_free(&t);

    /* A line of only spaces has characters: it is a row with one empty field. */
    parse_ok("a\n   \nb\n", &t);
    assert_int_equal(t.nrows, 3);
    assert_int_equal(t.ncols[1], 1);
    assert_string_equal(t.cells[1][0], "");
    csv_table_free(&t);

    /* A lone CR is data, not a line end. */
    parse_ok("a\rb,c\n", &t);
    assert_int_equal(t.nrows, 1);
    assert_string_equal(t.cells[0][0], "a\rb");
    csv_table_free(&t);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_err("a,b\nc,\"open\n\nmore", 17, "line 2: unterminated quoted field");
    parse_err("\"", 1, "line 1: unterminated quoted field");
    parse_err("a\n\"x\"\"", 6, "line 2: unterminated quoted field");
    parse_err("a\n\"x\"y,b\n", 9, "line 2: unexpected character after closing quote");
    parse_err("\"multi\nline\" ,b\n", 16,
              "line 2: unexpected character after closing quote");
    parse_err("\"a\"\rb\n", 6, "line 1: unexpected character after closing quote");
    parse_err("a\nb\0c\n", 6, "line 2: contains a NUL byte");
    parse_err("a\n\"b\0\"\n", 7, "line 2: contains a NUL byte");

    /* NULL err / tiny err are safe. */
    CsvTable t;
    assert_int_equal(csv_parse("\"", 1, &t, NULL, 0), -1);
    char tiny[1] = "x";
    assert_int_equal(csv_parse("\"", 1, &t, tiny, sizeof tiny), -1);
    assert_int_equal(tiny[0], '\0');
}

static void test_table_free_null_safe(void **state)
{
    (void)state;
    CsvTable t = {0};
    csv_table_free(NULL);
    csv_table_free(&t);
    csv_table_free(&t);
    parse_ok("a\n", &t);
    csv_table_free(&t);
    csv_table_free(&t);   /* second free is a no-op */
}

/* ---------------------------------------------------------------- write */

static char *write_rows(const char *const *const *rows, const size_t *ns,
                        size_t nrows, size_t *len)
{
    char *buf = NULL;
    size_t sz = 0;
    FILE *f = open_memstream(&buf, &sz);
    assert_non_null(f);
    for (size_t i = 0; i < nrows; i++)
        assert_int_equal(csv_write_row(f, rows[i], ns[i]), 0);
    assert_int_equal(fclose(f), 0);
    *len = sz;
    return buf;
}

static void test_write_format(void **state)
{
    (void)state;
    const char *r0[] = {"a", "b,c", "say \"hi\"", "=1+2", "-5", "+x", "@y"};
    const char *r1[] = {"line1\nline2", "cr\r", "", NULL};
    const char *const *rows[] = {r0, r1};
    size_t ns[] = {7, 4};
    size_t len;
    char *out = write_rows(rows, ns, 2, &len);
    /* A cell a spreadsheet would run as a formula gets an apostrophe. */
    assert_string_equal(out,
                        "a,\"b,c\",\"say \"\"hi\"\"\",'=1+2,'-5,'+x,'@y\r\n"
                        "\"line1\nline2\",\"cr\r\",,\r\n");
    free(out);

    FILE *f = fopen("/dev/null", "w");
    assert_non_null(f);
    assert_int_equal(csv_write_row(f, NULL, 1), -1);
    assert_int_equal(csv_write_row(f, NULL, 0), 0);
    fclose(f);
}

static void test_write_error(void **state)
{
    (void)state;
    /* Writing to a read-only stream fails. */
    FILE *f = fopen("/dev/null", "r");
    assert_non_null(f);
    const char *r[] = {"a", "b"};
    assert_int_equal(csv_write_row(f, r, 2), -1);
    fclose(f);
}

static void test_write_roundtrip(void **state)
{
    (void)state;
    const char *r0[] = {U_ZHIBU, "a,b", "\"", "\"\"", "", " lead", "trail\t",
                        "multi\r\nline\nend", "=SUM(A1)", "@cmd", "-1", "+86"};
    const char *r1[] = {""};
    const char *r2[] = {"  "};
    const char *r3[] = {"x", ""};
    const char *r4[] = {"\"quoted\"", ",", "\n", "\r\n", "a\"b"};
    const char *const *rows[] = {r0, r1, r2, r3, r4};
    size_t ns[] = {12, 1, 1, 2, 5};
    size_t len;
    char *out = write_rows(rows, ns, 5, &len);

    CsvTable t;
    char err[128] = "";
    int rc = csv_parse(out, len, &t, err, sizeof err);
    if (rc != 0)
        print_error("parse: %s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(t.nrows, 5);
    for (size_t r = 0; r < 5; r++) {
        assert_int_equal(t.ncols[r], ns[r]);
        for (size_t c = 0; c < ns[r]; c++)
            assert_string_equal(t.cells[r][c], rows[r][c]);
    }
    csv_table_free(&t);
    free(out);
}

/* The formula guard: what is written, what is read back, and a hand-made
 * file's apostrophes. */
static void test_formula_guard(void **state)
{
    (void)state;
    const char *r0[] = {"=1+2", "+86 138", "-5", "@SUM(A1)", "\t=1+2", "\r=1+2", "'=1+2",
                        "''-x", "'x", "'", "''", "x=1", " =1", "-", "=", U_ZHIBU "=1",
                        "\xEF\xBC\x9D" "1+2" /* a full-width = is no formula */,
                        "=SUM(1,2) \"a\"\nb", "'\t'"};
    size_t n = sizeof r0 / sizeof r0[0];
    const char *const *rows[] = {r0};
    size_t len;
    char *out = write_rows(rows, &n, 1, &len);
    assert_string_equal(out, "'=1+2,'+86 138,'-5,'@SUM(A1),'\t=1+2,\"'\r=1+2\",''=1+2,"
                             "'''-x,'x,',''," "x=1,\" =1\",'-,'=," U_ZHIBU "=1,"
                             "\xEF\xBC\x9D" "1+2,\"'=SUM(1,2) \"\"a\"\"\nb\",''\t'\r\n");
    CsvTable t;
    char err[128] = "";
    assert_int_equal(csv_parse(out, len, &t, err, sizeof err), 0);
    assert_int_equal(t.nrows, 1);
    assert_int_equal(t.ncols[0], n);
    for (size_t c = 0; c < n; c++)
        assert_string_equal(t.cells[0][c], r0[c]);
    csv_table_free(&t);
    free(out);

    /* Typed in a spreadsheet: its text prefix before a formula character
     * goes; any other apostrophe stays. */
    parse_ok("'=SUM(A1),'x,''=y,'-,',\"'@a\",  '+1  \n", &t);
    const char *want[] = {"=SUM(A1)", "'x", "'=y", "-", "'", "@a", "+1"};
    assert_int_equal(t.ncols[0], 7);
    for (size_t c = 0; c < 7; c++)
        assert_string_equal(t.cells[0][c], want[c]);
    csv_table_free(&t);
}

/* LibreOffice opens a written file with formulas evaluated: every guarded
 * cell stays text, while an unguarded one (written by hand) is computed. */
static void test_formula_guard_libreoffice(void **state)
{
    (void)state;
    if (system("command -v libreoffice >/dev/null 2>&1") != 0) {
        fprintf(stderr, "libreoffice is not installed (Debian package libreoffice-calc-nogui): "
                        "the spreadsheet check of the formula guard is SKIPPED\n");
        skip();
    }
    char dir[] = "/tmp/echowall-csv-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char in[64], outdir[64], got[96], cmd[2000];
    snprintf(in, sizeof in, "%s/cells.csv", dir);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    snprintf(got, sizeof got, "%s/cells.csv", outdir);
    const char *r0[] = {"=1+2", "+3+4", "-5+1", "@SUM(1;2)", "\t=1+2", "''=1+2",
                        "=HYPERLINK(\"http://example.org\",\"x\")", U_ZHIBU, "'x"};
    size_t n = sizeof r0 / sizeof r0[0];
    FILE *f = fopen(in, "wb");
    assert_non_null(f);
    assert_int_equal(csv_write_row(f, r0, n), 0);
    fputs("=1+2\r\n", f); /* unguarded: proves formulas are evaluated */
    assert_int_equal(fclose(f), 0);
    /* Import: UTF-8, evaluate formulas (token 13); export: text quoted. */
    snprintf(cmd, sizeof cmd,
             "libreoffice -env:UserInstallation=file://%s/profile --headless "
             "--infilter='CSV:44,34,76,1,,1033,false,false,false,false,false,false,true' "
             "--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,true,true,true' "
             "--outdir '%s' '%s' >'%s/log' 2>&1",
             dir, outdir, in, dir);
    assert_int_equal(system(cmd), 0);
    f = fopen(got, "rb");
    assert_non_null(f);
    char line1[2000] = "", line2[200] = "";
    assert_non_null(fgets(line1, sizeof line1, f));
    assert_non_null(fgets(line2, sizeof line2, f));
    fclose(f);
    /* Row 1: every cell quoted (text), holding what was written. */
    const char *want = "\"'=1+2\",\"'+3+4\",\"'-5+1\",\"'@SUM(1;2)\",\"'\t=1+2\",\"'''=1+2\","
                       "\"'=HYPERLINK(\"\"http://example.org\"\",\"\"x\"\")\",\"" U_ZHIBU
                       "\",\"'x\"\n";
    if (strcmp(line1, want) != 0)
        print_error("LibreOffice read the guarded row as\n%swant\n%s", line1, want);
    assert_string_equal(line1, want);
    /* Row 2: the unguarded formula was run. */
    assert_int_equal(strncmp(line2, "3,", 2), 0);
    /* And what LibreOffice shows reads back as the original texts. */
    CsvTable t;
    char err[128];
    assert_int_equal(csv_parse(line1, strlen(line1), &t, err, sizeof err), 0);
    for (size_t c = 0; c < n; c++)
        assert_string_equal(t.cells[0][c], r0[c]);
    csv_table_free(&t);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* ---------------------------------------------------------------- files */

static char *write_temp(const char *data, size_t len)
{
    char *path = strdup("/tmp/test_csv_XXXXXX");
    assert_non_null(path);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    return path;
}

static void test_read_file(void **state)
{
    (void)state;
    static const char data[] = "\xEF\xBB\xBF" U_ZHIBU "," U_XINGMING "\r\n"
                               G_ZHANGSAN ",\"a,b\"\r\n";
    char *path = write_temp(data, sizeof data - 1);
    CsvTable t;
    char err[256] = "";
    int rc = csv_read_file(path, &t, err, sizeof err);
    if (rc != 0)
        print_error("read: %s\n", err);
    assert_int_equal(rc, 0);
    assert_int_equal(t.nrows, 2);
    assert_string_equal(t.cells[0][0], U_ZHIBU);
    assert_string_equal(t.cells[0][1], U_XINGMING);
    assert_string_equal(t.cells[1][0], U_ZHANGSAN);
    assert_string_equal(t.cells[1][1], "a,b");
    csv_table_free(&t);
    unlink(path);
    free(path);
}

static void test_read_file_errors(void **state)
{
    (void)state;
    CsvTable t;
    char err[256] = "";

    assert_int_equal(csv_read_file("/nonexistent/dir/x.csv", &t, err, sizeof err), -1);
    assert_string_equal(err, "cannot open /nonexistent/dir/x.csv: No such file or directory");
    assert_int_equal(t.nrows, 0);

    assert_int_equal(csv_read_file("/", &t, err, sizeof err), -1);
    assert_string_equal(err, "cannot read /: Is a directory");

    /* Decode error passes through. */
    char *path = write_temp("a\n\xFF\n", 4);
    assert_int_equal(csv_read_file(path, &t, err, sizeof err), -1);
    assert_string_equal(err, "line 2: not valid UTF-8 or GB18030 text");
    unlink(path);
    free(path);

    /* Parse error passes through. */
    path = write_temp("a\n\"b\n", 5);
    assert_int_equal(csv_read_file(path, &t, err, sizeof err), -1);
    assert_string_equal(err, "line 2: unterminated quoted field");
    unlink(path);
    free(path);

    /* Too large (sparse file, nothing is read). */
    path = write_temp("", 0);
    assert_int_equal(truncate(path, (off_t)64 * 1024 * 1024 + 1), 0);
    assert_int_equal(csv_read_file(path, &t, err, sizeof err), -1);
    assert_string_equal(err, "file is larger than 64 MiB");
    assert_int_equal(t.nrows, 0);
    unlink(path);
    free(path);
}

/* ---------------------------------------------------------------- dates */

static void date_ok(const char *s, const char *expect)
{
    char out[11];
    memset(out, 'z', sizeof out);
    if (csv_parse_date(s, out) != 0)
        print_error("date rejected: \"%s\"\n", s);
    assert_int_equal(csv_parse_date(s, out), 0);
    assert_string_equal(out, expect);
}

static void date_bad(const char *s)
{
    char out[11] = "untouched!";
    if (csv_parse_date(s, out) != -1)
        print_error("date accepted: \"%s\"\n", s);
    assert_int_equal(csv_parse_date(s, out), -1);
    assert_string_equal(out, "untouched!");
}

static void test_dates_valid(void **state)
{
    (void)state;
    date_ok("2026-03-05", "2026-03-05");
    date_ok("2026-3-5", "2026-03-05");
    date_ok("2026/3/5", "2026-03-05");
    date_ok("2026/03/05", "2026-03-05");
    date_ok("2026.3.5", "2026-03-05");
    date_ok("2026\xE5\xB9\xB4" "3\xE6\x9C\x88" "5\xE6\x97\xA5", "2026-03-05");
    date_ok("2026\xE5\xB9\xB4" "12\xE6\x9C\x88" "31\xE6\x97\xA5", "2026-12-31");
    date_ok("  2026-03-05\t", "2026-03-05");
    date_ok("2026 \xE5\xB9\xB4 3 \xE6\x9C\x88 5 \xE6\x97\xA5 ", "2026-03-05");
    date_ok("\xE3\x80\x80" "2026/3/5\xE3\x80\x80", "2026-03-05");   /* U+3000 */
    date_ok("2024-02-29", "2024-02-29");
    date_ok("2000-02-29", "2000-02-29");
    date_ok("1900-01-01", "1900-01-01");
    date_ok("2999-12-31", "2999-12-31");
    date_ok("2026-04-30", "2026-04-30");
}

static void test_dates_invalid(void **state)
{
    (void)state;
    date_bad("2026-02-29");
    date_bad("2026-13-01");
    date_bad("2026\xE5\xB9\xB4" "2\xE6\x9C\x88" "30\xE6\x97\xA5");
    date_bad("abc");
    date_bad("");
    date_bad("   ");
    date_bad(NULL);
    date_bad("1900-02-29");       /* not a leap year */
    date_bad("2100-02-29");
    date_bad("2026-04-31");
    date_bad("2026-00-10");
    date_bad("2026-01-00");
    date_bad("2026-01-32");
    date_bad("1899-12-31");
    date_bad("3000-01-01");
    date_bad("26-03-05");
    date_bad("02026-03-05");
    date_bad("2026-003-05");
    date_bad("2026-03-005");
    date_bad("2026-03/05");       /* mixed separators */
    date_bad("2026-03-05x");
    date_bad("2026-03-05 10:00");
    date_bad("2026-03");
    date_bad("2026-03-");
    date_bad("2026\xE5\xB9\xB4" "3\xE6\x9C\x88" "5");   /* missing 日 */
    date_bad("2026\xE5\xB9\xB4" "3-5");
    date_bad("+2026-03-05");
    date_bad("2026--03-05");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_bom),
        cmocka_unit_test(test_decode_plain),
        cmocka_unit_test(test_decode_gb18030),
        cmocka_unit_test(test_decode_mixed),
        cmocka_unit_test(test_decode_invalid),
        cmocka_unit_test(test_decode_utf8_strict),
        cmocka_unit_test(test_parse_simple),
        cmocka_unit_test(test_parse_empty),
        cmocka_unit_test(test_parse_quotes),
        cmocka_unit_test(test_parse_multiline_and_lines),
        cmocka_unit_test(test_parse_crlf_and_trim),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_table_free_null_safe),
        cmocka_unit_test(test_write_format),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_write_roundtrip),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test(test_formula_guard_libreoffice),
        cmocka_unit_test(test_read_file),
        cmocka_unit_test(test_read_file_errors),
        cmocka_unit_test(test_dates_valid),
        cmocka_unit_test(test_dates_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
