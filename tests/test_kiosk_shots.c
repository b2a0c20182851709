/*
 * test_kiosk_shots.c: the kiosk walked through every screen by its test
 * script at 800x480, 1280x800, 1920x1080 and 1080x1920 (and in English at
 * 1280x800, and on a 1280x800 panel turned 90 degrees), each screenshot compared with its reference in
 * tests/kiosk/ref/<size>/ with a per-channel tolerance.
 *
 * On a mismatch the test writes <name>.diff.png beside the new screenshot
 * (the reference dimmed, differing pixels in red) and keeps the folder,
 * naming it in the failure. ECHOWALL_UPDATE_REFS=1 writes the new
 * screenshots as the references instead (look at them before committing).
 */
#include <SDL.h>
#include <SDL_image.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kiosk.h"
#include "testutil.h"

#define TOLERANCE 24       /* per channel, 0..255 */
#define MAX_BAD_PER_MILLE 1 /* pixels beyond it, per thousand */

static const char *src_dir(void)
{
    const char *s = getenv("ECHOWALL_TEST_SRC");
    assert_non_null(s);
    return s;
}

static SDL_Surface *load_rgba(const char *path)
{
    SDL_Surface *s = IMG_Load(path);
    if (!s)
        return NULL;
    SDL_Surface *c = SDL_ConvertSurfaceFormat(s, SDL_PIXELFORMAT_RGBA32, 0);
    SDL_FreeSurface(s);
    return c;
}

/* Compares two screenshots; writes diff_path on a mismatch. Returns the
 * number of pixels beyond the tolerance (-1 for a size mismatch). */
static long compare(SDL_Surface *got, SDL_Surface *ref, const char *diff_path, int *worst)
{
    if (got->w != ref->w || got->h != ref->h)
        return -1;
    SDL_Surface *diff = SDL_CreateRGBSurfaceWithFormat(0, ref->w, ref->h, 32, SDL_PIXELFORMAT_RGBA32);
    long bad = 0;
    *worst = 0;
    for (int y = 0; y < ref->h; y++) {
        const Uint8 *g = (const Uint8 *)got->pixels + (size_t)y * (size_t)got->pitch;
        const Uint8 *r = (const Uint8 *)ref->pixels + (size_t)y * (size_t)ref->pitch;
        Uint8 *d = (Uint8 *)diff->pixels + (size_t)y * (size_t)diff->pitch;
        for (int x = 0; x < ref->w; x++) {
            int m = 0;
            for (int c = 0; c < 3; c++) {
                int delta = abs((int)g[4 * x + c] - (int)r[4 * x + c]);
                if (delta > m)
                    m = delta;
            }
            if (m > *worst)
                *worst = m;
            int off = m > TOLERANCE;
            bad += off;
            Uint8 grey = (Uint8)((r[4 * x] + r[4 * x + 1] + r[4 * x + 2]) / 6 + 128);
            d[4 * x] = off ? 255 : grey;
            d[4 * x + 1] = off ? 0 : grey;
            d[4 * x + 2] = off ? 0 : grey;
            d[4 * x + 3] = 255;
        }
    }
    long limit = (long)ref->w * ref->h * MAX_BAD_PER_MILLE / 1000;
    if (bad > limit)
        IMG_SavePNG(diff, diff_path);
    SDL_FreeSurface(diff);
    return bad;
}

static void copy(const char *from, const char *to)
{
    size_t n;
    unsigned char *b = tu_read_file(from, &n);
    assert_non_null(b);
    tu_write_file(to, b, n);
    free(b);
}

/* Runs the script at size with extra args; compares every screenshot. */
static void walk_rot(const char *size, const char *script, const char *lang, const char *rotate,
                     const char *refname);

static void walk(const char *size, const char *script, const char *lang, const char *refname)
{
    walk_rot(size, script, lang, NULL, refname);
}

static void walk_rot(const char *size, const char *script, const char *lang, const char *rotate,
                     const char *refname)
{
    char *out = tu_tmpdir();
    char *shots = tu_path(out, "shots");
    char *scr = tu_path(src_dir(), script);
    char *argv[16];
    int argc = 0;
    argv[argc++] = "echowall";
    argv[argc++] = "--demo";
    argv[argc++] = "--headless";
    argv[argc++] = "--window";
    argv[argc++] = (char *)size;
    argv[argc++] = "--script";
    argv[argc++] = scr;
    argv[argc++] = "--screenshots";
    argv[argc++] = shots;
    if (lang) {
        argv[argc++] = "--lang";
        argv[argc++] = (char *)lang;
    }
    if (rotate) {
        argv[argc++] = "--rotate";
        argv[argc++] = (char *)rotate;
    }
    argv[argc] = NULL;
    int rc = kiosk_main(argc, argv);
    assert_int_equal(rc, 0);

    char refdir[1024];
    snprintf(refdir, sizeof refdir, "%s/kiosk/ref/%s", src_dir(), refname);
    int update = getenv("ECHOWALL_UPDATE_REFS") && strcmp(getenv("ECHOWALL_UPDATE_REFS"), "1") == 0;
    if (update) {
        char parent[1024];
        snprintf(parent, sizeof parent, "%s/kiosk/ref", src_dir());
        mkdir(parent, 0755);
        mkdir(refdir, 0755);
    }
    DIR *dir = opendir(shots);
    assert_non_null(dir);
    struct dirent *e;
    int compared = 0, failed = 0;
    while ((e = readdir(dir))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".png") != 0 || strstr(e->d_name, ".diff."))
            continue;
        char got_path[2048], ref_path[2048], diff_path[2048];
        snprintf(got_path, sizeof got_path, "%s/%s", shots, e->d_name);
        snprintf(ref_path, sizeof ref_path, "%s/%s", refdir, e->d_name);
        snprintf(diff_path, sizeof diff_path, "%s/%.*s.diff.png", shots, (int)(n - 4), e->d_name);
        if (update) {
            copy(got_path, ref_path);
            continue;
        }
        SDL_Surface *got = load_rgba(got_path), *ref = load_rgba(ref_path);
        assert_non_null(got);
        if (!ref) {
            print_error("%s: no reference %s (run with ECHOWALL_UPDATE_REFS=1)\n", size, ref_path);
            failed++;
            SDL_FreeSurface(got);
            continue;
        }
        int worst = 0;
        long bad = compare(got, ref, diff_path, &worst);
        long limit = (long)ref->w * ref->h * MAX_BAD_PER_MILLE / 1000;
        if (bad < 0 || bad > limit) {
            print_error("%s %s: %ld pixels differ by more than %d (worst %d); see %s\n", refname,
                        e->d_name, bad, TOLERANCE, worst, diff_path);
            failed++;
        }
        compared++;
        SDL_FreeSurface(got);
        SDL_FreeSurface(ref);
    }
    closedir(dir);
    if (!update) {
        /* Every reference was produced again. */
        DIR *rd = opendir(refdir);
        assert_non_null(rd);
        int refs = 0;
        while ((e = readdir(rd)))
            if (strstr(e->d_name, ".png"))
                refs++;
        closedir(rd);
        assert_int_equal(refs, compared);
    }
    if (failed)
        print_error("screenshots kept in %s\n", shots);
    else
        tu_rmdir(out);
    assert_int_equal(failed, 0);
    free(out);
    free(shots);
    free(scr);
}

static void test_800x480(void **state)
{
    (void)state;
    walk("800x480", "kiosk/walk.txt", NULL, "800x480");
}

static void test_1280x800(void **state)
{
    (void)state;
    walk("1280x800", "kiosk/walk.txt", NULL, "1280x800");
}

static void test_1920x1080(void **state)
{
    (void)state;
    walk("1920x1080", "kiosk/walk.txt", NULL, "1920x1080");
}

static void test_1080x1920(void **state)
{
    (void)state;
    walk("1080x1920", "kiosk/walk.txt", NULL, "1080x1920");
}

static void test_english(void **state)
{
    (void)state;
    walk("1280x800", "kiosk/walk-en.txt", "en", "1280x800-en");
}

/* A 1280x800 panel mounted sideways: the app draws an upright 800x1280
 * portrait screen, turned onto the panel; screenshots and taps are upright. */
static void test_rotated(void **state)
{
    (void)state;
    walk_rot("1280x800", "kiosk/walk.txt", NULL, "90", "1280x800-rot90");
}

int main(void)
{
    setenv("ECHOWALL_NOW", "2026-11-28T10:00", 1);
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("ECHOWALL_CHECK_TARGETS", "1", 1); /* every frame: targets of 12 mm, 3 mm apart */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_800x480),  cmocka_unit_test(test_1280x800),
        cmocka_unit_test(test_1920x1080), cmocka_unit_test(test_1080x1920),
        cmocka_unit_test(test_english),   cmocka_unit_test(test_rotated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
