/*
 * bench_ime.c: the input engines' speed and memory. Prints figures;
 * asserts no times (label `bench`). Target: under 50 ms from a keystroke
 * or a stroke to its candidates.
 *
 * 1. Deployment: echowall-rime-deploy into a temporary folder (the build
 *    does this once; timed here as a packager would see it).
 * 2. Pinyin: open time and the memory it adds (resident set from
 *    /proc/self/statm before and after, and after typing); then phrases
 *    typed one key at a time, each key timed up to its state (preedit and
 *    a page of candidates) being read, the whole phrase's letters typed
 *    first then committed, many rounds: median, p99 and worst.
 * 3. Handwriting: the same for opening the model, and the time from a
 *    stroke's end to its candidates, strokes drawn point by point.
 * Run: ctest --preset bench, or build/release/tests/bench_ime [rounds].
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "hand.h"
#include "imeutil.h"
#include "pinyin.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Resident set size in MiB. */
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *t, size_t n)
{
    qsort(t, n, sizeof *t, cmp_double);
    size_t p99 = (size_t)ceil(n * 0.99) - 1;
    printf("  %-34s n=%-6zu median %6.2f ms   p99 %6.2f ms   max %6.2f ms\n", what, n,
           t[n / 2], t[p99], t[n - 1]);
}

static void machine(void)
{
    struct utsname u;
    uname(&u);
    char model[256] = "?";
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[512];
        while (fgets(line, sizeof line, f)) {
            char *c = strchr(line, ':');
            if (c && (!strncmp(line, "model name", 10) || !strncmp(line, "Model", 5))) {
                snprintf(model, sizeof model, "%s", c + 2);
                model[strcspn(model, "\n")] = '\0';
                break;
            }
        }
        fclose(f);
    }
    printf("machine: %s %s, %ld CPUs, %s\n", u.sysname, u.machine, sysconf(_SC_NPROCESSORS_ONLN),
           model);
}

static void bench_deploy(void)
{
    char *tmp = ime_make_tmpdir("echowall-bench-rime-");
    if (!tmp)
        return;
    const char *tool = getenv("ECHOWALL_RIME_DEPLOY");
    char *out = ew_xasprintf("%s/rime", tmp);
    char *cmd = ew_xasprintf("'%s' --shared '%s' '%s' 2>&1", tool ? tool : EW_TEST_RIME_DEPLOY,
                             EW_TEST_RIME_SHARED, out);
    double t0 = now_ms();
    int rc = system(cmd);
    double ms = now_ms() - t0;
    printf("deploy (echowall-rime-deploy): %.0f ms%s\n", ms, rc ? " FAILED" : "");
    ime_remove_tree(tmp);
    free(cmd);
    free(out);
    free(tmp);
}

static const char *const PHRASES[] = {
    "banjie", "shuiwu", "lushangdengbuliang", "ludeng", "lajiqingyun",
    "cunweihuibangzhujiejuele", "xiwangjinkuaixiuhaoqiaoliang",
};
#define NPHRASES (sizeof PHRASES / sizeof PHRASES[0])

static void bench_pinyin(int rounds)
{
    printf("pinyin (librime, schema %s):\n", IME_PINYIN_SCHEMA);
    double rss0 = rss_mib();
    double t0 = now_ms();
    EwErr e = {0};
    ImePinyin *ime = ime_pinyin_open(EW_TEST_RIME_SHARED, EW_TEST_RIME_DIR, &e);
    double open_ms = now_ms() - t0;
    if (!ime) {
        printf("  cannot open: %s\n", e.msg);
        return;
    }
    double rss1 = rss_mib();
    printf("  open %.1f ms, RSS +%.1f MiB (%.1f -> %.1f)\n", open_ms, rss1 - rss0, rss0, rss1);

    size_t keys = 0;
    for (size_t p = 0; p < NPHRASES; p++)
        keys += strlen(PHRASES[p]);
    size_t n = keys * (size_t)rounds, k = 0, m = 0;
    double *t = ew_xcalloc(n, sizeof *t);
    double *first = ew_xcalloc(NPHRASES * (size_t)rounds, sizeof *first);
    double *pick = ew_xcalloc(NPHRASES * (size_t)rounds, sizeof *pick);
    size_t npick = 0;
    ImeState st;
    char committed[IME_TEXT_MAX];
    for (int r = 0; r < rounds; r++)
        for (size_t p = 0; p < NPHRASES; p++) {
            for (const char *c = PHRASES[p]; *c; c++) {
                double a = now_ms();
                ime_pinyin_key(ime, *c);
                ime_pinyin_state(ime, &st);
                double d = now_ms() - a;
                t[k++] = d;
                if (c == PHRASES[p])
                    first[m++] = d;
            }
            double a = now_ms();
            int rc = ime_pinyin_pick(ime, 0, committed, sizeof committed);
            ime_pinyin_state(ime, &st);
            pick[npick++] = now_ms() - a;
            if (r == 0)
                printf("  %-30s -> %s%s\n", PHRASES[p], rc == 1 ? committed : st.preedit,
                       rc == 1 ? "" : " (still composing)");
            ime_pinyin_clear(ime);
        }
    report("keystroke -> preedit + candidates", t, k);
    report("first key of a phrase", first, m);
    report("pick -> commit or new candidates", pick, npick);
    printf("  RSS after typing: %.1f MiB (+%.1f over before open)\n", rss_mib(),
           rss_mib() - rss0);
    ime_pinyin_close(ime);
    free(t);
    free(first);
    free(pick);
}

/* A few characters' strokes (corner points, 300 x 300 box). */
typedef struct Stroke {
    int n;
    int p[4][2];
} Stroke;
static const struct {
    const char *ch;
    int ns;
    Stroke s[5];
} CHARS[] = {
    {"十", 2, {{2, {{40, 140}, {260, 140}}}, {2, {{150, 30}, {150, 280}}}}},
    {"人", 2, {{3, {{150, 30}, {140, 120}, {40, 270}}}, {3, {{145, 120}, {200, 210}, {270, 270}}}}},
    {"口", 3, {{2, {{70, 70}, {70, 240}}}, {3, {{70, 70}, {230, 70}, {230, 240}}}, {2, {{70, 240}, {230, 240}}}}},
    {"王", 4, {{2, {{60, 50}, {240, 50}}}, {2, {{80, 150}, {220, 150}}}, {2, {{150, 50}, {150, 250}}}, {2, {{30, 250}, {270, 250}}}}},
    {"中", 4, {{2, {{60, 90}, {60, 200}}}, {3, {{60, 90}, {240, 90}, {240, 200}}}, {2, {{60, 200}, {240, 200}}}, {2, {{150, 20}, {150, 285}}}}},
};
#define NCHARS (sizeof CHARS / sizeof CHARS[0])

static void bench_hand(int rounds)
{
    printf("handwriting (zinnia, %s):\n", IME_HAND_MODEL);
    double rss0 = rss_mib();
    double t0 = now_ms();
    EwErr e = {0};
    ImeHand *h = ime_hand_open(NULL, &e);
    double open_ms = now_ms() - t0;
    if (!h) {
        printf("  cannot open: %s\n", e.msg);
        return;
    }
    double rss1 = rss_mib();
    printf("  open %.1f ms (model checked whole), RSS +%.1f MiB (%.1f -> %.1f)\n", open_ms,
           rss1 - rss0, rss0, rss1);
    ime_hand_begin(h, 300, 300);
    size_t strokes = 0;
    for (size_t c = 0; c < NCHARS; c++)
        strokes += (size_t)CHARS[c].ns;
    size_t n = strokes * (size_t)rounds, k = 0;
    double *t = ew_xcalloc(n, sizeof *t);
    double *undo = ew_xcalloc(n, sizeof *undo);
    size_t nu = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t c = 0; c < NCHARS; c++) {
            ime_hand_clear(h);
            for (int s = 0; s < CHARS[c].ns; s++) {
                const Stroke *st = &CHARS[c].s[s];
                for (int j = 0; j + 1 < st->n; j++)
                    for (int i = 0; i < 40; i++)
                        ime_hand_stroke_point(h, st->p[j][0] + (st->p[j + 1][0] - st->p[j][0]) * i / 40,
                                              st->p[j][1] + (st->p[j + 1][1] - st->p[j][1]) * i / 40);
                ime_hand_stroke_point(h, st->p[st->n - 1][0], st->p[st->n - 1][1]);
                char out[IME_HAND_NBEST][IME_HAND_CHAR_MAX];
                double a = now_ms();
                ime_hand_stroke_end(h);
                ime_hand_candidates(h, IME_HAND_NBEST, out, NULL);
                t[k++] = now_ms() - a;
                if (r == 0 && s == CHARS[c].ns - 1)
                    printf("  %s: first candidates %s %s %s\n", CHARS[c].ch, out[0], out[1],
                           out[2]);
            }
            double a = now_ms();
            ime_hand_undo(h);
            undo[nu++] = now_ms() - a;
        }
    report("stroke end -> candidates", t, k);
    report("undo -> candidates", undo, nu);
    ime_hand_close(h);
    free(t);
    free(undo);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 30;
    if (rounds < 1)
        rounds = 1;
    machine();
    bench_deploy();
    bench_pinyin(rounds);
    bench_hand(rounds);
    return 0;
}
