package dev.crossfarm.cli.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image in {@code docker save}'s format, handed to {@code docker load}: a manifest, the image
 * config and one tar per layer. Layers the engine already holds (the shared base) are named in the
 * config but not sent: the engine finds them by their diff ids and reads no file for them.
 */
final class ImageArchive {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageArchive() {}

  /**
   * Loads an image made of the engine's {@code baseDiffIds} and {@code layers} on top, tagged
   * {@code tags}.
   *
   * @param architecture and os: the base's, as the engine reports them
   * @param config the image's runtime settings (Entrypoint, User, Env, Labels...)
   */
  static void load(
      Path workDir,
      String architecture,
      String os,
      List<String> baseDiffIds,
      List<LayerFile> layers,
      Map<String, Object> config,
      List<String> tags) {
    try {
      Files.createDirectories(workDir);
      Path staging = Files.createTempDirectory(workDir, "archive-");
      try {
        List<String> diffIds = new ArrayList<>(baseDiffIds);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < baseDiffIds.size(); i++) {
          files.add("base" + i + "/layer.tar"); // not sent: the engine has it
        }
        for (int i = 0; i < layers.size(); i++) {
          String name = "layer" + i + "/layer.tar";
          Path link = staging.resolve(name);
          Files.createDirectories(link.getParent());
          Files.createSymbolicLink(link, layers.get(i).file().toAbsolutePath());
          files.add(name);
          diffIds.add(layers.get(i).diffId());
        }
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("architecture", architecture);
        image.put("os", os);
        image.put("created", "1970-01-01T00:00:00Z"); // same layers, same settings: same image id
        image.put("config", config);
        image.put("rootfs", Map.of("type", "layers", "diff_ids", diffIds));
        JSON.writeValue(staging.resolve("config.json").toFile(), image);
        JSON.writeValue(
            staging.resolve("manifest.json").toFile(),
            List.of(Map.of("Config", "config.json", "RepoTags", tags, "Layers", files)));
        HostCommand.pipe(
            List.of("tar", "-C", staging.toString(), "--dereference", "-cf", "-", "."),
            List.of("docker", "load", "-q"),
            workDir.resolve("docker-load.log"),
            20);
      } finally {
        HostCommand.remove(staging);
      }
    } catch (IOException e) {
      throw new ImageBuildException("cannot write the image archive: " + e.getMessage(), e);
    }
  }
}
