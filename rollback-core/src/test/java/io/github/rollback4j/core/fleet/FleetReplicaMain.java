package io.github.rollback4j.core.fleet;

/**
 * A replica in a JVM of its own, for {@link TwoJvmFleetTest}: {@code FleetReplicaMain <jdbc url> <replica id>}.
 * It runs until killed (at most two minutes, so a failed test leaves no process behind).
 */
public final class FleetReplicaMain {

    private FleetReplicaMain() {
    }

    public static void main(String[] args) throws Exception {
        try (RealTimeReplica replica = new RealTimeReplica(args[0], args[1]).start()) {
            System.out.println("started " + args[1]);
            System.out.flush();
            Thread.sleep(120_000);
        }
    }
}
