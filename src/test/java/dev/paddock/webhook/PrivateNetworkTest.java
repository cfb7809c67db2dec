package dev.paddock.webhook;

import dev.paddock.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/** The service as shipped: webhooks into private networks are refused when saved (400 naming url). */
@QuarkusTest
@TestProfile(PrivateNetworkTest.AsShipped.class)
class PrivateNetworkTest {

    public static class AsShipped implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paddock.webhooks.allow-private-networks", "false");
        }
    }

    @Test
    void aWebhookIntoAPrivateNetworkIsRefusedWhenSaved() {
        Api api = Api.newTenant();
        for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/",
                "http://10.0.0.8/", "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/",
                "http://[fd00::1]/")) {
            WebhookTest.create(api, url, List.of("paddock.job.*")).then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", hasItem("url"));
        }
        String id = WebhookTest.webhook(api, "https://93.184.215.14/hook", List.of("paddock.job.*"))[0];
        api.person().body(Map.of("url", "http://localhost:9000/q/metrics")).patch("/api/webhooks/" + id)
                .then().statusCode(400).body("errors.field", hasItem("url"));
        api.person().get("/api/webhooks/" + id).then().body("webhook.url", is("https://93.184.215.14/hook"));
    }
}
