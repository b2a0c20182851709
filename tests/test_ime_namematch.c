/*
 * test_ime_namematch.c: names by pinyin for the roster pickers
 * (src/ime/namematch.c), on Debian's luna_pinyin.dict.yaml.
 *
 * - 张三: by characters, whole readings, initials (z and zh), a begun last
 *   syllable, from a later character; "sz" and friends do not match.
 * - Polyphones (单 曾 仇, 叶 whose usual reading luna weighs 0%), ü as v
 *   (吕 lv, 略 lve and lue), upper case, apostrophes and spaces, full-width
 *   letters, middle dots in minority names.
 * - A character the dictionary lacks matches only itself; names with Latin
 *   letters and digits (roster IDs, unit names); invalid UTF-8 and very
 *   long names and queries are handled without a crash, bounded.
 * - The kinds of match rank as documented, over a list of namesakes.
 * - Loading: a missing folder, a folder where the file should be, a file
 *   that is not a Rime dictionary or has no single characters are clear
 *   errors; a small hand-written dictionary is read exactly (skipped
 *   lines, CRLF, a weight after spaces, derived spellings).
 * - Figures, printed only: load time, memory, matching 1000 names per
 *   keystroke.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "namematch.h"
#include "pinyin.h"
#include "testutil.h"

#define QUERY_LETTERS 192 /* 6 letters for each of IME_NAME_MAX characters */

static ImeNameIndex *g_idx; /* Debian's dictionary, opened once for the group */

static int open_index(void **state)
{
    (void)state;
    EwErr e = {0};
    g_idx = ime_name_index_open(EW_TEST_RIME_SHARED, &e);
    if (!g_idx) {
        fprintf(stderr, "ime_name_index_open: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int free_index(void **state)
{
    (void)state;
    ime_name_index_free(g_idx);
    g_idx = NULL;
    return 0;
}

static int score(const char *name, const char *query)
{
    return ime_name_match(g_idx, name, query);
}

/* The kind of match (IME_NAME_EXACT, _PREFIX, ...; 0 none) of a score. */
static int kind(int s)
{
    if (s >= IME_NAME_EXACT)
        return IME_NAME_EXACT;
    if (s >= IME_NAME_PREFIX)
        return IME_NAME_PREFIX;
    if (s >= IME_NAME_INITIALS)
        return IME_NAME_INITIALS;
    if (s >= IME_NAME_LATER)
        return IME_NAME_LATER;
    return s;
}

#define assert_kind(name, query, k)                                                      \
    do {                                                                                 \
        int s_ = score(name, query);                                                     \
        if (kind(s_) != (k))                                                             \
            fail_msg("%s for %s: score %d, kind %d wanted", name, query, s_, (int)(k)); \
    } while (0)

static void test_zhangsan(void **state)
{
    (void)state;
    /* The whole name, by characters or whole readings. */
    assert_kind("张三", "张三", IME_NAME_EXACT);
    assert_kind("张三", "zhangsan", IME_NAME_EXACT);
    assert_kind("张三", "张san", IME_NAME_EXACT);
    assert_int_equal(score("张三", "zhangsan"), IME_NAME_EXACT);
    /* From the start by whole readings, the last maybe begun. */
    assert_kind("张三", "张", IME_NAME_PREFIX);
    assert_kind("张三", "zhang", IME_NAME_PREFIX);
    assert_kind("张三", "zhangs", IME_NAME_PREFIX);
    assert_true(score("张三", "zhangsa") >= IME_NAME_PREFIX); /* luna also reads 三 sa */
    assert_kind("张三", "zha", IME_NAME_PREFIX);
    assert_kind("张三", "z", IME_NAME_PREFIX);
    assert_kind("张三", "张s", IME_NAME_PREFIX);
    /* Initials: z and zh alike. */
    assert_kind("张三", "zs", IME_NAME_INITIALS);
    assert_kind("张三", "zhs", IME_NAME_INITIALS);
    assert_kind("张三", "zsan", IME_NAME_INITIALS);
    assert_kind("张三", "zsa", IME_NAME_INITIALS);
    assert_kind("张三", "zhsan", IME_NAME_INITIALS);
    /* The given name alone. */
    assert_kind("张三", "san", IME_NAME_LATER);
    assert_kind("张三", "s", IME_NAME_LATER);
    assert_kind("张三", "三", IME_NAME_LATER);
    /* Not in order, not a reading, more than the name holds. */
    assert_int_equal(score("张三", "sz"), 0);
    assert_int_equal(score("张三", "三张"), 0);
    assert_int_equal(score("张三", "zhangsz"), 0);
    assert_int_equal(score("张三", "zhangsanf"), 0);
    assert_int_equal(score("张三", "zhanx"), 0);
    assert_int_equal(score("张三", "zhangsans"), 0);
    assert_int_equal(score("张三", "zhsh"), 0);
    assert_int_equal(score("张三", "x"), 0);
    assert_int_equal(score("张三", "章"), 0); /* another character read zhang */
    /* A begun reading only at the end: "zhan" is not a step before "san". */
    assert_int_equal(score("张三", "zhansan"), 0);
}

static void test_case_and_gaps(void **state)
{
    (void)state;
    assert_kind("张三", "ZHANGSAN", IME_NAME_EXACT);
    assert_kind("张三", "ZhangSan", IME_NAME_EXACT);
    assert_kind("张三", "Zhang San", IME_NAME_EXACT);
    assert_kind("张三", "zhang'san", IME_NAME_EXACT);
    assert_kind("张三", "zhang\xe2\x80\x99san", IME_NAME_EXACT);  /* ’ */
    assert_kind("张三", "\xef\xbd\x9a\xef\xbd\x93", IME_NAME_INITIALS); /* full-width ｚｓ */
    assert_kind("张三", "ZS", IME_NAME_INITIALS);
    assert_kind("张三", " z s ", IME_NAME_INITIALS);
    assert_kind("张三", "'zs'", IME_NAME_INITIALS);
    assert_kind("张 三", "zs", IME_NAME_INITIALS); /* spaces in the name too */
    /* xi'an: the apostrophe only separates, 西安 either way. */
    assert_kind("西安", "xi'an", IME_NAME_EXACT);
    assert_kind("西安", "xian", IME_NAME_EXACT);
    /* A minority name with a middle dot. */
    assert_kind("阿依古丽·买买提", "ayglmmt", IME_NAME_INITIALS);
    assert_kind("阿依古丽·买买提", "ayiguli", IME_NAME_PREFIX);
    assert_kind("阿依古丽·买买提", "maimaiti", IME_NAME_LATER);
    assert_kind("阿依古丽·买买提", "阿依古丽买买提", IME_NAME_EXACT);
}

static void test_empty_query(void **state)
{
    (void)state;
    const char *blank[] = {"", " ", "   ", "\xe3\x80\x80", "'", " ' "};
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
        assert_int_equal(score("张三", blank[i]), IME_NAME_ANY);
        assert_int_equal(score("", blank[i]), IME_NAME_ANY);
    }
    /* The lowest positive score: below any real match. */
    assert_true(score("李张三", "s") > IME_NAME_ANY);
    assert_int_equal(score("", "z"), 0);
}

static void test_polyphones(void **state)
{
    (void)state;
    /* 单 dan shan chan. */
    assert_kind("单田芳", "shantianfang", IME_NAME_EXACT);
    assert_kind("单田芳", "dantianfang", IME_NAME_EXACT);
    assert_kind("单田芳", "chantianfang", IME_NAME_EXACT);
    assert_kind("单田芳", "stf", IME_NAME_INITIALS);
    assert_kind("单田芳", "shtf", IME_NAME_INITIALS);
    assert_kind("单田芳", "dtf", IME_NAME_INITIALS);
    assert_kind("单田芳", "ctf", IME_NAME_INITIALS);
    assert_kind("单田芳", "shan", IME_NAME_PREFIX);
    assert_int_equal(score("单田芳", "ztf"), 0);
    /* 曾 zeng ceng, 仇 chou qiu. */
    assert_kind("曾国藩", "zengguofan", IME_NAME_EXACT);
    assert_kind("曾国藩", "cengguofan", IME_NAME_EXACT);
    assert_kind("曾国藩", "zgf", IME_NAME_INITIALS);
    assert_kind("曾国藩", "cgf", IME_NAME_INITIALS);
    assert_kind("仇英", "qiuying", IME_NAME_EXACT);
    assert_kind("仇英", "chouying", IME_NAME_EXACT);
    assert_kind("仇英", "qy", IME_NAME_INITIALS);
    assert_kind("仇英", "cy", IME_NAME_INITIALS);
    assert_kind("仇英", "chy", IME_NAME_INITIALS);
    /* Luna is a traditional-character dictionary: 叶 ye and 宁 ning are
     * there at weight 0%, and count like any reading. */
    assert_kind("叶宁", "yening", IME_NAME_EXACT);
    assert_kind("叶宁", "yn", IME_NAME_INITIALS);
    assert_kind("叶宁", "xiezhu", IME_NAME_EXACT); /* luna's other readings, as it says */
}

static void test_u_umlaut(void **state)
{
    (void)state;
    assert_kind("吕布", "lvbu", IME_NAME_EXACT);
    assert_kind("吕布", "LVBU", IME_NAME_EXACT);
    assert_kind("吕布", "l\xc3\xbc" "bu", IME_NAME_EXACT); /* lü typed as ü */
    assert_kind("吕布", "lb", IME_NAME_INITIALS);
    assert_kind("吕布", "lv", IME_NAME_PREFIX);
    assert_kind("女娲", "nvwa", IME_NAME_EXACT);
    /* lve and nve answer to lue and nue too, as in Rime. */
    assert_kind("略", "lve", IME_NAME_EXACT);
    assert_kind("略", "lue", IME_NAME_EXACT);
    assert_kind("虐", "nue", IME_NAME_EXACT);
    /* ju qu xu yu are also jv qv xv yv. */
    assert_kind("徐娟", "xujuan", IME_NAME_EXACT);
    assert_kind("徐娟", "xvjvan", IME_NAME_EXACT);
    assert_kind("于", "yv", IME_NAME_EXACT);
    /* lu is another reading, not ü: 吕 is not found by it (lv, l). */
    assert_int_equal(score("吕布", "lubu"), 0);
}

static void test_rare_and_mixed(void **state)
{
    (void)state;
    /* 𬀩 (U+2C029, wěi, in 通用规范汉字表) and 鿍 (U+9FCD, gàng) are not in
     * luna: no letter matches them, only themselves. */
    for (char c = 'a'; c <= 'z'; c++) {
        char q[2] = {c, 0};
        assert_int_equal(score("\xf0\xac\x80\xa9", q), 0);
        assert_int_equal(score("鿍", q), 0);
    }
    assert_kind("王\xf0\xac\x80\xa9", "王\xf0\xac\x80\xa9", IME_NAME_EXACT);
    assert_kind("王\xf0\xac\x80\xa9", "wang\xf0\xac\x80\xa9", IME_NAME_EXACT);
    assert_kind("王\xf0\xac\x80\xa9", "w\xf0\xac\x80\xa9", IME_NAME_INITIALS);
    assert_kind("王\xf0\xac\x80\xa9", "wang", IME_NAME_PREFIX);
    assert_kind("王\xf0\xac\x80\xa9", "\xf0\xac\x80\xa9", IME_NAME_LATER);
    assert_int_equal(score("王\xf0\xac\x80\xa9", "wangwei"), 0);
    assert_int_equal(score("王\xf0\xac\x80\xa9", "ww"), 0);

    /* Latin letters and digits in a name: themselves, in any case. */
    assert_kind("张三A12", "a12", IME_NAME_LATER);
    assert_kind("张三A12", "A1", IME_NAME_LATER);
    assert_kind("张三A12", "12", IME_NAME_LATER);
    assert_kind("张三A12", "zsa12", IME_NAME_INITIALS);
    assert_kind("张三A12", "zhangsana12", IME_NAME_EXACT);
    assert_int_equal(score("张三A12", "a13"), 0);
    assert_kind("青石镇QS村委会", "qs", IME_NAME_INITIALS); /* 青石 by initials */
    assert_kind("青石镇QS村委会", "qscwh", IME_NAME_LATER);
    assert_kind("青石镇QS村委会", "QS村", IME_NAME_LATER);
    assert_kind("Li Ming", "liming", IME_NAME_EXACT);
    assert_kind("Li Ming", "LI MING", IME_NAME_EXACT);
    assert_kind("Li Ming", "ming", IME_NAME_LATER);
    assert_kind("第3组", "3", IME_NAME_LATER);
    assert_kind("第3组", "d3z", IME_NAME_INITIALS);
    assert_kind("第３组", "3z", IME_NAME_LATER); /* a full-width digit in the name */
}

static void test_untrusted_text(void **state)
{
    (void)state;
    /* Invalid UTF-8: a query never matches; a name's bad byte is a
     * character that matches nothing, the rest still does. */
    assert_int_equal(score("张三", "\xff"), 0);
    assert_int_equal(score("张三", "z\xe5\xbc"), 0);
    assert_int_equal(score("\xff", "\xff"), 0);
    assert_kind("张\xff三", "z", IME_NAME_PREFIX);
    assert_int_equal(score("张\xff三", "zs"), 0);
    assert_kind("张\xff三", "san", IME_NAME_LATER);
    assert_kind("\xe5\xbc三", "san", IME_NAME_LATER); /* a truncated character */

    /* Long names: only the first IME_NAME_MAX characters take part. */
    char name[4 * 200 + 1] = "";
    for (int i = 0; i < 200; i++)
        strcat(name, i == 40 ? "李" : "张");
    assert_kind(name, "zhangzhang", IME_NAME_PREFIX);
    assert_kind(name, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", IME_NAME_INITIALS);
    assert_int_equal(score(name, "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), 0);
    assert_int_equal(score(name, "李"), 0); /* the 41st character */
    /* Long queries match nothing, however long, and cost little. */
    size_t n = 100000;
    char *q = malloc(n + 1);
    assert_non_null(q);
    memset(q, 'z', n);
    q[n] = '\0';
    assert_int_equal(score(name, q), 0);
    assert_int_equal(score("张三", q), 0);
    memset(q, ' ', n - 2); /* blank but for "zz" at the end */
    assert_kind("张张", q, IME_NAME_INITIALS);
    free(q);
    assert_int_equal(score(NULL, "z"), 0);
    assert_int_equal(score("张三", NULL), 0);
    /* No index: characters match only themselves. */
    assert_int_equal(ime_name_match(NULL, "张三", "张"), IME_NAME_PREFIX + 2 * IME_NAME_MAX - 1);
    assert_int_equal(ime_name_match(NULL, "张三", "zs"), 0);
    assert_int_equal(ime_name_match(NULL, "Li Ming", "liming"), IME_NAME_EXACT);
}

typedef struct Ranked {
    const char *name;
    int score;
} Ranked;

static int by_score(const void *a, const void *b)
{
    const Ranked *x = a, *y = b;
    return y->score - x->score;
}

/* The names matching query, best first, joined by spaces (static). Names of
 * equal score keep the list's order. */
static const char *ranked(const char *const *names, size_t n, const char *query)
{
    static char out[1024];
    Ranked r[32];
    size_t k = 0;
    assert_true(n <= 32);
    for (size_t i = 0; i < n; i++) {
        int s = score(names[i], query);
        if (s > 0)
            r[k++] = (Ranked){names[i], s * 64 - (int)i}; /* stable */
    }
    qsort(r, k, sizeof *r, by_score);
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, r[i].name);
    }
    return out;
}

static void test_ranking(void **state)
{
    (void)state;
    static const char *const names[] = {
        "李张三", "张三丰", "章三", "张珊", "赵四", "张三", "周三", "张森", "王小二", "三张",
    };
    size_t n = sizeof names / sizeof names[0];
    /* Exact (张三 章三) > begun (张三丰) > later (李张三). */
    assert_string_equal(ranked(names, n, "zhangsan"), "章三 张三 张三丰 李张三");
    /* Characters: the whole name, then from the start, then later. */
    assert_string_equal(ranked(names, n, "张三"), "张三 张三丰 李张三");
    assert_string_equal(ranked(names, n, "张"), "张珊 张三 张森 张三丰 三张 李张三");
    /* Whole readings first (张三 张珊 张森 章三 begin "zhangs"), the
     * fullest first; then 李张三 from its second character. */
    assert_string_equal(ranked(names, n, "zhangs"), "章三 张珊 张三 张森 张三丰 李张三");
    /* Initials: the names they cover whole, then longer names, then later. */
    assert_string_equal(ranked(names, n, "zs"),
                        "章三 张珊 赵四 张三 周三 张森 张三丰 李张三");
    /* From a later character: sooner and fuller first (李张三 and 张三丰
     * tie: one starts later, the other leaves a character after). */
    assert_string_equal(ranked(names, n, "san"), "三张 章三 张三 周三 李张三 张三丰");
    /* Every kind is above the next, whatever the names' lengths. */
    assert_true(score("张三", "zhangsan") > score("张三丰", "zhangsan"));
    char longest[IME_NAME_MAX * 3 + 1] = "张三", at_end[IME_NAME_MAX * 3 + 1] = "";
    for (int i = 2; i < IME_NAME_MAX; i++) {
        strcat(longest, "丰");
        strcat(at_end, "丰");
    }
    strcat(at_end, "张三"); /* the last two of IME_NAME_MAX characters */
    assert_true(score("张三", "zhangsan") > score("张三丰", "zhangsan"));
    assert_true(score(longest, "zhangsan") > score("张三丰", "zs"));
    assert_true(score(longest, "zs") > score("李张三", "zhangsan"));
    assert_true(score(at_end, "zs") > IME_NAME_ANY);
    assert_true(score(at_end, "zs") < score("李张三", "zs"));
}

/* ---- Loading ---------------------------------------------------------- */

static void expect_open_error(const char *dir, int code, const char *needle)
{
    EwErr e = {0};
    ImeNameIndex *idx = ime_name_index_open(dir, &e);
    if (idx)
        fail_msg("ime_name_index_open(%s) should fail", dir);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, needle))
        fail_msg("message \"%s\" does not say \"%s\"", e.msg, needle);
}

static void test_open_errors(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *missing = tu_path(dir, "no-such-folder");
    expect_open_error(missing, EW_ENOTFOUND, missing);
    expect_open_error(missing, EW_ENOTFOUND, "rime-data-luna-pinyin");
    expect_open_error(dir, EW_ENOTFOUND, IME_NAME_DICT);
    /* A folder where the file should be. */
    char *path = tu_path(dir, IME_NAME_DICT);
    assert_int_equal(mkdir(path, 0700), 0);
    expect_open_error(dir, EW_EIO, "not a readable file");
    rmdir(path);
    /* Not a Rime dictionary: no "..." line. */
    const char *junk = "张\tzhang\n三\tsan\n";
    tu_write_file(path, junk, strlen(junk));
    expect_open_error(dir, EW_ECORRUPT, "not a Rime dictionary");
    /* Empty. */
    tu_write_file(path, "", 0);
    expect_open_error(dir, EW_ECORRUPT, "not a Rime dictionary");
    /* Words only. */
    const char *words = "---\nname: x\n...\n\n张三\tzhang san\n# 张\tzhang\n";
    tu_write_file(path, words, strlen(words));
    expect_open_error(dir, EW_ECORRUPT, "no reading of a single character");
    /* Unreadable, when not root (root reads anything). */
    if (geteuid() != 0) {
        const char *ok = "...\n张\tzhang\n";
        tu_write_file(path, ok, strlen(ok));
        chmod(path, 0);
        expect_open_error(dir, EW_EIO, "Permission denied");
    }
    free(path);
    free(missing);
    tu_rmdir(dir);
    free(dir);
}

/* A small hand-written dictionary, read back through matching. */
static void test_small_dictionary(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, IME_NAME_DICT);
    const char *text = "# Rime dictionary\r\n"
                       "---\r\n"
                       "name: tiny\r\n"
                       "张\tnot read: still the header\r\n"
                       "...\r\n"
                       "\r\n"
                       "# 李\tli\r\n"
                       "张\tzhang\r\n"
                       "三\tsan\t100%\r\n"
                       "三\tsa\t0%\r\n"
                       "涌\tyong  0%\r\n"    /* a weight after spaces */
                       "瓩\tqian wa\r\n"     /* two syllables: skipped */
                       "张三\tzhang san\r\n" /* a word: skipped */
                       "吕\tlv\r\n"
                       "略\tlve\r\n"
                       "局\tju\r\n"
                       "坏\tHUAI\r\n"        /* not lower case: skipped */
                       "长\tzhuangzhuang\r\n" /* too long: skipped */
                       "\xff\tff\r\n"        /* not UTF-8: skipped */
                       "王\r\n"              /* no reading: skipped */
                       "张\tzhang\r\n";      /* a duplicate */
    tu_write_file(path, text, strlen(text));
    EwErr e = {0};
    ImeNameIndex *idx = ime_name_index_open(dir, &e);
    if (!idx)
        fail_msg("ime_name_index_open: %s", e.msg);
    /* 张 三×2 涌 吕 略 略(lue) 局 局(jv) */
    assert_int_equal(ime_name_index_size(idx), 9);
    assert_int_equal(ime_name_match(idx, "张三", "zhangsan"), IME_NAME_EXACT);
    assert_int_equal(ime_name_match(idx, "涌", "yong"), IME_NAME_EXACT);
    assert_int_equal(ime_name_match(idx, "瓩", "q"), 0);
    assert_int_equal(ime_name_match(idx, "吕", "lv"), IME_NAME_EXACT);
    assert_int_equal(ime_name_match(idx, "略", "lue"), IME_NAME_EXACT);
    assert_int_equal(ime_name_match(idx, "局", "jv"), IME_NAME_EXACT);
    assert_int_equal(ime_name_match(idx, "坏", "h"), 0);
    assert_int_equal(ime_name_match(idx, "长", "z"), 0);
    assert_int_equal(ime_name_match(idx, "李", "l"), 0);
    assert_int_equal(ime_name_match(idx, "王", "w"), 0);
    ime_name_index_free(idx);
    ime_name_index_free(NULL);
    free(path);
    tu_rmdir(dir);
    free(dir);
}

static void test_debian_dictionary(void **state)
{
    (void)state;
    /* NULL is the folder pinyin input uses by default (Debian's). */
    if (strcmp(EW_TEST_RIME_SHARED, IME_PINYIN_SHARED_DIR) == 0) {
        EwErr e = {0};
        ImeNameIndex *idx = ime_name_index_open(NULL, &e);
        if (!idx)
            fail_msg("ime_name_index_open(NULL): %s", e.msg);
        assert_int_equal(ime_name_index_size(idx), ime_name_index_size(g_idx));
        ime_name_index_free(idx);
    }
    /* Some 49,000 single-character readings, and the spellings added. */
    assert_true(ime_name_index_size(g_idx) > 40000);
}

/* ---- Figures (printed, never asserted) -------------------------------- */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double rss_mib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (!f)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static void test_figures(void **state)
{
    (void)state;
    double rss0 = rss_mib(), t0 = now_ms();
    EwErr e = {0};
    ImeNameIndex *idx = ime_name_index_open(EW_TEST_RIME_SHARED, &e);
    double load_ms = now_ms() - t0, rss1 = rss_mib();
    assert_non_null(idx);
    printf("  load: %.1f ms, %zu readings (%.2f MiB of table), RSS +%.1f MiB\n", load_ms,
           ime_name_index_size(idx), ime_name_index_size(idx) * 12 / (1024.0 * 1024.0),
           rss1 - rss0);

    /* 1000 names: common surnames and given-name characters, 2 or 3
     * characters, a few with a Latin roster suffix. */
    static const char *const family[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",
                                          "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
                                          "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
                                          "唐", "许", "韩", "冯", "邓", "曹", "单", "曾"};
    static const char *const given[] = {"伟", "芳", "娜", "秀", "英", "敏", "静", "丽",
                                         "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
                                         "涛", "明", "超", "兰", "霞", "平", "刚", "桂",
                                         "三", "华", "建", "国", "红", "文", "玉", "春"};
    enum { NAMES = 1000 };
    char (*names)[64] = calloc(NAMES, 64);
    assert_non_null(names);
    uint32_t seed = 12345;
    for (int i = 0; i < NAMES; i++) {
        seed = seed * 1103515245u + 12345u;
        int a = (seed >> 8) % 32, b = (seed >> 13) % 32, c = (seed >> 18) % 32;
        snprintf(names[i], 64, "%s%s%s%s", family[a], given[b], (seed >> 23) % 3 ? given[c] : "",
                 i % 50 == 0 ? "A12" : "");
    }
    const char *typed = "zhangwei"; /* typed a letter at a time */
    printf("  1000 names, a keystroke at a time:\n");
    double worst = 0;
    for (size_t k = 1; k <= strlen(typed); k++) {
        char q[16];
        memcpy(q, typed, k);
        q[k] = '\0';
        int rounds = 20, hits = 0;
        double t = now_ms();
        for (int r = 0; r < rounds; r++) {
            hits = 0;
            for (int i = 0; i < NAMES; i++)
                hits += ime_name_match(idx, names[i], q) > 0;
        }
        double ms = (now_ms() - t) / rounds;
        if (ms > worst)
            worst = ms;
        printf("    %-10s %4d match  %.3f ms\n", q, hits, ms);
    }
    /* Near the worst case the bounds allow: 1000 names of 32 characters,
     * queries of z's ending in a letter that makes them fail. */
    char longname[IME_NAME_MAX * 3 + 1] = "";
    for (int i = 0; i < IME_NAME_MAX; i++)
        strcat(longname, "庄");
    static const int lengths[] = {8, 32, 64, 96, 128, QUERY_LETTERS};
    printf("  1000 names of %d characters (庄 zhuang), a query of N letters failing at its end:\n",
           IME_NAME_MAX);
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++) {
        char longq[QUERY_LETTERS + 1];
        memset(longq, 'z', (size_t)lengths[l]);
        longq[lengths[l] - 1] = 'x';
        longq[lengths[l]] = '\0';
        t0 = now_ms();
        int s = 0;
        for (int i = 0; i < NAMES; i++)
            s += ime_name_match(idx, longname, longq);
        printf("    N=%-4d %.1f ms%s\n", lengths[l], now_ms() - t0, s ? " (matched?)" : "");
    }
    printf("  (build: %s)\n",
#ifdef __SANITIZE_ADDRESS__
           "ASan+UBSan"
#else
           "no sanitizer"
#endif
    );
    free(names);
    ime_name_index_free(idx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zhangsan),
        cmocka_unit_test(test_case_and_gaps),
        cmocka_unit_test(test_empty_query),
        cmocka_unit_test(test_polyphones),
        cmocka_unit_test(test_u_umlaut),
        cmocka_unit_test(test_rare_and_mixed),
        cmocka_unit_test(test_untrusted_text),
        cmocka_unit_test(test_ranking),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_small_dictionary),
        cmocka_unit_test(test_debian_dictionary),
        cmocka_unit_test(test_figures),
    };
    return cmocka_run_group_tests(tests, open_index, free_index);
}
