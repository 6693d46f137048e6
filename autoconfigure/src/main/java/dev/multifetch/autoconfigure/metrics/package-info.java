/**
 * Micrometer meters of the multifetch engine: gauges read from the engine and meters fed by its
 * transfer events.
 */
package dev.multifetch.autoconfigure.metrics;
