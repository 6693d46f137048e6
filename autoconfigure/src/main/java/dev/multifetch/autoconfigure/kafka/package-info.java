/**
 * Fetch jobs on Kafka: a worker that consumes jobs keyed by host and publishes each result before
 * committing its offset, a submitter and a stateless reader of a batch's results.
 */
package dev.multifetch.autoconfigure.kafka;
