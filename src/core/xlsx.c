/*
 * xlsx.c: see xlsx.h.
 */
#define EW_XLSX_NO_REDIRECT
#include "xlsx.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

XlsxApi ew_xlsx;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* guards ew_xlsx and loaded */
static int loaded;

static int load(EwErr *err)
{
    const char *file;
    void *lib = ew_dlopen("ECHOWALL_XLSX_LIBRARY", EW_XLSX_SONAME, "libxlsxwriter",
                          "libxlsxwriter4", &file, err);
    if (!lib)
        return EW_ENOTFOUND;
    /* POSIX's way of turning dlsym's object pointer into a function pointer */
#define EW_XLSX_SYM(name)                                                                          \
    if (!(*(void **)&ew_xlsx.name = dlsym(lib, #name))) {                                           \
        memset(&ew_xlsx, 0, sizeof ew_xlsx);                                                       \
        dlclose(lib);                                                                              \
        return ew_err(err, EW_ENOTFOUND, "%s is not libxlsxwriter: it has no %s", file, #name);   \
    }
    EW_XLSX_FUNCS(EW_XLSX_SYM)
#undef EW_XLSX_SYM
    return EW_OK;
}

int xlsx_load(EwErr *err)
{
    pthread_mutex_lock(&lock);
    int rc = loaded ? EW_OK : load(err);
    if (rc == EW_OK)
        loaded = 1;
    pthread_mutex_unlock(&lock);
    return rc;
}
