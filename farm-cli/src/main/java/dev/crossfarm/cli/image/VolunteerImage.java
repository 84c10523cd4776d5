package dev.crossfarm.cli.image;

/** A built volunteer image in the local engine. */
public record VolunteerImage(
    String reference, String target, String compilerVersion, long sizeBytes) {}
