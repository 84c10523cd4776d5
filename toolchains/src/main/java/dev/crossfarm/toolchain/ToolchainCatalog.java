package dev.crossfarm.toolchain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The targets crossfarm knows, loaded from the YAML files under {@code toolchains/} on the class
 * path (one per target, listed in {@code index.yaml}).
 */
public final class ToolchainCatalog {

  private record Index(List<String> targets) {}

  private final List<Toolchain> toolchains;

  private ToolchainCatalog(List<Toolchain> toolchains) {
    this.toolchains = List.copyOf(toolchains);
  }

  /** The catalog shipped with crossfarm. */
  public static ToolchainCatalog builtIn() {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    Index index = read(yaml, "index.yaml", Index.class);
    return new ToolchainCatalog(
        index.targets().stream().map(t -> read(yaml, t + ".yaml", Toolchain.class)).toList());
  }

  public static ToolchainCatalog of(List<Toolchain> toolchains) {
    return new ToolchainCatalog(toolchains);
  }

  private static <T> T read(ObjectMapper yaml, String file, Class<T> type) {
    String resource = "toolchains/" + file;
    try (InputStream in = ToolchainCatalog.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new CatalogException("the toolchain catalog has no " + resource);
      }
      return yaml.readValue(in, type);
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new CatalogException(
          "toolchain catalog file " + resource + where + ": " + cause.getMessage(), e);
    } catch (IOException e) {
      throw new CatalogException("cannot read toolchain catalog file " + resource, e);
    }
  }

  public List<Toolchain> all() {
    return toolchains;
  }

  /** The target called {@code nameOrAlias}, or an error listing the known ones. */
  public Toolchain get(String nameOrAlias) {
    return find(nameOrAlias)
        .orElseThrow(
            () ->
                new CatalogException("unknown toolchain '" + nameOrAlias + "'; known: " + names()));
  }

  public Optional<Toolchain> find(String nameOrAlias) {
    return toolchains.stream().filter(t -> t.isCalled(nameOrAlias)).findFirst();
  }

  /** Names of every target, for messages: {@code x86_64, armv7h, aarch64 (alias armv8)}. */
  public String names() {
    return toolchains.stream()
        .map(
            t ->
                t.aliases().isEmpty()
                    ? t.name()
                    : t.name() + " (alias " + String.join(", ", t.aliases()) + ")")
        .collect(Collectors.joining(", "));
  }

  /**
   * The target whose triple prefixes this compiler name, if any: tells a user that {@code
   * x86_64-linux-gnu-gcc} was sent to the wrong volunteer rather than that it is unknown.
   */
  public Optional<Toolchain> ownerOfTriplet(String compilerName) {
    return toolchains.stream()
        .filter(t -> t.accept(compilerName).flatMap(CompilerName::triple).isPresent())
        .findFirst();
  }
}
