package dev.crossfarm.front;

/**
 * What a volunteer's {@code /status.json} tells the front.
 *
 * @param slots the jobs it compiles at once
 * @param compilerVersion its gcc's full version, empty when it does not say
 * @param caching whether it keeps a result cache: only then do jobs follow their results there
 */
record VolunteerReport(int slots, String compilerVersion, boolean caching) {}
