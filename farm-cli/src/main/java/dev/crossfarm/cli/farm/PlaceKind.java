package dev.crossfarm.cli.farm;

/**
 * What kind of place a volunteer runs in (see {@code place.Place}), and what follows from it for
 * the verbs that show or advise on volunteers: they ask these properties, never the name.
 */
public enum PlaceKind {
  DOCKER("docker", true, true),
  SWARM("swarm", false, false),
  NATIVE("native", true, false),
  /** A target's front on the swarm's manager: one address for all its volunteers. */
  FRONT("front", false, false);

  private final String label;
  private final boolean onThisMachine;
  private final boolean announcedByHost;

  PlaceKind(String label, boolean onThisMachine, boolean announcedByHost) {
    this.label = label;
    this.onThisMachine = onThisMachine;
    this.announcedByHost = announcedByHost;
  }

  /** The name farm.yaml's {@code engine:} uses. */
  public String label() {
    return label;
  }

  /**
   * Clients reach it at this machine's name; a swarm volunteer is reached at its node's address.
   */
  public boolean onThisMachine() {
    return onThisMachine;
  }

  /** Announced over mDNS by this host's {@code farm advertise}, not by its own daemon. */
  public boolean announcedByHost() {
    return announcedByHost;
  }

  /** The WHERE column of status and top: the kind, and for a swarm volunteer its node. */
  public String describe(Volunteer v) {
    return onThisMachine ? label : label + ":" + v.id() + "@" + v.host();
  }
}
