package dev.paddock.common;

import dev.paddock.problem.FieldError;
import dev.paddock.problem.ProblemException;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.ArrayList;
import java.util.List;

/**
 * Pagination of every list: {@code limit}/{@code offset}, or {@code page}/{@code per_page}
 * (then echoed in the envelope too). Parsed by hand so that a bad value is a 400 naming the
 * parameter rather than the 404 JAX-RS gives for an unparsable query parameter.
 */
public record PageRequest(int limit, int offset, Integer page, Integer perPage) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    public static PageRequest from(MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        Integer limit = QueryParams.integer(query, "limit", 1, MAX_LIMIT, errors);
        Integer offset = QueryParams.integer(query, "offset", 0, Integer.MAX_VALUE, errors);
        Integer page = QueryParams.integer(query, "page", 1, Integer.MAX_VALUE, errors);
        Integer perPage = QueryParams.integer(query, "per_page", 1, MAX_LIMIT, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        if (page != null || perPage != null) {
            int size = perPage != null ? perPage : limit != null ? limit : DEFAULT_LIMIT;
            int number = page != null ? page : 1;
            long start = (long) (number - 1) * size;
            if (start > Integer.MAX_VALUE) {
                throw ProblemException.invalid("page", "is too large");
            }
            return new PageRequest(size, (int) start, number, size);
        }
        return new PageRequest(limit != null ? limit : DEFAULT_LIMIT, offset != null ? offset : 0, null, null);
    }
}
