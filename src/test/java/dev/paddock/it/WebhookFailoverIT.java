package dev.paddock.it;

import dev.paddock.support.Api;
import dev.paddock.support.PackagedAppResource;
import dev.paddock.support.Replica;
import dev.paddock.support.WebhookReceiver;
import dev.paddock.support.WebhookReceiver.Answer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica killed while it sends a delivery loses nothing: its claim runs out and another replica
 * sends the event again. The service the framework starts sends no webhooks here, so the replica
 * started by the test is the one that is killed mid-send.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppResource.class)
@TestProfile(WebhookFailoverIT.SendsNone.class)
class WebhookFailoverIT {

    public static class SendsNone implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("paddock.webhooks.concurrency", "0");
        }
    }

    @Test
    void aReplicaKilledMidDeliveryLosesNothing() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> n == 1 ? new Answer(200, "", 60_000, Map.of())
                : Answer.status(200))) {
            Api api = Api.newTenant();
            Replica sender = Replica.start(Map.of());
            String webhookId = api.person().body(Map.of("url", receiver.url(), "events", List.of("paddock.job.queued")))
                    .post("/api/webhooks").then().statusCode(201).extract().path("webhook.id");
            api.enqueue("review", List.of());
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 1);

            sender.process.destroyForcibly();
            assertThat(sender.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            Replica survivor = Replica.start(Map.of());
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 2);
                assertThat(receiver.received().get(1).header("webhook-id"))
                        .isEqualTo(receiver.received().get(0).header("webhook-id"));
                assertThat(receiver.received().get(1).body()).isEqualTo(receiver.received().get(0).body());
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api.person()
                        .get("/api/webhooks/" + webhookId + "/deliveries").then().statusCode(200)
                        .extract().<List<String>>path("deliveries.status")).containsExactly("delivered"));
            } finally {
                survivor.close();
            }
        }
    }
}
