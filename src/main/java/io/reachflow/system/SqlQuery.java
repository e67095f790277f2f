package io.reachflow.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A SELECT built from optional filters: each condition is added, with its value as a parameter, only when the
 * value is given.
 */
public final class SqlQuery {

    private final StringBuilder sql;
    private final List<Object> arguments = new ArrayList<>();

    /** {@code select} ends in a WHERE clause (at least {@code where 1 = 1}) that the conditions extend. */
    public SqlQuery(String select, Object... arguments) {
        this.sql = new StringBuilder(select);
        Collections.addAll(this.arguments, arguments);
    }

    /** Adds {@code and <condition>} with one parameter, {@code value}, unless it is null. */
    public SqlQuery and(String condition, Object value) {
        if (value != null) {
            sql.append(" and ").append(condition);
            arguments.add(value);
        }
        return this;
    }

    /** Appends the rest of the statement (ordering, limits) with its parameters. */
    public SqlQuery then(String rest, Object... values) {
        sql.append(' ').append(rest);
        Collections.addAll(arguments, values);
        return this;
    }

    public String sql() {
        return sql.toString();
    }

    public Object[] arguments() {
        return arguments.toArray();
    }
}
