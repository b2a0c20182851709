/*
 * test_ime_pinyin.c: pinyin input through librime (src/ime/pinyin.c), on
 * the schema the build deployed into <build>/rime.
 *
 * - Simplified characters: "ban" offers 办 and never 辦.
 * - Scripted keys give the expected text, picking whole words and parts
 *   (路灯, 垃圾清运, 水务, 路上灯不亮), through paging.
 * - Backspace undoes a partial pick, then letters; paging and its ends;
 *   keys and picks that are refused change nothing.
 * - No learning: an unusual candidate picked again and again, and a new
 *   phrase made of two picks, move nothing up, in the same session, in a
 *   second villager's session, or after reopening; nothing is written in
 *   the shared or deployed folders (listings with sizes and mtimes
 *   compared) nor in Rime's temporary user folder.
 * - Failure paths: librime missing, or a library that is not librime,
 *   where the first open loads it (run first, before any open loads it);
 *   missing folders, an undeployed folder, a deployment
 *   without its dictionary, a schema that would learn, OpenCC broken
 *   (traditional characters): each a clear error, no crash, and the
 *   engine opens normally afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "imeutil.h"
#include "pinyin.h"
#include "testutil.h"

#define TOP 40 /* candidates compared in the learning tests */

static char *g_tmp; /* this run's TMPDIR (Rime's scratch folder, glog's files) */

static ImePinyin *open_ok(void)
{
    EwErr e = {0};
    ImePinyin *ime = ime_pinyin_open(EW_TEST_RIME_SHARED, EW_TEST_RIME_DIR, &e);
    if (!ime)
        fail_msg("ime_pinyin_open: %s", e.msg);
    return ime;
}

static void type(ImePinyin *ime, const char *keys)
{
    for (const char *k = keys; *k; k++)
        assert_int_equal(ime_pinyin_key(ime, *k), EW_OK);
}

static void first_page(ImePinyin *ime)
{
    while (ime_pinyin_page(ime, -1) == EW_OK)
        ;
}

/* The first n candidates over all pages (fewer when there are fewer); back
 * on the first page after. Returns how many. */
static int top(ImePinyin *ime, int n, char out[][IME_TEXT_MAX])
{
    int k = 0;
    first_page(ime);
    for (;;) {
        ImeState st;
        ime_pinyin_state(ime, &st);
        for (int i = 0; i < st.ncand && k < n; i++)
            strcpy(out[k++], st.cand[i]);
        if (k == n || ime_pinyin_page(ime, +1) != EW_OK)
            break;
    }
    first_page(ime);
    return k;
}

/* Rank of word among the first TOP candidates, -1 when not there. */
static int rank_of(ImePinyin *ime, const char *word)
{
    char c[TOP][IME_TEXT_MAX];
    int n = top(ime, TOP, c);
    for (int i = 0; i < n; i++)
        if (!strcmp(c[i], word))
            return i;
    return -1;
}

/* Pages to word (within 30 pages) and picks it: the pick's result. */
static int choose(ImePinyin *ime, const char *word, char *committed)
{
    first_page(ime);
    for (int p = 0; p < 30; p++) {
        ImeState st;
        ime_pinyin_state(ime, &st);
        for (int i = 0; i < st.ncand; i++)
            if (!strcmp(st.cand[i], word))
                return ime_pinyin_pick(ime, i, committed, IME_TEXT_MAX);
        if (ime_pinyin_page(ime, +1) != EW_OK)
            break;
    }
    fail_msg("%s is not among the candidates", word);
    return -1;
}

/* A listing of a folder tree: one line per entry with its size, mode and
 * modification time (malloc'd). */
static void list_into(const char *root, const char *rel, char **buf, size_t *len)
{
    char *dir = rel[0] ? ew_xasprintf("%s/%s", root, rel) : ew_xstrdup(root);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    char *names[4096];
    int n = 0;
    while ((de = readdir(d)) && n < 4096)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            names[n++] = ew_xstrdup(de->d_name);
    closedir(d);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (int i = 0; i < n; i++) {
        char *sub = rel[0] ? ew_xasprintf("%s/%s", rel, names[i]) : ew_xstrdup(names[i]);
        char *full = ew_xasprintf("%s/%s", root, sub);
        struct stat st;
        assert_int_equal(lstat(full, &st), 0);
        char *line = ew_xasprintf("%s %lld %o %lld.%09ld\n", sub, (long long)st.st_size,
                                  (unsigned)st.st_mode, (long long)st.st_mtim.tv_sec,
                                  st.st_mtim.tv_nsec);
        *buf = ew_xrealloc(*buf, *len + strlen(line) + 1);
        memcpy(*buf + *len, line, strlen(line) + 1);
        *len += strlen(line);
        free(line);
        if (S_ISDIR(st.st_mode))
            list_into(root, sub, buf, len);
        free(full);
        free(sub);
        free(names[i]);
    }
    free(dir);
}

static char *listing(const char *root)
{
    char *buf = ew_xstrdup("");
    size_t len = 0;
    list_into(root, "", &buf, &len);
    return buf;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_simplified(void **state)
{
    (void)state;
    ImePinyin *ime = open_ok();
    type(ime, "ban");
    ImeState st;
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.input, "ban");
    assert_string_equal(st.preedit, "ban");
    assert_int_equal(st.page, 0);
    assert_int_equal(st.ncand, IME_PAGE_DEFAULT);
    assert_int_equal(st.more, 1);
    int rank = rank_of(ime, "办");
    assert_true(rank >= 0 && rank < IME_PAGE_DEFAULT);
    assert_int_equal(rank_of(ime, "辦"), -1);
    /* Nothing traditional among the first candidates of a few words. */
    static const char *const words[][2] = {
        {"banjie", "辦結"}, {"shuiwu", "水務"}, {"ludeng", "路燈"}, {"guo", "國"}, {"jie", "結"},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        ime_pinyin_clear(ime);
        type(ime, words[i][0]);
        assert_int_equal(rank_of(ime, words[i][1]), -1);
    }
    ime_pinyin_clear(ime);
    type(ime, "banjie");
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.preedit, "ban jie");
    ime_pinyin_close(ime);
}

/* Types keys, picks the words in turn and checks what is committed. */
static void script(ImePinyin *ime, const char *keys, const char *const *words, const char *want)
{
    char committed[IME_TEXT_MAX];
    ime_pinyin_clear(ime);
    type(ime, keys);
    int i = 0;
    for (; words[i + 1]; i++) {
        assert_int_equal(choose(ime, words[i], committed), 0);
        assert_string_equal(committed, "");
        ImeState st;
        ime_pinyin_state(ime, &st);
        assert_string_equal(st.input, keys); /* Rime keeps the letters until the end */
        assert_non_null(strstr(st.preedit, words[i])); /* the part picked shows... */
        assert_true(st.ncand > 0);                     /* ...and the rest has candidates */
    }
    assert_int_equal(choose(ime, words[i], committed), 1);
    assert_string_equal(committed, want);
    ImeState st;
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.input, "");
    assert_string_equal(st.preedit, "");
    assert_int_equal(st.ncand, 0);
}

static void test_scripted_keys(void **state)
{
    (void)state;
    ImePinyin *ime = open_ok();
    char committed[IME_TEXT_MAX];
    /* The issue's own example, as the first candidate. */
    type(ime, "ludeng");
    ImeState st;
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.cand[0], "路灯");
    assert_int_equal(ime_pinyin_pick(ime, 0, committed, sizeof committed), 1);
    assert_string_equal(committed, "路灯");

    script(ime, "lajiqingyun", (const char *const[]){"垃圾", "清运", NULL}, "垃圾清运");
    script(ime, "shuiwu", (const char *const[]){"水务", NULL}, "水务");
    script(ime, "banjie", (const char *const[]){"办结", NULL}, "办结");
    script(ime, "banjie", (const char *const[]){"办", "街", NULL}, "办街");
    script(ime, "lushangdengbuliang", (const char *const[]){"路上", "灯", "不亮", NULL},
           "路上灯不亮");
    script(ime, "xi'an", (const char *const[]){"西安", NULL}, "西安");
    /* Upper case is taken as lower case. */
    ime_pinyin_clear(ime);
    type(ime, "LuDeng");
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.input, "ludeng");
    assert_string_equal(st.cand[0], "路灯");
    ime_pinyin_close(ime);
}

static void test_backspace(void **state)
{
    (void)state;
    ImePinyin *ime = open_ok();
    char committed[IME_TEXT_MAX];
    assert_int_equal(ime_pinyin_backspace(ime), 0); /* nothing composing: the UI's turn */
    type(ime, "banjie");
    assert_int_equal(ime_pinyin_backspace(ime), 1);
    ImeState st;
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.input, "banji");
    assert_string_equal(st.preedit, "ban ji");
    type(ime, "e");
    assert_int_equal(choose(ime, "办", committed), 0);
    ime_pinyin_state(ime, &st);
    assert_non_null(strstr(st.preedit, "办"));
    /* The first backspace undoes the pick, the next ones take letters. */
    assert_int_equal(ime_pinyin_backspace(ime), 1);
    ime_pinyin_state(ime, &st);
    assert_null(strstr(st.preedit, "办"));
    assert_string_equal(st.input, "banjie");
    for (int i = 0; i < 6; i++)
        assert_int_equal(ime_pinyin_backspace(ime), 1);
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.input, "");
    assert_int_equal(st.ncand, 0);
    assert_int_equal(ime_pinyin_backspace(ime), 0);
    /* Clear drops everything. */
    type(ime, "shuiwu");
    ime_pinyin_clear(ime);
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.input, "");
    assert_string_equal(st.preedit, "");
    ime_pinyin_close(ime);
}

static void test_paging(void **state)
{
    (void)state;
    ImePinyin *ime = open_ok();
    assert_int_equal(ime_pinyin_set_page_size(ime, 0), EW_EINPUT);
    assert_int_equal(ime_pinyin_set_page_size(ime, IME_PAGE_MAX + 1), EW_EINPUT);
    assert_int_equal(ime_pinyin_set_page_size(ime, 5), EW_OK);
    type(ime, "shi");
    ImeState p0, p1, again;
    ime_pinyin_state(ime, &p0);
    assert_int_equal(p0.ncand, 5);
    assert_int_equal(p0.more, 1);
    assert_int_equal(ime_pinyin_page(ime, -1), EW_ESTATE);
    assert_int_equal(ime_pinyin_page(ime, +1), EW_OK);
    ime_pinyin_state(ime, &p1);
    assert_int_equal(p1.page, 1);
    assert_int_equal(p1.ncand, 5);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            assert_string_not_equal(p1.cand[i], p0.cand[j]);
    /* The same ten as one page of ten. */
    char ten[10][IME_TEXT_MAX];
    assert_int_equal(ime_pinyin_set_page_size(ime, 10), EW_OK);
    assert_int_equal(top(ime, 10, ten), 10);
    for (int i = 0; i < 5; i++) {
        assert_string_equal(ten[i], p0.cand[i]);
        assert_string_equal(ten[5 + i], p1.cand[i]);
    }
    assert_int_equal(ime_pinyin_set_page_size(ime, 5), EW_OK);
    assert_int_equal(ime_pinyin_page(ime, +1), EW_OK);
    assert_int_equal(ime_pinyin_page(ime, -1), EW_OK);
    ime_pinyin_state(ime, &again);
    assert_int_equal(again.page, 0);
    assert_string_equal(again.cand[0], p0.cand[0]);
    /* Picking on a later page takes that page's candidate. */
    char committed[IME_TEXT_MAX];
    assert_int_equal(ime_pinyin_page(ime, +1), EW_OK);
    assert_int_equal(ime_pinyin_pick(ime, 2, committed, sizeof committed), 1);
    assert_string_equal(committed, p1.cand[2]);
    /* A word with few candidates: the last page says so, and no further. */
    type(ime, "zhuangbeizhizaoye");
    int pages = 0;
    ImeState st;
    for (;;) {
        ime_pinyin_state(ime, &st);
        if (!st.more)
            break;
        assert_int_equal(ime_pinyin_page(ime, +1), EW_OK);
        assert_true(++pages < 10000);
    }
    assert_int_equal(ime_pinyin_page(ime, +1), EW_ESTATE);
    ime_pinyin_state(ime, &again);
    assert_int_equal(again.page, st.page);
    /* A new letter goes back to the first page. */
    ime_pinyin_clear(ime);
    type(ime, "shi");
    assert_int_equal(ime_pinyin_page(ime, +1), EW_OK);
    type(ime, "j");
    ime_pinyin_state(ime, &st);
    assert_int_equal(st.page, 0);
    ime_pinyin_close(ime);
}

static void test_refused(void **state)
{
    (void)state;
    ImePinyin *ime = open_ok();
    char committed[IME_TEXT_MAX];
    static const int bad[] = {'1', ' ', '\n', '-', ',', 0, -1, 0x4e00, 'z' + 1};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(ime_pinyin_key(ime, bad[i]), EW_EINPUT);
    assert_int_equal(ime_pinyin_key(ime, '\''), EW_EINPUT); /* not before a letter */
    ImeState st;
    ime_pinyin_state(ime, &st);
    assert_string_equal(st.input, "");
    assert_int_equal(ime_pinyin_pick(ime, 0, committed, sizeof committed), EW_EINPUT);
    type(ime, "xi'");
    assert_int_equal(ime_pinyin_key(ime, '\''), EW_EINPUT); /* not twice */
    ime_pinyin_clear(ime);
    /* A full composition takes no more letters, and still works. */
    for (int i = 0; i < IME_INPUT_MAX; i++)
        assert_int_equal(ime_pinyin_key(ime, "shuiwu"[i % 6]), EW_OK);
    assert_int_equal(ime_pinyin_key(ime, 'a'), EW_ESTATE);
    ime_pinyin_state(ime, &st);
    assert_int_equal((int)strlen(st.input), IME_INPUT_MAX);
    assert_true(st.ncand > 0);
    /* Bad picks change nothing. */
    ime_pinyin_clear(ime);
    type(ime, "banjie");
    ImeState before;
    ime_pinyin_state(ime, &before);
    char small[8];
    assert_int_equal(ime_pinyin_pick(ime, 0, small, sizeof small), EW_EINPUT);
    assert_int_equal(ime_pinyin_pick(ime, 0, NULL, IME_TEXT_MAX), EW_EINPUT);
    assert_int_equal(ime_pinyin_pick(ime, -1, committed, sizeof committed), EW_EINPUT);
    assert_int_equal(ime_pinyin_pick(ime, IME_PAGE_DEFAULT, committed, sizeof committed),
                     EW_EINPUT);
    ime_pinyin_state(ime, &st);
    assert_memory_equal(&st, &before, sizeof st);
    /* Past the last candidate of a short list. */
    ime_pinyin_clear(ime);
    assert_int_equal(ime_pinyin_set_page_size(ime, IME_PAGE_MAX), EW_OK);
    type(ime, "zhuangbeizhizaoye");
    for (;;) {
        ime_pinyin_state(ime, &st);
        if (!st.more)
            break;
        ime_pinyin_page(ime, +1);
    }
    if (st.ncand < IME_PAGE_MAX)
        assert_int_equal(ime_pinyin_pick(ime, st.ncand, committed, sizeof committed), EW_EINPUT);
    ime_pinyin_close(ime);
}

/* The first TOP candidates of keys, typed afresh. */
static int fresh_top(ImePinyin *ime, const char *keys, char out[][IME_TEXT_MAX])
{
    ime_pinyin_clear(ime);
    type(ime, keys);
    int n = top(ime, TOP, out);
    ime_pinyin_clear(ime);
    return n;
}

static void same_top(ImePinyin *ime, const char *keys, char want[][IME_TEXT_MAX], int n)
{
    char now[TOP][IME_TEXT_MAX];
    assert_int_equal(fresh_top(ime, keys, now), n);
    for (int i = 0; i < n; i++)
        assert_string_equal(now[i], want[i]);
}

static void test_no_learning(void **state)
{
    (void)state;
    char *deployed_before = listing(EW_TEST_RIME_DIR);
    char *shared_before = listing(EW_TEST_RIME_SHARED);
    char committed[IME_TEXT_MAX];

    ImePinyin *ime = open_ok();
    const char *scratch = ime_pinyin_scratch_dir(ime);
    assert_non_null(scratch);
    assert_int_equal(entries(scratch), 0);
    char shiji[TOP][IME_TEXT_MAX], banjie[TOP][IME_TEXT_MAX];
    int n1 = fresh_top(ime, "shiji", shiji);
    int n2 = fresh_top(ime, "banjie", banjie);
    assert_int_equal(n1, TOP);
    assert_int_equal(n2, TOP);
    assert_int_equal(rank_of(ime, "办街"), -1);
    /* One villager picks an unusual candidate of "shiji" eight times
     * (the lowest ranked of its first TOP that is a whole word), and makes
     * "办街" from two picks five times. */
    const char *unusual = NULL;
    int unusual_rank = -1;
    for (int r = n1 - 1; r > 0 && !unusual; r--) {
        type(ime, "shiji");
        if (choose(ime, shiji[r], committed) == 1) {
            unusual = shiji[r];
            unusual_rank = r;
        }
        ime_pinyin_clear(ime);
    }
    assert_true(unusual_rank >= 5);
    for (int i = 0; i < 8; i++) {
        type(ime, "shiji");
        assert_int_equal(choose(ime, unusual, committed), 1);
        assert_string_equal(committed, unusual);
    }
    for (int i = 0; i < 5; i++) {
        type(ime, "banjie");
        assert_int_equal(choose(ime, "办", committed), 0);
        assert_int_equal(choose(ime, "街", committed), 1);
        assert_string_equal(committed, "办街");
    }
    /* Nothing moved, for the same session... */
    same_top(ime, "shiji", shiji, n1);
    same_top(ime, "banjie", banjie, n2);
    type(ime, "banjie");
    assert_int_equal(rank_of(ime, "办街"), -1);
    ime_pinyin_clear(ime);
    /* ...for the next villager's session while this one is open... */
    ImePinyin *next = open_ok();
    same_top(next, "shiji", shiji, n1);
    same_top(next, "banjie", banjie, n2);
    ime_pinyin_close(next);
    assert_int_equal(entries(scratch), 0);
    ime_pinyin_close(ime);
    /* ...and after Rime is stopped and started again. */
    ime = open_ok();
    same_top(ime, "shiji", shiji, n1);
    same_top(ime, "banjie", banjie, n2);
    ime_pinyin_close(ime);

    char *deployed_after = listing(EW_TEST_RIME_DIR);
    char *shared_after = listing(EW_TEST_RIME_SHARED);
    assert_string_equal(deployed_after, deployed_before);
    assert_string_equal(shared_after, shared_before);
    free(deployed_before);
    free(deployed_after);
    free(shared_before);
    free(shared_after);
}

static void test_scratch_removed(void **state)
{
    (void)state;
    ImePinyin *ime = open_ok();
    char *scratch = ew_xstrdup(ime_pinyin_scratch_dir(ime));
    struct stat st;
    assert_int_equal(stat(scratch, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    ime_pinyin_close(ime);
    assert_int_not_equal(stat(scratch, &st), 0);
    free(scratch);
    ime_pinyin_close(NULL);
}

static void expect_open_error(const char *shared, const char *deployed, int code,
                              const char *in_msg)
{
    EwErr e = {0};
    ImePinyin *ime = ime_pinyin_open(shared, deployed, &e);
    if (ime)
        fail_msg("opened %s / %s", shared, deployed);
    assert_int_equal(e.code, code);
    if (!strstr(e.msg, in_msg))
        fail_msg("message \"%s\" does not say \"%s\"", e.msg, in_msg);
    ime_pinyin_open(shared, deployed, NULL); /* no error out: still no crash */
}

/* A copy of the deployed folder in dir without the file skip (NULL: all). */
static void copy_deployed(const char *dir, const char *skip)
{
    static const char *const files[] = {"default.yaml", IME_PINYIN_SCHEMA ".schema.yaml",
                                        IME_PINYIN_SCHEMA ".prism.bin", "luna_pinyin.table.bin",
                                        "luna_pinyin.reverse.bin"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (skip && !strcmp(files[i], skip))
            continue;
        char *from = tu_path(EW_TEST_RIME_DIR, files[i]);
        char *to = tu_path(dir, files[i]);
        tu_copy_file(from, to);
        free(from);
        free(to);
    }
}

static void test_missing_data(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    char *missing = tu_path(dir, "nowhere");
    expect_open_error(EW_TEST_RIME_SHARED, missing, EW_ENOTFOUND, "echowall-rime-deploy");
    expect_open_error(EW_TEST_RIME_SHARED, missing, EW_ENOTFOUND, missing);
    expect_open_error(missing, EW_TEST_RIME_DIR, EW_ENOTFOUND, "rime-data-luna-pinyin");
    /* A folder that was never deployed into. */
    expect_open_error(EW_TEST_RIME_SHARED, dir, EW_ENOTFOUND, "not deployed");
    /* A deployment that lost its dictionary. */
    char *nodict = tu_path(dir, "nodict");
    assert_int_equal(mkdir(nodict, 0755), 0);
    copy_deployed(nodict, "luna_pinyin.table.bin");
    expect_open_error(EW_TEST_RIME_SHARED, nodict, EW_ECORRUPT, "did not load");
    /* A deployment that lost its schema. */
    char *noschema = tu_path(dir, "noschema");
    assert_int_equal(mkdir(noschema, 0755), 0);
    copy_deployed(noschema, IME_PINYIN_SCHEMA ".schema.yaml");
    expect_open_error(EW_TEST_RIME_SHARED, noschema, EW_ENOTFOUND, IME_PINYIN_SCHEMA);
    /* The engine still opens on good data afterwards. */
    ImePinyin *ime = open_ok();
    /* ...and refuses other folders while it is open. */
    expect_open_error(EW_TEST_RIME_SHARED, nodict, EW_ESTATE, "already open");
    ime_pinyin_close(ime);
    free(noschema);
    free(nodict);
    free(missing);
    tu_rmdir(dir);
    free(dir);
}

/* Runs first: librime is loaded by the first open that finds it, and
 * stays loaded. */
static void test_missing_library(void **state)
{
    (void)state;
    setenv("ECHOWALL_RIME_LIBRARY", "/nonexistent/librime.so.1", 1);
    expect_open_error(EW_TEST_RIME_SHARED, EW_TEST_RIME_DIR, EW_ENOTFOUND, "cannot load librime");
    expect_open_error(EW_TEST_RIME_SHARED, EW_TEST_RIME_DIR, EW_ENOTFOUND, "librime1");
    setenv("ECHOWALL_RIME_LIBRARY", "libz.so.1", 1); /* loads, but is not librime */
    expect_open_error(EW_TEST_RIME_SHARED, EW_TEST_RIME_DIR, EW_ENOTFOUND, "is not librime");
    unsetenv("ECHOWALL_RIME_LIBRARY");
    /* The real one is loaded at the next open. */
    ime_pinyin_close(open_ok());
}

static void test_learning_schema_refused(void **state)
{
    (void)state;
    char *dir = tu_tmpdir();
    copy_deployed(dir, NULL);
    char *schema = tu_path(dir, IME_PINYIN_SCHEMA ".schema.yaml");
    size_t len;
    char *text = (char *)tu_read_file(schema, &len);
    assert_non_null(text);
    char *at = strstr(text, "enable_user_dict: false");
    assert_non_null(at);
    memcpy(at, "enable_user_dict: true ", strlen("enable_user_dict: true "));
    tu_write_file(schema, text, len);
    expect_open_error(EW_TEST_RIME_SHARED, dir, EW_ECORRUPT, "learn");
    free(text);
    free(schema);
    ImePinyin *ime = open_ok();
    ime_pinyin_close(ime);
    tu_rmdir(dir);
    free(dir);
}

static void test_traditional_refused(void **state)
{
    (void)state;
    /* A shared folder whose OpenCC configuration is broken: Rime then
     * leaves the luna dictionary's traditional characters as they are. */
    char *dir = tu_tmpdir();
    char *opencc = tu_path(dir, "opencc");
    assert_int_equal(mkdir(opencc, 0755), 0);
    char *conf = tu_path(opencc, "t2s.json");
    tu_write_file(conf, "{ broken", 8);
    expect_open_error(dir, EW_TEST_RIME_DIR, EW_ECORRUPT, "traditional");
    ImePinyin *ime = open_ok();
    ime_pinyin_close(ime);
    free(conf);
    free(opencc);
    tu_rmdir(dir);
    free(dir);
}

static void test_data_dir(void **state)
{
    (void)state;
    setenv("ECHOWALL_RIME_DIR", "/somewhere/rime", 1);
    assert_string_equal(ime_pinyin_data_dir(), "/somewhere/rime");
    unsetenv("ECHOWALL_RIME_DIR");
    const char *d = ime_pinyin_data_dir();
    assert_non_null(d);
    assert_true(d[0] == '/');
}

int main(void)
{
    /* Rime's scratch folder and glog's files (errors only) go here. */
    g_tmp = tu_tmpdir();
    setenv("TMPDIR", g_tmp, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_simplified),
        cmocka_unit_test(test_scripted_keys),
        cmocka_unit_test(test_backspace),
        cmocka_unit_test(test_paging),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_no_learning),
        cmocka_unit_test(test_scratch_removed),
        cmocka_unit_test(test_missing_data),
        cmocka_unit_test(test_learning_schema_refused),
        cmocka_unit_test(test_traditional_refused),
        cmocka_unit_test(test_data_dir),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    tu_rmdir(g_tmp);
    free(g_tmp);
    return rc;
}
