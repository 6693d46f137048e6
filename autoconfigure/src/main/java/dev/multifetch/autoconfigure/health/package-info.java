/**
 * The {@code multifetch} health indicator: the engine's selector thread alive and its loop not
 * stalled.
 */
package dev.multifetch.autoconfigure.health;
