#!/usr/bin/env python3
# seed.py — writes the hand-made seed inputs of every fuzz corpus (tests/fuzz/corpus/NAME/seed-*); run once, the files are kept in git.
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(TOP, "tests", "fuzz", "corpus")


def put(name, label, data):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + label), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# Hostile text: what stored or pasted text may hold.
HOSTILE = {
    "plain": b"Mrs Jane Smith, 12 High Street",
    "csi-clear": b"name\x1b[2J\x1b[H\x1b[31mred",
    "osc-title": b"\x1b]0;owned\x07after \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "dcs": b"\x1bP1$r0m\x1b\\ \x1b_apc\x1b\\ \x1b^pm\x1b\\",
    "c1-csi": "x\u009b31m y\u0085z".encode(),
    "bidi": "admin\u202euser\u202c \u2066iso\u2069 \u200f\u061c".encode(),
    "overlong": b"\xc0\xaf \xe0\x80\xaf \xf0\x80\x80\xaf \xc1\xbf",
    "surrogate": b"\xed\xa0\x80\xed\xbf\xbf",
    "invalid": b"\x80\xbf\xfe\xff\xf5\x80\x80\x80 \xe2\x82",
    "truncated-end": b"abc\xe2\x82",
    "wide": "日本語テキスト 😀😀 ｆｕｌｌ".encode(),
    "combining": "e\u0301e\u0301\u0301 a\u20dd \u1100\u1161\u11a8".encode(),
    "controls": bytes(range(1, 32)) + b"\x7f",
    "tabs-lines": b"a\tb\r\nc\rd\ne\u2028".replace(b"\\u2028", "\u2028".encode()),
    "long-word": b"x" * 300,
    "long-line": (b"word " * 400),
    "spaces": b"     a    b     ",
}

for k, v in HOSTILE.items():
    for ctl, tag in ((0x14, "w16"), (0x84, "w0-ascii"), (0x05, "w1"), (0xD0, "w76-ascii")):
        put("text", f"{k}-{tag}", bytes([ctl]) + v)

# The key decoder: every sequence the unit test knows, whole and in pieces.
src = open(os.path.join(TOP, "tests", "unit", "test_input.c"), encoding="utf-8").read()
seqs = sorted(set(re.findall(r'"(\\x1b[^"]*)"', src)))
for i, s in enumerate(seqs):
    raw = s.encode().decode("unicode_escape").encode("latin-1")
    if b"%d" in raw:
        for n in (1, 2, 3, 4, 5, 6, 7, 8, 11, 15, 17, 21, 23, 24):
            put("input", f"tilde{n}", b"\x21" + raw.replace(b"%d", str(n).encode()))
        continue
    put("input", f"unit{i:02d}", b"\x20" + raw)
    put("input", f"unit{i:02d}-bytes", b"\x21" + raw)
more = {
    "paste": b"\x1b[200~hello\r\nworld\x1b[201~x",
    "paste-esc": b"\x1b[200~a\x1b[Ab\x1b[201",
    "paste-cut": b"\x1b[200~abc\x1b[20",
    "alt-keys": b"\x1b\x1b[A\x1b\x1bOH\x1bx\x1b\x1b",
    "mouse": b"\x1b[<0;10;5M\x1b[M !!\x1b[?1;2c",
    "long-csi": b"\x1b[" + b"1" * 80 + b"A",
    "long-params": b"\x1b[" + b"1;" * 40 + b"~",
    "utf8": "é日😀".encode() + b"\xc3",
    "latin1": b"caf\xe9 \xa3",
    "linux-f": b"\x1b[[A\x1b[[E\x1b[[Z",
    "keypad": b"\x1bOp\x1bOy\x1bOM\x1bOj\x1bO5P",
}
for k, v in more.items():
    for ctl in (0x10, 0x13):
        put("input", f"{k}-{ctl:02x}", bytes([ctl]) + v)

# The number field: survey scales, typed, pasted, stepped.
put("number", "nps", b"\x00\x0a\x01" + b"10\x85\xf0\xf1d\xa0")
put("number", "csat", b"\x01\x04\x00" + b"123\xa0\xa0\xf2\xf3")
put("number", "decline", b"\x01\x04\x01" + b"dd\xa5\xa0\xf0\xf0\xf1\xf1")
put("number", "overflow", b"\x00\x7f\x01" + b"9999" + b"\xf2" * 3)

# The search classifier: what agents type.
for k, v in {
    "account": "A00012345", "phone": "+44 7700 900123", "phone-part": "900 12",
    "postcode": "SW1A 1AA", "postcode-part": "sw1", "meter": "MTR-0012345",
    "name": "  Jane  Smith ", "address": "12 High St", "short": "ab", "digits": "12",
    "punct": "--..--", "long": "x" * 250, "exact200": "y" * 200, "email": "jane@example.org",
}.items():
    put("search", k, b"\xff" + v.encode())
for k, v in HOSTILE.items():
    put("search", "hostile-" + k, b"\x20" + v)

# The configuration and the recovery scripts as shipped, and broken.
conf = open(os.path.join(TOP, "conf", "careline.conf"), "rb").read()
put("config", "shipped", conf)
put("config", "empty", b"")
put("config", "small", b'connection = { conninfo = "dbname=x"; connect_timeout = 5; };\n'
    b'ui = { theme = "mono"; ascii = "yes"; search_limit = 20; };\n'
    b'keys = { global = ( ( "C-q", "quit" ) ); };\n')
put("config", "bad-range", b"ui = { search_limit = 100000; };\n")
put("config", "bad-pattern", b'patterns = { phone = "([a-"; };\n')
put("config", "unknown", b"colour = { x = 1; };\n")
put("config", "int64", b"connection = { connect_timeout = 9999999999L; };\n")
scripts = os.path.join(TOP, "conf", "scripts")
for f in sorted(os.listdir(scripts)):
    put("script", f[:-5], open(os.path.join(scripts, f), "rb").read())
put("script", "empty", b"")
put("script", "minimal", b'code = "x"; name = "X"; categories = [ "*" ];\n'
    b'steps = ( { key = "a"; kind = "say"; text = "Hi {first_name}"; },\n'
    b'          { key = "b"; kind = "end"; text = "Bye"; } );\n')
put("script", "loop", b'code = "x"; name = "X"; categories = [ "billing" ];\n'
    b'steps = ( { key = "a"; kind = "ask"; text = "?"; answers = ( { label = "L"; value = "v"; next = "a"; } ); },\n'
    b'          { key = "b"; kind = "end"; text = "Bye"; } );\n')
put("script", "include", b'@include "/etc/passwd"\n')
put("script", "placeholders", b'code = "x"; name = "X"; categories = [ "*" ];\n'
    b'steps = ( { key = "a"; kind = "end"; text = "{nope} { {{ {first_name"; } );\n')
# More answers than steps: the graph check sizes its edge list by both.
many = "".join('{ label = "L%d"; value = "v%d"; },\n' % (i, i) for i in range(100))
put("script", "many-answers", 'code = "x"; name = "X"; categories = [ "*" ];\n'
    'steps = ( { key = "a"; kind = "ask"; text = "?"; answers = (\n' + many.rstrip(",\n") + ' ); },\n'
    '          { key = "b"; kind = "end"; text = "Bye"; } );\n')
# The 311 readers: NYC's CSV in its layouts, Open311 JSON and XML, and what breaks them.
NYC41 = (b"Unique Key,Created Date,Closed Date,Agency,Agency Name,Complaint Type,Descriptor,Location Type,"
         b"Incident Zip,Incident Address,Street Name,Cross Street 1,Cross Street 2,Intersection Street 1,"
         b"Intersection Street 2,Address Type,City,Landmark,Facility Type,Status,Due Date,Resolution Description,"
         b"Resolution Action Updated Date,Community Board,BBL,Borough,X Coordinate (State Plane),"
         b"Y Coordinate (State Plane),Open Data Channel Type,Park Facility Name,Park Borough,Vehicle Type,"
         b"Taxi Company Borough,Taxi Pick Up Location,Bridge Highway Name,Bridge Highway Direction,Road Ramp,"
         b"Bridge Highway Segment,Latitude,Longitude,Location\r\n")
ROW41 = (b"59893661,01/15/2024 08:30:00 AM,,DEP,Department of Environmental Protection,Water System,"
         b"No Water (WNW),,10118,350 5 AVENUE,5 AVENUE,,,,,ADDRESS,NEW YORK,,,Open,,,,05 MANHATTAN,1008350041,"
         b"MANHATTAN,988207,211915,PHONE,,,,,,,,,,40.748,-73.985,\"(40.748, -73.985)\"\r\n")
put("nyc311", "layout-41", NYC41 + ROW41)
put("nyc311", "layout-snake", b"unique_key,created_date,agency,complaint_type,descriptor,status,latitude\n"
    b"1,2024-01-15T08:30:00-05:00,DEP,Sewer,Sewer Odor (SA2),Open,40.7\n2,x,DEP,Sewer,y,Closed,91\n")
put("nyc311", "hostile", NYC41 + b'1,01/15/2024 08:30:00 AM,,DEP,"a ""q"", b\nc",Sewer,\x1b[2J,,,,,,,,,,,,,'
    b"Open,,\xff\xfe,,,,,,,,,,,,,,,,,,,,\r\n" + b'2,"never closed\n')
put("nyc311", "bom-empty", b"\xef\xbb\xbf")
put("nyc311", "missing-column", b"Unique Key,Agency\n1,DEP\n")
put("open311", "json", b'[{"service_request_id":"638344","status":"open","service_code":"001",'
    b'"description":"a \\"b\\" \\u00e9 \\ud83d\\ude00","requested_datetime":"2010-04-14T06:37:38-08:00",'
    b'"lat":37.76,"long":-122.41,"extended_attributes":{"x":[1,{"y":"]"}]},"media_url":null},42]')
put("open311", "json-wrapped", b'{"service_requests":[{"service_request_id":1}]}')
put("open311", "json-error", b'[{"code":403,"description":"Invalid api_key"}]')
put("open311", "json-broken", b'[{"service_request_id":"1"} {"x":tru')
put("open311", "xml", b'<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY e "x">]>\n<!-- c -->\n<service_requests>'
    b"<request><service_request_id>1</service_request_id><description>a &amp; b &#233; &#x1F600;"
    b"<![CDATA[<raw>]]></description><attributes><a><b/></a></attributes><media_url/></request>"
    b"<error><code>403</code><description>no</description></error></service_requests>")
put("open311", "xml-broken", b"<service_requests><request><service_request_id>&e;</x>")
# The 311 mapping files as shipped, and broken.
for f in ("nyc311", "open311"):
    with open(os.path.join(TOP, "conf", "import", f + ".conf"), "rb") as fh:
        put("importmap", f, fh.read())
put("importmap", "bad-status", b'status = ( ("Open", "opened") );\nmap = ();\n')
put("importmap", "no-type", b'map = ( { agency = "DEP"; descriptors = ( ("x", "a.b") ); } );\nstatus = ();\n')
put("importmap", "bad-score", b"match_min_score = 7;\n")
put("importmap", "syntax", b'status = ( ("Open", "new") ;\n')

sys.exit(0)
