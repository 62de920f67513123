#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one typed wrapper per use. */
static inline int fichesync_git_opts_size(int option, size_t value) {
    return git_libgit2_opts(option, value);
}
