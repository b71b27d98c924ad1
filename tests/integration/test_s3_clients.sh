#!/usr/bin/env bash
# More real S3 clients: rclone (copy, sync, check with MD5) and s3cmd (put, get, ls, del, sync,
# multipart with 5 MiB chunks); then kill -9 during 20 concurrent uploads: after a restart every
# listed object reads back whole and no partial object is listed.
. "$(dirname "$0")/lib.sh"
start_server || exit 1
mkdir -p "$T/src/sub" "$T/back"
for i in 1 2 3; do head -c $((i * 700000)) /dev/urandom > "$T/src/f$i"; done
head -c 12000000 /dev/urandom > "$T/src/sub/big"
: > "$T/src/empty"

# rclone
cat > "$T/rclone.conf" <<CONF
[cairn]
type = s3
provider = Other
access_key_id = $AK
secret_access_key = $SK
endpoint = $URL
region = us-east-1
force_path_style = true
CONF
RC="env -u AWS_CA_BUNDLE rclone --config $T/rclone.conf -q"   # rclone refuses a CA bundle on plain http
check "rclone mkdir" $RC mkdir cairn:rcl
check "rclone copy" $RC copy "$T/src" cairn:rcl/tree
check "rclone check (sizes and MD5)" $RC check "$T/src" cairn:rcl/tree
rm "$T/src/f1"; echo changed > "$T/src/f2"
check "rclone sync" $RC sync "$T/src" cairn:rcl/tree
check "rclone check after sync" $RC check "$T/src" cairn:rcl/tree
check "rclone copy back" $RC copy cairn:rcl/tree "$T/back/rc"
check "  ... identical tree" diff -r "$T/src" "$T/back/rc"

# s3cmd
cat > "$T/s3cfg" <<CONF
[default]
access_key = $AK
secret_key = $SK
host_base = 127.0.0.1:$PORT
host_bucket = 127.0.0.1:$PORT
use_https = False
signature_v2 = False
bucket_location = us-east-1
CONF
S3C="s3cmd -c $T/s3cfg --no-progress"
check "s3cmd mb" $S3C mb s3://s3c
check "s3cmd put, 5 MiB multipart chunks" $S3C put --multipart-chunk-size-mb=5 "$T/src/sub/big" s3://s3c/big
check "s3cmd get" $S3C get s3://s3c/big "$T/back/big"
check "  ... same bytes" cmp "$T/src/sub/big" "$T/back/big"
check "s3cmd ls" sh -c "$S3C ls s3://s3c/ | grep -q 's3://s3c/big'"
check "s3cmd sync" $S3C sync "$T/src/" s3://s3c/tree/
check "s3cmd del" $S3C del s3://s3c/big
check "  ... gone" sh -c "! $S3C ls s3://s3c/ | grep -q 's3://s3c/big'"

# kill -9 during 20 concurrent multi-MiB uploads
export AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
/usr/bin/aws --endpoint-url "$URL" s3 mb s3://crash > /dev/null
mkdir -p "$T/crash"
for i in $(seq 20); do head -c $((3000000 + i * 100000)) /dev/urandom > "$T/crash/o$i"; done
pids=""
for i in $(seq 20); do
  curl -s -o /dev/null --limit-rate 4M --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -T "$T/crash/o$i" "$URL/crash/o$i" & pids="$pids $!"
done
sleep 0.8
kill -9 $SERVER_PID; wait $SERVER_PID 2>/dev/null; SERVER_PID=
wait $pids 2>/dev/null
start_server || exit 1
/usr/bin/aws --endpoint-url "$URL" s3api list-objects-v2 --bucket crash --query 'Contents[].Key' --output text > "$T/listed"
n=0; bad=0
for k in $(cat "$T/listed"); do
  [ "$k" = None ] && continue
  n=$((n + 1))
  curl -s --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$URL/crash/$k" -o "$T/crash/$k.back"
  cmp -s "$T/crash/$k" "$T/crash/$k.back" || bad=$((bad + 1))
done
ok "after kill -9 during 20 uploads: $n objects listed"
expect "  ... every listed object reads back complete" "$bad" 0
expect "  ... no temp files after restart" "$(count_files "$DATA/tmp")" 0

# s3fs: a FUSE mount of a bucket, read and write through it
if [ ! -c /dev/fuse ] || ! command -v s3fs > /dev/null; then
  echo "ok - s3fs mount # SKIP no /dev/fuse or s3fs on this machine"
else
  scurl -o /dev/null -X PUT "$URL/fusebkt"
  echo "$AK:$SK" > "$T/s3fs.pw"; chmod 600 "$T/s3fs.pw"
  mkdir -p "$T/s3mnt"
  if ! s3fs fusebkt "$T/s3mnt" -o url="$URL" -o use_path_request_style -o passwd_file="$T/s3fs.pw" \
       -o endpoint=us-east-1 -o sigv4 -o dbglevel=warn 2> "$T/s3fs.err"; then
    echo "ok - s3fs mount # SKIP mounting is not permitted here: $(head -1 "$T/s3fs.err")"
  else
    for _ in $(seq 50); do mountpoint -q "$T/s3mnt" && break; sleep 0.1; done
    head -c 12000000 /dev/urandom > "$T/s3fs.bin"
    echo hello > "$T/s3mnt/hello.txt" && cp "$T/s3fs.bin" "$T/s3mnt/big.bin"
    expect "s3fs: a file written through the mount is an object" "$(scurl "$URL/fusebkt/hello.txt")" hello
    check "  ... a 12 MB file too" cmp "$T/s3fs.bin" <(scurl "$URL/fusebkt/big.bin")
    printf 'from s3' | scurl -o /dev/null -T - "$URL/fusebkt/put.txt"
    expect "s3fs: an object put through S3 reads through the mount" "$(cat "$T/s3mnt/put.txt")" "from s3"
    check "s3fs: ls shows the objects" sh -c "ls '$T/s3mnt' | grep -q big.bin"
    rm "$T/s3mnt/hello.txt"
    expect "s3fs: rm deletes the object" "$(sstatus "$URL/fusebkt/hello.txt")" 404
    fusermount3 -u "$T/s3mnt" 2>/dev/null || fusermount -u "$T/s3mnt"
  fi
fi
