package dev.multifetch.sample.web;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.multifetch.sample.fetch.InvalidRequestException;
import dev.multifetch.sample.fetch.Violation;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Answers every refused API call with an RFC 9457 {@code application/problem+json} body. A 400
 * lists each broken rule in {@code errors} as {@code {field, rule, message}}, the first of them in
 * {@code detail}; JSON that does not parse or bind names the field too (rule {@code json},
 * {@code unknown-field}, {@code type} or {@code required}).
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final String BODY = "(body)";

    @ExceptionHandler
    ResponseEntity<Object> invalidRequest(InvalidRequestException ex, WebRequest request) {
        return badRequest(ex, ex.violations(), request);
    }

    @ExceptionHandler
    ResponseEntity<Object> batchesBusy(BatchController.BatchesBusyException ex, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "1");
        return handleExceptionInternal(ex, problem, headers, HttpStatus.SERVICE_UNAVAILABLE, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        RequestSizeFilter.TooLargeException tooLarge = causeOf(ex, RequestSizeFilter.TooLargeException.class);
        if (tooLarge != null) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
            return handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
        }
        return badRequest(ex, List.of(violation(ex)), request);
    }

    private ResponseEntity<Object> badRequest(Exception ex, List<Violation> violations, WebRequest request) {
        Violation first = violations.get(0);
        String more = (violations.size() > 1) ? " (and " + (violations.size() - 1) + " more)" : "";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, first.field() + ": " + first.message() + more);
        problem.setTitle("Invalid request");
        problem.setProperty("errors", violations);
        return handleExceptionInternal(ex, problem, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
    }

    /** The field and rule a body that did not read as the expected JSON broke. */
    private static Violation violation(HttpMessageNotReadableException ex) {
        UnrecognizedPropertyException unknown = causeOf(ex, UnrecognizedPropertyException.class);
        if (unknown != null) {
            return new Violation(path(unknown), "unknown-field",
                    "is not a known field; known fields are " + names(unknown.getKnownPropertyIds()));
        }
        MismatchedInputException mismatch = causeOf(ex, MismatchedInputException.class);
        if (mismatch != null) {
            String field = path(mismatch);
            return new Violation(field.isEmpty() ? BODY : field, "type", "must be " + expected(mismatch.getTargetType()));
        }
        StreamReadException malformed = causeOf(ex, StreamReadException.class);
        if (malformed != null) {
            return new Violation(BODY, "json", "is not valid JSON: " + malformed.getOriginalMessage()
                    + locationOf(malformed));
        }
        return new Violation(BODY, "required", "must be a JSON object");
    }

    private static String path(JacksonException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        Map<Class<?>, String> names = Map.of(Long.class, "a whole number", Integer.class, "a whole number",
                Boolean.class, "true or false", String.class, "a string", Map.class, "an object of string values",
                List.class, "an array");
        return names.entrySet()
            .stream()
            .filter((entry) -> entry.getKey().isAssignableFrom(type))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElse("a JSON object");
    }

    private static String names(Collection<Object> known) {
        return new TreeSet<>(known.stream().map(String::valueOf).toList()).toString();
    }

    private static String locationOf(StreamReadException ex) {
        return (ex.getLocation() != null)
                ? " (line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() + ")" : "";
    }

    private static <T extends Throwable> T causeOf(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
