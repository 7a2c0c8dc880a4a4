#!/usr/bin/env bash
# Builds the SDK, compiles the tests against Debian's JUnit 5 and runs them with the console
# launcher. Exits non-zero when a test fails. Works from any directory.
#   SLIPWAY_CONFORMANCE_SOCKET / SLIPWAY_CONFORMANCE_URL + SLIPWAY_CONFORMANCE_TOKEN: also replay
#   the conformance cases against a real platform (see README.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/build"
junit=/usr/share/java/junit-platform-console-standalone.jar
if [[ ! -f "$junit" ]]; then
  echo "test.sh: $junit is missing (apt-get install junit5)" >&2
  exit 1
fi

bash "$here/build.sh"
servlet_api="${SLIPWAY_SERVLET_API:-}"
for candidate in /usr/share/java/tomcat10-servlet-api.jar /usr/share/java/jakarta.servlet-api.jar \
    /usr/share/java/tomcat10-embed-core.jar; do
  if [[ -z "$servlet_api" && -f "$candidate" ]]; then servlet_api="$candidate"; fi
done

rm -rf "$build/test-classes"
mkdir -p "$build/test-classes"
mapfile -t tests < <(find "$here/src/test/java" -name '*.java' | sort)
classpath="$build/slipway-sdk.jar:$servlet_api:$junit"
javac --release 17 -encoding UTF-8 -Xlint:all -Xlint:-serial -Werror -cp "$classpath" -d "$build/test-classes" "${tests[@]}"

java -Dslipway.conformance.dir="$here/../conformance" -jar "$junit" \
  --class-path "$build/test-classes:$classpath" \
  --scan-class-path "$build/test-classes" \
  --fail-if-no-tests --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii
