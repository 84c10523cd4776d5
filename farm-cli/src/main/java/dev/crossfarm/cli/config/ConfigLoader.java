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
          where(file, e.getLocation())
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
          where(file, e.getLocation())
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

  private static String path(JsonMappingException e) {
    String p =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return p.isEmpty() ? "" : " at " + p;
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
