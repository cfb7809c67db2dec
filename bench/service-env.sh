# Sourced by the bench scripts: the environment a packaged service needs to run against the
# local PostgreSQL (127.0.0.1:5432, postgres/postgres) and trust the JWTs that LoadGen signs with
# the test key. usage: . bench/service-env.sh DATABASE
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA_HOME/bin/java
export PGHOST=127.0.0.1 PGUSER=postgres PGPASSWORD=${PGPASSWORD:-postgres}
export QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$1
export QUARKUS_DATASOURCE_USERNAME=postgres QUARKUS_DATASOURCE_PASSWORD=$PGPASSWORD
export MP_JWT_VERIFY_PUBLICKEY_LOCATION=$PWD/src/test/resources/publicKey.pem
export MP_JWT_VERIFY_ISSUER=https://paddock.test
export PADDOCK_SECRETS_KEY=$(head -c 32 /dev/urandom | base64)
# The figures drive each runner far faster than a runner calls (20,000 heartbeats/s over 10,000
# runners is 2 a second each, a runner beats every 30 s): under the default limit of 120 calls a
# minute a runner, 0.2-1 % of a JVM heartbeat run was answered 429, cheaper than a heartbeat and
# counted as one. The limiter still runs on every call; its limit is the tests' business.
export PADDOCK_AUTH_AGENT_REQUESTS_PER_MINUTE=${PADDOCK_AUTH_AGENT_REQUESTS_PER_MINUTE:-10000000}
# The service the scripts start: the JAR on this JDK (default; PADDOCK_BENCH_JAR another JAR,
# PADDOCK_BENCH_JAVA_OPTS its JVM options), or with PADDOCK_BENCH_SERVICE=native the native
# executable (target/*-runner, README "Native"), which has no JIT to warm up
# (PADDOCK_BENCH_NATIVE_OPTS its runtime options, e.g. -Xmx128m).
SERVICE_KIND=${PADDOCK_BENCH_SERVICE:-jvm}
case $SERVICE_KIND in
  jvm) SERVICE_JAR=${PADDOCK_BENCH_JAR:-target/quarkus-app/quarkus-run.jar}
       [ -f "$SERVICE_JAR" ] || { echo "build first: ./mvnw package -DskipTests" >&2; exit 1; }
       SERVICE_NAME="the JAR on $("$JAVA" -version 2>&1 | head -1)" ;;
  native) SERVICE_EXE=$(ls target/*-runner 2>/dev/null | head -1)
       [ -n "$SERVICE_EXE" ] || { echo "build first: ./mvnw package -Dnative -DskipTests" >&2; exit 1; }
       SERVICE_NAME="the native executable $SERVICE_EXE" ;;
  *) echo "PADDOCK_BENCH_SERVICE is jvm or native" >&2; exit 1 ;;
esac
# Health and metrics answer on the management interface: the API port + 1000 unless set.
management_port() { echo $(($1 + 1000)); }
run_service() { # [JVM options, ignored by the native executable]: replaces the calling (sub)shell
  export QUARKUS_MANAGEMENT_PORT=${QUARKUS_MANAGEMENT_PORT:-$(management_port "${QUARKUS_HTTP_PORT:-8080}")}
  if [ "$SERVICE_KIND" = native ]; then exec "$SERVICE_EXE" ${PADDOCK_BENCH_NATIVE_OPTS:-}; fi
  exec "$JAVA" ${PADDOCK_BENCH_JAVA_OPTS:-} "$@" -jar "$SERVICE_JAR"
}
# The baseline every script measures beside its figures: pgbench's single-row UPDATE on the same
# server, in the database <benchmark's database>_pgbench. pgbench_prepare makes that database and
# the script; run it with: pgbench -n -f "$PGBENCH_UPDATE" ${DB}_pgbench ...
PGBENCH_UPDATE=/tmp/paddock-update.sql
pgbench_prepare() { # the benchmark's database
  dropdb --if-exists "$1_pgbench" && createdb "$1_pgbench"
  pgbench -i -q -s 10 "$1_pgbench" >/dev/null 2>&1
  printf '\\set aid random(1, 1000000)\nUPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :aid;\n' >"$PGBENCH_UPDATE"
}
