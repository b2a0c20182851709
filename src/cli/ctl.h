/*
 * ctl.h: the echowallctl command set as a function, so that the program's
 * main() and the tests run exactly the same code.
 *
 * Exit status: 0 ok; 1 failure (not found, not allowed now, I/O); 2 bad
 * usage or bad input. Messages are one line on err, naming the offending
 * argument or field. Usage and the syntax of values are checked before the
 * database is opened; every write is one transaction.
 */
#ifndef EW_CTL_H
#define EW_CTL_H

#include <stdio.h>

int ctl_main(int argc, char **argv, FILE *out, FILE *err);

#endif
