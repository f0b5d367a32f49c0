package io.github.rollback4j.spring;

/**
 * A {@code rollback4j.*} property was refused while the routers were built. Startup fails and the
 * starter's failure analyzer prints {@link #property()}, {@link #value()}, {@link #problem()} and
 * {@link #fix()}.
 *
 * <p>Immutable.
 */
public final class RollbackPropertyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String property;
    private final String value;
    private final String problem;
    private final String fix;

    /**
     * @param property the full property path, e.g. {@code rollback4j.routers.scorer.triggers[0].above}
     * @param value the refused value as written ({@code null} when the property is missing)
     * @param problem what is wrong with it
     * @param fix what to write instead: allowed values or range
     * @param cause the underlying failure, or {@code null}
     */
    public RollbackPropertyException(String property, Object value, String problem, String fix, Throwable cause) {
        super(property + ": " + problem + " (value: " + (value == null ? "not set" : "'" + value + "'") + "). " + fix, cause);
        this.property = property;
        this.value = value == null ? null : String.valueOf(value);
        this.problem = problem;
        this.fix = fix;
    }

    /**
     * @param property the full property path
     * @param value the refused value
     * @param problem what is wrong
     * @param fix what to write instead
     */
    public RollbackPropertyException(String property, Object value, String problem, String fix) {
        this(property, value, problem, fix, null);
    }

    /** @return the full property path, e.g. {@code rollback4j.routers.scorer.releases[1].model-bean} */
    public String property() {
        return property;
    }

    /** @return the refused value as written, or {@code null} when the property is missing */
    public String value() {
        return value;
    }

    /** @return what is wrong with the value */
    public String problem() {
        return problem;
    }

    /** @return what to write instead: the allowed values or range */
    public String fix() {
        return fix;
    }
}
