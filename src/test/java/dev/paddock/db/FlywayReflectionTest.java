package dev.paddock.db;

import io.quarkus.runtime.annotations.RegisterForReflection;
import org.flywaydb.core.extensibility.ConfigurationExtension;
import org.flywaydb.core.extensibility.Plugin;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import org.jboss.jandex.DotName;
import org.jboss.jandex.Index;
import org.jboss.jandex.Indexer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A native executable's Flyway finds by reflection every configuration extension its service
 * loader loads and every SQL exception it makes: FlywayReflection registers each of them, so a
 * Flyway upgrade that adds one fails here, not in a native executable migrating a fresh database.
 */
class FlywayReflectionTest {

    private final List<String> registered =
            List.of(FlywayReflection.class.getAnnotation(RegisterForReflection.class).classNames());

    @Test
    void everyConfigurationExtensionFlywayLoadsAndThePropertiesTypesAreRegistered() {
        Deque<Class<?>> reached = new ArrayDeque<>();
        for (Plugin plugin : ServiceLoader.load(Plugin.class)) {
            if (plugin instanceof ConfigurationExtension) {
                reached.add(plugin.getClass());
            }
        }
        Set<String> serialised = new LinkedHashSet<>();
        while (!reached.isEmpty()) {
            Class<?> type = reached.pop();
            if (type.isPrimitive() || type.getName().startsWith("java.") || !serialised.add(type.getName())) {
                continue;
            }
            for (Class<?> level = type; level != Object.class; level = level.getSuperclass()) {
                for (Field field : level.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        reached.add(field.getType());
                    }
                }
            }
            for (Method method : type.getMethods()) {
                if (method.getName().startsWith("get") && method.getParameterCount() == 0
                        && !Modifier.isStatic(method.getModifiers())) {
                    reached.add(method.getReturnType());
                }
            }
        }
        assertThat(serialised).as("PostgreSQL's own among them")
                .contains("org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension",
                        "org.flywaydb.database.postgresql.TransactionalModel");
        assertThat(registered).contains(FlywayReflection.CONFIGURATION_EXTENSION).containsAll(serialised);
        assertThat(ConfigurationExtension.class.getName()).isEqualTo(FlywayReflection.CONFIGURATION_EXTENSION);
    }

    @Test
    void flywaysSqlExceptionAndEachOfItsSubclassesAreRegistered() throws IOException {
        assertThat(FlywaySqlException.class.getName()).isEqualTo(FlywayReflection.SQL_EXCEPTION);
        List<String> subclasses = index(FlywaySqlException.class)
                .getAllKnownSubclasses(DotName.createSimple(FlywaySqlException.class)).stream()
                .map(subclass -> subclass.name().toString()).toList();
        assertThat(subclasses).isNotEmpty();
        assertThat(registered).contains(FlywayReflection.SQL_EXCEPTION).containsAll(subclasses);
    }

    /** The classes of the JAR a class comes from. */
    private static Index index(Class<?> member) throws IOException {
        JarURLConnection jar = (JarURLConnection) member.getResource(member.getSimpleName() + ".class").openConnection();
        Indexer indexer = new Indexer();
        try (JarFile file = new JarFile(jar.getJarFileURL().getFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        indexer.index(in);
                    }
                }
            }
        }
        return indexer.complete();
    }
}
