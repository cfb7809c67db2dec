package dev.paddock.apikey;

import dev.paddock.auth.Authenticator;
import dev.paddock.auth.PersonAccess;
import dev.paddock.common.Bodies;
import dev.paddock.common.Ids;
import dev.paddock.common.PageRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.jboss.resteasy.reactive.RestResponse;

/** People's routes for their tenant's API keys. */
@Path("/api/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys", description = "Long-lived, scoped credentials for automation, accepted wherever a person's JWT is")
@SecurityRequirement(name = "jwt")
@PersonAccess
public class ApiKeyResource {

    @Inject
    Authenticator auth;

    @Inject
    ApiKeyService keys;

    @Inject
    Bodies bodies;

    @Context
    UriInfo uriInfo;

    @POST
    @Operation(summary = "Create an API key", description = "A person's JWT holding any of Paddock's scopes; the key's scopes must be a subset of the caller's (403 otherwise). The key (pk_ and 43 base64url characters) is in this answer only. An API key cannot create keys (403).")
    @APIResponseSchema(value = ApiKeyView.Created.class, responseCode = "201", responseDescription = "Created, with its key (shown only here)")
    public RestResponse<ApiKeyView.Created> create(ApiKeyRequests.Create request) {
        return RestResponse.status(RestResponse.Status.CREATED, keys.create(auth.person(), bodies.valid(request)));
    }

    @GET
    @Operation(summary = "API keys", description = "The keys the caller created; with api-keys:manage, every key of the tenant. Newest first; never the keys themselves.")
    public ApiKeyView.Page list() {
        return keys.list(auth.person(), PageRequest.from(uriInfo.getQueryParameters()));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete an API key", description = "A key the caller created, or with api-keys:manage any key of the tenant: 204, and the key fails from the next call on every replica. 404 for any other key.")
    public RestResponse<Void> delete(@PathParam("id") String id) {
        keys.delete(auth.person(), Ids.parse(id, "API key"));
        return RestResponse.noContent();
    }
}
