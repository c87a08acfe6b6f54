#!/bin/sh
# Frees what the Thrift c_glib readers hold when a read fails part-way.
#
# Reading a container, the generated loop makes locals for each entry
# (a map's key and value, a list's or set's element) and hands them to the
# container only once they are read whole; on a read error it returns at
# once, and whatever those locals hold is lost. Some are allocated before
# anything is read: a list value (g_ptr_array_new_with_free_func), an i64
# or enum element (g_new); the others hold what was already read: a map's
# key string while its value is read, a list of structs while the next one
# is. A truncated or malformed message lost them (32 bytes and up per bad
# message; fuzz_guard found it in PrincipalPrivilegeSet's reader).
#
# In every function, after each "iterate through ..." comment the script
# reads the entry's declarations, keeps those that own memory until the
# line that hands them over (g_hash_table_insert, g_ptr_array_add,
# g_array_append_vals), and turns each return in between into a block that
# frees them first (innermost first). A struct element is left alone (the
# generated code unrefs it itself) and so are scalars and binaries (made
# only after the read). A declaration of any other shape, an entry never
# handed over, or nothing patched at all fails the build: the generator
# changed and this script must be looked at again. Edits the files in place.
set -eu
total=0
for f in "$@"; do
  n=$(awk -v out="$f.tmp" '
    function fail(msg) {
      printf "patch-read-errors.sh: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
      bad = 1; exit 1
    }
    # the declaration of one local of an entry: tracked (owns memory) or not
    function declare(line, kind,   s, v, fr) {
      s = line; sub(/^ */, "", s)
      v = s; sub(/ = .*$/, "", v); sub(/;$/, "", v); sub(/^.*[ *]/, "", v)
      fr = ""
      if (s ~ /^gchar \* [a-z_]+[0-9]+ = NULL;$/) fr = "g_free"
      else if (s ~ /^GPtrArray \* [a-z_]+[0-9]+ = g_ptr_array_new/) fr = "g_ptr_array_unref"
      else if (s ~ /^GHashTable \* [a-z_]+[0-9]+ = g_hash_table_new/) fr = "g_hash_table_unref"
      else if (s ~ /^[A-Za-z0-9_]+\* [a-z_]+[0-9]+ = g_new \([A-Za-z0-9_]+, 1\);$/) fr = "g_free"
      else if (kind == "element" && s ~ /^Thms[A-Za-z0-9_]+ \* _elem[0-9]+ = NULL;$/) return
      else if (s ~ /^GByteArray \* _elem[0-9]+ = NULL;$/) return
      else fail("an entry local of unknown shape: " s)
      nlive++; live[nlive] = v; freer[nlive] = fr; tracked++
    }
    function released(line, v) {
      return (index(line, "g_hash_table_insert (") && (index(line, "(gpointer) " v ",") || index(line, "(gpointer) " v ")"))) \
          || (index(line, "g_ptr_array_add (") && index(line, ", " v ");")) \
          || (index(line, "g_array_append_vals (") && index(line, ", " v ", "))
    }
    FNR == 1 { nlive = 0; expect = 0 }
    {
      if (expect > 0) {
        if ($0 ~ /^ *for \(/ || $0 ~ /^ *\{$/) { print > out; next }
        declare($0, kind); expect--
        print > out; next
      }
      if ($0 ~ /\/\* iterate through each of the map.s fields \*\//) { expect = 2; kind = "map entry" }
      else if ($0 ~ /\/\* iterate through (list|the set) elements \*\//) { expect = 1; kind = "element" }
      if (nlive > 0 && $0 ~ /^ *return [^;]*;$/) {
        indent = $0; sub(/return.*$/, "", indent)
        r = $0; sub(/^ */, "", r)
        s = "{"
        for (i = nlive; i >= 1; i--) s = s " " freer[i] " (" live[i] ");"
        print indent s " " r " }" > out
        wrapped++
        next
      }
      for (i = nlive; i >= 1; i--)
        if (released($0, live[i])) {
          for (j = i; j < nlive; j++) { live[j] = live[j + 1]; freer[j] = freer[j + 1] }
          nlive--
        }
      if ($0 ~ /^}$/ && nlive > 0) fail(live[nlive] " is never handed over")
      print > out
    }
    END {
      if (bad) exit 1
      if (expect > 0) fail("the file ends inside an entry")
      print tracked + 0, wrapped + 0
    }
  ' "$f")
  mv "$f.tmp" "$f"
  total=$((total + ${n% *}))
  wrapped=${n#* }
  [ "${n% *}" = 0 ] || [ "$wrapped" != 0 ] || { echo "patch-read-errors.sh: $f: locals held but no return patched" >&2; exit 1; }
done
if [ "$total" = 0 ]; then
  echo "patch-read-errors.sh: no reader local found to free: has the Thrift generator changed?" >&2
  exit 1
fi
