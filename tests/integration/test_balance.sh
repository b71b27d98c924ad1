#!/usr/bin/env bash
# Replication and rebalancing (`cairn balance`, a task) over local directory volumes: a volume
# added to the list gets the blocks placement now wants on it and the misplaced copies go to the
# trash; a lost copy is made again; raising and lowering `replicas` adds and trashes copies; every
# object reads back whole after each pass and a second pass finds nothing to do.
. "$(dirname "$0")/lib.sh"
V=$T/vols; mkdir -p "$V/v1" "$V/v2" "$V/v3"
copies() { ls "$V"/v*/blocks/*/ 2>/dev/null | grep -cE '^[0-9a-f]{64}$'; }
nblocks() { ls "$V"/v*/blocks/*/ 2>/dev/null | grep -E '^[0-9a-f]{64}$' | sort -u | wc -l; }
on_v3() { ls "$V"/v3/blocks/*/ 2>/dev/null | grep -cE '^[0-9a-f]{64}$'; }
# every block has exactly N copies
each_has() { [ "$(nblocks)" -gt 0 ] && [ "$(ls "$V"/v*/blocks/*/ 2>/dev/null | grep -E '^[0-9a-f]{64}$' | sort | uniq -c | awk -v n="$1" '$1 != n' | wc -l)" = 0 ]; }
field() { echo "$1" | sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" | head -1; }
readback() {
  local ok=1
  for i in 1 2 3; do aws s3 cp "s3://bal/o$i" "$T/back$i" > /dev/null 2>&1 && cmp -s "$T/o$i" "$T/back$i" || ok=0; done
  [ $ok = 1 ]
}

start_server --volumes "$V/v1,$V/v2" --replicas 2 --balance-interval 0 || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
aws() { /usr/bin/aws --endpoint-url "$URL" "$@"; }
aws s3 mb s3://bal > /dev/null
for i in 1 2 3; do head -c $((3000000 + i * 1000000)) /dev/urandom > "$T/o$i"; aws s3 cp "$T/o$i" "s3://bal/o$i" > /dev/null; done
n=$(nblocks)
check "two volumes, replicas 2: $n blocks, each on both" each_has 2

# a third volume: placement now wants about a third of the copies there
start_server --volumes "$V/v1,$V/v2,$V/v3" --replicas 2 --balance-interval 0 || exit 1
out=$("$CAIRN" balance 2>&1); rc=$?
copied=$(field "$out" copied); trashed=$(field "$out" trashed)
check "a third volume: cairn balance copies blocks to it ($copied copied, $trashed trashed)" \
  sh -c "test $rc = 0 && test '${copied:-0}' -gt 0 && test '$copied' = '$trashed'"
check "  ... every block still has exactly two copies" each_has 2
check "  ... some of them on the new volume ($(on_v3) of $n)" test "$(on_v3)" -gt 0
check "  ... the misplaced copies are in the trash, recoverable" sh -c "test \$(find '$V' -path '*/trash/*' -type f | wc -l) -ge '${trashed:-1}'"
check "  ... every object reads back whole" readback
out=$("$CAIRN" balance 2>&1)
expect "  ... a second pass finds nothing to do (copied, trashed)" "$(field "$out" copied),$(field "$out" trashed)" "0,0"
scurl "$URL/metrics" > "$T/metrics"
check "  ... /metrics counts the copies" grep -Eq '^cairn_balance_copied_blocks_total [1-9]' "$T/metrics"

# a lost copy is made again from the other one
victim=$(ls "$V"/v1/blocks/*/* | head -1); id=$(basename "$victim")
rm -f "$victim"
out=$("$CAIRN" balance 2>&1)
expect "a copy lost from a volume: balance makes it again (copied)" "$(field "$out" copied)" 1
check "  ... on the same volume" test -f "$victim"

# replicas 3: every block everywhere; then replicas 1: one copy each, the rest trashed
start_server --volumes "$V/v1,$V/v2,$V/v3" --replicas 3 --balance-interval 0 || exit 1
"$CAIRN" balance > /dev/null 2>&1
check "replicas raised to 3: every block on all three volumes" each_has 3
start_server --volumes "$V/v1,$V/v2,$V/v3" --replicas 1 --balance-interval 0 || exit 1
out=$("$CAIRN" balance 2>&1)
check "replicas lowered to 1: the surplus copies are trashed ($(field "$out" trashed))" each_has 1
check "  ... and every object reads back whole" readback

# a read-only volume keeps its copies: balance never writes to it nor trashes from it
start_server --volumes "$V/v1,$V/v2:read_only,$V/v3" --replicas 2 --balance-interval 0 || exit 1
before=$(ls "$V"/v2/blocks/*/ | grep -cE '^[0-9a-f]{64}$')
"$CAIRN" balance > /dev/null 2>&1
expect "a read_only volume: balance leaves its copies as they were" "$(ls "$V"/v2/blocks/*/ | grep -cE '^[0-9a-f]{64}$')" "$before"
check "  ... and objects still read back whole" readback

# only admins balance; what is not a POST is refused
"$CAIRN" user add carol > "$T/carol.keys"
CK=$(awk '/access key/{print $3}' "$T/carol.keys"); CS=$(awk '/secret key/{print $3}' "$T/carol.keys")
expect "POST /v1/balance by a user who is not an admin: 403" "$(AK=$CK SK=$CS sstatus -X POST "$URL/v1/balance")" 403
expect "  ... and unsigned: 403" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/v1/balance")" 403
expect "GET /v1/balance: not a route of it (405 or 404)" "$(sstatus "$URL/v1/balance" | sed 's/405/404/')" 404
