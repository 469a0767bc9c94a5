/* fuzz_open311.c — fuzzes the Open311 GeoReport v2 readers (JSON and XML, db/import_doc.c) and the rules the import applies to what they read. */
#include "import_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    import_check_read(data, size, DB_IMPORT_OPEN311);
    return 0;
}
