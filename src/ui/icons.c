/*
 * icons.c: see icons.h.
 */
#include "icons.h"

#include <SDL_image.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "ew.h"

/* SDL2_image's functions, once open (guarded by lock). */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    int tried, ok;
    char why[512];
    __typeof__(IMG_Init) *init;
    __typeof__(IMG_Quit) *quit;
    __typeof__(IMG_Load) *load;
} img;

/* Opens SDL2_image with PNG support, once; 0 when usable. */
static int img_open(char *why, size_t len)
{
    pthread_mutex_lock(&lock);
    if (!img.tried) {
        img.tried = 1;
        EwErr e = {0};
        const char *file;
        void *lib = ew_dlopen("ECHOWALL_SDL2_IMAGE_LIBRARY", EW_SDL2_IMAGE_SONAME, "SDL2_image",
                              "libsdl2-image-2.0-0", &file, &e);
        if (!lib) {
            snprintf(img.why, sizeof img.why, "%s", e.msg);
        } else {
            /* POSIX's way of turning dlsym's object pointer into a function pointer */
            *(void **)&img.init = dlsym(lib, "IMG_Init");
            *(void **)&img.quit = dlsym(lib, "IMG_Quit");
            *(void **)&img.load = dlsym(lib, "IMG_Load");
            if (!img.init || !img.quit || !img.load) {
                snprintf(img.why, sizeof img.why, "%s is not SDL2_image: it has no IMG_Load",
                         file);
                dlclose(lib);
            } else if (!(img.init(IMG_INIT_PNG) & IMG_INIT_PNG)) {
                snprintf(img.why, sizeof img.why, "SDL2_image (%s) has no PNG support: %s",
                         file, SDL_GetError());
                img.quit();
                dlclose(lib);
            } else {
                img.ok = 1;
            }
        }
    }
    int ok = img.ok;
    snprintf(why, len, "%s", ok ? "" : img.why);
    pthread_mutex_unlock(&lock);
    return ok ? 0 : -1;
}

int icons_load(const char *assetdir, SDL_Surface *out[ICON_COUNT], char *why, size_t len)
{
    memset(out, 0, ICON_COUNT * sizeof *out);
    if (img_open(why, len) != 0)
        return 0;
    int n = 0;
    for (int i = 0; i < ICON_COUNT && DOMAIN_CATEGORIES[i].key; i++) {
        char *path = ew_xasprintf("%s/icons/%s.png", assetdir, DOMAIN_CATEGORIES[i].key);
        out[i] = img.load(path); /* NULL: drawn without its icon */
        free(path);
        n += out[i] != NULL;
    }
    return n;
}

struct IconLoad {
    pthread_t thread;
    char *assetdir;
    SDL_Surface *out[ICON_COUNT];
    char why[512];
    int n;
};

static void *run(void *arg)
{
    IconLoad *l = arg;
    l->n = icons_load(l->assetdir, l->out, l->why, sizeof l->why);
    return NULL;
}

IconLoad *icons_start(const char *assetdir)
{
    IconLoad *l = ew_xcalloc(1, sizeof *l);
    l->assetdir = ew_xstrdup(assetdir);
    if (pthread_create(&l->thread, NULL, run, l) != 0) {
        free(l->assetdir);
        free(l);
        return NULL;
    }
    return l;
}

int icons_finish(IconLoad *l, const char *assetdir, SDL_Surface *out[ICON_COUNT], char *why,
                 size_t len)
{
    if (!l)
        return icons_load(assetdir, out, why, len);
    pthread_join(l->thread, NULL);
    memcpy(out, l->out, sizeof l->out);
    snprintf(why, len, "%s", l->why);
    int n = l->n;
    free(l->assetdir);
    free(l);
    return n;
}

void icons_drop(IconLoad *l)
{
    if (!l)
        return;
    pthread_join(l->thread, NULL);
    for (int i = 0; i < ICON_COUNT; i++)
        SDL_FreeSurface(l->out[i]);
    free(l->assetdir);
    free(l);
}

void icons_quit(void)
{
    pthread_mutex_lock(&lock);
    if (img.ok)
        img.quit();
    img.ok = 0;
    img.tried = 0;
    pthread_mutex_unlock(&lock);
}
