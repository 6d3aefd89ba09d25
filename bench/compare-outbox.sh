#!/bin/sh
# The broadcast benchmark (bench/broadcast.ts) on the tuned outbox of commit aacbbbd and on this
# checkout, one after the other, with the same broadcast, rate and chatting clients. The old code
# is unpacked into a temporary directory (git archive, no worktree) with a hard-linked copy of
# node_modules and its own generated Prisma client; the same bench script runs in both.
set -eu
OLD="${BENCH_OLD_DIR:-/tmp/old-outbox}"
COMMIT="${BENCH_OLD_COMMIT:-aacbbbd}"
rm -rf "$OLD" && mkdir -p "$OLD"
git archive "$COMMIT" | tar -x -C "$OLD"
cp -al node_modules "$OLD/node_modules"
cp bench/broadcast.ts "$OLD/bench/broadcast.ts"
(cd "$OLD" && node node_modules/prisma/build/index.js generate >/dev/null)
echo "== outbox of $COMMIT"
(cd "$OLD" && BENCH_LABEL="$COMMIT" npx tsx bench/broadcast.ts) | tee /tmp/bench-outbox-old.txt || true
echo "== outbox of this checkout"
BENCH_LABEL="$(git rev-parse --short HEAD)" npx tsx bench/broadcast.ts | tee /tmp/bench-outbox-new.txt || true
grep -h '^RESULT' /tmp/bench-outbox-old.txt /tmp/bench-outbox-new.txt
rm -rf "$OLD"
