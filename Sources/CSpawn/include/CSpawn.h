#ifndef FICHESYNC_CSPAWN_H
#define FICHESYNC_CSPAWN_H

#include <spawn.h>

/* glibc declares these only under _GNU_SOURCE, which Swift's Glibc module is built
   without: this file's .c defines it and forwards. */

/* posix_spawn_file_actions_addchdir_np: the child starts in `path`. */
int fichesync_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/* posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor >= `from`. */
int fichesync_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/* POSIX_SPAWN_SETSID: the child starts a session of its own. */
short fichesync_spawn_setsid_flag(void);

#endif
