package dev.paddock.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kubernetes manifests and Dockerfiles say what production needs; this keeps them honest. */
class DeploymentArtifactsTest {

    static List<Map<String, Object>> documents;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        documents = new ArrayList<>();
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        for (Object document : yaml.loadAll(Files.readString(Path.of("src/main/kubernetes/paddock.yml")))) {
            if (document != null) {
                documents.add((Map<String, Object>) document);
            }
        }
    }

    static Map<String, Object> kind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in the manifests"));
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Object node, String... path) {
        Object current = node;
        for (String step : path) {
            current = current instanceof List<?> list ? list.get(Integer.parseInt(step)) : ((Map<String, Object>) current).get(step);
            assertThat(current).as(String.join(".", path)).isNotNull();
        }
        return (T) current;
    }

    @Test
    void deploymentIsReplicatedProbedLimitedAndLockedDown() {
        Map<String, Object> deployment = kind("Deployment");
        assertThat((Integer) at(deployment, "spec", "replicas")).isGreaterThanOrEqualTo(2);
        Map<String, Object> pod = at(deployment, "spec", "template", "spec");
        Map<String, Object> container = at(pod, "containers", "0");
        assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/q/health/live");
        assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/q/health/ready");
        assertThat((String) at(container, "startupProbe", "httpGet", "path")).startsWith("/q/health");
        // probes and metrics on the management interface, which the Service does not expose
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat((String) at(container, probe, "httpGet", "port")).isEqualTo("management");
        }
        assertThat(at(container, "ports").toString()).contains("management").contains("containerPort=9000");
        assertThat((String) at(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/port")).isEqualTo("9000");
        assertThat(at(kind("Service"), "spec", "ports").toString()).doesNotContain("management").doesNotContain("9000");
        assertThat((Map<String, Object>) at(container, "resources", "requests")).containsKeys("cpu", "memory");
        assertThat((Map<String, Object>) at(container, "resources", "limits")).containsKeys("cpu", "memory");
        assertThat((Boolean) at(pod, "securityContext", "runAsNonRoot")).isTrue();
        assertThat((Boolean) at(container, "securityContext", "readOnlyRootFilesystem")).isTrue();
        assertThat((Boolean) at(container, "securityContext", "allowPrivilegeEscalation")).isFalse();
        assertThat((Integer) at(pod, "terminationGracePeriodSeconds")).isGreaterThan(20);
        List<Map<String, Object>> envFrom = at(container, "envFrom");
        String refs = envFrom.toString();
        assertThat(refs).contains("configMapRef").contains("secretRef");
    }

    @Test
    void configurationAndSecretsCarryWhatTheServiceReads() {
        Map<String, Object> config = at(kind("ConfigMap"), "data");
        Map<String, Object> secret = at(kind("Secret"), "stringData");
        assertThat(config).containsKeys("QUARKUS_DATASOURCE_JDBC_URL", "MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        assertThat(secret).containsKeys("QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "PADDOCK_SECRETS_KEY");
    }

    @Test
    void serviceBudgetAndAutoscalerExist() {
        assertThat((Object) at(kind("Service"), "spec", "ports")).isNotNull();
        assertThat((Object) at(kind("PodDisruptionBudget"), "spec")).isNotNull();
        Map<String, Object> hpa = kind("HorizontalPodAutoscaler");
        assertThat((Integer) at(hpa, "spec", "minReplicas")).isGreaterThanOrEqualTo(2);
        assertThat((String) at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo("paddock");
    }

    @Test
    void dockerfilesRunAsNonRootWithoutBuildTools() throws IOException {
        for (String name : List.of("Dockerfile.jvm", "Dockerfile.native", "Dockerfile.native-micro")) {
            List<String> lines = Files.readAllLines(Path.of("src/main/docker", name)).stream()
                    .filter(line -> !line.isBlank() && !line.startsWith("#")).collect(Collectors.toList());
            String body = String.join("\n", lines);
            String user = lines.stream().filter(line -> line.startsWith("USER")).reduce((a, b) -> b).orElse("USER root");
            assertThat(user).as(name + " final user").doesNotContain("root").isNotEqualTo("USER 0");
            assertThat(body).as(name).contains("EXPOSE 8080").doesNotContain("mvn ").doesNotContain("gcc")
                    .doesNotContain("native-image");
            assertThat(body).as(name + " entrypoint").containsAnyOf("ENTRYPOINT", "CMD");
        }
    }

    @Test
    void theJvmImageStartsFromTheAotCacheItsOwnJvmMade() throws IOException {
        String body = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        java.util.regex.Matcher from = java.util.regex.Pattern.compile("(?m)^FROM \\S+/openjdk-(\\d+)-runtime").matcher(body);
        assertThat(from.find()).as("a Red Hat OpenJDK runtime image").isTrue();
        assertThat(Integer.parseInt(from.group(1))).as("the AOT cache needs JDK 24+").isGreaterThanOrEqualTo(24);
        // made in the image by its own java, in the directory the service starts from, and used there
        assertThat(body.indexOf("WORKDIR /deployments")).isPositive().isLessThan(body.indexOf("-XX:AOTCacheOutput=app.aot"));
        assertThat(body).contains("-XX:AOTCache=/deployments/app.aot").contains("-jar /deployments/quarkus-run.jar")
                .doesNotContain("COPY target/quarkus-app/app.aot");
    }

    @Test
    void theJvmImageGivesFreedNativeMemoryBackSoItsMemoryStaysUnderItsRequest() throws IOException {
        String opts = javaOpts(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")));
        // measured under the agent load: 275-280 MB after it with the trim, 310-318 MB without (RESULTS.md)
        assertThat(opts).contains("-XX:TrimNativeHeapInterval=1000").contains("-XX:MaxRAMPercentage=25.0");
        String manifest = Files.readString(Path.of("src/main/kubernetes/paddock.yml"));
        assertThat(manifest).contains("memory: 320Mi").contains("memory: 512Mi");
    }

    @Test
    void theNativeImagesStartWithAYoungGenerationOf32Megabytes() throws IOException {
        // measured under the agent load: 97-123 MB after it with -Xmn32m, 153-170 MB without (RESULTS.md)
        for (String name : List.of("Dockerfile.native", "Dockerfile.native-micro")) {
            assertThat(Files.readString(Path.of("src/main/docker", name))).as(name)
                    .contains("CMD [\"./application\", \"-Dquarkus.http.host=0.0.0.0\", \"-Xmn32m\"]");
        }
    }

    private static String javaOpts(String dockerfile) {
        java.util.regex.Matcher opts = java.util.regex.Pattern.compile("(?m)^ENV JAVA_OPTS=\"([^\"]*)\"").matcher(dockerfile);
        assertThat(opts.find()).as("the image sets JAVA_OPTS").isTrue();
        return opts.group(1);
    }
}
