#!/usr/bin/env bash
# Builds the Java SDK with the JDK alone (no Maven or Gradle: no Maven Central here):
#   build/slipway-sdk.jar          the library (JDK only at run time; the Servlet API is provided)
#   build/slipway-sdk-sources.jar  its sources, for IDEs
#   build/javadoc/                 the API documentation
# Javadoc is checked (doclint, warnings are errors) on every public and protected member.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/build"

# The Servlet API (compile only): Debian's libtomcat10-embed-java ships jakarta.servlet in the core jar.
servlet_api="${SLIPWAY_SERVLET_API:-}"
if [[ -z "$servlet_api" ]]; then
  for candidate in /usr/share/java/tomcat10-servlet-api.jar /usr/share/java/jakarta.servlet-api.jar \
      /usr/share/java/tomcat10-embed-core.jar; do
    if [[ -f "$candidate" ]]; then servlet_api="$candidate"; break; fi
  done
fi
if [[ -z "$servlet_api" ]]; then
  echo "build.sh: no jakarta.servlet jar found (apt-get install libtomcat10-embed-java, or set SLIPWAY_SERVLET_API)" >&2
  exit 1
fi

version="$(sed -n 's/.*String VERSION = "\(.*\)";/\1/p' "$here/src/main/java/dev/slipway/sdk/Slipway.java")"
rm -rf "$build/classes" "$build/javadoc" "$build/slipway-sdk.jar" "$build/slipway-sdk-sources.jar"
mkdir -p "$build/classes"
mapfile -t sources < <(find "$here/src/main/java" -name '*.java' | sort)

javac --release 17 -encoding UTF-8 -Xlint:all -Xdoclint:all/protected -Werror \
  -cp "$servlet_api" -d "$build/classes" "${sources[@]}"

cat > "$build/MANIFEST.MF" <<MANIFEST
Automatic-Module-Name: dev.slipway.sdk
Implementation-Title: Slipway SDK
Implementation-Version: $version
MANIFEST
jar --create --file "$build/slipway-sdk.jar" --manifest "$build/MANIFEST.MF" -C "$build/classes" .
jar --create --file "$build/slipway-sdk-sources.jar" -C "$here/src/main/java" .

javadoc -quiet -Xdoclint:all -Werror -encoding UTF-8 -charset UTF-8 \
  -doctitle "Slipway SDK $version" -windowtitle "Slipway SDK" \
  -cp "$servlet_api" -sourcepath "$here/src/main/java" -d "$build/javadoc" dev.slipway.sdk >/dev/null

echo "built $build/slipway-sdk.jar ($version) and $build/javadoc"
