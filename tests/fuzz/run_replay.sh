#!/bin/sh
# Replays the committed fuzz corpus through the fuzz target (make check).
exec "${top_builddir:-.}/tests/fuzz/fuzz_guard_replay" "${top_srcdir:-.}/tests/fuzz/corpus/guard"
