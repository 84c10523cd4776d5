package dev.crossfarm.cli.place;

import dev.crossfarm.cli.farm.NativeFarm;
import dev.crossfarm.cli.farm.PlaceKind;
import dev.crossfarm.cli.farm.Volunteer;
import dev.crossfarm.cli.farm.VolunteerSpec;
import dev.crossfarm.daemon.job.InstalledToolchain;
import dev.crossfarm.toolchain.ToolchainCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Volunteers as {@code farm daemon} processes of this machine, with the toolchains installed here:
 * the farm without a Docker engine. They announce themselves over mDNS when asked.
 */
final class NativePlace implements Place {

  private final NativeFarm farm;
  private final Consumer<String> progress;

  NativePlace(NativeFarm farm, Consumer<String> progress) {
    this.farm = farm;
    this.progress = progress;
  }

  @Override
  public PlaceKind kind() {
    return PlaceKind.NATIVE;
  }

  @Override
  public int defaultSlots() {
    return Runtime.getRuntime().availableProcessors();
  }

  @Override
  public void prepare(List<VolunteerSpec> specs, boolean rebuild) {
    // nothing to build: each target's toolchain is checked as it starts
  }

  @Override
  public String up(VolunteerSpec spec) {
    try {
      InstalledToolchain.detect(spec.toolchain()); // a clear reason when it cannot run here
      boolean started = farm.up(spec);
      return (started ? "started" : "unchanged") + ", log " + farm.logFile(spec.target());
    } catch (InstalledToolchain.ToolchainMissingException e) {
      throw new PlaceException(e.getMessage(), e);
    } catch (IOException e) {
      throw new PlaceException("cannot start the native volunteer: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Endpoint> endpoints(VolunteerSpec spec) {
    return List.of(Places.local(spec));
  }

  @Override
  public String announce(List<VolunteerSpec> specs, List<String> addresses) {
    return null; // each daemon publishes its own records (--zeroconf)
  }

  @Override
  public List<Volunteer> list(ToolchainCatalog catalog) {
    try {
      return farm.list(catalog);
    } catch (IOException e) {
      progress.accept("cannot read native volunteers: " + e.getMessage());
      return List.of();
    }
  }

  @Override
  public String down() throws IOException {
    return "stopped " + farm.down() + " native volunteer(s)";
  }

  @Override
  public boolean logs(String target, OutputStream out, boolean follow) throws IOException {
    Path log = farm.logFile(target);
    if (!Files.exists(log)) {
      return false;
    }
    Files.copy(log, out);
    return true;
  }

  @Override
  public void close() {}
}
