package dev.agentcli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * A test of SQLite's own file or schema (its size, its bytes, its pages, its STRICT tables): not
 * run in the PostgreSQL run of the suites, whose server keeps its own files.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@DisabledIfSystemProperty(
    named = "agentcli.test.store",
    matches = "postgresql",
    disabledReason = "a test of SQLite's own file or schema")
public @interface SqliteOnly {}
