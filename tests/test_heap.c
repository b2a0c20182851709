/*
 * test_heap.c: the kiosk's heap on transparent huge pages (src/kiosk/heap.c).
 *
 * - ECHOWALL_HUGE_PAGES=0 leaves the allocator alone;
 * - where 2 MB huge pages are on (this kernel's /sys says so) and glibc's
 *   allocator is the one in use (not ASan's), the heap is advised: its
 *   mapping in /proc/self/smaps carries the "hg" flag, and an 8 MB block
 *   (the size of a 1920x1080 frame) comes from inside that heap rather than
 *   from a mapping of its own;
 * - elsewhere it says so (0) and changes nothing.
 * Under qemu-user (EW_TEST_EMULATED=1, the arm64 tests) the flag is not
 * looked for: qemu may drop the advice, and its smaps is its own; and its
 * emulated brk may refuse to grow (then the heap is left as it is, 0).
 */
#define _GNU_SOURCE /* sbrk */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "heap.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define OTHER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OTHER_ALLOCATOR 1
#endif
#endif
#if !defined(OTHER_ALLOCATOR) && !defined(__GLIBC__)
#define OTHER_ALLOCATOR 1
#endif

/* 1 when this kernel gives 2 MB huge pages to an advised range. */
static int kernel_has_huge_pages(void)
{
    char a[128] = "", b[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r");
    if (f) {
        if (!fgets(a, sizeof a, f))
            a[0] = 0;
        fclose(f);
    }
    f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
        if (!fgets(b, sizeof b, f))
            b[0] = 0;
        fclose(f);
    }
    return strtoull(a, NULL, 10) == 2097152 && b[0] && !strstr(b, "[never]");
}

/* The VmFlags line of the mapping that holds addr, from /proc/self/smaps
 * (malloc'd), or NULL. */
static char *vm_flags_at(uintptr_t addr)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    assert_non_null(f);
    char line[512];
    int inside = 0;
    char *flags = NULL;
    while (!flags && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            inside = addr >= lo && addr < hi;
        else if (inside && strncmp(line, "VmFlags:", 8) == 0)
            flags = strdup(line);
    }
    fclose(f);
    return flags;
}

/* Runs first: switched off, nothing is done. */
static void test_switched_off(void **state)
{
    (void)state;
    setenv("ECHOWALL_HUGE_PAGES", "0", 1);
    void *before = sbrk(0);
    assert_int_equal(heap_prefer_huge_pages(), 0);
    assert_ptr_equal(sbrk(0), before);
    unsetenv("ECHOWALL_HUGE_PAGES");
}

static void test_heap_advised(void **state)
{
    (void)state;
#ifdef OTHER_ALLOCATOR
    const int other_allocator = 1;
#else
    const int other_allocator = 0;
#endif
    const char *env = getenv("EW_TEST_EMULATED");
    const int emulated = env && strcmp(env, "1") == 0;
    int rc = heap_prefer_huge_pages();
    if (other_allocator || !kernel_has_huge_pages()) {
        assert_int_equal(rc, 0);
        skip();
        return;
    }
    if (emulated && rc == 0) { /* qemu-user's brk could not grow where glibc asked */
        skip();
        return;
    }
    assert_int_equal(rc, 1);
    size_t len = (size_t)8 << 20;
    unsigned char *frame = malloc(len);
    assert_non_null(frame);
    memset(frame, 0x5A, len);
    uintptr_t mid = (uintptr_t)frame + len / 2, top = (uintptr_t)sbrk(0);
    assert_true(mid < top); /* from the heap, below its end: not a mapping of its own */
    /* Under qemu-user (the arm64 tests), madvise is a hint qemu may drop
     * and /proc/self/smaps is its own rendering: only a kernel shows "hg". */
    if (!emulated) {
        char *flags = vm_flags_at(mid);
        assert_non_null(flags);
        assert_non_null(strstr(flags, " hg"));
        free(flags);
    }
    free(frame);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_switched_off),
        cmocka_unit_test(test_heap_advised),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
