// Loads libbabeltrace2.so.0 and resolves FT_BT_FUNCTIONS (see bt_symbols.h).
#include <dlfcn.h>
#include <stdio.h>
#include "bt_symbols.h"
#include "CCTFReader.h"

#define FT_BT_DEFINE(f) __typeof__(f) *ft_p_##f;
FT_BT_FUNCTIONS(FT_BT_DEFINE)
#undef FT_BT_DEFINE

int ft_ctf_load_library(char *err, size_t errlen) {
    // Never closed: the library keeps plugins and component classes loaded for the process.
    static void *handle;
    if (handle) return 0;
    void *h = dlopen("libbabeltrace2.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, errlen, "%s", dlerror());
        return -1;
    }
#define FT_BT_RESOLVE(f) \
    if (!(ft_p_##f = (__typeof__(f) *)dlsym(h, #f))) { \
        snprintf(err, errlen, "libbabeltrace2.so.0 lacks %s", #f); \
        return -1; \
    }
    FT_BT_FUNCTIONS(FT_BT_RESOLVE)
#undef FT_BT_RESOLVE
    handle = h;
    return 0;
}
