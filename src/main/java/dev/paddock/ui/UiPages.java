package dev.paddock.ui;

import dev.paddock.auth.PublicAccess;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import dev.paddock.auth.DevTokenResource;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The dashboard's pages: shells without data (the browser's navigation cannot carry the
 * credential, which lives in sessionStorage), so they need none; their fragments do.
 */
@Path("/ui")
@Produces(MediaType.TEXT_HTML)
@PublicAccess
public class UiPages {

    /** Present only in a dev build (POST /dev/token): then the sign-in page offers a dev sign-in. */
    @Inject
    Instance<DevTokenResource> devTokens;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance signIn(boolean devSignIn);

        static native TemplateInstance fleet();

        static native TemplateInstance jobs();

        static native TemplateInstance queue();

        static native TemplateInstance events();

        static native TemplateInstance apiKeys();

        static native TemplateInstance job(String id);
    }

    @GET
    @Operation(hidden = true)
    public String fleet() {
        return Templates.fleet().render();
    }

    @GET
    @Path("jobs")
    @Operation(hidden = true)
    public String jobs() {
        return Templates.jobs().render();
    }

    @GET
    @Path("queue")
    @Operation(hidden = true)
    public String queue() {
        return Templates.queue().render();
    }

    @GET
    @Path("api-keys")
    @Operation(hidden = true)
    public String apiKeys() {
        return Templates.apiKeys().render();
    }

    @GET
    @Path("events")
    @Operation(hidden = true)
    public String events() {
        return Templates.events().render();
    }

    @GET
    @Path("jobs/{id}")
    @Operation(hidden = true)
    public String job(@PathParam("id") String id) {
        // any id gets the page (a mistyped link too): its parts say when there is no such job
        return Templates.job(id).render();
    }

    @GET
    @Path("sign-in")
    @Operation(hidden = true)
    public String signIn() {
        return Templates.signIn(devTokens.isResolvable()).render();
    }
}
