/*
 * heap.c: see heap.h.
 */
#define _GNU_SOURCE /* sbrk, madvise's MADV_HUGEPAGE */
#include "heap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#define HUGE_PAGE ((size_t)2 << 20)  /* the only huge page size used */
#define BIG_BLOCK (32 << 20)         /* blocks up to this come from the heap (glibc's most) */
#define HEAP_GROWTH (32 << 20)       /* address space the heap grows by beyond a request */
#define RESERVE ((size_t)30 << 20)   /* the first growth's request */

/* The first line of a small file into buf; 0 when read. */
static int read_line(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = fgets(buf, (int)len, f) != NULL;
    fclose(f);
    return ok ? 0 : -1;
}

/* 1 when the kernel gives 2 MB huge pages to a range that asks for them. */
static int huge_pages_apply(void)
{
    char buf[128];
    if (read_line("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", buf, sizeof buf) != 0 ||
        strtoull(buf, NULL, 10) != HUGE_PAGE)
        return 0;
    if (read_line("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof buf) != 0 ||
        strstr(buf, "[never]"))
        return 0;
    return 1;
}

int heap_prefer_huge_pages(void)
{
#ifdef __GLIBC__
    const char *env = getenv("ECHOWALL_HUGE_PAGES");
    if (env && strcmp(env, "0") == 0)
        return 0;
    static int done = 2; /* the first call's answer; 2 before it */
    if (done != 2)
        return done;
    done = 0;
    if (!huge_pages_apply())
        return 0;
    /* glibc's own tunable glibc.malloc.hugetlb=1 does the same (and for
     * every thread's arena), but is read from the environment only, before
     * main. Setting any of these also stops glibc moving its thresholds. */
    if (!mallopt(M_MMAP_THRESHOLD, BIG_BLOCK) || !mallopt(M_TOP_PAD, HEAP_GROWTH) ||
        !mallopt(M_TRIM_THRESHOLD, 4 * BIG_BLOCK))
        return 0;
    uintptr_t from = (uintptr_t)sbrk(0);
    void *p = malloc(RESERVE); /* grows the heap; free keeps it (trim threshold) */
    uintptr_t to = (uintptr_t)sbrk(0);
    free(p);
    if (!p || from == (uintptr_t)-1 || to == (uintptr_t)-1)
        return 0;
    from = (from + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    to &= ~(uintptr_t)(HUGE_PAGE - 1);
    if (to <= from) /* another allocator: the heap did not grow */
        return 0;
    done = madvise((void *)from, to - from, MADV_HUGEPAGE) == 0 ? 1 : -1;
    return done;
#else
    return 0;
#endif
}
