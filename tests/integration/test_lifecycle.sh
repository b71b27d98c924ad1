#!/usr/bin/env bash
# Transient objects (the Cryostat pattern): lifecycle rules by tag and prefix, expired objects
# answer 404 at once, the janitor deletes them and aborts stale multipart uploads; tagging API.
. "$(dirname "$0")/lib.sh"
start_server --lifecycle-day-seconds 5s --lifecycle-interval 1s --trash-interval 1s || exit 1
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
AWS="/usr/bin/aws --endpoint-url $URL"
$AWS s3 mb s3://life > /dev/null
cat > "$T/lc.json" <<JSON
{"Rules": [
  {"ID": "transient", "Status": "Enabled", "Filter": {"Tag": {"Key": "transient", "Value": "true"}}, "Expiration": {"Days": 1}},
  {"ID": "tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 1}},
  {"ID": "uploads", "Status": "Enabled", "Filter": {"Prefix": ""}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
]}
JSON
check "put-bucket-lifecycle-configuration" $AWS s3api put-bucket-lifecycle-configuration --bucket life --lifecycle-configuration "file://$T/lc.json"
check "get-bucket-lifecycle-configuration returns the rules" sh -c "$AWS s3api get-bucket-lifecycle-configuration --bucket life | grep -q '\"DaysAfterInitiation\": 1'"
echo hi > "$T/x"
$AWS s3api put-object --bucket life --key t1 --body "$T/x" --tagging transient=true > /dev/null
expect "before a (5 s) day: the tagged object is there" "$(sstatus -I "$URL/life/t1")" 200   # curl: milliseconds
check "get-object-tagging" sh -c "$AWS s3api get-object-tagging --bucket life --key t1 | grep -q '\"Value\": \"true\"'"
$AWS s3api put-object --bucket life --key keep --body "$T/x" > /dev/null
$AWS s3api put-object --bucket life --key tmp/scratch --body "$T/x" > /dev/null
$AWS s3api create-multipart-upload --bucket life --key stale > /dev/null
check "put-object-tagging" $AWS s3api put-object-tagging --bucket life --key keep --tagging 'TagSet=[{Key=color,Value=blue}]'
check "  ... read back" sh -c "$AWS s3api get-object-tagging --bucket life --key keep | grep -q blue"
check "delete-object-tagging" $AWS s3api delete-object-tagging --bucket life --key keep
check "  ... gone" sh -c "! $AWS s3api get-object-tagging --bucket life --key keep | grep -q blue"
# wait on the condition, never on the clock: each object expires a (5 s) day after its own creation
gone() { [ "$(sstatus -I "$URL/life/$1")" = 404 ]; }
check "after a day: the tagged object answers 404" wait_for 120 gone t1
check "  ... the prefixed one too" wait_for 120 gone tmp/scratch
check "  ... the untagged one stays" $AWS s3api head-object --bucket life --key keep
expect "  ... listing shows only it" "$($AWS s3api list-objects-v2 --bucket life --query 'Contents[].Key' --output text)" keep
wait_for 60 grep -q 'lifecycle: deleted' "$T/server.log"
check "the janitor deleted expired objects" grep -q 'lifecycle: deleted [12] expired objects' "$T/server.log"
no_uploads() { [ "$($AWS s3api list-multipart-uploads --bucket life --query 'Uploads[].Key' --output text)" = None ]; }
check "  ... and aborted the stale upload" wait_for 120 no_uploads
check "delete-bucket-lifecycle" $AWS s3api delete-bucket-lifecycle --bucket life
check "  ... then get answers NoSuchLifecycleConfiguration" sh -c "$AWS s3api get-bucket-lifecycle-configuration --bucket life 2>&1 | grep -q NoSuchLifecycleConfiguration"
expect "without the rules, listing shows that the expired objects were deleted" "$($AWS s3api list-objects-v2 --bucket life --query 'Contents[].Key' --output text)" keep
printf '<LifecycleConfiguration><Rule>' > "$T/bad.xml"
$PY "$SIGNER" PUT "$URL/life?lifecycle" --body "$T/bad.xml" > "$T/err"
expect "malformed lifecycle XML: 400" "$(head -1 "$T/err")" 400
check "  ... MalformedXML" grep -q MalformedXML "$T/err"
