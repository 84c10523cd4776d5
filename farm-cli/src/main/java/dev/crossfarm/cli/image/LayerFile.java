package dev.crossfarm.cli.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One image layer as an uncompressed tar file, with its diff id (the sha256 of those bytes, which
 * the engine names the layer by).
 */
record LayerFile(Path file, String diffId) {

  /** {@code file} with its diff id computed. */
  static LayerFile of(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(OutputStream.nullOutputStream());
      return new LayerFile(
          file,
          "sha256:"
              + HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest()));
    } catch (IOException e) {
      throw new ImageBuildException("cannot read the layer " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** tar's options that leave the recipe's lean paths out of a layer. */
  static List<String> excludes(ImageRecipe recipe) {
    List<String> options = new ArrayList<>();
    for (String path : recipe.lean()) {
      options.add("--exclude=./" + path);
    }
    return options;
  }
}
