/* testutil.h: helpers shared by the test programs. */
#ifndef EW_TESTUTIL_H
#define EW_TESTUTIL_H
#include <stddef.h>
#endif
