#!/usr/bin/env bash
# GET /openapi.json is served without auth and is a valid OpenAPI 3.1 document, checked by an
# independent validator from npm (@apidevtools/swagger-parser). The unit test test_openapi.c holds
# it to the route table.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
expect "GET /openapi.json: 200 without credentials" "$(curl -s -o "$T/openapi.json" -w '%{http_code}' "$URL/openapi.json")" 200
check "  ... as JSON" python3 -c "import json,sys; json.load(open('$T/openapi.json'))"
check "  ... byte for byte the document in the tree" cmp "$T/openapi.json" "$ROOT/src/api/openapi.json"
V="$ROOT/build/test-node"
if [ ! -d "$V/node_modules/@apidevtools/swagger-parser" ]; then
  mkdir -p "$V"
  (cd "$V" && timeout 300 npm install --silent --no-audit --no-fund @apidevtools/swagger-parser@10 > /dev/null 2>&1)
fi
if [ -d "$V/node_modules/@apidevtools/swagger-parser" ]; then
  out=$(cd "$V" && node -e '
    const SwaggerParser = require("@apidevtools/swagger-parser");
    SwaggerParser.validate(process.argv[1]).then(a => console.log("valid " + a.openapi), e => { console.log("invalid: " + e.message); process.exit(1); });
  ' "$T/openapi.json" 2>&1)
  check "swagger-parser validates it ($out)" sh -c "echo '$out' | grep -q '^valid 3.1'"
else
  fail "swagger-parser could not be installed from npm"
fi
