package dev.paddock.db;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The classes a native executable's Flyway reaches by reflection: it copies its plugins'
 * configurations through Jackson (every {@code ConfigurationExtension} its service loader finds,
 * and the types of their properties) and makes its SQL exceptions by reflection. The Flyway extension registered them; it is disabled
 * (SchemaAtStart), so they are registered here, and FlywayReflectionTest keeps the lists whole
 * for the Flyway on the class path.
 */
@RegisterForReflection(classNames = {
        FlywayReflection.CONFIGURATION_EXTENSION,
        "org.flywaydb.core.api.migration.baseline.BaselineMigrationConfigurationExtension",
        "org.flywaydb.core.internal.proprietaryStubs.LicensingConfigurationExtensionStub",
        "org.flywaydb.core.internal.proprietaryStubs.OfflinePermitConfigurationExtensionStub",
        "org.flywaydb.core.internal.proprietaryStubs.PATTokenConfigurationExtensionStub",
        "org.flywaydb.core.internal.publishing.PublishingConfigurationExtension",
        "org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension",
        "org.flywaydb.database.postgresql.TransactionalModel",
        FlywayReflection.SQL_EXCEPTION,
        "org.flywaydb.core.internal.exception.sqlExceptions.FlywaySqlNoDriversForInteractiveAuthException",
        "org.flywaydb.core.internal.exception.sqlExceptions.FlywaySqlNoIntegratedAuthException",
        "org.flywaydb.core.internal.exception.sqlExceptions.FlywaySqlServerUntrustedCertificateSqlException",
        "org.flywaydb.core.internal.exception.sqlExceptions.FlywaySqlUnableToConnectToDbException",
        "org.flywaydb.core.internal.sqlscript.FlywaySqlScriptException"})
final class FlywayReflection {

    static final String CONFIGURATION_EXTENSION = "org.flywaydb.core.extensibility.ConfigurationExtension";
    static final String SQL_EXCEPTION = "org.flywaydb.core.internal.exception.FlywaySqlException";

    private FlywayReflection() {
    }
}
