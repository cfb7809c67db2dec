package io.quarkus.smallrye.openapi.runtime;

import io.quarkus.arc.Unremovable;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.quarkus.smallrye.openapi.runtime.filter.AutoSecurityFilter;
import io.smallrye.openapi.runtime.io.Format;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Quarkus 3.37 reads the OpenAPI document stored by the build into its model and writes it out as
 * JSON and YAML on the main thread before the service is ready: 350–470 ms of the JVM's start and
 * ~25 ms of the native executable's (bench/RESULTS.md, eleventh session), for a document that no
 * agent and no person's call needs. This bean takes the place of Quarkus's own (the same class,
 * so the same work and the same bytes) and does that work on a thread of its own, begun where
 * Quarkus would have done it: the start goes on meanwhile, and {@code GET /q/openapi} waits for
 * it only if it comes within that time. Later Quarkus versions defer the document themselves.
 * <p>
 * It lives in Quarkus's package because the method it overrides is package-private, which only
 * works where one class loader loads Quarkus and Paddock: the packaged service (JAR and native),
 * not {@code @QuarkusTest}'s class loaders, hence the build profile. The platform BOM pins the
 * version it was written against; {@code ProdBuildIT} checks on the packaged service that it is the
 * one used and the document is whole.
 */
@IfBuildProfile("prod")
@Alternative
@Priority(1)
@ApplicationScoped
@Unremovable // Quarkus looks it up by its type at start; nothing injects it
public class OpenApiDocumentPreparedAside extends OpenApiDocumentService {

    private static final Logger LOG = Logger.getLogger(OpenApiDocumentPreparedAside.class);

    /** Every document Quarkus asked for (one per configured document), prepared in order. */
    private volatile CompletableFuture<Void> prepared = CompletableFuture.completedFuture(null);

    @Override
    synchronized void prepareDocument(AutoSecurityFilter autoSecurityFilter,
                                      Map<OpenApiFilter.RunStage, List<String>> filters, String documentName) {
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        CompletableFuture<Void> next = new CompletableFuture<>();
        CompletableFuture<Void> before = prepared;
        prepared = next;
        Thread.ofPlatform().name("paddock-openapi-document").daemon().start(() -> {
            Thread.currentThread().setContextClassLoader(application);
            before.join();
            try {
                long began = System.nanoTime();
                super.prepareDocument(autoSecurityFilter, filters, documentName);
                next.complete(null);
                LOG.debugf("The OpenAPI document %s was prepared beside the start in %d ms", documentName,
                        (System.nanoTime() - began) / 1_000_000);
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "The OpenAPI document %s could not be prepared", documentName);
                next.completeExceptionally(e);
            }
        });
    }

    @Override
    public byte[] getDocument(String documentName, Format format) {
        prepared.join();
        return super.getDocument(documentName, format);
    }
}
