/* fixture.h — what the tests that work in a private folder share (unit tests, and tests/db's drivers): removing it, whatever they left in it. */
#ifndef CARELINE_TEST_FIXTURE_H
#define CARELINE_TEST_FIXTURE_H

#include <ftw.h>
#include <stdio.h>

static int fixture_remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

/* rm -rf dir, without a shell. 0 or -1. */
static int fixture_remove_tree(const char *dir)
{
    return nftw(dir, fixture_remove_entry, 8, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

#endif
