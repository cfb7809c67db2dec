package dev.paddock.it;

import dev.paddock.support.Api;
import dev.paddock.support.PackagedAppResource;
import dev.paddock.support.Replica;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/**
 * Rotating PADDOCK_SECRETS_KEY (README "Security"): a replica started with a new key and the old
 * one in PADDOCK_SECRETS_PREVIOUS_KEYS hands out secrets sealed under either.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
class SecretsKeyRotationIT {

    private static final String NEW_KEY = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGho=";

    @Test
    void aReplicaWithTheNewKeyOpensSecretsSealedUnderTheOldOne() throws Exception {
        try (Replica rotated = Replica.start(Map.of("paddock.secrets.key", NEW_KEY,
                "paddock.secrets.previous-keys", PackagedAppResource.SECRETS_KEY))) {
            Api api = Api.newTenant();
            Api.RunnerRef runner = api.onlineRunner(List.of("rotation"), 2);
            api.enqueue(Map.of("type", "t", "labels", List.of("rotation"), "secrets", Map.of("S", "sealed-under-old")));
            api.person().baseUri(rotated.url())
                    .body(Map.of("type", "t", "labels", List.of("rotation"), "secrets", Map.of("S", "sealed-under-new")))
                    .post("/api/jobs").then().statusCode(201);

            for (String expected : List.of("sealed-under-old", "sealed-under-new")) {
                Map<String, Object> job = Api.runner(runner.token()).baseUri(rotated.url()).body(Map.of("limit", 1))
                        .post("/api/runners/jobs/claim").then().statusCode(200).extract().path("jobs[0]");
                Api.runner(runner.token()).baseUri(rotated.url()).header("X-Lease-Id", job.get("lease_id"))
                        .get("/api/runners/jobs/" + job.get("id") + "/secrets").then().statusCode(200)
                        .body("secrets.S", equalTo(expected));
            }
        }
    }
}
