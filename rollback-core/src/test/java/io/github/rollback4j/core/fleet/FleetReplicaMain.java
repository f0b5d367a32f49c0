package io.github.rollback4j.core.fleet;

/**
 * A replica in a JVM of its own, for {@link TwoJvmFleetTest}: {@code FleetReplicaMain <jdbc url> <replica id>}.
 * It runs until it is killed or its standard input closes: the test holds the pipe to the child's input, so when
 * the test JVM ends, however it ends, the replica ends with it and no process is left behind.
 */
public final class FleetReplicaMain {

    private FleetReplicaMain() {
    }

    public static void main(String[] args) throws Exception {
        try (RealTimeReplica replica = new RealTimeReplica(args[0], args[1]).start()) {
            System.out.println("started " + args[1]);
            System.out.flush();
            while (System.in.read() != -1) {
                // blocks until the parent closes the pipe or exits; nothing is ever written to it
            }
        }
    }
}
