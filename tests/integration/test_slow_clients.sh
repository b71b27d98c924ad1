#!/usr/bin/env bash
# Slow clients cannot deny service (trust issue, finding 8): 256 slowloris connections and 70
# slow anonymous readers while 100 normal requests of each kind succeed; the deadlines
# (header_timeout, min_rate over min_rate_window, shrunk here through settings) close every
# attacker. slow_clients.py drives it.
. "$(dirname "$0")/lib.sh"
start_server --header-timeout 2s --min-rate 1KiB --min-rate-window 2s --buffer-wait 3s --idle-timeout 5s || exit 1
sstatus -X PUT "$URL/public" > /dev/null
head -c $((8 << 20)) /dev/urandom > "$T/big"
expect "setup: an 8 MiB object" "$(HASH=$(sha "$T/big") scurl -o /dev/null -w '%{http_code}' -T "$T/big" "$URL/public/big.bin")" 200
check "setup: the bucket is public" "$CAIRN" bucket public public on
expect "setup: anonymous GET works" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/public/big.bin")" 200
$PY "$(dirname "$0")/slow_clients.py" "$PORT" public big.bin
check "the server logged the connections it closed" grep -q 'transfer slower than min_rate' "$T/server.log"
check "  ... and the slow request heads" grep -q 'request head not complete in time' "$T/server.log"
expect "the server still answers" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" 200
# everything the attackers held is back: no pool buffer in use once they are gone
in_use() { scurl "$URL/v1/status" | sed 's/.*"in_use":\([0-9]*\).*/\1/'; }
no_buffer_held() { [ "$(in_use)" = 0 ]; }
wait_for 10 no_buffer_held
expect "no pool buffer is held after the attack" "$(in_use)" 0
