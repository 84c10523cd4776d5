package dev.crossfarm.cli.docker;

/**
 * The labels crossfarm puts on what it creates, so that it finds (and removes) exactly its own
 * images and containers and nothing else.
 */
public final class Labels {
  /** Images: the target they serve. */
  public static final String TOOLCHAIN = "dev.crossfarm.toolchain";

  public static final String COMPILER_VERSION = "dev.crossfarm.compiler-version";
  public static final String CATALOG_DIGEST = "dev.crossfarm.catalog-digest";
  public static final String RECIPE = "dev.crossfarm.recipe";

  /** Containers and networks: part of the farm. */
  public static final String FARM = "dev.crossfarm.farm";

  public static final String TARGET = "dev.crossfarm.target";

  /** Containers: digest of the settings they were created with; a change means replace. */
  public static final String SPEC = "dev.crossfarm.spec";

  /** Containers: "true" when the host announces the volunteer over mDNS ('farm advertise'). */
  public static final String ZEROCONF = "dev.crossfarm.zeroconf";

  /** Containers: "true" when clients must pass a Kerberos login. */
  public static final String AUTH = "dev.crossfarm.auth";

  /** Swarm services: "front" for a target's front ({@code farm up --swarm --front}). */
  public static final String ROLE = "dev.crossfarm.role";

  private Labels() {}
}
