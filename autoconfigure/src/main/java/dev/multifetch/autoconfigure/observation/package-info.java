/**
 * Micrometer observations of the fetches made on the multifetch engine itself: one
 * {@code http.client.requests} observation per fetch, whose propagation writes {@code traceparent}
 * into the request, and one child per attempt. Fetches made through the RestClient and WebClient
 * bridges are left to Spring, which observes them already.
 */
package dev.multifetch.autoconfigure.observation;
