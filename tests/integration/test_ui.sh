#!/usr/bin/env bash
# The web console (issue 12): /ui/ served from the files embedded in the binary (content types,
# caching, CSP, nosniff, read-only, no file outside the bundle); "/" redirects a browser but not an
# S3 client; /fs and /dav listings from the root with curl, rclone (webdav remote) and cadaver; then
# ui/e2e/console.test.js drives the console in headless Chromium (playwright-core): sign in (and a
# wrong secret), create a bucket, drag-and-drop a 20 MiB upload, download it, a presigned link fetched
# with curl, tags, bucket settings, a dataset's README table and a diff of two versions, a gc task,
# a project's quota; screenshots of every page under build/ui-screens.
. "$(dirname "$0")/lib.sh"
start_server --usage-interval=1 || exit 1

# --- the files ---
curl -s -D "$T/h" -o "$T/index.html" "$URL/ui/"
check "/ui/ answers the console's page" grep -q '<title>cairn console</title>' "$T/index.html"
check "  ... as text/html, no-cache, with a CSP that allows only cairn itself" sh -c \
  "grep -qi '^content-type: text/html' '$T/h' && grep -qi '^cache-control: no-cache' '$T/h' && grep -qi \"^content-security-policy: default-src 'self'\" '$T/h'"
check "  ... nosniff, no framing, no referrer" sh -c \
  "grep -qi '^x-content-type-options: nosniff' '$T/h' && grep -qi '^x-frame-options: DENY' '$T/h' && grep -qi '^referrer-policy: no-referrer' '$T/h'"
js=$(grep -o '/ui/assets/[^"]*\.js' "$T/index.html" | head -1)
curl -s -D "$T/jh" -o "$T/app.js" "$URL$js"
check "its script is served as JavaScript, cached as immutable" sh -c \
  "grep -qi '^content-type: text/javascript' '$T/jh' && grep -qi 'immutable' '$T/jh' && [ -s '$T/app.js' ]"
check "  ... byte for byte the file in ui/dist" cmp -s "$T/app.js" "$ROOT/ui/dist${js#/ui}"
expect "/ui redirects to /ui/" "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$URL/ui")" "301 $URL/ui/"
expect "an unknown console file is 404" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/ui/assets/nope.js")" 404
expect "no path out of the bundle (../)" "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/ui/../credentials")" 404
expect "  ... nor an encoded one" "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$URL/ui/%2e%2e/credentials")" 404
expect "the console's files are read-only (PUT 405)" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data x "$URL/ui/index.html")" 405
check "  ... and nothing was written" cmp -s "$T/index.html" <(curl -s "$URL/ui/index.html")
expect "HEAD of the page" "$(curl -s -I -o /dev/null -w '%{http_code}' "$URL/ui/")" 200

# --- "/" for browsers and for S3 clients ---
expect "a browser opening / is sent to /ui/" \
  "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H 'Accept: text/html,application/xhtml+xml' "$URL/")" "302 $URL/ui/"
expect "an anonymous S3 client asking for / still gets the S3 answer" \
  "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" 403
check "a signed ListBuckets with Accept: text/html is still ListBuckets" sh -c \
  "$(declare -f scurl); AK=$AK SK=$SK scurl -H 'Accept: text/html' '$URL/' | grep -q ListAllMyBucketsResult"
expect "  ... and / with a query is never redirected" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: text/html' "$URL/?x-id=ListBuckets")" 403

# --- a dataset with a README table in two versions, for /fs, /dav and the console ---
src=$T/src
mkdir -p "$src/sub"
printf '# Demo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n' > "$src/README.md"
head -c 2000000 /dev/urandom > "$src/sub/data.bin"
"$CAIRN" push -q demo:v1 "$src" > /dev/null
printf '\n| c | d |\n|---|---|\n| 3 | 4 |\n' >> "$src/README.md"
"$CAIRN" push -q demo:v2 "$src" > /dev/null
check "the demo dataset was pushed" sh -c "$(declare -f scurl); AK=$AK SK=$SK scurl '$URL/v1/datasets/demo' | grep -q '\"v2\"'"
scurl -H 'Accept: application/json' "$URL/fs/demo/v2/" > "$T/dir.json"
check "a /fs directory in JSON carries its README as HTML (what the console shows)" grep -q '"readme_html": *"<h1>Demo</h1>.*<table>' "$T/dir.json"
check "/fs/ from the root with curl" sh -c "$(declare -f scurl); AK=$AK SK=$SK scurl '$URL/fs/' | grep -q 'href=\"demo/\"'"
scurl -X PROPFIND -H 'Depth: 1' "$URL/dav/" > "$T/dav.xml"
check "/dav/ from the root with curl (PROPFIND)" grep -q '/dav/demo/' "$T/dav.xml"
rc="$T/rclone.conf"
printf '[c]\ntype = webdav\nurl = %s/dav/\nvendor = other\n' "$URL" > "$rc"
# rclone signs nothing: the dataset must be public for it (and for cadaver)
"$CAIRN" dataset public demo on > /dev/null
check "rclone (webdav remote) lists the datasets from the root" sh -c "rclone --config '$rc' lsf c: | grep -qx 'demo/'"
check "  ... and a version's files" sh -c "rclone --config '$rc' lsf c:demo/v2/ | grep -qx 'README.md'"
printf 'ls\nquit\n' > "$T/cad.in"
check "cadaver lists /dav/demo/" sh -c "cadaver '$URL/dav/demo/' < '$T/cad.in' 2>&1 | grep -q 'v2'"

# --- the console in Chromium ---
if [ ! -x /usr/bin/chromium ]; then fail "console e2e: /usr/bin/chromium is missing (scripts/deps.sh installs it)"; exit 0; fi
if [ ! -d "$ROOT/ui/node_modules/playwright-core" ]; then
  (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error) > "$T/npm.log" 2>&1 ||
    { cat "$T/npm.log"; fail "console e2e: npm ci in ui/"; exit 0; }
fi
(cd "$ROOT/ui" && npx vite build --logLevel error --outDir "$T/dist" --emptyOutDir) > "$T/vite.log" 2>&1
check "the committed ui/dist is the build of ui/src (make ui was run)" diff -r "$T/dist" "$ROOT/ui/dist"
rm -rf "$ROOT/build/ui-screens"
(cd "$ROOT/ui" && DATASET=demo SHOTS="$ROOT/build/ui-screens" timeout 600 node e2e/console.test.js) 2>&1 | tee "$T/e2e.out" | grep -E '^(ok|not ok) - '
grep -qE '^(ok|not ok) - ' "$T/e2e.out" || { tail -30 "$T/e2e.out"; fail "console e2e ran no check"; }
check "screenshots of every page kept under build/ui-screens" sh -c "[ \$(ls '$ROOT/build/ui-screens'/*.png | wc -l) -ge 12 ]"
