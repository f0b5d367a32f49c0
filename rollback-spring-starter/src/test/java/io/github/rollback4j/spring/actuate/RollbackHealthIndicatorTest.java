package io.github.rollback4j.spring.actuate;

import io.github.rollback4j.spring.RollbackRouters;
import io.github.rollback4j.spring.TestModels;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RollbackHealthIndicatorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(TestModels.ALL)
            .withUserConfiguration(TestModels.class)
            .withPropertyValues(TestModels.scorer("rollback4j.routers.scorer.unhealthy-after-failures=1",
                    "rollback4j.routers.scorer.health-check-interval=1h"));

    @Test
    @SuppressWarnings("unchecked")
    void upWhileTheLastKnownGoodIsWarmAndDownWithDetailsOnceItFailsItsProbe() {
        runner.run(context -> {
            RollbackHealthIndicator indicator = context.getBean("rollback4jHealthIndicator", RollbackHealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat((Map<String, Object>) up.getDetails().get("scorer")).containsEntry("lastKnownGood", "v1")
                    .containsEntry("state", "READY");

            context.getBean("scorerV1", TestModels.SwitchableModel.class).failing = true;
            RollbackRouters.Entry scorer = context.getBean(RollbackRouters.class).entry("scorer");
            scorer.router().checkHealth();

            Health down = indicator.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            Map<String, Object> details = (Map<String, Object>) down.getDetails().get("scorer");
            assertThat(details).containsEntry("router", "scorer").containsEntry("lastKnownGood", "v1")
                    .containsEntry("lastKnownGoodId", scorer.release("v1").value()).containsEntry("state", "UNHEALTHY");
            assertThat(details.get("reason").toString()).contains("switched to failing").contains("rollback would be refused");

            context.getBean("scorerV1", TestModels.SwitchableModel.class).failing = false;
            scorer.router().checkHealth();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void canBeTurnedOff() {
        runner.withPropertyValues("management.health.rollback4j.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(RollbackHealthIndicator.class));
    }
}
