"""PostgreSQL 15's built-in types, as data (the spec, not computed).

Generated once from a PostgreSQL 15 ``pg_catalog`` with::

    SELECT t.typname, t.oid, t.typarray, t.typtype, t.typcategory, t.typispreferred,
           c.collname, t.typmodin
      FROM pg_type t LEFT JOIN pg_collation c ON c.oid = t.typcollation
     WHERE typnamespace = 'pg_catalog'::regnamespace AND typtype IN ('b', 'p', 'r', 'm')
       AND NOT (typelem <> 0 AND EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid))
     ORDER BY t.oid;

Columns: typname, oid, array type oid (0: none), typtype, typcategory, typispreferred, default
collation ('-': not collatable), typmod kind (the typmodin function minus ``typmodin``; '-': the
type takes no modifier).  Array types are not listed: each is named ``_`` + its element's name,
has category ``A`` and typtype ``b``, and shares its element's collation and typmod kind
(``pg_type`` agrees), except ``_record``, which is a pseudo-type like ``record`` (see
:data:`PSEUDO_ARRAYS`).
"""

from __future__ import annotations

#: Array types that are pseudo-types (typtype p, category P) in PostgreSQL 15.
PSEUDO_ARRAYS = frozenset({"_record"})

BUILTIN_TYPES = """
bool                              16  1000  b B t -       -
bytea                             17  1001  b U f -       -
char                              18  1002  b Z f -       -
name                              19  1003  b S f C       -
int8                              20  1016  b N f -       -
int2                              21  1005  b N f -       -
int2vector                        22  1006  b A f -       -
int4                              23  1007  b N f -       -
regproc                           24  1008  b N f -       -
text                              25  1009  b S t default -
oid                               26  1028  b N t -       -
tid                               27  1010  b U f -       -
xid                               28  1011  b U f -       -
cid                               29  1012  b U f -       -
oidvector                         30  1013  b A f -       -
pg_ddl_command                    32     0  p P f -       -
json                             114   199  b U f -       -
xml                              142   143  b U f -       -
pg_node_tree                     194     0  b Z f default -
table_am_handler                 269     0  p P f -       -
index_am_handler                 325     0  p P f -       -
point                            600  1017  b G f -       -
lseg                             601  1018  b G f -       -
path                             602  1019  b G f -       -
box                              603  1020  b G f -       -
polygon                          604  1027  b G f -       -
line                             628   629  b G f -       -
cidr                             650   651  b I f -       -
float4                           700  1021  b N f -       -
float8                           701  1022  b N t -       -
unknown                          705     0  p X f -       -
circle                           718   719  b G f -       -
macaddr8                         774   775  b U f -       -
money                            790   791  b N f -       -
macaddr                          829  1040  b U f -       -
inet                             869  1041  b I t -       -
aclitem                         1033  1034  b U f -       -
bpchar                          1042  1014  b S f default bpchar
varchar                         1043  1015  b S f default varchar
date                            1082  1182  b D f -       -
time                            1083  1183  b D f -       time
timestamp                       1114  1115  b D f -       timestamp
timestamptz                     1184  1185  b D t -       timestamptz
interval                        1186  1187  b T t -       interval
timetz                          1266  1270  b D f -       timetz
bit                             1560  1561  b V f -       bit
varbit                          1562  1563  b V t -       varbit
numeric                         1700  1231  b N f -       numeric
refcursor                       1790  2201  b U f -       -
regprocedure                    2202  2207  b N f -       -
regoper                         2203  2208  b N f -       -
regoperator                     2204  2209  b N f -       -
regclass                        2205  2210  b N f -       -
regtype                         2206  2211  b N f -       -
record                          2249  2287  p P f -       -
cstring                         2275  1263  p P f -       -
any                             2276     0  p P f -       -
anyarray                        2277     0  p P f -       -
void                            2278     0  p P f -       -
trigger                         2279     0  p P f -       -
language_handler                2280     0  p P f -       -
internal                        2281     0  p P f -       -
anyelement                      2283     0  p P f -       -
anynonarray                     2776     0  p P f -       -
uuid                            2950  2951  b U f -       -
txid_snapshot                   2970  2949  b U f -       -
fdw_handler                     3115     0  p P f -       -
pg_lsn                          3220  3221  b U f -       -
tsm_handler                     3310     0  p P f -       -
pg_ndistinct                    3361     0  b Z f default -
pg_dependencies                 3402     0  b Z f default -
anyenum                         3500     0  p P f -       -
tsvector                        3614  3643  b U f -       -
tsquery                         3615  3645  b U f -       -
gtsvector                       3642  3644  b U f -       -
regconfig                       3734  3735  b N f -       -
regdictionary                   3769  3770  b N f -       -
jsonb                           3802  3807  b U f -       -
anyrange                        3831     0  p P f -       -
event_trigger                   3838     0  p P f -       -
int4range                       3904  3905  r R f -       -
numrange                        3906  3907  r R f -       -
tsrange                         3908  3909  r R f -       -
tstzrange                       3910  3911  r R f -       -
daterange                       3912  3913  r R f -       -
int8range                       3926  3927  r R f -       -
jsonpath                        4072  4073  b U f -       -
regnamespace                    4089  4090  b N f -       -
regrole                         4096  4097  b N f -       -
regcollation                    4191  4192  b N f -       -
int4multirange                  4451  6150  m R f -       -
nummultirange                   4532  6151  m R f -       -
tsmultirange                    4533  6152  m R f -       -
tstzmultirange                  4534  6153  m R f -       -
datemultirange                  4535  6155  m R f -       -
int8multirange                  4536  6157  m R f -       -
anymultirange                   4537     0  p P f -       -
anycompatiblemultirange         4538     0  p P f -       -
pg_brin_bloom_summary           4600     0  b Z f default -
pg_brin_minmax_multi_summary    4601     0  b Z f default -
pg_mcv_list                     5017     0  b Z f default -
pg_snapshot                     5038  5039  b U f -       -
xid8                            5069   271  b U f -       -
anycompatible                   5077     0  p P f -       -
anycompatiblearray              5078     0  p P f -       -
anycompatiblenonarray           5079     0  p P f -       -
anycompatiblerange              5080     0  p P f -       -
"""


#: PostgreSQL 15's pg_cast between the types above, generated with::
#:
#:     SELECT s.typname, t.typname, castcontext, castmethod FROM pg_cast
#:       JOIN pg_type s ON s.oid = castsource JOIN pg_type t ON t.oid = casttarget
#:      WHERE s.typtype NOT IN ('c', 'd') AND t.typtype NOT IN ('c', 'd');
#:
#: One line per source type (a source may span several lines): ``source = target:CM ...``
#: where C is castcontext (i implicit, a assignment, e explicit) and M castmethod (f function,
#: b binary coercible, i I/O conversion).
BUILTIN_CASTS = """
bool = int4:ef text:af bpchar:af varchar:af
char = int4:ef text:if bpchar:af varchar:af
name = text:if bpchar:af varchar:af
int8 = int2:af int4:af regproc:if oid:if float4:if float8:if money:af bit:ef numeric:if
int8 = regprocedure:if regoper:if regoperator:if regclass:if regtype:if regconfig:if
int8 = regdictionary:if regnamespace:if regrole:if regcollation:if
int2 = int8:if int4:if regproc:if oid:if float4:if float8:if numeric:if regprocedure:if
int2 = regoper:if regoperator:if regclass:if regtype:if regconfig:if regdictionary:if
int2 = regnamespace:if regrole:if regcollation:if
int4 = bool:ef char:ef int8:if int2:af regproc:ib oid:ib float4:if float8:if money:af bit:ef
int4 = numeric:if regprocedure:ib regoper:ib regoperator:ib regclass:ib regtype:ib regconfig:ib
int4 = regdictionary:ib regnamespace:ib regrole:ib regcollation:ib
regproc = int8:af int4:ab oid:ib regprocedure:ib
text = char:af name:if xml:ef bpchar:ib varchar:ib regclass:if
oid = int8:af int4:ab regproc:ib regprocedure:ib regoper:ib regoperator:ib regclass:ib
oid = regtype:ib regconfig:ib regdictionary:ib regnamespace:ib regrole:ib regcollation:ib
json = jsonb:ai
xml = text:ab bpchar:ab varchar:ab
pg_node_tree = text:ib
point = box:af
lseg = point:ef
path = polygon:af
box = point:ef lseg:ef polygon:af circle:ef
polygon = point:ef path:af box:ef circle:ef
cidr = text:af inet:ib bpchar:af varchar:af
float4 = int8:af int2:af int4:af float8:if numeric:af
float8 = int8:af int2:af int4:af float4:af numeric:af
circle = point:ef box:ef polygon:ef
macaddr8 = macaddr:if
money = numeric:af
macaddr = macaddr8:if
inet = text:af cidr:af bpchar:af varchar:af
bpchar = char:af name:if text:if xml:ef bpchar:if varchar:if
varchar = char:af name:if text:ib xml:ef bpchar:ib varchar:if regclass:if
date = timestamp:if timestamptz:if
time = time:if interval:if timetz:if
timestamp = date:af time:af timestamp:if timestamptz:if
timestamptz = date:af time:af timestamp:af timestamptz:if timetz:af
interval = time:af interval:if
timetz = time:af timetz:if
bit = int8:ef int4:ef bit:if varbit:ib
varbit = bit:ib varbit:if
numeric = int8:af int2:af int4:af float4:if float8:if money:af numeric:if
regprocedure = int8:af int4:ab regproc:ib oid:ib
regoper = int8:af int4:ab oid:ib regoperator:ib
regoperator = int8:af int4:ab oid:ib regoper:ib
regclass = int8:af int4:ab oid:ib
regtype = int8:af int4:ab oid:ib
pg_ndistinct = bytea:ib text:ii
pg_dependencies = bytea:ib text:ii
regconfig = int8:af int4:ab oid:ib
regdictionary = int8:af int4:ab oid:ib
jsonb = bool:ef int8:ef int2:ef int4:ef json:ai float4:ef float8:ef numeric:ef
int4range = int4multirange:ef
numrange = nummultirange:ef
tsrange = tsmultirange:ef
tstzrange = tstzmultirange:ef
daterange = datemultirange:ef
int8range = int8multirange:ef
regnamespace = int8:af int4:ab oid:ib
regrole = int8:af int4:ab oid:ib
regcollation = int8:af int4:ab oid:ib
pg_mcv_list = bytea:ib text:ii
xid8 = xid:ef
"""
