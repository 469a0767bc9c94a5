# The two template databases tests copy (createdb -T): source this file, call templates_make LOGDIR.
#
# careline_migrated: migrated, empty; tests that compare whole screens load
#   their own fixtures into it, so changes to the demo data never change them.
# careline_seeded: migrated and seeded with 2,000 customers, so each test
#   starts from the same data without seeding again.
export SEEDED_TEMPLATE=careline_seeded MIGRATED_TEMPLATE=careline_migrated

templates_make() {   # templates_make LOGDIR: needs $CARELINE and a running server
    local log=$1 rc=0
    if ! { createdb "$MIGRATED_TEMPLATE" && PGDATABASE=$MIGRATED_TEMPLATE "$CARELINE" migrate; } >"$log/migrated.log" 2>&1; then
        echo "could not prepare the migrated template:"; cat "$log/migrated.log"; rc=1
    fi
    if createdb "$SEEDED_TEMPLATE" &&
       PGDATABASE=$SEEDED_TEMPLATE "$CARELINE" migrate >"$log/template.log" 2>&1 &&
       PGDATABASE=$SEEDED_TEMPLATE "$CARELINE" seed --customers 2000 >>"$log/template.log" 2>&1; then
        echo "seeded template database ready"
    else
        echo "could not prepare the seeded template:"; cat "$log/template.log"; rc=1
    fi
    return $rc
}
