package io.github.rollback4j.spring;

import io.github.rollback4j.core.fleet.Fleet;
import io.github.rollback4j.core.fleet.PostgresRolloutStateStore;
import io.github.rollback4j.spi.FleetStoreException;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds this replica's {@link Fleet} from {@code rollback4j.fleet.*}: the PostgreSQL store on the
 * application's DataSource (migrating the schema unless {@code migrate: false}) and the fleet's
 * settings. Every refusal names the property.
 */
final class FleetAssembler {

    private static final String P = "rollback4j.fleet.";

    private FleetAssembler() {
    }

    /** @return the fleet, or {@code null} when fleet mode is off */
    static Fleet fleet(FleetProperties f, ListableBeanFactory beans) {
        if (f == null || !f.isEnabled()) {
            return null;
        }
        try {
            Class.forName("org.postgresql.PGConnection", false, FleetAssembler.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new RollbackPropertyException(P + "enabled", true, "fleet mode needs pgjdbc, which is not on the class path",
                    "Add the dependency org.postgresql:postgresql (and a DataSource on the fleet's PostgreSQL database)");
        }
        DataSource dataSource = dataSource(f, beans);
        PostgresRolloutStateStore store;
        try {
            store = PostgresRolloutStateStore.builder(dataSource).migrate(f.isMigrate())
                    .statementTimeout(required("statement-timeout", f.getStatementTimeout())).build();
        } catch (IllegalArgumentException e) {
            throw new RollbackPropertyException(P + "statement-timeout", f.getStatementTimeout(), e.getMessage(),
                    "Use a duration between 1s and 5m");
        } catch (FleetStoreException e) {
            throw new RollbackPropertyException(P + "data-source-bean", f.getDataSourceBean(), e.getMessage(),
                    "Point the DataSource at a reachable PostgreSQL 12 or newer; with migrate: false apply "
                            + PostgresRolloutStateStore.MIGRATIONS + "V1__rollback4j_fleet.sql first", e);
        }
        try {
            Fleet.Builder b = Fleet.builder(store)
                    .leaseTime(required("lease-time", f.getLeaseTime()))
                    .publishInterval(required("publish-interval", f.getPublishInterval()))
                    .pollInterval(required("poll-interval", f.getPollInterval()))
                    .failSafeAfter(required("fail-safe-after", f.getFailSafeAfter()));
            if (f.getReplicaId() != null && !f.getReplicaId().isBlank()) {
                b.replicaId(f.getReplicaId());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            store.close();
            String field = fieldOf(e.getMessage());
            throw new RollbackPropertyException(P + field, valueOf(f, field), kebab(e.getMessage()),
                    "Fix rollback4j.fleet." + field + " (the defaults are lease-time 10s, publish-interval 1s, poll-interval 5s,"
                            + " fail-safe-after 30s)", e);
        }
    }

    private static Duration required(String field, Duration value) {
        if (value == null) {
            throw new RollbackPropertyException(P + field, null, "must be set", "Give a duration, e.g. 10s, or remove the property");
        }
        return value;
    }

    private static DataSource dataSource(FleetProperties f, ListableBeanFactory beans) {
        String name = f.getDataSourceBean();
        try {
            if (name != null && !name.isBlank()) {
                return beans.getBean(name, DataSource.class);
            }
            return beans.getBean(DataSource.class);
        } catch (NoUniqueBeanDefinitionException e) {
            throw new RollbackPropertyException(P + "data-source-bean", name, "there are several DataSource beans and none is primary: "
                    + String.join(", ", beans.getBeanNamesForType(DataSource.class)),
                    "Name the one on the fleet's PostgreSQL database in rollback4j.fleet.data-source-bean", e);
        } catch (BeansException e) {
            throw new RollbackPropertyException(P + "data-source-bean", name, name == null || name.isBlank()
                    ? "no DataSource bean was found" : "no DataSource bean of that name was found",
                    "Define a DataSource on the fleet's PostgreSQL database (spring.datasource.*), or name it in"
                            + " rollback4j.fleet.data-source-bean", e);
        }
    }

    /** Fleet's message in the properties' words: {@code Fleet.publishInterval} becomes {@code rollback4j.fleet.publish-interval}. */
    private static String kebab(String message) {
        String text = message.replace("Fleet.", P);
        for (String field : new String[]{"replicaId", "leaseTime", "publishInterval", "pollInterval", "failSafeAfter"}) {
            text = text.replace(field, field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
        }
        return text;
    }

    private static String fieldOf(String message) {
        for (String field : new String[]{"replicaId", "leaseTime", "publishInterval", "pollInterval", "failSafeAfter"}) {
            if (message != null && message.startsWith("Fleet." + field)) {
                return field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
            }
        }
        return "enabled";
    }

    private static Object valueOf(FleetProperties f, String field) {
        return switch (field) {
            case "replica-id" -> f.getReplicaId();
            case "lease-time" -> f.getLeaseTime();
            case "publish-interval" -> f.getPublishInterval();
            case "poll-interval" -> f.getPollInterval();
            case "fail-safe-after" -> f.getFailSafeAfter();
            default -> true;
        };
    }
}
