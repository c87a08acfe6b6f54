#!/bin/sh
# Writes the HMS door's method table from the IDL and the hand-kept list
# of which family function serves each method.
#
#   gen-method-table.sh IDL METHODS_LIST ACCESS_LIST OUT.c OUT.h
#
# From the IDL (every method of every service): the name, whether it is
# oneway, and the declared exceptions with their result-struct field names.
# From METHODS_LIST (lines "method  function  [wire]"): the function that
# serves the method, and "wire" when that function writes its own reply
# (a fast path). Every IDL method needs a row and every row an IDL method;
# anything else stops the build. From ACCESS_LIST (lines "function  class
# [name] [lists:names|lists:objects]"): what each family function does for the Thrift door's
# authorization (open, read, write, admin; "name": the field "name" names a
# database); a function without a row stops the build.
#
# OUT.c holds `hms_method_table[]`, one row per method, and OUT.h the
# prototypes of the family functions the rows name. POSIX awk only (the
# build must not need more than the toolchain).
set -eu
idl=$1 list=$2 access=$3 out_c=$4 out_h=$5

awk -v list="$list" -v access="$access" -v out_c="$out_c.tmp" -v out_h="$out_h.tmp" '
# CamelCase or snake name -> the c_glib generator snake form
# ("getMetaConf" -> "get_meta_conf", "UnknownDBException" -> "unknown_d_b_exception")
function snake(s,    r, i, ch) {
  r = ""
  for (i = 1; i <= length(s); i++) {
    ch = substr(s, i, 1)
    if (ch ~ /[A-Z]/) {
      if (i > 1 && substr(r, length(r), 1) != "_")
        r = r "_"
      r = r tolower(ch)
    } else
      r = r ch
  }
  return r
}
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function fail(msg) { print "gen-method-table: " msg > "/dev/stderr"; failed = 1; exit 1 }

# one complete declaration, "oneway void reinitialize()" or
# "Database get_database(1:string name) throws(1:NoSuchObjectException o1, ...)"
function method(decl, service,    head, name, rest, depth, i, ch, throws, n, parts, k, ex, f, id) {
  decl = trim(decl)
  sub(/^[ \t,;]+/, "", decl)
  sub(/[,;]$/, "", decl)
  head = substr(decl, 1, index(decl, "(") - 1)
  head = trim(head)
  n = split(head, parts, /[ \t]+/)
  name = parts[n]
  if (name !~ /^[A-Za-z_][A-Za-z0-9_]*$/)
    fail("cannot read the method in: " decl)
  if (name in svc)
    fail("method declared twice: " name)
  svc[name] = service
  oneway[name] = (parts[1] == "oneway")
  order[++count] = name
  # skip the argument list
  rest = substr(decl, index(decl, "("))
  depth = 0
  for (i = 1; i <= length(rest); i++) {
    ch = substr(rest, i, 1)
    if (ch == "(") depth++
    else if (ch == ")" && --depth == 0) break
  }
  rest = trim(substr(rest, i + 1))
  nthrows[name] = 0
  if (rest == "")
    return
  if (rest !~ /^throws[ \t]*\(/)
    fail("unexpected text after " name ": " rest)
  throws = substr(rest, index(rest, "(") + 1)
  sub(/\)[ \t]*$/, "", throws)
  n = split(throws, parts, ",")
  for (k = 1; k <= n; k++) {
    ex = trim(parts[k])
    if (ex == "") continue
    id = ex
    sub(/[ \t]*:.*/, "", id)
    sub(/^[0-9]+[ \t]*:[ \t]*/, "", ex)
    split(ex, f, /[ \t]+/)
    nthrows[name]++
    throw_id[name, nthrows[name]] = id
    throw_type[name, nthrows[name]] = f[1]
    throw_field[name, nthrows[name]] = f[2]
  }
}

# Cut a service body into declarations: one ends where its argument
# list closes, or where its "throws (...)" closes when one follows.
function split_body(body, service,    i, ch, depth, decl, groups, rest) {
  depth = 0; decl = ""; groups = 0
  for (i = 1; i <= length(body); i++) {
    ch = substr(body, i, 1)
    decl = decl ch
    if (ch == "(") depth++
    else if (ch == ")" && --depth == 0) {
      groups++
      rest = substr(body, i + 1)
      sub(/^[ \t,;]+/, "", rest)
      if (groups == 1 && rest ~ /^throws[ \t]*\(/)
        continue
      method(decl, service)
      decl = ""; groups = 0
    }
  }
  if (trim(decl) !~ /^[ \t,;]*$/)
    fail("unfinished declaration in " service ": " decl)
}

BEGIN { failed = 0; count = 0 }

# ---- the IDL: each service body as one text, cut into declarations ----
{ sub(/#.*/, ""); sub(/\/\/.*/, "") }
/^service[ \t]/ { service = $2; body = ""; next }
service != "" && /^}/ { split_body(body, service); service = ""; next }
service != "" { body = body " " $0 }

END {
  if (failed) exit 1
  # ---- the list: which function serves each method ----
  nrows = 0
  while ((getline row < list) > 0) {
    sub(/#.*/, "", row)
    row = trim(row)
    if (row == "") continue
    n = split(row, f, /[ \t]+/)
    if (n < 2 || n > 3 || (n == 3 && f[3] != "wire") || f[2] !~ /^hms_[a-z0-9_]+$/)
      fail(list ": bad row: " row)
    if (!(f[1] in svc))
      fail(list ": " f[1] " is not a method of the IDL")
    if (f[1] in fn)
      fail(list ": " f[1] " listed twice")
    fn[f[1]] = f[2]
    wire[f[1]] = (n == 3)
    nrows++
  }
  close(list)
  for (k = 1; k <= count; k++)
    if (!(order[k] in fn))
      fail(list ": no row for " order[k] " (every method of the IDL needs one)")
  # ---- the access list: what each family function does ----
  while ((getline row < access) > 0) {
    sub(/#.*/, "", row)
    row = trim(row)
    if (row == "") continue
    n = split(row, f, /[ \t]+/)
    if (n < 2 || n > 4 || f[2] !~ /^(open|read|write|admin)$/)
      fail(access ": bad row: " row)
    if (f[1] in klass)
      fail(access ": " f[1] " listed twice")
    klass[f[1]] = "MS_CALL_" toupper(f[2])
    dbname[f[1]] = "FALSE"
    lists[f[1]] = "HMS_LISTS_NONE"
    for (j = 3; j <= n; j++) {
      if (f[j] == "name") dbname[f[1]] = "TRUE"
      else if (f[j] == "lists:names") lists[f[1]] = "HMS_LISTS_NAMES"
      else if (f[j] == "lists:objects") lists[f[1]] = "HMS_LISTS_OBJECTS"
      else fail(access ": bad row: " row)
    }
  }
  close(access)
  for (k = 1; k <= count; k++)
    if (!(fn[order[k]] in klass))
      fail(access ": no row for " fn[order[k]] " (every family function needs its access class)")

  print "/* Generated by thrift/gen-method-table.sh from the IDL and metastore/hms/methods.list; do not edit. */" > out_h
  print "#pragma once" > out_h
  print "#include \"hms/method.h\"" > out_h
  print "/* Generated by thrift/gen-method-table.sh from the IDL and metastore/hms/methods.list; do not edit. */" > out_c
  print "#include \"hms_method_table.h\"" > out_c
  print "#include \"thms_thrift_hive_metastore.h\"" > out_c
  for (k = 1; k <= count; k++) {
    m = order[k]
    if (!(fn[m] in declared)) {
      declared[fn[m]] = 1
      print "gboolean " fn[m] " (HmsCall *call, GError **error);" > out_h
    }
    if (nthrows[m] == 0) continue
    line = "static const HmsThrows throws_" m "[] = {"
    for (t = 1; t <= nthrows[m]; t++)
      line = line (t > 1 ? "," : "") " { \"" throw_field[m, t] "\", " throw_id[m, t] ", thms_" snake(throw_type[m, t]) "_get_type }"
    print line " };" > out_c
  }
  print "const HmsMethod hms_method_table[] = {" > out_c
  for (k = 1; k <= count; k++) {
    m = order[k]
    prefix = "thms_" snake(svc[m]) "_" snake(m)
    print "  { \"" m "\", " prefix "_args_get_type, " \
          (oneway[m] ? "NULL" : prefix "_result_get_type") ", " \
          fn[m] ", " (wire[m] ? "TRUE" : "FALSE") ", " \
          (nthrows[m] ? "throws_" m : "NULL") ", " nthrows[m] ", " \
          klass[fn[m]] ", " dbname[fn[m]] ", " lists[fn[m]] " }," > out_c
    if (wire[m] && lists[fn[m]] != "HMS_LISTS_NONE")
      fail(access ": " fn[m] " lists databases, so " m " cannot be a wire method (its result is filtered)")
  }
  print "};" > out_c
  print "const guint hms_method_count = " count ";" > out_c
}
' "$idl"
mv "$out_c.tmp" "$out_c"
mv "$out_h.tmp" "$out_h"
