package dev.paddock.common;

import dev.paddock.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import java.util.Set;

/**
 * Bean Validation of request bodies, run by resources after the caller is authenticated, so an
 * anonymous request is a 401 whatever its body holds.
 */
@ApplicationScoped
public class Bodies {

    @Inject
    Validator validator;

    public <T> T valid(T body) {
        if (body == null) {
            throw ProblemException.badRequest("A JSON request body is required.");
        }
        return validOrNull(body);
    }

    public <T> T validOrNull(T body) {
        if (body != null) {
            Set<ConstraintViolation<T>> violations = validator.validate(body);
            if (!violations.isEmpty()) {
                throw new ConstraintViolationException(violations);
            }
        }
        return body;
    }
}
