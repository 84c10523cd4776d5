package dev.crossfarm.cli.image;

import dev.crossfarm.toolchain.Installation;
import java.nio.file.Path;

/** An official toolchain tarball, checked against its pinned sha256, laid into /opt. */
public record ToolchainArchive(Path file, String sha256, Installation installation) {}
