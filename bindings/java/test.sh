#!/usr/bin/env bash
# Builds the Java binding and runs its test program against the real
# libmisterwebhooks and a dev-broker (librdkafka's mock Kafka cluster) that
# this script starts on 127.0.0.1 and stops on exit. Ends with the line
# "N passed, M failed" and exits non-zero when a test failed.
#
# The decoding test vectors and the GitHub webhook corpus are read from
# $MW_SHARED_DIR (default: the folder "shared" beside the repository). Without
# the vectors that test is skipped; without the corpus the topic is seeded
# from examples/samples.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${MW_SHARED_DIR:-$root/../shared}
jna=${JNA_JAR:-/usr/share/java/jna.jar}
out=$root/build/java
tool=${MISTER_WEBHOOKS_TOOL:-$root/build/bin/mister-webhooks}
topic=java-test
partitions=2

"$here/build.sh" || exit 1
if [ ! -x "$tool" ]; then
    echo "mister-webhooks not built at $tool: run 'make lib tool' in $root" >&2
    exit 1
fi

seed=$root/examples/samples
if [ -d "$shared/corpus/github" ]; then
    seed=$shared/corpus/github
fi

work=$(mktemp -d)
# shellcheck source=../../tests/lib/dev_broker.sh
source "$root/tests/lib/dev_broker.sh"

cleanup() {
    dev_broker_stop
    rm -rf "$work"
}
trap cleanup EXIT

dev_broker_start "$tool" "$work" --topic "$topic" --partitions "$partitions" --seed "$seed" || exit 1
echo "dev-broker on $dev_broker_bootstrap, topic $topic seeded from $seed"

java -cp "$out/test-classes:$out/misterwebhooks.jar:$jna" \
    -Dmw.test.vectors="$shared/vectors" \
    -Dmw.test.profile="$work/profile.json" \
    -Dmw.test.topic="$topic" \
    -Dmw.test.partitions="$partitions" \
    -Dmw.test.seed="$seed" \
    -Dmw.test.workdir="$work" \
    -Dmw.test.example.classpath="$out/examples:$out/misterwebhooks.jar:$jna" \
    com.misterwebhooks.BindingTest
