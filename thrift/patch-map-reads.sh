#!/bin/sh
# Fixes a leak in the Thrift c_glib readers of string-keyed maps.
#
# The generated loop reads a key string (gchar * keyN), then the value
# (valN+1); when the value read fails (a malformed or truncated message) it
# returns -1 and the key it already read is lost. We free it on that path.
# The connection is closed after such a message, so this only ever leaked a
# few bytes per bad message, but a fuzzer (and a long-running server)
# should see none. Edits the files in place.
set -eu
for f in "$@"; do
  awk '
    /^ *gchar \* key[0-9]+ = NULL;$/ {
      key = $3; keyn = substr(key, 4) + 0
    }
    {
      if (pending) {
        pending = 0
        if ($0 ~ /^ *return -1;$/) {
          indent = $0; sub(/return -1;$/, "", indent)
          print indent "{ g_free (" key "); return -1; }"
          next
        }
      }
      if (key != "" && match($0, /thrift_protocol_read_(string|i32|i64|bool|double|byte|i16) \(protocol, &val[0-9]+, error\)\) < 0\)$/)) {
        v = $0; sub(/.*&val/, "", v); sub(/,.*/, "", v)
        if (v + 0 == keyn + 1)
          pending = 1
      }
      print
    }
  ' "$f" > "$f.tmp"
  mv "$f.tmp" "$f"
done
