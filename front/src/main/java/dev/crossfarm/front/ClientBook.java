package dev.crossfarm.front;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Behind a front every volunteer sees the front's address, so the accounting per client lives here:
 * its jobs, the gcc major its sources named, and how many of its jobs went to a volunteer of
 * another major (drift, which the volunteer then refuses or counts as its --version-drift says).
 * The most recent {@value #MAX_CLIENTS} clients are kept.
 */
final class ClientBook {

  static final int MAX_CLIENTS = 256;

  /**
   * @param major the gcc major its last source named, 0 when none did
   * @param drifted its jobs sent to a volunteer of another major
   */
  record Client(String address, long jobs, int major, long drifted, long lastSeenMillis) {}

  private final Map<String, Client> clients = new LinkedHashMap<>(16, 0.75f, true);
  private long driftedJobs;
  private long unknownJobs;

  /** One job placed: {@code volunteerMajor} is 0 when the volunteer's version is not known. */
  synchronized void placed(String address, int clientMajor, int volunteerMajor, long nowMillis) {
    Client before = clients.get(address);
    boolean drift = clientMajor > 0 && volunteerMajor > 0 && clientMajor != volunteerMajor;
    if (clientMajor == 0) {
      unknownJobs++;
    }
    if (drift) {
      driftedJobs++;
    }
    clients.put(
        address,
        new Client(
            address,
            (before == null ? 0 : before.jobs()) + 1,
            clientMajor > 0 ? clientMajor : before == null ? 0 : before.major(),
            (before == null ? 0 : before.drifted()) + (drift ? 1 : 0),
            nowMillis));
    if (clients.size() > MAX_CLIENTS) {
      clients.remove(clients.keySet().iterator().next());
    }
  }

  synchronized List<Client> clients() {
    return new ArrayList<>(clients.values());
  }

  synchronized long driftedJobs() {
    return driftedJobs;
  }

  synchronized long unknownJobs() {
    return unknownJobs;
  }
}
