#!/usr/bin/env bash
# Compiles the Java binding, its example and its tests with plain javac into
# the repository's build/java folder:
#   build/java/misterwebhooks.jar   the binding (package com.misterwebhooks)
#   build/java/examples             examples/Consume.java
#   build/java/test-classes         the test program
# JNA comes from Debian's libjna-java package, or from $JNA_JAR.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jna=${JNA_JAR:-/usr/share/java/jna.jar}
out=$root/build/java

if [ ! -f "$jna" ]; then
    echo "JNA not found at $jna: install it with 'apt-get install libjna-java', or set JNA_JAR" >&2
    exit 1
fi

rm -rf "$out/classes" "$out/examples" "$out/test-classes"
mkdir -p "$out/classes" "$out/examples" "$out/test-classes"

javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$jna" -d "$out/classes" \
    $(find "$here/src/main/java" -name '*.java')
jar --create --file "$out/misterwebhooks.jar" -C "$out/classes" .

javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$out/misterwebhooks.jar:$jna" -d "$out/examples" \
    "$here"/examples/*.java
javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$out/misterwebhooks.jar:$jna" -d "$out/test-classes" \
    $(find "$here/src/test/java" -name '*.java')
