/**
 * The sample app as a fleet on Kafka: api nodes submit batches and stream their results, workers run
 * the jobs, any node resumes any batch's stream.
 */
package dev.multifetch.sample.distributed;
