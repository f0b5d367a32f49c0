-- rollback4j fleet mode, schema version 1 (PostgreSQL 12 or newer).
--
-- PostgresRolloutStateStore applies this file when it starts (unless built with migrate(false)), under a
-- transaction-scoped advisory lock, and records it in rollback4j_schema_version. Every statement is idempotent,
-- so the file can also be applied by hand (psql -f) or copied into the application's own Flyway or Liquibase
-- migrations. Table and column meanings: docs/fleet.md "Schema".

CREATE TABLE IF NOT EXISTS rollback4j_schema_version (
    version     integer     PRIMARY KEY,
    description text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per router: the shared rollout state, replaced only by compare-and-set on generation.
CREATE TABLE IF NOT EXISTS rollback4j_rollout_state (
    router          text        PRIMARY KEY,
    generation      bigint      NOT NULL CHECK (generation >= 1),
    last_known_good text        NOT NULL,
    salt            integer,
    allocations     jsonb       NOT NULL,
    quarantined     jsonb       NOT NULL,
    rollouts        jsonb       NOT NULL,
    requests        jsonb       NOT NULL,
    change          jsonb,
    fencing_token   bigint      NOT NULL DEFAULT 0,
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per router: the decider lease. No expiry column on purpose: replicas never compare clocks.
CREATE TABLE IF NOT EXISTS rollback4j_lease (
    router     text        PRIMARY KEY,
    holder     text,
    token      bigint      NOT NULL CHECK (token >= 0),
    beat       bigint      NOT NULL CHECK (beat >= 0),
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- One row per router and replica: its latest heartbeat and never-reset telemetry totals.
CREATE TABLE IF NOT EXISTS rollback4j_replica (
    router             text        NOT NULL,
    replica            text        NOT NULL,
    seq                bigint      NOT NULL,
    applied_generation bigint      NOT NULL,
    leader             boolean     NOT NULL,
    fail_safe          boolean     NOT NULL,
    started_at         timestamptz NOT NULL,
    published_at       timestamptz NOT NULL,
    totals             bytea       NOT NULL,
    written_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (router, replica)
);

-- Telemetry sub-windows each replica published: kind 0 calls, 1 KPIs, 2 profiles; slot = epoch ms / sub-window ms.
CREATE TABLE IF NOT EXISTS rollback4j_telemetry (
    router  text     NOT NULL,
    replica text     NOT NULL,
    kind    smallint NOT NULL,
    slot    bigint   NOT NULL,
    seq     bigint   NOT NULL,
    payload bytea    NOT NULL,
    PRIMARY KEY (router, replica, kind, slot)
);
CREATE INDEX IF NOT EXISTS rollback4j_telemetry_by_seq ON rollback4j_telemetry (router, replica, seq);

-- The fleet-wide audit log.
CREATE TABLE IF NOT EXISTS rollback4j_audit (
    id      bigserial   PRIMARY KEY,
    router  text        NOT NULL,
    replica text        NOT NULL,
    at      timestamptz NOT NULL,
    action  text        NOT NULL,
    actor   text        NOT NULL,
    reason  text        NOT NULL,
    detail  text        NOT NULL
);
CREATE INDEX IF NOT EXISTS rollback4j_audit_by_router_time ON rollback4j_audit (router, at);

-- One incident per rollback commit.
CREATE TABLE IF NOT EXISTS rollback4j_incident (
    router      text        NOT NULL,
    id          text        NOT NULL,
    generation  bigint      NOT NULL,
    opened_by   text        NOT NULL,
    opened_at   timestamptz NOT NULL,
    status      text        NOT NULL,
    evidence_by text,
    document    jsonb       NOT NULL,
    seq         bigserial,
    PRIMARY KEY (router, id)
);
