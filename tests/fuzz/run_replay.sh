#!/bin/sh
# Replays the committed fuzz corpora through the fuzz targets (make check).
b="${top_builddir:-.}/tests/fuzz"
c="${top_srcdir:-.}/tests/fuzz/corpus"
"$b/fuzz_guard_replay" "$c/guard" && "$b/fuzz_filter_replay" "$c/filter" &&
  "$b/fuzz_part_name_replay" "$c/part_name" &&
  "$b/fuzz_json_flat_replay" "$c/json_flat" &&
  "$b/fuzz_iceberg_metadata_replay" "$c/iceberg_metadata" &&
  "$b/fuzz_iceberg_view_metadata_replay" "$c/iceberg_view_metadata" &&
  "$b/fuzz_s3_listing_replay" "$c/s3_listing" &&
  "$b/fuzz_jwt_replay" "$c/jwt" &&
  "$b/fuzz_gunzip_replay" "$c/gunzip" &&
  "$b/fuzz_thrift_policy_replay" "$c/thrift_policy" &&
  "$b/fuzz_follow_message_replay" "$c/follow_message" &&
  "$b/fuzz_hive_mysql_replay" "$c/hive_mysql"
