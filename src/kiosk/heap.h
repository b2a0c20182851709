/*
 * heap.h: the kiosk's heap on transparent huge pages.
 *
 * Every page of memory the kiosk touches for the first time is a page
 * fault, in which the kernel finds, zeroes and maps 4 KB: the 8 MB frame
 * SDL draws into, SQLite's pages, FreeType's copies of the fonts, every
 * text texture. Showing the demo wall at 1920x1080 took 7,150 of them, and
 * the kernel's share of the start was 40 of its 250 ms of CPU (x86_64 VM,
 * 2 cores). With the heap on 2 MB pages it takes 1,300, and the whole
 * start, from the command to the screenshot written, went from a median of
 * 167 ms to 156 ms, interleaved over 40 runs each (README, "The kiosk").
 *
 * heap_prefer_huge_pages() asks glibc's allocator to serve blocks of up to
 * 32 MB from its main heap (the frame included) rather than from a mapping
 * of their own, grows the heap once by 62 MB of address space (nothing is
 * resident until used), and advises the kernel (madvise MADV_HUGEPAGE) to
 * back that range with huge pages as it is touched. The cost is memory:
 * the heap is resident in 2 MB steps and not given back (peak RSS of the
 * demo wall 44.3 -> 46.5 MB). Only where huge pages are 2 MB (x86_64, and
 * arm64 with 4 KB pages: a Pi 5's 16 KB-page kernel has 32 MB ones, which
 * would cost far more memory) and not switched off; elsewhere, under other
 * allocators (ASan's, musl's) and when ECHOWALL_HUGE_PAGES=0, it does
 * nothing.
 */
#ifndef EW_HEAP_H
#define EW_HEAP_H

/* Returns 1 when the heap was advised, 0 when huge pages do not apply here
 * (see above), -1 when the kernel refused the advice. Call first thing in
 * main; a later call does nothing and returns the first one's answer. */
int heap_prefer_huge_pages(void);

#endif
