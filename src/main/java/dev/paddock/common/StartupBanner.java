package dev.paddock.common;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** One line at start saying where the service and its Swagger UI are, and in dev how to get a token. */
@ApplicationScoped
public class StartupBanner {

    private static final Logger LOG = Logger.getLogger(StartupBanner.class);

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "0.0.0.0")
    String host;

    @ConfigProperty(name = "quarkus.http.port")
    int port;

    void started(@Observes StartupEvent event) {
        // the dev profile, under quarkus:dev or as the README's packaged dev run: /dev/token exists then
        LOG.info(line(host, port, ConfigUtils.isProfileActive("dev")));
    }

    static String line(String host, int port, boolean dev) {
        String base = "http://" + ("0.0.0.0".equals(host) || "::".equals(host) ? "localhost" : host) + ":" + port;
        String line = "Paddock is serving " + base + " (Swagger UI: " + base + "/q/swagger-ui)";
        return dev ? line + "; a token: curl -XPOST " + base
                + "/dev/token -H 'Content-Type: application/json' -d '{\"tenant\":\"acme\"}'" : line;
    }
}
