/*
 * main.c: `echowall`, the hall screen (see kiosk.c).
 */
#include "kiosk.h"

int main(int argc, char **argv)
{
    return kiosk_main(argc, argv);
}
