package dev.multifetch.sample.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets an {@code /api/**} call through only with the configured key, in an {@code X-API-Key}
 * header or as {@code Authorization: Bearer <key>}; the dashboard's event stream
 * ({@code GET /api/events}) may carry it as the {@code apiKey} query parameter, since a browser's
 * EventSource cannot set headers. Anything else is a 401 problem. Keys are compared in constant time.
 * Without a key (blank or unset) every call passes.
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";

    private final byte[] key;
    private final ProblemWriter problems;

    ApiKeyFilter(String key, ProblemWriter problems) {
        this.key = (key == null || key.isBlank()) ? null : key.getBytes(StandardCharsets.UTF_8);
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (this.key == null) {
            chain.doFilter(request, response);
            return;
        }
        String presented = presentedKey(request);
        if (presented != null && MessageDigest.isEqual(this.key, presented.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + HEADER + "\"");
        this.problems.write(request, response, HttpStatus.UNAUTHORIZED, (presented == null)
                ? "this service needs an API key: send it in the " + HEADER + " header" : "the API key is not valid");
    }

    private static String presentedKey(HttpServletRequest request) {
        String header = request.getHeader(HEADER);
        if (header != null) {
            return header;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        boolean eventStream = "GET".equals(request.getMethod()) && "/api/events".equals(request.getRequestURI());
        return eventStream ? request.getParameter("apiKey") : null;
    }
}
