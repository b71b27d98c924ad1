#!/usr/bin/env bash
# Trash is emptied by the background loop once trash_lifetime has passed; a user key (not admin)
# may read and write blocks but not delete them.
. "$(dirname "$0")/lib.sh"
start_server --trash-lifetime 1s --trash-interval 1s || exit 1
head -c 100 /dev/urandom > "$T/a"; h=$(sha "$T/a")
put_file "$T/a" > /dev/null
expect "DELETE: 200" "$(sstatus -X DELETE "$URL/v1/blocks/$h")" 200
check "trashed copy is in trash/" test "$(count_files "$DATA/trash")" -eq 1
for _ in $(seq 40); do [ "$(count_files "$DATA/trash")" = 0 ] && break; sleep 0.1; done
expect "expired trash is emptied by the background loop" "$(count_files "$DATA/trash")" 0
expect "  ... and cannot be untrashed" "$(sstatus -X POST "$URL/v1/blocks/$h/untrash")" 404

out=$("$CAIRN" user add alice)
AK=$(echo "$out" | awk '/access key/{print $3}') SK=$(echo "$out" | awk '/secret key/{print $3}')
expect "user key can PUT" "$(put_file "$T/a")" 200
expect "user key cannot DELETE: 403" "$(sstatus -X DELETE "$URL/v1/blocks/$h")" 403
expect "user key cannot list users: 403" "$(sstatus "$URL/v1/users")" 403
