#!/bin/sh
# Makes the Thrift c_glib writers skip string fields that are NULL.
#
# The generator writes every string field of default requiredness
# unconditionally, so a NULL becomes "" on the wire, where Apache Hive
# (Java) leaves a null field out. Clients tell the two apart (a column
# comment of "" is not a missing comment), so we wrap each such block in
# "if (this_object->field != NULL)". Edits the files in place.
set -eu
for f in "$@"; do
  awk '
    function flush_block(   i) {
      if (keep) print "  if (this_object->" field " != NULL) {"
      for (i = 1; i <= n; i++) print buf[i]
      if (keep) print "  }"
      n = 0; inblock = 0; keep = 0; endseen = 0
    }
    {
      if (!inblock && match($0, /^  if \(\(ret = thrift_protocol_write_field_begin \(protocol, "[^"]+", T_STRING, /)) {
        s = $0; sub(/^[^"]*"/, "", s); sub(/".*$/, "", s)
        field = s; inblock = 1; n = 0; keep = 0; endseen = 0
      }
      if (inblock) {
        buf[++n] = $0
        if (index($0, "thrift_protocol_write_string (protocol, this_object->" field ","))
          keep = 1
        if (index($0, "thrift_protocol_write_field_end"))
          endseen = 1
        if (endseen && $0 ~ /^  xfer \+= ret;/)
          flush_block()
        next
      }
      print
    }
    END { if (inblock) flush_block() }
  ' "$f" > "$f.tmp"
  mv "$f.tmp" "$f"
done
