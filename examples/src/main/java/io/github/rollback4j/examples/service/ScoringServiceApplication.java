package io.github.rollback4j.examples.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot service that scores card transactions over HTTP ({@code POST /score}) with a toy
 * fraud model, rolled out by the rollback4j starter: two releases (v1, the last-known-good, and the
 * v2 candidate), a canary plan and triggers, all declared in {@code application.yml}. The
 * {@code rollouts} Actuator endpoint shows the rollout; a regression in v2 rolls it back by itself.
 *
 * <p>Run it with {@code mvn -q -pl examples -am -Prun-example -DskipTests verify
 * -Dexample.main=io.github.rollback4j.examples.service.ScoringServiceApplication} (port 8080, Ctrl-C to stop),
 * then {@code curl -XPOST localhost:8080/score -H 'Content-Type: application/json'
 * -d '{"user":"u1","amount":120,"merchantCategory":3}'} and
 * {@code curl localhost:8080/actuator/rollouts/scorer}. See docs/spring-boot.md.
 */
@SpringBootApplication
public class ScoringServiceApplication {

    /**
     * @param args Spring Boot arguments, e.g. {@code --example.fault.v2-error-rate=0.2}
     */
    public static void main(String[] args) {
        SpringApplication.run(ScoringServiceApplication.class, args);
    }
}
