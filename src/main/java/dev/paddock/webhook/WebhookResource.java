package dev.paddock.webhook;

import dev.paddock.auth.Authenticator;
import dev.paddock.auth.PersonAccess;
import dev.paddock.auth.Scopes;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.common.PageRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.RestResponse;

/** People's routes for their tenant's webhooks. */
@Path("/api/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Webhooks", description = "Events delivered to your endpoints: CloudEvents 1.0 JSON, signed as Standard "
        + "Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,base64 HMAC-SHA256 of id.timestamp.body), "
        + "at least once, retried on PADDOCK_WEBHOOKS_RETRY_SCHEDULE (default 5s,5m,30m,2h,5h,10h,10h); a 2xx within "
        + "10 s is delivered, redirects are not followed. A webhook without a successful delivery for "
        + "PADDOCK_WEBHOOKS_DISABLE_AFTER (default 5d) is set inactive, with a paddock.webhook.disabled event. "
        + "URLs into private networks are refused when saved and when called, unless "
        + "PADDOCK_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true.")
@SecurityRequirement(name = "jwt")
@PersonAccess(Scopes.WEBHOOKS_MANAGE)
public class WebhookResource {

    @Inject
    Authenticator auth;

    @Inject
    WebhookService webhooks;

    @Inject
    Bodies bodies;

    @Context
    UriInfo uriInfo;

    @POST
    @Operation(summary = "Create a webhook", description = "{url (http or https, at most 2048 characters, no "
            + "credentials, not into a private network), events (types or prefixes ending in *), description, active "
            + "(default true)} -> 201 {webhook, secret}: the secret (whsec_ and the base64 of 32 random bytes) is in "
            + "this answer only. Events numbered after the creation are delivered.")
    @APIResponseSchema(value = WebhookView.Created.class, responseCode = "201", responseDescription = "Created, with its secret (shown only here)")
    public RestResponse<WebhookView.Created> create(WebhookRequests.Create request) {
        return RestResponse.status(RestResponse.Status.CREATED, webhooks.create(auth.person(), bodies.required(request)));
    }

    @GET
    @Operation(summary = "Webhooks", description = "The tenant's webhooks, newest first; never their secrets.")
    public WebhookView.Page list() {
        return webhooks.list(auth.person(), PageRequest.from(uriInfo.getQueryParameters()));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One webhook", description = "last_delivery_at: its last successful delivery; "
            + "failing_since: its first failed attempt after that.")
    public WebhookView.One get(@PathParam("id") String id) {
        return new WebhookView.One(webhooks.get(auth.person(), Ids.parse(id, "webhook")));
    }

    @PATCH
    @Path("{id}")
    @Operation(summary = "Change a webhook", description = "url, events, description, active: only those sent change. "
            + "Made inactive, its pending deliveries fail; made active again, it is delivered the events numbered "
            + "from then on.")
    public WebhookView.One change(@PathParam("id") String id, WebhookRequests.Change request) {
        return new WebhookView.One(webhooks.change(auth.person(), Ids.parse(id, "webhook"), bodies.required(request)));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a webhook", description = "204; its pending deliveries are not sent.")
    public RestResponse<Void> delete(@PathParam("id") String id) {
        webhooks.delete(auth.person(), Ids.parse(id, "webhook"));
        return RestResponse.noContent();
    }

    @POST
    @Path("{id}/rotate-secret")
    @Operation(summary = "Rotate a webhook's secret", description = "-> {secret}: the new one, shown only here. For "
            + "24 hours deliveries carry a signature by the old secret too (space-separated).")
    public WebhookView.Secret rotateSecret(@PathParam("id") String id) {
        return webhooks.rotateSecret(auth.person(), Ids.parse(id, "webhook"));
    }

    @POST
    @Path("{id}/ping")
    @Operation(summary = "Ping a webhook", description = "Sends it a paddock.webhook.ping event (data: {webhook}), "
            + "recorded as a delivery like any other, whether the webhook is active or not -> 202.")
    @APIResponse(responseCode = "202", description = "The ping event is recorded and its delivery under way")
    public RestResponse<Void> ping(@PathParam("id") String id) {
        webhooks.ping(auth.person(), Ids.parse(id, "webhook"));
        return RestResponse.accepted();
    }

    @GET
    @Path("{id}/deliveries")
    @Operation(summary = "A webhook's deliveries", description = "Newest first, each with its last attempt: status "
            + "pending, delivered or failed; last_response is at most 1 KiB of the receiver's answer.")
    public DeliveryView.Page deliveries(@PathParam("id") String id) {
        return webhooks.deliveries(auth.person(), Ids.parse(id, "webhook"),
                PageRequest.from(uriInfo.getQueryParameters()));
    }

    @POST
    @Path("{id}/deliveries/{delivery_id}/redeliver")
    @Operation(summary = "Send a delivery's event again", description = "A new delivery of the same event (same body "
            + "and webhook-id), sent whether the webhook is active or not -> 202.")
    @APIResponse(responseCode = "202", description = "A new delivery of the event is under way")
    public RestResponse<Void> redeliver(@PathParam("id") String id, @PathParam("delivery_id") String deliveryId) {
        webhooks.redeliver(auth.person(), Ids.parse(id, "webhook"), Ids.parse(deliveryId, "delivery"));
        return RestResponse.accepted();
    }
}
