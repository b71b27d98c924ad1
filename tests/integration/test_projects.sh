#!/usr/bin/env bash
# Projects and homes through the filer-gateway's API, with curl as its demo scripts send it (Basic
# auth and X-API-Key, polling the task every second until it succeeds); roles on the API and on
# S3; quota on the cairn system: a PUT, a copy and a multipart complete past it are refused and
# nothing is committed; a deduplicated second copy does not count twice.
. "$(dirname "$0")/lib.sh"
start_server --api-key fg-secret --usage-interval 1s || exit 1
for u in alice bob carol; do "$CAIRN" user add $u > "$T/$u.keys" || echo "not ok - user add $u"; done
key() { awk "/$2 key/{print \$3}" "$T/$1.keys"; }
ALICE="$(key alice access):$(key alice secret)"; BOB="$(key bob access):$(key bob secret)"; CAROL="$(key carol access):$(key carol secret)"
FG_KEY=fg-secret
fg() { fg_call "$@"; }
fgs() { local who=$1; shift; curl -s -o "$T/fg.out" -w '%{http_code}' -u "$who" -H 'X-API-Key: fg-secret' "$@"; }
wait_task() { fg_wait_task "$@"; }
taskid() { fg_task_id < "$1"; }

expect "POST /v1/projects without X-API-Key: 403" "$(curl -s -o /dev/null -w '%{http_code}' -u "$AK:$SK" -X POST -d '{}' "$URL/v1/projects")" 403
expect "POST /v1/projects as a user: 403" "$(fgs "$ALICE" -X POST -d '{"projectID":"p1000.01","storage":{"system":"cairn","quotaGb":1}}' "$URL/v1/projects")" 403
expect "a malformed Basic header: 403" "$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Basic !!!not-base64' -H 'X-API-Key: fg-secret' "$URL/v1/projects")" 403
expect "Basic credentials on the S3 API: refused" "$(curl -s -o /dev/null -w '%{http_code}' -u "$AK:$SK" "$URL/p1000.01")" 403
expect "POST /v1/projects with the wrong secret: 403" "$(fgs "$(key alice access):nope" -X POST -d '{}' "$URL/v1/projects")" 403
code=$(fgs "$AK:$SK" -X POST -d '{"projectID":"p1000.01","storage":{"system":"cairn","quotaGb":0,"quotaBytes":3000000},"members":[{"userID":"alice","role":"manager"},{"userID":"bob","role":"contributor"},{"userID":"carol","role":"viewer"}]}' "$URL/v1/projects")
expect "POST /v1/projects (admin, Basic auth): 200 with a task" "$code" 200
check "  ... the task's status is waiting or processing" grep -Eq '"status":"(waiting|processing|succeeded)"' "$T/fg.out"
check "  ... and it succeeds (polled every second)" wait_task project "$(taskid "$T/fg.out")"
fg "$AK:$SK" "$URL/v1/projects/p1000.01" > "$T/p.json"
check "GET /v1/projects/ID: storage and members" sh -c "grep -q '\"system\":\"cairn\"' '$T/p.json' && grep -q '\"userID\":\"bob\",\"role\":\"contributor\"' '$T/p.json'"
expect "GET of an unknown project: 404 project not found" "$(fgs "$ALICE" "$URL/v1/projects/nope.01")" 404
check "  ... says so" grep -q '"errorMessage":"project not found"' "$T/fg.out"
expect "GET /v1/projects anonymously (projects_anonymous_read off): 403" "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-API-Key: fg-secret' "$URL/v1/projects")" 403
check "GET /v1/projects lists it" sh -c "curl -s -u '$CAROL' -H 'X-API-Key: fg-secret' '$URL/v1/projects' | grep -q '\"projectID\":\"p1000.01\"'"
expect "role traverse as input: 400" "$(fgs "$ALICE" -X PATCH -d '{"members":[{"userID":"carol","role":"traverse"}]}' "$URL/v1/projects/p1000.01")" 400
check "  ... invalid member role for set: traverse" grep -q 'invalid member role for set: traverse' "$T/fg.out"
expect "PATCH with nothing to change: 204" "$(fgs "$ALICE" -X PATCH -d '{}' "$URL/v1/projects/p1000.01")" 204
expect "PATCH by a contributor: 403" "$(fgs "$BOB" -X PATCH -d '{"members":[{"userID":"carol","role":"none"}]}' "$URL/v1/projects/p1000.01")" 403
# the roles on S3
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
s3as() { local who=$1; shift; AWS_ACCESS_KEY_ID=${who%%:*} AWS_SECRET_ACCESS_KEY=${who#*:} /usr/bin/aws --endpoint-url "$URL" "$@"; }
head -c 1000000 /dev/urandom > "$T/m1"
check "a contributor writes to the project's bucket" s3as "$BOB" s3 cp "$T/m1" s3://p1000.01/a
check "a viewer reads it" s3as "$CAROL" s3 cp s3://p1000.01/a "$T/back"
check "  ... but does not write" sh -c "! AWS_ACCESS_KEY_ID=$(key carol access) AWS_SECRET_ACCESS_KEY=$(key carol secret) /usr/bin/aws --endpoint-url '$URL' s3 cp '$T/m1' s3://p1000.01/c 2>/dev/null"
# quota: 3,000,000 bytes, deduplicated
usage() { fg "$AK:$SK" "$URL/v1/projects/p1000.01" | sed -n 's/.*"usageBytes":\([0-9]*\).*/\1/p'; }
expect "usage after one 1 MB object" "$(usage)" 1000000
check "the same bytes again under another key" s3as "$BOB" s3 cp "$T/m1" s3://p1000.01/b
expect "  ... do not count twice" "$(usage)" 1000000
check "  ... logical usage counts both" sh -c "curl -s -u '$AK:$SK' -H 'X-API-Key: fg-secret' '$URL/v1/projects/p1000.01' | grep -q '\"usageLogicalBytes\":2000000'"
head -c 2500000 /dev/urandom > "$T/m2"
expect "a PUT past the quota: 403" "$(AK=$(key bob access) SK=$(key bob secret) sstatus -T "$T/m2" "$URL/p1000.01/big")" 403
check "  ... QuotaExceeded" sh -c "AK=$(key bob access) SK=$(key bob secret); curl -s --aws-sigv4 aws:amz:us-east-1:s3 --user \"\$AK:\$SK\" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T '$T/m2' '$URL/p1000.01/big' | grep -q QuotaExceeded"
expect "  ... nothing committed" "$(sstatus -I "$URL/p1000.01/big")" 404
expect "  ... usage unchanged" "$(usage)" 1000000
head -c 1500000 /dev/urandom > "$T/m3"
check "a PUT within the quota" s3as "$BOB" s3 cp "$T/m3" s3://p1000.01/m3
check "a copy of new bytes past it is refused (a copy re-sealed into SSE-S3: new blocks)" sh -c "! AWS_ACCESS_KEY_ID=$(key bob access) AWS_SECRET_ACCESS_KEY=$(key bob secret) /usr/bin/aws --endpoint-url '$URL' s3 cp --sse AES256 s3://p1000.01/m3 s3://p1000.01/m3copy 2>/dev/null"
expect "  ... nothing committed" "$(sstatus -I "$URL/p1000.01/m3copy")" 404
head -c 5242880 /dev/urandom > "$T/part"
up=$(s3as "$BOB" s3api create-multipart-upload --bucket p1000.01 --key mp --query UploadId --output text)
e1=$(s3as "$BOB" s3api upload-part --bucket p1000.01 --key mp --upload-id "$up" --part-number 1 --body "$T/part" --query ETag --output text)
check "CompleteMultipartUpload past the quota is refused" sh -c "! AWS_ACCESS_KEY_ID=$(key bob access) AWS_SECRET_ACCESS_KEY=$(key bob secret) /usr/bin/aws --endpoint-url '$URL' s3api complete-multipart-upload --bucket p1000.01 --key mp --upload-id '$up' --multipart-upload 'Parts=[{PartNumber=1,ETag=$e1}]' 2>/dev/null"
expect "  ... nothing committed" "$(sstatus -I "$URL/p1000.01/mp")" 404
check "deleting frees the quota" s3as "$BOB" s3 rm s3://p1000.01/m3
expect "  ... usage back down" "$(usage)" 1000000
code=$(fgs "$ALICE" -X PATCH -d '{"storage":{"quotaGb":1}}' "$URL/v1/projects/p1000.01")
expect "a manager raises the quota: 200 with a task" "$code" 200
check "  ... that succeeds" wait_task project "$(taskid "$T/fg.out")"
check "  ... and the write now fits" s3as "$BOB" s3 cp "$T/m2" s3://p1000.01/big
code=$(fgs "$ALICE" -X PATCH -d '{"members":[{"userID":"carol","role":"none"}]}' "$URL/v1/projects/p1000.01")
# the change is a task: wait for it (on a busy machine it has not run when PATCH answers)
wait_task project "$(taskid "$T/fg.out")"
check "role none removes a member" sh -c "test $code = 200 && ! curl -s -u '$AK:$SK' -H 'X-API-Key: fg-secret' '$URL/v1/projects/p1000.01' | grep -q carol"
check "  ... who then cannot read" sh -c "! AWS_ACCESS_KEY_ID=$(key carol access) AWS_SECRET_ACCESS_KEY=$(key carol secret) /usr/bin/aws --endpoint-url '$URL' s3 cp s3://p1000.01/a '$T/x' 2>/dev/null"
# homes
code=$(fgs "$AK:$SK" -X POST -d '{"userID":"alice","storage":{"system":"cairn","quotaGb":1}}' "$URL/v1/users")
expect "POST /v1/users with a userID provisions a home: 200" "$code" 200
check "  ... the task succeeds" wait_task user "$(taskid "$T/fg.out")"
fg "$ALICE" "$URL/v1/users/alice" > "$T/u.json"
check "GET /v1/users/alice: memberOf and storage" sh -c "grep -q '\"memberOf\":\[{\"projectID\":\"p1000.01\",\"role\":\"manager\"}\]' '$T/u.json' && grep -q '\"quotaGb\":1' '$T/u.json'"
check "alice writes her home" s3as "$ALICE" s3 cp "$T/m1" s3://home-alice/f
expect "PATCH /v1/users/alice without storage: 204" "$(fgs "$AK:$SK" -X PATCH -d '{}' "$URL/v1/users/alice")" 204
expect "DELETE /v1/users/alice while the home holds data: 403" "$(fgs "$AK:$SK" -X DELETE "$URL/v1/users/alice")" 403
check "  ... with an errorMessage" grep -q errorMessage "$T/fg.out"
s3as "$ALICE" s3 rm s3://home-alice/f > /dev/null
expect "  ... once empty: 200" "$(fgs "$AK:$SK" -X DELETE "$URL/v1/users/alice")" 200
expect "GET /v1/tasks/project/<unknown>: 404" "$(fgs "$AK:$SK" "$URL/v1/tasks/project/0123456789abcdef0123456789abcdef")" 404
expect "GET /v1/ping signed in: \"pong\"" "$(fg "$BOB" "$URL/v1/ping")" '"pong"'
check "GET /v1/ping anonymous: cloud-mirror's answer" sh -c "curl -s '$URL/v1/ping' | grep -q alive"
check "cairn user list (through /v1/users) still lists accounts" sh -c "'$CAIRN' user list | grep -q bob"
sampled() { fg "$AK:$SK" "$URL/v1/projects/p1000.01/usage" | grep -q '"usageBytes":[1-9]'; }
check "GET /v1/projects/ID/usage: samples taken every usage_interval" wait_for 30 sampled
expect "  ... of an unknown project: 404" "$(fgs "$AK:$SK" "$URL/v1/projects/nope.02/usage")" 404
scurl "$URL/metrics" > "$T/metrics.txt"
check "/metrics: per-project quota and usage gauges" grep -q '^cairn_space_used_bytes{kind="project",id="p1000.01",system="cairn"} [0-9]' "$T/metrics.txt"
check "  ... and the spaces count" grep -q '^cairn_spaces{kind="project"} 1' "$T/metrics.txt"
check "  ... and the storage total per system" grep -q '^cairn_storage_used_bytes{system="cairn"} [1-9]' "$T/metrics.txt"
check "  ... promtool check metrics passes" sh -c "promtool check metrics < '$T/metrics.txt'"
# the CLI (SigV4: no X-API-Key needed), each change waiting for its task
check "cairn project add" "$CAIRN" project add p2000.01 --quota 2 --member bob:contributor
check "cairn project ls lists both" sh -c "'$CAIRN' project ls | grep -q p1000.01 && '$CAIRN' project ls | grep -q 'p2000.01 .*quota 2 GiB.*bob:contributor'"
check "cairn project set --quota" "$CAIRN" project set p2000.01 --quota 3
check "  ... cairn project show sees it" sh -c "'$CAIRN' project show p2000.01 | grep -q 'quota 3 GiB'"
out=$("$CAIRN" project set p2000.01 --member carol:traverse 2>&1); rc=$?
check "cairn project set with role traverse: one line, exit 1" sh -c "test $rc = 1 && echo '$out' | grep -q traverse"
check "cairn home add" "$CAIRN" home add carol --quota 1
check "cairn home show" sh -c "'$CAIRN' home show carol | grep -q 'carol .*quota 1 GiB'"
check "cairn home rm (empty)" "$CAIRN" home rm carol
check "cairn project rm (empty)" "$CAIRN" project rm p2000.01
check "  ... gone" sh -c "! '$CAIRN' project show p2000.01 2>/dev/null"
out=$("$CAIRN" project rm p1000.01 2>&1); rc=$?
check "cairn project rm of a project with data: refused" sh -c "test $rc = 1 && echo '$out' | grep -q 'not empty'"
# a project's datasets (<projectID>.<name>): members by role, versions counted in its quota
code=$(fgs "$AK:$SK" -X POST -d '{"projectID":"p3000.01","storage":{"system":"cairn","quotaGb":0,"quotaBytes":3000000},"members":[{"userID":"bob","role":"contributor"},{"userID":"carol","role":"viewer"}]}' "$URL/v1/projects")
wait_task project "$(taskid "$T/fg.out")"
as() { local who=$1; shift; CAIRN_ACCESS_KEY=${who%%:*} CAIRN_SECRET_KEY=${who#*:} "$CAIRN" "$@"; }
mkdir -p "$T/ds1" "$T/ds2"; head -c 1000000 /dev/urandom > "$T/ds1/a"; cp "$T/ds1/a" "$T/ds2/a"; head -c 2500000 /dev/urandom > "$T/ds2/b"
check "a contributor pushes the project's dataset" as "$BOB" push -q p3000.01.data:v1 "$T/ds1"
pusage() { fg "$AK:$SK" "$URL/v1/projects/p3000.01" | sed -n 's/.*"usageBytes":\([0-9]*\).*/\1/p'; }
expect "  ... its blocks count in the project's usage" "$(pusage)" 1000000
check "a viewer pulls it" as "$CAROL" pull -q p3000.01.data:v1 "$T/pulled"
check "  ... but cannot push" sh -c "! CAIRN_ACCESS_KEY=$(key carol access) CAIRN_SECRET_KEY=$(key carol secret) '$CAIRN' push -q p3000.01.data:v9 '$T/ds1' 2>/dev/null"
check "a user outside the project cannot make one of its datasets" sh -c "! CAIRN_ACCESS_KEY=$(key alice access) CAIRN_SECRET_KEY=$(key alice secret) '$CAIRN' push -q p3000.01.other:v1 '$T/ds1' 2>/dev/null"
out=$(as "$BOB" push -q p3000.01.data:v2 "$T/ds2" 2>&1); rc=$?
check "a push past the quota is refused (one line, exit 1)" sh -c "test $rc = 1 && echo '$out' | grep -qi quota"
expect "  ... nothing committed: usage unchanged" "$(pusage)" 1000000
check "  ... and no v2 tag" sh -c "! '$CAIRN' ls p3000.01.data | grep -q v2"
