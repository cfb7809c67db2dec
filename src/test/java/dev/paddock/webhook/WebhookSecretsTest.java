package dev.paddock.webhook;

import dev.paddock.support.StandardWebhooks;
import dev.paddock.support.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A signer keeps its keyed MACs from one body to the next: each body is signed as if alone. */
class WebhookSecretsTest {

    @Test
    void aSignerUsedForBodyAfterBodySignsEachAsAFreshOneWould() {
        String current = WebhookSecrets.newKey();
        String previous = WebhookSecrets.newKey();
        WebhookSecrets.Signer signer = WebhookSecrets.signer(List.of(current, previous));
        long now = System.currentTimeMillis() / 1000;
        for (String body : List.of("{\"sequence\":\"1\"}", "{}", "{\"sequence\":\"3\",\"data\":{\"note\":\"é\"}}")) {
            String id = java.util.UUID.randomUUID().toString();
            String header = signer.sign(id, now, body.getBytes(StandardCharsets.UTF_8));

            assertThat(header).isEqualTo(WebhookSecrets.signer(List.of(current, previous)).sign(id, now,
                    body.getBytes(StandardCharsets.UTF_8)));
            assertThat(header.split(" ")).hasSize(2);
            WebhookReceiver.Received received = new WebhookReceiver.Received(Map.of("webhook-id", id,
                    "webhook-timestamp", Long.toString(now), "webhook-signature", header), body);
            assertThat(StandardWebhooks.verify(WebhookSecrets.shown(current), received)).as("by the current key").isTrue();
            assertThat(StandardWebhooks.verify(WebhookSecrets.shown(previous), received)).as("by the previous key").isTrue();
            assertThat(StandardWebhooks.verify(WebhookSecrets.shown(WebhookSecrets.newKey()), received)).isFalse();
        }
    }
}
