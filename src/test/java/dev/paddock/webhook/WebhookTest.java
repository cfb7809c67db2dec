package dev.paddock.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paddock.support.Api;
import dev.paddock.support.StandardWebhooks;
import dev.paddock.support.Tokens;
import dev.paddock.support.WebhookReceiver;
import dev.paddock.support.WebhookReceiver.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

/** People's webhooks, and events delivered to a real receiver: signed, retried, logged. */
@QuarkusTest
@SuppressWarnings("unchecked")
public class WebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Response create(Api api, String url, List<String> events) {
        return api.person().body(Map.of("url", url, "events", events, "description", "ci bot")).post("/api/webhooks");
    }

    /** Creates a webhook; answers {id, secret}. */
    static String[] webhook(Api api, String url, List<String> events) {
        Response created = create(api, url, events).then().statusCode(201).extract().response();
        return new String[] {created.path("webhook.id"), created.path("secret")};
    }

    static List<Map<String, Object>> deliveries(Api api, String webhookId) {
        return api.person().get("/api/webhooks/" + webhookId + "/deliveries").then().statusCode(200)
                .extract().path("deliveries");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> body(WebhookReceiver.Received received) throws Exception {
        return JSON.readValue(received.body(), Map.class);
    }

    @Test
    void aWebhookIsCreatedWithItsSecretShownOnceThenReadChangedAndDeleted() {
        Api api = Api.newTenant();
        Response created = create(api, "https://hooks.example.com/paddock", List.of("paddock.job.*",
                "paddock.runner.offline")).then().statusCode(201)
                .body("webhook.url", is("https://hooks.example.com/paddock"))
                .body("webhook.events", is(List.of("paddock.job.*", "paddock.runner.offline")))
                .body("webhook.description", is("ci bot"))
                .body("webhook.active", is(true))
                .body("webhook.last_delivery_at", nullValue())
                .body("webhook.failing_since", nullValue())
                .extract().response();
        String secret = created.path("secret");
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        String id = created.path("webhook.id");

        String one = api.person().get("/api/webhooks/" + id).then().statusCode(200)
                .body("webhook.id", is(id)).extract().asString();
        assertThat(one).doesNotContain(secret.substring(6)).doesNotContain("secret");
        api.person().get("/api/webhooks").then().statusCode(200)
                .body("webhooks.id", is(List.of(id))).body("total", is(1)).body("limit", is(50)).body("offset", is(0));

        api.person().body(Map.of("active", false, "events", List.of("paddock.runner.*"), "description", ""))
                .patch("/api/webhooks/" + id).then().statusCode(200)
                .body("webhook.active", is(false)).body("webhook.events", is(List.of("paddock.runner.*")))
                .body("webhook.description", nullValue())
                .body("webhook.url", is("https://hooks.example.com/paddock"));

        api.person().delete("/api/webhooks/" + id).then().statusCode(204);
        api.person().get("/api/webhooks/" + id).then().statusCode(404);
    }

    @Test
    void badUrlsAndUnknownEventTypesAreRefusedNamingTheField() {
        Api api = Api.newTenant();
        for (String url : List.of("ftp://hooks.example.com/x", "https://user:pw@hooks.example.com/x", "not a url",
                "https://hooks.example.com/" + "a".repeat(2048), "mailto:me@example.com")) {
            create(api, url, List.of("paddock.job.*")).then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", hasItem("url"));
        }
        create(api, "https://hooks.example.com/x", List.of("paddock.job.*", "paddock.job.exploded", "nothing*"))
                .then().statusCode(400)
                .body("errors.field", is(List.of("events[1]", "events[2]")));
        api.person().body(Map.of("url", "https://hooks.example.com/x")).post("/api/webhooks").then().statusCode(400)
                .body("errors.field", hasItem("events"));
        // every invalid field at once: Bean Validation's (a missing url, a long description) with the hook's own
        api.person().body(Map.of("events", List.of("bogus.type"), "description", "d".repeat(1001))).post("/api/webhooks")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("url", "events[0]", "description"));
        api.person().body(Map.of("url", "ftp://hooks.example.com/x", "events", List.of("bogus.type"))).post("/api/webhooks")
                .then().statusCode(400).body("errors.field", containsInAnyOrder("url", "events[0]"));
        api.person().get("/api/webhooks").then().body("total", is(0));
    }

    @Test
    void theWebhooksOfOneTenantAreNoneOfAnothersAndNeedTheScope() throws Exception {
        Api api = Api.newTenant();
        String id = webhook(api, "https://hooks.example.com/x", List.of("*"))[0];
        Api other = Api.newTenant();
        other.person().get("/api/webhooks/" + id).then().statusCode(404);
        other.person().delete("/api/webhooks/" + id).then().statusCode(404);
        other.person().post("/api/webhooks/" + id + "/ping").then().statusCode(404);
        other.person().get("/api/webhooks").then().body("total", is(0));
        String withoutScope = Tokens.person(api.tenant, "jobs:manage runners:manage");
        given().auth().oauth2(withoutScope).get("/api/webhooks").then().statusCode(403);
    }

    @Test
    void anEventIsDeliveredSignedAsStandardWebhooksAndLogged() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.job.*"));
            String jobId = api.enqueue("review", List.of());

            await().atMost(Duration.ofSeconds(10)).until(() -> !receiver.received().isEmpty());
            WebhookReceiver.Received received = receiver.received().get(0);
            assertThat(received.header("content-type")).isEqualTo("application/cloudevents+json");
            assertThat(StandardWebhooks.verify(hook[1], received)).as("signature").isTrue();
            Map<String, Object> event = body(received);
            assertThat(event).containsEntry("type", "paddock.job.queued").containsEntry("subject", jobId)
                    .containsEntry("specversion", "1.0").containsEntry("source", "paddock/" + api.tenant)
                    .containsEntry("id", received.header("webhook-id"));
            assertThat(event.get("sequence")).isInstanceOf(String.class);
            assertThat((Map<String, Object>) ((Map<?, ?>) event.get("data")).get("job")).containsEntry("id", jobId);
            assertThat(StandardWebhooks.verify("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), received))
                    .as("another secret does not verify").isFalse();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(api, hook[0]))
                    .singleElement().satisfies(delivery -> assertThat(delivery)
                            .containsEntry("status", "delivered").containsEntry("attempts", 1)
                            .containsEntry("last_status_code", 200).containsEntry("event_type", "paddock.job.queued")
                            .containsEntry("event_id", received.header("webhook-id"))
                            .containsEntry("next_attempt_at", null)));
            api.person().get("/api/webhooks/" + hook[0]).then().body("webhook.last_delivery_at", org.hamcrest.Matchers.notNullValue());
        }
    }

    /** Deliveries first attempted together (one window of events) are listed newest event first too. */
    @Test
    void theDeliveryLogIsNewestFirstWithinAWindow() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.job.queued"));
            for (int i = 0; i < 6; i++) {
                api.enqueue("review", List.of());
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(api, hook[0]))
                    .hasSize(6).extracting(d -> d.get("status")).containsOnly("delivered"));
            List<String> events = api.person().queryParam("type", "paddock.job.queued").get("/api/events").then()
                    .statusCode(200).extract().path("events.id");
            assertThat(deliveries(api, hook[0])).extracting(d -> (String) d.get("event_id"))
                    .containsExactlyElementsOf(events.reversed());
        }
    }

    /** "A failing delivery does not hold back later ones": nor does one whose receiver is slow to answer. */
    @Test
    void aReceiverSlowToAnswerOneEventHoldsBackNoLaterEvent() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> new Answer(204, "", n == 1 ? 8_000 : 0, Map.of()))) {
            Api api = Api.newTenant();
            webhook(api, receiver.url(), List.of("paddock.job.queued"));
            String first = api.enqueue("review", List.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
            String second = api.enqueue("review", List.of());
            // sent while the first still waits for its answer (the tests' webhook timeout is 2 s)
            await().atMost(Duration.ofMillis(1_200)).until(() -> receiver.received().size() == 2);
            assertThat(receiver.received().get(0).body()).contains(first);
            assertThat(receiver.received().get(1).body()).contains(second);
        }
    }

    @Test
    void aFailingDeliveryIsRetriedWithTheSameIdAndBodyUntilItIsDelivered() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> Answer.status(n <= 2 ? 503 : 204))) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.job.queued"));
            api.enqueue("review", List.of());

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(deliveries(api, hook[0]))
                    .singleElement().satisfies(delivery -> assertThat(delivery)
                            .containsEntry("status", "delivered").containsEntry("attempts", 3)
                            .containsEntry("last_status_code", 204)));
            assertThat(receiver.received()).hasSize(3);
            assertThat(receiver.received()).extracting(WebhookReceiver.Received::body).containsOnly(receiver.received().get(0).body());
            assertThat(receiver.received()).extracting(r -> r.header("webhook-id")).containsOnly(receiver.received().get(0).header("webhook-id"));
            assertThat(receiver.received()).allMatch(r -> StandardWebhooks.verify(hook[1], r));
            api.person().get("/api/webhooks/" + hook[0]).then().body("webhook.failing_since", nullValue());
        }
    }

    @Test
    void aDeliveryFailsAfterTheLastRetryAndARedirectAHugeOrLateAnswerIsAFailedAttempt() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> new Answer(302, "", 0, Map.of("Location", "http://127.0.0.1:1/")))) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.job.queued"));
            api.enqueue("review", List.of());
            // the tests' schedule: three retries
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(deliveries(api, hook[0]))
                    .singleElement().satisfies(delivery -> assertThat(delivery)
                            .containsEntry("status", "failed").containsEntry("attempts", 4)
                            .containsEntry("last_status_code", 302)));
            assertThat(receiver.received()).hasSize(4);
            assertThat((String) deliveries(api, hook[0]).get(0).get("last_error")).contains("redirect");

            receiver.answer(n -> new Answer(200, "x".repeat(100 * 1024), 0, Map.of()));
            api.person().post("/api/webhooks/" + hook[0] + "/ping").then().statusCode(202);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(deliveries(api, hook[0]).get(0))
                    .containsEntry("event_type", "paddock.webhook.ping").containsEntry("attempts", 4)
                    .containsEntry("status", "failed"));
            Map<String, Object> huge = deliveries(api, hook[0]).get(0);
            assertThat((String) huge.get("last_error")).contains("64 KiB");
            assertThat(((String) huge.get("last_response")).length()).isLessThanOrEqualTo(1024);

            receiver.answer(n -> new Answer(200, "late", 3_000, Map.of()));
            api.person().post("/api/webhooks/" + hook[0] + "/ping").then().statusCode(202);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(deliveries(api, hook[0]).get(0))
                    .containsEntry("attempts", 4).containsEntry("status", "failed")
                    .containsEntry("last_status_code", null));
            assertThat((String) deliveries(api, hook[0]).get(0).get("last_error")).contains("no answer within");
        }
    }

    /** A receiver that answers something that is not HTTP: a failed attempt, nothing else. */
    @Test
    void aReceiverAnsweringGarbageIsAFailedAttempt() throws Exception {
        try (java.net.ServerSocket garbage = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!garbage.isClosed()) {
                    try (java.net.Socket socket = garbage.accept()) {
                        socket.getInputStream().read(new byte[4096]);
                        socket.getOutputStream().write("\u0000\u0001 not http at all\r\n\r\n".getBytes());
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            Api api = Api.newTenant();
            String id = webhook(api, "http://127.0.0.1:" + garbage.getLocalPort() + "/", List.of("paddock.job.queued"))[0];
            api.person().post("/api/webhooks/" + id + "/ping").then().statusCode(202);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(deliveries(api, id))
                    .singleElement().satisfies(delivery -> assertThat(delivery)
                            .containsEntry("status", "failed").containsEntry("attempts", 4)
                            .containsEntry("last_status_code", null)));
            assertThat((String) deliveries(api, id).get(0).get("last_error")).isNotBlank();
            api.person().get("/api/webhooks/" + id).then().statusCode(200);
        }
    }

    @Test
    void pingAndRedeliverSendToTheWebhookAndAreLogged() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.runner.created"));
            api.person().post("/api/webhooks/" + hook[0] + "/ping").then().statusCode(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            Map<String, Object> ping = body(receiver.received().get(0));
            assertThat(ping).containsEntry("type", "paddock.webhook.ping").containsEntry("subject", hook[0]);
            assertThat((Map<String, Object>) ((Map<?, ?>) ping.get("data")).get("webhook")).containsEntry("id", hook[0]);
            assertThat(StandardWebhooks.verify(hook[1], receiver.received().get(0))).isTrue();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(api, hook[0]))
                    .singleElement().satisfies(d -> assertThat(d).containsEntry("status", "delivered")));
            String deliveryId = (String) deliveries(api, hook[0]).get(0).get("id");
            api.person().post("/api/webhooks/" + hook[0] + "/deliveries/" + deliveryId + "/redeliver")
                    .then().statusCode(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            assertThat(receiver.received().get(1).body()).isEqualTo(receiver.received().get(0).body());
            assertThat(receiver.received().get(1).header("webhook-id")).isEqualTo(receiver.received().get(0).header("webhook-id"));
            assertThat(deliveries(api, hook[0])).hasSize(2);
            api.person().post("/api/webhooks/" + hook[0] + "/deliveries/" + java.util.UUID.randomUUID() + "/redeliver")
                    .then().statusCode(404);
        }
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneAndOnlyEventsOfTheSubscribedTypesAreSent() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.runner.created"));
            String rotated = api.person().post("/api/webhooks/" + hook[0] + "/rotate-secret").then().statusCode(200)
                    .extract().path("secret");
            assertThat(rotated).startsWith("whsec_").isNotEqualTo(hook[1]);
            api.enqueue("not subscribed", List.of());
            api.createRunner("subscribed", List.of(), 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            WebhookReceiver.Received received = receiver.received().get(0);
            assertThat(body(received)).containsEntry("type", "paddock.runner.created");
            assertThat(received.header("webhook-signature").split(" ")).hasSize(2);
            assertThat(StandardWebhooks.verify(rotated, received)).isTrue();
            assertThat(StandardWebhooks.verify(hook[1], received)).isTrue();
            Thread.sleep(500);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    /** The replica following the webhook reads its secrets again before the next window it sends. */
    @Test
    void aSecretRotatedWhileTheWebhookIsFollowedSignsTheNextEvents() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.job.queued"));
            api.enqueue("first", List.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            String rotated = api.person().post("/api/webhooks/" + hook[0] + "/rotate-secret").then().statusCode(200)
                    .extract().path("secret");
            api.enqueue("second", List.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            WebhookReceiver.Received second = receiver.received().get(1);
            assertThat(StandardWebhooks.verify(rotated, second)).isTrue();
            assertThat(StandardWebhooks.verify(hook[1], second)).isTrue();
            assertThat(StandardWebhooks.verify(rotated, receiver.received().get(0))).isFalse();
        }
    }

    /** The tests' retries end within a second; failing for the 3 s after that still disables it. */
    @Test
    void aWebhookWhoseRetriesEndedIsSetInactiveOnceItFailedForTheDisableAfterPeriod() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> Answer.status(500))) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.job.queued"));
            api.enqueue("review", List.of());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(api, hook[0]))
                    .singleElement().satisfies(delivery -> assertThat(delivery).containsEntry("status", "failed")));
            await().atMost(Duration.ofSeconds(10)).until(() -> !(Boolean) api.person().get("/api/webhooks/" + hook[0])
                    .path("webhook.active"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    api.person().queryParam("type", "paddock.webhook.disabled").get("/api/events").then().statusCode(200)
                            .extract().<List<String>>path("events.subject")).containsExactly(hook[0]));
            assertThat(receiver.received()).as("one event, its attempt and three retries").hasSize(4);
        }
    }

    @Test
    void aWebhookWithoutASuccessfulDeliveryForTheDisableAfterPeriodIsSetInactiveWithItsEvent() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.start(n -> Answer.status(500))) {
            Api api = Api.newTenant();
            String[] hook = webhook(api, receiver.url(), List.of("paddock.job.queued"));
            // the tests' PADDOCK_WEBHOOKS_DISABLE_AFTER is 3s: failing events past that disable it
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                api.enqueue("review", List.of());
                return !(Boolean) api.person().get("/api/webhooks/" + hook[0]).path("webhook.active");
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    api.person().queryParam("type", "paddock.webhook.*").get("/api/events").then().statusCode(200)
                            .extract().<List<String>>path("events.subject")).containsExactly(hook[0]));
            api.person().queryParam("type", "paddock.webhook.*").get("/api/events").then()
                    .body("events[0].type", is("paddock.webhook.disabled"))
                    .body("events[0].data.webhook.active", is(false))
                    .body("events[0].data.webhook.id", is(hook[0]));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(deliveries(api, hook[0]))
                    .extracting(d -> d.get("status")).doesNotContain("pending"));
        }
    }
}
