/* fuzz_nyc311.c — fuzzes the NYC 311 CSV reader (db/import_read.c) and the rules the import applies to what it reads (dates, coordinates, descriptors). */
#include "import_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    import_check_read(data, size, DB_IMPORT_NYC311);
    return 0;
}
