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
