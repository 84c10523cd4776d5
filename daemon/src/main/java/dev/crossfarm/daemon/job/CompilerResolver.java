package dev.crossfarm.daemon.job;

import dev.crossfarm.daemon.ExitCode;
import dev.crossfarm.toolchain.CompilerName;
import dev.crossfarm.toolchain.Toolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns the compiler name a client sent into an executable of this volunteer's toolchain, or
 * refuses: a name of another target ({@code x86_64-linux-gnu-gcc} sent to an aarch64 volunteer), a
 * name not in the catalog ({@code sh}, {@code ../x}), a version this volunteer does not have. Plain
 * names ({@code gcc}) always mean this volunteer's target. Every refusal starts with stock
 * distccd's words for a compiler it cannot run, {@code failed to exec NAME}, which log scrapers
 * match, before saying why.
 */
public final class CompilerResolver {

  private final InstalledToolchain installed;
  private final ToolchainCatalog catalog;

  public CompilerResolver(InstalledToolchain installed, ToolchainCatalog catalog) {
    this.installed = installed;
    this.catalog = catalog;
  }

  /** A compiler name with the executable it runs. */
  public record Resolved(CompilerName name, Path executable) {}

  public Resolved resolve(String sent) throws JobRefusedException {
    Toolchain toolchain = installed.toolchain();
    CompilerName name = accept(toolchain, catalog, sent);
    if (name.version().isPresent() && !sameVersion(name.version().get(), installed.version())) {
      throw new JobRefusedException(
          ExitCode.COMPILER_MISSING,
          "failed to exec "
              + sent
              + ": refused, this volunteer's "
              + toolchain.name()
              + " compiler is gcc "
              + installed.version()
              + ", not "
              + name.version().get());
    }
    Path executable = installed.installation().executable(toolchain.driverTool(name));
    if (!Files.isExecutable(executable)) {
      throw new JobRefusedException(
          ExitCode.COMPILER_MISSING,
          "failed to exec "
              + sent
              + ": refused, "
              + executable
              + " is not installed on this volunteer (packages: "
              + String.join(" ", toolchain.debianPackages())
              + ")");
    }
    return new Resolved(name, executable);
  }

  /**
   * The name check alone, for a machine that runs no compiler of the toolchain (the front): a
   * compiler of this target, or the refusal a volunteer would give.
   */
  public static CompilerName accept(Toolchain toolchain, ToolchainCatalog catalog, String sent)
      throws JobRefusedException {
    Optional<CompilerName> accepted = toolchain.accept(sent);
    if (accepted.isEmpty()) {
      throw new JobRefusedException(ExitCode.COMPILER_MISSING, whyNot(sent, toolchain, catalog));
    }
    return accepted.get();
  }

  /** {@code 12} and {@code 12.2} match 12.2.0; {@code 1} does not match 12.2.0. */
  static boolean sameVersion(String requested, String installed) {
    return installed.equals(requested) || installed.startsWith(requested + ".");
  }

  private static String whyNot(String sent, Toolchain toolchain, ToolchainCatalog catalog) {
    Optional<Toolchain> owner = catalog.ownerOfTriplet(sent);
    if (owner.isPresent() && !owner.get().name().equals(toolchain.name())) {
      return "failed to exec "
          + sent
          + ": refused, that compiler builds for "
          + owner.get().name()
          + ", and this volunteer builds for "
          + toolchain.name()
          + "; send it to the "
          + owner.get().name()
          + " volunteer (port "
          + owner.get().port()
          + ")";
    }
    return "failed to exec "
        + sent
        + ": refused, not a compiler this "
        + toolchain.name()
        + " volunteer runs; it accepts gcc, cc, g++, c++ and cpp, plain or prefixed by "
        + String.join("- or ", toolchain.triples())
        + "-";
  }
}
