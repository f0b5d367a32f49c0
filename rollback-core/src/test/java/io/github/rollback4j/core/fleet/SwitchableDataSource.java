package io.github.rollback4j.core.fleet;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.logging.Logger;

/**
 * A real connection pool whose replica can be cut off from the database, as a network partition or a
 * paused process cuts it off: while off, asking for a connection fails at once (the database itself
 * keeps running for the other replicas).
 */
final class SwitchableDataSource implements DataSource {

    private final DataSource pool;
    private volatile boolean reachable = true;

    SwitchableDataSource(DataSource pool) {
        this.pool = pool;
    }

    void cut() {
        reachable = false;
    }

    void mend() {
        reachable = true;
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (!reachable) {
            throw new SQLTransientConnectionException("connection refused (this replica is cut off from the database)", "08001");
        }
        return pool.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return pool.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        pool.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        pool.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return pool.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getLogger("rollback4j.test");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return pool.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return pool.isWrapperFor(iface);
    }
}
