# nyc311.sh — what the 311 import tests share: a database with the New York fixture, and NYC 311 rows written in the portal's 41-column layout (source, then nyc311_db NAME and nyc311_row ...).

# nyc311_db NAME: a migrated database with the fixture's premises and customers.
nyc311_db() {
    createdb -T "$MIGRATED_TEMPLATE" "$1" &&
        psql -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$TOP/tests/lib/nyc311_fixture.sql" >/dev/null
}

NYC311_HEADER='Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,Location Type,Incident Zip,Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection Street 1,Intersection Street 2,Address Type,City,Landmark,Facility Type,Status,Due Date,Resolution Description,Resolution Action Updated Date,Community Board,BBL,Borough,X Coordinate (State Plane),Y Coordinate (State Plane),Open Data Channel Type,Park Facility Name,Park Borough,Vehicle Type,Taxi Company Borough,Taxi Pick Up Location,Bridge Highway Name,Bridge Highway Direction,Road Ramp,Bridge Highway Segment,Latitude,Longitude,Location'

# nyc311_row KEY CREATED CLOSED AGENCY TYPE DESCRIPTOR ZIP ADDRESS STATUS RESOLUTION [INTER1 INTER2]:
# one row of the 41 columns (fields already quoted where they need it).
nyc311_row() {
    local key=$1 created=$2 closed=$3 agency=$4 type=$5 descr=$6 zip=$7 addr=$8 status=$9 res=${10}
    local i1=${11:-} i2=${12:-} atype=ADDRESS
    [ -n "$i1" ] && atype=INTERSECTION
    printf '%s,%s,%s,%s,Agency,%s,%s,,%s,%s,,,,%s,%s,%s,NEW YORK,,,%s,,%s,%s,,,MANHATTAN,,,PHONE,,,,,,,,,,40.75,-73.99,\r\n' \
        "$key" "$created" "$closed" "$agency" "$type" "$descr" "$zip" "$addr" "$i1" "$i2" "$atype" "$status" "$res" "$closed"
}
