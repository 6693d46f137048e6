/**
 * The {@code multifetch} health indicator: the engine's selector loop alive, not failed, and not
 * blocked.
 */
package dev.multifetch.autoconfigure.health;
