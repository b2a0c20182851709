/*
 * main.c: echowallctl, the technicians' command line (see ctl.h).
 */
#include "ctl.h"

int main(int argc, char **argv) { return ctl_main(argc, argv, stdout, stderr); }
