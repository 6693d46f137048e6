package dev.multifetch.sample.distributed;

import java.util.Locale;
import java.util.Map;

import dev.multifetch.sample.SampleProperties;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns {@code multifetch.sample.role} into the starter's switch: {@code api} sets
 * {@code multifetch.kafka.worker-enabled=false}, so the instance takes batches and runs no jobs.
 * A role other than {@code all} without {@code multifetch.kafka.enabled=true} fails at startup:
 * alone, an api node would have no one to run its jobs and a worker nothing to take.
 */
public final class RoleEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String ROLE = "multifetch.sample.role";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String value = environment.getProperty(ROLE, "all").trim().toUpperCase(Locale.ROOT);
        SampleProperties.Role role;
        try {
            role = SampleProperties.Role.valueOf(value);
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException(ROLE + " must be api, worker or all, was \"" + environment.getProperty(ROLE) + "\"");
        }
        if (role == SampleProperties.Role.ALL) {
            return;
        }
        if (!environment.getProperty("multifetch.kafka.enabled", Boolean.class, false)) {
            throw new IllegalStateException(ROLE + "=" + role.name().toLowerCase(Locale.ROOT)
                    + " needs multifetch.kafka.enabled=true (and spring.kafka.bootstrap-servers): only a fleet has roles");
        }
        if (role == SampleProperties.Role.API) {
            environment.getPropertySources().addFirst(new MapPropertySource("multifetch.sample.role",
                    Map.of("multifetch.kafka.worker-enabled", "false")));
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
