package dev.crossfarm.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads {@code farm.yaml}; a bad file gets a message naming its line and key. */
public final class ConfigLoader {

  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private final ToolchainCatalog catalog;

  public ConfigLoader(ToolchainCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * The file's config, or the defaults when {@code file} is null or (for the default path) absent.
   */
  public FarmConfig load(Path file, boolean mustExist) {
    if (file == null || (!mustExist && !Files.exists(file))) {
      return FarmConfig.DEFAULT;
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file + ": no such file");
    }
    FarmConfig config;
    try {
      config = yaml.readValue(file.toFile(), FarmConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          where(file, e, null)
              + "unknown key '"
              + e.getPropertyName()
              + "'"
              + path(e)
              + "; known keys here: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
      throw new ConfigException(
          where(file, e, firstWord(cause.getMessage()))
              + path(e).replaceFirst("^ at ", "")
              + ": "
              + firstLine(cause.getMessage()));
    } catch (JsonProcessingException e) {
      throw new ConfigException(where(file, e.getLocation()) + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
    if (config == null) {
      return FarmConfig.DEFAULT;
    }
    for (String target : config.targets()) {
      if (catalog.find(target).isEmpty()) {
        throw new ConfigException(
            file + ": targets: unknown target '" + target + "'; known: " + catalog.names());
      }
    }
    for (String target : config.perTarget().keySet()) {
      if (catalog.find(target).isEmpty()) {
        throw new ConfigException(
            file + ": per-target: unknown target '" + target + "'; known: " + catalog.names());
      }
    }
    return config;
  }

  private static String where(Path file, JsonLocation location) {
    return file
        + (location == null || location.getLineNr() < 1 ? ": " : ":" + location.getLineNr() + ": ");
  }

  /**
   * {@code file:LINE: } for the key the error is about. Jackson validates records when their
   * mapping ends, so its own location is the end of the mapping: the line is found by walking the
   * path's keys down the file instead, then {@code innerKey} (the field a record's own check names
   * first, "port must be ...") if it is written out; Jackson's location is the fallback.
   */
  private static String where(Path file, JsonMappingException e, String innerKey) {
    List<String> keys = new ArrayList<>();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        keys.add(r.getFieldName());
      }
    }
    try {
      List<String> lines = Files.readAllLines(file);
      int at = keyLine(lines, 0, keys);
      if (at >= 0 && innerKey != null) {
        int inner = keyLine(lines, at, List.of(innerKey));
        at = inner >= 0 ? inner : at;
      }
      if (at >= 0) {
        return file + ":" + (at + 1) + ": ";
      }
    } catch (IOException unreadable) {
      // fall back to Jackson's location
    }
    return where(file, e.getLocation());
  }

  /**
   * The line of the last of {@code keys}, each searched from the previous one's line; -1 if any is
   * missing.
   */
  private static int keyLine(List<String> lines, int from, List<String> keys) {
    int at = from;
    for (String name : keys) {
      Pattern key = Pattern.compile("(^[\\s-]*|.*[{,]\\s*)" + Pattern.quote(name) + "\\s*:.*");
      int found = -1;
      for (int i = at; i < lines.size() && found < 0; i++) {
        if (key.matcher(lines.get(i)).matches()) {
          found = i;
        }
      }
      if (found < 0) {
        return -1;
      }
      at = found;
    }
    return at;
  }

  private static String path(JsonMappingException e) {
    String p =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return p.isEmpty() ? "" : " at " + p;
  }

  private static String firstWord(String s) {
    return s == null ? null : s.split(" ", 2)[0];
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid value";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** The configuration file is wrong; the message says where and how. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }
}
