package dev.agentcli.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON as plain values (maps, lists, strings, numbers, booleans, null), with jackson-jr: a small
 * start-up cost, which matters in a process that lives a few hundred milliseconds. Reading is
 * strict: duplicate keys, trailing content and nesting deeper than {@link #MAX_NESTING} are errors.
 */
public final class Json {
  /** Deeper documents are refused before they can exhaust the stack. */
  public static final int MAX_NESTING = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
          .build();

  private static final JSON STRICT =
      JSON.builder(FACTORY)
          .build()
          .with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS, JSON.Feature.WRITE_NULL_PROPERTIES);

  private static final JSON PRETTY = STRICT.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

  private Json() {}

  /**
   * Parses a document.
   *
   * @throws com.fasterxml.jackson.core.JsonProcessingException (an IOException) with the location
   *     of the first error
   */
  public static Object parse(byte[] bytes) throws IOException {
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      Object value = STRICT.anyFrom(parser);
      if (parser.nextToken() != null) {
        throw new JsonParseException(parser, "trailing content after the JSON value");
      }
      return value;
    }
  }

  /** Parses a JSON object written by agentcli itself; anything else is a bug, unchecked. */
  public static Map<String, Object> parseObject(String json) {
    try {
      return STRICT.mapFrom(json);
    } catch (IOException e) {
      throw new UncheckedIOException("not a JSON object: " + e.getMessage(), e);
    }
  }

  /** One line, no insignificant white space. */
  public static String compact(Object value) {
    return write(STRICT, value);
  }

  /** Indented, for people reading a terminal. */
  public static String pretty(Object value) {
    return write(PRETTY, value);
  }

  /**
   * Canonical JSON: object keys sorted at every level, no insignificant white space, so that equal
   * values give equal text that can be hashed and signed.
   */
  public static String canonical(Object value) {
    return write(STRICT, sorted(value));
  }

  private static Object sorted(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new TreeMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), sorted(v)));
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(sorted(v)));
      return copy;
    }
    return value;
  }

  private static String write(JSON json, Object value) {
    try {
      return json.asString(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("not representable as JSON: " + value, e);
    }
  }
}
