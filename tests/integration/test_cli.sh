#!/usr/bin/env bash
# The CLI: help, version, serve --help, users through the API and on the data directory, and
# one-line errors with a non-zero exit.
. "$(dirname "$0")/lib.sh"
check "cairn version" sh -c "'$CAIRN' version | grep -q '^cairn [0-9]'"
check "cairn help lists commands" sh -c "'$CAIRN' help | grep -q put-block"
check "cairn serve --help lists every setting with its default" sh -c "'$CAIRN' serve --help | grep -q -- '--buffer-wait.*default: 10s'"
"$CAIRN" nosuch 2> "$T/err"; rc=$?
check "unknown command: non-zero exit" test $rc -ne 0
expect "  ... one line on stderr" "$(wc -l < "$T/err")" 1
"$CAIRN" serve --buffers lots 2> "$T/err"; rc=$?
check "bad setting value: non-zero exit" test $rc -ne 0
check "  ... names the setting" grep -q "buffers" "$T/err"
printf 'replicas = x\n' > "$T/bad.conf"
"$CAIRN" serve --config "$T/bad.conf" 2> "$T/err"; rc=$?
check "bad config file value: non-zero exit" test $rc -ne 0
CAIRN_URL=http://127.0.0.1:1 "$CAIRN" get-block "$(printf x | sha256sum | cut -c1-64)" 2> "$T/err"; rc=$?
check "get-block with no server: non-zero exit" test $rc -ne 0
expect "  ... one line on stderr" "$(wc -l < "$T/err")" 1

start_server || exit 1
check "first start printed the admin keys once" grep -q "access key: $AK" "$T/server.out"
check "  ... credentials file is private" test "$(stat -c %a "$DATA/credentials")" = 600
check "  ... secrets are not stored in clear in the database" sh -c "! grep -q '$SK' '$DATA/meta.db'"
"$CAIRN" get-block not-a-locator 2> "$T/err"; rc=$?
check "get-block of a malformed locator: non-zero exit" test $rc -ne 0
"$CAIRN" get-block "$(printf absent | sha256sum | cut -c1-64)" 2> "$T/err"; rc=$?
check "get-block of a missing block: non-zero exit" test $rc -ne 0
check "  ... says not found" grep -q "NotFound" "$T/err"
"$CAIRN" put-block "$T/does-not-exist" 2> "$T/err"; rc=$?
check "put-block of a missing file: non-zero exit" test $rc -ne 0

out=$("$CAIRN" user add bob)
check "user add through the API prints keys" sh -c "echo '$out' | grep -q 'secret key: '"
bob_ak=$(echo "$out" | awk '/access key/{print $3}'); bob_sk=$(echo "$out" | awk '/secret key/{print $3}')
check "bob's key works" sh -c "echo b | CAIRN_ACCESS_KEY=$bob_ak CAIRN_SECRET_KEY=$bob_sk '$CAIRN' put-block - > /dev/null"
check "user list shows bob" sh -c "'$CAIRN' user list | grep -q '^bob .*$bob_ak'"
"$CAIRN" user add bob 2> "$T/err"; rc=$?
check "adding bob twice fails" test $rc -ne 0
check "  ... saying he exists" grep -q "exists" "$T/err"
"$CAIRN" user add 'bad name!' 2> "$T/err"; rc=$?
check "invalid user name fails" test $rc -ne 0
out=$("$CAIRN" user add carol --data "$DATA")
check "user add --data works while the server runs" sh -c "echo '$out' | grep -q 'access key: '"
carol_ak=$(echo "$out" | awk '/access key/{print $3}'); carol_sk=$(echo "$out" | awk '/secret key/{print $3}')
loc=$(echo hi | CAIRN_ACCESS_KEY=$carol_ak CAIRN_SECRET_KEY=$carol_sk "$CAIRN" put-block -)
check "carol's new key works at once" test -n "$loc"
check "user rm through the API" "$CAIRN" user rm bob
check "  ... gone from the list" sh -c "! '$CAIRN' user list | grep -q '^bob '"
check "  ... and his key is refused at once (the server's user cache forgot him)" sh -c \
  "! (echo b | CAIRN_ACCESS_KEY=$bob_ak CAIRN_SECRET_KEY=$bob_sk '$CAIRN' put-block - > /dev/null 2>&1)"
"$CAIRN" user rm bob 2> "$T/err"; rc=$?
check "removing a missing user fails" test $rc -ne 0
check "user rm --data" "$CAIRN" user rm carol --data "$DATA"
carol_refused() { ! (echo c | CAIRN_ACCESS_KEY=$carol_ak CAIRN_SECRET_KEY=$carol_sk "$CAIRN" put-block - > /dev/null 2>&1); }
check "  ... the running server refuses carol's key within its cache's second" wait_for 5 carol_refused
mkdir -p "$T/home/.config/cairn"
printf '[default]\naccess_key = %s\nsecret_key = %s\nurl = %s\n' "$AK" "$SK" "$URL" > "$T/home/.config/cairn/credentials"
loc=$(echo hello | env -u CAIRN_ACCESS_KEY -u CAIRN_SECRET_KEY -u CAIRN_URL HOME="$T/home" "$CAIRN" put-block -)
check "credentials from ~/.config/cairn/credentials" test -n "$loc"
