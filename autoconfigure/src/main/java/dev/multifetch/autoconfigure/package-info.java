/**
 * Spring Boot auto-configuration for multifetch: a {@link dev.multifetch.core.FetchEngine} bean
 * configured from {@code multifetch.*} properties.
 */
package dev.multifetch.autoconfigure;
