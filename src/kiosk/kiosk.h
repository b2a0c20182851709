/*
 * kiosk.h: the `echowall` program as a function, so the bench can run it.
 */
#ifndef EW_KIOSK_H
#define EW_KIOSK_H

/* Runs the kiosk with argv; returns the exit code: 0 done, 1 a failed
 * script step or a runtime error, 2 bad usage or a script that does not
 * parse. */
int kiosk_main(int argc, char **argv);

#endif
