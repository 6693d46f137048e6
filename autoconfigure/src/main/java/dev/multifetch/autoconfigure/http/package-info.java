/**
 * Spring's HTTP client abstractions on the multifetch engine: a {@code ClientHttpRequestFactory}
 * for {@code RestClient} and {@code RestTemplate}, a reactive {@code ClientHttpConnector} for
 * {@code WebClient}, and the Spring Boot builders that apply {@code spring.http.clients.*}.
 */
package dev.multifetch.autoconfigure.http;
