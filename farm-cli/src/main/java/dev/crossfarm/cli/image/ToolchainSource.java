package dev.crossfarm.cli.image;

import dev.crossfarm.toolchain.Installation;
import dev.crossfarm.toolchain.Toolchain;
import java.util.List;

/**
 * Where one image's compiler comes from: the catalog's Debian packages, or an official tarball. Its
 * {@link #digest} covers which, so a different tarball gives a different image.
 */
public record ToolchainSource(Toolchain toolchain, ToolchainArchive archive) {

  /** The Debian packages to install over the base; none for a tarball. */
  public List<String> packages() {
    return archive == null ? toolchain.debianPackages() : List.of();
  }

  /** Where the image's compiler lives: the tarball's installation, or Debian's. */
  public Installation installation() {
    return archive != null ? archive.installation() : toolchain.installations().get(0);
  }

  /**
   * What shapes the toolchain layer: the catalog entry, and the packages or the tarball's bytes.
   */
  public String digest() {
    return ImageRecipe.sha256(
            toolchain
                + "\npackages="
                + String.join(",", packages())
                + "\narchive="
                + (archive == null ? "-" : archive.sha256()))
        .substring(0, 12);
  }
}
