#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for FUZZ_SECONDS
# (default 20). Any crash fails the run. Corpora live in build/fuzz/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-20}
CFLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined $(pkg-config --cflags libcrypto jansson expat)"
LIBS="$(pkg-config --libs libcrypto jansson expat libcurl)"
COMMON="src/util/alloc.c src/util/err.c src/util/hex.c src/util/sbuf.c src/util/log.c src/util/timeutil.c src/crypto/hash.c"
declare -A SRC=(
  [fuzz_locator]="src/store/locator.c"
  [fuzz_range]="src/http/range.c"
  [fuzz_sigv4]="src/crypto/sigv4.c"
  [fuzz_sigv2]="src/crypto/sigv2.c src/crypto/sigv4.c src/util/base64.c"
  [fuzz_manifest]="src/chunk/manifest.c"
  [fuzz_dsmanifest]="src/dataset/dsmanifest.c src/chunk/manifest.c"
  [fuzz_list_token]="src/util/base64.c"
  [fuzz_aws_chunked]="src/http/aws_chunked.c src/crypto/sigv4.c"
  [fuzz_s3_classify]="src/api/s3_classify.c"
  [fuzz_policy]="src/service/policy.c src/service/authz.c"
  [fuzz_uri]="src/http/uri.c"
  [fuzz_dav_propfind]="src/api/dav_propfind.c"
  [fuzz_mirror_url]="src/service/mirror_fetch.c"
  [fuzz_post_policy]="src/service/post_policy.c"
  [fuzz_s3_list]="src/volume/s3_list.c src/util/xmlpath.c"
  [fuzz_s3_xml]="src/service/lifecycle.c src/service/cors.c src/service/sse_config.c src/util/xmlpath.c src/crypto/sigv4.c"
)
mkdir -p build/fuzz
for t in "${!SRC[@]}"; do
  echo "# building $t"
  clang $CFLAGS -o "build/fuzz/$t" "fuzz/$t.c" ${SRC[$t]} $COMMON $LIBS
done
for t in "${!SRC[@]}"; do
  mkdir -p "build/fuzz/$t.corpus"
  [ -d "fuzz/seeds/$t" ] && cp -n fuzz/seeds/$t/* "build/fuzz/$t.corpus/" 2>/dev/null || true
  echo "# running $t for ${SECS}s"
  "build/fuzz/$t" -max_total_time="$SECS" -print_final_stats=0 "build/fuzz/$t.corpus" 2>&1 | tail -2
done
echo "fuzz: no crashes"
