/* import_conf.h — the 311 mapping files (conf/import/nyc311.conf, open311.conf) read through libconfig into the import's map. */
#ifndef CARELINE_IMPORT_CONF_H
#define CARELINE_IMPORT_CONF_H

#include <stddef.h>

#include "careline/import.h"

/* Read the mapping of source from path, or when path is NULL from the
 * first of $XDG_CONFIG_HOME/careline/import/SOURCE.conf (or
 * ~/.config/careline/import/SOURCE.conf), /etc/careline/import/SOURCE.conf
 * and the copy compiled in. Every rule is checked (agency, type and
 * descriptor for NYC 311; the statuses Careline knows; a score in 0..1).
 * Returns 0, or -1 with "FILE:LINE: reason" in err (m left empty). */
int app_import_map_load(enum db_import_source source, const char *path, struct db_import_map *m, char *err,
                        size_t errlen);
/* Where the mapping in use comes from (after a load): a path, or
 * "<built-in conf/import/nyc311.conf>". */
const char *app_import_map_origin(const struct db_import_map *m);

#endif
