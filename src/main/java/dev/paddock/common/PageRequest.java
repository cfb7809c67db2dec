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
    /** The last page there may be: its first item's offset is still an int, at any page size. */
    public static final int MAX_PAGE = Integer.MAX_VALUE / MAX_LIMIT + 1;

    public static PageRequest from(MultivaluedMap<String, String> query) {
        List<FieldError> errors = new ArrayList<>();
        Integer limit = QueryParams.integer(query, "limit", 1, MAX_LIMIT, errors);
        Integer offset = QueryParams.integer(query, "offset", 0, Integer.MAX_VALUE, errors);
        Integer page = QueryParams.integer(query, "page", 1, MAX_PAGE, errors);
        Integer perPage = QueryParams.integer(query, "per_page", 1, MAX_LIMIT, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        if (page != null || perPage != null) {
            int size = perPage != null ? perPage : limit != null ? limit : DEFAULT_LIMIT;
            int number = page != null ? page : 1;
            return new PageRequest(size, (number - 1) * size, number, size);
        }
        return new PageRequest(limit != null ? limit : DEFAULT_LIMIT, offset != null ? offset : 0, null, null);
    }
}
