package dev.multifetch.sample.distributed;

import dev.multifetch.autoconfigure.kafka.BatchResults;
import dev.multifetch.autoconfigure.kafka.FetchJobHandler;
import dev.multifetch.autoconfigure.kafka.JobSubmitter;
import dev.multifetch.sample.fetch.FetchService;
import dev.multifetch.sample.fetch.RequestValidator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code multifetch.kafka.enabled=true}: batches run on Kafka ({@link DistributedBatches}) and,
 * unless this instance's {@code multifetch.sample.role} is {@code api}, its worker runs jobs with
 * the {@link SampleJobHandler}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("multifetch.kafka.enabled")
@EnableConfigurationProperties(DistributedProperties.class)
class DistributedConfiguration {

    @Bean
    @ConditionalOnBooleanProperty(name = "multifetch.kafka.worker-enabled", matchIfMissing = true)
    FetchJobHandler sampleJobHandler(RequestValidator validator, FetchService service, JsonMapper jsonMapper) {
        return new SampleJobHandler(validator, service, jsonMapper);
    }

    @Bean
    DistributedBatches distributedBatches(JobSubmitter submitter, BatchResults results, JsonMapper jsonMapper,
            DistributedProperties properties) {
        return new DistributedBatches(submitter, results, jsonMapper, properties);
    }
}
